import type { Clock } from '../../core/clock.ts';
import { notionalUnits } from '../../core/instrument.ts';
import type { InstrumentRegistry } from '../../core/instrument.ts';
import type { MarketBook, MarketEvent, VenueEvent, VenueFill, VenueOrderRequest, VenueOrderStatus, VenuePort } from '../../core/ports.ts';
import { divRound, pow10 } from '../../core/precision.ts';

/**
 * The venue of a bar backtest (fidelities bar, l1 and l2). A bar file has no book and no tape, so
 * what an order gets is decided by the backtest's execution model (src/backtest/execution.ts:
 * next-open fills for `bar`, the signal close plus a haircut for l1, square-root impact under a
 * participation cap for l2): the model quotes the price of the bar for the side and size it lets
 * through, and this venue fills a market order whole at that quote, with the commission as its
 * fee. Everything before the venue (intake, L1, the OMS, the journal, the ledger) is the engine's
 * own code; only this venue and the clock below are the backtest's.
 */

/** Far more than any order: the quoted level never runs out (the model already capped the size). */
const QUOTE_DEPTH_UNITS = 10n ** 30n;

export interface BarVenueOptions {
  clock: Clock;
  instruments: InstrumentRegistry;
  /** Commission as a fraction of traded value in 10^-8 units (the run's commission text, exact). */
  commissionUnits: bigint;
}

interface BarOrder {
  req: VenueOrderRequest;
  venueOrderId: string;
  state: VenueOrderStatus['state'];
  filledUnits: bigint;
  fills: VenueFill[];
}

export class BarVenue implements VenuePort {
  readonly name = 'bar';
  private readonly o: BarVenueOptions;
  private readonly events = new Set<(e: VenueEvent) => void>();
  private readonly market = new Set<(e: MarketEvent) => void>();
  private readonly books = new Map<string, MarketBook>();
  private readonly orders = new Map<string, BarOrder>();
  private seq = 0;

  constructor(o: BarVenueOptions) {
    this.o = o;
  }

  /**
   * The execution model's price for the next order on `symbol` (price units of the instrument):
   * published as a one-level book on both sides, so L1's estimate of a market order is the price it fills at.
   */
  quote(symbol: string, priceUnits: bigint): void {
    const level = [{ priceUnits, qtyUnits: QUOTE_DEPTH_UNITS }];
    const book: MarketBook = { symbol, bids: level, asks: level, ts: this.o.clock.now() };
    this.books.set(symbol, book);
    for (const l of this.market) l({ type: 'book', book });
  }

  submit(req: VenueOrderRequest): void {
    // Answered on the clock (at the same instant), as every venue answers: never inside the OMS's own call.
    this.o.clock.schedule(this.o.clock.now(), () => this.execute(req));
  }

  private execute(req: VenueOrderRequest): void {
    const ts = this.o.clock.now();
    const inst = this.o.instruments.get(req.symbol);
    const book = this.books.get(req.symbol);
    const price = book?.asks[0]?.priceUnits;
    if (!inst || price === undefined) {
      this.emit({ type: 'rejected', clientOrderId: req.clientOrderId, code: 'NO_QUOTE', message: `no bar quote for ${req.symbol}`, ts });
      return;
    }
    // A limit order the quote does not reach is not filled: a bar backtest sends market orders only.
    if (req.priceUnits !== null && (req.side === 'buy' ? price > req.priceUnits : price < req.priceUnits)) {
      this.emit({ type: 'rejected', clientOrderId: req.clientOrderId, code: 'LIMIT_NOT_REACHED', message: 'the bar venue fills market orders at the model price', ts });
      return;
    }
    const venueOrderId = `BV${++this.seq}`;
    const notional = notionalUnits(inst, price, req.qtyUnits);
    const fill: VenueFill = {
      fillId: `${venueOrderId}-F1`,
      clientOrderId: req.clientOrderId,
      venueOrderId,
      symbol: req.symbol,
      side: req.side,
      priceUnits: price,
      qtyUnits: req.qtyUnits,
      // Commission is a percentage of traded value, to the cash scale.
      feeUnits: divRound(notional * this.o.commissionUnits, pow10(8)),
      liquidity: 'taker',
      ts,
    };
    this.orders.set(req.clientOrderId, { req, venueOrderId, state: 'filled', filledUnits: req.qtyUnits, fills: [fill] });
    this.emit({ type: 'accepted', clientOrderId: req.clientOrderId, venueOrderId, ts });
    this.emit({ type: 'fill', fill });
  }

  cancel(clientOrderId: string): void {
    // Every order fills at once: nothing is ever left to cancel.
    this.o.clock.schedule(this.o.clock.now(), () => this.emit({ type: 'cancelRejected', clientOrderId, code: 'ORDER_DONE', message: 'the order is already filled', ts: this.o.clock.now() }));
  }

  async fetchOrder(clientOrderId: string): Promise<VenueOrderStatus | undefined> {
    const o = this.orders.get(clientOrderId);
    return o ? { clientOrderId, venueOrderId: o.venueOrderId, state: o.state, filledUnits: o.filledUnits } : undefined;
  }

  async fetchFills(clientOrderId: string): Promise<VenueFill[]> {
    return this.orders.get(clientOrderId)?.fills ?? [];
  }

  onEvent(listener: (e: VenueEvent) => void): () => void {
    this.events.add(listener);
    return () => this.events.delete(listener);
  }

  onMarket(listener: (e: MarketEvent) => void): () => void {
    this.market.add(listener);
    return () => this.market.delete(listener);
  }

  book(symbol: string): MarketBook | undefined {
    return this.books.get(symbol);
  }

  start(): void {}

  stop(): void {}

  private emit(e: VenueEvent): void {
    for (const l of this.events) l(e);
  }
}

/**
 * The simulated clock of a bar backtest. The bar loop itself never touches the kernel (most bars
 * make no order); the clock moves only when a decision produces an order, straight to that bar's
 * time. Timers that came due in the jump run once, at the new time (the kernel's periodic
 * housekeeping, the PMS sample, reschedule from there), not once per simulated second since the
 * last order: a 20-year daily backtest would otherwise run 600 million one-second ticks.
 */
export class BarClock implements Clock {
  private t: number;
  private nextId = 1;
  private timers: { at: number; id: number; fn: () => void }[] = [];

  constructor(startMs: number) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  schedule(at: number, fn: () => void): number {
    const id = this.nextId++;
    const timer = { at: Math.max(at, this.t), id, fn };
    // Few timers (the kernel's periodic ones and an order's venue answers): a sorted insert, stable for equal times.
    let k = this.timers.length;
    while (k > 0 && this.timers[k - 1]!.at > timer.at) k--;
    this.timers.splice(k, 0, timer);
    return id;
  }

  cancel(id: number): void {
    const k = this.timers.findIndex((t) => t.id === id);
    if (k >= 0) this.timers.splice(k, 1);
  }

  /** Moves to `target` (never back) and runs every timer due by then, in order, at the new time. */
  jumpTo(target: number): void {
    if (target > this.t) this.t = target;
    while (this.timers.length > 0 && this.timers[0]!.at <= this.t) this.timers.shift()!.fn();
  }
}
