import { isMethodName, paramsSchemas, takesParams } from './api.ts';
import type { EventName, Events, Handlers, MethodName } from './api.ts';
import { parsePlainPlace } from './api/place-fast.ts';
import type { Endpoint, RequestFrame, ResponseFrame } from './envelope.ts';
import { isRequestFrame } from './envelope.ts';
import { RpcError } from './errors.ts';
import type { ErrorDto } from './errors.ts';

/** Something that emits contract events; the engine is one. */
export interface EventFeed {
  /**
   * `events`: only these are wanted, and a feed may then skip building the others (the engine's
   * does); a feed that ignores it delivers everything and the subscriber filters. Absent: all.
   */
  subscribe(listener: <E extends EventName>(event: E, data: Events[E]) => void, events?: readonly EventName[]): () => void;
}

export interface ServeOptions {
  /** Called for failures that are not the caller's fault (bugs), after replying INTERNAL. */
  onInternalError?: (err: unknown, method: string) => void;
  /**
   * Whether the peer is behind (its transport's send buffer is backing up). While it is, snapshot
   * events it can miss (CONFLATED_EVENTS) are skipped instead of queued: a starved browser then
   * catches up on the next snapshot rather than being cut off, and order events are never skipped.
   */
  congested?: () => boolean;
}

/**
 * Events whose every frame is a whole snapshot (a book, a quote, an account, one position, the
 * clock) or market colour (trades, candles, metrics), so a later frame replaces a skipped one.
 * Orders, fills, risk state and flags, alerts and proposals are never in this set.
 */
export const CONFLATED_EVENTS: ReadonlySet<EventName> = new Set<EventName>(['book', 'quote', 'trade', 'candle', 'clock', 'risk.metrics', 'account.updated', 'position.updated']);

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

/**
 * Methods whose common params have a plain check that answers exactly as their schema (undefined:
 * ask the schema). The three share placeSchema; an order burst is mostly orders.place.
 */
const FAST_PARAMS: Partial<Record<MethodName, (raw: unknown) => object | undefined>> = {
  'orders.place': parsePlainPlace,
  'orders.preview': parsePlainPlace,
  'risk.whatIf': parsePlainPlace,
};

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
    if (opts.congested !== undefined && CONFLATED_EVENTS.has(event) && opts.congested()) return;
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
    if (!isRequestFrame(raw)) {
      const id = typeof (raw as { id?: unknown } | null)?.id === 'number' ? (raw as { id: number }).id : -1;
      endpoint.send(errorFrame(id, { code: 'BAD_FRAME', message: 'frame must be {t:"req", id, method, params}' }));
      return;
    }
    endpoint.send(await dispatch(raw));
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
    const fast = FAST_PARAMS[req.method]?.(req.params);
    const params = fast !== undefined ? ({ success: true, data: fast } as const) : paramsSchemas[req.method].safeParse(req.params ?? {});
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

// The caller side lives in client.ts (no zod, no schemas: the CLI loads it alone); re-exported here.
export { createClient } from './client.ts';
export type { Client, ClientOptions } from './client.ts';
