import { createClient } from '../../../src/contract/index.ts';
import type { Client, Endpoint } from '../../../src/contract/index.ts';
import type { ConnectionState } from '../state/index.ts';

/**
 * Picks how the renderer talks to the engine:
 * - inside Electron, the preload bridge `window.strata` (IPC frames);
 * - in a browser, a WebSocket to `/ws?token=…` on the page's own host, reconnecting with backoff.
 *
 * Each successful (re)connection yields a fresh contract Client: the contract's client is dead once
 * its endpoint closes, so a reconnect means a new client, and the store refetches its snapshots.
 */

export interface StrataBridge {
  send(frame: string): void;
  onMessage(cb: (frame: string) => void): () => void;
}

declare global {
  interface Window {
    strata?: StrataBridge;
  }
}

export interface ConnectionHandlers {
  /** A new connection is open; `client` is valid until onDown. */
  onUp(client: Client): void;
  /** The connection dropped (the client given to onUp is closed). */
  onDown(): void;
  onState(state: ConnectionState): void;
}

export interface Connection {
  /** Try now instead of waiting for the backoff timer. */
  retryNow(): void;
  close(): void;
}

const TOKEN_KEY = 'strata.token';

/** Reads `?token=` from the address bar, keeps it in sessionStorage, and strips it from the URL. */
export function takeToken(): string | null {
  let fromUrl: string | null = null;
  try {
    const url = new URL(window.location.href);
    fromUrl = url.searchParams.get('token');
    if (fromUrl !== null) {
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    }
  } catch {
    // A malformed location is not worth crashing for.
  }
  try {
    if (fromUrl) {
      window.sessionStorage.setItem(TOKEN_KEY, fromUrl);
      return fromUrl;
    }
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    // sessionStorage can throw in locked-down contexts.
    return fromUrl;
  }
}

function bridgeEndpoint(bridge: StrataBridge): Endpoint {
  const closeListeners = new Set<() => void>();
  return {
    send: (frame) => bridge.send(frame),
    onMessage: (listener) => bridge.onMessage(listener),
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close() {
      for (const l of closeListeners) l();
      closeListeners.clear();
    },
  };
}

function socketEndpoint(ws: WebSocket): Endpoint {
  return {
    send(frame) {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    onMessage(listener) {
      const h = (ev: MessageEvent): void => {
        if (typeof ev.data === 'string') listener(ev.data);
      };
      ws.addEventListener('message', h);
      return () => ws.removeEventListener('message', h);
    },
    onClose(listener) {
      const h = (): void => listener();
      ws.addEventListener('close', h);
      return () => ws.removeEventListener('close', h);
    },
    close() {
      ws.close();
    },
  };
}

/** How long one connection attempt may take before it is abandoned and retried. */
export const CONNECT_TIMEOUT_MS = 8_000;

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s, … capped at 10 s. */
export function backoffMs(attempt: number): number {
  const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

const HEARTBEAT_MS = 5000;
const HEARTBEAT_TIMEOUT_MS = 4000;

/**
 * Electron: the bridge never closes, but the engine behind it can restart (main switches the port).
 * A heartbeat on session.info notices both an unresponsive engine and a new engine run
 * (startedAt changed); either way the store re-attaches and refetches its snapshots.
 */
function connectBridge(bridge: StrataBridge, handlers: ConnectionHandlers): Connection {
  const client = createClient(bridgeEndpoint(bridge));
  let startedAt: number | null = null;
  let healthy = true;
  let misses = 0;
  let stopped = false;
  handlers.onState({ phase: 'open', kind: 'ipc', attempt: 0, retryAt: null, detail: null });
  handlers.onUp(client);

  const beat = async (): Promise<void> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const info = await Promise.race([
        client.call('session.info', {}),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer')), HEARTBEAT_TIMEOUT_MS);
        }),
      ]);
      if (stopped) return;
      const restarted = startedAt !== null && info.startedAt !== startedAt;
      startedAt = info.startedAt;
      misses = 0;
      if (!healthy || restarted) {
        healthy = true;
        handlers.onState({ phase: 'open', kind: 'ipc', attempt: 0, retryAt: null, detail: null });
        handlers.onUp(client);
      }
    } catch (err) {
      if (stopped) return;
      misses++;
      if (healthy) {
        healthy = false;
        handlers.onDown();
      }
      handlers.onState({
        phase: 'reconnecting',
        kind: 'ipc',
        attempt: misses,
        retryAt: Date.now() + HEARTBEAT_MS,
        detail: err instanceof Error ? err.message : 'engine not answering',
      });
    } finally {
      clearTimeout(timer);
    }
  };
  const interval = setInterval(() => void beat(), HEARTBEAT_MS);
  void beat();

  return {
    retryNow() {
      void beat();
    },
    close() {
      stopped = true;
      clearInterval(interval);
      client.close();
    },
  };
}

