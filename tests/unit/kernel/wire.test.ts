import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../../src/contract/api.ts';
import { createClient } from '../../../src/contract/client.ts';
import { RpcError } from '../../../src/contract/errors.ts';
import { createMemoryPair } from '../../../src/contract/memory.ts';
import { serveEndpoint } from '../../../src/contract/rpc.ts';
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

  it('when a DomainError says whether a retry may succeed then the wire error carries it to the client', async () => {
    const h = wireHandlers(
      fake({
        'orders.get': () => Promise.reject(new DomainError('TIMEOUT', 'venue slow')),
        'orders.cancel': () => {
          throw new DomainError('UNKNOWN_ORDER', 'unknown order "x"');
        },
      }),
    );
    await expect(h['orders.get']({ orderId: 'x' })).rejects.toMatchObject({ retryable: true });
    expect(() => h['orders.cancel']({ orderId: 'x' })).toThrow(expect.objectContaining({ retryable: false }) as Error);
    const [server, clientEnd] = createMemoryPair();
    serveEndpoint(server, h);
    const client = createClient(clientEnd);
    await expect(client.call('orders.get', { orderId: 'x' })).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
    await expect(client.call('orders.cancel', { orderId: 'x' })).rejects.toMatchObject({ code: 'UNKNOWN_ORDER', retryable: false });
    expect(new RpcError('TIMEOUT', 't', undefined, true).toDto()).toEqual({ code: 'TIMEOUT', message: 't', retryable: true });
    expect(new RpcError('BAD_FRAME', 'b').toDto()).toEqual({ code: 'BAD_FRAME', message: 'b' });
    clientEnd.close();
  });
});
