/**
 * Risk contributions (Euler allocation of portfolio variance): with Σ_ij = ρ_ij σ_i σ_j,
 *
 *   σ_p² = wᵀ Σ w,   RC_i = w_i (Σ w)_i / σ_p²   (Σ_i RC_i = 1)
 *
 * from the PMS's own figures: each instrument's EWMA volatility (annualised) and the correlation
 * matrix of the monitor's returns. An instrument without a volatility is left out and listed; a
 * pair without a correlation counts as uncorrelated and is reported, so the view can say so.
 */

export interface CorrelationInput {
  symbols: readonly string[];
  matrix: readonly (readonly number[])[];
}

export interface RiskContribution {
  symbol: string;
  weight: number;
  /** Share of the portfolio's variance, sums to 1 over the rows (can be negative for a hedge). */
  share: number;
  /** Stand-alone volatility used. */
  volatility: number;
}

export interface RiskContributions {
  rows: RiskContribution[];
  /** √(wᵀΣw), annualised like the inputs. */
  volatility: number;
  /** Weighted instruments without a volatility (left out). */
  missing: string[];
  /** A correlation of a weighted pair was unknown and taken as 0. */
  assumedUncorrelated: boolean;
}

export function riskContributions(weights: Readonly<Record<string, number>>, vols: Readonly<Record<string, number | null | undefined>>, corr: CorrelationInput | null): RiskContributions | null {
  const missing: string[] = [];
  const syms: string[] = [];
  for (const [s, w] of Object.entries(weights)) {
    if (!Number.isFinite(w) || w === 0) continue;
    const v = vols[s];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) syms.push(s);
    else missing.push(s);
  }
  if (syms.length === 0) return null;
  const idx = new Map<string, number>();
  corr?.symbols.forEach((s, i) => idx.set(s, i));
  let assumed = false;
  const rho = (a: string, b: string): number => {
    if (a === b) return 1;
    const i = idx.get(a);
    const j = idx.get(b);
    const r = i === undefined || j === undefined ? undefined : corr?.matrix[i]?.[j];
    if (typeof r === 'number' && Number.isFinite(r)) return Math.max(-1, Math.min(1, r));
    assumed = true;
    return 0;
  };
  const w = syms.map((s) => weights[s] ?? 0);
  const sd = syms.map((s) => vols[s] ?? 0);
  // (Σw)_i
  const sw = syms.map((a, i) => syms.reduce((acc, b, j) => acc + rho(a, b) * (sd[i] ?? 0) * (sd[j] ?? 0) * (w[j] ?? 0), 0));
  const variance = w.reduce((acc, wi, i) => acc + wi * (sw[i] ?? 0), 0);
  if (!(variance > 0)) {
    return { rows: syms.map((s, i) => ({ symbol: s, weight: w[i] ?? 0, share: 0, volatility: sd[i] ?? 0 })), volatility: 0, missing, assumedUncorrelated: assumed };
  }
  const rows = syms.map((s, i) => ({ symbol: s, weight: w[i] ?? 0, share: ((w[i] ?? 0) * (sw[i] ?? 0)) / variance, volatility: sd[i] ?? 0 }));
  return { rows, volatility: Math.sqrt(variance), missing, assumedUncorrelated: assumed };
}
