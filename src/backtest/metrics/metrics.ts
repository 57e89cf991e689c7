import { normalCdf, normalQuantile } from '../../pms/stats.ts';
import type { BacktestFill, FillAssumptions, RoundTrip } from '../types.ts';
import type { Breakdown } from './periods.ts';
import { periodBounds, periodKey } from './periods.ts';

/**
 * The metrics of one run. Conventions (stated because every backtester picks its own):
 *  - returns are simple returns of the equity marked at each bar's close; the first is against the
 *    starting cash, so a run of n bars has n returns;
 *  - volatility, Sharpe and Sortino annualise by √periodsPerYear (252 for daily bars, else inferred
 *    from the bar interval on a 365-day year); the standard deviation is the sample one (n-1);
 *    Sortino's downside deviation is √(Σ min(r - rf, 0)² / n) over all periods;
 *  - CAGR compounds over calendar time from the first bar to the last (365.25-day years);
 *  - max drawdown is the largest fall from a running peak of equity, as a fraction; its duration is
 *    the longest stretch from a peak until equity regains it (or the end of the run);
 *  - trade statistics count closed round trips only; an open position at the end is reported apart;
 *  - probabilistic Sharpe (Bailey & López de Prado 2012) uses per-period Sharpe, skewness and
 *    kurtosis of the returns against a benchmark Sharpe of 0; the deflated Sharpe (2014) raises the
 *    benchmark to the expected maximum Sharpe of `trials.count` independent trials whose per-period
 *    Sharpe ratios have variance `trials.sharpeVariance`.
 */
export interface MetricsInput {
  time: ArrayLike<number>;
  equity: ArrayLike<number>;
  initialEquity: number;
  /** Gross value of positions at each bar's close (≥ 0), or any positive flag: only whether it is > 0 is read (exposure time). */
  exposure: ArrayLike<number>;
  fills: readonly BacktestFill[];
  trades: readonly RoundTrip[];
  assumptions: FillAssumptions;
  periodsPerYear?: number;
  /** Annual risk-free rate, 0 by default. */
  riskFree?: number;
  /** Absolute value held in each instrument per bar, when there are several (Herfindahl). */
  instrumentValues?: readonly ArrayLike<number>[];
  /** For the deflated Sharpe ratio of a sweep. */
  trials?: { count: number; sharpeVariance: number };
}

export interface PeriodReturn {
  period: string;
  startEquity: number;
  endEquity: number;
  return: number;
}

export interface TradeGroup {
  key: string;
  trades: number;
  pnl: number;
  winRate: number | null;
}

export interface Metrics {
  assumptions: FillAssumptions;
  bars: number;
  periodsPerYear: number;
  startEquity: number;
  endEquity: number;
  totalReturn: number;
  cagr: number | null;
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdown: number;
  maxDrawdownBars: number;
  maxDrawdownMs: number;
  turnover: number;
  annualTurnover: number | null;
  costs: { fees: number; spread: number; impact: number; total: number };
  herfindahl: number | null;
  trades: number;
  openTrades: number;
  winRate: number | null;
  profitFactor: number | null;
  avgWin: number | null;
  avgLoss: number | null;
  exposureTime: number;
  avgHoldingBars: number | null;
  avgHoldingMs: number | null;
  probabilisticSharpe: number | null;
  deflatedSharpe: number | null;
  byInstrument: TradeGroup[];
  byExitReason: TradeGroup[];
}

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const EULER_GAMMA = 0.5772156649015329;

export function inferPeriodsPerYear(time: ArrayLike<number>): number {
  const n = time.length;
  if (n < 2) return 252;
  const steps = new Float64Array(Math.min(n, 1001) - 1);
  let nan = false;
  for (let i = 1; i <= steps.length; i++) {
    const s = time[i]! - time[i - 1]!;
    steps[i - 1] = s;
    if (s !== s) nan = true;
  }
  const step = nan ? sortedMiddle(steps) : middleOf(steps);
  if (step >= DAY - 3_600_000 && step <= DAY + 3_600_000) return 252;
  if (step >= 6 * DAY && step <= 8 * DAY) return 52;
  if (step >= 27 * DAY && step <= 32 * DAY) return 12;
  return step > 0 ? YEAR / step : 252;
}

/** The element at index length >> 1 of the sorted array (a typed array sorts numerically, NaN last). */
function sortedMiddle(a: Float64Array): number {
  a.sort();
  return a[a.length >> 1]!;
}

/**
 * sortedMiddle without the sort, for an array without NaN: Hoare's selection, O(n) on average (the
 * sort of a daily-bar run's 1,000 steps was ~1% of its run through the kernel). It rearranges `a`.
 * The same value as the sort's (a -0 may stand for a +0 there: every reader compares it with > 0).
 */
