/**
 * Indicators computed over a whole series at once (backtrader's "runonce" mode): value i uses
 * inputs 0..i only, and is NaN before the first valid index. backtrader's conventions.
 */

/**
 * A running sum that is exact: the value is the correctly rounded sum of everything added (and
 * subtracted), as Python's math.fsum gives (Shewchuk's partials). backtrader's SMA is
 * fsum(window) / n, and a cross decided on the last bit of a naive running sum would differ from it.
 */
export class ExactSum {
  // Partials in increasing magnitude, non-overlapping; a handful for prices, 64 is far beyond need.
  private p = new Float64Array(64);
  private n = 0;

  add(value: number): void {
    const p = this.p;
    let x = value;
    let i = 0;
    for (let j = 0; j < this.n; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    if (i >= p.length) {
      const grown = new Float64Array(p.length * 2);
      grown.set(p);
      this.p = grown;
    }
    this.p[i] = x;
    this.n = i + 1;
  }

  value(): number {
    const p = this.p;
    let n = this.n;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    // Round half-even correctly when the rest of the partials push past the halfway point.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}

/**
 * 2^k such that the sum of any n + 1 values of `x` splits exactly into two double sums: of each
 * value's part on the 2^k grid, hi = floor(v / 2^k)·2^k, and of its rest lo = v - hi in [0, 2^k);
 * 0 when no such k exists (then ExactSum). Every value is a finite double in [2^e, 2^(E+1)) with
 * e = emin, E = emax, so a multiple of u = 2^(e-52); with 2^c ≥ n + 1 and k = E + 1 + c - 53, the hi
 * sums are multiples of 2^k below 2^(53+k) and the lo sums multiples of u below 2^(53)·u when
 * 2c + E - e ≤ 53: both exact, and one IEEE addition of the two exact sums is the correctly rounded
 * window sum, which is what ExactSum.value() (fsum) gives. Prices span a few binades, so windows up to
 * 2^20 bars qualify; an exact sum of partials per bar was a tenth of a daily-bar run.
 */
export function windowScale(x: ArrayLike<number>, n: number): number {
  const mm = new Float64Array(2);
  if (!positiveRange(x, mm)) return 0;
  const min = mm[0]!;
  const max = mm[1]!;
  if (!(min >= 2 ** -500 && max <= 2 ** 500)) return 0;
  // One binade of slack each way: log2 may round across a power of two.
  const e = Math.floor(Math.log2(min)) - 1;
  const E = Math.floor(Math.log2(max)) + 1;
  let c = 0;
  while (2 ** c < n + 1) c++;
  if (2 * c + E - e > 53) return 0;
  return 2 ** (E + 1 + c - 53);
}

/**
 * The least and greatest value into mm[0], mm[1]; false at the first value that is not positive and
 * finite. Its own function with a plain return after the loop: code V8 compiles inside a once-a-run
 * loop knows nothing yet of what follows it, and deoptimised there.
 */
function positiveRange(x: ArrayLike<number>, mm: Float64Array): boolean {
  mm[0] = Infinity;
  mm[1] = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    // Positive and finite only (NaN fails both): zeros, signs and non-finite sums go to ExactSum.
    if (!(v > 0 && v < Infinity)) return false;
    if (v < mm[0]!) mm[0] = v;
    if (v > mm[1]!) mm[1] = v;
  }
  return x.length > 0;
}

/** SMA(n) = fsum(last n) / n, first valid at index n-1 (NaN before), as backtrader computes it. */
export function sma(x: ArrayLike<number>, n: number): Float64Array {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`SMA period must be an integer ≥ 1, got ${n}`);
  const out = new Float64Array(x.length).fill(NaN);
  if (n === 1) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]!;
    return out;
  }
  const scale = windowScale(x, n);
  if (scale > 0) {
    // The two exact sums live in a Float64Array: as double locals they were boxed on each update
    // before the loop is optimised (this runs once per run).
    const inv = 1 / scale;
    const st = new Float64Array(2);
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      const h = Math.floor(v * inv) * scale;
      st[0] = st[0]! + h;
      st[1] = st[1]! + (v - h);
      if (i >= n) {
        const w = x[i - n]!;
        const hw = Math.floor(w * inv) * scale;
        st[0] = st[0]! - hw;
        st[1] = st[1]! - (w - hw);
      }
      if (i >= n - 1) out[i] = (st[0]! + st[1]!) / n;
    }
    return out;
  }
  const sum = new ExactSum();
  for (let i = 0; i < x.length; i++) {
    sum.add(x[i]!);
    if (i >= n) sum.add(-x[i - n]!);
    if (i >= n - 1) out[i] = sum.value() / n;
  }
  return out;
}

/**
 * backtrader's CrossOver(a, b): +1 when a crosses above b, -1 below, else 0. With nzd the last
 * non-zero a - b (seeded with a - b at the first index where both are valid), an up-cross at t
 * needs nzd[t-1] < 0 and a[t] > b[t]; so a touch (a == b) followed by a move back is no cross, and
 * a touch followed by a move through is a cross at the bar that moves through.
 */
