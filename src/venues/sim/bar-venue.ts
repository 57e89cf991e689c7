import type { Clock } from '../../core/clock.ts';
import { notionalUnits } from '../../core/instrument.ts';
import type { InstrumentRegistry } from '../../core/instrument.ts';
import type { MarketBook, MarketEvent, VenueEvent, VenueFill, VenueOrderRequest, VenueOrderStatus, VenuePort } from '../../core/ports.ts';
import { divFloor, pow10 } from '../../core/precision.ts';

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

export class BarVenue implements VenuePort {
  readonly name = 'bar';
  private readonly o: BarVenueOptions;
  // Listener lists, replaced (not mutated) on subscribe/unsubscribe so an emit in progress walks the
  // list it started with; indexed loops, no Set iterator per event (three events per order).
  private events: ((e: VenueEvent) => void)[] = [];
  private market: ((e: MarketEvent) => void)[] = [];
  private readonly books = new Map<string, MarketBook>();
  /**
   * Each order this venue made, by client order id, as its one fill: every order fills whole at
   * once, so the fill says all fetchOrder answers (filled, its quantity, its venue id). One record
   * per order, not the request, a status and a fill list beside it: a 1M-bar run keeps ~17k.
   */
  private readonly orders = new Map<string, VenueFill>();
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
    const ls = this.market;
    if (ls.length === 0) return;
    const e: MarketEvent = { type: 'book', book };
    for (let i = 0; i < ls.length; i++) ls[i]!(e);
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
      // Commission is a percentage of traded value, to the cash scale, rounded down: the engine's
      // account then never pays more than the backtest's exact ledger (its cash stays >= the
      // model's, so L1 admits every order the model sized; src/kernel/backtest-bars.ts).
      feeUnits: divFloor(notional * this.o.commissionUnits, pow10(8)),
      liquidity: 'taker',
      ts,
    };
    this.orders.set(req.clientOrderId, fill);
    this.emit({ type: 'accepted', clientOrderId: req.clientOrderId, venueOrderId, ts });
    this.emit({ type: 'fill', fill });
  }

  cancel(clientOrderId: string): void {
    // Every order fills at once: nothing is ever left to cancel.
    this.o.clock.schedule(this.o.clock.now(), () => this.emit({ type: 'cancelRejected', clientOrderId, code: 'ORDER_DONE', message: 'the order is already filled', ts: this.o.clock.now() }));
  }

  async fetchOrder(clientOrderId: string): Promise<VenueOrderStatus | undefined> {
    const f = this.orders.get(clientOrderId);
    return f ? { clientOrderId, venueOrderId: f.venueOrderId, state: 'filled', filledUnits: f.qtyUnits } : undefined;
  }

  async fetchFills(clientOrderId: string): Promise<VenueFill[]> {
    // A copy, as a venue's answer is: the caller's changes never reach the record.
    const f = this.orders.get(clientOrderId);
    return f ? [{ ...f }] : [];
  }

  onEvent(listener: (e: VenueEvent) => void): () => void {
    // Added once, as a Set would: a second subscription of the same function is the first.
    if (!this.events.includes(listener)) this.events = [...this.events, listener];
    return () => {
      this.events = this.events.filter((l) => l !== listener);
    };
  }

  onMarket(listener: (e: MarketEvent) => void): () => void {
    if (!this.market.includes(listener)) this.market = [...this.market, listener];
    return () => {
      this.market = this.market.filter((l) => l !== listener);
    };
  }

  book(symbol: string): MarketBook | undefined {
    return this.books.get(symbol);
  }

  start(): void {}

  stop(): void {}

  private emit(e: VenueEvent): void {
    const ls = this.events;
    for (let i = 0; i < ls.length; i++) ls[i]!(e);
  }
}