export function middleOf(a: Float64Array): number {
  const k = a.length >> 1;
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    // a[lo..j] <= pivot <= a[i..hi], and everything between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

export function simpleReturns(equity: ArrayLike<number>, initial: number): Float64Array {
  const n = equity.length;
  const r = new Float64Array(n);
  let prev = initial;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    r[i] = e / prev - 1;
    prev = e;
  }
  return r;
}

interface Moments {
  mean: number;
  /** Sample standard deviation (n-1). */
  std: number;
  skew: number;
  /** Kurtosis (not excess): 3 for a normal distribution. */
  kurtosis: number;
}

export function moments(x: ArrayLike<number>): Moments {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = n ? s / n : NaN;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return momentsOf(n, mean, m2, m3, m4);
}

function momentsOf(n: number, mean: number, m2: number, m3: number, m4: number): Moments {
  const pvar = m2 / n;
  return {
    mean,
    std: n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN,
    skew: pvar > 0 ? m3 / n / pvar ** 1.5 : 0,
    kurtosis: pvar > 0 ? m4 / n / (pvar * pvar) : 3,
  };
}

interface SeriesStats {
  /** moments(excess returns). */
  excess: Moments;
  /** moments(simple returns).std. */
  returnsStd: number;
  /** Σ excess² over the bars with a negative excess return. */
  down: number;
  equitySum: number;
  exposed: number;
}

/**
 * What computeMetrics reads of the per-bar series, in two passes and no returns array: the same
 * sums, each in the same order, as moments(excess), moments(simpleReturns(...)), the downside sum,
 * Σ equity and the exposed count made in eight passes over three arrays (a return is recomputed in
 * the second pass, e / prev − 1 as simpleReturns writes it). Sums live in a Float64Array: this runs
 * once per run, mostly before its loop is optimised, and a double local was boxed on each update
 * (~20 MB of garbage on 1M bars). Each pass is its own function whose loop is followed by a plain
 * return: V8 optimises a once-a-run loop on stack replacement, and code compiled inside the first
 * pass knew nothing yet of what follows it; it deoptimised there, on some runs at every run, and the
 * second pass then ran unoptimised (boxing a double per read: ~150 KB and ~0.1 ms a daily-bar run).
 */
function seriesStats(equity: ArrayLike<number>, e0: number, rfPer: number, exposure: ArrayLike<number>): SeriesStats {
  const n = equity.length;
  // 0: Σ excess, 1: Σ returns, 2: down, 3: Σ equity, 4-6: excess m2 m3 m4, 7: returns m2.
  const a = new Float64Array(8);
  const exposed = seriesSums(equity, e0, rfPer, exposure, a);
  const mean = n ? a[0]! / n : NaN;
  const meanR = n ? a[1]! / n : NaN;
  seriesDeviations(equity, e0, rfPer, mean, meanR, a);
  return { excess: momentsOf(n, mean, a[4]!, a[5]!, a[6]!), returnsStd: n > 1 ? Math.sqrt(a[7]! / (n - 1)) : NaN, down: a[2]!, equitySum: a[3]!, exposed };
}

/** seriesStats' first pass: Σ excess, Σ returns, the downside sum and Σ equity into a[0..3]; the exposed count. */
function seriesSums(equity: ArrayLike<number>, e0: number, rfPer: number, exposure: ArrayLike<number>, a: Float64Array): number {
  const n = equity.length;
  let exposed = 0;
  let prev = e0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    const r = e / prev - 1;
    prev = e;
    const x = rfPer === 0 ? r : r - rfPer;
    a[0] = a[0]! + x;
    a[1] = a[1]! + r;
    if (x < 0) a[2] = a[2]! + x * x;
    a[3] = a[3]! + e;
    if (exposure[i]! > 0) exposed++;
  }
  return exposed;
}

/** seriesStats' second pass: the excess return's central moments into a[4..6], the returns' m2 into a[7]. */
function seriesDeviations(equity: ArrayLike<number>, e0: number, rfPer: number, mean: number, meanR: number, a: Float64Array): void {
  const n = equity.length;
  let prev = e0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    const r = e / prev - 1;
    prev = e;
    const x = rfPer === 0 ? r : r - rfPer;
    const d = x - mean;
    const d2 = d * d;
    a[4] = a[4]! + d2;
    a[5] = a[5]! + d2 * d;
    a[6] = a[6]! + d2 * d2;
    const dr = r - meanR;
    a[7] = a[7]! + dr * dr;
  }
}

/** PSR: probability that the true Sharpe exceeds `benchmark` (both per period), given n returns. */
export function probabilisticSharpe(sr: number, benchmark: number, n: number, skew: number, kurtosis: number): number | null {
  if (n < 2 || !Number.isFinite(sr)) return null;
  const denom = 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (!(denom > 0)) return null;
  return normalCdf(((sr - benchmark) * Math.sqrt(n - 1)) / Math.sqrt(denom));
}

