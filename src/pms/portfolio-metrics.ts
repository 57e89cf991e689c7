import type { PositionDto } from '../contract/dto.ts';
import { dayStart, periodStart } from './periods.ts';
import type { Period } from './periods.ts';
import type { Series } from './returns.ts';
import type { Positions } from './var.ts';

/**
 * Portfolio metrics of the PMS: NAV, exposures, leverage, concentration, P&L and drawdowns.
 * Amounts are account currency (floats, as in the DTOs); shares of NAV are fractions (0.25 = 25%).
 */

/** What the metrics need of a position; `PositionDto` fits. */
export type PositionView = Pick<PositionDto, 'symbol' | 'marketValue'> & Partial<Pick<PositionDto, 'realizedPnl' | 'unrealizedPnl'>>;

export interface PortfolioInput {
  /** Cash balance, account currency (cash reserved for working orders is still cash). */
  cash: number;
  positions: readonly PositionView[];
  /** NAV at the start of the day (see `startOfDayNav`), for the daily P&L. */
  startOfDayNav?: number;
}

export interface Concentration {
  symbol: string;
  marketValue: number;
  /** |marketValue| / NAV; null when NAV ≤ 0. */
  shareOfNav: number | null;
}

export interface PortfolioMetrics {
  /** Net asset value: cash + Σ market values. */
  nav: number;
  cash: number;
  /** Σ |market value|. */
  grossExposure: number;
  /** Σ market value (longs − shorts). */
  netExposure: number;
  longExposure: number;
  /** Σ |market value| of the short positions (≥ 0). */
  shortExposure: number;
  /** Gross / NAV; null when NAV ≤ 0 (the account is underwater: every limit is breached). */
  leverage: number | null;
  /** Net / NAV; null when NAV ≤ 0. */
  netLeverage: number | null;
  /** One entry per instrument with a non-zero market value, largest |market value| first. */
  concentration: Concentration[];
  realizedPnl: number;
  unrealizedPnl: number;
  /** NAV − start-of-day NAV; null without a start-of-day NAV. */
  dailyPnl: number | null;
  /** dailyPnl / start-of-day NAV; null without one or when it is ≤ 0. */
  dailyPnlPct: number | null;
}

function finite(x: number, what: string): number {
  if (!Number.isFinite(x)) throw new RangeError(`${what} is not a finite number: ${String(x)}`);
  return x;
}

/** Signed market value per symbol (duplicates summed), the input of VaR and stress. */
export function positionsOf(positions: readonly PositionView[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of positions) out[p.symbol] = (out[p.symbol] ?? 0) + finite(p.marketValue, `market value of ${p.symbol}`);
  return out;
}

/** NAV, exposures, leverage, concentration and P&L of one portfolio state. */
export function portfolioMetrics(input: PortfolioInput): PortfolioMetrics {
  const cash = finite(input.cash, 'cash');
  const values: Positions = positionsOf(input.positions);
  let longExposure = 0;
  let shortExposure = 0;
  for (const v of Object.values(values)) {
    if (v > 0) longExposure += v;
    else shortExposure -= v;
  }
  const netExposure = longExposure - shortExposure;
  const grossExposure = longExposure + shortExposure;
  const nav = cash + netExposure;
  const positive = nav > 0;
  const concentration = Object.entries(values)
    .filter(([, v]) => v !== 0)
    .map(([symbol, marketValue]) => ({ symbol, marketValue, shareOfNav: positive ? Math.abs(marketValue) / nav : null }))
    .sort((a, b) => Math.abs(b.marketValue) - Math.abs(a.marketValue) || (a.symbol < b.symbol ? -1 : 1));
  let realizedPnl = 0;
  let unrealizedPnl = 0;
  for (const p of input.positions) {
    realizedPnl += finite(p.realizedPnl ?? 0, `realized P&L of ${p.symbol}`);
    unrealizedPnl += finite(p.unrealizedPnl ?? 0, `unrealized P&L of ${p.symbol}`);
  }
  const sod = input.startOfDayNav;
  if (sod !== undefined) finite(sod, 'start-of-day NAV');
  const dailyPnl = sod === undefined ? null : nav - sod;
  return {
    nav,
    cash,
    grossExposure,
    netExposure,
    longExposure,
    shortExposure,
    leverage: positive ? grossExposure / nav : null,
    netLeverage: positive ? netExposure / nav : null,
    concentration,
    realizedPnl,
    unrealizedPnl,
    dailyPnl,
    dailyPnlPct: dailyPnl !== null && sod !== undefined && sod > 0 ? dailyPnl / sod : null,
  };
}

