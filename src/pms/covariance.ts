import { averagePairwiseCorrelation, covarianceToCorrelation } from './correlation.ts';
import type { Matrix } from './correlation.ts';
import type { PanelEntry } from './price-history.ts';

/** Rows below which no correlation is shown at all (a matrix of a handful of returns is noise). */
export const MIN_CORRELATION_ROWS = 20;

/**
 * The sample covariance of the whole panel (VaR) and the correlations of the current window and
 * of its baseline, from one pass over the rows: co-moments of the two segments are computed once
 * and merged for the whole (Chan's pairwise update), which equals sampleCovarianceMatrix up to
 * rounding at half the cost of computing both separately. Kept on the panel's cache entry.
 */
export function analysePanel(entry: PanelEntry, windows: { correlationWindow: number; correlationBaselineRows: number }): { cov: Matrix; corr: PanelEntry['corr'] } {
  if (entry.cov !== undefined && entry.corr !== undefined) return { cov: entry.cov, corr: entry.corr };
  const rows = entry.panel.values;
  const k = entry.panel.symbols.length;
  const n = rows.length;
  const { correlationWindow: w, correlationBaselineRows: b } = windows;
  if (n < 2) throw new RangeError(`covariance needs at least 2 returns, got ${n}`);
  if (n < 2 * w) {
    // Too short for a baseline: the correlation of every row so far is shown, and never flagged.
    const all = comoments(rows, 0, n, k);
    entry.cov = toCovariance(all, k);
    const corr = covarianceToCorrelation(entry.cov);
    entry.corr = k >= 2 && n >= MIN_CORRELATION_ROWS ? { matrix: corr, current: averagePairwiseCorrelation(corr), baseline: null } : null;
  } else {
    const from = Math.max(0, n - w - b);
    const base = comoments(rows, from, n - w, k);
    const cur = comoments(rows, n - w, n, k);
    const all = from === 0 ? mergeComoments(base, cur, k) : comoments(rows, 0, n, k);
    entry.cov = toCovariance(all, k);
    const curCorr = covarianceToCorrelation(toCovariance(cur, k));
    entry.corr = k >= 2 ? { matrix: curCorr, current: averagePairwiseCorrelation(curCorr), baseline: averagePairwiseCorrelation(covarianceToCorrelation(toCovariance(base, k))) } : null;
  }
  return { cov: entry.cov, corr: entry.corr };
}

interface Comoments {
  n: number;
  mean: Float64Array;
  /** Σ (x_a − mean_a)(x_b − mean_b), upper triangle of a k×k row-major matrix. */
  m2: Float64Array;
}

/** Means and co-moments of rows [from, to), two-pass (means first) as sampleCovarianceMatrix. */
function comoments(rows: readonly (readonly number[])[], from: number, to: number, k: number): Comoments {
  const n = to - from;
  const mean = new Float64Array(k);
  for (let r = from; r < to; r++) {
    const row = rows[r]!;
    for (let j = 0; j < k; j++) mean[j]! += row[j]!;
  }
  for (let j = 0; j < k; j++) mean[j]! /= n;
  const m2 = new Float64Array(k * k);
  const d = new Float64Array(k);
  for (let r = from; r < to; r++) {
    const row = rows[r]!;
    for (let j = 0; j < k; j++) d[j] = row[j]! - mean[j]!;
    for (let a = 0; a < k; a++) {
      const da = d[a]!;
      if (da === 0) continue;
      const base = a * k;
      for (let b = a; b < k; b++) m2[base + b]! += da * d[b]!;
    }
  }
  return { n, mean, m2 };
}

/** Co-moments of two consecutive segments merged into those of the whole. */
function mergeComoments(x: Comoments, y: Comoments, k: number): Comoments {
  const n = x.n + y.n;
  const mean = new Float64Array(k);
  const delta = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    delta[j] = y.mean[j]! - x.mean[j]!;
    mean[j] = x.mean[j]! + (delta[j]! * y.n) / n;
  }
  const f = (x.n * y.n) / n;
  const m2 = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    const base = a * k;
    for (let b = a; b < k; b++) m2[base + b] = x.m2[base + b]! + y.m2[base + b]! + delta[a]! * delta[b]! * f;
  }
  return { n, mean, m2 };
}

/** Co-moments → sample covariance matrix (n − 1 divisor), symmetric. */
function toCovariance(m: Comoments, k: number): Matrix {
  const cov: Matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const div = m.n - 1;
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const v = m.m2[a * k + b]! / div;
      cov[a]![b] = v;
      cov[b]![a] = v;
    }
  }
  return cov;
}
