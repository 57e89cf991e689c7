import type { Frame } from './frame.ts';
import type { SimdKernels } from './simd.ts';
import { reserve, simdKernels } from './simd.ts';

/**
 * Second moments on the SIMD kernels: the columns go once into the kernels' memory, where one
 * pass per column turns prices into returns in place and sums them (Σx, Σx²) between the
 * distinct listing rows, and one tiled Gram product gives every cross product; no intermediate
 * matrices or per-column arrays. Each entry point returns null when its fast path does not apply
 * (no WebAssembly SIMD, log returns, a gap or a bad value inside a column's listed range), and
 * the caller then runs its pure-JS path, which gives the same figures and the same typed errors.
 */

/** Columns laid out for the kernels: column j at byte j·stride, `rows` rows, zero-padded. */
export interface Loaded {
  k: SimdKernels;
  n: number;
  /** n rounded up to a multiple of 4 (zero columns fill the Gram tile's spare lanes). */
  n4: number;
  /** Return rows (the real ones). */
  rows: number;
  /** Rows rounded up to a multiple of 4 (padding rows are zeros): the Gram steps four rows at a time. */
  m: number;
  /** Bytes between columns. */
  stride: number;
  /**
   * Byte offsets: the n4 × n4 Gram output, the Gram's column-offset and start arrays, the
   * distinct listing rows (i32) and their per-segment sums, then f64 scratch for row sums (m) and
   * column means (n4).
   */
  out: number;
  cols: number;
  colStarts: number;
  segs: number;
  segOut: number;
  tmp: number;
  means: number;
  /** First valid row of each column (its listing), zeros before it in memory. */
  starts: Int32Array;
  /** Σ of each column's valid returns. */
  sums: Float64Array;
  /** The distinct listing rows, ascending, and a row → index map for them. */
  distinct: Int32Array;
  slot: Int32Array;
  /** Suffix sums Σx and Σx² of column j from distinct[q] on, at j·distinct.length + q. */
  s1: Float64Array;
  s2: Float64Array;
}

const up4 = (x: number): number => (x + 3) & ~3;

/** Byte offsets for n columns; null when the kernels' memory cannot hold them. */
function layout(k: SimdKernels, n: number, rowsPerColumn: number, rows: number): Loaded | null {
  const n4 = (n + 3) & ~3;
  const m = up4(rows);
  const stride = up4(Math.max(rowsPerColumn, m)) * 8;
  const out = n4 * stride;
  const cols = out + n4 * n4 * 8;
  const colStarts = cols + n4 * 4;
  const segs = colStarts + n4 * 4;
  const segOut = segs + n4 * 4;
  const tmp = segOut + n4 * 16;
  const means = tmp + m * 8;
  if (!reserve(k, means + n4 * 8)) return null;
  const none = new Int32Array(0);
  const empty = new Float64Array(0);
  return { k, n, n4, m, rows, stride, out, cols, colStarts, segs, segOut, tmp, means, starts: new Int32Array(n), sums: new Float64Array(n), distinct: none, slot: none, s1: empty, s2: empty };
}

/** Zeros the padding rows of every column and the padding columns. */
function pad(L: Loaded, view: Float64Array): void {
  const sr = L.stride / 8;
  for (let j = 0; j < L.n; j++) view.fill(0, j * sr + L.rows, (j + 1) * sr);
  view.fill(0, L.n * sr, L.n4 * sr);
}

/**
 * Copies the columns in, finds each listing row, then one `segments` pass per column (prices →
 * returns when `prices`) fills the sums. Null when a column has fewer than 2 returns or a NaN/∞
 * inside its listed range (the JS path then applies pandas' pairwise rules and errors).
 */
