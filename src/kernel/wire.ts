import type { Handlers, MethodName } from '../contract/api.ts';
import { RpcError } from '../contract/errors.ts';
import { DomainError } from '../core/errors.ts';

/**
 * The contract edge: domain code throws DomainError; the wire carries RpcError. Every handler is
 * wrapped once so that a domain refusal reaches the client with its code and issues, while the
 * handlers themselves (and everything below them) never import the transport's error type.
 */
export function toWireError(err: unknown): unknown {
  if (err instanceof DomainError) return new RpcError(err.code, err.message, err.issues);
  return err;
}

export function wireHandlers(handlers: Handlers): Handlers {
  const out: Partial<Record<MethodName, (p: unknown) => unknown>> = {};
  for (const name of Object.keys(handlers) as MethodName[]) {
    const h = handlers[name] as (p: unknown) => unknown;
    out[name] = (p: unknown): unknown => {
      let r: unknown;
      try {
        r = h(p);
      } catch (err) {
        throw toWireError(err);
      }
      // Async handlers (a placement waiting for its commit) fail later: map the rejection too.
      return r instanceof Promise ? r.catch((err: unknown) => Promise.reject(toWireError(err))) : r;
    };
  }
  return out as Handlers;
}
