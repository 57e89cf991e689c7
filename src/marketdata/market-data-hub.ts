import type { CandleDto, CandleInterval } from '../contract/dto.ts';
import { CANDLE_INTERVALS } from '../contract/dto.ts';
import type { Instrument } from '../core/instrument.ts';
import type { MarketBook, MarketEvent, MarketTrade } from '../core/ports.ts';
import { CandleBuilder } from './candles.ts';

/**
 * The engine's view of the market: latest book, recent tape, last price and candles for every
 * interval, fed by the venue's market events. Candle updates are batched per book step so the UI
 * gets at most one update per interval per step, while closes are reported at once.
 */
export interface HubListener {
  book(book: MarketBook, last: bigint | undefined): void;
  trade(trade: MarketTrade): void;
  candle(candle: CandleDto): void;
  /**
   * Whether anyone takes candle events now (default: yes). With no one, no candle DTO is built:
   * bars still close into the history, which builds a DTO when it is read.
   */
  wantsCandles?(): boolean;
}

interface SymbolData {
  inst: Instrument;
  book: MarketBook | undefined;
  tape: MarketTrade[];
  last: bigint | undefined;
  builders: Map<CandleInterval, CandleBuilder>;
  /**
   * The same builders in CANDLE_INTERVALS order, and which of them have an update to publish: the
   * hub walks these on every trade and book (a Map's entries and a Set built iterator results per
   * step), and publishes in interval order, as the Set's insertion order always was.
   */
  list: CandleBuilder[];
  dirty: boolean[];
  /** The book mid() last answered for and its two-sided mid (undefined: one-sided, the mark answers): the OMS asks per order. */
  midOf: MarketBook | undefined;
  mid: bigint | undefined;
}

const TAPE_SIZE = 200;
/** shortTermVol's window: 61 closes of 5 s bars (60 returns, five minutes), and its returns. Shared scratch: the engine is single-threaded. */
const VOL_CLOSES = new Float64Array(61);
const VOL_RETURNS = new Float64Array(60);

/**
 * A book that can tell a side's best price without building the side: the simulated venue's
 * lazily built tape book (src/venues/sim/lazy-book.ts), found by this method's name. The answer is
 * the price `bids[0]` / `asks[0]` would hold.
 */
interface BookTop {
  bestPrice(side: 'bid' | 'ask'): bigint | undefined;
}

function bestOf(b: MarketBook | undefined, side: 'bid' | 'ask'): bigint | undefined {
  if (b === undefined) return undefined;
  const top = (b as MarketBook & Partial<BookTop>).bestPrice;
  if (typeof top === 'function') return top.call(b, side);
  return (side === 'bid' ? b.bids : b.asks)[0]?.priceUnits;
}

export class MarketDataHub {
  private readonly data = new Map<string, SymbolData>();
  private readonly listener: HubListener;
  private readonly closed = (c: CandleDto): void => this.listener.candle(c);
  /** shortTermVol per symbol, kept until the 5 s bars move on (it reads closed bars only). */
  private readonly volCache = new Map<string, { closed: number; vol: number }>();

  constructor(instruments: readonly Instrument[], listener: HubListener, maxBars = 2000) {
    this.listener = listener;
    for (const inst of instruments) {
      const builders = new Map<CandleInterval, CandleBuilder>();
      for (const interval of CANDLE_INTERVALS) {
        builders.set(interval, new CandleBuilder({ symbol: inst.symbol, interval, priceDecimals: inst.priceDecimals, qtyDecimals: inst.qtyDecimals, maxBars }));
      }
      this.data.set(inst.symbol, { inst, book: undefined, tape: [], last: undefined, builders, list: [...builders.values()], dirty: CANDLE_INTERVALS.map(() => false), midOf: undefined, mid: undefined });
    }
  }

  on(e: MarketEvent): void {
    if (e.type === 'trade') this.onTrade(e.trade);
    else this.onBook(e.book);
  }

  private onTrade(t: MarketTrade): void {
    const d = this.data.get(t.symbol);
    if (!d) return;
    d.last = t.priceUnits;
    d.tape.push(t);
    if (d.tape.length > TAPE_SIZE * 2) d.tape.splice(0, d.tape.length - TAPE_SIZE);
    const want = this.wantsCandles();
    const onClose = want ? this.closed : undefined;
    for (let k = 0; k < d.list.length; k++) {
      // A trade always changes the open bar; its update goes out with the next book step.
      d.list[k]!.trade(t.ts, t.priceUnits, t.qtyUnits, onClose);
      if (want) d.dirty[k] = true;
    }
    this.listener.trade(t);
  }

