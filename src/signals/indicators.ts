/**
 * Indicators on a series, following backtrader's definitions so its published test values apply
 * (tests/unit/signals/indicators.test.ts checks them on backtrader's own data):
 *   SMA(n)      sum of the last n / n, first valid at index n−1;
 *   EMA(n)      α = 2/(n+1), x·α + prev·(1−α), seeded with SMA(n) at index n−1;
 *   StdDev(n)   population standard deviation (ddof 0) of the last n, first valid at n−1;
 *   Momentum(n) x[t] − x[t−n], first valid at n;  ROC(n) = Momentum(n) / x[t−n];
 *   CrossOver   +1 / −1 / 0 where a crosses above / below b (see crossOver).
 * Each returns a series as long as its input with NaN where the indicator is not yet valid.
 */

function checkPeriod(name: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${name} period must be an integer ≥ ${min}, got ${n}`);
}

/** Sum of xs[from..to) with Neumaier compensation: backtrader sums windows with math.fsum. */
function windowSum(xs: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const x = xs[i]!;
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}

export function sma(xs: ArrayLike<number>, n: number): number[] {
  checkPeriod('SMA', n);
  const out = new Array<number>(xs.length).fill(Number.NaN);
  for (let i = n - 1; i < xs.length; i++) out[i] = windowSum(xs, i - n + 1, i + 1) / n;
  return out;
}

/** SMA of the last n values only (the newest point of sma(xs, n)); NaN with fewer than n values. */
export function smaLast(xs: ArrayLike<number>, n: number, end = xs.length): number {
  checkPeriod('SMA', n);
  return end < n ? Number.NaN : windowSum(xs, end - n, end) / n;
}

export function ema(xs: ArrayLike<number>, n: number): number[] {
  checkPeriod('EMA', n);
  const out = new Array<number>(xs.length).fill(Number.NaN);
  if (xs.length < n) return out;
  const alpha = 2 / (n + 1);
  let prev = windowSum(xs, 0, n) / n;
  out[n - 1] = prev;
  for (let i = n; i < xs.length; i++) {
    prev = prev * (1 - alpha) + xs[i]! * alpha;
    out[i] = prev;
  }
  return out;
}

/** Population standard deviation of xs[from..to) (two-pass around the window mean). */
function windowStd(xs: ArrayLike<number>, from: number, to: number): number {
  const n = to - from;
  const m = windowSum(xs, from, to) / n;
  let ss = 0;
  for (let i = from; i < to; i++) {
    const d = xs[i]! - m;
    ss += d * d;
  }
  return Math.sqrt(ss / n);
}

export function stddev(xs: ArrayLike<number>, n: number): number[] {
  checkPeriod('StdDev', n);
  const out = new Array<number>(xs.length).fill(Number.NaN);
  for (let i = n - 1; i < xs.length; i++) out[i] = windowStd(xs, i - n + 1, i + 1);
  return out;
}

/** Population standard deviation of the last n values; NaN with fewer than n values. */
export function stddevLast(xs: ArrayLike<number>, n: number, end = xs.length): number {
  checkPeriod('StdDev', n);
  return end < n ? Number.NaN : windowStd(xs, end - n, end);
}

export function momentum(xs: ArrayLike<number>, n: number): number[] {
  checkPeriod('Momentum', n);
  const out = new Array<number>(xs.length).fill(Number.NaN);
  for (let i = n; i < xs.length; i++) out[i] = xs[i]! - xs[i - n]!;
  return out;
}

export function roc(xs: ArrayLike<number>, n: number): number[] {
  checkPeriod('ROC', n);
  const out = new Array<number>(xs.length).fill(Number.NaN);
  for (let i = n; i < xs.length; i++) out[i] = (xs[i]! - xs[i - n]!) / xs[i - n]!;
  return out;
}

/**
 * backtrader's CrossOver(a, b). With nzd the last non-zero a − b (seeded with a − b at the first
 * index where both are valid, even if that is 0), an up-cross at t needs nzd[t−1] < 0 and
 * a[t] > b[t]; a down-cross needs nzd[t−1] > 0 and a[t] < b[t]. So a touch (a = b) followed by a
 * move back is no cross, and a touch followed by going through is one cross, on the bar that goes
 * through. The first valid value is one index after the seed; NaN before.
 */
export function crossOver(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  if (a.length !== b.length) throw new RangeError(`crossOver needs series of equal length, got ${a.length} and ${b.length}`);
  const out = new Array<number>(a.length).fill(Number.NaN);
  let nzd = Number.NaN;
  for (let t = 0; t < a.length; t++) {
    const d = a[t]! - b[t]!;
    if (Number.isNaN(d)) continue;
    if (Number.isNaN(nzd)) {
      nzd = d;
      continue;
    }
    out[t] = nzd < 0 && d > 0 ? 1 : nzd > 0 && d < 0 ? -1 : 0;
    if (d !== 0) nzd = d;
  }
  return out;
}

/** Simple returns x[t]/x[t−1] − 1, one shorter than the input. */
export function simpleReturns(xs: ArrayLike<number>): number[] {
  const out = new Array<number>(Math.max(0, xs.length - 1));
  for (let i = 1; i < xs.length; i++) out[i - 1] = xs[i]! / xs[i - 1]! - 1;
  return out;
}
