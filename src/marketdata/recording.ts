import { DomainError } from '../core/errors.ts';
import type { InstrumentSpec } from '../core/instrument.ts';
import { CsvParseError, parseTradesCsv } from './csv.ts';
import { inferTapeInstrument } from './tape-instrument.ts';
import { symbolFromFileName } from '../contract/symbol-name.ts';

/**
 * The replayable market file. Two formats load into the same thing, a set of recorded trade tapes
 * on one clock:
 *
 * - a trade tape CSV of one instrument (`timestamp_ms, trade_id, taker_side, price, amount`, as
 *   Binance's), its instrument inferred from the tape (tape-instrument.ts);
 * - a Strata recording (what the recorder writes, JSON lines): a header line
 *   `{"strata":"recording","version":1,"currency":"USD","instruments":[InstrumentSpec…]}` then one
 *   line per trade `{"t":epochMs,"s":"BTC/USDT","id":"…","side":"buy","p":"64000.5","q":"0.01"}`,
 *   in time order. Prices and quantities are decimal text so a replay converts them exactly.
 *
 * JSON lines rather than CSV because a recording holds several instruments whose specs (tick, lot,
 * fees) must travel with it, and an append-only line format survives a recorder that is killed.
 * Pure: text in, typed data out (no I/O); a bad file is a DomainError BAD_FILE naming the line.
 */

export const RECORDING_VERSION = 1;

export interface RecordedTrade {
  timestampMs: number;
  tradeId: string;
  side: 'buy' | 'sell';
  priceText: string;
  amountText: string;
}

export interface LoadedTape {
  instrument: InstrumentSpec;
  trades: RecordedTrade[];
}

export interface LoadedMarket {
  /** 'candles': bars turned into synthetic prints (src/kernel/replay/candle-tape.ts). */
  format: 'trades-csv' | 'recording' | 'candles';
  currency: string;
  tapes: LoadedTape[];
  /** First and last trade time over every tape. */
  start: number;
  end: number;
  /** Trades over every tape. */
  events: number;
}

export interface RecordingHeader {
  strata: 'recording';
  version: number;
  currency: string;
  instruments: InstrumentSpec[];
  /** When the recording started (epoch ms), informational. */
  startedAt?: number;
}

export function recordingHeaderLine(h: Omit<RecordingHeader, 'strata' | 'version'>): string {
  const header: RecordingHeader = { strata: 'recording', version: RECORDING_VERSION, ...h };
  return JSON.stringify(header) + '\n';
}

export function recordedTradeLine(symbol: string, t: RecordedTrade): string {
  return JSON.stringify({ t: t.timestampMs, s: symbol, id: t.tradeId, side: t.side, p: t.priceText, q: t.amountText }) + '\n';
}

/** A decimal's text at a fixed number of places, trailing zeros dropped (a float from the wire back to exact text). */
export function decimalText(x: number, decimals: number): string {
  const s = x.toFixed(decimals);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

// Shared with the UI (it names the replay cash's currency from the file name before loading).
export { symbolFromFileName };

function bad(file: string, line: number, reason: string): DomainError {
  return new DomainError('BAD_FILE', `${file}${line > 0 ? `:${line}` : ''}: ${reason}`);
}

const DECIMAL = /^\d+(\.\d+)?$/;

function parseRecording(text: string, file: string): LoadedMarket {
  const lines = text.split(/\r?\n/);
  let header: RecordingHeader | undefined;
  const bySymbol = new Map<string, RecordedTrade[]>();
  let last = -Infinity;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      // A recorder killed mid-line leaves a torn last line: everything before it is good.
      if (i >= lines.length - 2) break;
      throw bad(file, i + 1, 'not a JSON line');
    }
    if (typeof v !== 'object' || v === null) throw bad(file, i + 1, 'not a JSON object');
    const o = v as Record<string, unknown>;
    if (!header) {
      if (o.strata !== 'recording') throw bad(file, i + 1, 'the first line is not a Strata recording header');
      if (o.version !== RECORDING_VERSION) throw bad(file, i + 1, `recording version ${String(o.version)} is not supported (expected ${RECORDING_VERSION})`);
      if (typeof o.currency !== 'string' || !Array.isArray(o.instruments) || o.instruments.length === 0) throw bad(file, i + 1, 'the header needs a currency and at least one instrument');
      header = o as unknown as RecordingHeader;
      for (const spec of header.instruments) {
        if (typeof spec?.symbol !== 'string' || typeof spec.tickSize !== 'string' || typeof spec.lotSize !== 'string') throw bad(file, i + 1, 'an instrument needs symbol, tickSize and lotSize');
        bySymbol.set(spec.symbol, []);
      }
      continue;
    }
    const t = o.t;
    const s = o.s;
    if (typeof t !== 'number' || !Number.isFinite(t)) throw bad(file, i + 1, 'trade time "t" must be epoch ms');
    if (t < last) throw bad(file, i + 1, `trade time ${t} goes back in time (previous ${last})`);
    last = t;
    const tape = typeof s === 'string' ? bySymbol.get(s) : undefined;
    if (!tape) throw bad(file, i + 1, `instrument "${String(s)}" is not in the header`);
    if (o.side !== 'buy' && o.side !== 'sell') throw bad(file, i + 1, 'side must be buy or sell');
    if (typeof o.p !== 'string' || !DECIMAL.test(o.p) || Number(o.p) <= 0) throw bad(file, i + 1, 'price "p" must be a positive decimal text');
    if (typeof o.q !== 'string' || !DECIMAL.test(o.q) || Number(o.q) <= 0) throw bad(file, i + 1, 'quantity "q" must be a positive decimal text');
    tape.push({ timestampMs: t, tradeId: typeof o.id === 'string' ? o.id : String(i), side: o.side, priceText: o.p, amountText: o.q });
  }
  if (!header) throw bad(file, 0, 'empty file');
  const tapes = header.instruments.map((instrument) => ({ instrument, trades: bySymbol.get(instrument.symbol) ?? [] })).filter((x) => x.trades.length > 0);
  return summarise('recording', header.currency, tapes, file);
}

function summarise(format: 'trades-csv' | 'recording', currency: string, tapes: LoadedTape[], file: string): LoadedMarket {
  if (tapes.length === 0) throw bad(file, 0, 'no trades to replay');
  let start = Infinity;
  let end = -Infinity;
  let events = 0;
  for (const t of tapes) {
    start = Math.min(start, t.trades[0]!.timestampMs);
    end = Math.max(end, t.trades[t.trades.length - 1]!.timestampMs);
    events += t.trades.length;
  }
  return { format, currency, tapes, start, end, events };
}

/**
 * Reads a replayable file's text: a Strata recording, or a trade tape CSV whose instrument is
 * `symbol` (default: read from the file name, e.g. binance_XRPETH_… → XRP/ETH).
 */
export function loadMarketFile(text: string, file: string, symbol?: string): LoadedMarket {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trimStart().startsWith('{')) return parseRecording(body, file);
  const sym = symbol ?? symbolFromFileName(file);
  if (!sym) throw bad(file, 0, 'cannot tell the instrument from the file name; give the symbol (e.g. --symbol XRP/ETH)');
  let rows;
  try {
    rows = parseTradesCsv(body);
  } catch (err) {
    if (err instanceof CsvParseError) throw bad(file, err.line, err.message.replace(/^line \d+: /, ''));
    throw err;
  }
  if (rows.length === 0) throw bad(file, 0, 'no trades to replay');
  const instrument = inferTapeInstrument(sym, rows);
  return summarise('trades-csv', instrument.quote, [{ instrument, trades: rows }], file);
}
