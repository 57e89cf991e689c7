import type { OHLCV, OrderBook, Ticker, Trade } from 'ccxt';
import type { Clock } from '../../core/clock.ts';
import type { Instrument } from '../../core/instrument.ts';
import type { BookLevel, MarketBook, MarketEvent, MarketTrade } from '../../core/ports.ts';
import { venueUnits } from './markets.ts';
import type { VenueSession } from './session.ts';
import { PRIORITY } from './throttle.ts';

export interface FeedOptions {
  session: VenueSession;
  clock: Clock;
  instruments: Instrument[];
  /** Poll periods, ms (default book 1000, trades 2000). Each poll starts after the previous ended. */
  bookMs?: number;
  tradesMs?: number;
  depth?: number;
  emit: (e: MarketEvent) => void;
}

export function bookFromCcxt(inst: Instrument, ob: Pick<OrderBook, 'bids' | 'asks' | 'timestamp'>, now: number): MarketBook {
  const side = (levels: OrderBook['bids']): BookLevel[] => {
    const out: BookLevel[] = [];
    for (const l of levels) {
      const [p, q] = l;
      if (p === undefined || q === undefined) continue;
      const qtyUnits = venueUnits(q, inst.qtyDecimals);
      if (qtyUnits > 0n) out.push({ priceUnits: venueUnits(p, inst.priceDecimals), qtyUnits });
    }
    return out;
  };
  return { symbol: inst.symbol, bids: side(ob.bids), asks: side(ob.asks), ts: ob.timestamp ?? now };
}

export function tradeFromCcxt(inst: Instrument, t: Trade): MarketTrade | undefined {
  if (t.id === undefined || t.price === undefined || t.amount === undefined) return undefined;
  return {
    symbol: inst.symbol,
    id: `${inst.symbol}:${t.id}`,
    priceUnits: venueUnits(t.price, inst.priceDecimals),
    qtyUnits: venueUnits(t.amount, inst.qtyDecimals),
    side: t.side === 'sell' ? 'sell' : 'buy',
    ts: t.timestamp ?? 0,
  };
}

/** A ticker in exact units (undefined where the venue sent nothing). */
export interface UnitTicker {
  symbol: string;
  lastUnits: bigint | undefined;
  bidUnits: bigint | undefined;
  askUnits: bigint | undefined;
  /** Base volume over the venue's window (24 h on Binance). */
  volumeUnits: bigint | undefined;
  ts: number;
}

/** One OHLCV bar in exact units. */
export interface UnitBar {
  time: number;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
  volume: bigint;
}

export function tickerFromCcxt(inst: Instrument, t: Ticker, now: number): UnitTicker {
  const p = (v: number | undefined) => (v === undefined || v === null ? undefined : venueUnits(v, inst.priceDecimals));
  return {
    symbol: inst.symbol,
    lastUnits: p(t.last),
    bidUnits: p(t.bid),
    askUnits: p(t.ask),
    volumeUnits: t.baseVolume === undefined || t.baseVolume === null ? undefined : venueUnits(t.baseVolume, inst.qtyDecimals),
    ts: t.timestamp ?? now,
  };
}

export function barsFromCcxt(inst: Instrument, rows: readonly OHLCV[]): UnitBar[] {
  const out: UnitBar[] = [];
  for (const [time, o, h, l, c, v] of rows) {
    if (time === undefined || o === undefined || h === undefined || l === undefined || c === undefined) continue;
    const px = (x: number) => venueUnits(x, inst.priceDecimals);
    out.push({ time, open: px(o), high: px(h), low: px(l), close: px(c), volume: venueUnits(v ?? 0, inst.qtyDecimals) });
  }
  return out;
}

/**
 * Market data by polling, within the shared throttle at the lowest priority: the order book and
 * the public trades of each symbol, as MarketEvents in exact units. Trades are emitted once each
 * (the poll returns the latest N; those at or before the last seen timestamp and id are skipped).
 * A poll that fails backs off; its failures feed the connection state through the session.
 */
export class MarketFeed {
  private readonly opts: FeedOptions;
  private readonly books = new Map<string, MarketBook>();
  private readonly lastTrade = new Map<string, { ts: number; ids: Set<string> }>();
  private readonly timers = new Set<number>();
  private running = false;

  constructor(opts: FeedOptions) {
    this.opts = opts;
  }

  book(symbol: string): MarketBook | undefined {
    return this.books.get(symbol);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const inst of this.opts.instruments) {
      this.loop(() => this.pollBook(inst), this.opts.bookMs ?? 1_000);
      this.loop(() => this.pollTrades(inst), this.opts.tradesMs ?? 2_000);
    }
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers) this.opts.clock.cancel(t);
    this.timers.clear();
  }

  async pollBook(inst: Instrument): Promise<MarketBook> {
    const ob = await this.opts.session.read(PRIORITY.data, (ex) => ex.fetchOrderBook(inst.symbol, this.opts.depth ?? 20), { attempts: 1 });
    const book = bookFromCcxt(inst, ob, this.opts.clock.now());
    this.books.set(inst.symbol, book);
    this.opts.emit({ type: 'book', book });
    return book;
  }

  async pollTrades(inst: Instrument): Promise<void> {
    const trades = await this.opts.session.read(PRIORITY.data, (ex) => ex.fetchTrades(inst.symbol, undefined, 100), { attempts: 1 });
    const seen = this.lastTrade.get(inst.symbol);
    const first = seen === undefined;
    let maxTs = seen?.ts ?? 0;
    const idsAtMax = new Set(seen?.ids ?? []);
    for (const t of [...trades].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))) {
      const mt = tradeFromCcxt(inst, t);
      if (!mt) continue;
      if (mt.ts < maxTs || (mt.ts === maxTs && idsAtMax.has(mt.id))) continue;
      if (mt.ts > maxTs) {
        maxTs = mt.ts;
        idsAtMax.clear();
      }
      idsAtMax.add(mt.id);
      // The first poll is history: it sets the watermark without replaying old prints as new.
      if (!first) this.opts.emit({ type: 'trade', trade: mt });
    }
    this.lastTrade.set(inst.symbol, { ts: maxTs, ids: idsAtMax });
  }

  /** The ticker, on demand (the watchlist's last price and 24 h volume). */
  async ticker(inst: Instrument): Promise<UnitTicker> {
    const t = await this.opts.session.read(PRIORITY.data, (ex) => ex.fetchTicker(inst.symbol));
    return tickerFromCcxt(inst, t, this.opts.clock.now());
  }

  /** OHLCV history for the chart, on demand. */
  async candles(inst: Instrument, timeframe: string, since?: number, limit?: number): Promise<UnitBar[]> {
    const rows = await this.opts.session.read(PRIORITY.data, (ex) => ex.fetchOHLCV(inst.symbol, timeframe, since, limit));
    return barsFromCcxt(inst, rows);
  }

  private loop(poll: () => Promise<unknown>, periodMs: number): void {
    let failures = 0;
    const run = async (): Promise<void> => {
      if (!this.running) return;
      try {
        await poll();
        failures = 0;
      } catch {
        failures++;
      }
      if (!this.running) return;
      const wait = failures === 0 ? periodMs : Math.max(periodMs, this.opts.session.backoff(Math.min(failures, 6)));
      const id = this.opts.clock.schedule(this.opts.clock.now() + wait, () => {
        this.timers.delete(id);
        void run();
      });
      this.timers.add(id);
    };
    void run();
  }
}
