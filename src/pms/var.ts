import { ewmaCovarianceMatrix, sampleCovarianceMatrix } from './correlation.ts';
import type { Matrix } from './correlation.ts';
import type { Panel, ReturnKind } from './returns.ts';
import { normalPdf, normalQuantile, quantileSorted } from './stats.ts';
import type { EwmaOptions } from './volatility.ts';

/**
 * 1-period Value at Risk and Expected Shortfall of a portfolio, historical and parametric.
 *
 * Positions are SIGNED market values per instrument in account currency (long > 0, short < 0).
 * Losses are reported as POSITIVE numbers in account currency; a negative VaR means even the
 * α-quantile scenario is a gain. The horizon is the period of the returns given (daily returns →
 * 1-day VaR).
 */

/** Signed market value per instrument, account currency. */
export type Positions = Readonly<Record<string, number>>;

export interface RiskEstimate {
  /** α, e.g. 0.95 or 0.99. */
  confidence: number;
  /** Loss not exceeded with probability α, positive = loss. */
  valueAtRisk: number;
  /** Mean loss in the tail at or beyond VaR, positive = loss; ≥ valueAtRisk. */
  expectedShortfall: number;
}

export interface HistoricalRiskEstimate extends RiskEstimate {
  method: 'historical';
  /** Number of scenarios (return rows) replayed. */
  scenarios: number;
  /** Number of scenarios whose loss is ≥ VaR (the ES average). */
  tailCount: number;
}

export interface ParametricRiskEstimate extends RiskEstimate {
  method: 'parametric';
  /** Standard deviation of the portfolio P&L, account currency: √(vᵀΣv). */
  sigma: number;
  /** z_α, the standard normal quantile. */
  z: number;
}

/** A covariance matrix of per-period returns, rows and columns in `symbols` order. */
export interface CovarianceInput {
  symbols: readonly string[];
  matrix: Matrix;
}

export const DEFAULT_CONFIDENCE_LEVELS = [0.95, 0.99] as const;

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

/**
 * The position vector in `symbols` order. Instruments of `symbols` without a position count as 0;
 * a non-zero position on an instrument absent from `symbols` throws (its risk would be silently lost).
 */
export function positionVector(positions: Positions, symbols: readonly string[]): number[] {
  for (const [s, v] of Object.entries(positions)) {
    if (!Number.isFinite(v)) throw new RangeError(`position ${s} is not a finite number: ${String(v)}`);
    if (v !== 0 && !symbols.includes(s)) throw new RangeError(`no return history for position ${s}`);
  }
  return symbols.map((s) => positions[s] ?? 0);
}

/**
 * P&L of the current positions under each historical scenario: Σ_i v_i·r_i with simple returns, or
 * Σ_i v_i·(e^{r_i} − 1) when the panel holds log returns.
 */
export function scenarioPnl(positions: Positions, returns: Panel, kind: ReturnKind = 'simple'): number[] {
  const v = positionVector(positions, returns.symbols);
  return returns.values.map((row, k) => {
    let pnl = 0;
    for (let j = 0; j < v.length; j++) {
      const r = row[j];
      if (r === undefined || !Number.isFinite(r)) throw new RangeError(`return of ${returns.symbols[j]} at row ${k} is not finite`);
      pnl += v[j]! * (kind === 'log' ? Math.expm1(r) : r);
    }
    return pnl;
  });
}

/**
 * Historical VaR and ES from a list of scenario losses (positive = loss).
 *
 * VaR_α = the α-quantile of the losses with numpy's default 'linear' interpolation, i.e. exactly
 * `numpy.quantile(losses, α)` (see `quantileLinear`). ES_α = the mean of the losses ≥ VaR_α, computed
 * as VaR + mean excess so that ES ≥ VaR holds in floating point too.
 * e.g. losses [−2, −1, 0, 1, 2, 3, 4, 5, 6, 10], α = 0.95: h = 8.55, VaR = 10 − 4·0.45 = 8.2, ES = 10.
 */
export function historicalFromLosses(losses: readonly number[], confidence: number): HistoricalRiskEstimate {
  checkConfidence(confidence);
  if (losses.length === 0) throw new RangeError('historical VaR needs at least one scenario');
  return historicalFromSorted(sortLosses(losses), confidence);
}

/**
 * The losses in ascending order, for `historicalFromSorted`: a typed array's numeric sort, without
 * a comparator call per comparison (the PMS sorts thousands of scenarios per cycle while a position
 * is held; the comparator was most of a replay's time). It differs from `sort((a, b) => a - b)` only
 * in putting −0 before 0, which no figure below can tell (each ends with `+ 0`).
 */
export function sortLosses(losses: readonly number[]): Float64Array {
  for (const l of losses) if (Number.isNaN(l)) throw new RangeError('a scenario loss is NaN');
  return Float64Array.from(losses).sort();
}

/**
 * What `sortLosses` gives for the simple-return scenarios of ONE position of value `v`
 * (losses −(0 + v·r), as scenarioPnl and the negation compute them), from its returns sorted
 * ascending, in one pass instead of a sort: rounding keeps v·r monotone in r, so the losses are
 * in order walking the returns down (v ≥ 0) or up (v < 0). A book of one instrument re-sorted its
 * scenarios on every cycle because the mark moved; the returns' order only changes with a sample.
 */
