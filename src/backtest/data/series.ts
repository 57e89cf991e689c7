/**
 * Historical series as the backtester reads them: columns of float64 (one array per field), so a
 * million bars cost ~48 MB and a loop over them touches no objects. Prices stay as the file wrote
 * them; `priceDecimals` is the most decimals any price had, which is the scale the bar runner uses to
 * turn a fill price back into exact units.
 */

export type BarFormat = 'yahoo' | 'backtrader' | 'binance-klines' | 'generic';
export type TapeFormat = 'binance-trades' | 'trades';
export type SeriesFormat = BarFormat | TapeFormat;

export interface BarSeries {
  readonly kind: 'bars';
  /** Bar time, UTC epoch ms (a daily bar is stamped at 00:00 UTC of its date). */
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly priceDecimals: number;
}

export interface TradeTape {
  readonly kind: 'trades';
  readonly time: Float64Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  /** +1 when the taker bought, -1 when the taker sold. */
  readonly side: Int8Array;
  readonly priceDecimals: number;
}

export type Series = BarSeries | TradeTape;

export function seriesLength(s: Series): number {
  return s.time.length;
}

/** The bars from index `from` (inclusive) to `to` (exclusive), sharing memory with the original. */
export function sliceBars(s: BarSeries, from: number, to: number): BarSeries {
  return {
    kind: 'bars',
    time: s.time.subarray(from, to),
    open: s.open.subarray(from, to),
    high: s.high.subarray(from, to),
    low: s.low.subarray(from, to),
    close: s.close.subarray(from, to),
    volume: s.volume.subarray(from, to),
    priceDecimals: s.priceDecimals,
  };
}

/** Bars whose time lies in [fromMs, toMs] (both optional). */
export function barsBetween(s: BarSeries, fromMs?: number, toMs?: number): BarSeries {
  let a = 0;
  let b = s.time.length;
  if (fromMs !== undefined) while (a < b && s.time[a]! < fromMs) a++;
  if (toMs !== undefined) while (b > a && s.time[b - 1]! > toMs) b--;
  return sliceBars(s, a, b);
}

/** Builds a bar series from plain rows (tests, synthetic data). */
export function barsFromRows(rows: readonly { time: number; open: number; high: number; low: number; close: number; volume: number }[], priceDecimals = 8): BarSeries {
  const n = rows.length;
  const s = {
    kind: 'bars' as const,
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    priceDecimals,
  };
  rows.forEach((r, i) => {
    s.time[i] = r.time;
    s.open[i] = r.open;
    s.high[i] = r.high;
    s.low[i] = r.low;
    s.close[i] = r.close;
    s.volume[i] = r.volume;
  });
  return s;
}