export function crossOver(a: ArrayLike<number>, b: ArrayLike<number>): Int8Array {
  const n = a.length;
  const out = new Int8Array(n);
  // Only nzd's sign matters: kept as a small integer (-1, 0, 1; 2 before the first valid index and
  // after a NaN difference (∞ - ∞), where nzd was NaN). A double state here was boxed on every bar:
  // ~16 bytes of garbage per bar, 16 MB for a 1M-bar run. Literals, not module constants: those cost
  // a context load and hole check per read in this loop.
  let sign = 2;
  for (let t = 0; t < n; t++) {
    const at = a[t]!;
    const bt = b[t]!;
    if (Number.isNaN(at) || Number.isNaN(bt)) continue;
    const d = at - bt;
    if (sign !== 2) {
      if (sign < 0 && at > bt) out[t] = 1;
      else if (sign > 0 && at < bt) out[t] = -1;
      if (d !== 0) sign = d > 0 ? 1 : d < 0 ? -1 : 2;
    } else {
      sign = d > 0 ? 1 : d < 0 ? -1 : d === 0 ? 0 : 2;
    }
  }
  return out;
}

/**
 * crossOver(sma(x, fast), sma(x, slow)) without the SMA series: on a positive series both window
 * sums stream into crossOver's rule in one loop (two plain sums each, see windowScale), so a 1M-bar
 * run allocates no 8 MB average and fills none with NaN; otherwise the slower average is written as
 * sma writes it and the faster one streams from an ExactSum. The answer is the same array, bit for bit.
 */
export function smaCrossOver(x: ArrayLike<number>, fast: number, slow: number): Int8Array {
  if (!(Number.isInteger(fast) && fast >= 1)) throw new RangeError(`SMA period must be an integer ≥ 1, got ${fast}`);
  if (!(Number.isInteger(slow) && slow >= 1)) throw new RangeError(`SMA period must be an integer ≥ 1, got ${slow}`);
  // A period of 1 is the input itself (backtrader's CrossOver(close, SMA)): rare, composed as defined.
  if (fast === 1 || slow === 1) return crossOver(sma(x, fast), sma(x, slow));
  const out = new Int8Array(x.length);
  // One scale serves both windows: chosen for the longer one, it keeps the shorter one's sums exact
  // too, and any 2^k that does gives the same correctly rounded window sum.
  const scale = windowScale(x, Math.max(fast, slow));
  if (scale === 0) return crossOverExact(x, fast, sma(x, slow), out);
  crossOverSplit(x, fast, slow, scale, out);
  return out;
}

/**
 * smaCrossOver's loop on two plain sums per window (0-1 the fast window's, 2-3 the slow one's, in a
 * Float64Array: double locals were boxed before the loop is optimised). Its own function, ending in
 * a plain return (see seriesStats in metrics.ts). Both averages exist from index max(fast, slow) - 1,
 * where crossOver's rule starts (before it one of them was NaN); on a positive series neither is NaN.
 */
function crossOverSplit(x: ArrayLike<number>, fast: number, slow: number, scale: number, out: Int8Array): void {
  const n = x.length;
  const inv = 1 / scale;
  const st = new Float64Array(4);
  const first = Math.max(fast, slow) - 1;
  // nzd's sign as in crossOver (2: unset or NaN).
  let sign = 2;
  for (let t = 0; t < n; t++) {
    const v = x[t]!;
    const h = Math.floor(v * inv) * scale;
    st[0] = st[0]! + h;
    st[1] = st[1]! + (v - h);
    st[2] = st[2]! + h;
    st[3] = st[3]! + (v - h);
    if (t >= fast) {
      const w = x[t - fast]!;
      const hw = Math.floor(w * inv) * scale;
      st[0] = st[0]! - hw;
      st[1] = st[1]! - (w - hw);
    }
    if (t >= slow) {
      const w = x[t - slow]!;
      const hw = Math.floor(w * inv) * scale;
      st[2] = st[2]! - hw;
      st[3] = st[3]! - (w - hw);
    }
    if (t < first) continue;
    const at = (st[0]! + st[1]!) / fast;
    const bt = (st[2]! + st[3]!) / slow;
    const d = at - bt;
    if (sign !== 2) {
      if (sign < 0 && at > bt) out[t] = 1;
      else if (sign > 0 && at < bt) out[t] = -1;
      if (d !== 0) sign = d > 0 ? 1 : d < 0 ? -1 : 2;
    } else {
      sign = d > 0 ? 1 : d < 0 ? -1 : d === 0 ? 0 : 2;
    }
  }
}

/** smaCrossOver's loop with the fast window summed by ExactSum: any series (zeros, signs, NaN, infinities). */
function crossOverExact(x: ArrayLike<number>, fast: number, b: Float64Array, out: Int8Array): Int8Array {
  const n = x.length;
  const fs = new ExactSum();
  // nzd's sign as in crossOver (2: unset or NaN).
  let sign = 2;
  for (let t = 0; t < n; t++) {
    fs.add(x[t]!);
    if (t >= fast) fs.add(-x[t - fast]!);
    if (t < fast - 1) continue;
    const at = fs.value() / fast;
    const bt = b[t]!;
    if (Number.isNaN(at) || Number.isNaN(bt)) continue;
    const d = at - bt;
    if (sign !== 2) {
      if (sign < 0 && at > bt) out[t] = 1;
      else if (sign > 0 && at < bt) out[t] = -1;
      if (d !== 0) sign = d > 0 ? 1 : d < 0 ? -1 : 2;
    } else {
      sign = d > 0 ? 1 : d < 0 ? -1 : d === 0 ? 0 : 2;
    }
  }
  return out;
}
