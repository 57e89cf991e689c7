import { dayStart } from './periods.ts';

/**
 * Returns for the PMS analytics: simple and log returns of a price series, intraday bars rolled up
 * into daily bars, and several series aligned on their common timestamps.
 *
 * The PMS works in floats: its figures are statistical estimates for monitoring, never ledger amounts
 * (those stay exact bigints in src/core). Inputs are validated and a bad one throws `RangeError`:
 * prices must be finite and > 0, times strictly increasing.
 */

/** One timestamped value (epoch ms). */
export interface Observation {
  time: number;
  value: number;
}

export type Series = readonly Observation[];

export type ReturnKind = 'simple' | 'log';

/** A bar as the candle builder and the CSV parsers give it (`time` = the bar's open time, epoch ms). */
export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume?: number;
}

/** A daily bar: `time` is the start of the day (see `dayStart`), `bars` how many bars it rolls up. */
export interface DailyBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  bars: number;
}

/**
 * Several series on their common timestamps: `values[k][j]` is `symbols[j]` at `times[k]`.
 * Used both for prices and for returns (then `times[k]` stamps the end of the k-th return interval).
 */
export interface Panel {
  symbols: string[];
  times: number[];
  values: number[][];
}

function checkPrice(p: number | undefined, where: string): number {
  if (p === undefined || !Number.isFinite(p) || p <= 0) {
    throw new RangeError(`${where}: price must be a finite number > 0, got ${String(p)}`);
  }
  return p;
}

function checkTimes(series: Series, what: string): void {
  for (let i = 1; i < series.length; i++) {
    const prev = series[i - 1]!.time;
    const t = series[i]!.time;
    if (!(t > prev)) throw new RangeError(`${what}: times must be strictly increasing (index ${i}: ${t} after ${prev})`);
  }
}

/** One return from `from` to `to`: simple `to/from − 1` or log `ln(to/from)`. */
export function periodReturn(from: number, to: number, kind: ReturnKind = 'simple'): number {
  checkPrice(from, 'return');
  checkPrice(to, 'return');
  return kind === 'log' ? Math.log(to / from) : to / from - 1;
}

/** Simple returns `p[i]/p[i−1] − 1`; n prices give n − 1 returns. */
export function simpleReturns(prices: readonly number[]): number[] {
  return returnsOf(prices, 'simple');
}

/** Log returns `ln(p[i]/p[i−1])`; n prices give n − 1 returns. */
export function logReturns(prices: readonly number[]): number[] {
  return returnsOf(prices, 'log');
}

/** Returns of either kind; n prices give n − 1 returns. */
export function returnsOf(prices: readonly number[], kind: ReturnKind): number[] {
  prices.forEach((p, i) => checkPrice(p, `prices[${i}]`));
  const out: number[] = [];
  for (let i = 1; i < prices.length; i++) {
    const a = prices[i - 1]!;
    const b = prices[i]!;
    out.push(kind === 'log' ? Math.log(b / a) : b / a - 1);
  }
  return out;
}

/** Returns of a timestamped price series, each stamped at the END of its interval (the later price). */
export function seriesReturns(prices: Series, kind: ReturnKind = 'simple'): Observation[] {
  checkTimes(prices, 'seriesReturns');
  const r = returnsOf(
    prices.map((o) => o.value),
    kind,
  );
  return r.map((value, i) => ({ time: prices[i + 1]!.time, value }));
}

/** Converts a simple return to a log return and back. */
export function simpleToLog(r: number): number {
  return Math.log1p(r);
}
export function logToSimple(r: number): number {
  return Math.expm1(r);
}

/**
 * Rolls intraday bars up into daily bars: open of the first bar, max high, min low, close of the
 * last bar, summed volume. A bar belongs to the day of its `time` (its OPEN time; for bars stamped
 * with their end, subtract the bar length first). Days roll at 00:00 of UTC+`utcOffsetMs`. Days with no
 * bar produce no daily bar. Bars must be in strictly increasing time order.
 */
