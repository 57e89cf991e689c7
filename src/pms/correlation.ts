import { resolveEwma } from './volatility.ts';
import type { EwmaOptions } from './volatility.ts';

/**
 * Covariance and correlation matrices of aligned returns (rows = observations in time order,
 * columns = instruments, e.g. `Panel.values` from `alignedReturns`), sample and EWMA, and the
 * correlation-spike check.
 */

export type Matrix = number[][];

function checkRows(rows: readonly (readonly number[])[], min: number, what: string): number {
  if (rows.length < min) throw new RangeError(`${what} needs at least ${min} observations, got ${rows.length}`);
  const k = rows[0]!.length;
  if (k === 0) throw new RangeError(`${what} needs at least one column`);
  rows.forEach((row, i) => {
    if (row.length !== k) throw new RangeError(`${what}: row ${i} has ${row.length} columns, expected ${k}`);
    row.forEach((x, j) => {
      if (!Number.isFinite(x)) throw new RangeError(`${what}: value at row ${i}, column ${j} is not finite`);
    });
  });
  return k;
}

function zeros(k: number): Matrix {
  return Array.from({ length: k }, () => new Array<number>(k).fill(0));
}

/** Sample covariance matrix, n − 1 divisor around the column means (numpy `cov(rows, rowvar=False)`). */
export function sampleCovarianceMatrix(rows: readonly (readonly number[])[]): Matrix {
  const k = checkRows(rows, 2, 'sample covariance');
  const n = rows.length;
  const means = new Array<number>(k).fill(0);
  for (const row of rows) for (let j = 0; j < k; j++) means[j]! += row[j]!;
  for (let j = 0; j < k; j++) means[j]! /= n;
  const cov = zeros(k);
  for (const row of rows) {
    for (let a = 0; a < k; a++) {
      const da = row[a]! - means[a]!;
      for (let b = a; b < k; b++) cov[a]![b]! += da * (row[b]! - means[b]!);
    }
  }
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const v = cov[a]![b]! / (n - 1);
      cov[a]![b] = v;
      cov[b]![a] = v;
    }
  }
  return cov;
}

/**
 * EWMA covariance matrix, the matrix form of `ewmaVariancePath` (its diagonal equals `ewmaVariance`
 * of each column): seeded with the sample covariance of the first N rows, then
 * Σ_t = λ·Σ_{t−1} + (1 − λ)·r_t·r_tᵀ (zero mean) for the remaining rows. λ = 0.94, N = 20 by default.
 */
export function ewmaCovarianceMatrix(rows: readonly (readonly number[])[], opts?: EwmaOptions): Matrix {
  const { lambda, seedCount } = resolveEwma(opts, rows.length);
  const k = checkRows(rows, 2, 'EWMA covariance');
  const cov = sampleCovarianceMatrix(rows.slice(0, seedCount));
  for (let t = seedCount; t < rows.length; t++) {
    const r = rows[t]!;
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        const v = lambda * cov[a]![b]! + (1 - lambda) * r[a]! * r[b]!;
        cov[a]![b] = v;
        cov[b]![a] = v;
      }
    }
  }
  return cov;
}

/**
 * Covariance → correlation: ρ_ab = Σ_ab / √(Σ_aa·Σ_bb), clamped to [−1, 1] against rounding, with an
 * exact 1 on the diagonal. A column with zero variance (a flat price) has correlation 0 with the others.
 */
export function covarianceToCorrelation(cov: readonly (readonly number[])[]): Matrix {
  const k = cov.length;
  const sd = cov.map((row, i) => {
    const v = row[i];
    if (v === undefined || row.length !== k) throw new RangeError('covariance matrix must be square');
    if (!(v >= 0)) throw new RangeError(`covariance diagonal ${i} must be ≥ 0, got ${v}`);
    return Math.sqrt(v);
  });
  const corr = zeros(k);
  for (let a = 0; a < k; a++) {
    corr[a]![a] = 1;
    for (let b = a + 1; b < k; b++) {
      const d = sd[a]! * sd[b]!;
      const v = d > 0 ? Math.min(1, Math.max(-1, cov[a]![b]! / d)) : 0;
      corr[a]![b] = v;
      corr[b]![a] = v;
    }
  }
  return corr;
}

