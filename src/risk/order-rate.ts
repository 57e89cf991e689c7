/**
 * Sliding-window order counts for the runaway-loop guard: the gate's max_orders_per_minute/hour
 * limits and the order-rate circuit breaker. Pure and clock-fed; times are epoch ms and are
 * expected in non-decreasing order (an earlier time is treated as the latest one seen).
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Orders already sent in each window, the one being checked not included. */
export interface OrderRates {
  minute: number;
  hour: number;
  symbolMinute: number;
  symbolHour: number;
}

export const NO_ORDERS: OrderRates = { minute: 0, hour: 0, symbolMinute: 0, symbolHour: 0 };

/**
 * Non-decreasing times in a ring buffer: recording, pruning and counting allocate nothing once the
 * buffer has grown to the window's size (it doubles when full), so the per-order rate work leaves
 * no garbage behind.
 */
class TimeQueue {
  private buf = new Float64Array(64);
  private head = 0;
  private len = 0;

  private at(i: number): number {
    const k = this.head + i;
    return this.buf[k < this.buf.length ? k : k - this.buf.length]!;
  }

  push(t: number): void {
    const lk = this.head + this.len - 1;
    // -Infinity rather than undefined for "none": a double-or-undefined is boxed on every push.
    const last = this.len > 0 ? this.buf[lk < this.buf.length ? lk : lk - this.buf.length]! : Number.NEGATIVE_INFINITY;
    if (this.len === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      for (let i = 0; i < this.len; i++) next[i] = this.at(i);
      this.buf = next;
      this.head = 0;
    }
    const k = this.head + this.len;
    this.buf[k < this.buf.length ? k : k - this.buf.length] = t < last ? last : t;
    this.len++;
  }

  /** Drops times at or before CUTOFF[0]. */
  prune(): void {
    const cutoff = CUTOFF[0]!;
    while (this.len > 0 && this.buf[this.head]! <= cutoff) {
      this.head = this.head + 1 === this.buf.length ? 0 : this.head + 1;
      this.len--;
    }
  }

  /** How many times are after `cutoff`. The ring index is computed inline: a double returned from a call that is not inlined is boxed, once per probe. */
  countAfter(cutoff: number): number {
    const buf = this.buf;
    const n = buf.length;
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.head + mid;
      if (buf[k < n ? k : k - n]! <= cutoff) lo = mid + 1;
      else hi = mid;
    }
    return this.len - lo;
  }

  get size(): number {
    return this.len;
  }
}

/**
 * The cutoff a prune drops up to, in a typed array: a double handed to a call that is not inlined
 * (or to forEach as its `this`) is boxed, and every recorded order prunes.
 */
const CUTOFF = new Float64Array(1);

function pruneTo(q: TimeQueue): void {
  q.prune();
}

export class OrderRateWindow {
  private readonly all = new TimeQueue();
  private readonly bySymbol = new Map<string, TimeQueue>();
  private readonly retainMs: number;
  private lastSweep = Number.NEGATIVE_INFINITY;

  /** Keeps `retainMs` of history (the longest window asked about; an hour by default). */
  constructor(retainMs: number = HOUR_MS) {
    this.retainMs = retainMs;
  }

  record(now: number, symbol?: string): void {
    this.all.push(now);
    if (symbol !== undefined) {
      let q = this.bySymbol.get(symbol);
      if (!q) {
        q = new TimeQueue();
        this.bySymbol.set(symbol, q);
      }
      q.push(now);
    }
    this.prune(now, symbol);
  }

  /** Orders recorded in (now - windowMs, now], for one symbol or all. */
  count(now: number, windowMs: number, symbol?: string): number {
    const q = symbol === undefined ? this.all : this.bySymbol.get(symbol);
    return q ? q.countAfter(now - windowMs) : 0;
  }

  /** rates() written into `out` (the gate's per-check scratch), allocating nothing. */
  ratesInto(now: number, symbol: string, out: OrderRates): OrderRates {
    out.minute = this.count(now, MINUTE_MS);
    out.hour = this.count(now, HOUR_MS);
    out.symbolMinute = this.count(now, MINUTE_MS, symbol);
    out.symbolHour = this.count(now, HOUR_MS, symbol);
    return out;
  }

  rates(now: number, symbol: string): OrderRates {
    return {
      minute: this.count(now, MINUTE_MS),
      hour: this.count(now, HOUR_MS),
      symbolMinute: this.count(now, MINUTE_MS, symbol),
      symbolHour: this.count(now, HOUR_MS, symbol),
    };
  }

  /**
   * Drops times older than the retention. Counts never depend on it (they binary-search the window);
   * it bounds memory. The symbol just recorded is pruned every time, the others once a minute: a
   * sweep of every symbol on every order cost more than the rest of the gate's rate work.
   */
  private prune(now: number, symbol: string | undefined): void {
    CUTOFF[0] = now - this.retainMs;
    this.all.prune();
    if (now - this.lastSweep < MINUTE_MS) {
      if (symbol !== undefined) this.bySymbol.get(symbol)?.prune();
      return;
    }
    this.lastSweep = now;
    // An emptied queue stays (it is reused when the symbol trades again): deleting it made every
    // sparse symbol's next order allocate a new ring buffer. Queues are bounded by the instruments.
    this.bySymbol.forEach(pruneTo);
  }
}
