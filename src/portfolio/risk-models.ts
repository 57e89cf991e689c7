import { badInput } from './errors.ts';
import type { Frame } from './frame.ts';
import { returnsFromPrices } from './frame.ts';
import type { Mat } from './linalg.ts';
import { zeros } from './linalg.ts';
import { ewmLast, TRADING_DAYS } from './expected-returns.ts';
import { crossGram, gram } from './gram.ts';
import { ledoitWolfFlat, loadPrices, loadReturns, pairwiseFlat } from './moments.ts';

/**
 * Risk models: annualised covariance estimators on daily returns (PyPortfolioOpt conventions).
 * Sample and exponentially weighted covariances use each pair's complete observations; the
 * shrinkage estimators work on returns with missing values set to 0, as the published formulas
 * (and scikit-learn) expect a complete matrix.
 */

export interface RiskModelOptions {
  frequency?: number;
  logReturns?: boolean;
}

/** The contiguous block of valid values of a column, when it has one (pre-listing NaNs only). */
interface ColumnShape {
  start: number;
  contiguous: boolean;
}

function shapeOf(c: Float64Array): ColumnShape {
  let start = 0;
  while (start < c.length && Number.isNaN(c[start]!)) start++;
  for (let i = start; i < c.length; i++) if (Number.isNaN(c[i]!)) return { start, contiguous: false };
  return { start, contiguous: true };
}

/** Pairwise-complete sample covariance (ddof 1) of two aligned columns; NaN with < 2 overlaps. */
export function pairCovariance(x: Float64Array, y: Float64Array): number {
  let sx = 0;
  let sy = 0;
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    sx += a;
    sy += b;
    k++;
  }
  if (k < 2) return NaN;
  const mx = sx / k;
  const my = sy / k;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    s += (a - mx) * (b - my);
  }
  return s / (k - 1);
}

/**
 * Daily covariance matrix on pairwise-complete observations (pandas `DataFrame.cov()`).
 * Fast path: columns whose only gap is before their listing overlap on a suffix, so the pair's
 * means come from suffix sums and one multiply-add pass does the rest.
 */
export function covarianceMatrix(returns: Frame): Mat {
  return pairwiseMoments(returns, false).cov;
}

/**
 * Pairwise-complete covariance (ddof 1) and, when asked, correlation (pandas `DataFrame.corr()`:
 * each pair's correlation from its own overlap, its own means and variances), in one pass.
 */
export function pairwiseMoments(returns: Frame, withCorrelation = true): { cov: Mat; corr: Mat | null } {
  const L = loadReturns(returns);
  if (L) {
    const r = pairwiseFlat(L, withCorrelation);
    const n = L.n;
    return { cov: flatToMat(r.cov, n, 1), corr: r.corr ? flatToMat(r.corr, n, 1) : null };
  }
  return pairwiseMomentsJs(returns, withCorrelation);
}

/** A flat row-major n × n array as rows, each entry times k. */
export function flatToMat(flat: Float64Array, n: number, k: number): Mat {
  const out: Mat = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) row[j] = flat[i * n + j]! * k;
    out[i] = row;
  }
  return out;
}

