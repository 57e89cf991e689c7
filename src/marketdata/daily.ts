/**
 * Daily bars: what L2's alphas and portfolio construction read. Their parameters (12-1 month
 * momentum, SMA200, a 252-sample fit window) and every annualised figure assume daily bars; fed
 * 1-minute bars they annualised minute returns into returns of thousands of percent.
 *
 * A day is a UTC calendar day: its bar opens at 00:00 UTC and closes (becomes visible) at the next
 * 00:00. Annualisation follows the bar interval and the instrument's calendar, never a constant.
 */

export const DAY_MS = 86_400_000;

export interface DailyBar {
  /** Open time (00:00 UTC of the day), epoch ms. */
  time: number;
  /** Close time (00:00 UTC of the next day): the bar is final from this instant on. */
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A candle as the hub keeps it (open time, OHLCV). */
export interface CandleLike {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Which days an instrument trades: every day (crypto) or weekdays (an exchange-listed equity). */
export type TradingCalendar = 'every-day' | 'weekdays';

export function calendarOf(kind: string): TradingCalendar {
  return kind === 'crypto' ? 'every-day' : 'weekdays';
}

/** Trading days a year: 365 for markets that never close, 252 (the PyPortfolioOpt convention) for an exchange calendar. */
export function tradingDaysPerYear(calendar: TradingCalendar): number {
  return calendar === 'every-day' ? 365 : 252;
}

/**
 * Bars a year for bars `barMs` apart: whole-day or longer bars count trading days of the calendar
 * (252 for daily equity bars, 365 for crypto); intraday bars count the trading day as 24 h for a
 * market that never closes and as a 6.5 h session otherwise.
 */
export function periodsPerYear(barMs: number, calendar: TradingCalendar): number {
  if (!(barMs > 0)) throw new RangeError(`bar interval must be positive, got ${barMs}`);
  const days = tradingDaysPerYear(calendar);
  if (barMs >= DAY_MS) return (days * DAY_MS) / barMs;
  const sessionMs = calendar === 'every-day' ? DAY_MS : 6.5 * 3_600_000;
  return (days * sessionMs) / barMs;
}

export function utcDayStart(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

export function isWeekday(dayStart: number): boolean {
  const d = new Date(dayStart).getUTCDay();
  return d !== 0 && d !== 6;
}

/**
 * Aggregates candles (time order) into UTC-day bars, for days that have closed by `now` and that
 * start at or after `from` (days already held are not rebuilt). A day's bar is the first open, the
 * high, the low, the last close and the summed volume of its candles; a day without candles has no bar.
 */
export function aggregateDaily(candles: readonly CandleLike[], now: number, from = -Infinity): DailyBar[] {
  const out: DailyBar[] = [];
  let cur: DailyBar | undefined;
  for (const c of candles) {
    const day = utcDayStart(c.time);
    if (day < from) continue;
    if (!cur || cur.time !== day) {
      if (cur) out.push(cur);
      cur = { time: day, closeTime: day + DAY_MS, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
    } else {
      cur.high = Math.max(cur.high, c.high);
      cur.low = Math.min(cur.low, c.low);
      cur.close = c.close;
      cur.volume += c.volume;
    }
  }
  if (cur) out.push(cur);
  return out.filter((b) => b.closeTime <= now);
}

/** Log returns of consecutive closes. */
export function logReturns(closes: readonly number[]): number[] {
  const r: number[] = [];
  for (let i = 1; i < closes.length; i++) r.push(Math.log(closes[i]! / closes[i - 1]!));
  return r;
}

/** Annualised volatility of closes `barMs` apart on `calendar` (sample σ of log returns × √periods a year); null with fewer than `minReturns`. */
export function annualisedVolatility(closes: readonly number[], barMs: number, calendar: TradingCalendar, minReturns = 10): number | null {
  const r = logReturns(closes);
  if (r.length < Math.max(2, minReturns)) return null;
  const m = r.reduce((a, x) => a + x, 0) / r.length;
  const v = r.reduce((a, x) => a + (x - m) ** 2, 0) / (r.length - 1);
  return Math.sqrt(v * periodsPerYear(barMs, calendar));
}
