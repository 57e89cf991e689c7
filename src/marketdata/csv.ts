/**
 * Small pure parsers for the market data fixture formats (see tests/fixtures/data/README.md).
 *
 * Text in, typed rows out; no I/O. Every parser accepts LF or CRLF line ends, a leading BOM and
 * trailing blank lines, and throws `CsvParseError` naming the 1-based line of the file (the header is
 * line 1) on the first malformed row. Decimal fields are validated as plain decimals (no "", "NaN",
 * "1e5" or "0x10", which Number() would accept), and prices and amounts keep their original text so
 * callers can convert them exactly with `toUnits`.
 */

export class CsvParseError extends Error {
  /** 1-based line number in the input text (the header is line 1). */
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvParseError';
    this.line = line;
  }
}

/** One trade of a trades CSV: `timestamp_ms, [time_utc,] trade_id, taker_side, price*, amount*[, cost*]`. */
export interface TradeRow {
  /** UTC epoch ms. */
  timestampMs: number;
  tradeId: string;
  /** Aggressor (taker) side. */
  side: 'buy' | 'sell';
  price: number;
  amount: number;
  /** The price exactly as written in the file, for exact conversion (`toUnits(priceText, d)`). */
  priceText: string;
  /** The amount exactly as written in the file. */
  amountText: string;
}

/** One bar of a candles CSV: `timestamp_ms` (bar open time), `[time_utc,] open, high, low, close, volume*`. */
export interface CandleRow {
  /** Bar open time, UTC epoch ms. */
  timestampMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** The five values exactly as written in the file. */
  text: { open: string; high: string; low: string; close: string; volume: string };
}

/** One row of a daily series: `date, value`. */
export interface DailyCloseRow {
  /** ISO `YYYY-MM-DD`. */
  date: string;
  value: number;
}

/** One bar of a backtrader minute file: `date, time, open, high, low, close, volume, openInterest`. */
export interface MinuteBarRow {
  /** `YYYY-MM-DD` as in the file. */
  date: string;
  /** `HH:MM:SS` as in the file. backtrader stamps a bar with its END time (09:01:00 covers 09:00-09:01). */
  time: string;
  /**
   * The file's wall-clock date and time read as if they were UTC, in epoch ms. The file has no time
   * zone (the exchange's local time), so this is an ordering key, not a true instant.
   */
  wallClockMs: number;
  /** Minutes since the wall-clock midnight of the stamp (09:01:00 → 541). */
  minuteOfDay: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  openInterest: number;
}

const DECIMAL_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const INTEGER_RE = /^\d+$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})$/;

interface Line {
  readonly no: number;
  readonly cells: string[];
}

/** Splits text into non-empty lines of comma-separated cells (no quoting: none of the formats use it). */
function readLines(text: string): Line[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const raw = body.split('\n');
  const out: Line[] = [];
  let blankSeen = 0;
  for (let i = 0; i < raw.length; i++) {
    let s = raw[i] ?? '';
    if (s.endsWith('\r')) s = s.slice(0, -1);
    if (s.trim() === '') {
      blankSeen = i + 1;
      continue;
    }
    if (blankSeen > 0 && out.length > 0) throw new CsvParseError(blankSeen, 'blank line inside the data');
    out.push({ no: i + 1, cells: s.split(',').map((c) => c.trim()) });
  }
  return out;
}

function headerOf(lines: readonly Line[], what: string): Line {
  const header = lines[0];
  if (!header) throw new CsvParseError(1, `empty input: expected a ${what} header`);
  return header;
}

/** Index of the first header cell matching one of the names exactly, or `name_*`. */
function column(header: Line, names: readonly string[], what: string): number {
  const lower = header.cells.map((c) => c.toLowerCase());
  for (const n of names) {
    const exact = lower.indexOf(n);
    if (exact >= 0) return exact;
  }
  for (const n of names) {
    const prefixed = lower.findIndex((c) => c.startsWith(`${n}_`));
    if (prefixed >= 0) return prefixed;
  }
  throw new CsvParseError(header.no, `${what} header has no "${names.join('" or "')}" column (got: ${header.cells.join(',')})`);
}

function cell(line: Line, index: number, name: string): string {
  const v = line.cells[index];
  if (v === undefined || v === '') throw new CsvParseError(line.no, `missing ${name}`);
  return v;
}

function decimal(line: Line, index: number, name: string): { value: number; text: string } {
  const text = cell(line, index, name);
  if (!DECIMAL_RE.test(text)) throw new CsvParseError(line.no, `${name} "${text}" is not a decimal number`);
  return { value: Number(text), text };
}

