import { DataError } from './errors.ts';
import type { BarFormat, BarSeries, Series, SeriesFormat, TradeTape } from './series.ts';

/**
 * Parsers for the historical files a backtest reads. Text in, columns out; no I/O (the host reads
 * the file). Every rule a file can break is refused with the file, the line and the reason:
 * unsorted or duplicate bar times, NaN or empty numbers, negative prices or volumes, missing
 * columns, bars whose high and low do not contain open and close.
 *
 * Formats:
 *  - yahoo:          `Date,Open,High,Low,Close,Adj Close,Volume` (backtrader's Yahoo samples); Close, not
 *                    Adj Close, is the price, as backtrader reads it.
 *  - backtrader:     `Date,Open,High,Low,Close,Volume,OpenInterest`, optionally with a Time column (or
 *                    rows `date,time,…` under a header without one, as backtrader's minute samples have).
 *  - binance-klines: Binance kline CSV, 12 columns `open_time,open,high,low,close,volume,close_time,…`,
 *                    with or without that header; open_time in ms (µs in newer dumps is detected).
 *  - generic:        a header with `time` (or timestamp, timestamp_ms, datetime, date) and open, high,
 *                    low, close, volume (a `volume_*` column counts); time as epoch ms, epoch s or ISO.
 *  - binance-trades: Binance trade CSV `id,price,qty,quote_qty,time,is_buyer_maker[,is_best_match]`.
 *  - trades:         a header with timestamp_ms, trade_id, taker_side (or side), price*, amount* (or qty).
 */

const DECIMAL_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const TIME_OF_DAY_RE = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

interface Row {
  no: number;
  cells: string[];
}

function rowsOf(text: string, file: string): Row[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: Row[] = [];
  let start = 0;
  let no = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    no++;
    let s = body.slice(start, end);
    if (s.endsWith('\r')) s = s.slice(0, -1);
    if (s.trim() !== '') out.push({ no, cells: s.split(',').map((c) => c.trim()) });
    start = end + 1;
  }
  if (out.length === 0) throw new DataError('FILE_EMPTY', file, 0, 'the file has no rows');
  return out;
}

class Reader {
  priceDecimals = 0;
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  fail(code: ConstructorParameters<typeof DataError>[0], row: Row | number, reason: string): never {
    throw new DataError(code, this.file, typeof row === 'number' ? row : row.no, reason);
  }

  cell(row: Row, i: number, name: string): string {
    const v = row.cells[i];
    if (v === undefined) this.fail('SHORT_ROW', row, `row has ${row.cells.length} fields, no ${name} (column ${i + 1})`);
    if (v === '') this.fail('BAD_NUMBER', row, `${name} is empty`);
    return v;
  }

  number(row: Row, i: number, name: string): number {
    const text = this.cell(row, i, name);
    if (!DECIMAL_RE.test(text)) this.fail('BAD_NUMBER', row, `${name} "${text}" is not a number`);
    const v = Number(text);
    if (!Number.isFinite(v)) this.fail('BAD_NUMBER', row, `${name} "${text}" is not finite`);
    return v;
  }

  price(row: Row, i: number, name: string): number {
    const v = this.number(row, i, name);
    if (!(v > 0)) this.fail('NEGATIVE_PRICE', row, `${name} must be positive, got ${row.cells[i]}`);
    const text = row.cells[i]!;
    const dot = text.indexOf('.');
    if (dot >= 0 && !/[eE]/.test(text)) {
      let d = text.length - dot - 1;
      while (d > 0 && text[dot + d] === '0') d--;
      if (d > this.priceDecimals) this.priceDecimals = d;
    }
    return v;
  }

  volume(row: Row, i: number, name: string): number {
    const v = this.number(row, i, name);
    if (v < 0) this.fail('NEGATIVE_VOLUME', row, `${name} must not be negative, got ${row.cells[i]}`);
    return v;
  }

  /** Epoch ms from an integer (ms, or s / µs told apart by magnitude), a date or an ISO date-time. */
  time(row: Row, i: number, name: string): number {
    const text = this.cell(row, i, name);
    if (/^\d+$/.test(text)) {
      const n = Number(text);
      if (text.length <= 10) return n * 1000; // epoch seconds (until 2286)
      if (text.length >= 16) return Math.floor(n / 1000); // epoch µs
      return n;
    }
    const d = DATE_RE.exec(text);
    if (d) return this.utc(row, text, +d[1]!, +d[2]!, +d[3]!, 0, 0, 0, 0);
    const m = DATETIME_RE.exec(text);
    if (m) {
      const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
      let t = this.utc(row, text, +m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, ms);
      const tz = m[8];
      if (tz && tz !== 'Z') {
        const sign = tz[0] === '-' ? -1 : 1;
        const digits = tz.slice(1).replace(':', '');
        t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
      }
      return t;
    }
    return this.fail('BAD_TIME', row, `${name} "${text}" is not a date, an ISO time or an epoch number`);
  }

