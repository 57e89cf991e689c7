import type { Frame } from './frame.ts';
import type { SimdKernels } from './simd.ts';
import { heap, simdKernels } from './simd.ts';

/**
 * Second moments on the SIMD kernels: the columns go once into the kernels' memory (prices turn
 * into returns there, in place), are centred there, and one tiled Gram product gives every
 * cross product; no intermediate matrices or per-column arrays. Each entry point returns null
 * when its fast path does not apply (no WebAssembly SIMD, log returns, a gap or a bad value
 * inside a column's listed range), and the caller then runs its pure-JS path, which gives the
 * same figures and the same typed errors.
 */

/** Columns laid out for the kernels: column j at byte base + j·stride, `rows` rows, zero-padded. */
interface Loaded {
  k: SimdKernels;
  n: number;
  /** n rounded up to a multiple of 4 (zero columns fill the Gram tile's spare lanes). */
  n4: number;
  /** Return rows (the real ones). */
  rows: number;
  /** Rows rounded up to even (padding rows are zeros): the kernels step two rows at a time. */
  m: number;
  /** Bytes between columns. */
  stride: number;
  /** Byte offsets of the n4 × n4 Gram output and of the scratch space after it. */
  out: number;
  scratch: number;
  /** First valid row of each column (its listing). */
  starts: Int32Array;
  /** Σ of each column's valid returns. */
  sums: Float64Array;
}

const even = (x: number): number => x + (x & 1);

function layout(k: SimdKernels, n: number, rowsPerColumn: number, rows: number): { view: Float64Array; lay: Omit<Loaded, 'starts' | 'sums' | 'rows'> } {
  const n4 = (n + 3) & ~3;
  const strideRows = even(rowsPerColumn);
  const stride = strideRows * 8;
  const out = n4 * stride;
  const scratch = out + n4 * n4 * 8;
  const m = even(rows);
  const view = heap(k, scratch + 16 + m * 8);
  return { view, lay: { k, n, n4, m, stride, out, scratch } };
}

/** First non-NaN index of a column (its length when there is none). */
function firstValid(c: Float64Array): number {
  let s = 0;
  while (s < c.length && c[s]! !== c[s]!) s++;
  return s;
}

/**
 * Prices → simple returns in the kernels' memory. Null when a column has fewer than 2 returns or
 * a NaN/∞ inside its listed range (the JS path then applies pandas' pairwise rules and errors).
 */
export function loadPrices(prices: Frame): Loaded | null {
  const k = simdKernels();
  if (!k) return null;
  const n = prices.columns.length;
  const t = prices.dates.length;
  const rows = t - 1;
  if (n === 0 || rows < 2) return null;
  const { view, lay } = layout(k, n, t, rows);
  const starts = new Int32Array(n);
  const sums = new Float64Array(n);
  const sr = lay.stride / 8;
  for (let j = 0; j < n; j++) {
    const c = prices.columns[j]!;
    const start = firstValid(c);
    if (start > rows - 2) return null;
    const at = j * sr;
    view.set(c.length === t ? c : c.subarray(0, t), at);
    const s = k.returns(at * 8, rows, start);
    if (!Number.isFinite(s)) return null;
    // Row `rows` still holds the last price, and the padding may hold anything from a past call.
    view.fill(0, at + rows, at + sr);
    starts[j] = start;
    sums[j] = s;
  }
  view.fill(0, n * sr, lay.n4 * sr);
  return { ...lay, rows, starts, sums };
}

/** Returns into the kernels' memory (missing values before a listing become zeros). */
export function loadReturns(returns: Frame): Loaded | null {
  const k = simdKernels();
  if (!k) return null;
  const n = returns.columns.length;
  const rows = returns.dates.length;
  if (n === 0 || rows < 2) return null;
  const { view, lay } = layout(k, n, rows, rows);
  const starts = new Int32Array(n);
  const sums = new Float64Array(n);
  const sr = lay.stride / 8;
  for (let j = 0; j < n; j++) {
    const c = returns.columns[j]!;
    const start = firstValid(c);
    if (start > rows - 2) return null;
    const at = j * sr;
    view.set(c.length === rows ? c : c.subarray(0, rows), at);
    view.fill(0, at, at + start);
    view.fill(0, at + rows, at + sr);
    const s = k.colsum(at * 8, start, rows);
    if (!Number.isFinite(s)) return null;
    starts[j] = start;
    sums[j] = s;
  }
  view.fill(0, n * sr, lay.n4 * sr);
  return { ...lay, rows, starts, sums };
}

/** Rows per Gram block: a block of every column stays within ~1 MB of cache. */
function blockRows(n4: number): number {
  return Math.max(64, Math.floor(131072 / n4)) & ~1;
}

