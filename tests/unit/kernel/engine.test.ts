import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, Events, Params } from '../../../src/contract/api.ts';
import { RpcError } from '../../../src/contract/errors.ts';
import { SimClock } from '../../../src/core/clock.ts';
import { CASH_DECIMALS } from '../../../src/core/instrument.ts';
import { toUnits } from '../../../src/core/precision.ts';
import { createEngine } from '../../../src/kernel/engine.ts';
import { EMPTY_LIMIT_BOOK } from '../../../src/risk/limits.ts';
import type { Engine } from '../../../src/kernel/engine.ts';

const START = Date.UTC(2025, 0, 6, 14, 30);

interface Running {
  engine: Engine;
  clock: SimClock;
  dir: string;
  logs: string[];
  events: { event: EventName; data: Events[EventName] }[];
  of<E extends EventName>(e: E): Events[E][];
}

const dirs: string[] = [];
const running: Engine[] = [];

afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'strata-unit-engine-'));
  dirs.push(d);
  return d;
}

async function boot(dir = newDir(), opts: { seed?: number; at?: number } = {}): Promise<Running> {
  const clock = new SimClock(opts.at ?? START);
  const logs: string[] = [];
  const engine = createEngine({ dataDir: dir, clock, seed: opts.seed ?? 7, warmUpMinutes: 1, initialCash: '100000',
    // The default limits are sized for the 1M demo account (cash buffer 100k soft): these tests are about fills and cash.
    risk: { limits: EMPTY_LIMIT_BOOK },
    log: (level, msg) => logs.push(`${level}: ${msg}`) });
  const events: Running['events'] = [];
  engine.feed.subscribe((event, data) => events.push({ event, data }));
  await engine.start();
  running.push(engine);
  return {
    engine,
    clock,
    dir,
    logs,
    events,
    of: <E extends EventName>(e: E) => events.filter((x) => x.event === e).map((x) => x.data as Events[E]),
  };
}

async function stop(r: Running): Promise<void> {
  await r.engine.stop();
  running.splice(running.indexOf(r.engine), 1);
}

function place(r: Running, p: Partial<Params<'orders.place'>> & Pick<Params<'orders.place'>, 'symbol' | 'side' | 'qty'>) {
  return r.engine.handlers['orders.place']({ type: 'market', tif: 'gtc', source: 'api', urgency: 'immediate', ...p });
}

async function rpcCode(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof RpcError) return err.code;
    throw err;
  }
  return 'no error';
}

const units = (n: number, d: number): bigint => toUnits(n, d);

