import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BarRunConfig } from '../../../src/backtest/bar-runner.ts';
import { costsOf, exactUnits, executionFor, fixedUnits, runBars, unitsToNumber } from '../../../src/backtest/bar-runner.ts';
import type { ExecutionPort } from '../../../src/backtest/execution.ts';
import { parseSeries } from '../../../src/backtest/data/formats.ts';
import type { BarSeries } from '../../../src/backtest/data/series.ts';
import { smaCross } from '../../../src/backtest/strategies/sma-cross.ts';
import { toDecimalString, toUnits } from '../../../src/core/precision.ts';
import { runBarsOnKernel } from '../../../src/kernel/backtest-bars.ts';
import type { Strategy } from '../../../src/backtest/strategies/strategy.ts';

const fixture = (f: string) => readFileSync(new URL(`../../fixtures/data/backtrader/${f}`, import.meta.url), 'utf8');
const ORCL_TEXT = fixture('orcl-1995-2014.txt');
const orcl = parseSeries(ORCL_TEXT, 'orcl-1995-2014.txt') as BarSeries;

/**
 * The SMA cross on ORCL computed here without any of src/backtest: the file split by hand, the
 * moving averages as exact integer sums of micro-dollars (so the cross decisions are exact), and
 * the textbook fill rules in plain floating point.
 */
function independentSmaCross(text: string, fast: number, slow: number, cash0: number, commission: number) {
  const rows = text.trim().split('\n').slice(1).map((l) => l.split(','));
  const open = rows.map((r) => Number(r[1]));
  const close = rows.map((r) => Number(r[4]));
  const micro = rows.map((r) => BigInt(Math.round(Number(r[4]) * 1e6)));
  const n = rows.length;
  // diff sign of SMA(fast) - SMA(slow) at t, exactly: sum_f/fast - sum_s/slow ~ sum_f*slow - sum_s*fast.
  const diffSign = (t: number): number => {
    let sf = 0n;
    let ss = 0n;
    for (let j = t - fast + 1; j <= t; j++) sf += micro[j]!;
    for (let j = t - slow + 1; j <= t; j++) ss += micro[j]!;
    const d = sf * BigInt(slow) - ss * BigInt(fast);
    return d > 0n ? 1 : d < 0n ? -1 : 0;
  };
  let cash = cash0;
  let pos = 0;
  let nzdPrev = diffSign(slow - 1); // seed: the first bar where both averages exist
  let pending: 'buy' | 'sell' | null = null;
  const fills: { bar: number; side: string; size: number; price: number; commission: number }[] = [];
  for (let t = 0; t < n; t++) {
    if (pending) {
      const price = open[t]!;
      if (pending === 'buy') {
        const size = Math.floor(cash / (price * (1 + commission)));
        if (size > 0) {
          const c = size * price * commission;
          cash -= size * price + c;
          pos += size;
          fills.push({ bar: t, side: 'buy', size, price, commission: c });
        }
      } else {
        const c = pos * price * commission;
        cash += pos * price - c;
        fills.push({ bar: t, side: 'sell', size: pos, price, commission: c });
        pos = 0;
      }
      pending = null;
    }
    if (t >= slow) {
      const d = diffSign(t);
      const cross = nzdPrev < 0 && d > 0 ? 1 : nzdPrev > 0 && d < 0 ? -1 : 0;
      if (d !== 0) nzdPrev = d;
      if (pos === 0 && cross > 0) pending = 'buy';
      else if (pos > 0 && cross < 0) pending = 'sell';
    }
  }
  return { fills, cash, pos, value: cash + pos * close[n - 1]! };
}