function positive(line: Line, index: number, name: string): { value: number; text: string } {
  const d = decimal(line, index, name);
  if (!(d.value > 0)) throw new CsvParseError(line.no, `${name} must be positive, got ${d.text}`);
  return d;
}

function nonNegative(line: Line, index: number, name: string): { value: number; text: string } {
  const d = decimal(line, index, name);
  if (d.value < 0) throw new CsvParseError(line.no, `${name} must not be negative, got ${d.text}`);
  return d;
}

function epochMs(line: Line, index: number, name: string): number {
  const text = cell(line, index, name);
  const v = Number(text);
  if (!INTEGER_RE.test(text) || !Number.isSafeInteger(v)) {
    throw new CsvParseError(line.no, `${name} "${text}" is not an integer epoch ms`);
  }
  return v;
}

function isoDate(line: Line, text: string): number {
  const m = DATE_RE.exec(text);
  if (!m) throw new CsvParseError(line.no, `date "${text}" is not YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new CsvParseError(line.no, `date "${text}" does not exist`);
  }
  return ms;
}

function checkRow(line: Line, minCells: number, what: string): void {
  if (line.cells.length < minCells) {
    throw new CsvParseError(line.no, `${what} row has ${line.cells.length} fields, expected at least ${minCells}`);
  }
}

function checkOhlc(line: Line, o: number, h: number, l: number, c: number): void {
  if (h < Math.max(o, c) || l > Math.min(o, c) || l > h) {
    throw new CsvParseError(line.no, `inconsistent bar: open ${o} high ${h} low ${l} close ${c}`);
  }
}

/**
 * Trades CSV, columns found by header name: `timestamp_ms`, `trade_id`, `taker_side` (or `side`),
 * `price` or `price_*`, `amount` or `amount_*`; other columns (time_utc, cost_eth) are ignored.
 * Timestamps must be non-decreasing; several trades may share one.
 */
export function parseTradesCsv(text: string): TradeRow[] {
  const lines = readLines(text);
  const header = headerOf(lines, 'trades');
  const iTs = column(header, ['timestamp_ms'], 'trades');
  const iId = column(header, ['trade_id'], 'trades');
  const iSide = column(header, ['taker_side', 'side'], 'trades');
  const iPrice = column(header, ['price'], 'trades');
  const iAmount = column(header, ['amount'], 'trades');
  const width = Math.max(iTs, iId, iSide, iPrice, iAmount) + 1;
  const rows: TradeRow[] = [];
  let lastTs = -Infinity;
  for (const line of lines.slice(1)) {
    checkRow(line, width, 'trade');
    const timestampMs = epochMs(line, iTs, 'timestamp_ms');
    if (timestampMs < lastTs) throw new CsvParseError(line.no, `timestamp ${timestampMs} goes back in time (previous ${lastTs})`);
    lastTs = timestampMs;
    const side = cell(line, iSide, 'taker_side').toLowerCase();
    if (side !== 'buy' && side !== 'sell') throw new CsvParseError(line.no, `taker_side "${side}" is not buy or sell`);
    const price = positive(line, iPrice, 'price');
    const amount = positive(line, iAmount, 'amount');
    rows.push({
      timestampMs,
      tradeId: cell(line, iId, 'trade_id'),
      side,
      price: price.value,
      amount: amount.value,
      priceText: price.text,
      amountText: amount.text,
    });
  }
  return rows;
}

/**
 * Candles CSV, columns by header name: `timestamp_ms` (bar open), `open`, `high`, `low`, `close`,
 * `volume` or `volume_*`. Bar times must be strictly increasing; OHLC must be consistent.
 */
export function parseCandlesCsv(text: string): CandleRow[] {
  const lines = readLines(text);
  const header = headerOf(lines, 'candles');
  const idx = {
    ts: column(header, ['timestamp_ms'], 'candles'),
    open: column(header, ['open'], 'candles'),
    high: column(header, ['high'], 'candles'),
    low: column(header, ['low'], 'candles'),
    close: column(header, ['close'], 'candles'),
    volume: column(header, ['volume'], 'candles'),
  };
  const width = Math.max(...Object.values(idx)) + 1;
  const rows: CandleRow[] = [];
  let lastTs = -Infinity;
  for (const line of lines.slice(1)) {
    checkRow(line, width, 'candle');
    const timestampMs = epochMs(line, idx.ts, 'timestamp_ms');
    if (timestampMs <= lastTs) throw new CsvParseError(line.no, `bar time ${timestampMs} is not after the previous ${lastTs}`);
    lastTs = timestampMs;
    const open = positive(line, idx.open, 'open');
    const high = positive(line, idx.high, 'high');
    const low = positive(line, idx.low, 'low');
    const close = positive(line, idx.close, 'close');
    const volume = nonNegative(line, idx.volume, 'volume');
    checkOhlc(line, open.value, high.value, low.value, close.value);
    rows.push({
      timestampMs,
      open: open.value,
      high: high.value,
      low: low.value,
      close: close.value,
      volume: volume.value,
      text: { open: open.text, high: high.text, low: low.text, close: close.text, volume: volume.text },
    });
  }
  return rows;
}

/**
 * A daily series `date, <name>[, <name>...]`: the first column is the date, the value comes from the
 * column named `valueColumn` (default: the second column). Dates must be strictly increasing. An empty
 * value cell (e.g. before a listing in a multi-ticker file) is skipped, not an error.
 */
export function parseDailyClosesCsv(text: string, valueColumn?: string): DailyCloseRow[] {
  const lines = readLines(text);
  const header = headerOf(lines, 'daily');
  if ((header.cells[0] ?? '').toLowerCase() !== 'date') {
    throw new CsvParseError(header.no, `daily header must start with "date" (got: ${header.cells.join(',')})`);
  }
  let iValue = 1;
  if (valueColumn !== undefined) {
    iValue = header.cells.indexOf(valueColumn);
    if (iValue < 1) throw new CsvParseError(header.no, `daily header has no "${valueColumn}" column`);
  } else if (header.cells.length < 2) {
    throw new CsvParseError(header.no, 'daily header needs a value column after "date"');
  }
  const rows: DailyCloseRow[] = [];
  let lastDay = -Infinity;
  for (const line of lines.slice(1)) {
    const date = cell(line, 0, 'date');
    const day = isoDate(line, date);
    if (day <= lastDay) throw new CsvParseError(line.no, `date ${date} is not after the previous row's`);
    lastDay = day;
    if ((line.cells[iValue] ?? '') === '') continue;
    rows.push({ date, value: positive(line, iValue, 'value').value });
  }
  return rows;
}