function load(columns: readonly Float64Array[], len: number, rows: number, prices: boolean): Loaded | null {
  const k = simdKernels();
  if (!k) return null;
  const n = columns.length;
  if (n === 0 || rows < 2) return null;
  const L = layout(k, n, len, rows);
  if (!L) return null;
  const view = new Float64Array(k.memory.buffer);
  const i32 = new Int32Array(k.memory.buffer);
  const sr = L.stride / 8;
  for (let j = 0; j < n; j++) {
    const c = columns[j]!;
    view.set(c.length === len ? c : c.subarray(0, len), j * sr);
    const start = k.first(j * L.stride, rows);
    if (start > rows - 2) return null;
    L.starts[j] = start;
  }
  L.distinct = Int32Array.from(new Set(L.starts)).sort();
  const ns = L.distinct.length;
  i32.set(L.distinct, L.segs >> 2);
  L.slot = new Int32Array(rows + 1);
  L.distinct.forEach((s, q) => (L.slot[s] = q));
  L.s1 = new Float64Array(n * ns);
  L.s2 = new Float64Array(n * ns);
  const so = L.segOut >> 3;
  for (let j = 0; j < n; j++) {
    const q0 = L.slot[L.starts[j]!]!;
    const total = k.segments(j * L.stride, rows, L.segs, q0, ns, L.segOut, prices ? 1 : 0);
    if (!Number.isFinite(total)) return null;
    L.sums[j] = total;
    let a1 = 0;
    let a2 = 0;
    for (let q = ns - 1; q >= q0; q--) {
      a1 += view[so + 2 * q]!;
      a2 += view[so + 2 * q + 1]!;
      L.s1[j * ns + q] = a1;
      L.s2[j * ns + q] = a2;
    }
  }
  // With prices, row `rows` still holds the last price; the padding may hold a past call's data.
  pad(L, view);
  return L;
}

/** Prices → simple returns in the kernels' memory (see `load`). */
export function loadPrices(prices: Frame): Loaded | null {
  const t = prices.dates.length;
  return load(prices.columns, t, t - 1, true);
}

/** Returns into the kernels' memory (missing values before a listing become zeros). */
export function loadReturns(returns: Frame): Loaded | null {
  const t = returns.dates.length;
  return load(returns.columns, t, t, false);
}

/** Rows per Gram block: a block of every column stays within ~1 MB of cache. */
function blockRows(n4: number): number {
  return Math.max(64, Math.floor(131072 / n4)) & ~3;
}

/**
 * XᵀX of the loaded columns, taken in the order `order` (a permutation of 0..n−1; null: as
 * loaded), with column o zero before row from(o). Returns a view of the n4 × n4 output whose upper triangle holds
 * (XᵀX)[order[a]][order[b]] at a·n4 + b, a ≤ b.
 */
function gramOf(L: Loaded, order: ArrayLike<number> | null, from: (j: number) => number): Float64Array {
  const { k, n, n4 } = L;
  const view = new Float64Array(k.memory.buffer);
  const i32 = new Int32Array(k.memory.buffer);
  for (let a = 0; a < n4; a++) {
    const j = a < n && order ? order[a]! : a;
    i32[(L.cols >> 2) + a] = j * L.stride;
    i32[(L.colStarts >> 2) + a] = a < n ? from(j) : L.m;
  }
  const o = L.out / 8;
  view.fill(0, o, o + n4 * n4);
  k.gram(L.cols, L.colStarts, n4, L.m, blockRows(n4), L.out);
  return view.subarray(o, o + n4 * n4);
}

/**
 * Pairwise-complete covariance (ddof 1) and optionally correlation, flat n × n: pandas
 * `DataFrame.cov()` / `.corr()` with each pair on its own overlap. Over a pair's overlap (k rows
 * from the later listing), Σ(x − mₓ)(y − m_y) = Σxy − k·mₓ·m_y, the means from the suffix sums at
 * that listing row, and Σxy is the full-length Gram entry (each column is zero before its
 * listing). Returns' means are tiny next to their spread, so the uncentred products lose nothing
 * that matters (the tests hold it to the two-pass JS path at 1e-10, a 1%-a-day drift included).
 */
