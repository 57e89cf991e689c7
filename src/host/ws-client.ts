import WebSocket from 'ws';
import type { Endpoint } from '../contract/envelope.ts';
import { wsEndpoint } from './ws-endpoint.ts';

/**
 * The CLI's one WebSocket per command, on the `ws` package the server uses. Measured with the
 * compile cache on a loaded 2-core machine (connect, open, close; CPU user+sys p50 of 15): `ws`
 * 90 ms, Node's built-in WebSocket 130 ms (it loads undici, WebCrypto and an llhttp WebAssembly
 * module, and waits out the close handshake), a bare `node -e ''` 30 ms. No permessage-deflate:
 * the frames are small and the engine does not offer it.
 */
export function connectWsClient(url: string, timeoutMs = 5000): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
    ws.once('open', () => resolve(wsEndpoint(ws)));
    ws.once('unexpected-response', (_req, res) => {
      // 401: the token in connection.json is not this engine's (a stale file, or another program on the port).
      reject(new Error(`engine refused the connection: HTTP ${res.statusCode ?? '?'}${res.statusCode === 401 ? ' (wrong token, or not a Strata engine)' : ''}`));
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}