/** Expected maximum per-period Sharpe of `count` independent trials with zero true Sharpe. */
export function expectedMaxSharpe(count: number, sharpeVariance: number): number {
  if (count < 2) return 0;
  return Math.sqrt(sharpeVariance) * ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / count) + EULER_GAMMA * normalQuantile(1 - 1 / (count * Math.E)));
}

export function drawdown(equity: ArrayLike<number>, time: ArrayLike<number>, initial: number): { max: number; bars: number; ms: number } {
  // The double state lives in a Float64Array (0: peak, 1: its time, 2: deepest drawdown, 3: longest
  // time under water): as locals they were boxed at each update, garbage on every new peak. The loop
  // is its own function ending in a plain return, as seriesStats' passes are (the result literal
  // after it deoptimised code compiled inside it).
  const st = new Float64Array(4);
  st[0] = initial;
  st[1] = time.length ? time[0]! : 0;
  const bars = drawdownPass(equity, time, st);
  return { max: st[2]!, bars, ms: st[3]! };
}

/** drawdown's loop: updates st, returns the longest run of bars under water. */
function drawdownPass(equity: ArrayLike<number>, time: ArrayLike<number>, st: Float64Array): number {
  // Literal indices: module constants read here cost a context load and hole check per access.
  let peakBar = -1;
  let longestBars = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e >= st[0]!) {
      st[0] = e;
      peakBar = i;
      st[1] = time[i]!;
      continue;
    }
    const dd = 1 - e / st[0]!;
    if (dd > st[2]!) st[2] = dd;
    if (i - peakBar > longestBars) longestBars = i - peakBar;
    const under = time[i]! - st[1]!;
    if (under > st[3]!) st[3] = under;
  }
  return longestBars;
}

/** Compounded return per calendar period (UTC): last equity of the period over the last of the previous. */
export function periodReturns(time: ArrayLike<number>, equity: ArrayLike<number>, initial: number, period: Breakdown): PeriodReturn[] {
  const out: PeriodReturn[] = [];
  let start = initial;
  let key: string | null = null;
  let end = initial;
  // The key is computed only when a bar leaves the current period's [from, until) window.
  let until = -Infinity;
  let from = Infinity;
  for (let i = 0; i < time.length; i++) {
    const t = time[i]!;
    if (t >= until || t < from) {
      const k = periodKey(period, t);
      if (k !== key) {
        if (key !== null) {
          out.push({ period: key, startEquity: start, endEquity: end, return: end / start - 1 });
          start = end;
        }
        key = k;
      }
      [from, until] = periodBounds(period, t);
    }
    end = equity[i]!;
  }
  if (key !== null) out.push({ period: key, startEquity: start, endEquity: end, return: end / start - 1 });
  return out;
}