/** Sample (Pearson) correlation matrix of aligned returns. */
export function sampleCorrelationMatrix(rows: readonly (readonly number[])[]): Matrix {
  return covarianceToCorrelation(sampleCovarianceMatrix(rows));
}

/** EWMA correlation matrix of aligned returns (same λ and seed convention as `ewmaCovarianceMatrix`). */
export function ewmaCorrelationMatrix(rows: readonly (readonly number[])[], opts?: EwmaOptions): Matrix {
  return covarianceToCorrelation(ewmaCovarianceMatrix(rows, opts));
}

/** Mean of the off-diagonal entries (each pair once) of a correlation matrix; needs ≥ 2 instruments. */
export function averagePairwiseCorrelation(corr: readonly (readonly number[])[]): number {
  const k = corr.length;
  if (k < 2) throw new RangeError('average pairwise correlation needs at least 2 instruments');
  let s = 0;
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) s += corr[a]![b]!;
  return s / ((k * (k - 1)) / 2);
}

export interface CorrelationSpikeOptions {
  /** Rows in each correlation window (the current one and every baseline one); ≥ 3. */
  window: number;
  /** Raise when current − baseline ≥ this (absolute, in correlation points); default 0.2. */
  threshold?: number;
  /** Use at most this many baseline windows (the most recent ones); default all. */
  baselineWindows?: number;
}

export interface CorrelationSpike {
  /** Average pairwise sample correlation of the last `window` rows. */
  current: number;
  /** Mean of the average pairwise correlation of the baseline windows. */
  baseline: number;
  /** current − baseline. */
  change: number;
  spike: boolean;
  threshold: number;
  /** How many baseline windows the baseline averages. */
  baselineCount: number;
}

/**
 * Correlation spike: the average pairwise sample correlation over the last `window` rows against its
 * rolling baseline. The baseline windows are every `window`-row window (step 1) that ENDS BEFORE the
 * current window starts, so the spike being measured does not leak into its own baseline; the
 * baseline is the mean of their averages. `spike` is `change ≥ threshold`.
 * Needs at least 2 columns and 2·window rows.
 */
export function correlationSpike(rows: readonly (readonly number[])[], opts: CorrelationSpikeOptions): CorrelationSpike {
  const { window } = opts;
  const threshold = opts.threshold ?? 0.2;
  if (!Number.isInteger(window) || window < 3) throw new RangeError(`window must be an integer ≥ 3, got ${window}`);
  const k = checkRows(rows, 2 * window, 'correlation spike');
  if (k < 2) throw new RangeError('correlation spike needs at least 2 instruments');
  const n = rows.length;
  const avgOf = (end: number): number => averagePairwiseCorrelation(sampleCorrelationMatrix(rows.slice(end - window, end)));
  const current = avgOf(n);
  // Baseline windows end at window … n − window (exclusive end index), before row n − window.
  let firstEnd = window;
  const lastEnd = n - window;
  if (opts.baselineWindows !== undefined) {
    if (!Number.isInteger(opts.baselineWindows) || opts.baselineWindows < 1) {
      throw new RangeError(`baselineWindows must be an integer ≥ 1, got ${opts.baselineWindows}`);
    }
    firstEnd = Math.max(firstEnd, lastEnd - opts.baselineWindows + 1);
  }
  let sum = 0;
  for (let end = firstEnd; end <= lastEnd; end++) sum += avgOf(end);
  const baselineCount = lastEnd - firstEnd + 1;
  const baseline = sum / baselineCount;
  const change = current - baseline;
  return { current, baseline, change, spike: change >= threshold, threshold, baselineCount };
}
