import { describe, expect, it } from 'vitest';
import { averagePairwiseCorrelation, sampleCorrelationMatrix, sampleCovarianceMatrix } from '../../../src/pms/correlation.ts';
import { PORTFOLIO_SUBJECT, PmsMonitor, resolvePmsConfig } from '../../../src/pms/monitor.ts';
import type { PmsConfig, PmsPortfolio } from '../../../src/pms/monitor.ts';
import { alignedReturns, panelColumn } from '../../../src/pms/returns.ts';
import type { Observation } from '../../../src/pms/returns.ts';
import { extremeMoves } from '../../../src/pms/stress.ts';
import { parametricVaR, varReport } from '../../../src/pms/var.ts';
import { ewmaVolatility, volatilityRegime } from '../../../src/pms/volatility.ts';
import { MIN_VOL_HISTORY, volatilityKnown } from '../../../src/core/volatility-known.ts';

const MIN = 60_000;
const DAY = 86_400_000;
/** Monday 2024-01-01 00:00 UTC. */
const T0 = Date.UTC(2024, 0, 1);
const SQRT_DAY = Math.sqrt(1440);

/** Deterministic standard normal draws (LCG + Box–Muller). */
function normals(seed: number): () => number {
  let s = seed;
  const u = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Price paths of correlated instruments, one price per minute bucket. */
function paths(symbols: string[], n: number, opts: { seed?: number; vol?: number | ((k: number) => number); common?: number } = {}): Record<string, number[]> {
  const z = normals(opts.seed ?? 7);
  const out: Record<string, number[]> = Object.fromEntries(symbols.map((s) => [s, [100]]));
  for (let k = 1; k < n; k++) {
    const vol = typeof opts.vol === 'function' ? opts.vol(k) : (opts.vol ?? 0.001);
    const m = z();
    for (const s of symbols) {
      const p = out[s]!;
      const c = opts.common ?? 0.5;
      p.push(p[k - 1]! * (1 + vol * (c * m + Math.sqrt(1 - c * c) * z())));
    }
  }
  return out;
}

/** Feeds the paths, minute k observed at T0 + k·1min + 1s, and returns the time of the first cycle after them. */
function feed(m: PmsMonitor, prices: Record<string, number[]>, start = T0): number {
  const n = Object.values(prices)[0]!.length;
  for (let k = 0; k < n; k++) m.observePrices(start + k * MIN + 1000, Object.fromEntries(Object.entries(prices).map(([s, p]) => [s, p[k]!])));
  return start + n * MIN + 5000;
}

function seriesOf(p: number[], start = T0): Observation[] {
  return p.map((value, k) => ({ time: start + k * MIN, value }));
}

function book(cash: number, positions: Record<string, { qty: number; price: number }>): PmsPortfolio {
  const rows = Object.entries(positions).map(([symbol, { qty, price }]) => ({ symbol, qty, marketValue: qty * price, realizedPnl: 0, unrealizedPnl: 0 }));
  return { cash, positions: rows, realizedPnl: 0, unrealizedPnl: 0 };
}

const last = (p: number[]): number => p[p.length - 1]!;
const quiet: Partial<PmsConfig> = { thresholds: {} };

describe('PmsMonitor VaR', () => {
  it('when two instruments are held then each VaR and ES is varReport on the same aligned one-minute returns × √1440', () => {
    // Arrange: 200 minutes of two correlated paths; long A, short B.
    const m = new PmsMonitor(quiet);
    const p = paths(['A', 'B'], 200);
    const at = feed(m, p);
    const portfolio = book(50_000, { A: { qty: 300, price: last(p.A!) }, B: { qty: -100, price: last(p.B!) } });
    // Act
    const { metrics } = m.cycle(at, portfolio);
    // Assert
    const panel = alignedReturns({ A: seriesOf(p.A!), B: seriesOf(p.B!) });
    const positions = { A: 300 * last(p.A!), B: -100 * last(p.B!) };
    const ref = varReport(positions, panel);
    expect(metrics.varBasis.samples).toBe(199);
    expect(metrics.varBasis.interval).toBe('1m');
    expect(metrics.varBasis.scaling).toContain('√1440');
    const byKey = new Map(metrics.var.map((v) => [`${v.method} ${v.confidence}`, v]));
    expect(metrics.var).toHaveLength(4);
    for (const e of [...ref.historical, ...ref.parametric]) {
      const got = byKey.get(`${e.method} ${e.confidence}`)!;
      expect(got.var).toBeCloseTo(e.valueAtRisk * SQRT_DAY, 8);
      expect(got.es).toBeCloseTo(e.expectedShortfall * SQRT_DAY, 8);
      expect(got.varPctNav).toBeCloseTo((e.valueAtRisk * SQRT_DAY) / metrics.nav, 12);
    }
    // Sanity: a real number, not zero.
    expect(byKey.get('parametric 0.99')!.var).toBeGreaterThan(100);
  });

  it('when more returns than maxReturns were observed then only the last maxReturns enter the VaR', () => {
    const m = new PmsMonitor({ ...quiet, maxReturns: 50 });
    const p = paths(['A'], 120, { seed: 11 });
    const at = feed(m, p);
    const { metrics } = m.cycle(at, book(0, { A: { qty: 10, price: last(p.A!) } }));
    const panel = alignedReturns({ A: seriesOf(p.A!.slice(-51)) });
    const ref = varReport({ A: 10 * last(p.A!) }, panel);
    expect(metrics.varBasis.samples).toBe(50);
    expect(metrics.var.find((v) => v.method === 'historical' && v.confidence === 0.99)!.var).toBeCloseTo(ref.historical[1]!.valueAtRisk * SQRT_DAY, 9);
  });

  it('when fewer aligned returns than minReturnsForVar exist then no VaR is reported and the basis says why', () => {
    const m = new PmsMonitor({ ...quiet, minReturnsForVar: 30 });
    const p = paths(['A'], 20);
    const at = feed(m, p);
    const { metrics } = m.cycle(at, book(1000, { A: { qty: 1, price: last(p.A!) } }));
    expect(metrics.var).toEqual([]);
    expect(metrics.varBasis.samples).toBe(19);
    expect(metrics.varBasis.scaling).toContain('not reported: 19 aligned returns, 30 needed');
  });

  it('when nothing is held then VaR is zero rather than unknown', () => {
    const m = new PmsMonitor(quiet);
    const { metrics } = m.cycle(T0, book(1000, {}));
    expect(metrics.var.map((v) => v.var)).toEqual([0, 0, 0, 0]);
    expect(metrics.regime).toBe('unknown');
  });

  it('when a minute has no mark then no return spans the gap, and an instrument missing a minute drops that row for both', () => {
    // Arrange: A and B for 60 minutes; minute 30 missing for both, minute 45 missing for B only.
    const m = new PmsMonitor({ ...quiet, minReturnsForVar: 10 });
    const p = paths(['A', 'B'], 60, { seed: 5 });
    for (let k = 0; k < 60; k++) {
      if (k === 30) continue;
      const prices: Record<string, number> = { A: p.A![k]! };
      if (k !== 45) prices.B = p.B![k]!;
      m.observePrices(T0 + k * MIN + 1000, prices);
    }
    // Act
    const { metrics } = m.cycle(T0 + 60 * MIN + 1, book(0, { A: { qty: 1, price: 100 }, B: { qty: 1, price: 100 } }));
    // Assert: 59 one-minute intervals, minus 2 around minute 30 and 2 around minute 45.
    expect(metrics.varBasis.samples).toBe(55);
    const rows: number[][] = [];
    for (let k = 1; k < 60; k++) if (![30, 31, 45, 46].includes(k)) rows.push([p.A![k]! / p.A![k - 1]! - 1, p.B![k]! / p.B![k - 1]! - 1]);
    const ref = varReport({ A: 100, B: 100 }, { symbols: ['A', 'B'], times: rows.map((_, i) => i), values: rows });
    expect(metrics.var.find((v) => v.method === 'parametric' && v.confidence === 0.95)!.var).toBeCloseTo(ref.parametric[0]!.valueAtRisk * SQRT_DAY, 10);
    expect(metrics.var.find((v) => v.method === 'historical' && v.confidence === 0.95)!.var).toBeCloseTo(ref.historical[0]!.valueAtRisk * SQRT_DAY, 10);
    // A's own returns (its volatility) lose only the two around minute 30.
    const own: number[] = [];
    for (let k = 1; k < 60; k++) if (k !== 30 && k !== 31) own.push(p.A![k]! / p.A![k - 1]! - 1);
    expect(metrics.exposures.find((e) => e.symbol === 'A')!.ewmaVol).toBeCloseTo(ewmaVolatility(own, { lambda: 0.94 }) * Math.sqrt(1440 * 365), 12);
  });

  it('when marks are NaN, zero or negative then they are skipped as if not observed', () => {
    const m = new PmsMonitor({ ...quiet, minReturnsForVar: 5 });
    const p = paths(['A'], 40, { seed: 3 });
    for (let k = 0; k < 40; k++) {
      m.observePrices(T0 + k * MIN + 1000, { A: p.A![k]! });
      m.observePrices(T0 + k * MIN + 2000, { A: [Number.NaN, 0, -5, Number.POSITIVE_INFINITY][k % 4]! });
    }
    const { metrics } = m.cycle(T0 + 40 * MIN + 1, book(0, { A: { qty: 2, price: last(p.A!) } }));
    const ref = varReport({ A: 2 * last(p.A!) }, alignedReturns({ A: seriesOf(p.A!) }));
    expect(metrics.varBasis.samples).toBe(39);
    expect(metrics.var[0]!.var).toBeCloseTo(ref.historical[0]!.valueAtRisk * SQRT_DAY, 9);
  });

  it('when earlier marks are seeded from candles then they count like observed ones, and observed marks win over seeded ones', () => {
    const p = paths(['A'], 80, { seed: 21 });
    const seeded = new PmsMonitor(quiet);
    // Candle open times, minute 0..59, plus a wrong price for minute 60 that the live mark replaces.
    seeded.observePrices(T0 + 60 * MIN + 1000, { A: p.A![60]! });
    seeded.seedPrices('A', [...p.A!.slice(0, 60).map((price, k) => ({ time: T0 + k * MIN, price })), { time: T0 + 60 * MIN, price: 1 }]);
    for (let k = 61; k < 80; k++) seeded.observePrices(T0 + k * MIN + 1000, { A: p.A![k]! });
    const observed = new PmsMonitor(quiet);
    const at = feed(observed, p);
    const portfolio = book(0, { A: { qty: 1, price: last(p.A!) } });
    expect(seeded.cycle(at, portfolio).metrics.var).toEqual(observed.cycle(at, portfolio).metrics.var);
  });

  it('when the current minute is still open then its mark does not make a return yet', () => {
    const m = new PmsMonitor({ ...quiet, minReturnsForVar: 5 });
    const p = paths(['A'], 20);
    feed(m, p);
    // Still inside minute 19, the last one observed.
    const { metrics } = m.cycle(T0 + 19 * MIN + 30_000, book(0, { A: { qty: 1, price: 100 } }));
    expect(metrics.varBasis.samples).toBe(18);
  });
});

describe('PmsMonitor portfolio metrics', () => {
  it('when a book is cycled then NAV, exposures, leverage and shares of NAV follow from cash and market values', () => {
    const m = new PmsMonitor(quiet);
    const portfolio: PmsPortfolio = {
      cash: 60_000,
      positions: [
        { symbol: 'A', qty: 100, marketValue: 30_000, realizedPnl: 10, unrealizedPnl: 500 },
        { symbol: 'B', qty: -50, marketValue: -10_000, realizedPnl: -4, unrealizedPnl: -200 },
        { symbol: 'C', qty: 0, marketValue: 0, realizedPnl: 99, unrealizedPnl: 0 },
      ],
      realizedPnl: 105,
      unrealizedPnl: 300,
    };
    const { metrics } = m.cycle(T0, portfolio);
    expect(metrics).toMatchObject({ nav: 80_000, cash: 60_000, grossExposure: 40_000, netExposure: 20_000, longExposure: 30_000, shortExposure: 10_000, leverage: 0.5, realizedPnl: 105, unrealizedPnl: 300, cycleMs: 0 });
    expect(metrics.exposures.map((e) => [e.symbol, e.qty, e.marketValue, e.shareOfNav])).toEqual([
      ['A', 100, 30_000, 0.375],
      ['B', -50, -10_000, 0.125],
    ]);
    expect(metrics.exposures[0]).toMatchObject({ ewmaVol: null, volPercentile: null, regime: 'unknown' });
  });

  it('when the day rolls over then the daily P&L is measured from the last NAV before midnight', () => {
    const m = new PmsMonitor(quiet);
    // First cycle ever: the day starts with it.
    expect(m.cycle(T0 + 23 * 3_600_000, book(100_000, {})).metrics).toMatchObject({ dailyPnl: 0, dailyPnlPct: 0 });
    m.cycle(T0 + DAY - MIN, book(100_000, {}));
    // Act: after midnight.
    const next = m.cycle(T0 + DAY + MIN, book(101_000, {})).metrics;
    const later = m.cycle(T0 + DAY + 30 * MIN, book(99_000, {})).metrics;
    // Assert
    expect(next.dailyPnl).toBe(1000);
    expect(next.dailyPnlPct).toBeCloseTo(0.01, 12);
    expect(later.dailyPnl).toBe(-1000);
  });

  it('when the monitor starts mid-day with the NAV the day started with then the daily P&L is measured from it', () => {
    // After a restart: the engine knows the day's start equity, the monitor's own history is empty.
    const m = new PmsMonitor(quiet);
    m.seedNavHistory([{ time: T0 + DAY - 1, nav: 100_000 }, { time: Number.NaN, nav: 5 }]);
    expect(m.cycle(T0 + DAY + 10 * 3_600_000, book(97_000, {})).metrics.dailyPnl).toBe(-3000);
  });

  it('when the trading day starts at 16:00 UTC then the daily P&L rolls there', () => {
    const m = new PmsMonitor({ ...quiet, dayOffsetMs: 8 * 3_600_000 });
    m.cycle(T0 + 15 * 3_600_000, book(100_000, {}));
    m.cycle(T0 + 15.9 * 3_600_000, book(102_000, {}));
    expect(m.cycle(T0 + 17 * 3_600_000, book(103_000, {})).metrics.dailyPnl).toBe(1000);
  });

  it('when NAV rises and falls then drawdowns are measured from the peaks of the history, day, week and month', () => {
    const m = new PmsMonitor(quiet);
    m.cycle(T0, book(100_000, {}));
    m.cycle(T0 + 10 * MIN, book(110_000, {}));
    m.cycle(T0 + 20 * MIN, book(99_000, {}));
    const { metrics } = m.cycle(T0 + 30 * MIN, book(104_500, {}));
    expect(metrics.drawdown.current).toBeCloseTo(0.05, 12);
    expect(metrics.drawdown.max).toBeCloseTo(0.1, 12);
    expect(metrics.drawdown.day).toBeCloseTo(0.05, 12);
    expect(metrics.drawdown.week).toBeCloseTo(0.05, 12);
    expect(metrics.drawdown.month).toBeCloseTo(0.05, 12);
    expect(metrics.navHistory.map((h) => h.nav)).toEqual([100_000, 110_000, 99_000, 104_500]);
    expect(metrics.navHistory[2]!.drawdown).toBeCloseTo(0.1, 12);
  });

  it('when many cycles run inside one NAV bucket then the bucket keeps its first, highest, lowest and last NAV, so the peak survives', () => {
    const m = new PmsMonitor(quiet);
    const navs = [100, 101, 130, 120, 90, 95, 100];
    navs.forEach((n, i) => m.cycle(T0 + i * 1000, book(n, {})));
    const { metrics } = m.cycle(T0 + 7000, book(98, {}));
    expect(metrics.navHistory.map((h) => h.nav)).toEqual([100, 130, 90, 98]);
    expect(metrics.drawdown.max).toBeCloseTo(40 / 130, 12);
  });

  it('when the NAV history is long then the chart has at most 300 points and ends on the current NAV', () => {
    const m = new PmsMonitor(quiet);
    let metrics;
    for (let i = 0; i < 2000; i++) metrics = m.cycle(T0 + i * MIN, book(100_000 + (i % 17) * 10, {})).metrics;
    expect(metrics!.navHistory.length).toBeLessThanOrEqual(300);
    expect(metrics!.navHistory.length).toBeGreaterThan(250);
    expect(metrics!.navHistory[metrics!.navHistory.length - 1]).toMatchObject({ time: T0 + 1999 * MIN, nav: metrics!.nav });
    expect(metrics!.navHistory[0]!.time).toBe(T0);
  });

  it('when cash or a market value is not a number, or NAV is not positive, then the cycle does not throw and ratios are null', () => {
    const m = new PmsMonitor();
    const p = paths(['A'], 60);
    const at = feed(m, p);
    // Act: NaN cash, a NaN market value, then a book under water.
    const bad = m.cycle(at, { cash: Number.NaN, positions: [{ symbol: 'A', qty: 1, marketValue: Number.NaN, realizedPnl: Number.NaN, unrealizedPnl: 0 }], realizedPnl: Number.NaN, unrealizedPnl: 0 });
    const under = m.cycle(at + 1000, book(-50_000, { A: { qty: 100, price: last(p.A!) } }));
    // Assert
    expect(bad.metrics.nav).toBe(0);
    expect(m.diagnostics().length).toBe(0);
    expect(under.metrics.nav).toBeLessThan(0);
    expect(under.metrics.leverage).toBeNull();
    expect(under.metrics.exposures[0]!.shareOfNav).toBeNull();
    expect(under.metrics.var.every((v) => v.varPctNav === null)).toBe(true);
    const exposure = under.flags.find((f) => f.code === 'exposure_breach')!;
    expect(exposure).toMatchObject({ severity: 'critical', action: 'halt' });
    // Every number survives JSON (no NaN, no Infinity turning into null).
    const json = JSON.parse(JSON.stringify(under));
    expect(json.flags.find((f: { code: string }) => f.code === 'exposure_breach').value).toBe(Number.MAX_VALUE);
    expect(JSON.stringify(under)).not.toContain('null,"threshold"');
  });
});

describe('PmsMonitor volatility and correlation', () => {
  it('when an instrument turns volatile then its EWMA volatility is annualised over 24h×365 and its regime is high, flagged with its symbol', () => {
    // Arrange: 200 calm minutes, then 20 minutes at ten times the volatility.
    const m = new PmsMonitor({ thresholds: { volatilityPercentile: { warning: 0.9 } } });
    const p = paths(['A'], 221, { vol: (k) => (k > 200 ? 0.01 : 0.001), seed: 9 });
    const at = feed(m, p);
    // Act
    const { metrics, flags } = m.cycle(at, book(1_000_000, { A: { qty: 10, price: last(p.A!) } }));
    // Assert
    const returns = panelColumn(alignedReturns({ A: seriesOf(p.A!) }), 'A');
    const row = metrics.exposures[0]!;
    expect(row.ewmaVol).toBeCloseTo(ewmaVolatility(returns, { lambda: 0.94 }) * Math.sqrt(1440 * 365), 10);
    const regime = volatilityRegime(returns.slice(-(30 + 240)), 30, { lookback: 240 });
    expect(row.volPercentile).toBe(regime.percentile);
    expect(row.regime).toBe('high');
    expect(metrics.regime).toBe('high');
    const volFlags = flags.filter((f) => f.code === 'volatility_regime_high');
    expect(volFlags.map((f) => [f.subject, f.symbol])).toEqual([
      ['A', 'A'],
      [PORTFOLIO_SUBJECT, null],
    ]);
  });

  it('when the volatility is known is one rule: unknown (no regime, no flag) below 30 + 100 one-minute returns, known (regime, flag) from there', () => {
    const monitor = (): PmsMonitor => new PmsMonitor({ thresholds: { volatilityPercentile: { info: 0.5 } } });
    const volatileEnd = (n: number): Record<string, number[]> => paths(['A'], n, { vol: (k) => (k > n - 20 ? 0.01 : 0.001), seed: 3 });
    // Arrange: 30 + 100 prices, so 129 returns at most: one short of the rule.
    const short = monitor();
    const p = volatileEnd(30 + MIN_VOL_HISTORY);
    // Act
    const before = short.cycle(feed(short, p), book(1_000_000, { A: { qty: 10, price: last(p.A!) } }));
    // Assert: not known, so no regime and no flag, as L1 (asking the same rule) says "unknown".
    expect(short.volatilityKnown('A')).toBe(false);
    expect(volatilityKnown(30 + MIN_VOL_HISTORY - 1, 30, 240)).toBe(false);
    expect(before.metrics.exposures[0]!.volPercentile).toBeNull();
    expect(before.flags.filter((f) => f.code === 'volatility_regime_high' && f.symbol === 'A')).toEqual([]);
    // Two more minutes: known to both, the regime exists and the flag fires on the volatile end.
    const full = monitor();
    const q = volatileEnd(30 + MIN_VOL_HISTORY + 2);
    const after = full.cycle(feed(full, q), book(1_000_000, { A: { qty: 10, price: last(q.A!) } }));
    expect(full.volatilityKnown('A')).toBe(true);
    expect(after.metrics.exposures[0]!.volPercentile).not.toBeNull();
    expect(after.flags.some((f) => f.code === 'volatility_regime_high' && f.symbol === 'A')).toBe(true);
  });

  it('when two held instruments start moving together then the current correlation rises above its baseline and correlation_spike is raised', () => {
    // Arrange: independent for 180 minutes, then the same moves for 60.
    const m = new PmsMonitor({ thresholds: { correlationChange: { warning: 0.3 } } });
    const z = normals(4);
    const A = [100];
    const B = [100];
    for (let k = 1; k < 241; k++) {
      const a = z();
      const b = k > 180 ? a : z();
      A.push(A[k - 1]! * (1 + 0.001 * a));
      B.push(B[k - 1]! * (1 + 0.001 * b));
    }
    const at = feed(m, { A, B });
    // Act
    const { metrics, flags } = m.cycle(at, book(100_000, { A: { qty: 10, price: last(A) }, B: { qty: 10, price: last(B) } }));
    // Assert
    const rows = alignedReturns({ A: seriesOf(A), B: seriesOf(B) }).values;
    const current = averagePairwiseCorrelation(sampleCorrelationMatrix(rows.slice(-60)));
    const baseline = averagePairwiseCorrelation(sampleCorrelationMatrix(rows.slice(0, -60)));
    expect(metrics.correlation.symbols).toEqual(['A', 'B']);
    expect(metrics.correlation.average).toBeCloseTo(current, 10);
    expect(metrics.correlation.baseline).toBeCloseTo(baseline, 10);
    expect(metrics.correlation.average).toBeGreaterThan(0.99);
    expect(Math.abs(metrics.correlation.baseline!)).toBeLessThan(0.2);
    expect(metrics.correlation.matrix[0]![0]).toBe(1);
    expect(metrics.correlation.matrix[0]![1]).toBe(metrics.correlation.matrix[1]![0]);
    expect(flags.map((f) => f.code)).toContain('correlation_spike');
  });

  it('when there are fewer returns than two correlation windows then the correlation of all of them is shown without a baseline, and never flagged', () => {
    const m = new PmsMonitor({ thresholds: { correlationChange: { info: -2 } } });
    const p = paths(['A', 'B'], 41, { common: 0.9 });
    const t = feed(m, p);
    const { metrics, flags } = m.cycle(t, book(1000, { A: { qty: 1, price: last(p.A!) }, B: { qty: 1, price: last(p.B!) } }));
    const rows = alignedReturns({ A: seriesOf(p.A!), B: seriesOf(p.B!) });
    const expected = sampleCorrelationMatrix(rows.values);
    expect(metrics.correlation.matrix[0]![1]).toBeCloseTo(expected[0]![1]!, 10);
    expect(metrics.correlation.average).toBeCloseTo(averagePairwiseCorrelation(expected), 10);
    expect(metrics.correlation.baseline).toBeNull();
    expect(flags.filter((f) => f.code === 'correlation_spike')).toEqual([]);
    // Under 20 returns nothing is shown.
    const few = new PmsMonitor();
    const q = paths(['A', 'B'], 15);
    expect(few.cycle(feed(few, q), book(1000, { A: { qty: 1, price: last(q.A!) }, B: { qty: 1, price: last(q.B!) } })).metrics.correlation.matrix).toEqual([]);
  });

  it('when fewer than two instruments are held then the matrix covers the observed ones and no correlation flag is raised', () => {
    const m = new PmsMonitor({ thresholds: { correlationChange: { info: -2 } } });
    const at = feed(m, paths(['A', 'B', 'C'], 200));
    const { metrics, flags } = m.cycle(at, book(100_000, { A: { qty: 1, price: 100 } }));
    expect(metrics.correlation.symbols).toEqual(['A', 'B', 'C']);
    expect(metrics.correlation.average).not.toBeNull();
    expect(flags.filter((f) => f.code === 'correlation_spike')).toEqual([]);
  });
});

describe('PmsMonitor flags', () => {
  const thresholds = { concentration: { warning: 0.4, critical: 0.6 } };

  it('when a flag stays raised then `since` keeps the first time, and `changed` is true only when the set changes', () => {
    const m = new PmsMonitor({ thresholds });
    // Act: 50% of NAV in A for two cycles, then 70%, then 10%, then 50% again.
    const c1 = m.cycle(T0, book(50_000, { A: { qty: 500, price: 100 } }));
    const c2 = m.cycle(T0 + 1000, book(50_000, { A: { qty: 500, price: 100 } }));
    const c3 = m.cycle(T0 + 2000, book(30_000, { A: { qty: 700, price: 100 } }));
    const c4 = m.cycle(T0 + 3000, book(90_000, { A: { qty: 100, price: 100 } }));
    const c5 = m.cycle(T0 + 4000, book(50_000, { A: { qty: 500, price: 100 } }));
    // Assert
    expect(c1.flags).toEqual([expect.objectContaining({ code: 'concentration', severity: 'warning', subject: 'A', symbol: 'A', value: 0.5, threshold: 0.4, action: 'alert', since: T0 })]);
    expect(c1.changed).toBe(true);
    expect(c2.changed).toBe(false);
    expect(c2.flags[0]!.since).toBe(T0);
    // A change of severity is a change of the set, but the same flag: since is kept.
    expect(c3.changed).toBe(true);
    expect(c3.flags[0]).toMatchObject({ severity: 'critical', action: 'force_reduce', since: T0 });
    expect(c4.flags).toEqual([]);
    expect(c4.changed).toBe(true);
    // Raised again after clearing: a new since.
    expect(c5.flags[0]!.since).toBe(T0 + 4000);
    expect(m.flags()).toEqual(c5.flags);
  });

  it('when the daily loss and VaR reach their thresholds then pnl_breach and var_breach are raised without a symbol', () => {
    const m = new PmsMonitor({ thresholds: { dailyLoss: { warning: 0.02 }, varToNav: { warning: 0.01 } } });
    const p = paths(['A'], 100, { vol: 0.01 });
    const at = feed(m, p);
    m.cycle(at, book(0, { A: { qty: 1000, price: last(p.A!) } }));
    const { flags } = m.cycle(at + 1000, book(-3000, { A: { qty: 1000, price: last(p.A!) } }));
    expect(flags.map((f) => [f.code, f.subject, f.symbol])).toEqual([
      ['pnl_breach', null, null],
      ['var_breach', 'historical 99%', null],
      ['var_breach', 'parametric 99%', null],
    ]);
  });
});

describe('PmsMonitor stress', () => {
  const groups = { 'BTC/USDT': 'crypto', 'ETH/USDT': 'crypto', SPY: 'equity' };

  it('when some held instruments have no daily history then they are listed as missing and the others are stressed over 1 and 5 days', () => {
    // Arrange: BTC with 10 daily closes; ETH and SPY without history.
    const m = new PmsMonitor({ groups });
    const closes = [100, 98, 90, 95, 97, 99, 80, 85, 110, 108];
    m.setDailyHistory('BTC/USDT', closes.map((close, d) => ({ time: T0 + d * DAY, close })).reverse(), 'candles 1d');
    const portfolio = book(100_000, { 'BTC/USDT': { qty: 1, price: 50_000 }, 'ETH/USDT': { qty: -10, price: 2000 }, SPY: { qty: 100, price: 500 } });
    // Act
    const s = m.stress(T0 + 20 * DAY, portfolio);
    // Assert
    expect(s.nav).toBe(180_000);
    expect(s.missingHistory).toEqual(['ETH/USDT', 'SPY']);
    const series = closes.map((value, d) => ({ time: T0 + d * DAY, value }));
    const one = extremeMoves(series, 1).worstFall;
    const five = extremeMoves(series, 5).worstFall;
    expect(s.historical).toEqual([
      { symbol: 'BTC/USDT', position: 50_000, horizonDays: 1, worstMove: one.move, from: one.from, to: one.to, pnl: 50_000 * one.move, source: 'candles 1d' },
      { symbol: 'BTC/USDT', position: 50_000, horizonDays: 5, worstMove: five.move, from: five.from, to: five.to, pnl: 50_000 * five.move, source: 'candles 1d' },
    ]);
    expect(one.move).toBeCloseTo(80 / 99 - 1, 12);
  });

  it('when the default and extra scenarios run then each instrument takes its own, its group or the all shock', () => {
    const m = new PmsMonitor({ groups });
    const portfolio = book(100_000, { 'BTC/USDT': { qty: 1, price: 50_000 }, 'ETH/USDT': { qty: -10, price: 2000 }, SPY: { qty: 100, price: 500 } });
    const s = m.stress(T0, portfolio, { scenarios: [{ name: 'BTC −50%, rest −5%', all: -0.05, shocks: { 'BTC/USDT': -0.5 } }] });
    const pnl = Object.fromEntries(s.scenarios.map((x) => [x.name, x.pnl]));
    expect(pnl['all −10%']).toBeCloseTo(-0.1 * (50_000 - 20_000 + 50_000), 9);
    expect(pnl['crypto −30%']).toBeCloseTo(-0.3 * (50_000 - 20_000), 9);
    expect(pnl['equity −20%']).toBeCloseTo(-0.2 * 50_000, 9);
    expect(pnl['BTC −50%, rest −5%']).toBeCloseTo(-25_000 + 1000 - 2500, 9);
    expect(s.scenarios[1]!.pnlPctNav).toBeCloseTo(-9000 / 180_000, 12);
    expect(s.scenarios[1]!.instruments.find((i) => i.symbol === 'SPY')!.shock).toBe(0);
  });

  it('when reverse stress runs then the uniform move loses each fraction of NAV through the net exposure', () => {
    const m = new PmsMonitor();
    const portfolio = book(20_000, { A: { qty: 100, price: 1000 } });
    const s = m.stress(T0, portfolio, { lossFractions: [0.1, 2] });
    expect(s.reverse.map((r) => [r.lossFraction, r.loss, r.uniformMove, r.feasible])).toEqual([
      [0.1, 12_000, -0.12, true],
      [2, 240_000, -2.4, false],
    ]);
    expect(new PmsMonitor().stress(T0, book(1000, {})).reverse.map((r) => r.uniformMove)).toEqual([null, null, null]);
    expect(new PmsMonitor().stress(T0, book(-1000, {})).reverse).toEqual([]);
  });

  it('when daily history is too short for 5 days then only the 1-day move is given', () => {
    const m = new PmsMonitor();
    m.setDailyHistory('A', [100, 90, 95].map((close, d) => ({ time: T0 + d * DAY, close })), 'csv');
    const s = m.stress(T0, book(0, { A: { qty: 1, price: 100 } }));
    expect(s.historical.map((h) => h.horizonDays)).toEqual([1]);
    expect(s.missingHistory).toEqual([]);
  });
});

describe('PmsMonitor impact', () => {
  it('when an order is tried then position, share of NAV, gross exposure, leverage and VaR are given before and after a fill at its price', () => {
    // Arrange
    const m = new PmsMonitor(quiet);
    const p = paths(['A', 'B'], 120);
    const at = feed(m, p);
    const a = last(p.A!);
    const b = last(p.B!);
    const portfolio = book(100_000, { A: { qty: 100, price: a } });
    const { metrics } = m.cycle(at, portfolio);
    // Act: buy 50 B at its mark.
    const { before, after } = m.impact(portfolio, 'B', 50, b);
    // Assert
    const nav = 100_000 + 100 * a;
    expect(before).toMatchObject({ positionQty: 0, positionPctNav: 0, grossExposure: 100 * a });
    expect(before.var99).toBeCloseTo(metrics.var.find((v) => v.method === 'parametric' && v.confidence === 0.99)!.var, 8);
    expect(after.positionQty).toBe(50);
    expect(after.positionPctNav).toBeCloseTo((50 * b) / nav, 12);
    expect(after.grossExposure).toBeCloseTo(100 * a + 50 * b, 9);
    expect(after.leverage).toBeCloseTo((100 * a + 50 * b) / nav, 12);
    const panel = alignedReturns({ A: seriesOf(p.A!), B: seriesOf(p.B!) });
    const ref = parametricVaR({ A: 100 * a, B: 50 * b }, { symbols: ['A', 'B'], matrix: sampleCovarianceMatrix(panel.values) }, 0.99);
    expect(after.var99).toBeCloseTo(ref.valueAtRisk * SQRT_DAY, 8);
  });

  it('when the instrument has too few returns then VaR is null; when the quantity or price is bad then the book is unchanged', () => {
    const m = new PmsMonitor(quiet);
    const at = feed(m, paths(['A'], 100));
    m.observePrices(at, { NEW: 10 });
    const portfolio = book(100_000, { A: { qty: 10, price: 100 } });
    const r = m.impact(portfolio, 'NEW', 5, 10);
    expect(r.before.var99).not.toBeNull();
    expect(r.after.var99).toBeNull();
    expect(m.impact(portfolio, 'A', Number.NaN, 100).after).toEqual(m.impact(portfolio, 'A', 0, 100).before);
    expect(m.impact(portfolio, 'A', 5, 0).after.positionQty).toBe(10);
    // Selling the whole position: flat book, no VaR left.
    expect(m.impact(portfolio, 'A', -10, 100).after).toMatchObject({ positionQty: 0, grossExposure: 0, var99: 0 });
  });
});

describe('PmsMonitor config', () => {
  it('when the config is invalid then construction says what is wrong', () => {
    expect(() => new PmsMonitor({ returnIntervalMs: 0 })).toThrow(/returnIntervalMs/);
    expect(() => new PmsMonitor({ ewmaLambda: 1 })).toThrow(/ewmaLambda/);
    expect(() => new PmsMonitor({ thresholds: { leverage: { warning: 3, critical: 2 } } })).toThrow(/below a milder/);
    expect(resolvePmsConfig({ returnIntervalMs: 5 * MIN }).periodsPerDay).toBe(288);
  });
});
