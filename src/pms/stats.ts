/**
 * Small statistics kernel shared by the PMS analytics: moments, the empirical quantile (numpy's
 * default 'linear' method, bit for bit), and the standard normal pdf, cdf and quantile.
 */

function checkFinite(xs: readonly number[], what: string): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) throw new RangeError(`${what}[${i}] is not a finite number: ${String(xs[i])}`);
  }
}

/** Arithmetic mean; throws on an empty list. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('mean of an empty list');
  checkFinite(xs, 'mean');
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance with the n − 1 divisor (numpy `var(ddof=1)`); needs at least 2 values. */
export function sampleVariance(xs: readonly number[]): number {
  if (xs.length < 2) throw new RangeError(`sample variance needs at least 2 values, got ${xs.length}`);
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

/** Sample standard deviation (n − 1 divisor). */
export function sampleStd(xs: readonly number[]): number {
  return Math.sqrt(sampleVariance(xs));
}

/**
 * Empirical quantile with numpy's default method 'linear' (Hyndman & Fan type 7), reproducing
 * `numpy.quantile(xs, q)` exactly, including its two-sided interpolation:
 *
 *   sort ascending → x₀ ≤ … ≤ xₙ₋₁;  h = (n − 1)·q;  i = ⌊h⌋;  g = h − i
 *   Q = x_i + (x_{i+1} − x_i)·g        when g < 0.5
 *   Q = x_{i+1} − (x_{i+1} − x_i)·(1 − g)  when g ≥ 0.5      (and Q = xₙ₋₁ when h ≥ n − 1)
 *
 * e.g. xs = [1, 2, 3, 4, 10], q = 0.95: h = 3.8, Q = 10 − 6·0.2 = 8.8.
 */
export function quantileLinear(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new RangeError('quantile of an empty list');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile level must be in [0, 1], got ${q}`);
  checkFinite(xs, 'quantile');
  const sorted = [...xs].sort((a, b) => a - b);
  return quantileSorted(sorted, q);
}

/** `quantileLinear` on a list already sorted ascending (not checked). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const h = (n - 1) * q;
  if (h >= n - 1) return sorted[n - 1]!;
  const i = Math.floor(h);
  const g = h - i;
  const a = sorted[i]!;
  const b = sorted[i + 1]!;
  const diff = b - a;
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}

const INV_SQRT_2PI = 0.3989422804014327;

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Standard normal distribution function Φ(x), Hart's double-precision algorithm as given by
 * G. West, "Better approximations to cumulative normal functions" (2005): absolute error
 * below 1e-16 everywhere, relative error below 1e-8 in the far tails (|x| > 7).
 */
export function normalCdf(x: number): number {
  const ax = Math.abs(x);
  let tail: number;
  if (ax > 37) {
    tail = 0;
  } else {
    const e = Math.exp(-0.5 * ax * ax);
    if (ax < 7.07106781186547) {
      let num = 3.52624965998911e-2 * ax + 0.700383064443688;
      num = num * ax + 6.37396220353165;
      num = num * ax + 33.912866078383;
      num = num * ax + 112.079291497871;
      num = num * ax + 221.213596169931;
      num = num * ax + 220.206867912376;
      let den = 8.83883476483184e-2 * ax + 1.75566716318264;
      den = den * ax + 16.064177579207;
      den = den * ax + 86.7807322029461;
      den = den * ax + 296.564248779674;
      den = den * ax + 637.333633378831;
      den = den * ax + 793.826512519948;
      den = den * ax + 440.413735824752;
      tail = (e * num) / den;
    } else {
      let b = ax + 0.65;
      b = ax + 4 / b;
      b = ax + 3 / b;
      b = ax + 2 / b;
      b = ax + 1 / b;
      tail = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

function tailApprox(q: number): number {
  return (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
}

/**
 * Standard normal quantile z = Φ⁻¹(p) for 0 < p < 1: Acklam's rational approximation (relative error
 * 1.15e-9) polished by one Halley step on `normalCdf`, good to ~1e-15 in the range VaR uses.
 * z(0.95) = 1.6448536269514722, z(0.99) = 2.3263478740408408.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs 0 < p < 1, got ${p}`);
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    x = tailApprox(Math.sqrt(-2 * Math.log(p)));
  } else if (p > 1 - pLow) {
    x = -tailApprox(Math.sqrt(-2 * Math.log(1 - p)));
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
      (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
  }
  // One Halley step: e = Φ(x) − p, u = e / φ(x).
  const e = normalCdf(x) - p;
  const u = e / normalPdf(x);
  return x - u / (1 + (x * u) / 2);
}
