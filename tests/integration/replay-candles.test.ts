import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/contract/api.ts';
import { loadCandleMarket } from '../../src/kernel/replay/candle-tape.ts';
import { ReplaySession } from '../../src/kernel/replay/session.ts';

/**
 * A candle file replayed through the live engine: Binance's XRP/ETH 1m candles, each bar printing
 * open, the extreme nearer the open, the other extreme and the close (candle-tape.ts), drive the
 * simulated venue like a recorded tape. Orders fill against that flow; seeks are deterministic.
 */

const KLINES = join(import.meta.dirname, '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_1m_20191011-13.csv');
const market = loadCandleMarket(readFileSync(KLINES, 'utf8'), KLINES);
const trades = market.tapes[0]!.trades;
const MIN = 60_000;

async function snapshot(h: Handlers) {
  const [orders, fills, positions, account] = await Promise.all([h['orders.list']({ scope: 'all', limit: 5000 }), h['fills.list']({ limit: 10_000 }), h['positions.list']({}), h['account.get']({})]);
  return {
    orders: orders.map((o) => ({ id: o.id, status: o.status, filled: o.filledQty, avg: o.avgPrice })),
    fills: fills.map((f) => ({ id: f.id, price: f.price, qty: f.qty, fee: f.fee, ts: f.ts })),
    positions: positions.map((p) => ({ symbol: p.symbol, qty: p.qty, avg: p.avgPrice })),
    cash: account.cash,
  };
}

/** A buy limit a little above the lowest print of the next `minutes` after `t`, below the price at `t`: the flow must come down to it. */
function limitBelow(t: number, minutes: number): string {
  const ahead = trades.filter((x) => x.timestampMs > t && x.timestampMs <= t + minutes * MIN);
  const low = Math.min(...ahead.map((x) => Number(x.priceText)));
  return (low + 0.00000002).toFixed(8);
}

describe('replay of a candle file (XRP/ETH 1m, ORCL daily)', () => {
  it('when the candle file is played and a buy limit is placed under the market then it fills against the synthetic prints, not before the flow reaches it', async () => {
    const s = await ReplaySession.open({ market, file: KLINES });
    try {
      const h = s.handlers();
      expect((await h['session.info']({})).mode).toBe('replay');
      s.step(40);
      expect(s.state().played).toBe(40);
      const t1 = market.start + 30 * MIN;
      await s.seek(t1);
      const price = limitBelow(t1, 60);
      const snap = await h['market.snapshot']({ symbol: 'XRP/ETH' });
      expect(Number(price)).toBeLessThan(snap.quote.bid!);
      const o = await h['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '10', type: 'limit', price, tif: 'gtc', source: 'manual', urgency: 'low' });
      expect((await h['orders.get']({ orderId: o.id })).filledQty).toBe(0);
      await s.seek(t1 + 60 * MIN);
      const done = await h['orders.get']({ orderId: o.id });
      // The venue's queue decides how much of it the prints at its price reach: some, at least.
      expect(done.filledQty).toBeGreaterThan(0);
      const fills = await h['fills.list']({ limit: 100 });
      expect(fills.length).toBeGreaterThan(0);
      for (const f of fills) expect(f.price).toBeLessThanOrEqual(Number(price));
    } finally {
      await s.close();
    }
  });

  it('when seeking back and forth on the candle replay then the same time gives the same account, as playing to it does', async () => {
    const t1 = market.start + 20 * MIN;
    const target = market.start + 90 * MIN;
    const actions = async (s: ReplaySession, h: Handlers) => {
      await s.seek(t1);
      await h['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '500', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
      await h['orders.place']({ symbol: 'XRP/ETH', side: 'sell', qty: '200', type: 'limit', price: (Number((await h['market.snapshot']({ symbol: 'XRP/ETH' })).quote.ask) + 0.00000300).toFixed(8), tif: 'gtc', source: 'manual', urgency: 'low' });
    };
    const a = await ReplaySession.open({ market, file: KLINES });
    await actions(a, a.handlers());
    for (let t = t1 + 7 * MIN; t < target; t += 7 * MIN) await a.seek(t);
    await a.seek(target);
    const played = await snapshot(a.handlers());
    await a.close();

    const b = await ReplaySession.open({ market, file: KLINES });
    await actions(b, b.handlers());
    await b.seek(target + 30 * MIN);
    await b.seek(target);
    const sought = await snapshot(b.handlers());
    await b.seek(market.start + 5 * MIN);
    await b.seek(target);
    const again = await snapshot(b.handlers());
    await b.close();

    expect(played.fills.length).toBeGreaterThan(0);
    expect(sought).toEqual(played);
    // Seeking before the orders forgets them; the same seek forward without them is the bare account.
    expect(again.orders).toEqual([]);
  });

  it('when the host loads ORCL daily candles then the replay is ORCL/USD on a 1,000,000 USD account and its first days print open, extremes and close', async () => {
    const { EngineSwitch } = await import('../../src/host/engine-switch.ts');
    const { createEngine } = await import('../../src/kernel/engine.ts');
    const { SimClock } = await import('../../src/core/clock.ts');
    const ORCL = join(import.meta.dirname, '..', 'fixtures', 'data', 'backtrader', 'orcl-1995-2014.txt');
    const paper = createEngine({ durability: 'memory', clock: new SimClock(Date.UTC(2026, 0, 5)), seed: 7, warmUpMinutes: 0, log: () => undefined });
    await paper.start();
    const sw = new EngineSwitch({ paper, seed: 7 });
    try {
      const loaded = await sw.handlers['replay.load']({ path: ORCL, speed: '1' });
      expect(loaded).toMatchObject({ loaded: true, format: 'candles', symbols: ['ORCL/USD'], start: Date.UTC(1995, 0, 3) });
      expect((await sw.handlers['account.get']({})).cash).toBe(1_000_000);
      const st = await sw.handlers['replay.step']({ events: 4 });
      expect(st.played).toBe(4);
      expect(st.position).toBe(Date.UTC(1995, 0, 3, 18));
      // 1995-01-03: open 2.179012, high 2.191358, low 2.117284, close 2.117284 (the high is nearer the open).
      const last = await sw.handlers['market.snapshot']({ symbol: 'ORCL/USD' });
      expect(last.quote.last).toBe(2.117284);
      expect(last.trades.map((t) => t.price).slice(0, 4).sort()).toEqual([2.117284, 2.117284, 2.179012, 2.191358].sort());
    } finally {
      await sw.close();
    }
  });
});
