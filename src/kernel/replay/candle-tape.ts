import { DataError } from '../../backtest/data/errors.ts';
import { detectFormat, parseBars } from '../../backtest/data/formats.ts';
import type { BarSeries } from '../../backtest/data/series.ts';
import { DomainError } from '../../core/errors.ts';
import type { TradeRow } from '../../marketdata/csv.ts';
import { decimalText, loadMarketFile, symbolFromFileName } from '../../marketdata/recording.ts';
import type { LoadedMarket } from '../../marketdata/recording.ts';
import { inferTapeInstrument, tapeSymbol } from '../../marketdata/tape-instrument.ts';

/**
 * Replaying a candle file (the formats `backtest run --data` imports: Yahoo/backtrader daily,
 * Binance klines, generic time,open,high,low,close,volume) through the same replay path as a trade
 * tape: each bar becomes a short, deterministic sequence of trades inside it, which drive the
 * simulated venue like recorded prints.
 *
 * The convention is the one backtrader's bar-based fill checks and LEAN's fill models use when only
 * OHLC is known (the "OHLC path"):
 * - four prints per bar: the open, then the extreme closer to the open (the high when
 *   high − open ≤ open − low, else the low), then the other extreme, then the close;
 * - at the bar's start, ¼, ½ and ¾ of the bar length (the shortest spacing between two bars, so a
 *   day's bars print at 00:00, 06:00, 12:00 and 18:00 UTC): every print lies inside its bar, and a
 *   replay seek lands between them as between recorded trades;
 * - the bar's volume split evenly over the four at the file's volume precision (the remainder on
 *   the close); a bar of fewer than four lots prints one lot at the close, then at the nearer and
 *   the farther extreme, as far as its lots go; a bar with no volume prints nothing (its price is
 *   not a trade);
 * - the taker side follows the move: a print above the previous one is a buy, below a sell, level
 *   keeps the previous side (the first print of the file is a buy).
 * A limit order therefore fills in a bar whose range reaches its price, at the venue's queue and
 * impact model like against any recorded flow; what happened inside the bar beyond these four
 * points is not known and not invented.
 */

const BAR_FORMATS = new Set(['yahoo', 'backtrader', 'binance-klines', 'generic']);

/** Whether the text is one of the candle formats (and not a trade tape or a recording). */
export function isCandleFile(text: string, file: string): boolean {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trimStart().startsWith('{')) return false;
  try {
    return BAR_FORMATS.has(detectFormat(body, file));
  } catch {
    return false;
  }
}

/** The shortest positive spacing between two bars, ms (a day when there is a single bar). */
function barLength(time: Float64Array): number {
  let min = Infinity;
  for (let i = 1; i < time.length; i++) min = Math.min(min, time[i]! - time[i - 1]!);
  return Number.isFinite(min) && min > 0 ? min : 86_400_000;
}

/** Decimals of a number's shortest text (1482 → 0, 0.25 → 2). */
function decimalsOf(x: number): number {
  const s = String(x);
  if (/e-/i.test(s)) return Number(/e-(\d+)/i.exec(s)![1]) + (s.split('e')[0]!.split('.')[1]?.length ?? 0);
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

/** The trades a bar series prints under the OHLC-path convention (see the module's comment). */
export function candleTrades(bars: BarSeries): TradeRow[] {
  const n = bars.time.length;
  const step = barLength(bars.time);
  // Amounts are exact at the instrument's lot: the volumes' precision, within the ledger's 8 decimals.
  let qd = 0;
  for (let i = 0; i < n; i++) qd = Math.max(qd, decimalsOf(bars.volume[i]!));
  qd = Math.min(qd, Math.max(0, 8 - bars.priceDecimals));
  const scale = 10 ** qd;
  const out: TradeRow[] = [];
  let lastPrice = NaN;
  let side: 'buy' | 'sell' = 'buy';
  for (let i = 0; i < n; i++) {
    const o = bars.open[i]!;
    const h = bars.high[i]!;
    const l = bars.low[i]!;
    const c = bars.close[i]!;
    const units = Math.floor(bars.volume[i]! * scale + 1e-9);
    if (units <= 0) continue;
    const path = h - o <= o - l ? [o, h, l, c] : [o, l, h, c];
    const part = Math.floor(units / 4);
    // Fewer than four lots: one each to the close, then the extremes (what a limit order can meet).
    const parts = units >= 4 ? [part, part, part, units - 3 * part] : [0, units >= 2 ? 1 : 0, units >= 3 ? 1 : 0, 1];
    const t0 = bars.time[i]!;
    for (let k = 0; k < 4; k++) {
      if (parts[k]! <= 0) continue;
      const price = path[k]!;
      if (price > lastPrice) side = 'buy';
      else if (price < lastPrice) side = 'sell';
      lastPrice = price;
      const amount = parts[k]! / scale;
      out.push({ timestampMs: t0 + Math.floor((k * step) / 4), tradeId: String(i * 4 + k + 1), side, price, amount, priceText: decimalText(price, bars.priceDecimals), amountText: decimalText(amount, qd) });
    }
  }
  return out;
}

/**
 * The instrument of a candle file: `symbol` if given, else from the file name (binance_XRPETH_… →
 * XRP/ETH) or its columns, else the file name's first word against USD (orcl-1995-2014.txt →
 * ORCL/USD: Yahoo's daily files are dollar prices).
 */
function candleSymbol(text: string, file: string, symbol?: string): string {
  if (symbol) return symbol;
  const named = symbolFromFileName(file) ?? tapeSymbol(text);
  if (named) return named;
  const word = /^[A-Za-z][A-Za-z0-9]{0,11}/.exec(file.split(/[\\/]/).pop() ?? '')?.[0];
  if (!word) throw new DomainError('BAD_FILE', `${file}: cannot tell the instrument from the file name; give the symbol (e.g. --symbol ORCL/USD)`);
  return `${word.toUpperCase()}/USD`;
}

/** A candle file as a replayable market: one tape of synthetic prints (format 'candles'). */
export function loadCandleMarket(text: string, file: string, symbol?: string): LoadedMarket {
  const body = text.replace(/^\uFEFF/, '');
  let bars: BarSeries;
  try {
    const format = detectFormat(body, file);
    if (!BAR_FORMATS.has(format)) throw new DomainError('BAD_FILE', `${file}: not a candle file (${format})`);
    bars = parseBars(body, format as Parameters<typeof parseBars>[1], file);
  } catch (err) {
    if (err instanceof DataError) throw new DomainError('BAD_FILE', `${err.file}${err.line > 0 ? `:${err.line}` : ''}: ${err.reason} (${err.code})`);
    throw err;
  }
  const trades = candleTrades(bars);
  if (trades.length === 0) throw new DomainError('BAD_FILE', `${file}: no bar has volume, so there is nothing to replay`);
  const instrument = inferTapeInstrument(candleSymbol(body, file, symbol), trades);
  return { format: 'candles', currency: instrument.quote, tapes: [{ instrument, trades }], start: trades[0]!.timestampMs, end: trades[trades.length - 1]!.timestampMs, events: trades.length };
}

/** The replay loader's entry: a candle file, a trade tape CSV or a Strata recording. */
export function loadReplayMarket(text: string, file: string, symbol?: string): LoadedMarket {
  return isCandleFile(text, file) ? loadCandleMarket(text, file, symbol) : loadMarketFile(text, file, symbol);
}
