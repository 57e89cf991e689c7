import { serveEndpoint } from '../src/contract/index.ts';
import type { Endpoint, EventFeed, Handlers } from '../src/contract/index.ts';
import { parseAppArgs } from './config.ts';
import { isToEngine } from './messages.ts';
import type { FromEngine } from './messages.ts';

/**
 * The engine side of the shell, run inside the utility process. Typed structurally so it needs
 * no Electron import (the utility process has no 'electron' module worth loading) and so tests
 * can drive it with plain objects.
 */

/** What we use of Electron's MessagePortMain. */
export interface PortLike {
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/** What we use of process.parentPort. */
export interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown; ports: readonly PortLike[] }) => void): unknown;
  postMessage(message: FromEngine): void;
}

export interface EngineLike {
  handlers: Handlers;
  feed: EventFeed;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A contract Endpoint over a MessagePortMain: JSON text frames only, anything else is dropped. */
export function portEndpoint(port: PortLike): Endpoint {
  const messageListeners = new Set<(frame: string) => void>();
  const closeListeners = new Set<() => void>();
  let closed = false;
  const fireClose = (): void => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners) l();
    closeListeners.clear();
    messageListeners.clear();
  };
  port.on('message', (e) => {
    if (closed || typeof e.data !== 'string') return;
    for (const l of messageListeners) l(e.data);
  });
  port.on('close', fireClose);
  port.start();
  return {
    send(frame) {
      if (!closed) port.postMessage(frame);
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close() {
      if (closed) return;
      port.close();
      fireClose();
    },
  };
}

export interface EngineOptions {
  dataDir: string;
  seed?: number;
}

/** The engine's options from the utility process's argv, with STRATA_DATA_DIR as a fallback. */
export function engineOptionsFrom(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): EngineOptions | null {
  const args = parseAppArgs(argv);
  const dataDir = args.dataDir ?? env.STRATA_DATA_DIR;
  if (!dataDir) return null;
  return args.seed === undefined ? { dataDir } : { dataDir, seed: args.seed };
}

export interface HostDeps {
  parent: ParentPortLike;
  engine: EngineLike;
  pid: number;
  exit: (code: number) => void;
  log: (message: string, err?: unknown) => void;
  serve?: typeof serveEndpoint;
}

export interface EngineHost {
  /** Ports connected so far and still open. */
  readonly clients: number;
  shutdown(code: number): Promise<void>;
}

/**
 * Starts the engine, then serves every MessagePort main sends with `strata:connect`. Ports that
 * arrive during start-up wait in parentPort's queue (it buffers until a listener exists).
 * `strata:stop` stops the engine cleanly and exits.
 */
export async function runEngineHost(deps: HostDeps): Promise<EngineHost> {
  const serve = deps.serve ?? serveEndpoint;
  const endpoints = new Set<Endpoint>();
  let stopping: Promise<void> | null = null;

  const shutdown = (code: number): Promise<void> => {
    stopping ??= (async () => {
      for (const ep of endpoints) ep.close();
      endpoints.clear();
      try {
        await deps.engine.stop();
      } catch (err) {
        deps.log('engine stop failed', err);
        code = code || 1;
      }
      deps.exit(code);
    })();
    return stopping;
  };

  try {
    await deps.engine.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log('engine failed to start', err);
    deps.parent.postMessage({ type: 'strata:fatal', message });
    deps.exit(1);
    return { clients: 0, shutdown };
  }

  deps.parent.on('message', (e) => {
    if (!isToEngine(e.data)) return;
    if (e.data.type === 'strata:stop') {
      void shutdown(0);
      return;
    }
    const port = e.ports[0];
    if (!port || stopping) return;
    const endpoint = portEndpoint(port);
    endpoints.add(endpoint);
    endpoint.onClose(() => endpoints.delete(endpoint));
    serve(endpoint, deps.engine.handlers, deps.engine.feed, {
      onInternalError: (err, method) => deps.log(`internal error in ${method}`, err),
    });
  });
  deps.parent.postMessage({ type: 'strata:ready', pid: deps.pid });

  return {
    get clients() {
      return endpoints.size;
    },
    shutdown,
  };
}