export function pairwiseFlat(L: Loaded, withCorrelation: boolean): { cov: Float64Array; corr: Float64Array | null } {
  const { n, rows, starts, slot, s1, s2 } = L;
  const ns = L.distinct.length;
  // Columns in listing order: a tile's columns then start close together and skip their zeros.
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => starts[a]! - starts[b]! || a - b);
  const pos = new Int32Array(n);
  order.forEach((j, a) => (pos[j] = a));
  const G = gramOf(L, order, (j) => starts[j]!);
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
      const pa = pos[a]!;
      const pb = pos[b]!;
      const dot = a === b ? s2[a * ns + q]! : pa < pb ? G[pa * n4 + pb]! : G[pb * n4 + pa]!;
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
 * The columns stay uncentred (zero before their listing) so the Gram skips those zeros: with
 * x = z − m over the T kept rows and Σz = T·m, XᵀX = ZᵀZ − T·m mᵀ. Returns' means are tiny next to
 * their spread (|m| ≪ σ), so the subtraction loses nothing that matters; the β term centres on
 * the fly.
 */
export function ledoitWolfFlat(L: Loaded): { cov: Float64Array; delta: number } | null {
  const { k, n, rows, starts, sums, stride } = L;
  let first = rows;
  for (let j = 0; j < n; j++) first = Math.min(first, starts[j]!);
  const t = rows - first;
  if (t < 2) return null;
  const mean = new Float64Array(n);
  for (let j = 0; j < n; j++) mean[j] = sums[j]! / t;
  new Float64Array(k.memory.buffer).set(mean, L.means / 8);
  const beta_ = k.rowsqc(0, stride, n, first, rows, L.tmp, L.means);
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => starts[a]! - starts[b]! || a - b);
  const pos = new Int32Array(n);
  order.forEach((j, a) => (pos[j] = a));
  const Z = gramOf(L, order, (j) => starts[j]!);
  const n4 = L.n4;
  // The centred cross products, upper triangle, in the original column order.
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const pi = pos[i]!;
      const pj = pos[j]!;
      const z = pi <= pj ? Z[pi * n4 + pj]! : Z[pj * n4 + pi]!;
      G[i * n + j] = z - t * mean[i]! * mean[j]!;
    }
  }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += G[i * n + i]! / t;
  const mu = trace / n;
  let delta_ = 0;
  for (let i = 0; i < n; i++) {
    delta_ += G[i * n + i]! * G[i * n + i]!;
    for (let j = i + 1; j < n; j++) delta_ += 2 * G[i * n + j]! * G[i * n + j]!;
  }
  delta_ /= t * t;
  let beta = (beta_ / t - delta_) / (n * t);
  const delta = (delta_ - 2 * mu * trace + n * mu * mu) / n;
  beta = Math.min(beta, delta);
  const shrinkage = beta === 0 ? 0 : beta / delta;
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = (1 - shrinkage) * (G[i * n + j]! / t) + (i === j ? shrinkage * mu : 0);
      cov[i * n + j] = v;
      cov[j * n + i] = v;
    }
  }
  return { cov, delta: shrinkage };
}

/**
 * AᵀB on the SIMD Gram for any column lists (the JS kernel of gram.ts otherwise): the columns of
 * A then B go into the kernels' memory and one symmetric Gram of [A B] is read at its A × B
 * block (with B omitted, AᵀA). Null without the kernels. Flat row-major na × nb.
 */
export function simdCross(a: readonly Float64Array[], b: readonly Float64Array[] | null, t: number): Float64Array | null {
  const k = simdKernels();
  if (!k) return null;
  const all = b ? [...a, ...b] : a;
  const n = all.length;
  if (n === 0 || t === 0) return null;
  const L = layout(k, n, t, t);
  if (!L) return null;
  const view = new Float64Array(k.memory.buffer);
  const sr = L.stride / 8;
  for (let j = 0; j < n; j++) {
    const c = all[j]!;
    view.set(c.length === t ? c : c.subarray(0, t), j * sr);
  }
  pad(L, view);
  const G = gramOf(L, null, () => 0);
  const na = a.length;
  const off = b ? na : 0;
  const nb = b ? b.length : na;
  const out = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      const p = i;
      const q = off + j;
      out[i * nb + j] = p <= q ? G[p * L.n4 + q]! : G[q * L.n4 + p]!;
    }
  }
  return out;
}
