import WebSocket from 'ws';
import type { Endpoint } from '../contract/envelope.ts';

/** Frames over one WebSocket. Binary frames are decoded as UTF-8 text; validation happens in rpc. */
export function wsEndpoint(ws: WebSocket): Endpoint {
  const msg = new Set<(f: string) => void>();
  const close = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
    for (const l of msg) l(text);
  });
  ws.on('close', () => {
    for (const l of close) l();
  });
  ws.on('error', () => {
    /* 'close' follows; nothing to do but keep the process alive */
  });
  return {
    send(frame) {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    onMessage(l) {
      msg.add(l);
      return () => msg.delete(l);
    },
    onClose(l) {
      close.add(l);
      return () => close.delete(l);
    },
    close() {
      ws.close();
    },
  };
}

/** Opens a client WebSocket and resolves once connected, or rejects with the server's reason. */
export function connectWs(url: string, timeoutMs = 5000): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    ws.once('open', () => resolve(wsEndpoint(ws)));
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`engine refused the connection: HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}