/** The pure-JS path of `pairwiseMoments` (no WebAssembly SIMD, or gaps inside a listed range). */
export function pairwiseMomentsJs(returns: Frame, withCorrelation = true): { cov: Mat; corr: Mat | null } {
  const cols = returns.columns;
  const n = cols.length;
  const t = returns.dates.length;
  const shapes = cols.map(shapeOf);
  // Fast-path columns are centred once on their own mean; a pair's overlap mean differs by d, and
  // Σ(x − m_x)(y − m_y) over the overlap = Σx'y' − k·d_x·d_y (x' the centred column). The inner
  // loop is then a plain dot product. Suffix sums of x' and x'² give d and the overlap variances.
  // One buffer for every centred column, and their suffix sums only at the distinct listing
  // starts (the only places a pair's overlap can begin): no per-column allocations.
  const starts = [...new Set(shapes.map((sh) => sh.start))].sort((x, y) => x - y);
  const startIndex = new Map(starts.map((st, i) => [st, i]));
  const buf = new Float64Array(n * t);
  const sums1 = new Float64Array(n * starts.length);
  const sums2 = new Float64Array(n * starts.length);
  const centred: ({ x: Float64Array; j: number } | null)[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const sh = shapes[j]!;
    if (!sh.contiguous) {
      centred[j] = null;
      continue;
    }
    const c = cols[j]!;
    const x = buf.subarray(j * t, (j + 1) * t);
    centreInto(c, x, sh.start, t);
    let s1 = 0;
    let s2 = 0;
    let k = starts.length - 1;
    for (let i = t - 1; i >= 0 && k >= 0; i--) {
      const v = x[i]!;
      s1 += v;
      s2 += v * v;
      while (k >= 0 && starts[k] === i) {
        sums1[j * starts.length + k] = s1;
        sums2[j * starts.length + k] = s2;
        k--;
      }
    }
    centred[j] = { x, j };
  }
  const s1From = (j: number, from: number) => sums1[j * starts.length + startIndex.get(from)!]!;
  const s2From = (j: number, from: number) => sums2[j * starts.length + startIndex.get(from)!]!;
  // Σx'y' for every fast-path pair in one tiled cross product: a centred column is 0 before its
  // listing, so the full-length product equals the product over the pair's overlap.
  const fast = centred.map((c, j) => (c ? j : -1)).filter((j) => j >= 0);
  const slot = new Int32Array(n).fill(-1);
  fast.forEach((j, k) => (slot[j] = k));
  const G = gram(fast.map((j) => centred[j]!.x), t);
  const m = fast.length;
  const cov = zeros(n, n);
  const corr = withCorrelation ? zeros(n, n) : null;
  for (let a = 0; a < n; a++) {
    const ca = centred[a];
    for (let b = a; b < n; b++) {
      let v: number;
      let r = NaN;
      const cb = centred[b];
      if (ca && cb) {
        const from = Math.max(shapes[a]!.start, shapes[b]!.start);
        const k = t - from;
        if (k < 2) v = NaN;
        else {
          const da = s1From(a, from) / k;
          const db = s1From(b, from) / k;
          const dot = a === b ? s2From(a, from) : G[slot[a]! * m + slot[b]!]!;
          const sxy = dot - k * da * db;
          v = sxy / (k - 1);
          if (corr) {
            const va = s2From(a, from) - k * da * da;
            const vb = s2From(b, from) - k * db * db;
            r = va > 0 && vb > 0 ? sxy / Math.sqrt(va * vb) : NaN;
          }
        }
      } else {
        v = pairCovariance(cols[a]!, cols[b]!);
        if (corr) r = pairCorrelation(cols[a]!, cols[b]!);
      }
      cov[a]![b] = v;
      cov[b]![a] = v;
      if (corr) {
        corr[a]![b] = a === b ? 1 : r;
        corr[b]![a] = a === b ? 1 : r;
      }
    }
  }
  return { cov, corr };
}

/** x = c − mean(c) over rows ≥ start (zeros before). */
function centreInto(c: Float64Array, x: Float64Array, start: number, t: number): void {
  let s = 0;
  for (let i = start; i < t; i++) s += c[i]!;
  const m = t - start > 0 ? s / (t - start) : 0;
  for (let i = start; i < t; i++) x[i] = c[i]! - m;
}

/** Pairwise-complete correlation of two aligned columns; NaN with < 2 overlaps or no variance. */
export function pairCorrelation(x: Float64Array, y: Float64Array): number {
  let sx = 0;
  let sy = 0;
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]!;
    const v = y[i]!;
    if (Number.isNaN(u) || Number.isNaN(v)) continue;
    sx += u;
    sy += v;
    k++;
  }
  if (k < 2) return NaN;
  const mx = sx / k;
  const my = sy / k;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]!;
    const v = y[i]!;
    if (Number.isNaN(u) || Number.isNaN(v)) continue;
    sxy += (u - mx) * (v - my);
    sxx += (u - mx) * (u - mx);
    syy += (v - my) * (v - my);
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

function checkReturnsMatrix(cov: Mat, tickers: readonly string[], what: string): void {
  cov.forEach((row, i) =>
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) throw badInput(`${what}: ${tickers[i]} and ${tickers[j]} share fewer than 2 return observations`);
    }),
  );
}