function checkHistory(history: Series): void {
  history.forEach((o, i) => {
    finite(o.value, `NAV history[${i}]`);
    if (i > 0 && !(o.time > history[i - 1]!.time)) throw new RangeError(`NAV history times must be strictly increasing (index ${i})`);
  });
}

/**
 * The NAV at the start of the day containing `now`: the last observation at or before the day's
 * start (a snapshot taken exactly at the rollover, else yesterday's last), or, when the history starts
 * later that day, its first observation of the day. Null when nothing was observed by `now`.
 */
export function startOfDayNav(history: Series, now: number, utcOffsetMs = 0): number | null {
  checkHistory(history);
  const start = dayStart(now, utcOffsetMs);
  let before: number | null = null;
  for (const o of history) {
    if (o.time > now) break;
    if (o.time <= start) before = o.value;
    else return before ?? o.value;
  }
  return before;
}

export interface Drawdown {
  /** The high-water mark of the span and when it was set. */
  peak: number;
  peakTime: number;
  /** The latest NAV and its time. */
  nav: number;
  time: number;
  /** peak − nav, account currency, ≥ 0. */
  amount: number;
  /** amount / peak, 0..1 when NAV stays positive; null when the peak is ≤ 0. */
  fraction: number | null;
}

export interface MaxDrawdown {
  peak: number;
  peakTime: number;
  trough: number;
  troughTime: number;
  amount: number;
  /** Largest (peak − trough)/peak over the history; null when no positive peak exists. */
  fraction: number | null;
}

export interface DrawdownReport {
  /** From the all-time high-water mark of the history. */
  sinceInception: Drawdown;
  /** From the highest NAV of the current day, ISO week (Monday start) and calendar month. */
  day: Drawdown;
  week: Drawdown;
  month: Drawdown;
  /** The deepest peak-to-trough fall in the history (by fraction, else by amount). */
  max: MaxDrawdown;
}

function drawdownFrom(peak: { value: number; time: number }, last: { value: number; time: number }): Drawdown {
  const amount = Math.max(0, peak.value - last.value);
  return { peak: peak.value, peakTime: peak.time, nav: last.value, time: last.time, amount, fraction: peak.value > 0 ? amount / peak.value : null };
}

/**
 * Current drawdowns from the high-water mark of the whole history and of the current day, week and
 * month (periods of the LAST observation, rolling at 00:00 UTC+offset). A period's high-water mark
 * is the highest NAV observed in the period, counting the NAV it opened with: the last observation
 * at or before the period's start (as `startOfDayNav`). Ties keep the earliest peak. Needs at least
 * one observation.
 */
export function drawdownReport(history: Series, utcOffsetMs = 0): DrawdownReport {
  checkHistory(history);
  const last = history[history.length - 1];
  if (last === undefined) throw new RangeError('drawdown needs at least one NAV observation');
  const periodDrawdown = (period: Period): Drawdown => {
    const start = periodStart(period, last.time, utcOffsetMs);
    let peak: { value: number; time: number } | undefined;
    for (let i = history.length - 1; i >= 0; i--) {
      const o = history[i]!;
      if (peak === undefined || o.value >= peak.value) peak = o;
      if (o.time <= start) break; // the opening NAV of the period is included, nothing earlier
    }
    return drawdownFrom(peak!, last);
  };
  let hwm = history[0]!;
  let max: MaxDrawdown = { peak: hwm.value, peakTime: hwm.time, trough: hwm.value, troughTime: hwm.time, amount: 0, fraction: hwm.value > 0 ? 0 : null };
  for (const o of history) {
    if (o.value > hwm.value) hwm = o;
    const amount = hwm.value - o.value;
    const fraction = hwm.value > 0 ? amount / hwm.value : null;
    const deeper = fraction !== null ? max.fraction === null || fraction > max.fraction : max.fraction === null && amount > max.amount;
    if (deeper) max = { peak: hwm.value, peakTime: hwm.time, trough: o.value, troughTime: o.time, amount, fraction };
  }
  return {
    sinceInception: drawdownFrom(hwm, last),
    day: periodDrawdown('day'),
    week: periodDrawdown('week'),
    month: periodDrawdown('month'),
    max,
  };
}
