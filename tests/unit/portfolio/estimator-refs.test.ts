import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expCov, ledoitWolf, oracleApproximating, semicovariance } from '../../../src/portfolio/risk-models.ts';
import type { Mat } from '../../../src/portfolio/linalg.ts';
import { stockPrices } from './fixtures.ts';

/**
 * The covariance estimators that PyPortfolioOpt's own tests (tests/test_risk_models.py, v1.5.6)
 * check only by shape, sign and positive semidefiniteness, here checked number by number on the
 * same data (stock_prices.csv, 20 tickers × 7,126 days) against estimator_refs.json. Those values
 * were computed outside this code base by tests/fixtures/pypfopt/estimator_refs.py: scikit-learn's
 * ledoit_wolf and oas (the library PyPortfolioOpt delegates to), pandas' pairwise covariance and
 * ewm, and the single-factor and constant-correlation intensities evaluated term by term from
 * Ledoit & Wolf (2003, 2004) with numpy. Its docstring states the source of each value.
 */

interface Ref {
  cov: number[][];
  delta?: number;
}
const refs = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/pypfopt/estimator_refs.json', import.meta.url)), 'utf8')) as {
  tickers: string[];
  frequency: number;
  cases: Record<string, Ref>;
};

const RTOL = 1e-8;

/** Every entry within 1e-8 relative, |a − e| ≤ 1e-8·|e| (measured: the worst entry agrees to ~1e-14). */
function expectMatrix(actual: Mat, expected: number[][], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  actual.forEach((row, i) =>
    row.forEach((a, j) => {
      const e = expected[i]![j]!;
      worst = Math.max(worst, Math.abs(a - e) / Math.abs(e));
    }),
  );
  expect(worst, `${what}: worst relative error`).toBeLessThanOrEqual(RTOL);
}

function expectDelta(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected) / Math.abs(expected), `${what}: shrinkage intensity`).toBeLessThanOrEqual(RTOL);
}

describe('risk models against independent references on PyPortfolioOpt\'s data (1e-8 relative)', () => {
  it('the reference file is for the same tickers, in the same order, annualised by 252', () => {
    expect(refs.tickers).toEqual(stockPrices().tickers);
    expect(refs.frequency).toBe(252);
  });

  it('Ledoit-Wolf, constant variance target: scikit-learn ledoit_wolf on zero-filled returns × 252', () => {
    const r = refs.cases['ledoit_wolf_constant_variance']!;
    const got = ledoitWolf(stockPrices(), { target: 'constant_variance' });
    expectDelta(got.delta, r.delta!, 'constant variance');
    expectMatrix(got.cov, r.cov, 'constant variance');
  });

  it('Ledoit-Wolf, single-factor target: Ledoit & Wolf (2003) appendix B, equal-weighted market', () => {
    const r = refs.cases['ledoit_wolf_single_factor']!;
    const got = ledoitWolf(stockPrices(), { target: 'single_factor' });
    expectDelta(got.delta, r.delta!, 'single factor');
    expectMatrix(got.cov, r.cov, 'single factor');
  });

  it('Ledoit-Wolf, constant-correlation target: Ledoit & Wolf (2004) on the pairwise sample covariance', () => {
    const r = refs.cases['ledoit_wolf_constant_correlation']!;
    const got = ledoitWolf(stockPrices(), { target: 'constant_correlation' });
    expectDelta(got.delta, r.delta!, 'constant correlation');
    expectMatrix(got.cov, r.cov, 'constant correlation');
  });

  it('oracle approximating shrinkage: scikit-learn oas on zero-filled returns × 252', () => {
    const r = refs.cases['oracle_approximating']!;
    const got = oracleApproximating(stockPrices());
    expectDelta(got.delta, r.delta!, 'oracle approximating');
    expectMatrix(got.cov, r.cov, 'oracle approximating');
  });

  it('exponentially weighted covariance, span 180 (the default) and 30: pandas ewm per pair × 252', () => {
    expectMatrix(expCov(stockPrices()), refs.cases['exp_cov_span_180']!.cov, 'exp cov span 180');
    expectMatrix(expCov(stockPrices(), { span: 30 }), refs.cases['exp_cov_span_30']!.cov, 'exp cov span 30');
  });

  it('semicovariance with the default benchmark 0.000079 and with 0', () => {
    expectMatrix(semicovariance(stockPrices()), refs.cases['semicovariance_default_benchmark']!.cov, 'semicovariance b=0.000079');
    expectMatrix(semicovariance(stockPrices(), { benchmark: 0 }), refs.cases['semicovariance_benchmark_0']!.cov, 'semicovariance b=0');
  });

  it('frequency scales every estimator linearly (PyPortfolioOpt: frequency=2 gives S/126)', () => {
    const p = stockPrices();
    const pairs: [Mat, Mat][] = [
      [ledoitWolf(p).cov, ledoitWolf(p, { frequency: 2 }).cov],
      [oracleApproximating(p).cov, oracleApproximating(p, { frequency: 2 }).cov],
      [expCov(p), expCov(p, { frequency: 2 })],
      [semicovariance(p), semicovariance(p, { frequency: 2 })],
    ];
    for (const [annual, f2] of pairs) expectMatrix(f2, annual.map((row) => row.map((v) => v / 126)), 'frequency 2');
  });

  it('a very negative benchmark leaves no shortfall: the semicovariance is zero (PyPortfolioOpt, atol 1e-4)', () => {
    for (const v of semicovariance(stockPrices(), { benchmark: -0.5 }).flat()) expect(Math.abs(v)).toBeLessThan(1e-4);
  });
});
