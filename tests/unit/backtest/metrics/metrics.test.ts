import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, expectedMaxSharpe, middleOf, periodReturns } from '../../../../src/backtest/metrics/metrics.ts';
import { periodKey } from '../../../../src/backtest/metrics/periods.ts';
import type { BacktestFill, RoundTrip } from '../../../../src/backtest/types.ts';

const DAY = 86_400_000;
const t0 = Date.UTC(2020, 0, 1);
const assumptions = { fidelity: 'bar' as const, fills: 'next open', costs: 'none' };

/** Φ by Simpson's rule on the density: independent of the rational approximation the code uses. */
function phi(x: number): number {
  const steps = 20_000;
  const a = -12;
  const h = (x - a) / steps;
  let s = 0;
  for (let i = 0; i <= steps; i++) {
    const u = a + i * h;
    const w = i === 0 || i === steps ? 1 : i % 2 ? 4 : 2;
    s += w * Math.exp(-0.5 * u * u);
  }
  return (s * h) / 3 / Math.sqrt(2 * Math.PI);
}

describe('metrics', () => {
  // Ten daily closes of equity, with a drawdown in the middle.
  const equity = [100, 102, 101, 99, 97, 100, 103, 104, 102, 106];
  const time = equity.map((_, i) => t0 + i * DAY);
  const exposure = [0, 50, 50, 50, 0, 0, 60, 60, 60, 0];
  const fills: BacktestFill[] = [
    { bar: 1, time: time[1]!, instrument: 'X', side: 'buy', qty: 5, price: 10, fee: 0.05, spreadCost: 0.01, impactCost: 0.02, reason: 'entry' },
    { bar: 4, time: time[4]!, instrument: 'X', side: 'sell', qty: 5, price: 9, fee: 0.045, spreadCost: 0.01, impactCost: 0.03, reason: 'exit' },
    { bar: 6, time: time[6]!, instrument: 'X', side: 'buy', qty: 6, price: 10, fee: 0.06, spreadCost: 0, impactCost: 0, reason: 'entry' },
    { bar: 9, time: time[9]!, instrument: 'X', side: 'sell', qty: 6, price: 11, fee: 0.066, spreadCost: 0, impactCost: 0, reason: 'exit' },
  ];
  const trades: RoundTrip[] = [
    { instrument: 'X', entryBar: 1, entryTime: time[1]!, entryPrice: 10, exitBar: 4, exitTime: time[4]!, exitPrice: 9, size: 5, commission: 0.095, pnl: -5.095, exitReason: 'exit' },
    { instrument: 'X', entryBar: 6, entryTime: time[6]!, entryPrice: 10, exitBar: 9, exitTime: time[9]!, exitPrice: 11, size: 6, commission: 0.126, pnl: 5.874, exitReason: 'exit' },
    { instrument: 'Y', entryBar: 8, entryTime: time[8]!, entryPrice: 10, exitBar: null, exitTime: null, exitPrice: null, size: 1, commission: 0, pnl: 1, exitReason: null },
  ];
  const m = computeMetrics({ time, equity, initialEquity: 100, exposure, fills, trades, assumptions, periodsPerYear: 252, trials: { count: 50, sharpeVariance: 0.01 } });

  // Independent figures.
  const r = equity.map((e, i) => e / (i === 0 ? 100 : equity[i - 1]!) - 1);
  const n = r.length;
  const mean = r.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const dd = Math.sqrt(r.reduce((a, b) => a + Math.min(b, 0) ** 2, 0) / n);
  const years = (9 * DAY) / (365.25 * DAY);
  const cagr = (106 / 100) ** (1 / years) - 1;
  const maxDd = 1 - 97 / 102;

  it('when the equity curve is known then return, CAGR, volatility, Sharpe, Sortino and Calmar match the textbook formulas', () => {
    expect(m.totalReturn).toBeCloseTo(0.06, 12);
    expect(m.cagr!).toBeCloseTo(cagr, 10);
    expect(m.volatility!).toBeCloseTo(sd * Math.sqrt(252), 12);
    expect(m.sharpe!).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
    expect(m.sortino!).toBeCloseTo((mean / dd) * Math.sqrt(252), 12);
    expect(m.maxDrawdown).toBeCloseTo(maxDd, 12);
    expect(m.calmar!).toBeCloseTo(cagr / maxDd, 10);
  });

  it('when equity falls from a peak and regains it later then the drawdown duration counts the bars in between', () => {
    // Peak 102 at bar 1, regained at bar 6 (103): bars 2..5 are under water, the longest stretch 4 bars (bar 5 - bar 1).
    expect(m.maxDrawdownBars).toBe(4);
    expect(m.maxDrawdownMs).toBe(4 * DAY);
  });

  it('when trades are known then win rate, profit factor, averages, holding time and exposure follow; an open trade is apart', () => {
    expect(m.trades).toBe(2);
    expect(m.openTrades).toBe(1);
    expect(m.winRate).toBe(0.5);
    expect(m.profitFactor!).toBeCloseTo(5.874 / 5.095, 12);
    expect(m.avgWin!).toBeCloseTo(5.874, 12);
    expect(m.avgLoss!).toBeCloseTo(-5.095, 12);
    expect(m.avgHoldingBars).toBe(3);
    expect(m.exposureTime).toBeCloseTo(0.6, 12);
    expect(m.herfindahl).toBe(1);
    expect(m.byInstrument).toEqual([{ key: 'X', trades: 2, pnl: 5.874 - 5.095, winRate: 0.5 }]);
  });

  it('when fills carry costs then turnover and the fees / spread / impact split add up', () => {
    const traded = 50 + 45 + 60 + 66;
    expect(m.turnover).toBeCloseTo(traded / (equity.reduce((a, b) => a + b, 0) / n), 12);
    expect(m.costs.fees).toBeCloseTo(0.221, 12);
    expect(m.costs.spread).toBeCloseTo(0.02, 12);
    expect(m.costs.impact).toBeCloseTo(0.05, 12);
    expect(m.costs.total).toBeCloseTo(0.291, 12);
  });

  it('when returns are known then the probabilistic and deflated Sharpe ratios match Bailey and López de Prado', () => {
    const m2 = r.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const skew = r.reduce((a, b) => a + (b - mean) ** 3, 0) / n / m2 ** 1.5;
    const kurt = r.reduce((a, b) => a + (b - mean) ** 4, 0) / n / m2 ** 2;
    const sr = mean / sd;
    const psr = (bench: number) => phi(((sr - bench) * Math.sqrt(n - 1)) / Math.sqrt(1 - skew * sr + ((kurt - 1) / 4) * sr * sr));
    expect(m.probabilisticSharpe!).toBeCloseTo(psr(0), 8);
    // E[max SR] of 50 trials with Var(SR) = 0.01 (the paper's formula, z-quantiles from a table).
    const z1 = 2.053748910631822; // Φ⁻¹(1 - 1/50)
    const z2 = 2.4393139538578943; // Φ⁻¹(1 - 1/(50e)), Python statistics.NormalDist
    const sr0 = 0.1 * ((1 - 0.5772156649015329) * z1 + 0.5772156649015329 * z2);
    expect(expectedMaxSharpe(50, 0.01)).toBeCloseTo(sr0, 6);
    expect(m.deflatedSharpe!).toBeCloseTo(psr(sr0), 6);
    expect(m.deflatedSharpe!).toBeLessThan(m.probabilisticSharpe!);
  });

  it('when metrics are produced then they carry the fidelity and fill assumptions', () => {
    expect(m.assumptions).toEqual(assumptions);
  });

  it('when equity spans months then the monthly returns compound to the total', () => {
    const t = [Date.UTC(2020, 0, 30), Date.UTC(2020, 0, 31), Date.UTC(2020, 1, 3), Date.UTC(2020, 2, 2)];
    const p = periodReturns(t, [101, 102, 99, 105], 100, 'month');
    expect(p.map((x) => x.period)).toEqual(['2020-01', '2020-02', '2020-03']);
    expect(p[0]!.return).toBeCloseTo(0.02, 12);
    expect(p[1]!.return).toBeCloseTo(99 / 102 - 1, 12);
    expect(p.reduce((a, x) => a * (1 + x.return), 1)).toBeCloseTo(1.05, 12);
  });

  it('property: period returns of any breakdown compound to the total return', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.5, max: 1.5, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.constantFrom('day', 'week', 'month', 'year' as const), (steps, period) => {
        let e = 1000;
        const eq = steps.map((s) => (e *= s));
        const t = eq.map((_, i) => t0 + i * 3 * DAY);
        const total = periodReturns(t, eq, 1000, period).reduce((a, x) => a * (1 + x.return), 1);
        expect(total).toBeCloseTo(eq.at(-1)! / 1000, 8);
      }),
    );
  });

  it('when keys are asked for then ISO weeks belong to the year of their Thursday', () => {
    expect(periodKey('week', Date.UTC(2021, 0, 3))).toBe('2020-W53');
    expect(periodKey('week', Date.UTC(2021, 0, 4))).toBe('2021-W01');
    expect(periodKey('week', Date.UTC(2019, 11, 30))).toBe('2020-W01');
    expect(periodKey('year', Date.UTC(2019, 11, 30))).toBe('2019');
  });

  it('property: middleOf(a) is the middle element of a sorted copy of a (bar steps: few distinct values, ties, any doubles without NaN)', () => {
    const steps = fc.oneof(
      fc.array(fc.constantFrom(DAY, 3 * DAY, 4 * DAY, 60_000, 0, -DAY), { minLength: 1, maxLength: 1000 }),
      fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 300 }),
      fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 50 }),
    );
    fc.assert(
      fc.property(steps, (xs) => {
        const sorted = Float64Array.from(xs).sort();
        const got = middleOf(Float64Array.from(xs));
        // Equal as numbers (a -0 may stand for a +0 among ties; readers compare it with > 0).
        expect(got === sorted[sorted.length >> 1]).toBe(true);
      }),
      { numRuns: 300 * Number(process.env.PROPERTY_RUNS_X ?? 1) },
    );
  });
});
