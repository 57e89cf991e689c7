import { describe, expect, it } from 'vitest';
import { capmReturn, emaHistoricalReturn, meanHistoricalReturn } from '../../../src/portfolio/expected-returns.ts';
import { frameFromRows, returnsFromPrices } from '../../../src/portfolio/frame.ts';
import { expCov, ledoitWolf, oracleApproximating, sampleCov, semicovariance } from '../../../src/portfolio/risk-models.ts';
import { exAnteTrackingError, portfolioVariance } from '../../../src/portfolio/performance.ts';
import { expectClose, expectDecimal, refCase, spyPrices, stockPrices } from './fixtures.ts';
import { minEigenvalue } from '../../../src/portfolio/linalg.ts';

const dummy = (rows: number[][]) => frameFromRows(rows[0]!.map((_, j) => `A${j}`), rows);

describe('expected returns against PyPortfolioOpt', () => {
  it('er_mean_dummy_compound: geometric mean of the dummy table, frequency 1', () => {
    const c = refCase('er_mean_dummy_compound');
    const inp = c.inputs as { prices_rows: number[][] };
    expectClose(meanHistoricalReturn(dummy(inp.prices_rows), { frequency: 1 }), c.expected as number[], 1e-3);
  });
  it('er_mean_dummy_arith: arithmetic mean of the dummy table', () => {
    const c = refCase('er_mean_dummy_arith');
    const inp = c.inputs as { prices_rows: number[][] };
    expectClose(meanHistoricalReturn(dummy(inp.prices_rows), { frequency: 1, compounding: false }), c.expected as number[], 1e-3);
  });
  it('er_mean_historical_real: annualised geometric mean on stock_prices.csv (pre-IPO NaNs kept)', () => {
    const c = refCase('er_mean_historical_real');
    expectDecimal(meanHistoricalReturn(stockPrices()), c.expected as number[], 6);
  });
  it('er_log_return_last and er_returns_count: log return of the last SBUX row; 7125 return rows', () => {
    const r = returnsFromPrices(stockPrices(), true);
    expect(r.dates.length).toBe(refCase('er_returns_count').expected);
    const sbux = r.columns[r.tickers.indexOf('SBUX')]!;
    expect(Math.abs(sbux[sbux.length - 1]! - (refCase('er_log_return_last').expected as number))).toBeLessThan(1.5e-7);
  });
  it('er_capm_no_benchmark: CAPM with the equal-weighted market', () => {
    expectDecimal(capmReturn(stockPrices()), refCase('er_capm_no_benchmark').expected as number[], 6);
  });
  it('er_capm_spy_benchmark: CAPM with SPY joined on the stock dates', () => {
    expectDecimal(capmReturn(stockPrices(), { marketPrices: spyPrices() }), refCase('er_capm_spy_benchmark').expected as number[], 6);
  });
  it('EMA return equals the plain mean when span is huge and the history complete', () => {
    const p = dummy([[1, 2], [1.1, 2.2], [1.21, 2.1], [1.1, 2.3]]);
    const ema = emaHistoricalReturn(p, { span: 1e12, frequency: 1, compounding: false });
    expectClose(ema, meanHistoricalReturn(p, { frequency: 1, compounding: false }), 1e-9);
  });
});

