import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderDto } from '../../src/contract/dto.ts';
import { RpcError } from '../../src/contract/errors.ts';
import { connect, waitFor } from './harness.ts';
import type { Connected } from './harness.ts';

/** One contract suite, run over the WebSocket and the in-memory pair against a real engine. */
describe.each(['memory', 'websocket'] as const)('contract over %s', (transport) => {
  let c: Connected;
  beforeAll(async () => {
    c = await connect(transport);
  });
  afterAll(async () => {
    await c.close();
  });

  async function expectError(p: Promise<unknown>, code: string): Promise<RpcError> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe(code);
    return err as RpcError;
  }

  it('when asked for the session then it lists the demo instruments with precision', async () => {
    const s = await c.client.call('session.info');
    const symbols = s.instruments.map((i) => i.symbol);
    expect(symbols).toEqual(expect.arrayContaining(['BTC/USDT', 'ETH/USDT', 'SPY']));
    for (const i of s.instruments) {
      expect(i.tickSize).toBeGreaterThan(0);
      expect(i.lotSize).toBeGreaterThan(0);
      expect(i.minNotional).toBeGreaterThan(0);
    }
  });

  it('when the market runs then quotes, books and candles arrive', async () => {
    const quote = await new Promise((resolve) => {
      const off = c.client.on('quote', (q) => {
        off();
        resolve(q);
      });
    });
    expect(quote).toMatchObject({ symbol: expect.any(String) });
    const snap = await c.client.call('market.snapshot', { symbol: 'BTC/USDT' });
    expect(snap.book.bids.length).toBeGreaterThan(3);
    expect(snap.book.asks[0]!.price).toBeGreaterThan(snap.book.bids[0]!.price);
    const candles = await c.client.call('market.candles', { symbol: 'BTC/USDT', interval: '5s', limit: 50 });
    expect(candles.length).toBeGreaterThan(5);
  });

  it('when a market buy is placed then it fills and positions and account follow the fills', async () => {
    const fills: unknown[] = [];
    const off = c.client.on('fill', (f) => fills.push(f));
    const placed = await c.client.call('orders.place', { symbol: 'ETH/USDT', side: 'buy', qty: 2, type: 'market' });
    expect(placed.id).toMatch(/^S[0-9A-F]{6}-\d{6}$/);
    const done = await waitFor(async () => {
      const o = await c.client.call('orders.get', { orderId: placed.id });
      return o.status === 'FILLED' ? o : undefined;
    });
    off();
    expect(done.filledQty).toBe(2);
    const myFills = await c.client.call('fills.list', { orderId: placed.id });
    const sum = myFills.reduce((s, f) => s + f.qty * 10_000, 0) / 10_000;
    expect(sum).toBe(2);
    expect(fills.length).toBeGreaterThanOrEqual(myFills.length);
    const pos = (await c.client.call('positions.list')).find((p) => p.symbol === 'ETH/USDT');
    expect(pos?.qty).toBe(2);
    const acct = await c.client.call('account.get');
    expect(acct.fees).toBeGreaterThan(0);
    expect(acct.cash).toBeLessThan(acct.initialCash);
  });

  it('when a limit order rests far from the market then it can be cancelled', async () => {
    const snap = await c.client.call('market.snapshot', { symbol: 'BTC/USDT' });
    const far = Math.round(snap.book.bids[0]!.price * 0.8);
    const o = await c.client.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', qty: '0.01', type: 'limit', price: far });
    await waitFor(async () => ((await c.client.call('orders.get', { orderId: o.id })).status === 'PENDING' ? true : undefined));
    const open = await c.client.call('orders.list', { scope: 'open' });
    expect(open.map((x) => x.id)).toContain(o.id);
    const acct = await c.client.call('account.get');
    expect(acct.reservedCash).toBeGreaterThan(0);
    await c.client.call('orders.cancel', { orderId: o.id });
    const cancelled = await waitFor(async () => {
      const x = await c.client.call('orders.get', { orderId: o.id });
      return x.status === 'CANCELLED' ? x : undefined;
    });
    expect(cancelled.filledQty).toBe(0);
    await expectError(c.client.call('orders.cancel', { orderId: o.id }), 'ORDER_NOT_OPEN');
  });

  it('when cancel-all is sent then every working order is cancelled', async () => {
    const snap = await c.client.call('market.snapshot', { symbol: 'SPY' });
    const px = Math.round(snap.book.bids[0]!.price * 0.7);
    const a = await c.client.call('orders.place', { symbol: 'SPY', side: 'buy', qty: 1, type: 'limit', price: px });
    const b = await c.client.call('orders.place', { symbol: 'SPY', side: 'buy', qty: 2, type: 'limit', price: px });
    const res = await c.client.call('orders.cancelAll', {});
    expect(res.requested).toEqual(expect.arrayContaining([a.id, b.id]));
    await waitFor(async () => ((await c.client.call('orders.list', { scope: 'open' })).length === 0 ? true : undefined));
  });

  it('when an order breaks an L1 limit then it is DENIED with a reason code and pushed as order.denied', async () => {
    const denied = new Promise<OrderDto>((resolve) => {
      const off = c.client.on('order.denied', (o) => {
        off();
        resolve(o);
      });
    });
    const o = await c.client.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', qty: '0.00001', type: 'market' });
    expect(o.status).toBe('DENIED');
    expect(o.reason?.code).toBe('BELOW_MIN_NOTIONAL');
    expect((await denied).id).toBe(o.id);
    const offLot = await c.client.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', qty: '0.000015', type: 'market' });
    expect(offLot.reason?.code).toBe('QTY_NOT_ON_LOT');
    const offTick = await c.client.call('orders.place', { symbol: 'SPY', side: 'buy', qty: 1, type: 'limit', price: '100.005' });
    expect(offTick.reason?.code).toBe('PRICE_NOT_ON_TICK');
    // 90 ETH is within the quantity limit (100) but ~280k notional, over the hard 250k.
    const tooBig = await c.client.call('orders.place', { symbol: 'ETH/USDT', side: 'buy', qty: 90, type: 'market' });
    expect(tooBig.reason?.code).toBe('MAX_ORDER_NOTIONAL');
    const naked = await c.client.call('orders.place', { symbol: 'SPY', side: 'sell', qty: 5, type: 'market' });
    expect(naked.reason?.code).toBe('INSUFFICIENT_POSITION');
  });

  it('when requests are malformed then each gets a typed error and the engine state is untouched', async () => {
    const before = await c.client.call('orders.list', { scope: 'all', limit: 5000 });
    const acctBefore = await c.client.call('account.get');
    const bad: [string, Record<string, unknown>][] = [
      ['wrong type', { symbol: 'BTC/USDT', side: 'buy', qty: 'abc' }],
      ['NaN', { symbol: 'BTC/USDT', side: 'buy', qty: 'NaN' }],
      ['null', { symbol: 'BTC/USDT', side: 'buy', qty: null }],
      ['negative', { symbol: 'BTC/USDT', side: 'buy', qty: -1 }],
      ['zero', { symbol: 'BTC/USDT', side: 'buy', qty: 0 }],
      ['bad side', { symbol: 'BTC/USDT', side: 'long', qty: 1 }],
      ['limit without price', { symbol: 'BTC/USDT', side: 'buy', qty: 1, type: 'limit' }],
      ['market with price', { symbol: 'BTC/USDT', side: 'buy', qty: 1, type: 'market', price: 10 }],
      ['extra key', { symbol: 'BTC/USDT', side: 'buy', qty: 1, quantity: 1 }],
    ];
    for (const [, params] of bad) {
      const err = await expectError(c.client.call('orders.place', params as never), 'BAD_REQUEST');
      expect(err.message.length).toBeGreaterThan(5);
      expect(err.issues?.length).toBeGreaterThan(0);
    }
    await expectError(c.client.call('orders.place', { symbol: 'NOPE/USD', side: 'buy', qty: 1 }), 'UNKNOWN_SYMBOL');
    await expectError(c.client.call('orders.cancel', { orderId: 'does-not-exist' }), 'UNKNOWN_ORDER');
    await expectError(c.client.call('market.snapshot', { symbol: 'NOPE' }), 'UNKNOWN_SYMBOL');
    await expectError(c.client.call('no.such.method' as never), 'UNKNOWN_METHOD');
    const after = await c.client.call('orders.list', { scope: 'all', limit: 5000 });
    expect(after.map((o) => o.id)).toEqual(before.map((o) => o.id));
    const acctAfter = await c.client.call('account.get');
    expect(acctAfter.cash).toBe(acctBefore.cash);
    // And it still works.
    expect((await c.client.call('session.info')).instruments.length).toBe(3);
  });
});