/** The product's path: the bar loop with every order through the kernel (L1, OMS, bar venue). */
const runK = async (bars: BarSeries, strategy: Strategy, config: BarRunConfig) => (await runBarsOnKernel(bars, strategy, config)).result;

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('classic bar mode', () => {
  const config: BarRunConfig = { instrument: 'ORCL', fidelity: 'bar', cash: '100000', commission: '0.001', sizing: { kind: 'all-in' } };

  it('when the SMA cross 10/30 runs on ORCL 1995-2014 all-in with 0.1% commission then fills, commissions and final value match an independent computation to 1e-8', async () => {
    const r = await runK(orcl, smaCross.create({ fast: 10, slow: 30 }), config);
    const ref = independentSmaCross(ORCL_TEXT, 10, 30, 100_000, 0.001);
    expect(ref.fills.length).toBeGreaterThan(100);
    expect(r.fills.length).toBe(ref.fills.length);
    r.fills.forEach((f, i) => {
      const g = ref.fills[i]!;
      expect([f.bar, f.side, f.qty, f.price]).toEqual([g.bar, g.side, g.size, g.price]);
      expect(rel(f.fee, g.commission)).toBeLessThan(1e-8);
    });
    expect(rel(Number(r.finalValue), ref.value)).toBeLessThan(1e-8);
    expect(rel(Number(r.finalCash), ref.cash)).toBeLessThan(1e-8);
    expect(Number(r.position['ORCL'])).toBe(ref.pos);
  });

  it('when the last signal is a buy then the position stays open at the end, marked at the last close', async () => {
    const r = await runK(orcl, smaCross.create({ fast: 10, slow: 30 }), config);
    const pos = Number(r.position['ORCL']);
    expect(pos).toBeGreaterThan(0);
    const last = r.trades.at(-1)!;
    expect(last.exitBar).toBeNull();
    expect(rel(r.equity.at(-1)!, Number(r.finalValue))).toBeLessThan(1e-12);
  });

  it("when backtrader's own CrossOver(close, SMA15) test runs (2006-day-001, stake 1, no commission) then value, cash and every fill price are backtrader's", async () => {
    const day = parseSeries(fixture('2006-day-001.txt'), '2006-day-001.txt') as BarSeries;
    const r = await runK(day, smaCross.create({ fast: 1, slow: 15 }), { instrument: 'X', fidelity: 'bar', cash: '10000', commission: '0', sizing: { kind: 'fixed', qty: '1' } });
    // shared/refs/backtrader_cases.json, own_tests.strategy_unoptimized, stocklike.
    expect(Number(r.finalValue).toFixed(2)).toBe('10284.10');
    expect(Number(r.finalCash).toFixed(2)).toBe('6164.16');
    expect(r.fills.filter((f) => f.side === 'buy').map((f) => f.price.toFixed(2))).toEqual(['3643.35', '3801.03', '3872.37', '3863.57', '3845.32', '3656.43', '3542.65', '3639.65', '3799.86', '3840.20', '4047.63', '4052.55']);
    expect(r.fills.filter((f) => f.side === 'sell').map((f) => f.price.toFixed(2))).toEqual(['3763.95', '3811.85', '3822.35', '3822.57', '3829.82', '3598.58', '3545.92', '3766.80', '3782.15', '3979.73', '4045.05']);
  });

  it('when a fixed size costs more than the cash then the entry is refused and nothing is bought', async () => {
    const r = await runK(orcl, smaCross.create({}), { ...config, cash: '10', sizing: { kind: 'fixed', qty: '100' } });
    expect(r.fills).toHaveLength(0);
    expect(r.refused).toBeGreaterThan(0);
    expect(r.finalValue).toBe('10');
  });

  it('when the same run is repeated then every number is identical, bit for bit', async () => {
    const a = await runK(orcl, smaCross.create({}), config);
    const b = await runK(orcl, smaCross.create({}), config);
    expect(Buffer.from(a.equity.buffer).equals(Buffer.from(b.equity.buffer))).toBe(true);
    expect(JSON.stringify({ ...a, equity: null, time: null, decisions: null })).toBe(JSON.stringify({ ...b, equity: null, time: null, decisions: null }));
  });
});

describe('quiet bars', () => {
  /** The SMA cross, counting the bars it was asked at: the runner asks once per bar from the warm-up on. */
  const counted = (): Strategy & { asked: number[] } => {
    const inner = smaCross.create({ fast: 10, slow: 30 });
    const asked: number[] = [];
    return { name: inner.name, warmup: inner.warmup, asked, prepare: (b) => inner.prepare(b), decide: (i, long) => (asked.push(i), inner.decide(i, long)) };
  };
  /** The fidelity's own port without idle(): the runner asks its atOpen at every bar, as before the quiet loop. */
  const askedEveryBar = (p: ExecutionPort): ExecutionPort => ({ assumptions: p.assumptions, submit: (intent, account) => p.submit(intent, account), atOpen: (i, account) => p.atOpen(i, account) });

  for (const fidelity of ['bar', 'l1', 'l2'] as const) {
    it(`when the ${fidelity} port says it is idle then the run is the one asking atOpen at every bar, bit for bit, and the strategy is asked once per bar`, () => {
      const config: BarRunConfig = { instrument: 'ORCL', fidelity, cash: '100000', commission: '0.001', sizing: { kind: 'all-in' }, tradeFrom: 40 };
      const sa = counted();
      const sb = counted();
      const a = runBars(orcl, sa, config);
      const b = runBars(orcl, sb, config, askedEveryBar(executionFor(fidelity, orcl, costsOf(config))));
      expect(a.fills.length).toBeGreaterThan(100);
      expect(Buffer.from(a.equity.buffer).equals(Buffer.from(b.equity.buffer))).toBe(true);
      expect(Buffer.from(a.decisions.buffer).equals(Buffer.from(b.decisions.buffer))).toBe(true);
      expect(JSON.stringify({ ...a, equity: null, decisions: null, time: null })).toBe(JSON.stringify({ ...b, equity: null, decisions: null, time: null }));
      expect(sa.asked).toEqual(sb.asked);
      expect(sa.asked).toEqual(Array.from({ length: orcl.time.length - 40 }, (_, k) => 40 + k));
    });
  }
});