describe('engine on a SimClock', () => {
  it('when the clock advances then the demo market streams quotes, books and trades', async () => {
    const r = await boot();
    const info = await r.engine.handlers['session.info']({});
    expect(info.instruments.map((i) => i.symbol)).toEqual(['BTC/USDT', 'ETH/USDT', 'SPY']);
    r.clock.advanceBy(10_000);
    const quotes = r.of('quote').filter((q) => q.symbol === 'BTC/USDT');
    expect(quotes.length).toBeGreaterThanOrEqual(40); // one per 250 ms step
    for (const q of quotes) expect(q.bid!).toBeLessThan(q.ask!);
    const snap = await r.engine.handlers['market.snapshot']({ symbol: 'BTC/USDT' });
    expect(snap.book.bids.length).toBeGreaterThan(0);
    expect(snap.trades.length).toBeGreaterThan(0);
  });

  it('when a market buy is placed then it fills after the venue latency and cash, fees and position agree exactly', async () => {
    const r = await boot();
    r.clock.advanceBy(2_000);
    const placed = await place(r, { symbol: 'ETH/USDT', side: 'buy', qty: '1.5' });
    expect(placed.status).toBe('NEW');
    r.clock.advanceBy(1_000);
    const o = await r.engine.handlers['orders.get']({ orderId: placed.id });
    expect(o.status).toBe('FILLED');
    expect(o.filledQty).toBe(1.5);
    const fills = await r.engine.handlers['fills.list']({ orderId: o.id, limit: 100 });
    expect(fills.length).toBeGreaterThan(0);
    let spent = 0n;
    let fees = 0n;
    for (const f of fills) {
      expect(f.liquidity).toBe('taker');
      spent += units(f.price, 2) * units(f.qty, 4) * 100n; // 2 + 4 decimals -> 8
      fees += units(f.fee, CASH_DECIMALS);
    }
    const acct = await r.engine.handlers['account.get']({});
    expect(units(acct.cash, CASH_DECIMALS)).toBe(toUnits('100000', CASH_DECIMALS) - spent - fees);
    expect(units(acct.fees, CASH_DECIMALS)).toBe(fees);
    expect(units(acct.realizedPnl, CASH_DECIMALS)).toBe(-fees);
    const [pos] = await r.engine.handlers['positions.list']({});
    expect(pos).toMatchObject({ symbol: 'ETH/USDT', qty: 1.5 });
    // The order's life as events: NEW, then the venue's ack, then the fill(s) ending FILLED.
    const statuses = r.of('order.updated').filter((u) => u.id === o.id).map((u) => u.status);
    expect(statuses[0]).toBe('NEW');
    expect(statuses).toContain('PENDING');
    expect(statuses.at(-1)).toBe('FILLED');
    expect(r.of('fill').map((f) => f.id)).toEqual(fills.map((f) => f.id).reverse());
  });

  it('when an order fails the gate then it is DENIED with a reason, announced, and never reaches the venue', async () => {
    const r = await boot();
    r.clock.advanceBy(1_000);
    const o = await place(r, { symbol: 'BTC/USDT', side: 'sell', qty: '0.01' });
    expect(o.status).toBe('DENIED');
    expect(o.reason?.code).toBe('INSUFFICIENT_POSITION');
    expect(r.of('order.denied').map((d) => d.id)).toEqual([o.id]);
    r.clock.advanceBy(1_000);
    expect((await r.engine.handlers['orders.get']({ orderId: o.id })).venueOrderId).toBeNull();
    const tooFine = await place(r, { symbol: 'BTC/USDT', side: 'buy', qty: '0.000001' });
    expect(tooFine).toMatchObject({ status: 'DENIED', reason: { code: 'QTY_NOT_ON_LOT' }, qty: 0.000001 });
  });

  it('when limit buys are working then their cash is reserved and a buy that needs it is denied INSUFFICIENT_CASH', async () => {
    const r = await boot(); // 100,000 cash
    r.clock.advanceBy(1_000);
    // SPY far below the market: rests. 200 x 400 = 80,000 plus 0.5 bp = 80,004 reserved.
    const first = await place(r, { symbol: 'SPY', side: 'buy', qty: 200, type: 'limit', price: 400 });
    expect(first.status).toBe('NEW');
    r.clock.advanceBy(1_000);
    const acct = await r.engine.handlers['account.get']({});
    expect(acct.reservedCash).toBe(80_004);
    expect(acct.cash).toBe(100_000);
    // 100 x 400 needs 40,002 but only 19,996 is free.
    const second = await place(r, { symbol: 'SPY', side: 'buy', qty: 100, type: 'limit', price: 400 });
    expect(second).toMatchObject({ status: 'DENIED', reason: { code: 'INSUFFICIENT_CASH' } });
    // A smaller one fits; cancelling the first frees its reserve.
    expect((await place(r, { symbol: 'SPY', side: 'buy', qty: 40, type: 'limit', price: 400 })).status).toBe('NEW');
    await r.engine.handlers['orders.cancel']({ orderId: first.id });
    r.clock.advanceBy(1_000);
    expect((await r.engine.handlers['account.get']({})).reservedCash).toBe(16_000.8);
  });

  it('when a request names an unknown symbol or order then it fails with UNKNOWN_SYMBOL or UNKNOWN_ORDER and changes nothing', async () => {
    const r = await boot();
    expect(await rpcCode(() => place(r, { symbol: 'DOGE/USDT', side: 'buy', qty: 1 }))).toBe('UNKNOWN_SYMBOL');
    expect(await rpcCode(() => r.engine.handlers['market.snapshot']({ symbol: 'DOGE/USDT' }))).toBe('UNKNOWN_SYMBOL');
    expect(await rpcCode(() => r.engine.handlers['orders.cancelAll']({ symbol: 'DOGE/USDT' }))).toBe('UNKNOWN_SYMBOL');
    expect(await rpcCode(() => r.engine.handlers['orders.cancel']({ orderId: 'nope' }))).toBe('UNKNOWN_ORDER');
    expect(await rpcCode(() => r.engine.handlers['fills.list']({ orderId: 'nope', limit: 10 }))).toBe('UNKNOWN_ORDER');
    expect(await r.engine.handlers['orders.list']({ scope: 'all', limit: 10 })).toEqual([]);
  });

  it('when the engine restarts on the same data directory then orders, fills and positions come back and open orders stay workable', async () => {
    const dir = newDir();
    const a = await boot(dir);
    a.clock.advanceBy(2_000);
    const bought = await place(a, { symbol: 'SPY', side: 'buy', qty: 10 });
    const resting = await place(a, { symbol: 'SPY', side: 'buy', qty: 5, type: 'limit', price: 400 });
    a.clock.advanceBy(1_000);
    const before = {
      orders: await a.engine.handlers['orders.list']({ scope: 'all', limit: 100 }),
      positions: await a.engine.handlers['positions.list']({}),
      account: await a.engine.handlers['account.get']({}),
    };
    expect(before.orders.find((o) => o.id === bought.id)?.status).toBe('FILLED');
    expect(before.orders.find((o) => o.id === resting.id)?.status).toBe('PENDING');
    await stop(a);

    const b = await boot(dir, { at: a.clock.now() + 60_000 });
    expect(b.engine.recovery).toMatchObject({ orders: 2, reconciled: 1, fillsRecovered: 0 });
    expect(b.engine.recovery!.fills).toBeGreaterThan(0);
    const after = await b.engine.handlers['orders.list']({ scope: 'all', limit: 100 });
    expect(after.map((o) => [o.id, o.status, o.filledQty])).toEqual(before.orders.map((o) => [o.id, o.status, o.filledQty]));
    const positions = await b.engine.handlers['positions.list']({});
    expect(positions.map((p) => [p.symbol, p.qty, p.costBasis, p.fees])).toEqual(before.positions.map((p) => [p.symbol, p.qty, p.costBasis, p.fees]));
    expect((await b.engine.handlers['account.get']({})).cash).toBe(before.account.cash);
    // The resting order is still known to the venue and can be cancelled.
    await b.engine.handlers['orders.cancel']({ orderId: resting.id });
    b.clock.advanceBy(1_000);
    expect((await b.engine.handlers['orders.get']({ orderId: resting.id })).status).toBe('CANCELLED');
    // New ids continue the sequence with the same prefix.
    const next = await place(b, { symbol: 'SPY', side: 'buy', qty: 1, type: 'limit', price: 400 });
    expect(next.id.slice(0, -6)).toBe(bought.id.slice(0, -6));
    expect(Number(next.id.slice(-6))).toBe(Number(resting.id.slice(-6)) + 1);
    expect(b.logs.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('when two engines start fresh with the same seed and clock then their markets are identical; another seed differs', async () => {
    const tape = async (seed: number): Promise<string[]> => {
      const r = await boot(newDir(), { seed });
      r.clock.advanceBy(5_000);
      const out = r.of('quote').map((q) => `${q.symbol} ${q.ts} ${q.bid} ${q.ask} ${q.last}`);
      await stop(r);
      return out;
    };
    const a = await tape(3);
    expect(a.length).toBeGreaterThan(50);
    expect(await tape(3)).toEqual(a);
    expect(await tape(4)).not.toEqual(a);
  });

  it('when the quantity is absurdly large then the order is DENIED, not an internal error', async () => {
    const r = await boot();
    r.clock.advanceBy(1_000);
    const o = await place(r, { symbol: 'BTC/USDT', side: 'buy', qty: 1e20 });
    expect(o.status).toBe('DENIED');
  });
});
