import { createRng } from '../../core/rng.ts';
import type { InstrumentSpec } from '../../core/instrument.ts';
import { calendarOf, DAY_MS, isWeekday, utcDayStart } from '../../marketdata/daily.ts';
import type { DailyBar } from '../../marketdata/daily.ts';
import type { DemoCalibration } from './calibration.ts';
import { DEMO_INSTRUMENTS, demoStartPrice } from './demo-market.ts';

/**
 * Daily history of the demo instruments up to the session's start, for L2 (alphas and portfolio
 * construction read daily bars; the live market adds a bar each UTC day from then on).
 *
 * - An instrument with real daily closes (SPY: PyPortfolioOpt's adjusted closes, assets/demo/history)
 *   gets its last `days` real daily returns, in order, laid on the trading days (weekdays) that end
 *   the day before the session, scaled so the last close is the demo's start price: the returns,
 *   hence volatility, drawdowns and autocorrelation, are the real ones; the dates are not.
 * - An instrument without (the crypto pairs) gets a geometric Brownian path, seeded, with the
 *   demo market's own calibrated volatility (per √s × √(86,400 s), crypto trades every day) and no
 *   drift: synthetic, and labelled so in `source`.
 */
export interface DemoDailySeries {
  bars: DailyBar[];
  source: string;
}

export interface DemoDailyOptions {
  /** The session's start (engine time): the last bar closes at 00:00 UTC of its day. */
  endTime: number;
  seed: number;
  /** Daily bars per instrument (default 1,260 trading days: five years). */
  days?: number;
  /** Real daily closes per symbol, oldest first (src/host/history.ts loads them). */
  real?: Readonly<Record<string, { series: readonly { time: number; close: number }[]; source: string }>>;
  instruments?: readonly InstrumentSpec[];
  /** Where the history must end (the price the session opened at); default the demo's start price. */
  endPrice?: (symbol: string) => number | undefined;
}

const DEFAULT_DAYS = 1260;

/** The trading days (00:00 UTC) before the day of `endTime`, oldest first. */
function tradingDays(endTime: number, n: number, weekdaysOnly: boolean): number[] {
  const out: number[] = [];
  for (let d = utcDayStart(endTime) - DAY_MS; out.length < n; d -= DAY_MS) if (!weekdaysOnly || isWeekday(d)) out.push(d);
  return out.reverse();
}

/** Bars from closes on days (open = previous close; high/low the two; no volume recorded). */
function barsOf(days: readonly number[], closes: readonly number[], firstOpen: number): DailyBar[] {
  return days.map((time, k) => {
    const open = k === 0 ? firstOpen : closes[k - 1]!;
    const close = closes[k]!;
    return { time, closeTime: time + DAY_MS, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 0 };
  });
}

export function demoDailyBars(cal: DemoCalibration, o: DemoDailyOptions): Record<string, DemoDailySeries> {
  const n = o.days ?? DEFAULT_DAYS;
  const out: Record<string, DemoDailySeries> = {};
  const rng = createRng(o.seed ^ 0x5d1a17);
  for (const spec of o.instruments ?? DEMO_INSTRUMENTS) {
    const opened = o.endPrice?.(spec.symbol);
    const start = opened !== undefined && opened > 0 ? opened : demoStartPrice(spec.symbol);
    if (start === undefined) continue;
    const calendar = calendarOf(spec.kind);
    const real = o.real?.[spec.symbol];
    if (real && real.series.length > 1) {
      const s = real.series.slice(-(n + 1));
      const days = tradingDays(o.endTime, s.length - 1, calendar === 'weekdays');
      const scale = start / s[s.length - 1]!.close;
      const closes = s.slice(1).map((p) => p.close * scale);
      out[spec.symbol] = { bars: barsOf(days, closes, s[0]!.close * scale), source: `real daily returns of ${real.source}, rescaled to end at the session's opening price ${start} on the day before the session (dates shifted)` };
      continue;
    }
    const profile = spec.kind === 'crypto' ? cal.crypto : cal.equity;
    // The equity calibration is per √s of a 6.5 h session; crypto trades around the clock.
    const sigmaDay = profile.volPerSqrtSecond * Math.sqrt(calendar === 'weekdays' ? 23_400 : 86_400);
    const days = tradingDays(o.endTime, n, calendar === 'weekdays');
    // Walk backwards from the start price so the path ends exactly there, with no drift.
    const closes = new Array<number>(n);
    closes[n - 1] = start;
    for (let k = n - 2; k >= 0; k--) closes[k] = closes[k + 1]! * Math.exp(-(sigmaDay * rng.normal() - (sigmaDay * sigmaDay) / 2));
    const firstOpen = closes[0]! * Math.exp(-(sigmaDay * rng.normal() - (sigmaDay * sigmaDay) / 2));
    out[spec.symbol] = { bars: barsOf(days, closes, firstOpen), source: `synthetic: geometric Brownian motion at the demo calibration's volatility (σ ${sigmaDay.toFixed(5)} a day), seed ${o.seed}; no real daily history in the repo` };
  }
  return out;
}
