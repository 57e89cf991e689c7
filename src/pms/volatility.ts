import { sampleStd, sampleVariance } from './stats.ts';
import { MIN_VOL_HISTORY, volatilityKnown } from '../core/volatility-known.ts';

/**
 * Volatility for the PMS: EWMA (RiskMetrics), sample and rolling volatility, annualisation, and the
 * volatility regime (where the current volatility sits in its own history).
 *
 * All functions take RETURNS (not prices), one per period; a volatility is per period of those
 * returns (daily returns → daily volatility) until annualised.
 */

/** RiskMetrics' decay for daily data. */
export const RISKMETRICS_LAMBDA = 0.94;
/** Default number of returns whose sample variance seeds the EWMA recursion. */
export const DEFAULT_EWMA_SEED = 20;

/** Periods per year for annualisation: 252 trading days, 365 calendar days (crypto trades daily). */
export const PERIODS_PER_YEAR = {
  tradingDays: 252,
  calendarDays: 365,
  weeks: 52,
  months: 12,
  /** 1-minute bars around the clock (crypto): 365 × 24 × 60. */
  cryptoMinutes: 525_600,
} as const;

export interface EwmaOptions {
  /** Decay λ in (0, 1); default 0.94 (RiskMetrics daily). */
  lambda?: number;
  /** N, the number of leading returns whose sample variance seeds the recursion; ≥ 2, default 20. */
  seedCount?: number;
}

export function resolveEwma(opts: EwmaOptions | undefined, available: number): { lambda: number; seedCount: number } {
  const lambda = opts?.lambda ?? RISKMETRICS_LAMBDA;
  const seedCount = opts?.seedCount ?? DEFAULT_EWMA_SEED;
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`EWMA lambda must be in (0, 1), got ${lambda}`);
  if (!Number.isInteger(seedCount) || seedCount < 2) throw new RangeError(`EWMA seedCount must be an integer ≥ 2, got ${seedCount}`);
  if (available < seedCount) throw new RangeError(`EWMA needs at least seedCount = ${seedCount} returns, got ${available}`);
  return { lambda, seedCount };
}

/**
 * EWMA variance path, RiskMetrics convention:
 *
 *   σ²_N = sample variance (n − 1 divisor, around the sample mean) of r₁ … r_N      (the seed)
 *   σ²_t = λ·σ²_{t−1} + (1 − λ)·r_t²   for t = N+1 … n      (zero-mean update, as RiskMetrics)
 *
 * σ²_t is the estimate after observing r_t, i.e. the forecast of the variance of r_{t+1}.
 * Returns [σ²_N, σ²_{N+1}, …, σ²_n]: n − N + 1 values, the last one being the current estimate.
 */
export function ewmaVariancePath(returns: readonly number[], opts?: EwmaOptions): number[] {
  const { lambda, seedCount } = resolveEwma(opts, returns.length);
  let v = sampleVariance(returns.slice(0, seedCount));
  const out = [v];
  for (let t = seedCount; t < returns.length; t++) {
    const r = returns[t]!;
    if (!Number.isFinite(r)) throw new RangeError(`returns[${t}] is not a finite number`);
    v = lambda * v + (1 - lambda) * r * r;
    out.push(v);
  }
  return out;
}

/** Current EWMA variance (last value of `ewmaVariancePath`). */
export function ewmaVariance(returns: readonly number[], opts?: EwmaOptions): number {
  const path = ewmaVariancePath(returns, opts);
  return path[path.length - 1]!;
}

/** Current EWMA volatility √σ²_n, per period of the returns. */
export function ewmaVolatility(returns: readonly number[], opts?: EwmaOptions): number {
  return Math.sqrt(ewmaVariance(returns, opts));
}

/** Sample volatility (n − 1 divisor) of all the returns. */
export function sampleVolatility(returns: readonly number[]): number {
  return sampleStd(returns);
}

/**
 * Rolling sample volatility over `window` returns: value k is the volatility of returns
 * k … k + window − 1 (so n returns give n − window + 1 values, the last one the current).
 */
export function rollingVolatility(returns: readonly number[], window: number): number[] {
  if (!Number.isInteger(window) || window < 2) throw new RangeError(`window must be an integer ≥ 2, got ${window}`);
  const out: number[] = [];
  for (let end = window; end <= returns.length; end++) out.push(sampleStd(returns.slice(end - window, end)));
  return out;
}

