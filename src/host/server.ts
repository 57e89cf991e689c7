import { timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, resolve, sep } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import type { Handlers } from '../contract/api.ts';
import { serveEndpoint } from '../contract/rpc.ts';
import type { EventFeed } from '../contract/rpc.ts';
import { EventFanOut, parseEventFilter, textFrame } from './event-fan-out.ts';
import { wsEndpoint } from './ws-endpoint.ts';

export interface ServerOptions {
  handlers: Handlers;
  feed: EventFeed;
  token: string;
  port: number;
  /** Built renderer to serve; when missing the UI routes answer 503 with a hint. */
  staticDir: string;
  host?: string;
  onInternalError?: (err: unknown, method: string) => void;
}

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
  connections(): number;
  /**
   * Undefined while every event client keeps up; else settles once they have drained (bounded):
   * a producer that can outrun them (a max-speed replay) waits on it between steps.
   */
  backpressure(): Promise<void> | undefined;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * A client more than this behind gets no more market-data snapshots until it catches up (see
 * CONFLATED_EVENTS): a browser starved of CPU for a few seconds stays connected.
 */
const CONFLATE_ABOVE_BYTES = 1024 * 1024;
/** A stuck client is cut off rather than buffering order events without bound. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/**
 * Beyond this many bytes queued for a client, a producer that waits on backpressure() holds its
 * next step until the socket drains, at most BACKPRESSURE_MAX_WAIT_MS a step (a frozen tab must not
 * stall a replay for good). Well under CONFLATE_ABOVE_BYTES: the producer slows before anything is skipped.
 */
const BACKPRESSURE_ABOVE_BYTES = 256 * 1024;
const BACKPRESSURE_MAX_WAIT_MS = 1000;

export function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Only loopback names for our own port: stops DNS-rebinding pages from reaching the engine. */
export function hostAllowed(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}` || hostHeader === `[::1]:${port}`;
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React style attributes and lightweight-charts need inline styles; no inline scripts.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Corked bytes beyond which a tick's frames are handed to the socket at once rather than at the tick's end. */
const FLUSH_CORKED_ABOVE_BYTES = 64 * 1024;

/**
 * Returns a function to call before each frame written to `socket`: the first one in a tick corks
 * the socket, and it is uncorked once the tick's microtasks have run, so every frame written in
 * between (a group commit releases dozens of replies at once, each event goes out with them) leaves
 * in one writev instead of one system call per frame. Past FLUSH_CORKED_ABOVE_BYTES the frames so far
 * go at once: a large tick must not sit in memory and count against the client's buffer limits.
 */
export function writesPerTick(socket: Duplex): () => void {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  return () => {
    if (corked) {
      if (socket.writableLength < FLUSH_CORKED_ABOVE_BYTES) return;
      uncork();
    }
    corked = true;
    socket.cork();
    process.nextTick(uncork);
  };
}

/**
 * The web-mode host: serves the built UI and the contract over a WebSocket, bound to 127.0.0.1.
 * The UI files are public; the WebSocket needs the per-launch token.
 */
export function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const root = resolve(opts.staticDir);
  let port = opts.port;

  const http = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, port)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden host');
      return;
    }
    serveStatic(req, res);
  });

  function serveStatic(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = resolve(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    const target = existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
    if (!existsSync(target)) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('The UI is not built. Run: npm run build');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'content-security-policy': contentSecurityPolicy(port),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': target.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(target).pipe(res);
  }

  // perMessageDeflate stays off (ws's default, named here because EventFanOut writes whole frames to the socket).
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false });
  const fanOut = new EventFanOut(opts.feed);
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    const reject = (code: number, text: string) => {
      socket.write(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (url.pathname !== '/ws') return reject(404, 'Not Found');
    if (!hostAllowed(req.headers.host, port)) return reject(403, 'Forbidden');
    if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) return reject(403, 'Forbidden');
    if (!tokenMatches(url.searchParams.get('token'), opts.token)) return reject(401, 'Unauthorized');
    const events = parseEventFilter(url.searchParams.get('events'));
    if (events === 'invalid') return reject(400, 'Bad Request');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const endpoint = wsEndpoint(ws);
      const batch = writesPerTick(socket);
      const guarded = {
        ...endpoint,
        send(frame: string) {
          if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
            ws.terminate();
            return;
          }
          if (ws.readyState !== WebSocket.OPEN) return;
          batch();
          // A reply as one buffer, framed here as the fan-out frames events (same bytes; no
          // extension is negotiated): ws's sender would encode the string, then write a header
          // and the payload separately.
          socket.write(textFrame(frame).frame);
        },
      };
      // Events come from the server's one feed subscription (fanOut), not one per connection.
      serveEndpoint(guarded, opts.handlers, undefined, { onInternalError: opts.onInternalError });
      // No extension is negotiated (perMessageDeflate is off), so the fan-out may write its frames to the socket itself.
      const leave = fanOut.join({ ws, events, maxBufferedBytes: MAX_BUFFERED_BYTES, conflateAboveBytes: CONFLATE_ABOVE_BYTES, beforeSend: batch, socket });
      ws.once('close', leave);
    });
  });

  return new Promise((resolvePromise, rejectPromise) => {
    http.once('error', rejectPromise);
    http.listen(opts.port, host, () => {
      port = (http.address() as AddressInfo).port;
      resolvePromise({
        port,
        url: `http://127.0.0.1:${port}/?token=${opts.token}`,
        connections: () => wss.clients.size,
        backpressure: () => fanOut.behind(BACKPRESSURE_ABOVE_BYTES, BACKPRESSURE_MAX_WAIT_MS),
        close: () =>
          new Promise<void>((done) => {
            fanOut.close();
            for (const c of wss.clients) c.terminate();
            wss.close();
            http.close(() => done());
            http.closeAllConnections();
          }),
      });
    });
  });
}