export function aggregateDaily(bars: readonly Bar[], utcOffsetMs = 0): DailyBar[] {
  const out: DailyBar[] = [];
  let cur: DailyBar | undefined;
  let lastTime = -Infinity;
  bars.forEach((b, i) => {
    if (!(b.time > lastTime)) throw new RangeError(`aggregateDaily: bar times must be strictly increasing (index ${i})`);
    lastTime = b.time;
    for (const k of ['open', 'high', 'low', 'close'] as const) checkPrice(b[k], `bars[${i}].${k}`);
    const day = dayStart(b.time, utcOffsetMs);
    if (cur === undefined || cur.time !== day) {
      cur = { time: day, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume ?? 0, bars: 1 };
      out.push(cur);
    } else {
      cur.high = Math.max(cur.high, b.high);
      cur.low = Math.min(cur.low, b.low);
      cur.close = b.close;
      cur.volume += b.volume ?? 0;
      cur.bars++;
    }
  });
  return out;
}

/** Daily closes of intraday bars (`time` = start of the day). */
export function dailyCloses(bars: readonly Bar[], utcOffsetMs = 0): Observation[] {
  return aggregateDaily(bars, utcOffsetMs).map((d) => ({ time: d.time, value: d.close }));
}

/**
 * Daily close-to-close returns of intraday bars, stamped at the start of the day that ends each
 * interval. The first day has no previous close, so d days give d − 1 returns.
 */
export function dailyReturns(bars: readonly Bar[], kind: ReturnKind = 'simple', utcOffsetMs = 0): Observation[] {
  return seriesReturns(dailyCloses(bars, utcOffsetMs), kind);
}

/**
 * Aligns several series on the timestamps they ALL have (inner join), in time order; a time missing
 * from any one series is dropped. Symbols keep the record's key order. Each series must be strictly
 * increasing in time.
 */
export function alignSeries(series: Readonly<Record<string, Series>>): Panel {
  const symbols = Object.keys(series);
  if (symbols.length === 0) return { symbols, times: [], values: [] };
  const maps = symbols.map((s) => {
    const obs = series[s]!;
    checkTimes(obs, `alignSeries(${s})`);
    const m = new Map<number, number>();
    for (const o of obs) m.set(o.time, o.value);
    return m;
  });
  const first = series[symbols[0]!]!;
  const times: number[] = [];
  const values: number[][] = [];
  for (const o of first) {
    const row: number[] = [];
    let all = true;
    for (const m of maps) {
      const v = m.get(o.time);
      if (v === undefined) {
        all = false;
        break;
      }
      row.push(v);
    }
    if (all) {
      times.push(o.time);
      values.push(row);
    }
  }
  return { symbols, times, values };
}

/**
 * Returns of an aligned price panel, column by column: row k is the return from `times[k]` to
 * `times[k+1]`, stamped `times[k+1]`. Aligning prices first and then taking returns gives every
 * instrument's return over the SAME interval, which the covariance and the VaR replay need.
 */
export function panelReturns(prices: Panel, kind: ReturnKind = 'simple'): Panel {
  const times: number[] = [];
  const values: number[][] = [];
  for (let k = 1; k < prices.values.length; k++) {
    const prev = prices.values[k - 1]!;
    const cur = prices.values[k]!;
    values.push(
      cur.map((p, j) => {
        const a = checkPrice(prev[j], `${prices.symbols[j]} at ${prices.times[k - 1]}`);
        const b = checkPrice(p, `${prices.symbols[j]} at ${prices.times[k]}`);
        return kind === 'log' ? Math.log(b / a) : b / a - 1;
      }),
    );
    times.push(prices.times[k]!);
  }
  return { symbols: [...prices.symbols], times, values };
}

/** `alignSeries` then `panelReturns`: aligned returns of several price series. */
export function alignedReturns(prices: Readonly<Record<string, Series>>, kind: ReturnKind = 'simple'): Panel {
  return panelReturns(alignSeries(prices), kind);
}

/** One column of a panel by symbol. */
export function panelColumn(panel: Panel, symbol: string): number[] {
  const j = panel.symbols.indexOf(symbol);
  if (j < 0) throw new RangeError(`panel has no column ${symbol}`);
  return panel.values.map((row) => row[j]!);
}
