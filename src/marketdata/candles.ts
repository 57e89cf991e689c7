/**
 * Builds OHLCV bars from trades in exact integer units.
 *
 * Bars are aligned to multiples of the interval since the epoch (UTC). Open is the first trade of the
 * bar, high / low the extremes, close the last trade, volume the sum of quantities: the rule exchanges
 * such as Binance use for their klines. A bar in which nothing traded is a "flat carry": open = high =
 * low = close = the previous bar's close, volume 0. Before the first trade there is no price, so no bar.
 *
 * The builder is pure and driven by the caller's time: `addTrade` for each trade in time order, and
 * `advanceTo(ts)` as the clock moves, so bars close (and empty bars appear) even when nothing trades.
 * Both return the events to publish, in order: closed bars first, then an update of the open bar.
 */
import type { CandleDto, CandleInterval } from '../contract/dto.ts';
import { fromUnits, toUnits } from '../core/precision.ts';

export const CANDLE_INTERVAL_MS: Readonly<Record<CandleInterval, number>> = {
  '1s': 1_000,
  '5s': 5_000,
  '1m': 60_000,
  '5m': 300_000,
};

export interface CandleBuilderOptions {
  symbol: string;
  interval: CandleInterval;
  /** Decimals of the price units (`toUnits(price, priceDecimals)`). */
  priceDecimals: number;
  /** Decimals of the quantity units. */
  qtyDecimals: number;
  /** Closed bars kept in the history ring (default 1000). */
  maxBars?: number;
}

export interface CandleEvent {
  /** 'update': the open bar changed (or was opened); 'close': the bar is final. */
  kind: 'update' | 'close';
  candle: CandleDto;
}

/** A bar in exact units. */
export interface UnitCandle {
  /** Bar open time, epoch ms. */
  time: number;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
  volume: bigint;
  trades: number;
}

export class CandleBuilder {
  readonly symbol: string;
  readonly interval: CandleInterval;
  readonly intervalMs: number;
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  readonly maxBars: number;

  /** Ring of closed bars; `#head` is the slot the next closed bar goes to. */
  readonly #ring: (UnitCandle | undefined)[];
  /** The DTO of each closed bar in the ring, built at most once (slots match `#ring`). */
  readonly #dtos: (CandleDto | undefined)[];
  #head = 0;
  #pxUnits = -1n;
  #px = 0;
  /** Bars closed since construction (only grows). */
  #closed = 0;
  #count = 0;
  #current: UnitCandle | null = null;
  /** Latest time seen through addTrade / advanceTo. */
  #now = -Infinity;

  constructor(options: CandleBuilderOptions) {
    const { symbol, interval, priceDecimals, qtyDecimals, maxBars = 1000 } = options;
    const intervalMs = CANDLE_INTERVAL_MS[interval];
    if (intervalMs === undefined) throw new RangeError(`unsupported candle interval ${String(interval)}`);
    for (const [name, d] of [['priceDecimals', priceDecimals], ['qtyDecimals', qtyDecimals]] as const) {
      if (!Number.isInteger(d) || d < 0 || d > 30) throw new RangeError(`${name} must be an integer in [0, 30], got ${d}`);
    }
    if (!Number.isSafeInteger(maxBars) || maxBars < 1) throw new RangeError(`maxBars must be a positive integer, got ${maxBars}`);
    this.symbol = symbol;
    this.interval = interval;
    this.intervalMs = intervalMs;
    this.priceDecimals = priceDecimals;
    this.qtyDecimals = qtyDecimals;
    this.maxBars = maxBars;
    this.#ring = new Array<UnitCandle | undefined>(maxBars);
    this.#dtos = new Array<CandleDto | undefined>(maxBars);
  }

  /** Moves on every change of the bars (a trade, a bar opened): readers cache on it. */
  version = 0;

  /** Open time of the bar containing `ts`. */
  barTime(ts: number): number {
    return Math.floor(ts / this.intervalMs) * this.intervalMs;
  }

