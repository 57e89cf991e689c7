import { badInput } from './errors.ts';
import type { Frame } from './frame.ts';
import { returnsFromPrices } from './frame.ts';
import type { Mat } from './linalg.ts';
import { checkCovariance, matMul, matVec, solveLinear, solveMatrix, transpose } from './linalg.ts';
import { TRADING_DAYS } from './expected-returns.ts';

/**
 * Black-Litterman (1992), in He & Litterman's form: a prior (market-implied, equal or none), views
 * as P·μ = Q with uncertainty Ω (τ·diag(PΣPᵀ) by default, or from Idzorek's confidences), and the
 * posterior returns and covariance that blend them.
 */

/** δ = (E[R_m] − rf) / Var(R_m) from market prices (arithmetic mean and ddof-1 variance, annualised). */
export function marketImpliedRiskAversion(marketPrices: Frame, riskFreeRate = 0.02, frequency = TRADING_DAYS): number {
  if (marketPrices.tickers.length !== 1) throw badInput('market prices must have exactly one column');
  const r = returnsFromPrices(marketPrices).columns[0]!.filter((v) => !Number.isNaN(v));
  if (r.length < 2) throw badInput('market prices need at least 3 rows for a return variance');
  let m = 0;
  for (const v of r) m += v;
  m /= r.length;
  let s = 0;
  for (const v of r) s += (v - m) ** 2;
  const variance = s / (r.length - 1);
  if (!(variance > 0)) throw badInput('the market return has no variance');
  return (m * frequency - riskFreeRate) / (variance * frequency);
}

/** Prior returns the market is implicitly pricing: π = δ Σ w_mkt + rf, w_mkt ∝ market caps. */
export function marketImpliedPriorReturns(marketCaps: readonly number[], riskAversion: number, cov: Mat, riskFreeRate = 0.02): number[] {
  checkCovariance(cov, marketCaps.length);
  const total = marketCaps.reduce((a, x) => a + x, 0);
  if (!(total > 0) || marketCaps.some((c) => !(c >= 0))) throw badInput('market caps must be non-negative with a positive total');
  const w = marketCaps.map((c) => c / total);
  return matVec(cov, w).map((v) => riskAversion * v + riskFreeRate);
}

export interface BlackLittermanInput {
  tickers: readonly string[];
  cov: Mat;
  /** Prior returns, 'equal' (1/n each) or null (zero). */
  pi: readonly number[] | 'equal' | null;
  /** Absolute views {ticker: expected return}. */
  absoluteViews?: Readonly<Record<string, number>>;
  /** General (e.g. relative) views: rows of P and Q; a row of +1/−1 says "A beats B by q". */
  P?: Mat;
  Q?: readonly number[];
  tau?: number;
  /** Idzorek confidences in [0, 1], one per view (absolute views first, in key order). */
  viewConfidences?: readonly number[];
  /** An explicit Ω (k×k); otherwise default or Idzorek. */
  omega?: Mat;
}

export interface BlackLittermanResult {
  posteriorReturns: number[];
  posteriorCov: Mat;
  P: Mat;
  Q: number[];
  omega: Mat;
}