export function connect(handlers: ConnectionHandlers): Connection {
  const bridge = typeof window !== 'undefined' ? window.strata : undefined;
  if (bridge) return connectBridge(bridge, handlers);

  const token = takeToken();
  let attempt = 0;
  let everOpen = false;
  let stopped = false;
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const state = (s: Omit<ConnectionState, 'kind'>): void => handlers.onState({ ...s, kind: 'ws' });

  if (!token) {
    state({ phase: 'unauthorized', attempt: 0, retryAt: null, detail: 'No access token: open the URL printed by `strata serve`.' });
    return { retryNow() {}, close() {} };
  }

  function open(): void {
    if (stopped) return;
    timer = null;
    state({ phase: attempt === 0 ? 'connecting' : 'reconnecting', attempt, retryAt: null, detail: null });
    const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
    let ws: WebSocket;
    try {
      ws = new WebSocket(`${proto}://${window.location.host}/ws?token=${encodeURIComponent(token ?? '')}`);
    } catch (err) {
      scheduleRetry(err instanceof Error ? err.message : 'cannot open WebSocket');
      return;
    }
    socket = ws;
    let wasOpen = false;
    // An attempt that neither opens nor fails (a blackholed network, a connection the browser
    // blocks without an event) is abandoned after CONNECT_TIMEOUT_MS and retried, instead of
    // leaving the terminal "Reconnecting…" for good.
    const connectTimer = setTimeout(() => {
      if (wasOpen || socket !== ws) return;
      socket = null;
      ws.close();
      if (!stopped) scheduleRetry('connection attempt timed out');
    }, CONNECT_TIMEOUT_MS);
    ws.addEventListener('open', () => {
      clearTimeout(connectTimer);
      if (socket !== ws) {
        // Opened after it was given up: the newer attempt owns the connection.
        ws.close();
        return;
      }
      if (stopped) return;
      wasOpen = true;
      everOpen = true;
      attempt = 0;
      state({ phase: 'open', attempt: 0, retryAt: null, detail: null });
      handlers.onUp(createClient(socketEndpoint(ws)));
    });
    ws.addEventListener('close', (ev) => {
      clearTimeout(connectTimer);
      // An attempt already abandoned (timed out, or replaced by "Retry now") has been dealt with.
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      if (wasOpen) handlers.onDown();
      // 4401 / 1008: the server refused our token; retrying with the same token is pointless.
      if (ev.code === 4401 || ev.code === 1008) {
        state({ phase: 'unauthorized', attempt, retryAt: null, detail: ev.reason || 'The engine refused the access token.' });
        return;
      }
      if (wasOpen || everOpen) {
        // This token worked before: a drop is transient (engine busy, network), keep trying.
        scheduleRetry(ev.reason || 'connection lost');
        return;
      }
      // The browser hides why an upgrade failed (401 and "nothing listening" both read as 1006).
      // If the page's own server answers, the engine is up and refused us: the token is wrong.
      void engineAnswers().then((up) => {
        if (stopped) return;
        if (up && attempt >= 1) {
          state({ phase: 'unauthorized', attempt, retryAt: null, detail: 'The engine refused the access token: open the URL that `strata serve` printed.' });
          return;
        }
        scheduleRetry(ev.reason || 'engine unreachable');
      });
    });
  }

  async function engineAnswers(): Promise<boolean> {
    try {
      const res = await fetch('./healthz', { cache: 'no-store' });
      return res.ok;
    } catch {
      return false;
    }
  }

  function scheduleRetry(detail: string): void {
    attempt += 1;
    const wait = backoffMs(attempt);
    state({ phase: 'reconnecting', attempt, retryAt: Date.now() + wait, detail });
    timer = setTimeout(open, wait);
  }

  open();

  return {
    retryNow() {
      if (stopped) return;
      if (socket) {
        // Connected: nothing to retry. Still connecting: give up that attempt and start afresh.
        if (socket.readyState === WebSocket.OPEN) return;
        const pending = socket;
        socket = null;
        pending.close();
      }
      if (timer) clearTimeout(timer);
      attempt = Math.max(attempt, 1);
      open();
    },
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    },
  };
}
