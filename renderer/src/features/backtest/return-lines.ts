/**
 * Equity curves as % return from their own start (so runs with different cash compare), one point
 * per second at most (the chart refuses duplicate times; an intraday curve keeps its last value).
 */

export interface ReturnPoint {
  /** Epoch seconds. */
  time: number;
  /** % return from the curve's first value. */
  value: number;
}

export function returnSeries(points: readonly { time: number; value: number }[]): ReturnPoint[] {
  const start = points[0]?.value ?? 0;
  const seen = new Map<number, number>();
  for (const p of points) seen.set(Math.floor(p.time / 1000), start > 0 ? (p.value / start - 1) * 100 : 0);
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time, value }));
}

/** A curve's last value as the legend shows it: −7.50%, +0.01%. */
export function lastReturnText(s: readonly ReturnPoint[]): string {
  const v = s.at(-1)?.value;
  if (v === undefined || !Number.isFinite(v)) return '–';
  return `${v >= 0.005 ? '+' : ''}${percentText(v)}`;
}

/**
 * A price format for values already in % (−7.50%). Not lightweight-charts' `{ type: 'percent' }`:
 * 5.2 builds that formatter with the precision where it takes a price scale (2 instead of 100),
 * so its labels round to halves and print −7.50 as "−7.1%", −0.78 as "−1.0%".
 */
export const PERCENT_FORMAT = { type: 'custom', minMove: 0.01, formatter: (v: number) => percentText(v) } as const;

/** −7.50%, 0.00%, 1.25% (the minus sign the chart's own labels use). */
export function percentText(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const r = Math.abs(v) < 0.005 ? 0 : v;
  return `${r < 0 ? '−' : ''}${Math.abs(r).toFixed(2)}%`;
}

/** Times on the time axis when the curves span less than a week (intraday bars all read "11" otherwise). */
export function intraday(series: readonly (readonly ReturnPoint[])[]): boolean {
  let first = Infinity;
  let last = -Infinity;
  for (const s of series) {
    if (s.length === 0) continue;
    first = Math.min(first, s[0]!.time);
    last = Math.max(last, s.at(-1)!.time);
  }
  return last > first && last - first < 7 * 86_400;
}

/**
 * The price format of a candle chart for its prices: cents from 1 up (ORCL), five significant
 * digits below (XRP/ETH at 0.0014174). The library's default, 2 decimals, drew a tape's axis as
 * 0.00 throughout.
 */
export function priceFormatFor(prices: readonly { low: number }[]): { type: 'price'; precision: number; minMove: number } {
  let low = Infinity;
  for (const p of prices) if (p.low > 0 && p.low < low) low = p.low;
  const precision = !Number.isFinite(low) || low >= 1 ? 2 : Math.min(10, 4 - Math.floor(Math.log10(low)));
  return { type: 'price', precision, minMove: 10 ** -precision };
}

/**
 * Whether two curves share their period: the overlap of their spans is at least half the shorter
 * span. Runs over different periods (ORCL 1995–2014 beside an October 2019 tape) drawn on one time
 * axis left each squeezed at one end of it: they are compared by time from their own start instead.
 */
export function samePeriod(a: readonly ReturnPoint[], b: readonly ReturnPoint[]): boolean {
  if (a.length < 2 || b.length < 2) return true;
  const [a0, a1, b0, b1] = [a[0]!.time, a.at(-1)!.time, b[0]!.time, b.at(-1)!.time];
  const overlap = Math.min(a1, b1) - Math.max(a0, b0);
  return overlap >= 0.5 * Math.min(a1 - a0, b1 - b0);
}

/** A curve on time from its own start (seconds from 0), for curves of different periods. */
export function fromStart(s: readonly ReturnPoint[]): ReturnPoint[] {
  const t0 = s[0]?.time ?? 0;
  return s.map((p) => ({ time: p.time - t0, value: p.value }));
}

/** Time from a run's start as the axis reads it: +45 d, +2.5 y, +3 h 20 min. */
export function elapsedText(seconds: number): string {
  const s = Math.max(0, seconds);
  const day = 86_400;
  // From ~a year on, in years (a tick at day 365 read "+365 d").
  if (s >= 360 * day) return `+${(s / (365.25 * day)).toFixed(1)} y`;
  if (s >= day) return `+${Math.round(s / day)} d`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return h > 0 ? `+${h} h${m > 0 ? ` ${m} min` : ''}` : `+${m} min`;
}
