import type { Handlers, MethodName } from '../contract/api.ts';
import { RpcError } from '../contract/errors.ts';
import { DomainError } from '../core/errors.ts';

/**
 * The contract edge: domain code throws DomainError; the wire carries RpcError. Every handler is
 * wrapped once so that a domain refusal reaches the client with its code and issues, while the
 * handlers themselves (and everything below them) never import the transport's error type.
 * Whether a retry may succeed travels with it, so a client can decide without a table of codes.
 */
export function toWireError(err: unknown): unknown {
  if (err instanceof DomainError) return new RpcError(err.code, err.message, err.issues, err.retryable);
  return err;
}

/**
 * `settle`, when given, says when what a request wrote is durable (group commit): the reply then
 * waits for it, so a client never hears of an order the journal could still lose.
 */
export function wireHandlers(handlers: Handlers, settle?: () => Promise<void> | undefined): Handlers {
  const out: Partial<Record<MethodName, (p: unknown) => unknown>> = {};
  const after = (v: unknown): unknown => {
    const done = settle?.();
    return done ? done.then(() => v) : v;
  };
  for (const name of Object.keys(handlers) as MethodName[]) {
    const h = handlers[name] as (p: unknown) => unknown;
    out[name] = (p: unknown): unknown => {
      let r: unknown;
      try {
        r = h(p);
      } catch (err) {
        throw toWireError(err);
      }
      // Async handlers fail later: map the rejection too.
      if (r instanceof Promise) return r.then(after, (err: unknown) => Promise.reject(toWireError(err)));
      return after(r);
    };
  }
  return out as Handlers;
}