  private onBook(book: MarketBook): void {
    const d = this.data.get(book.symbol);
    if (!d) return;
    d.book = book;
    const want = this.wantsCandles();
    const onClose = want ? this.closed : undefined;
    for (let k = 0; k < d.list.length; k++) {
      if (d.list[k]!.advance(book.ts, onClose) && want) d.dirty[k] = true;
    }
    for (let k = 0; k < d.list.length; k++) {
      if (!d.dirty[k]) continue;
      d.dirty[k] = false;
      const c = d.list[k]!.current();
      if (c) this.listener.candle(c);
    }
    this.listener.book(book, d.last);
  }

  private wantsCandles(): boolean {
    return this.listener.wantsCandles?.() ?? true;
  }

  book(symbol: string): MarketBook | undefined {
    return this.data.get(symbol)?.book;
  }

  last(symbol: string): bigint | undefined {
    return this.data.get(symbol)?.last;
  }

  /** Mid of the best bid and ask, else the mark (used for decision/arrival prices and TCA). */
  mid(symbol: string): bigint | undefined {
    const d = this.data.get(symbol);
    if (d === undefined) return undefined;
    const b = d.book;
    // Published books are read-only: the same book has the same mid (two bigint operations saved per ask).
    if (b === undefined || b !== d.midOf) {
      const bid = bestOf(b, 'bid');
      const ask = bestOf(b, 'ask');
      d.midOf = b;
      d.mid = bid !== undefined && ask !== undefined ? (bid + ask) / 2n : undefined;
    }
    return d.mid ?? this.mark(symbol);
  }

  /** Mark price: last trade, else mid of the book. */
  mark(symbol: string): bigint | undefined {
    const d = this.data.get(symbol);
    if (!d) return undefined;
    if (d.last !== undefined) return d.last;
    const bid = bestOf(d.book, 'bid');
    const ask = bestOf(d.book, 'ask');
    if (bid !== undefined && ask !== undefined) return (bid + ask) / 2n;
    return bid ?? ask;
  }

  /** Average traded quantity per second over the last `minutes` closed 1m bars, qty units. */
  volumePerSecond(symbol: string, minutes = 30): number | undefined {
    const b = this.data.get(symbol)?.builders.get('1m');
    if (!b) return undefined;
    const vols = b.volumes(minutes);
    if (vols.length === 0) return undefined;
    let v = 0n;
    for (const x of vols) v += x;
    return Number(v) / (vols.length * 60);
  }

  /**
   * Short-term volatility of the price: σ of 5-second log returns over the last five minutes,
   * per √second. 0 when there is not enough history. It reads closed 5 s bars only, so the figure
   * is kept until the next one closes (L1 asks once a second per symbol).
   */
  shortTermVol(symbol: string): number {
    const b = this.data.get(symbol)?.builders.get('5s');
    if (!b) return 0;
    const cached = this.volCache.get(symbol);
    if (cached !== undefined && cached.closed === b.closedCount) return cached.vol;
    // The closes as numbers, into scratch arrays (this runs after every print): each return is
    // log(Number(close) / Number(previous)), so comparing the numbers is what the log sees.
    const c = VOL_CLOSES;
    const n = b.closeValues(VOL_CLOSES.length, c);
    let vol = 0;
    // Every close the same (a quiet five minutes: flat carries): every return is log(1) = 0, so σ is
    // 0, what the sums below give, without 60 logarithms.
    let flat = true;
    for (let i = 1; flat && i < n; i++) flat = c[i] === c[0];
    if (n >= 5 && !flat) {
      const r = VOL_RETURNS;
      const m = n - 1;
      // A flat carry's return is log(1) = 0 exactly: most of a replay's 5 s bars between prints.
      for (let i = 1; i < n; i++) r[i - 1] = c[i] === c[i - 1] ? 0 : Math.log(c[i]! / c[i - 1]!);
      // Summed left to right from 0, as reduce did: the same figure to the bit.
      let sum = 0;
      for (let i = 0; i < m; i++) sum += r[i]!;
      const mean = sum / m;
      let sq = 0;
      for (let i = 0; i < m; i++) sq += (r[i]! - mean) * (r[i]! - mean);
      const variance = sq / Math.max(1, m - 1);
      vol = Math.sqrt(variance / 5);
    }
    this.volCache.set(symbol, { closed: b.closedCount, vol });
    return vol;
  }

  tape(symbol: string, limit: number): MarketTrade[] {
    const t = this.data.get(symbol)?.tape ?? [];
    return t.slice(Math.max(0, t.length - limit)).reverse();
  }

  candles(symbol: string, interval: CandleInterval, limit: number): CandleDto[] {
    const b = this.data.get(symbol)?.builders.get(interval);
    if (!b) return [];
    return b.recent(limit, true);
  }
}
