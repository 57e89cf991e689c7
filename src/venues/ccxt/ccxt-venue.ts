import type { Exchange, Order, Trade } from 'ccxt';
import type { Clock } from '../../core/clock.ts';
import type { Instrument } from '../../core/instrument.ts';
import { CASH_DECIMALS, InstrumentRegistry } from '../../core/instrument.ts';
import type { InstrumentSpec } from '../../core/instrument.ts';
import type { MarketBook, MarketEvent, VenueEvent, VenueFill, VenueOrderRequest, VenueOrderStatus } from '../../core/ports.ts';
import { toDecimalString } from '../../core/precision.ts';
import { createVerdict } from './errors.ts';
import { MarketFeed } from './market-feed.ts';
import type { UnitBar, UnitTicker } from './market-feed.ts';
import type { SkippedMarket, VenueAccount } from './markets.ts';
import { accountFromBalances, venueUnits } from './markets.ts';
import { OrderTracker, stateOf } from './order-tracker.ts';
import type { TrackedOrder } from './order-tracker.ts';
import type { LiveVenuePort, VenueConnection, VenueOpenOrder } from './port.ts';
import { VenueRequestError } from './port.ts';
import type { VenueAlert } from './session.ts';
import { VenueFaultError, VenueSession } from './session.ts';
import { PRIORITY } from './throttle.ts';

export interface CcxtVenueOptions {
  session: VenueSession;
  clock: Clock;
  /** Every market the exchange listed that resolves to an instrument (orders and reconciliation use them). */
  instruments: InstrumentSpec[];
  skipped?: SkippedMarket[];
  /** Symbols whose book and trades are polled (the watchlist). */
  symbols: string[];
  /** The account currency (cash); default the quote of the first symbol. */
  currency?: string;
  /** Poll periods, ms. */
  pollMs?: { book?: number; trades?: number; orders?: number; heartbeat?: number };
  /** Consecutive "not found" answers before an order is declared lost (default 3). */
  notFoundLimit?: number;
  /** How long after sending a create a "not found" may still be an order in flight, ms (default: the exchange's recvWindow + timeout). */
  inFlightMs?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/** Binance's client order id rule (newClientOrderId): 1–36 of letters, digits and . : / _ - */
const CLIENT_ID_RE = /^[.A-Za-z0-9:/_-]{1,36}$/;

/**
 * A live venue through ccxt, behind the same port as the simulated venue. Orders carry Strata's
 * client order id as the exchange's client id; outcomes are events (accepted, fill, cancelled,
 * expired, rejected, cancelRejected), each fact once. A create that fails in a way that may have
 * made the order rejects with outcome 'unresolved' and is then settled by client order id, never
 * resent. Open orders are polled until they end; fills come from the order's trades and the
 * account's trades, deduplicated by exchange trade id; a partial fill is reported as soon as the
 * venue shows it, though ccxt still says 'open'.
 */
export class CcxtVenue implements LiveVenuePort {
  readonly name: string;
  readonly session: VenueSession;
  readonly registry: InstrumentRegistry;
  readonly skipped: SkippedMarket[];
  readonly currency: string;
  private readonly exchange: Exchange;
  private readonly clock: Clock;
  private readonly opts: CcxtVenueOptions;
  private readonly tracker: OrderTracker;
  private readonly feed: MarketFeed;
  private readonly eventListeners = new Set<(e: VenueEvent) => void>();
  private readonly marketListeners = new Set<(e: MarketEvent) => void>();
  private readonly cancelNotFound = new Map<string, number>();
  /** venue order id → client order id, learned from orders and trades (myTrades carry only the former). */
  private readonly clientIdOf = new Map<string, string>();
  private running = false;
  private orderTimer: number | undefined;
  private heartbeatTimer: number | undefined;
  private polling = false;

