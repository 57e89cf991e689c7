import { badInput } from './errors.ts';
import type { Mat } from './linalg.ts';
import { matVec } from './linalg.ts';

/** Allocation rules that need no optimiser. */

export function equalWeight(n: number): number[] {
  if (n <= 0) throw badInput('equal weight needs at least one asset');
  return new Array<number>(n).fill(1 / n);
}

/** w_i ∝ 1/σ_i. */
export function inverseVolatility(cov: Mat): number[] {
  const inv = cov.map((r, i) => {
    const v = r[i]!;
    if (!(v > 0) || !Number.isFinite(v)) throw badInput(`asset ${i} has variance ${v}: inverse volatility needs positive variances`);
    return 1 / Math.sqrt(v);
  });
  const s = inv.reduce((a, x) => a + x, 0);
  return inv.map((x) => x / s);
}

/**
 * Signal-weighted (seed 002 phase 1): weight in proportion to each signal's score (conviction ×
 * direction). Long-only drops negative scores; long-short scales so gross exposure is 1.
 */
export function signalWeighted(scores: readonly number[], opts: { longOnly?: boolean } = {}): number[] {
  const longOnly = opts.longOnly ?? true;
  scores.forEach((s, i) => {
    if (!Number.isFinite(s)) throw badInput(`signal score ${i} is ${s}`);
  });
  const used = longOnly ? scores.map((s) => Math.max(s, 0)) : [...scores];
  const gross = used.reduce((a, x) => a + Math.abs(x), 0);
  if (gross === 0) return used.map(() => 0);
  return used.map((x) => x / gross);
}

/** Each asset's share of portfolio variance: w_i (Σw)_i / w'Σw. */
export function riskContributions(w: readonly number[], cov: Mat): number[] {
  const sw = matVec(cov, w);
  const total = w.reduce((a, x, i) => a + x * sw[i]!, 0);
  return w.map((x, i) => (x * sw[i]!) / total);
}

/**
 * Euler decomposition of portfolio volatility: σ_p = √(w'Σw), and each asset's contribution
 * c_i = w_i (Σw)_i / σ_p, which sum to σ_p (volatility is homogeneous of degree 1 in w); the share
 * c_i / σ_p sums to 1 and is negative for a hedge. A book with no variance has no contributions.
 */
export function volatilityContributions(w: readonly number[], cov: Mat): { volatility: number; contributions: number[]; shares: number[] } {
  const sw = matVec(cov, w);
  const variance = w.reduce((a, x, i) => a + x * sw[i]!, 0);
  if (!(variance > 0)) return { volatility: 0, contributions: w.map(() => 0), shares: w.map(() => 0) };
  const vol = Math.sqrt(variance);
  const contributions = w.map((x, i) => (x * sw[i]!) / vol);
  return { volatility: vol, contributions, shares: contributions.map((c) => c / vol) };
}

/**
 * Risk parity (equal risk contribution, or contributions in proportion to `budgets`): long-only
 * weights whose risk contributions match the budgets. Solved by cyclical coordinate descent on
 * ½y'Σy − Σ b_i ln y_i (Griveau-Billion, Richard & Roncalli 2013), which is convex and whose
 * minimiser, normalised, is the ERC portfolio; each coordinate step is a closed-form root.
 */
export function riskParity(cov: Mat, budgets?: readonly number[], opts: { tolerance?: number; maxSweeps?: number } = {}): number[] {
  const n = cov.length;
  if (n === 0) throw badInput('risk parity needs at least one asset');
  const b = budgets ? [...budgets] : new Array<number>(n).fill(1 / n);
  if (b.length !== n || b.some((x) => !(x > 0))) throw badInput('risk budgets must be positive, one per asset');
  const bs = b.reduce((a, x) => a + x, 0);
  for (let i = 0; i < n; i++) {
    b[i]! /= bs;
    if (!(cov[i]![i]! > 0)) throw badInput(`asset ${i} has no variance: risk parity is undefined`);
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) y[i] = 1 / Math.sqrt(cov[i]![i]!) / n;
  const sy = matVec(cov, y);
  const tol = opts.tolerance ?? 1e-12;
  const sweeps = opts.maxSweeps ?? 10_000;
  for (let s = 0; s < sweeps; s++) {
    let change = 0;
    for (let i = 0; i < n; i++) {
      const sii = cov[i]![i]!;
      const rest = sy[i]! - sii * y[i]!;
      const yi = (-rest + Math.sqrt(rest * rest + 4 * sii * b[i]!)) / (2 * sii);
      const d = yi - y[i]!;
      if (d !== 0) {
        for (let k = 0; k < n; k++) sy[k]! += cov[k]![i]! * d;
        y[i] = yi;
        change = Math.max(change, Math.abs(d) / yi);
      }
    }
    if (change < tol) break;
  }
  const total = y.reduce((a, x) => a + x, 0);
  return y.map((x) => x / total);
}
