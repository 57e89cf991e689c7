import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/contract/api.ts';
import { ReplaySession } from '../../src/kernel/replay/session.ts';
import { loadMarketFile } from '../../src/marketdata/recording.ts';

const TAPE = join(import.meta.dirname, '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_trades_20191011-13.csv');
const market = loadMarketFile(readFileSync(TAPE, 'utf8'), TAPE);

/** What the replay account holds: orders, fills, positions, cash; everything a seek must reproduce. */
async function snapshot(h: Handlers) {
  const [orders, fills, positions, account] = await Promise.all([h['orders.list']({ scope: 'all', limit: 5000 }), h['fills.list']({ limit: 10_000 }), h['positions.list']({}), h['account.get']({})]);
  return {
    orders: orders.map((o) => ({ id: o.id, status: o.status, filled: o.filledQty, avg: o.avgPrice })),
    fills: fills.map((f) => ({ id: f.id, price: f.price, qty: f.qty, fee: f.fee, ts: f.ts })),
    positions: positions.map((p) => ({ symbol: p.symbol, qty: p.qty, avg: p.avgPrice, realized: p.realizedPnl })),
    cash: account.cash,
    fees: account.fees,
  };
}

/** The tape spans three days; the tests stay within its first hours (each hour is ~20k engine timers). */
const HOUR = 3_600_000;