  constructor(opts: CcxtVenueOptions) {
    this.opts = opts;
    this.session = opts.session;
    this.exchange = opts.session.exchange;
    this.clock = opts.clock;
    this.name = `ccxt:${this.exchange.id}`;
    this.registry = new InstrumentRegistry(opts.instruments);
    this.skipped = opts.skipped ?? [];
    const firstQuote = opts.symbols.map((s) => this.registry.get(s)?.quote).find((q) => q !== undefined);
    this.currency = opts.currency ?? firstQuote ?? 'USDT';
    const log = opts.log ?? (() => undefined);
    this.tracker = new OrderTracker({
      venueName: this.exchange.id,
      instrument: (s) => this.registry.get(s),
      emit: (e) => this.emit(e),
      now: () => this.clock.now(),
      priceInQuote: (asset, quote) => this.midCash(`${asset}/${quote}`),
      warn: (m) => log('warn', m),
    });
    const watched = opts.symbols.map((s) => this.registry.get(s)).filter((i): i is Instrument => i !== undefined);
    this.feed = new MarketFeed({
      session: this.session,
      clock: this.clock,
      instruments: watched,
      ...(opts.pollMs?.book !== undefined ? { bookMs: opts.pollMs.book } : {}),
      ...(opts.pollMs?.trades !== undefined ? { tradesMs: opts.pollMs.trades } : {}),
      emit: (e) => this.emitMarket(e),
    });
  }

  /** The instruments of the watched symbols (what the kernel's registry should hold). */
  instruments(): InstrumentSpec[] {
    return this.opts.symbols.map((s) => this.opts.instruments.find((i) => i.symbol === s)).filter((s): s is InstrumentSpec => s !== undefined);
  }

  connection(): VenueConnection {
    return this.session.connection();
  }

  onConnection(listener: (c: VenueConnection) => void): () => void {
    return this.session.onConnection(listener);
  }

  onAlert(listener: (a: VenueAlert) => void): () => void {
    return this.session.onAlert(listener);
  }

