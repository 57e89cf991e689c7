import { isMethodName, paramsSchemas, takesParams } from './api.ts';
import type { EventName, Events, Handlers, MethodName, ParamsIn, Result } from './api.ts';
import type { Endpoint, RequestFrame, ResponseFrame } from './envelope.ts';
import { requestFrameSchema } from './envelope.ts';
import { RpcError } from './errors.ts';
import type { ErrorDto } from './errors.ts';

/** Something that emits contract events; the engine is one. */
export interface EventFeed {
  subscribe(listener: <E extends EventName>(event: E, data: Events[E]) => void): () => void;
}

export interface ServeOptions {
  /** Called for failures that are not the caller's fault (bugs), after replying INTERNAL. */
  onInternalError?: (err: unknown, method: string) => void;
}

/**
 * The largest request frame, on every transport (the WebSocket's maxPayload says the same), and
 * the deepest nesting of its JSON: no method's params nest beyond a handful of levels, and a
 * hostile run of very large, very deep frames grew the engine's memory run after run.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;
export const MAX_FRAME_DEPTH = 32;
/** At most this many field problems go back in one BAD_REQUEST, each message at most MAX_ISSUE_TEXT long. */
const MAX_ISSUES = 10;
const MAX_ISSUE_TEXT = 300;

/** Nesting depth of JSON text (brackets outside strings), stopping as soon as it passes `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const clipText = (t: string): string => (t.length <= MAX_ISSUE_TEXT ? t : `${t.slice(0, MAX_ISSUE_TEXT)}…`);

function errorFrame(id: number, error: ErrorDto): string {
  const f: ResponseFrame = { t: 'res', id, ok: false, error };
  return JSON.stringify(f);
}

/**
 * Serves the contract on one endpoint: validates every request against its schema, calls the
 * handler, replies; forwards every event. Nothing a peer sends can throw out of here.
 */
export function serveEndpoint(endpoint: Endpoint, handlers: Handlers, feed?: EventFeed, opts: ServeOptions = {}): () => void {
  const offMsg = endpoint.onMessage((text) => {
    void handleFrame(text);
  });
  const offFeed = feed?.subscribe((event, data) => {
    endpoint.send(JSON.stringify({ t: 'evt', event, data }));
  });
  const offClose = endpoint.onClose(() => stop());
  function stop(): void {
    offMsg();
    offFeed?.();
    offClose();
  }

  async function handleFrame(text: string): Promise<void> {
    if (text.length > MAX_FRAME_BYTES) {
      endpoint.send(errorFrame(-1, { code: 'BAD_FRAME', message: `frame is longer than ${MAX_FRAME_BYTES} characters` }));
      return;
    }
    if (jsonDepthExceeds(text, MAX_FRAME_DEPTH)) {
      endpoint.send(errorFrame(-1, { code: 'BAD_FRAME', message: `frame nests deeper than ${MAX_FRAME_DEPTH} levels` }));
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      endpoint.send(errorFrame(-1, { code: 'BAD_FRAME', message: 'frame is not valid JSON' }));
      return;
    }
    const parsed = requestFrameSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown } | null)?.id === 'number' ? (raw as { id: number }).id : -1;
      endpoint.send(errorFrame(id, { code: 'BAD_FRAME', message: 'frame must be {t:"req", id, method, params}' }));
      return;
    }
    const req = parsed.data as RequestFrame;
    endpoint.send(await dispatch(req));
  }

  async function dispatch(req: RequestFrame): Promise<string> {
    if (!isMethodName(req.method)) {
      return errorFrame(req.id, { code: 'UNKNOWN_METHOD', message: `unknown method "${req.method}"` });
    }
    if ((req.params === undefined || req.params === null) && takesParams(req.method)) {
      return errorFrame(req.id, {
        code: 'BAD_REQUEST',
        message: `${req.method}: (params): the params object is required (send {} for the defaults)`,
        issues: [{ path: '(params)', message: 'the params object is required' }],
      });
    }
    const schema = paramsSchemas[req.method];
    const params = schema.safeParse(req.params ?? {});
    if (!params.success) {
      // Bounded: a frame with thousands of unknown keys must not come back as a reply of the same size.
      const issues = params.error.issues.slice(0, MAX_ISSUES).map((i) => ({ path: clipText(i.path.join('.')) || '(params)', message: clipText(i.message) }));
      const first = issues[0];
      return errorFrame(req.id, {
        code: 'BAD_REQUEST',
        message: first ? `${req.method}: ${first.path}: ${first.message}` : `${req.method}: invalid params`,
        issues,
      });
    }
    try {
      const handler = handlers[req.method] as (p: unknown) => unknown;
      const result = await handler(params.data);
      const f: ResponseFrame = { t: 'res', id: req.id, ok: true, result };
      return JSON.stringify(f);
    } catch (err) {
      if (err instanceof RpcError) return errorFrame(req.id, err.toDto());
      opts.onInternalError?.(err, req.method);
      const message = err instanceof Error ? err.message : String(err);
      return errorFrame(req.id, { code: 'INTERNAL', message: `internal error in ${req.method}: ${message}` });
    }
  }

  return stop;
}

export interface Client {
  call<M extends MethodName>(method: M, params?: ParamsIn<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (data: Events[E]) => void): () => void;
  close(): void;
}

export interface ClientOptions {
  timeoutMs?: number;
}

/** The caller side: typed calls and event listeners over any endpoint. */
export function createClient(endpoint: Endpoint, opts: ClientOptions = {}): Client {
  const timeoutMs = opts.timeoutMs ?? 15_000;
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
      else p.reject(new RpcError(f.error?.code ?? 'INTERNAL', f.error?.message ?? 'request failed', f.error?.issues));
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