export function sortedLossesOfOne(v: number, sortedReturns: Float64Array): Float64Array {
  const n = sortedReturns.length;
  const out = new Float64Array(n);
  if (v >= 0) for (let k = 0; k < n; k++) out[k] = -(0 + v * sortedReturns[n - 1 - k]!);
  else for (let k = 0; k < n; k++) out[k] = -(0 + v * sortedReturns[k]!);
  return out;
}

/** `historicalFromLosses` over losses already sorted by `sortLosses` (one sort for every confidence level). */
export function historicalFromSorted(sorted: Float64Array, confidence: number): HistoricalRiskEstimate {
  checkConfidence(confidence);
  if (sorted.length === 0) throw new RangeError('historical VaR needs at least one scenario');
  const valueAtRisk = quantileSorted(sorted, confidence);
  let excess = 0;
  let tailCount = 0;
  for (let i = sorted.length - 1; i >= 0 && sorted[i]! >= valueAtRisk; i--) {
    excess += sorted[i]! - valueAtRisk;
    tailCount++;
  }
  // quantileSorted never exceeds the largest loss, so the tail holds at least that one.
  const expectedShortfall = valueAtRisk + excess / tailCount;
  // `+ 0` turns the −0 of a flat book's negated P&L into 0.
  return { method: 'historical', confidence, valueAtRisk: valueAtRisk + 0, expectedShortfall: expectedShortfall + 0, scenarios: sorted.length, tailCount };
}

/**
 * Historical 1-period VaR/ES: every row of aligned historical returns is replayed on the current
 * positions (`scenarioPnl`), and the losses' empirical α-quantile is taken (`historicalFromLosses`).
 */
export function historicalVaR(positions: Positions, returns: Panel, confidence = 0.95, kind: ReturnKind = 'simple'): HistoricalRiskEstimate {
  return historicalFromLosses(
    scenarioPnl(positions, returns, kind).map((p) => -p),
    confidence,
  );
}

/** Standard deviation of the portfolio P&L, √(vᵀΣv), in account currency. */
export function portfolioSigma(positions: Positions, cov: CovarianceInput): number {
  const v = positionVector(positions, cov.symbols);
  const m = cov.matrix;
  if (m.length !== v.length || m.some((row) => row.length !== v.length)) {
    throw new RangeError(`covariance matrix must be ${v.length}×${v.length} (one row and column per symbol)`);
  }
  let s = 0;
  for (let a = 0; a < v.length; a++) for (let b = 0; b < v.length; b++) s += v[a]! * m[a]![b]! * v[b]!;
  // A valid covariance matrix gives s ≥ 0; clamp the rounding of a nearly singular one.
  return Math.sqrt(Math.max(0, s));
}

/**
 * Parametric (variance-covariance) VaR/ES, normal P&L with zero mean (RiskMetrics):
 *   σ = √(vᵀΣv),  VaR_α = z_α·σ,  ES_α = σ·φ(z_α)/(1 − α).
 * One position of value V and return volatility σ_r: VaR95 = 1.6449·σ_r·|V|, ES95 = 2.0627·σ_r·|V|,
 * VaR99 = 2.3263·σ_r·|V|, ES99 = 2.6652·σ_r·|V|.
 */
export function parametricVaR(positions: Positions, cov: CovarianceInput, confidence = 0.95): ParametricRiskEstimate {
  checkConfidence(confidence);
  const sigma = portfolioSigma(positions, cov);
  const z = normalQuantile(confidence);
  return {
    method: 'parametric',
    confidence,
    valueAtRisk: z * sigma,
    expectedShortfall: (sigma * normalPdf(z)) / (1 - confidence),
    sigma,
    z,
  };
}

export interface VarReportOptions {
  /** Confidence levels; default [0.95, 0.99]. */
  levels?: readonly number[];
  /** What the panel holds; default 'simple'. */
  returnKind?: ReturnKind;
  /** Covariance of the parametric method: 'sample' (default) or 'ewma'. */
  covariance?: 'sample' | 'ewma';
  ewma?: EwmaOptions;
}

export interface VarReport {
  historical: HistoricalRiskEstimate[];
  parametric: ParametricRiskEstimate[];
  /** The covariance the parametric figures used (of the panel's returns, as given). */
  covariance: CovarianceInput;
}

/**
 * Both methods at every level from one panel of aligned returns. The parametric covariance is taken
 * on the panel's returns as they are (for log returns it is a close approximation for small moves).
 */
export function varReport(positions: Positions, returns: Panel, opts?: VarReportOptions): VarReport {
  const levels = opts?.levels ?? DEFAULT_CONFIDENCE_LEVELS;
  const kind = opts?.returnKind ?? 'simple';
  const losses = scenarioPnl(positions, returns, kind).map((p) => -p);
  const matrix = opts?.covariance === 'ewma' ? ewmaCovarianceMatrix(returns.values, opts.ewma) : sampleCovarianceMatrix(returns.values);
  const covariance: CovarianceInput = { symbols: returns.symbols, matrix };
  const sorted = losses.length > 0 ? sortLosses(losses) : undefined;
  return {
    historical: levels.map((a) => (sorted ? historicalFromSorted(sorted, a) : historicalFromLosses(losses, a))),
    parametric: levels.map((a) => parametricVaR(positions, covariance, a)),
    covariance,
  };
}