/** XᵀX of the loaded (centred) columns into the output area; returns a view of it (n4 × n4, upper triangle valid). */
function gramOf(L: Loaded): Float64Array {
  const view = new Float64Array(L.k.memory.buffer);
  const o = L.out / 8;
  view.fill(0, o, o + L.n4 * L.n4);
  L.k.gram(0, L.stride, L.n4, L.m, blockRows(L.n4), L.out);
  return view.subarray(o, o + L.n4 * L.n4);
}

/**
 * Pairwise-complete covariance (ddof 1) and optionally correlation, flat n × n: pandas
 * `DataFrame.cov()` / `.corr()` with each pair on its own overlap. A column is centred on its own
 * mean; a pair's overlap mean differs by d, and Σ(x − mₓ)(y − m_y) over the overlap is
 * Σx′y′ − k·dₓ·d_y, with x′ zero before the listing so the full-length product is the overlap's.
 * Suffix sums of x′ and x′² at the distinct listing rows give d and the overlap variances.
 */
export function pairwiseFlat(L: Loaded, withCorrelation: boolean): { cov: Float64Array; corr: Float64Array | null } {
  const { k, n, rows, starts, sums, stride } = L;
  for (let j = 0; j < n; j++) k.centre(j * stride, starts[j]!, rows, sums[j]! / (rows - starts[j]!));
  const distinct = [...new Set(starts)].sort((a, b) => a - b);
  const ns = distinct.length;
  const slot = new Int32Array(rows + 1);
  distinct.forEach((s, q) => (slot[s] = q));
  const s1 = new Float64Array(n * ns);
  const s2 = new Float64Array(n * ns);
  const view = new Float64Array(k.memory.buffer);
  const sc = L.scratch / 8;
  for (let j = 0; j < n; j++) {
    let a1 = 0;
    let a2 = 0;
    for (let q = ns - 1; q >= slot[starts[j]!]!; q--) {
      k.sum2(j * stride, distinct[q]!, q === ns - 1 ? rows : distinct[q + 1]!, L.scratch);
      a1 += view[sc]!;
      a2 += view[sc + 1]!;
      s1[j * ns + q] = a1;
      s2[j * ns + q] = a2;
    }
  }
  const G = gramOf(L);
  const n4 = L.n4;
  const cov = new Float64Array(n * n);
  const corr = withCorrelation ? new Float64Array(n * n) : null;
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      const from = Math.max(starts[a]!, starts[b]!);
      const q = slot[from]!;
      const kk = rows - from;
      const da = s1[a * ns + q]! / kk;
      const db = s1[b * ns + q]! / kk;
      const dot = a === b ? s2[a * ns + q]! : G[a * n4 + b]!;
      const sxy = dot - kk * da * db;
      const v = sxy / (kk - 1);
      cov[a * n + b] = v;
      cov[b * n + a] = v;
      if (corr) {
        let r = 1;
        if (a !== b) {
          const va = s2[a * ns + q]! - kk * da * da;
          const vb = s2[b * ns + q]! - kk * db * db;
          r = va > 0 && vb > 0 ? sxy / Math.sqrt(va * vb) : NaN;
        }
        corr[a * n + b] = r;
        corr[b * n + a] = r;
      }
    }
  }
  return { cov, corr };
}

/**
 * Ledoit-Wolf towards μ·I (Ledoit & Wolf 2004, as scikit-learn computes it) on returns with missing
 * values as 0, each column demeaned over all rows: rows before the first listing are dropped
 * (pandas' `dropna(how="all")`), later pre-listing rows count as zero returns. Returns the daily
 * shrunk covariance (flat n × n, exactly symmetric) and the intensity.
 */
export function ledoitWolfFlat(L: Loaded): { cov: Float64Array; delta: number } | null {
  const { k, n, rows, starts, sums, stride } = L;
  let first = rows;
  for (let j = 0; j < n; j++) first = Math.min(first, starts[j]!);
  const t = rows - first;
  if (t < 2) return null;
  // Rows before `first` are zeros in every column, so they add nothing to the products below.
  for (let j = 0; j < n; j++) k.centre(j * stride, first, rows, sums[j]! / t);
  const beta_ = k.rowsq(0, stride, n, L.m, L.scratch + 16);
  const G = gramOf(L);
  const n4 = L.n4;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += G[i * n4 + i]! / t;
  const mu = trace / n;
  let delta_ = 0;
  for (let i = 0; i < n; i++) {
    delta_ += G[i * n4 + i]! * G[i * n4 + i]!;
    for (let j = i + 1; j < n; j++) delta_ += 2 * G[i * n4 + j]! * G[i * n4 + j]!;
  }
  delta_ /= t * t;
  let beta = (beta_ / t - delta_) / (n * t);
  const delta = (delta_ - 2 * mu * trace + n * mu * mu) / n;
  beta = Math.min(beta, delta);
  const shrinkage = beta === 0 ? 0 : beta / delta;
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = (1 - shrinkage) * (G[i * n4 + j]! / t) + (i === j ? shrinkage * mu : 0);
      cov[i * n + j] = v;
      cov[j * n + i] = v;
    }
  }
  return { cov, delta: shrinkage };
}