/** Per-period volatility → annual: σ·√periodsPerYear (square root of time, i.i.d. returns). */
export function annualiseVolatility(periodVol: number, periodsPerYear: number): number {
  if (!(periodsPerYear > 0)) throw new RangeError(`periodsPerYear must be > 0, got ${periodsPerYear}`);
  return periodVol * Math.sqrt(periodsPerYear);
}

/** Annual volatility → per period: σ_annual / √periodsPerYear. */
export function deannualiseVolatility(annualVol: number, periodsPerYear: number): number {
  if (!(periodsPerYear > 0)) throw new RangeError(`periodsPerYear must be > 0, got ${periodsPerYear}`);
  return annualVol / Math.sqrt(periodsPerYear);
}

/** Volatility over `periods` periods: σ·√periods (e.g. 1-day → 10-day). */
export function scaleVolatility(periodVol: number, periods: number): number {
  if (!(periods >= 0)) throw new RangeError(`periods must be ≥ 0, got ${periods}`);
  return periodVol * Math.sqrt(periods);
}

export type VolatilityRegimeLabel = 'low' | 'normal' | 'high';

export interface VolatilityRegimeOptions {
  /** Percentile strictly below which the regime is 'low'; default 0.25. */
  low?: number;
  /** Percentile strictly above which the regime is 'high'; default 0.75. */
  high?: number;
  /** Compare with at most this many earlier rolling values (the most recent ones); default all. */
  lookback?: number;
}

/** The shared rule (src/core/volatility-known.ts): the PMS regime exists exactly when volatility is known. */
export const MIN_REGIME_HISTORY = MIN_VOL_HISTORY;

/** True when `returns` returns give a regime with enough history (capped at the lookback ranked). */
export function hasRegimeHistory(returns: number, window: number, lookback = Number.POSITIVE_INFINITY): boolean {
  return volatilityKnown(returns, window, lookback);
}

export interface VolatilityRegime {
  /** The current rolling volatility (sample, over the last `window` returns), per period. */
  current: number;
  /** Where `current` sits among the earlier rolling volatilities, 0..1 (see `volatilityRegime`). */
  percentile: number;
  label: VolatilityRegimeLabel;
  window: number;
  /** How many earlier rolling values the percentile was taken against. */
  historyCount: number;
}

/**
 * The volatility regime of a return series. The rolling sample volatility over `window` returns
 * gives v₀ … v_m; the current one is v_m and its percentile is its mid-rank among the EARLIER values
 * (the last `lookback` of v₀ … v_{m−1}):
 *
 *   percentile = (#{v_k < v_m} + ½·#{v_k = v_m}) / count
 *
 * so a new high is 1, a new low 0 and a flat history 0.5. Label: 'low' when percentile < low
 * (0.25), 'high' when > high (0.75), else 'normal'. Needs at least window + 1 returns.
 */
export function volatilityRegime(returns: readonly number[], window: number, opts?: VolatilityRegimeOptions): VolatilityRegime {
  const low = opts?.low ?? 0.25;
  const high = opts?.high ?? 0.75;
  if (!(low >= 0 && low <= high && high <= 1)) throw new RangeError(`regime bounds need 0 ≤ low ≤ high ≤ 1, got ${low}, ${high}`);
  const rolling = rollingVolatility(returns, window);
  if (rolling.length < 2) throw new RangeError(`volatilityRegime needs at least window + 1 = ${window + 1} returns, got ${returns.length}`);
  const current = rolling[rolling.length - 1]!;
  let history = rolling.slice(0, -1);
  if (opts?.lookback !== undefined) {
    if (!Number.isInteger(opts.lookback) || opts.lookback < 1) throw new RangeError(`lookback must be an integer ≥ 1, got ${opts.lookback}`);
    history = history.slice(-opts.lookback);
  }
  let below = 0;
  let equal = 0;
  for (const v of history) {
    if (v < current) below++;
    else if (v === current) equal++;
  }
  const percentile = (below + 0.5 * equal) / history.length;
  const label: VolatilityRegimeLabel = percentile < low ? 'low' : percentile > high ? 'high' : 'normal';
  return { current, percentile, label, window, historyCount: history.length };
}