  private utc(row: Row, text: string, y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
    const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
    const back = new Date(t);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
      this.fail('BAD_TIME', row, `time "${text}" does not exist`);
    }
    return t;
  }
}

interface BarColumns {
  time: number;
  /** A separate time-of-day column (backtrader intraday files). */
  clock?: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

function findColumn(header: Row, names: readonly string[]): number {
  const lower = header.cells.map((c) => c.toLowerCase());
  for (const n of names) {
    const i = lower.indexOf(n);
    if (i >= 0) return i;
  }
  for (const n of names) {
    const i = lower.findIndex((c) => c.startsWith(`${n}_`));
    if (i >= 0) return i;
  }
  return -1;
}

function requireColumn(r: Reader, header: Row, names: readonly string[]): number {
  const i = findColumn(header, names);
  if (i < 0) r.fail('MISSING_COLUMN', header, `no "${names[0]}" column in the header (got: ${header.cells.join(',')})`);
  return i;
}

function isNumericRow(row: Row): boolean {
  return row.cells.length > 0 && row.cells.every((c) => DECIMAL_RE.test(c) || /^(true|false)$/i.test(c));
}

/** Which format a file is in, from its first row. */
export function detectFormat(text: string, file = 'input'): SeriesFormat {
  const first = rowsOf(text.slice(0, 4096), file)[0]!;
  const lower = first.cells.map((c) => c.toLowerCase());
  if (isNumericRow(first)) {
    if (first.cells.length >= 12) return 'binance-klines';
    if (first.cells.length >= 6 && /^(true|false)$/i.test(first.cells[5]!)) return 'binance-trades';
    throw new DataError('UNKNOWN_FORMAT', file, 1, `a headerless file with ${first.cells.length} columns is neither Binance klines (12) nor Binance trades`);
  }
  if (lower.includes('adj close')) return 'yahoo';
  if (lower[0] === 'open_time') return 'binance-klines';
  if (lower.includes('openinterest')) return 'backtrader';
  if (lower.some((c) => c === 'taker_side' || c === 'side' || c === 'is_buyer_maker') && lower.some((c) => c.startsWith('price'))) return 'trades';
  if (lower.some((c) => c.startsWith('open')) && lower.some((c) => c.startsWith('close'))) return 'generic';
  throw new DataError('UNKNOWN_FORMAT', file, 1, `cannot tell the format from the header "${first.cells.join(',')}"`);
}

function barColumns(r: Reader, format: BarFormat, header: Row | undefined): BarColumns {
  if (format === 'binance-klines' && !header) return { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };
  const h = header!;
  const timeNames = format === 'binance-klines' ? ['open_time'] : ['time', 'timestamp', 'timestamp_ms', 'datetime', 'date'];
  const cols: BarColumns = {
    time: requireColumn(r, h, format === 'yahoo' || format === 'backtrader' ? ['date', 'datetime'] : timeNames),
    open: requireColumn(r, h, ['open']),
    high: requireColumn(r, h, ['high']),
    low: requireColumn(r, h, ['low']),
    close: requireColumn(r, h, ['close']),
    volume: requireColumn(r, h, ['volume']),
  };
  const clock = findColumn(h, ['time']);
  if (format === 'backtrader' && clock >= 0 && clock !== cols.time) cols.clock = clock;
  return cols;
}

export function parseBars(text: string, format: BarFormat, file = 'input'): BarSeries {
  const r: Reader = new Reader(file);
  const rows = rowsOf(text, file);
  const headerless = format === 'binance-klines' && isNumericRow(rows[0]!);
  const header = headerless ? undefined : rows[0];
  const cols = barColumns(r, format, header);
  const body = headerless ? rows : rows.slice(1);
  // backtrader's minute samples: header without Time, rows `date,time,…` — one column more than the header.
  const shifted = format === 'backtrader' && cols.clock === undefined && header !== undefined && body[0] !== undefined && body[0].cells.length === header.cells.length + 1 && TIME_OF_DAY_RE.test(body[0].cells[1] ?? '');
  const off = (i: number) => (shifted && i > cols.time ? i + 1 : i);
  const n = body.length;
  // A header and nothing else is a file without data, not an empty series to back-test.
  if (n === 0) throw new DataError('FILE_EMPTY', file, header?.no ?? 0, 'the file has a header but no rows of data');
  const s = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let last = -Infinity;
  let lastLine = 0;
  for (let k = 0; k < n; k++) {
    const row = body[k]!;
    let t = r.time(row, cols.time, 'time');
    const clockCol = cols.clock ?? (shifted ? cols.time + 1 : undefined);
    if (clockCol !== undefined) {
      const c = TIME_OF_DAY_RE.exec(r.cell(row, clockCol, 'time of day'));
      if (!c) r.fail('BAD_TIME', row, `time of day "${row.cells[clockCol]}" is not HH:MM[:SS]`);
      t += (Number(c[1]) * 3600 + Number(c[2]) * 60 + Number(c[3] ?? 0)) * 1000;
    }
    if (t === last) r.fail('DUPLICATE_TIMESTAMP', row, `bar time ${iso(t)} repeats line ${lastLine}`);
    if (t < last) r.fail('UNSORTED', row, `bar time ${iso(t)} is before line ${lastLine}'s ${iso(last)}`);
    const o = r.price(row, off(cols.open), 'open');
    const hi = r.price(row, off(cols.high), 'high');
    const lo = r.price(row, off(cols.low), 'low');
    const c = r.price(row, off(cols.close), 'close');
    const v = r.volume(row, off(cols.volume), 'volume');
    if (hi < o || hi < c || lo > o || lo > c) r.fail('INCONSISTENT_BAR', row, `high ${hi} and low ${lo} do not contain open ${o} and close ${c}`);
    s.time[k] = t;
    s.open[k] = o;
    s.high[k] = hi;
    s.low[k] = lo;
    s.close[k] = c;
    s.volume[k] = v;
    last = t;
    lastLine = row.no;
  }
  return { kind: 'bars', ...s, priceDecimals: r.priceDecimals };
}

export function parseTrades(text: string, format: 'binance-trades' | 'trades', file = 'input'): TradeTape {
  const r: Reader = new Reader(file);
  const rows = rowsOf(text, file);
  let body: Row[];
  let cols: { time: number; price: number; qty: number; side: number; buyerMaker: boolean };
  if (format === 'binance-trades' && isNumericRow(rows[0]!)) {
    body = rows;
    cols = { time: 4, price: 1, qty: 2, side: 5, buyerMaker: true };
  } else {
    const h = rows[0]!;
    body = rows.slice(1);
    const bm = findColumn(h, ['is_buyer_maker']);
    cols = {
      time: requireColumn(r, h, ['timestamp_ms', 'time', 'timestamp']),
      price: requireColumn(r, h, ['price']),
      qty: requireColumn(r, h, ['amount', 'qty', 'quantity']),
      side: bm >= 0 ? bm : requireColumn(r, h, ['taker_side', 'side']),
      buyerMaker: bm >= 0,
    };
  }
  const n = body.length;
  if (n === 0) throw new DataError('FILE_EMPTY', file, rows[0]!.no, 'the file has a header but no trades');
  const time = new Float64Array(n);
  const price = new Float64Array(n);
  const qty = new Float64Array(n);
  const side = new Int8Array(n);
  let last = -Infinity;
  let lastLine = 0;
  for (let k = 0; k < n; k++) {
    const row = body[k]!;
    const t = r.time(row, cols.time, 'time');
    // Several trades share a millisecond when one taker order fills several levels: only going back is refused.
    if (t < last) r.fail('UNSORTED', row, `trade time ${iso(t)} is before line ${lastLine}'s ${iso(last)}`);
    time[k] = t;
    price[k] = r.price(row, cols.price, 'price');
    qty[k] = r.volume(row, cols.qty, 'quantity');
    const sv = r.cell(row, cols.side, 'side').toLowerCase();
    if (cols.buyerMaker) {
      if (sv !== 'true' && sv !== 'false') r.fail('BAD_NUMBER', row, `is_buyer_maker "${sv}" is not true or false`);
      // The buyer was the maker: the taker sold.
      side[k] = sv === 'true' ? -1 : 1;
    } else {
      if (sv !== 'buy' && sv !== 'sell') r.fail('BAD_NUMBER', row, `side "${sv}" is not buy or sell`);
      side[k] = sv === 'buy' ? 1 : -1;
    }
    last = t;
    lastLine = row.no;
  }
  return { kind: 'trades', time, price, qty, side, priceDecimals: r.priceDecimals };
}

/** Parses a file in the given format, or the detected one. */
export function parseSeries(text: string, file = 'input', format?: SeriesFormat): Series {
  const f = format ?? detectFormat(text, file);
  return f === 'binance-trades' || f === 'trades' ? parseTrades(text, f, file) : parseBars(text, f, file);
}

export function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