function groupTrades(trades: readonly RoundTrip[], key: (t: RoundTrip) => string): TradeGroup[] {
  const groups = new Map<string, RoundTrip[]>();
  for (const t of trades) {
    const k = key(t);
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  return [...groups].map(([k, ts]) => ({
    key: k,
    trades: ts.length,
    pnl: ts.reduce((s, t) => s + t.pnl, 0),
    winRate: ts.length ? ts.filter((t) => t.pnl > 0).length / ts.length : null,
  }));
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function computeMetrics(input: MetricsInput): Metrics {
  const { time, equity, initialEquity: e0 } = input;
  const n = equity.length;
  const ppy = input.periodsPerYear ?? inferPeriodsPerYear(time);
  const rfPer = (input.riskFree ?? 0) / ppy;
  const endEquity = n ? equity[n - 1]! : e0;
  const st = seriesStats(equity, e0, rfPer, input.exposure);
  const m = st.excess;
  const down = st.down;
  const downside = n ? Math.sqrt(down / n) : NaN;
  const years = n > 1 ? (time[n - 1]! - time[0]!) / YEAR : 0;
  const cagr = years > 0 && endEquity > 0 ? (endEquity / e0) ** (1 / years) - 1 : null;
  const dd = drawdown(equity, time, e0);

  let traded = 0;
  const costs = { fees: 0, spread: 0, impact: 0, total: 0 };
  for (const f of input.fills) {
    traded += Math.abs(f.qty * f.price);
    costs.fees += f.fee;
    costs.spread += f.spreadCost;
    costs.impact += f.impactCost;
  }
  costs.total = costs.fees + costs.spread + costs.impact;
  const avgEquity = n ? st.equitySum / n : e0;
  const exposed = st.exposed;
  let herfindahl: number | null = null;
  if (input.instrumentValues && input.instrumentValues.length > 0) {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      let gross = 0;
      for (const v of input.instrumentValues) gross += Math.abs(v[i]!);
      if (gross <= 0) continue;
      let h = 0;
      for (const v of input.instrumentValues) h += (Math.abs(v[i]!) / gross) ** 2;
      sum += h;
      count++;
    }
    herfindahl = count ? sum / count : null;
  } else if (exposed > 0) {
    herfindahl = 1;
  }

  const closed = input.trades.filter((t) => t.exitBar !== null);
  const wins = closed.filter((t) => t.pnl > 0);
  const losses = closed.filter((t) => t.pnl < 0);
  const grossProfit = wins.reduce((s, t) => s + t.pnl, 0);
  const grossLoss = -losses.reduce((s, t) => s + t.pnl, 0);
  const holdBars = closed.reduce((s, t) => s + (t.exitBar! - t.entryBar), 0);
  const holdMs = closed.reduce((s, t) => s + (t.exitTime! - t.entryTime), 0);

  const srPer = m.std > 0 ? m.mean / m.std : NaN;
  const psr = probabilisticSharpe(srPer, 0, n, m.skew, m.kurtosis);
  const dsr = input.trials ? probabilisticSharpe(srPer, expectedMaxSharpe(input.trials.count, input.trials.sharpeVariance), n, m.skew, m.kurtosis) : null;

  return {
    assumptions: input.assumptions,
    bars: n,
    periodsPerYear: ppy,
    startEquity: e0,
    endEquity,
    totalReturn: endEquity / e0 - 1,
    cagr,
    volatility: finite(n > 1 ? st.returnsStd * Math.sqrt(ppy) : NaN),
    sharpe: finite(srPer * Math.sqrt(ppy)),
    sortino: downside > 0 ? finite((m.mean / downside) * Math.sqrt(ppy)) : null,
    calmar: cagr !== null && dd.max > 0 ? cagr / dd.max : null,
    maxDrawdown: dd.max,
    maxDrawdownBars: dd.bars,
    maxDrawdownMs: dd.ms,
    turnover: avgEquity > 0 ? traded / avgEquity : 0,
    annualTurnover: years > 0 && avgEquity > 0 ? traded / avgEquity / years : null,
    costs,
    herfindahl,
    trades: closed.length,
    openTrades: input.trades.length - closed.length,
    winRate: closed.length ? wins.length / closed.length : null,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    avgWin: wins.length ? grossProfit / wins.length : null,
    avgLoss: losses.length ? -grossLoss / losses.length : null,
    exposureTime: n ? exposed / n : 0,
    avgHoldingBars: closed.length ? holdBars / closed.length : null,
    avgHoldingMs: closed.length ? holdMs / closed.length : null,
    probabilisticSharpe: psr,
    deflatedSharpe: dsr,
    byInstrument: groupTrades(closed, (t) => t.instrument),
    byExitReason: groupTrades(closed, (t) => t.exitReason ?? 'open'),
  };
}

const pct = (x: number | null) => (x === null ? null : `${(x * 100).toFixed(2)}%`);
const num = (x: number | null, d = 3) => (x === null ? null : x.toFixed(d));

/** The metrics as labelled rows: name, value, and the fidelity and fill assumptions that produced it. */
export function metricRows(m: Metrics): [string, string | null, string, string][] {
  const rows: [string, string | null][] = [
    ['total return', pct(m.totalReturn)],
    ['CAGR', pct(m.cagr)],
    ['volatility (ann.)', pct(m.volatility)],
    ['Sharpe', num(m.sharpe)],
    ['Sortino', num(m.sortino)],
    ['Calmar', num(m.calmar)],
    ['max drawdown', pct(m.maxDrawdown)],
    ['max drawdown duration (bars)', String(m.maxDrawdownBars)],
    ['turnover (x avg equity)', num(m.turnover, 2)],
    ['costs: fees', num(m.costs.fees, 2)],
    ['costs: spread', num(m.costs.spread, 2)],
    ['costs: impact', num(m.costs.impact, 2)],
    ['Herfindahl', num(m.herfindahl)],
    ['trades (closed)', String(m.trades)],
    ['open trades', String(m.openTrades)],
    ['win rate', pct(m.winRate)],
    ['profit factor', num(m.profitFactor)],
    ['avg win', num(m.avgWin, 2)],
    ['avg loss', num(m.avgLoss, 2)],
    ['exposure time', pct(m.exposureTime)],
    ['avg holding (bars)', num(m.avgHoldingBars, 1)],
    ['probabilistic Sharpe', num(m.probabilisticSharpe, 4)],
    ['deflated Sharpe', num(m.deflatedSharpe, 4)],
  ];
  return rows.map(([k, v]) => [k, v, m.assumptions.fidelity, m.assumptions.fills]);
}