/**
 * backtrader minute bars: `date,time,open,high,low,close,volume,openInterest` per row (the sample
 * file's header lacks the `Time` column, so the header is skipped, not interpreted; it must start with
 * "Date"). Stamps must be strictly increasing.
 */
export function parseBacktraderMinuteBars(text: string): MinuteBarRow[] {
  const lines = readLines(text);
  const header = headerOf(lines, 'backtrader');
  if ((header.cells[0] ?? '').toLowerCase() !== 'date') {
    throw new CsvParseError(header.no, `backtrader header must start with "Date" (got: ${header.cells.join(',')})`);
  }
  const rows: MinuteBarRow[] = [];
  let last = -Infinity;
  for (const line of lines.slice(1)) {
    checkRow(line, 8, 'backtrader minute bar');
    const date = cell(line, 0, 'date');
    const time = cell(line, 1, 'time');
    const day = isoDate(line, date);
    const t = TIME_RE.exec(time);
    if (!t) throw new CsvParseError(line.no, `time "${time}" is not HH:MM:SS`);
    const [hh, mm, ss] = [Number(t[1]), Number(t[2]), Number(t[3])];
    if (hh > 24 || mm > 59 || ss > 59 || (hh === 24 && (mm > 0 || ss > 0))) {
      throw new CsvParseError(line.no, `time "${time}" is out of range`);
    }
    const wallClockMs = day + ((hh * 60 + mm) * 60 + ss) * 1000;
    if (wallClockMs <= last) throw new CsvParseError(line.no, `${date} ${time} is not after the previous bar`);
    last = wallClockMs;
    const open = positive(line, 2, 'open').value;
    const high = positive(line, 3, 'high').value;
    const low = positive(line, 4, 'low').value;
    const close = positive(line, 5, 'close').value;
    checkOhlc(line, open, high, low, close);
    rows.push({
      date,
      time,
      wallClockMs,
      minuteOfDay: hh * 60 + mm,
      open,
      high,
      low,
      close,
      volume: nonNegative(line, 6, 'volume').value,
      openInterest: nonNegative(line, 7, 'openInterest').value,
    });
  }
  return rows;
}