  /**
   * Adds a trade (price and qty in units). Trades must come in time order as far as bars go: a trade
   * for a bar already closed throws a RangeError (a trade earlier than the clock but inside the open bar
   * is fine). Returns the bars this closed, then the update of the bar the trade went into.
   */
  addTrade(ts: number, price: bigint, qty: bigint): CandleEvent[] {
    const events: CandleEvent[] = [];
    this.trade(ts, price, qty, (candle) => events.push({ kind: 'close', candle }));
    events.push({ kind: 'update', candle: this.#toDto(this.#current as UnitCandle) });
    return events;
  }

  /**
   * `addTrade` without the events: each bar it closes goes to `onClose` (its DTO is built only when
   * one is given); the open bar always changes. For a caller that reads the open bar only when it
   * publishes it (the hub): at full replay speed the per-trade update DTOs were never read.
   */
  trade(ts: number, price: bigint, qty: bigint, onClose?: (candle: CandleDto) => void): void {
    if (!Number.isFinite(ts)) throw new RangeError(`trade time must be finite, got ${ts}`);
    if (price <= 0n) throw new RangeError(`trade price must be positive, got ${price} units`);
    if (qty <= 0n) throw new RangeError(`trade qty must be positive, got ${qty} units`);
    this.advance(ts, onClose);
    const bar = this.#current;
    const start = this.barTime(ts);
    if (bar !== null && start < bar.time) {
      throw new RangeError(`trade at ${ts} is for a bar already closed (open bar starts ${bar.time})`);
    }
    if (bar === null || bar.time !== start) {
      // Only possible before the first trade: advanceTo opened no bar because there was no price yet.
      this.#current = { time: start, open: price, high: price, low: price, close: price, volume: qty, trades: 1 };
    } else if (bar.trades === 0) {
      // A flat carry receiving its first trade becomes a traded bar: open is the first trade.
      bar.open = price;
      bar.high = price;
      bar.low = price;
      bar.close = price;
      bar.volume = qty;
      bar.trades = 1;
    } else {
      if (price > bar.high) bar.high = price;
      if (price < bar.low) bar.low = price;
      bar.close = price;
      bar.volume += qty;
      bar.trades += 1;
    }
    this.version++;
  }

  /** `addTrade` with decimal prices and quantities (strings or numbers), converted exactly. */
  addDecimalTrade(ts: number, price: string | number, qty: string | number): CandleEvent[] {
    return this.addTrade(ts, toUnits(price, this.priceDecimals), toUnits(qty, this.qtyDecimals));
  }

  /**
   * Moves the clock to `ts`. If that passes the end of the open bar, the bar closes, every interval
   * passed without trades becomes a closed flat carry, and a flat carry opens for the interval holding
   * `ts` (an 'update' event). Going back in time is a no-op. Before the first trade nothing happens.
   *
   * A gap longer than the history ring only materialises the last `maxBars` flat bars (older ones would
   * fall out of the ring at once), so a long pause costs O(maxBars), not O(gap).
   */
  advanceTo(ts: number): CandleEvent[] {
    const events: CandleEvent[] = [];
    if (this.advance(ts, (candle) => events.push({ kind: 'close', candle }))) events.push({ kind: 'update', candle: this.#toDto(this.#current as UnitCandle) });
    return events;
  }

  /**
   * `advanceTo` without the events: each bar it closes goes to `onClose` (its DTO built only when one
   * is given); returns whether a new open bar was opened (what advanceTo reports as an 'update').
   */
  advance(ts: number, onClose?: (candle: CandleDto) => void): boolean {
    if (!Number.isFinite(ts)) throw new RangeError(`time must be finite, got ${ts}`);
    if (ts <= this.#now) return false;
    this.#now = ts;
    const bar = this.#current;
    if (bar === null) return false;
    const target = this.barTime(ts);
    if (target <= bar.time) return false;

    this.#close(bar, onClose);
    const carry = bar.close;
    const firstGap = bar.time + this.intervalMs;
    const gapBars = (target - firstGap) / this.intervalMs;
    const from = gapBars > this.maxBars ? target - this.maxBars * this.intervalMs : firstGap;
    for (let t = from; t < target; t += this.intervalMs) {
      this.#close({ time: t, open: carry, high: carry, low: carry, close: carry, volume: 0n, trades: 0 }, onClose);
    }
    this.#current = { time: target, open: carry, high: carry, low: carry, close: carry, volume: 0n, trades: 0 };
    this.version++;
    return true;
  }

  /** The open bar, or null before the first trade. */
  current(): CandleDto | null {
    return this.#current === null ? null : this.#toDto(this.#current);
  }

  /** The open bar's close in units (the last price), or null before the first trade. */
  currentClose(): bigint | null {
    return this.#current === null ? null : this.#current.close;
  }

  /** Closed bars, oldest first (at most `maxBars`), followed by the open bar unless `includeCurrent` is false. Closed bars' DTOs are frozen and shared. */
  history(options: { includeCurrent?: boolean } = {}): CandleDto[] {
    return this.recent(Number.POSITIVE_INFINITY, options.includeCurrent !== false);
  }

  /**
   * The newest `limit` bars of `history`, building DTOs only for those. A closed bar never changes,
   * so its DTO is built once, frozen and shared by every later reader (the L2 cycle reads 2,000
   * one-minute bars every minute).
   */
  recent(limit: number, includeCurrent = true): CandleDto[] {
    const out: CandleDto[] = [];
    const cur = includeCurrent && this.#current !== null ? 1 : 0;
    const closed = Math.max(0, Math.min(this.#count, Math.floor(limit) - cur));
    const start = (this.#head - this.#count + this.maxBars) % this.maxBars;
    for (let i = this.#count - closed; i < this.#count; i++) {
      const at = (start + i) % this.maxBars;
      let dto = this.#dtos[at];
      if (dto === undefined) {
        const b = this.#ring[at];
        if (b === undefined) continue;
        dto = Object.freeze(this.#toDto(b));
        this.#dtos[at] = dto;
      }
      out.push(dto);
    }
    if (cur === 1 && limit >= 1) out.push(this.#toDto(this.#current as UnitCandle));
    return out;
  }

  /** Closed bars in exact units, oldest first (copies); `last` keeps only the newest that many. */
  unitHistory(last = Number.POSITIVE_INFINITY): UnitCandle[] {
    const out: UnitCandle[] = [];
    // Readers that want the last minutes (volatility, volume once a second) copy only those, not the whole ring.
    const skip = last < this.#count ? this.#count - Math.max(0, Math.floor(last)) : 0;
    const start = (this.#head - this.#count + this.maxBars) % this.maxBars;
    for (let i = skip; i < this.#count; i++) {
      const b = this.#ring[(start + i) % this.maxBars];
      if (b !== undefined) out.push({ ...b });
    }
    return out;
  }

  /** Closes of the newest `last` closed bars in units, oldest first, without copying the bars. */
  closes(last: number): bigint[] {
    const n = Math.min(this.#count, Math.max(0, Math.floor(last)));
    const out = new Array<bigint>(n);
    const start = (this.#head - n + this.maxBars) % this.maxBars;
    for (let i = 0; i < n; i++) out[i] = this.#ring[(start + i) % this.maxBars]!.close;
    return out;
  }

  /** `closes(last)` as numbers (Number of each), written into `out` from index 0; returns how many (at most out.length). */
  closeValues(last: number, out: Float64Array): number {
    const n = Math.min(this.#count, Math.max(0, Math.floor(last)), out.length);
    const start = (this.#head - n + this.maxBars) % this.maxBars;
    for (let i = 0; i < n; i++) out[i] = Number(this.#ring[(start + i) % this.maxBars]!.close);
    return n;
  }

  /** Volumes of the newest `last` closed bars in units, oldest first. */
  volumes(last: number): bigint[] {
    const n = Math.min(this.#count, Math.max(0, Math.floor(last)));
    const out = new Array<bigint>(n);
    const start = (this.#head - n + this.maxBars) % this.maxBars;
    for (let i = 0; i < n; i++) out[i] = this.#ring[(start + i) % this.maxBars]!.volume;
    return out;
  }

  /** How many bars have closed so far (readers of closed bars cache on it). */
  get closedCount(): number {
    return this.#closed;
  }

  #close(bar: UnitCandle, onClose: ((candle: CandleDto) => void) | undefined): void {
    this.#ring[this.#head] = bar;
    if (onClose !== undefined) {
      // Built once and frozen: the same DTO serves the close event and every later history read.
      const dto = Object.freeze(this.#toDto(bar));
      this.#dtos[this.#head] = dto;
      onClose(dto);
    } else {
      this.#dtos[this.#head] = undefined;
    }
    this.#head = (this.#head + 1) % this.maxBars;
    if (this.#count < this.maxBars) this.#count++;
    this.#closed++;
  }

  #toDto(b: UnitCandle): CandleDto {
    return {
      symbol: this.symbol,
      interval: this.interval,
      time: b.time,
      open: this.#price(b.open),
      high: this.#price(b.high),
      low: this.#price(b.low),
      close: this.#price(b.close),
      volume: b.volume === 0n ? 0 : fromUnits(b.volume, this.qtyDecimals),
    };
  }

  /**
   * A price in units as a number, the last one converted kept: a flat carry's four prices are one,
   * and the 1 s bars close flat carries every second of a quiet market.
   */
  #price(units: bigint): number {
    if (units !== this.#pxUnits) {
      this.#pxUnits = units;
      this.#px = fromUnits(units, this.priceDecimals);
    }
    return this.#px;
  }
}