/** Annualised sample covariance (ddof 1 × frequency). */
export function sampleCov(prices: Frame, opts: RiskModelOptions = {}): Mat {
  // Fast path: prices become returns inside the SIMD kernels' memory, no intermediate frame.
  const L = opts.logReturns ? null : loadPrices(prices);
  if (L) {
    const cov = flatToMat(pairwiseFlat(L, false).cov, L.n, opts.frequency ?? TRADING_DAYS);
    checkReturnsMatrix(cov, prices.tickers, 'sample covariance');
    return cov;
  }
  return sampleCovFromReturns(returnsFromPrices(prices, opts.logReturns ?? false), opts);
}

export function sampleCovFromReturns(returns: Frame, opts: RiskModelOptions = {}): Mat {
  const f = opts.frequency ?? TRADING_DAYS;
  const cov = covarianceMatrix(returns);
  checkReturnsMatrix(cov, returns.tickers, 'sample covariance');
  return cov.map((r) => r.map((v) => v * f));
}

/**
 * Semicovariance: only returns below the benchmark (daily, default 0.000079 ≈ 2% a year) count;
 * E[min(r_i − b, 0) · min(r_j − b, 0)] over all rows × frequency. A missing return is no shortfall.
 */
export function semicovariance(prices: Frame, opts: RiskModelOptions & { benchmark?: number } = {}): Mat {
  const b = opts.benchmark ?? 0.000079;
  const f = opts.frequency ?? TRADING_DAYS;
  const returns = returnsFromPrices(prices, opts.logReturns ?? false);
  const t = returns.dates.length;
  if (t < 1) throw badInput('semicovariance needs at least one return row');
  const drops = returns.columns.map((c) => mapColumn(c, (v) => (Number.isNaN(v) ? 0 : Math.min(v - b, 0))));
  return scaleInPlace(crossProduct(drops), f / t);
}

/**
 * Exponentially weighted covariance (span in days, default 180): for each pair, the EWM mean of
 * (x − x̄)(y − ȳ) at the last row, x̄ and ȳ each column's full-sample mean; annualised. One
 * weighted cross product instead of an EWM pass per pair.
 */
export function expCov(prices: Frame, opts: RiskModelOptions & { span?: number } = {}): Mat {
  const span = opts.span ?? 180;
  if (!(span >= 1)) throw badInput(`span must be at least 1, got ${span}`);
  const f = opts.frequency ?? TRADING_DAYS;
  const returns = returnsFromPrices(prices, opts.logReturns ?? false);
  const cols = returns.columns;
  const n = cols.length;
  const t = returns.dates.length;
  const means = cols.map((c) => {
    let s = 0;
    let k = 0;
    for (const v of c) {
      if (Number.isNaN(v)) continue;
      s += v;
      k++;
    }
    return s / k;
  });
  // Row weights as pandas' adjusted EWM gives them at the last row, (1 − α)^(t−1−i), built from the
  // end by repeated multiplication as ewmLast does.
  const decay = 1 - 2 / (span + 1);
  const w = new Float64Array(t);
  for (let i = t - 1, wi = 1; i >= 0; i--, wi *= decay) w[i] = wi;
  // Columns missing only before their listing (the usual case) go through the tiled kernel: with
  // each deviation scaled by √w_i and zero before the listing, (X'X)_ab is the pair's weighted sum
  // over its overlap, and the overlap's weight total is a suffix sum. Other columns pair by pair.
  const shapes = cols.map(shapeOf);
  const suffixW = new Float64Array(t + 1);
  for (let i = t - 1; i >= 0; i--) suffixW[i] = suffixW[i + 1]! + w[i]!;
  const fast = shapes.map((sh, j) => (sh.contiguous ? j : -1)).filter((j) => j >= 0);
  const slot = new Int32Array(n).fill(-1);
  fast.forEach((j, k) => (slot[j] = k));
  const scaled = fast.map((j) => {
    const c = cols[j]!;
    const x = new Float64Array(t);
    for (let i = shapes[j]!.start; i < t; i++) x[i] = (c[i]! - means[j]!) * Math.sqrt(w[i]!);
    return x;
  });
  const G = gram(scaled, t);
  const m = fast.length;
  const out = zeros(n, n);
  const prod = new Float64Array(t);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let v: number;
      if (slot[a]! >= 0 && slot[b]! >= 0) {
        const den = suffixW[Math.max(shapes[a]!.start, shapes[b]!.start)]!;
        v = (den > 0 ? G[slot[a]! * m + slot[b]!]! / den : NaN) * f;
      } else {
        const x = cols[a]!;
        const y = cols[b]!;
        for (let i = 0; i < t; i++) prod[i] = (x[i]! - means[a]!) * (y[i]! - means[b]!);
        v = ewmLast(prod, span) * f;
      }
      out[a]![b] = v;
      out[b]![a] = v;
    }
  }
  checkReturnsMatrix(out, returns.tickers, 'exponential covariance');
  return out;
}