describe('risk models against PyPortfolioOpt', () => {
  it('rm_sample_cov_dummy: daily sample covariance of the dummy table', () => {
    const c = refCase('rm_sample_cov_dummy');
    const cov = sampleCov(dummy((c.inputs as { prices_rows: number[][] }).prices_rows), { frequency: 1 });
    expectClose(cov.flat(), (c.expected as number[][]).flat(), 1e-5);
  });
  it('rm_sample_cov_log_dummy: the same on log returns', () => {
    const c = refCase('rm_sample_cov_log_dummy');
    const cov = sampleCov(dummy((c.inputs as { prices_rows: number[][] }).prices_rows), { frequency: 1, logReturns: true });
    expectClose(cov.flat(), (c.expected as number[][]).flat(), 0, 1e-5);
  });
  it('obj_variance_equal_weight: w\'Σw of equal weights with the annual sample covariance', () => {
    const S = sampleCov(stockPrices());
    expect(Math.abs(portfolioVariance(new Array(20).fill(0.05), S) - (refCase('obj_variance_equal_weight').expected as number))).toBeLessThan(1.5e-7);
  });
  it('obj_variance_dummy and obj_tracking_error_ex_ante', () => {
    expect(portfolioVariance([0.4, 0.4, 0.2], [[0.5, 0, 0], [0, 0.8, 0], [0, 0, 0.9]])).toBeCloseTo(0.244, 7);
    const S = sampleCov(stockPrices());
    const w = Array.from({ length: 20 }, (_, i) => (i < 5 ? 0.2 : 0));
    expect(exAnteTrackingError(w, S, new Array(20).fill(0.05))).toBeCloseTo(refCase('obj_tracking_error_ex_ante').expected as number, 7);
  });
  it('every shrinkage estimator is symmetric, positive definite and has an intensity in [0, 1]', () => {
    const p = stockPrices();
    for (const target of ['constant_variance', 'single_factor', 'constant_correlation'] as const) {
      const { cov, delta } = ledoitWolf(p, { target });
      expect(delta, target).toBeGreaterThanOrEqual(0);
      expect(delta, target).toBeLessThanOrEqual(1);
      expect(minEigenvalue(cov), target).toBeGreaterThan(0);
      cov.forEach((r, i) => r.forEach((v, j) => expect(v).toBe(cov[j]![i]!)));
    }
    const oas = oracleApproximating(p);
    expect(oas.delta).toBeGreaterThan(0);
    expect(minEigenvalue(oas.cov)).toBeGreaterThan(0);
  });
  it('shrinkage moves the sample covariance towards its target: diagonal kept for single factor / constant correlation', () => {
    const p = stockPrices();
    const S = sampleCov(p);
    const cc = ledoitWolf(p, { target: 'constant_correlation' }).cov;
    S.forEach((r, i) => expect(cc[i]![i]!).toBeCloseTo(r[i]!, 12));
  });
  it('semicovariance counts only shortfalls below the benchmark: a series that only rises has none', () => {
    const p = dummy([[1, 1], [1.1, 0.9], [1.2, 0.95], [1.3, 0.8]]);
    const s = semicovariance(p, { benchmark: 0, frequency: 1 });
    expect(s[0]![0]).toBe(0);
    expect(s[1]![1]).toBeGreaterThan(0);
  });
  it('exponential covariance with a huge span is the population covariance (same weights for every row)', () => {
    const p = dummy([[1, 2], [1.1, 2.2], [1.21, 2.1], [1.1, 2.3], [1.2, 2.2]]);
    const e = expCov(p, { span: 1e12, frequency: 1 });
    const s = sampleCov(p, { frequency: 1 });
    const t = 4;
    expectClose(e.flat(), s.flat().map((v) => (v * (t - 1)) / t), 1e-9);
  });
});

describe('exponential covariance on the weighted cross product', () => {
  it('matches the per-pair EWM (pandas adjust=True, missing products skipped) with a pre-listing gap and a mid-series gap', () => {
    const rows: (number | null)[][] = [];
    for (let i = 0; i < 40; i++) rows.push([100 + Math.sin(i) * 3 + i * 0.1, i < 12 ? null : 50 + Math.cos(i * 0.7) * 2, i === 20 || i === 21 ? null : 10 + Math.sin(i * 1.3)]);
    const p = frameFromRows(['A', 'B', 'C'], rows);
    const span = 9;
    const got = expCov(p, { span, frequency: 1 });
    const r = returnsFromPrices(p);
    const t = r.dates.length;
    const decay = 1 - 2 / (span + 1);
    const mean = (c: Float64Array) => {
      const v = [...c].filter((x) => !Number.isNaN(x));
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        const x = r.columns[a]!;
        const y = r.columns[b]!;
        const mx = mean(x);
        const my = mean(y);
        let num = 0;
        let den = 0;
        for (let i = 0; i < t; i++) {
          const v = (x[i]! - mx) * (y[i]! - my);
          if (Number.isNaN(v)) continue;
          num += decay ** (t - 1 - i) * v;
          den += decay ** (t - 1 - i);
        }
        expect(Math.abs(got[a]![b]! - num / den)).toBeLessThanOrEqual(1e-12 * Math.abs(num / den));
      }
  });
});