  onEvent(listener: (e: VenueEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onMarket(listener: (e: MarketEvent) => void): () => void {
    this.marketListeners.add(listener);
    return () => this.marketListeners.delete(listener);
  }

  book(symbol: string): MarketBook | undefined {
    return this.feed.book(symbol);
  }

  /** Ticker and OHLCV on demand (chart history, watchlist); book and trades stream through onMarket. */
  async fetchTicker(symbol: string): Promise<UnitTicker> {
    return this.feed.ticker(this.instrumentOf(symbol));
  }

  async fetchCandles(symbol: string, timeframe: string, since?: number, limit?: number): Promise<UnitBar[]> {
    return this.feed.candles(this.instrumentOf(symbol), timeframe, since, limit);
  }

  private instrumentOf(symbol: string): Instrument {
    const inst = this.registry.get(symbol);
    if (!inst) throw new VenueRequestError('UNKNOWN_SYMBOL', `${this.exchange.id} has no spot market ${symbol}`, 'rejected');
    return inst;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.feed.start();
    this.scheduleOrderPoll();
    this.scheduleHeartbeat();
  }

  stop(): void {
    this.running = false;
    this.feed.stop();
    if (this.orderTimer !== undefined) this.clock.cancel(this.orderTimer);
    if (this.heartbeatTimer !== undefined) this.clock.cancel(this.heartbeatTimer);
    this.orderTimer = this.heartbeatTimer = undefined;
  }

  // ---- orders ----

  async submit(req: VenueOrderRequest): Promise<void> {
    const inst = this.registry.get(req.symbol);
    if (!inst) throw new VenueRequestError('UNKNOWN_SYMBOL', `${this.exchange.id} has no spot market ${req.symbol}`, 'rejected');
    if (!CLIENT_ID_RE.test(req.clientOrderId)) {
      throw new VenueRequestError('BAD_CLIENT_ORDER_ID', `client order id "${req.clientOrderId}" is not 1-36 of letters, digits and . : / _ -`, 'rejected');
    }
    const halted = this.session.halted();
    if (halted) throw new VenueRequestError(halted.code, halted.message, 'rejected');
    const amount = Number(toDecimalString(req.qtyUnits, inst.qtyDecimals));
    const price = req.priceUnits === null ? undefined : Number(toDecimalString(req.priceUnits, inst.priceDecimals));
    const params: Record<string, unknown> = { clientOrderId: req.clientOrderId };
    if (req.type === 'limit') params['timeInForce'] = req.tif === 'ioc' ? 'IOC' : 'GTC';
    const t = this.tracker.track(req, 'sending');
    for (let attempt = 1; ; attempt++) {
      let order: Order;
      try {
        order = await this.session.once(PRIORITY.order, (ex) => ex.createOrder(req.symbol, req.type, req.side, amount, req.type === 'limit' ? price : undefined, params), { private: true });
      } catch (err) {
        if (!(err instanceof VenueFaultError)) {
          this.tracker.forget(t);
          throw err;
        }
        const verdict = createVerdict(err.fault, err.message);
        if (verdict === 'resync' && attempt === 1) {
          // -1021: refused for its timestamp, so not processed: resync the clock and send it once more.
          await this.session.resyncClock().catch(() => undefined);
          continue;
        }
        if (verdict === 'adopt') {
          // The venue already has an order under this client id: it is ours (journal before send).
          if (await this.settleByClientId(t)) return;
          t.phase = 'unresolved';
          throw new VenueRequestError(err.fault.code, `${err.message}; the existing order could not be read yet`, 'unresolved');
        }
        if (verdict === 'refused' || verdict === 'resync') {
          this.tracker.forget(t);
          this.emit({ type: 'rejected', clientOrderId: req.clientOrderId, code: err.fault.code, message: err.fault.message, ts: this.clock.now() });
          return;
        }
        if (verdict === 'unresolved') {
          t.phase = 'unresolved';
          throw new VenueRequestError(err.fault.code, err.fault.message, 'unresolved');
        }
        this.tracker.forget(t);
        throw new VenueRequestError(err.fault.code, err.fault.message, verdict);
      }
      // The order exists now. If reading its trades fails, the order poll completes the report.
      await this.absorb(t, order).catch((e: unknown) => this.opts.log?.('warn', `order ${req.clientOrderId} made; its fills will follow from the poll (${e instanceof Error ? e.message : String(e)})`));
      return;
    }
  }

  async cancel(clientOrderId: string, symbol: string): Promise<void> {
    const halted = this.session.halted();
    if (halted) {
      this.emit({ type: 'cancelRejected', clientOrderId, code: halted.code, message: halted.message, ts: this.clock.now() });
      return;
    }
    try {
      // Cancels are idempotent (a second one finds nothing to cancel), so they may be retried like reads.
      const order = await this.session.read(PRIORITY.order, (ex) => ex.cancelOrder(this.tracker.get(clientOrderId)?.venueOrderId ?? '', symbol, { clientOrderId }), { private: true, attempts: 3 });
      this.cancelNotFound.delete(clientOrderId);
      await this.absorb(this.trackFrom(order, clientOrderId, symbol), order);
    } catch (err) {
      if (err instanceof VenueFaultError && err.fault.kind === 'order_not_found') return this.cancelNotFoundCheck(clientOrderId, symbol);
      const e = err instanceof VenueRequestError ? err : new VenueRequestError('VENUE_ERROR', String(err), 'unresolved');
      this.emit({ type: 'cancelRejected', clientOrderId, code: e.code, message: e.message, ts: this.clock.now() });
    }
  }

  /** Cancels every open order of a symbol (or of every watched symbol); returns the client ids cancelled. */
  async cancelAll(symbol?: string): Promise<string[]> {
    const symbols = symbol ? [symbol] : this.opts.symbols;
    const out: string[] = [];
    for (const s of symbols) {
      let res: unknown;
      try {
        res = await this.session.read(PRIORITY.order, (ex) => ex.cancelAllOrders(s), { private: true, attempts: 3 });
      } catch (err) {
        // Binance answers "unknown order" when the symbol has nothing open: nothing to cancel.
        if (err instanceof VenueFaultError && err.fault.kind === 'order_not_found') continue;
        throw err;
      }
      for (const o of (Array.isArray(res) ? res : []) as Order[]) {
        // A cancel answer's clientOrderId is the cancel request's own; the order's is origClientOrderId.
        const info = (o.info ?? {}) as Record<string, unknown>;
        const cid = typeof info['origClientOrderId'] === 'string' ? info['origClientOrderId'] : o.clientOrderId;
        if (!cid) continue;
        out.push(cid);
        await this.absorb(this.trackFrom(o, cid, s), o);
      }
    }
    return out;
  }

  /**
   * "Unknown order" on a cancel usually means it just finished: fetch it and report how it ended.
   * Only `notFoundLimit` not-founds in a row declare it lost (an order can show up late).
   */
  private async cancelNotFoundCheck(clientOrderId: string, symbol: string): Promise<void> {
    const found = await this.fetchCcxtOrder(clientOrderId, symbol).catch(() => undefined);
    if (found) {
      this.cancelNotFound.delete(clientOrderId);
      const t = this.trackFrom(found, clientOrderId, symbol);
      await this.absorb(t, found);
      if (stateOf(found) === 'open') this.emit({ type: 'cancelRejected', clientOrderId, code: 'CANCEL_RACE', message: 'the venue did not find the order to cancel but still shows it open; cancel again', ts: this.clock.now() });
      return;
    }
    const n = (this.cancelNotFound.get(clientOrderId) ?? 0) + 1;
    this.cancelNotFound.set(clientOrderId, n);
    const limit = this.opts.notFoundLimit ?? 3;
    if (n >= limit) {
      this.cancelNotFound.delete(clientOrderId);
      const message = `${this.exchange.id} has no order ${clientOrderId} after ${n} checks: declared lost`;
      this.session.alert('error', 'ORDER_LOST', message);
      this.emit({ type: 'cancelRejected', clientOrderId, code: 'ORDER_LOST', message, ts: this.clock.now() });
      return;
    }
    await this.session.sleep(this.session.backoff(n + 1));
    return this.cancel(clientOrderId, symbol);
  }

  // ---- reads for reconciliation ----

  async fetchOrder(clientOrderId: string, symbol: string): Promise<VenueOrderStatus | undefined> {
    const o = await this.fetchCcxtOrder(clientOrderId, symbol);
    if (!o) {
      const t = this.tracker.get(clientOrderId);
      if (t && this.clock.now() - t.sentAt < this.inFlightMs()) {
        // A create can still be on its way: "not found" is not an answer yet.
        throw new VenueRequestError('ORDER_NOT_YET_VISIBLE', `${clientOrderId} is not visible at ${this.exchange.id} yet; ask again after ${this.inFlightMs()} ms`, 'retry');
      }
      return undefined;
    }
    const inst = this.registry.get(symbol);
    const state = stateOf(o);
    // Follow it from now on (after a restart the OMS asks here first); fills it already has are deduplicated there.
    if (state === 'open') this.trackFrom(o, clientOrderId, symbol);
    return { clientOrderId, venueOrderId: o.id ?? '', state, filledUnits: inst ? venueUnits(o.filled ?? 0, inst.qtyDecimals) : 0n };
  }

  async fetchFills(clientOrderId: string, symbol: string): Promise<VenueFill[]> {
    const o = await this.fetchCcxtOrder(clientOrderId, symbol);
    const inst = this.registry.get(symbol);
    if (!o || !inst) return [];
    const trades = await this.session.read(PRIORITY.check, (ex) => ex.fetchMyTrades(symbol, undefined, undefined, { orderId: o.id }), { private: true });
    const who = { clientOrderId, symbol, side: (o.side === 'sell' ? 'sell' : 'buy') as 'buy' | 'sell', venueOrderId: o.id };
    const seen = new Set<string>();
    const out: VenueFill[] = [];
    for (const tr of trades) {
      const f = this.tracker.toFill(who, tr, inst, o);
      if (f && !seen.has(f.fillId)) {
        seen.add(f.fillId);
        out.push(f);
      }
    }
    return out;
  }

  async fetchOpenOrders(): Promise<VenueOpenOrder[]> {
    const orders = await this.session.read(PRIORITY.check, (ex) => ex.fetchOpenOrders(), { private: true });
    const out: VenueOpenOrder[] = [];
    for (const o of orders) {
      const inst = o.symbol ? this.registry.get(o.symbol) : undefined;
      if (!inst) {
        this.session.alert('warn', 'UNKNOWN_MARKET_ORDER', `open order ${o.id} on ${o.symbol} is on a market Strata cannot trade; left alone`);
        continue;
      }
      const venueOrderId = o.id ?? '';
      if (o.clientOrderId) this.clientIdOf.set(venueOrderId, o.clientOrderId);
      out.push({
        clientOrderId: o.clientOrderId ?? `${this.exchange.id}-${venueOrderId}`,
        venueOrderId,
        state: stateOf(o),
        filledUnits: venueUnits(o.filled ?? 0, inst.qtyDecimals),
        symbol: inst.symbol,
        side: o.side === 'sell' ? 'sell' : 'buy',
        type: o.type === 'market' ? 'market' : 'limit',
        tif: o.timeInForce === 'IOC' ? 'ioc' : 'gtc',
        qtyUnits: venueUnits(o.amount ?? 0, inst.qtyDecimals),
        priceUnits: o.price === undefined || o.price === null ? null : venueUnits(o.price, inst.priceDecimals),
        createdAt: o.timestamp ?? 0,
      });
    }
    return out;
  }

  /** The account's trades on a symbol since a time, as fills with their client order ids. */
  async fetchTradesSince(symbol: string, sinceMs: number | undefined): Promise<VenueFill[]> {
    const inst = this.registry.get(symbol);
    if (!inst) return [];
    const trades: Trade[] = await this.session.read(PRIORITY.check, (ex) => ex.fetchMyTrades(symbol, sinceMs, 1000), { private: true });
    const out: VenueFill[] = [];
    for (const tr of trades) {
      const venueOrderId = tr.order;
      if (!venueOrderId) continue;
      let clientOrderId = this.clientIdOf.get(venueOrderId) ?? this.tracker.byVenueOrderId(venueOrderId)?.clientOrderId;
      if (clientOrderId === undefined) {
        const o = await this.session.read(PRIORITY.check, (ex) => ex.fetchOrder(venueOrderId, symbol), { private: true }).catch(() => undefined);
        clientOrderId = o?.clientOrderId ?? `${this.exchange.id}-${venueOrderId}`;
        this.clientIdOf.set(venueOrderId, clientOrderId);
      }
      const f = this.tracker.toFill({ clientOrderId, symbol, side: tr.side === 'sell' ? 'sell' : 'buy', venueOrderId }, tr, inst);
      if (f) out.push(f);
    }
    return out;
  }

  async fetchAccount(): Promise<VenueAccount> {
    const b = await this.session.read(PRIORITY.check, (ex) => ex.fetchBalance(), { private: true });
    return accountFromBalances(b, this.currency, this.registry.all());
  }

  // ---- internals ----

  private emit(e: VenueEvent): void {
    if (e.type === 'accepted') this.clientIdOf.set(e.venueOrderId, e.clientOrderId);
    for (const l of this.eventListeners) l(e);
  }

  private emitMarket(e: MarketEvent): void {
    for (const l of this.marketListeners) l(e);
  }

  private inFlightMs(): number {
    if (this.opts.inFlightMs !== undefined) return this.opts.inFlightMs;
    const recv = Number(this.exchange.options['recvWindow'] ?? 10_000);
    return (Number.isFinite(recv) ? recv : 10_000) + this.exchange.timeout;
  }

  private midCash(symbol: string): bigint | undefined {
    const b = this.feed.book(symbol);
    const inst = this.registry.get(symbol);
    const bid = b?.bids[0]?.priceUnits;
    const ask = b?.asks[0]?.priceUnits;
    if (!inst || bid === undefined || ask === undefined) return undefined;
    return ((bid + ask) * 10n ** BigInt(CASH_DECIMALS - inst.priceDecimals)) / 2n;
  }

  private async fetchCcxtOrder(clientOrderId: string, symbol: string): Promise<Order | undefined> {
    try {
      return await this.session.read(PRIORITY.check, (ex) => ex.fetchOrder('', symbol, { clientOrderId }), { private: true });
    } catch (err) {
      if (err instanceof VenueFaultError && err.fault.kind === 'order_not_found') return undefined;
      throw err;
    }
  }

  /** Tracks an order found at the venue (not sent by this instance); it is known to exist, so no 'accepted' again. */
  private trackFrom(o: Order, clientOrderId: string, symbol: string): TrackedOrder {
    const known = this.tracker.get(clientOrderId);
    if (known) return known;
    const inst = this.registry.get(symbol);
    const t = this.tracker.track(
      { clientOrderId, symbol, side: o.side === 'sell' ? 'sell' : 'buy', qtyUnits: inst ? venueUnits(o.amount ?? 0, inst.qtyDecimals) : 0n, venueOrderId: o.id },
      'open',
    );
    t.accepted = true;
    return t;
  }

  /** Reports what an order snapshot shows: accepted, its fills (fetching its trades when some are missing), then its end. */
  private async absorb(t: TrackedOrder, order: Order): Promise<void> {
    this.tracker.absorbOrder(t, order);
    if (this.tracker.settle(t, order)) return;
    const trades = await this.session.read(PRIORITY.check, (ex) => ex.fetchMyTrades(t.symbol, undefined, undefined, { orderId: order.id }), { private: true });
    this.tracker.absorbTrades(t, trades, order);
    // Still short: the trades are not visible yet; the order poll settles it later.
    this.tracker.settle(t, order);
  }

  /** Looks an order up by client id and reports it; false when the venue has none (yet). */
  private async settleByClientId(t: TrackedOrder): Promise<boolean> {
    const o = await this.fetchCcxtOrder(t.clientOrderId, t.symbol).catch(() => undefined);
    if (!o) return false;
    t.notFound = 0;
    await this.absorb(t, o);
    return true;
  }

  /** Polls every live order: open ones for fills and their end, unresolved ones until found or lost. */
  private async pollOrders(): Promise<void> {
    if (this.polling || this.session.halted()) return;
    this.polling = true;
    try {
      for (const t of this.tracker.live()) {
        if (!this.running) return;
        try {
          if (await this.settleByClientId(t)) continue;
        } catch {
          continue; // a read fault: try again next round
        }
        t.notFound++;
        const limit = this.opts.notFoundLimit ?? 3;
        if (t.notFound >= limit && this.clock.now() - t.sentAt >= this.inFlightMs()) {
          this.tracker.forget(t);
          const message = `${this.exchange.id} has no order ${t.clientOrderId} after ${t.notFound} checks${t.accepted ? '' : ': the create never reached it'}`;
          if (t.accepted) this.session.alert('error', 'ORDER_LOST', message);
          else this.emit({ type: 'rejected', clientOrderId: t.clientOrderId, code: 'UNKNOWN_AT_VENUE', message, ts: this.clock.now() });
        }
      }
    } finally {
      this.polling = false;
    }
  }

  private scheduleOrderPoll(): void {
    const every = this.opts.pollMs?.orders ?? 1_000;
    this.orderTimer = this.clock.schedule(this.clock.now() + every, () => {
      void this.pollOrders().finally(() => {
        if (this.running) this.scheduleOrderPoll();
      });
    });
  }

  /** Keeps the connection state real while nothing else is asking: one cheap public request when idle. */
  private scheduleHeartbeat(): void {
    const every = this.opts.pollMs?.heartbeat ?? 5_000;
    this.heartbeatTimer = this.clock.schedule(this.clock.now() + every, () => {
      const idle = this.clock.now() - this.session.lastSuccessAt >= every;
      const beat = idle ? this.session.once(PRIORITY.data, (ex) => ex.fetchTime()).then(() => undefined, () => undefined) : Promise.resolve();
      void beat.finally(() => {
        if (this.running) this.scheduleHeartbeat();
      });
    });
  }
}