describe('fidelity levels', () => {
  const base: BarRunConfig = { instrument: 'ORCL', fidelity: 'bar', cash: '100000', commission: '0.001', sizing: { kind: 'all-in' }, costs: { haircutBps: 2, spreadBps: 4, impactK: 0.1 } };

  it('when the same strategy runs at l1 and l2 then l1 costs per traded value are at most l2 costs, split into fees, spread and impact', async () => {
    const l1 = await runK(orcl, smaCross.create({}), { ...base, fidelity: 'l1' });
    const l2 = await runK(orcl, smaCross.create({}), { ...base, fidelity: 'l2' });
    const perValue = (r: typeof l1) => r.metrics.costs.total / r.fills.reduce((s, f) => s + f.qty * f.price, 0);
    expect(perValue(l1)).toBeLessThanOrEqual(perValue(l2));
    expect(l1.metrics.costs.impact).toBe(0);
    expect(l2.metrics.costs.impact).toBeGreaterThan(0);
    expect(l2.metrics.costs.spread).toBeGreaterThan(0);
    expect(l1.metrics.assumptions.fidelity).toBe('l1');
    expect(l2.metrics.assumptions.costs).toContain('impact');
  });

  it('when l1 fills then each fill is at the deciding close worse by the haircut', async () => {
    const r = await runK(orcl, smaCross.create({}), { ...base, fidelity: 'l1', costs: { haircutBps: 10 } });
    for (const f of r.fills.slice(0, 10)) {
      const close = orcl.close[f.bar]!;
      const expected = f.side === 'buy' ? close * 1.001 : close * 0.999;
      expect(Math.abs(f.price - expected)).toBeLessThan(1e-7);
    }
  });

  it('when l2 has a participation cap then no fill exceeds the cap of its bar volume', async () => {
    const r = await runK(orcl, smaCross.create({}), { ...base, cash: '100000000', fidelity: 'l2', costs: { participationCap: 0.01 } });
    expect(r.fills.length).toBeGreaterThan(0);
    for (const f of r.fills) expect(f.qty).toBeLessThanOrEqual(orcl.volume[f.bar]! * 0.01 + 1e-9);
    // Big orders split: more fills than decisions.
    expect(r.fills.length).toBeGreaterThan(r.decisions.filter((d) => d !== 0).length);
  });

  it('when urgency rises then l2 impact rises', async () => {
    const low = await runK(orcl, smaCross.create({}), { ...base, fidelity: 'l2', costs: { urgency: 'low' } });
    const high = await runK(orcl, smaCross.create({}), { ...base, fidelity: 'l2', costs: { urgency: 'immediate' } });
    expect(high.metrics.costs.impact).toBeGreaterThan(low.metrics.costs.impact);
  });
});