export function blackLitterman(input: BlackLittermanInput): BlackLittermanResult {
  const n = input.tickers.length;
  const S = input.cov;
  checkCovariance(S, n);
  const tau = input.tau ?? 0.05;
  if (!(tau > 0 && tau <= 1)) throw badInput(`tau must be in (0, 1], got ${tau}`);
  const pi = input.pi === 'equal' ? new Array<number>(n).fill(1 / n) : input.pi === null ? new Array<number>(n).fill(0) : [...input.pi];
  if (pi.length !== n || pi.some((v) => !Number.isFinite(v))) throw badInput(`the prior needs ${n} finite returns`);
  const P: Mat = [];
  const Q: number[] = [];
  for (const [tk, q] of Object.entries(input.absoluteViews ?? {})) {
    const i = input.tickers.indexOf(tk);
    if (i < 0) throw badInput(`a view names ${tk}, which is not among the assets`);
    if (!Number.isFinite(q)) throw badInput(`the view on ${tk} is ${q}`);
    P.push(input.tickers.map((_, j) => (j === i ? 1 : 0)));
    Q.push(q);
  }
  if (input.P || input.Q) {
    if (!input.P || !input.Q || input.P.length !== input.Q.length) throw badInput('relative views need P and Q with one row per view');
    input.P.forEach((row) => {
      if (row.length !== n) throw badInput(`a view row has ${row.length} entries for ${n} assets`);
      P.push([...row]);
    });
    Q.push(...input.Q);
  }
  const k = P.length;
  if (k === 0) throw badInput('Black-Litterman needs at least one view');
  const tauS = S.map((r) => r.map((v) => v * tau));
  const tauSPt = matMul(tauS, transpose(P)); // n×k
  const PtauSPt = matMul(P, tauSPt); // k×k
  let omega: Mat;
  if (input.omega) {
    if (input.omega.length !== k) throw badInput(`omega must be ${k}×${k}`);
    omega = input.omega.map((r) => [...r]);
  } else if (input.viewConfidences) {
    if (input.viewConfidences.length !== k) throw badInput(`${input.viewConfidences.length} confidences for ${k} views`);
    // Idzorek (2005) in closed form (Walters): ω_k = τ·α_k·p_kΣp_kᵀ with α = (1 − c)/c.
    omega = P.map((_, a) => P.map((__, b) => {
      if (a !== b) return 0;
      const c = input.viewConfidences![a]!;
      if (!(c >= 0 && c <= 1)) throw badInput(`view confidence ${a} must be in [0, 1], got ${c}`);
      if (c === 0) return 1e6;
      return ((1 - c) / c) * PtauSPt[a]![a]!;
    }));
  } else {
    omega = P.map((_, a) => P.map((__, b) => (a === b ? PtauSPt[a]![a]! : 0)));
  }
  // post = π + τΣPᵀ (PτΣPᵀ + Ω)⁻¹ (Q − Pπ): no Ω⁻¹, so a view held with certainty (Ω = 0) works.
  const A = PtauSPt.map((r, a) => r.map((v, b) => v + omega[a]![b]!));
  const resid = Q.map((q, a) => q - P[a]!.reduce((s, p, j) => s + p * pi[j]!, 0));
  const x = solveLinear(A, resid, 'the view matrix PτΣPᵀ + Ω');
  const post = pi.map((p, i) => p + tauSPt[i]!.reduce((s, v, a) => s + v * x[a]!, 0));
  // Σ_post = Σ + τΣ − τΣPᵀ (PτΣPᵀ + Ω)⁻¹ PτΣ.
  const M = solveMatrix(A, transpose(tauSPt), 'the view matrix PτΣPᵀ + Ω'); // k×n
  const corr = matMul(tauSPt, M);
  const raw = S.map((r, i) => r.map((v, j) => v + tauS[i]![j]! - corr[i]![j]!));
  const postCov = raw.map((r, i) => r.map((v, j) => (v + raw[j]![i]!) / 2));
  return { posteriorReturns: post, posteriorCov: postCov, P, Q, omega };
}

/** Implied weights: w ∝ (δΣ)⁻¹ μ_post, normalised to sum 1 (PyPortfolioOpt bl_weights). */
export function blackLittermanWeights(cov: Mat, posteriorReturns: readonly number[], riskAversion = 1): number[] {
  if (!(riskAversion > 0)) throw badInput(`risk aversion must be positive, got ${riskAversion}`);
  const raw = solveLinear(
    cov.map((r) => r.map((v) => v * riskAversion)),
    posteriorReturns,
    'the covariance matrix',
  );
  const s = raw.reduce((a, x) => a + x, 0);
  if (Math.abs(s) < 1e-15) throw badInput('the implied weights sum to zero and cannot be normalised');
  return raw.map((x) => x / s);
}