describe('replay session (SimClock, memory account)', () => {
  it('when the tape is loaded then it spans the recording and reports the XRP/ETH instrument', async () => {
    const s = await ReplaySession.open({ market, file: TAPE });
    try {
      const st = s.state();
      expect(st.symbols).toEqual(['XRP/ETH']);
      expect(st.start).toBe(market.start);
      expect(st.end).toBe(market.end);
      expect(st.position).toBe(market.start);
      expect(st.events).toBe(market.events);
      const h = s.handlers();
      const info = await h['session.info']({});
      expect(info.mode).toBe('replay');
      expect(info.currency).toBe('ETH');
    } finally {
      await s.close();
    }
  });

  it('when an order is placed during replay then it fills against the recorded flow', async () => {
    const s = await ReplaySession.open({ market, file: TAPE });
    try {
      await s.seek(market.start + HOUR);
      const h = s.handlers();
      const o = await h['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '500', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
      expect(o.status).not.toBe('DENIED');
      s.step(5);
      const after = await h['orders.get']({ orderId: o.id });
      expect(after.status).toBe('FILLED');
      const pos = await h['positions.list']({});
      expect(pos.find((p) => p.symbol === 'XRP/ETH')?.qty).toBe(500);
    } finally {
      await s.close();
    }
  });

  it('when seeking to a time then the state equals playing to that time, with the same orders placed on the way', async () => {
    const t1 = market.start + HOUR / 2;
    const t2 = market.start + HOUR;
    const target = market.start + 2 * HOUR;
    const actions = async (s: ReplaySession, h: Handlers) => {
      await s.seek(t1);
      await h['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '1000', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
      await s.seek(t2);
      const snap = await h['market.snapshot']({ symbol: 'XRP/ETH' });
      await h['orders.place']({ symbol: 'XRP/ETH', side: 'sell', qty: '400', type: 'limit', price: String(snap.quote.ask), tif: 'gtc', source: 'manual', urgency: 'immediate' });
    };

    // A: play straight through (in steps of the driver) to the target.
    const a = await ReplaySession.open({ market, file: TAPE });
    const ha = a.handlers();
    await actions(a, ha);
    for (let t = t2; t < target; t += 3 * 60_000 + 13) {
      a.step(1);
      await a.seek(Math.min(target, t));
    }
    await a.seek(target);
    const played = await snapshot(ha);
    await a.close();

    // B: the same actions, then go past the target, then seek back to it (a rebuild).
    const b = await ReplaySession.open({ market, file: TAPE });
    const hb = b.handlers();
    await actions(b, hb);
    await b.seek(target + HOUR / 2);
    await hb['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '50', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
    const genBefore = b.state().generation;
    const back = await b.seek(target);
    expect(back.generation).toBe(genBefore + 1);
    expect(back.position).toBe(target);
    const sought = await snapshot(hb);
    // The same seek again gives the same state.
    await b.seek(target + HOUR);
    await b.seek(target);
    const again = await snapshot(hb);
    await b.close();

    expect(played.fills.length).toBeGreaterThan(0);
    expect(sought).toEqual(played);
    expect(again).toEqual(played);
    // The order placed after the target is forgotten by the seek back.
    expect(sought.orders.some((o) => o.filled === 50)).toBe(false);
  });

  it('when a client listens then the replay ends in the same state as with none (market data is built only for a listener)', async () => {
    // The session follows the engine's feed only while someone listens; the state must not care.
    const run = async (listen: boolean) => {
      const s = await ReplaySession.open({ market, file: TAPE });
      let seen = 0;
      const off = listen ? s.subscribe(() => void seen++) : undefined;
      const h = s.handlers();
      await s.seek(market.start + HOUR / 2);
      await h['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '1000', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
      await s.seek(market.start + HOUR);
      await h['orders.place']({ symbol: 'XRP/ETH', side: 'sell', qty: '400', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
      await s.seek(market.start + 2 * HOUR);
      const state = await snapshot(h);
      const candles = await h['market.candles']({ symbol: 'XRP/ETH', interval: '1m', limit: 500 });
      const metrics = await h['risk.metrics']({});
      off?.();
      await s.close();
      return { state, candles, nav: metrics.nav, drawdown: metrics.drawdown, seen };
    };
    const quiet = await run(false);
    const listened = await run(true);
    expect(listened.seen).toBeGreaterThan(0);
    expect(quiet.state.fills.length).toBeGreaterThan(0);
    expect(quiet.candles.length).toBeGreaterThan(100);
    expect({ ...listened, seen: 0 }).toEqual(quiet);
  });

  it('when seeking back before every order then the replay account is as new', async () => {
    const s = await ReplaySession.open({ market, file: TAPE });
    try {
      const h = s.handlers();
      const cash0 = (await h['account.get']({})).cash;
      await s.seek(market.start + HOUR);
      await h['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '1000', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
      s.step(3);
      expect((await h['fills.list']({ limit: 10 })).length).toBeGreaterThan(0);
      await s.seek(market.start + HOUR / 2);
      expect(await h['fills.list']({ limit: 10 })).toEqual([]);
      expect(await h['orders.list']({ scope: 'all', limit: 10 })).toEqual([]);
      expect((await h['account.get']({})).cash).toBe(cash0);
    } finally {
      await s.close();
    }
  });

  it('when stepping then exactly the next recorded trades play', async () => {
    const s = await ReplaySession.open({ market, file: TAPE });
    try {
      const p0 = s.state().played;
      const st = s.step(10);
      expect(st.played).toBeGreaterThanOrEqual(p0 + 10);
      expect(st.playing).toBe(false);
    } finally {
      await s.close();
    }
  });
});

describe('replay beside paper (the serving host)', () => {
  it('when a replay is loaded then requests and events go to the replay account, and paper never sees its orders', async () => {
    const { EngineSwitch } = await import('../../src/host/engine-switch.ts');
    const { createEngine } = await import('../../src/kernel/engine.ts');
    const { SimClock } = await import('../../src/core/clock.ts');
    const paper = createEngine({ durability: 'memory', clock: new SimClock(Date.UTC(2026, 0, 5)), seed: 7, warmUpMinutes: 0, log: () => undefined });
    await paper.start();
    const sw = new EngineSwitch({ paper, seed: 7 });
    const events: string[] = [];
    sw.feed.subscribe((type, data) => {
      if (type === 'order.updated') events.push((data as { id: string }).id);
    });
    try {
      expect((await sw.handlers['replay.status']({})).loaded).toBe(false);
      await expect(Promise.resolve().then(() => sw.handlers['replay.play']({}))).rejects.toMatchObject({ code: 'REPLAY_NOT_LOADED' });
      await expect(sw.handlers['replay.load']({ path: '/nonexistent/tape.csv', speed: '1' })).rejects.toMatchObject({ code: 'BAD_FILE' });

      const loaded = await sw.handlers['replay.load']({ path: TAPE, speed: '1' });
      expect(loaded.loaded).toBe(true);
      expect((await sw.handlers['session.info']({})).mode).toBe('replay');
      await sw.handlers['replay.seek']({ time: market.start + HOUR / 2 });
      const o = await sw.handlers['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '300', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
      await sw.handlers['replay.step']({ events: 3 });
      expect((await sw.handlers['orders.get']({ orderId: o.id })).status).toBe('FILLED');
      expect(events).toContain(o.id);
      expect(o.id.startsWith('RPL')).toBe(true);
      // The paper engine underneath: no order, no fill, no XRP/ETH.
      expect(await paper.handlers['orders.list']({ scope: 'all', limit: 100 })).toEqual([]);
      expect(await paper.handlers['fills.list']({ limit: 100 })).toEqual([]);

      const stopped = await sw.handlers['replay.stop']({});
      expect(stopped.loaded).toBe(false);
      expect(stopped.generation).toBeGreaterThan(loaded.generation);
      expect((await sw.handlers['session.info']({})).mode).toBe('paper');
      expect(await sw.handlers['orders.list']({ scope: 'all', limit: 100 })).toEqual([]);
    } finally {
      await sw.close();
    }
  });

  it('when the demo market is recorded offline then replaying the file prints the same trades', async () => {
    const { recordDemoOffline } = await import('../../src/kernel/replay/record-offline.ts');
    const { MarketRecorder } = await import('../../src/marketdata/recorder.ts');
    let text = '';
    const start = Date.UTC(2026, 0, 5, 9);
    const n = await recordDemoOffline({ seed: 3, start, seconds: 120, write: (inst, cur) => new MarketRecorder(inst, cur, (s) => (text += s), start) });
    expect(n).toBeGreaterThan(100);
    const rec = loadMarketFile(text, 'demo.jsonl');
    expect(rec.tapes.map((t) => t.instrument.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT', 'SPY']);
    const s = await ReplaySession.open({ market: rec, file: 'demo.jsonl' });
    const printed: string[] = [];
    s.subscribe((type, d) => {
      if (type === 'trade') {
        const t = d as { symbol: string; price: number; qty: number; side: string; ts: number };
        printed.push(`${t.ts} ${t.symbol} ${t.side} ${t.price} ${t.qty}`);
      }
    });
    try {
      // Step by step (1× pace has no conflation): every recorded trade prints once, as recorded.
      while (!s.state().ended) s.step(50);
      const recorded = rec.tapes.flatMap((t) => t.trades.map((x) => `${x.timestampMs} ${t.instrument.symbol} ${x.side} ${Number(x.priceText)} ${Number(x.amountText)}`));
      expect(printed.sort()).toEqual(recorded.sort());
    } finally {
      await s.close();
    }
  });
});