/** X'X of complete columns, as rows (the tiled kernel of gram.ts; exactly symmetric). */
export function crossProduct(cols: readonly Float64Array[]): Mat {
  return toMat(gram(cols), cols.length, cols.length);
}

/** A flat row-major r × c array as rows. */
function toMat(flat: Float64Array, r: number, c: number): Mat {
  const out: Mat = new Array(r);
  for (let i = 0; i < r; i++) out[i] = Array.from(flat.subarray(i * c, (i + 1) * c));
  return out;
}

/** Element-wise product of columns, a fresh column (plain loop: typed-array `from` with a map callback is slow in V8). */
function mapColumn(c: Float64Array, f: (v: number, i: number) => number): Float64Array {
  const out = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) out[i] = f(c[i]!, i);
  return out;
}

/** Copies the upper triangle onto the lower: products like r·s_i·s_j round differently by order. */
function symmetrise(m: Mat): Mat {
  for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) m[j]![i] = m[i]![j]!;
  return m;
}

function scaleInPlace(m: Mat, k: number): Mat {
  for (const r of m) for (let j = 0; j < r.length; j++) r[j]! *= k;
  return m;
}

/** Returns with missing values set to 0, then each column demeaned (over all rows). */
function filledDemeaned(returns: Frame): { x: Float64Array[]; t: number } {
  const t = returns.dates.length;
  const x = returns.columns.map((c) => {
    const filled = new Float64Array(t);
    let s = 0;
    for (let i = 0; i < t; i++) {
      const v = c[i]!;
      if (v === v) {
        filled[i] = v;
        s += v;
      }
    }
    const m = s / t;
    for (let i = 0; i < t; i++) filled[i]! -= m;
    return filled;
  });
  return { x, t };
}

export type ShrinkageTarget = 'constant_variance' | 'single_factor' | 'constant_correlation';

export interface Shrunk {
  cov: Mat;
  /** The shrinkage intensity δ ∈ [0, 1] towards the target. */
  delta: number;
}

function needRows(returns: Frame, what: string): void {
  if (returns.dates.length < 2) throw badInput(`${what} needs at least 2 return rows, got ${returns.dates.length}`);
}

/**
 * Ledoit-Wolf shrinkage. 'constant_variance' is the classic estimator (towards μ·I, the intensity
 * of Ledoit & Wolf 2004 as scikit-learn computes it); 'single_factor' shrinks towards a one-factor
 * (equal-weighted market) model, 'constant_correlation' towards a matrix with every correlation
 * equal to the average one (Ledoit & Wolf 2003, 2004).
 */
export function ledoitWolf(prices: Frame, opts: RiskModelOptions & { target?: ShrinkageTarget } = {}): Shrunk {
  const target0 = opts.target ?? 'constant_variance';
  const L = target0 === 'constant_variance' && !opts.logReturns ? loadPrices(prices) : null;
  const fast = L ? ledoitWolfFlat(L) : null;
  if (L && fast) return { cov: flatToMat(fast.cov, L.n, opts.frequency ?? TRADING_DAYS), delta: fast.delta };
  const returns = returnsFromPrices(prices, opts.logReturns ?? false);
  needRows(returns, 'Ledoit-Wolf shrinkage');
  const f = opts.frequency ?? TRADING_DAYS;
  const target = opts.target ?? 'constant_variance';
  const r = target === 'constant_variance' ? lwConstantVariance(returns) : target === 'single_factor' ? lwSingleFactor(returns) : lwConstantCorrelation(returns);
  return { cov: symmetrise(scaleInPlace(r.cov, f)), delta: r.delta };
}

