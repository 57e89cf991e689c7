import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../../src/contract/api.ts';
import { RpcError } from '../../../src/contract/errors.ts';
import { DomainError } from '../../../src/core/errors.ts';
import { wireHandlers } from '../../../src/kernel/wire.ts';

const fake = (over: Partial<Handlers>): Handlers => over as Handlers;

describe('wireHandlers (the contract edge)', () => {
  it('when a handler throws a DomainError then the caller gets an RpcError with the same code, message and issues', () => {
    const h = wireHandlers(fake({ 'orders.get': () => { throw new DomainError('UNKNOWN_ORDER', 'unknown order "x"', [{ path: 'orderId', message: 'x' }]); } }));
    let err: unknown;
    try {
      void h['orders.get']({ orderId: 'x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({ code: 'UNKNOWN_ORDER', message: 'unknown order "x"', issues: [{ path: 'orderId', message: 'x' }] });
  });

  it('when an async handler rejects with a DomainError then the rejection is an RpcError', async () => {
    const h = wireHandlers(fake({ 'orders.get': () => Promise.reject(new DomainError('TIMEOUT', 'venue slow')) }));
    await expect(h['orders.get']({ orderId: 'x' })).rejects.toMatchObject({ name: 'RpcError', code: 'TIMEOUT' });
  });

  it('when a commit is pending then the reply waits for it; with none it is returned as is', async () => {
    let release!: () => void;
    let pending: Promise<void> | undefined = new Promise<void>((r) => (release = r));
    const h = wireHandlers(fake({ 'exec.routing': () => ({ rows: [] }) as never }), () => pending);
    let settled = false;
    const r = Promise.resolve(h['exec.routing']({})).then((v) => {
      settled = true;
      return v;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    release();
    await r;
    expect(settled).toBe(true);
    pending = undefined;
    expect(h['exec.routing']({})).toEqual({ rows: [] });
  });

  it('retryable is true only for codes a retry can cure', () => {
    expect(new DomainError('TIMEOUT', 't').retryable).toBe(true);
    expect(new DomainError('NOT_CONNECTED', 'n').retryable).toBe(true);
    expect(new DomainError('UNKNOWN_ORDER', 'u').retryable).toBe(false);
  });
});
