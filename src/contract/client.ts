import type { EventName, Events, MethodName, ParamsIn, Result } from './api.ts';
import type { Endpoint } from './envelope.ts';
import { RpcError } from './errors.ts';
import type { ErrorDto } from './errors.ts';

/**
 * The caller side of the contract: typed calls and event listeners over any endpoint. It imports
 * only types from the schemas, so a client (the CLI) never loads zod: validation is the server's.
 */

export interface Client {
  call<M extends MethodName>(method: M, params?: ParamsIn<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (data: Events[E]) => void): () => void;
  close(): void;
}

export interface ClientOptions {
  /** How long a request waits for its reply (default 15 s), unless METHOD_TIMEOUT_MS names its method. */
  timeoutMs?: number;
}

/**
 * Methods whose reply may legitimately come after many seconds, with their own bound. A replay seek
 * runs the recording to its target at full speed: across the 59 h demo tape with a position held
 * that is ~8 s of engine CPU, tens of seconds of wall time on a loaded laptop, and it pushes its
 * progress (replay.state) while it runs. At 15 s the UI reported "Replay seek failed" for seeks
 * that then succeeded.
 */
export const METHOD_TIMEOUT_MS: Partial<Record<MethodName, number>> = { 'replay.seek': 300_000 };

/** The caller side: typed calls and event listeners over any endpoint. */
export function createClient(endpoint: Endpoint, opts: ClientOptions = {}): Client {
  const defaultTimeoutMs = opts.timeoutMs ?? 15_000;
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: RpcError) => void; timer: ReturnType<typeof setTimeout> }>();
  const listeners = new Map<string, Set<(data: never) => void>>();

  endpoint.onMessage((text) => {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const f = frame as { t?: string; id?: number; ok?: boolean; result?: unknown; error?: ErrorDto; event?: string; data?: unknown };
    if (f.t === 'res' && typeof f.id === 'number') {
      const p = pending.get(f.id);
      if (!p) return;
      pending.delete(f.id);
      clearTimeout(p.timer);
      if (f.ok) p.resolve(f.result);
      else p.reject(new RpcError(f.error?.code ?? 'INTERNAL', f.error?.message ?? 'request failed', f.error?.issues, f.error?.retryable));
    } else if (f.t === 'evt' && typeof f.event === 'string') {
      const set = listeners.get(f.event);
      if (set) for (const l of set) (l as (d: unknown) => void)(f.data);
    }
  });
  endpoint.onClose(() => {
    closed = true;
    for (const [, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new RpcError('NOT_CONNECTED', 'connection to the engine closed'));
    }
    pending.clear();
  });

  return {
    call(method, params) {
      if (closed) return Promise.reject(new RpcError('NOT_CONNECTED', 'connection to the engine is closed'));
      const id = nextId++;
      // A caller's longer bound (a test's) stands; a method's own bound only lengthens the default.
      const timeoutMs = Math.max(defaultTimeoutMs, METHOD_TIMEOUT_MS[method] ?? 0);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new RpcError('TIMEOUT', `${method} got no reply within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        endpoint.send(JSON.stringify({ t: 'req', id, method, params: params ?? {} }));
      });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener as (data: never) => void);
      return () => set.delete(listener as (data: never) => void);
    },
    close() {
      endpoint.close();
    },
  };
}