function lwConstantVariance(returns: Frame): Shrunk {
  const { x, t } = filledDemeaned(returns);
  const p = x.length;
  const xtx = crossProduct(x);
  let trace = 0;
  for (let i = 0; i < p; i++) trace += xtx[i]![i]! / t;
  const mu = trace / p;
  // Σ_ij (X²ᵀX²)_ij = Σ_t (Σ_i x_ti²)²: row sums of squares, accumulated a column at a time
  // (contiguous reads), instead of a p × p product.
  const rowSq = new Float64Array(t);
  for (let j = 0; j < p; j++) {
    const c = x[j]!;
    for (let i = 0; i < t; i++) rowSq[i]! += c[i]! * c[i]!;
  }
  let beta_ = 0;
  for (let i = 0; i < t; i++) beta_ += rowSq[i]! * rowSq[i]!;
  let delta_ = 0;
  for (const row of xtx) for (const v of row) delta_ += v * v;
  delta_ /= t * t;
  let beta = (beta_ / t - delta_) / (p * t);
  const delta = (delta_ - 2 * mu * trace + p * mu * mu) / p;
  beta = Math.min(beta, delta);
  const shrinkage = beta === 0 ? 0 : beta / delta;
  const cov = xtx.map((row, i) => row.map((v, j) => (1 - shrinkage) * (v / t) + (i === j ? shrinkage * mu : 0)));
  return { cov, delta: shrinkage };
}

function lwSingleFactor(returns: Frame): Shrunk {
  const { x, t } = filledDemeaned(returns);
  const n = x.length;
  const mkt = new Float64Array(t);
  for (let i = 0; i < t; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += x[j]![i]!;
    mkt[i] = s / n;
  }
  // Population (1/t) moments: the sample, the betas on the market, the market's variance.
  const sample = scaleInPlace(crossProduct(x), 1 / t);
  const betas = x.map((c) => {
    let s = 0;
    for (let i = 0; i < t; i++) s += c[i]! * mkt[i]!;
    return s / t;
  });
  let varMkt = 0;
  for (let i = 0; i < t; i++) varMkt += mkt[i]! * mkt[i]!;
  varMkt /= t;
  if (!(varMkt > 0)) throw badInput('single-factor shrinkage: the market return has no variance');
  const F = betas.map((bi, i) => betas.map((bj, j) => (i === j ? sample[i]![i]! : (bi * bj) / varMkt)));
  let c = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c += (sample[i]![j]! - F[i]![j]!) ** 2;
  const y = x.map((col) => mapColumn(col, (v) => v * v));
  const z = x.map((col) => mapColumn(col, (v, i) => v * mkt[i]!));
  const yty = crossProduct(y);
  const ytz = crossGram(y, z, t);
  const ztz = gram(z, t);
  let pHat = 0;
  let sumSample2 = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      pHat += yty[i]![j]! / t;
      sumSample2 += sample[i]![j]! ** 2;
    }
  pHat -= sumSample2;
  let rdiag = 0;
  for (let i = 0; i < n; i++) rdiag += yty[i]![i]! / t - sample[i]![i]! ** 2;
  // v1_ij = (yᵀz)_ij/t − c_i·S_ij, v3 = zᵀz/t − varMkt·S (c = covariances with the market).
  let roff1 = 0;
  let roff3 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const yz = ytz[i * n + j]!;
      const zz = ztz[i * n + j]!;
      const v1 = yz / t - betas[i]! * sample[i]![j]!;
      const v3 = zz / t - varMkt * sample[i]![j]!;
      if (i !== j) {
        roff1 += (v1 * betas[j]!) / varMkt;
        roff3 += (v3 * betas[i]! * betas[j]!) / (varMkt * varMkt);
      }
    }
  }
  const r = rdiag + 2 * roff1 - roff3;
  const k = (pHat - r) / c;
  const delta = Math.max(0, Math.min(1, k / t));
  const cov = sample.map((row, i) => row.map((v, j) => delta * F[i]![j]! + (1 - delta) * v));
  return { cov, delta };
}

