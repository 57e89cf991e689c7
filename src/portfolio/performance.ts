import type { Mat } from './linalg.ts';
import { dot, quadForm } from './linalg.ts';

/** Expected return, volatility and Sharpe ratio of weights (PyPortfolioOpt's portfolio_performance). */
export interface Performance {
  expectedReturn: number;
  volatility: number;
  sharpe: number;
}

export function portfolioPerformance(w: readonly number[], mu: readonly number[], cov: Mat, riskFreeRate = 0.02): Performance {
  const expectedReturn = dot(w, mu);
  const volatility = Math.sqrt(Math.max(quadForm(cov, w), 0));
  return { expectedReturn, volatility, sharpe: (expectedReturn - riskFreeRate) / volatility };
}

/** w'Σw. */
export function portfolioVariance(w: readonly number[], cov: Mat): number {
  return quadForm(cov, w);
}

/** Ex-ante tracking error in variance form: (w − b)'Σ(w − b). */
export function exAnteTrackingError(w: readonly number[], cov: Mat, benchmark: readonly number[]): number {
  return quadForm(
    cov,
    w.map((x, i) => x - benchmark[i]!),
  );
}

/** Zero weights below the cutoff in magnitude, then round (PyPortfolioOpt clean_weights: 1e-4, 5 dp). */
export function cleanWeights(w: readonly number[], cutoff = 1e-4, decimals = 5): number[] {
  const k = 10 ** decimals;
  return w.map((x) => {
    if (Math.abs(x) < cutoff) return 0;
    const r = Math.round(Math.abs(x) * k) / k;
    return x < 0 ? -r : r;
  });
}

/** Weights keyed by ticker. */
export function byTicker(tickers: readonly string[], w: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  tickers.forEach((t, i) => (out[t] = w[i]!));
  return out;
}
