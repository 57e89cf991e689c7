import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMemoryPair } from '../../../src/contract/memory.ts';
import { createClient, serveEndpoint } from '../../../src/contract/rpc.ts';
import { SimClock } from '../../../src/core/clock.ts';
import { loadDailyHistory } from '../../../src/host/history.ts';
import { createEngine } from '../../../src/kernel/engine.ts';
import { DAY_MS } from '../../../src/marketdata/daily.ts';

/**
 * L2 reads daily bars: the demo market's daily history (real SPY returns from assets/demo/history,
 * calibrated synthetic paths for the crypto pairs) and the live days after it. The frontier and the
 * risk contributions are annualised by the daily calendar (252), so their figures are the size a
 * portfolio manager expects, not minute returns compounded into thousands of percent.
 */
async function session() {
  const clock = new SimClock(Date.UTC(2026, 0, 5, 14, 30));
  const engine = createEngine({ mode: 'backtest', durability: 'memory', seed: 5, clock, warmUpMinutes: 60, log: () => undefined, l2: { cycleEveryMs: 0 }, pms: { dailyHistory: loadDailyHistory() } });
  await engine.start();
  const [s, c] = createMemoryPair();
  serveEndpoint(s, engine.handlers, engine.feed);
  const client = createClient(c);
  return {
    client,
    close: async () => {
      client.close();
      await engine.stop();
    },
  };
}

/** Independent: the annualised σ of simple daily returns of the last `n + 1` real SPY closes (ddof 1, × 252). */
function spyVol(n: number): number {
  const closes = readFileSync(new URL('../../../assets/demo/history/SPY.csv', import.meta.url), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => Number(l.split(',')[1]))
    .slice(-(n + 1));
  const r = closes.slice(1).map((c, i) => c / closes[i]! - 1);
  const m = r.reduce((a, x) => a + x, 0) / r.length;
  return Math.sqrt((r.reduce((a, x) => a + (x - m) ** 2, 0) / (r.length - 1)) * 252);
}

describe('L2 on daily bars', () => {
  it('when the frontier is drawn on the demo market then it uses two years of daily returns annualised with 252, and its figures are in a sane range', async () => {
    const t = await session();
    try {
      await t.client.call('signals.set', { name: 'strategic', key: 'targets', value: { SPY: 0.3, 'BTC/USDT': 0.05, CASH: 0.65 } });
      const f = await t.client.call('portfolio.frontier', { points: 8 });
      expect(f.unavailable).toBeNull();
      expect(f.barMs).toBe(DAY_MS);
      expect(f.observations).toBe(504);
      for (const p of f.points) {
        expect(p.volatility).toBeGreaterThan(0.05);
        expect(p.volatility).toBeLessThan(1.5);
        expect(Math.abs(p.expectedReturn)).toBeLessThan(2);
      }
      // The least volatile point is mostly SPY: about SPY's own volatility, not thousands of percent.
      expect(f.points[0]!.volatility).toBeLessThan(0.25);
    } finally {
      await t.close();
    }
  });

  it('when the target is computed then the engine sends risk contributions from the daily covariance: SPY at its real volatility, contributions summing to the book volatility', async () => {
    const t = await session();
    try {
      await t.client.call('signals.set', { name: 'strategic', key: 'targets', value: { SPY: 0.3, 'BTC/USDT': 0.05, CASH: 0.65 } });
      const target = await t.client.call('portfolio.target', {});
      const r = target.risk;
      expect(r.unavailable).toBeNull();
      expect(r.periodsPerYear).toBe(252);
      expect(r.observations).toBe(504);
      expect(r.current).toBeNull();
      const book = r.target!;
      const spy = book.rows.find((x) => x.symbol === 'SPY')!;
      expect(spy.volatility).toBeCloseTo(spyVol(504), 10);
      expect(spy.volatility).toBeGreaterThan(0.08);
      expect(spy.volatility).toBeLessThan(0.4);
      expect(book.rows.reduce((a, x) => a + x.contribution, 0)).toBeCloseTo(book.volatility, 12);
      expect(book.rows.reduce((a, x) => a + x.share, 0)).toBeCloseTo(1, 12);
      expect(book.volatility).toBeGreaterThan(0.02);
      expect(book.volatility).toBeLessThan(0.5);
    } finally {
      await t.close();
    }
  });
});