describe('ledger invariants', () => {
  const barsOf = (steps: number[], vol: number[]): BarSeries => {
    let p = 50;
    const rows = steps.map((s, i) => {
      const o = p;
      p = Math.max(0.01, Math.round(p * (1 + s) * 100) / 100);
      return { time: Date.UTC(2020, 0, 1) + i * 86_400_000, open: o, high: Math.max(o, p), low: Math.min(o, p), close: p, volume: vol[i % vol.length]! };
    });
    return { kind: 'bars', time: Float64Array.from(rows.map((r) => r.time)), open: Float64Array.from(rows.map((r) => r.open)), high: Float64Array.from(rows.map((r) => r.high)), low: Float64Array.from(rows.map((r) => r.low)), close: Float64Array.from(rows.map((r) => r.close)), volume: Float64Array.from(rows.map((r) => r.volume)), priceDecimals: 2 };
  };

  it('property: at every fidelity, cash never goes negative when all-in, the position is never short, and final value = cash + position × last close exactly', async () => {
    const fc = (await import('fast-check')).default;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: -0.08, max: 0.08, noNaN: true }), { minLength: 40, maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 7 }),
        fc.constantFrom('bar' as const, 'l1' as const, 'l2' as const),
        fc.constantFrom('0', '0.001', '0.0025'),
        async (steps, vol, fidelity, commission) => {
          const bars = barsOf(steps, vol.map((v) => v + 1));
          const r = await runK(bars, smaCross.create({ fast: 3, slow: 8 }), { instrument: 'X', fidelity, cash: '10000', commission, sizing: { kind: 'all-in' }, costs: { haircutBps: 3 } });
          expect(Number(r.finalCash)).toBeGreaterThanOrEqual(0);
          let pos = 0;
          for (const f of r.fills) {
            pos += f.side === 'buy' ? f.qty : -f.qty;
            expect(pos).toBeGreaterThanOrEqual(0);
            expect(Number.isInteger(f.qty)).toBe(true);
          }
          expect(Number(r.position['X'])).toBe(pos);
          const last = bars.close.at(-1)!;
          // Exact decimal identity in integer units of 10^-20.
          expect(toUnits(r.finalValue, 20)).toBe(toUnits(r.finalCash, 20) + BigInt(pos) * toUnits(String(last), 20));
          expect(rel(r.equity.at(-1)!, Number(r.finalValue))).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('price units', () => {
  it('property: fixedUnits(p, d) is toUnits(p.toFixed(d), d) and exactUnits(p, d) is toUnits(String(p), d), refusing what toUnits refuses', async () => {
    const fc = (await import('fast-check')).default;
    const same = (p: number, d: number) => {
      check(p, d, fixedUnits, (x) => x.toFixed(d));
      check(p, d, exactUnits, (x) => String(x));
    };
    const check = (p: number, d: number, fast: (p: number, d: number) => bigint, text: (p: number) => string) => {
      let want: bigint | string;
      try {
        want = toUnits(text(p), d);
      } catch (err) {
        want = (err as Error).message;
      }
      let got: bigint | string;
      try {
        got = fast(p, d);
      } catch (err) {
        got = (err as Error).message;
      }
      expect(got).toBe(want);
    };
    fc.assert(fc.property(fc.double(), fc.integer({ min: 0, max: 10 }), (p, d) => same(p, d)), { numRuns: 3000 });
    fc.assert(fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 8 }), (k, e, d) => same(k / 10 ** e, d)), { numRuns: 3000 });
    // Halves at the rounding place (1.005, 2.675: binary just below or above), and around the fast path's 2^40 bound.
    fc.assert(fc.property(fc.integer({ min: -1e7, max: 1e7 }), fc.integer({ min: 0, max: 8 }), (k, d) => {
      same((k + 0.5) / 10 ** d, d);
      same((k * 10 + 5) / 10 ** (d + 1), d);
    }), { numRuns: 3000 });
    for (const p of [0, -0, 0.5, -0.5, 1.005, 2.675, 1e20, 1e21, -1e21, 123456789.123456789, NaN, Infinity, -Infinity, 5e-324, -1e-9, 2 ** 40, 2 ** 40 - 0.5, 2 ** 40 + 1, -(2 ** 40), 1099511.6277755, 109951.16277755]) for (const d of [0, 1, 2, 4, 6, 8, 22, 23]) same(p, d);
  });

  it('property: unitsToNumber(fixedUnits(x, d), d) is Number(x.toFixed(d)) for x in [0, 1e21) (the runner\'s average prices)', async () => {
    const fc = (await import('fast-check')).default;
    const runs = Number(process.env.PROPERTY_RUNS_X ?? 1);
    const check = (x: number, d: number) => {
      expect(Object.is(unitsToNumber(fixedUnits(x, d), d), Number(x.toFixed(d)))).toBe(true);
    };
    fc.assert(fc.property(fc.double({ min: 0, max: 1e21, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 12 }), (x, d) => check(x, d)), { numRuns: 3000 * runs });
    // Averages of prices on a grid (cost / qty), and halves at the rounding place.
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e8 }), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 8 }), (c, q, d) => check(c / 100 / q, d)), { numRuns: 3000 * runs });
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 0, max: 8 }), (k, d) => check((k + 0.5) / 10 ** d, d)), { numRuns: 2000 * runs });
    for (const x of [0, -0, 0.5, 1.005, 2.675, 2 ** 40, 2 ** 40 - 0.5, 1e20, 5e-324]) for (const d of [0, 2, 4, 6, 8, 22, 23]) check(x, d);
  });

  it('property: unitsToNumber(u, d) is Number(toDecimalString(u, d))', async () => {
    const fc = (await import('fast-check')).default;
    const check = (u: bigint, d: number) => {
      expect(Object.is(unitsToNumber(u, d), Number(toDecimalString(u, d)))).toBe(true);
    };
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }), fc.integer({ min: 0, max: 30 }), (u, d) => {
      check(u, d);
    }), { numRuns: 5000 });
    fc.assert(fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 10 }), (u, d) => {
      check(BigInt(u), d);
    }), { numRuns: 5000 });
    for (const u of [0n, 1n, -1n, 5n, 15n, 2n ** 53n - 1n, -(2n ** 53n - 1n), 2n ** 53n, 2n ** 53n + 1n, 10n ** 22n]) for (const d of [0, 1, 2, 4, 8, 16, 22, 23]) check(u, d);
  });
});
