import type { Endpoint } from '../contract/envelope.ts';

/**
 * A client WebSocket on Node's built-in WebSocket (Node >= 22): the CLI opens one per command, and
 * loading the `ws` package (and its native helpers) cost more than the request itself. The server
 * side stays on `ws` (ws-endpoint.ts).
 */
export function connectWsClient(url: string, timeoutMs = 5000): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      reject(new Error(`no answer from the engine within ${timeoutMs} ms`));
      ws.close();
    }, timeoutMs);
    const msg = new Set<(f: string) => void>();
    const close = new Set<() => void>();
    let open = false;
    ws.addEventListener('open', () => {
      open = true;
      clearTimeout(timer);
      resolve({
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
      });
    });
    ws.addEventListener('message', (e: MessageEvent) => {
      const text = typeof e.data === 'string' ? e.data : Buffer.from(e.data as ArrayBuffer).toString('utf8');
      for (const l of msg) l(text);
    });
    ws.addEventListener('close', () => {
      clearTimeout(timer);
      // The built-in client does not expose the HTTP status of a refused upgrade (a wrong token gets 401).
      if (!open) reject(new Error('engine refused the connection (wrong token, or not a Strata engine)'));
      for (const l of close) l();
    });
    ws.addEventListener('error', () => {
      /* 'close' follows and says what happened */
    });
  });
}