function lwConstantCorrelation(returns: Frame): Shrunk {
  // The target and intensity use the pairwise-complete sample covariance (ddof 1), the moments
  // the filled, demeaned returns (1/t), as Ledoit & Wolf's constant-correlation estimator does.
  const S = covarianceMatrix(returns);
  checkReturnsMatrix(S, returns.tickers, 'constant-correlation shrinkage');
  const { x, t } = filledDemeaned(returns);
  const n = x.length;
  if (n < 2) return { cov: S, delta: 0 };
  const std = S.map((r, i) => Math.sqrt(r[i]!));
  let rSum = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) rSum += S[i]![j]! / (std[i]! * std[j]!);
  const rBar = rSum / (n * (n - 1));
  const F = S.map((row, i) => row.map((v, j) => (i === j ? v : rBar * std[i]! * std[j]!)));
  const y = x.map((c) => mapColumn(c, (v) => v * v));
  const cube = x.map((c) => mapColumn(c, (v) => v * v * v));
  const yty = crossProduct(y);
  const xtx = crossProduct(x);
  const x3tx = crossGram(cube, x, t);
  let piHat = 0;
  let piDiag = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const pij = yty[i]![j]! / t - (2 * xtx[i]![j]! * S[i]![j]!) / t + S[i]![j]! ** 2;
      piHat += pij;
      if (i === j) piDiag += pij;
    }
  // θ_ij = E[x_i³ x_j] − E[x_i²]·S_ij − E[x_i x_j]·S_ii + S_ii·S_ij, off the diagonal.
  let thetaSum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const s = x3tx[i * n + j]!;
      const theta = s / t - (xtx[i]![i]! / t) * S[i]![j]! - (xtx[i]![j]! / t) * S[i]![i]! + S[i]![i]! * S[i]![j]!;
      thetaSum += (std[j]! / std[i]!) * theta;
    }
  }
  const rhoHat = piDiag + rBar * thetaSum;
  let gammaHat = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gammaHat += (S[i]![j]! - F[i]![j]!) ** 2;
  const kappa = gammaHat > 0 ? (piHat - rhoHat) / gammaHat : 0;
  const delta = Math.max(0, Math.min(1, kappa / t));
  const cov = S.map((row, i) => row.map((v, j) => delta * F[i]![j]! + (1 - delta) * v));
  return { cov, delta };
}

/** Oracle approximating shrinkage (Chen, Wiesel, Eldar & Hero 2010) towards μ·I. */
export function oracleApproximating(prices: Frame, opts: RiskModelOptions = {}): Shrunk {
  const returns = returnsFromPrices(prices, opts.logReturns ?? false);
  needRows(returns, 'oracle approximating shrinkage');
  const f = opts.frequency ?? TRADING_DAYS;
  const { x, t } = filledDemeaned(returns);
  const p = x.length;
  const emp = scaleInPlace(crossProduct(x), 1 / t);
  let trace = 0;
  let sq = 0;
  for (let i = 0; i < p; i++) {
    trace += emp[i]![i]!;
    for (let j = 0; j < p; j++) sq += emp[i]![j]! ** 2;
  }
  const mu = trace / p;
  const alpha = sq / (p * p);
  const num = alpha + mu * mu;
  const den = (t + 1) * (alpha - (mu * mu) / p);
  const shrinkage = den === 0 ? 1 : Math.min(num / den, 1);
  const cov = emp.map((row, i) => row.map((v, j) => ((1 - shrinkage) * v + (i === j ? shrinkage * mu : 0)) * f));
  return { cov: symmetrise(cov), delta: shrinkage };
}

export type RiskModelName = 'sample' | 'ledoit-wolf' | 'ledoit-wolf-single-factor' | 'ledoit-wolf-constant-correlation' | 'oracle-approximating' | 'exp-cov' | 'semicovariance';
export const RISK_MODELS: readonly RiskModelName[] = ['sample', 'ledoit-wolf', 'ledoit-wolf-single-factor', 'ledoit-wolf-constant-correlation', 'oracle-approximating', 'exp-cov', 'semicovariance'];

/** One entry point for the named risk models (the CLI's --risk-model). */
export function riskMatrix(prices: Frame, name: RiskModelName, opts: RiskModelOptions & { span?: number; benchmark?: number } = {}): Mat {
  switch (name) {
    case 'sample':
      return sampleCov(prices, opts);
    case 'ledoit-wolf':
      return ledoitWolf(prices, { ...opts, target: 'constant_variance' }).cov;
    case 'ledoit-wolf-single-factor':
      return ledoitWolf(prices, { ...opts, target: 'single_factor' }).cov;
    case 'ledoit-wolf-constant-correlation':
      return ledoitWolf(prices, { ...opts, target: 'constant_correlation' }).cov;
    case 'oracle-approximating':
      return oracleApproximating(prices, opts).cov;
    case 'exp-cov':
      return expCov(prices, opts);
    case 'semicovariance':
      return semicovariance(prices, opts);
  }
}
