import type { Side } from '../../contract/dto.ts';
import type { Clock } from '../../core/clock.ts';
import { notionalUnits } from '../../core/instrument.ts';
import type { InstrumentRegistry } from '../../core/instrument.ts';
import type {
  MarketBook,
  MarketEvent,
  MarketTrade,
  VenueEvent,
  VenueFill,
  VenueOrderRequest,
  VenueOrderStatus,
  VenuePort,
} from '../../core/ports.ts';
import { divRound, isMultipleOf } from '../../core/precision.ts';
import { createRng } from '../../core/rng.ts';
import type { Rng } from '../../core/rng.ts';
import { BookSides } from './book-sides.ts';
import { DEFAULT_IMPACT } from './market-impact.ts';
import type { ImpactParams } from './market-impact.ts';
import { MarketModel } from './market-model.ts';
import type { MarketModelParams } from './market-model.ts';
import type { BookSide, CrowdTrade, MarketSourceFactory, SyntheticLevel } from './market-source.ts';
import { DEFAULT_CROWD_CANCEL_PER_SECOND, cancelledAhead, shrinkAhead } from './queue-position.ts';
import type { SimOrder, SimVenueStore } from './sim-store.ts';
import { LazyBook } from './lazy-book.ts';
import { SymbolMarket } from './symbol-market.ts';
import type { CrowdLevels } from './symbol-market.ts';
import { qtyOf } from './synthetic-book.ts';

/**
 * Options of the simulated venue. Per symbol, a market comes from `sources` or else `models`:
 *
 *   // the demo market (what the engine does)
 *   new SimVenue({ clock, instruments, store, seed, models: demoModels(calibration) });
 *   // a recorded tape for XRP/ETH, played from the clock's current time, alongside the demo
 *   const trades = parseTradesCsv(readFileSync('assets/demo/binance_XRPETH_trades_20191011-13.csv', 'utf8'));
 *   new SimVenue({ clock, instruments, store, seed, models, sources: { 'XRP/ETH': tapeSource(trades, { startMs: clock.now() }) } });
 */
export interface SimVenueOptions {
  clock: Clock;
  instruments: InstrumentRegistry;
  /** Demo market model parameters per symbol; each becomes a MarketModel source. */
  models?: Record<string, MarketModelParams>;
  /**
   * Market sources per symbol (e.g. `tapeSource(trades)`); the factory gets the instrument and a
   * stream seeded by the venue. A symbol listed here wins over `models`.
   */
  sources?: Record<string, MarketSourceFactory>;
  store: SimVenueStore;
  seed: number;
  /** Market step, ms. A stochastic source advances by whole steps on a fixed grid, so a seed gives one path. */
  stepMs?: number;
  /** Median one-way latency of order messages, ms (lognormal around it). */
  latencyMs?: number;
  /** Square-root impact of our aggressive orders (market-impact.ts); `{ k: 0 }` turns it off. */
  impact?: Partial<ImpactParams>;
  /** Rate at which each crowd order resting at a price cancels, per second (queue-position.ts). */
  crowdCancelPerSecond?: number;
}

/** Resting state is persisted this often (ms of market time) and at stop. */
const PERSIST_EVERY_MS = 5_000;
/**
 * Impact (log-price offset) below which it no longer moves anything: far under a tick of any
 * instrument (1e-9 of the price), so an event-driven symbol with nothing else in play is idle.
 */
const IMPACT_IDLE = 1e-9;

/**
 * A simulated exchange over pluggable market sources (market-source.ts): the demo's stochastic
 * model or a recorded tape. Market orders walk the crowd's book, which our buying pushes up by a
 * decaying square-root impact (market-impact.ts) as they go; limit orders rest and keep their place
 * in the queue (queue-position.ts); crowd trades fill them after the queue ahead; maker/taker fees;
 * a seeded FIFO latency; and books of its own that survive a restart so the engine can reconcile
 * against it like against a real venue.
 */
export class SimVenue implements VenuePort {
  readonly name = 'sim';
  private readonly clock: Clock;
  private readonly store: SimVenueStore;
  private readonly stepMs: number;
  private readonly latencyMs: number;
  private readonly cancelRate: number;
  private readonly symbols = new Map<string, SymbolMarket>();
  private readonly orders = new Map<string, SimOrder>();
  /** Open limit orders in arrival order (time priority). */
  private readonly resting = new Map<string, SimOrder>();
  /** Resting orders the crowd book has already swept through and still crosses. */
  private readonly crossedOrders = new Set<string>();
  private readonly fillsByOrder = new Map<string, VenueFill[]>();
  private readonly bookSides = new BookSides();
  private readonly eventListeners = new Set<(e: VenueEvent) => void>();
  private readonly marketListeners = new Set<(e: MarketEvent) => void>();
  private readonly latencyRng: Rng;
  private readonly queueRng: Rng;
  private orderSeq = 0;
  private fillSeq = 0;
  private tradeSeq = 0;
  private running = false;
  private stepTimer: number | undefined;
  /** The step grid is origin + k·stepMs (set at start), whenever it is armed. */
  private gridOrigin = 0;
  private lastPersist = 0;
  private readonly inbox: { at: number; fn: () => void }[] = [];
  private lastArrival = 0;
  /** Set while generating history before the start: timestamps come from here, our orders sit out. */
  private warmAt: number | undefined;

  constructor(opts: SimVenueOptions) {
    this.clock = opts.clock;
    this.store = opts.store;
    this.stepMs = opts.stepMs ?? 250;
    this.latencyMs = opts.latencyMs ?? 4;
    this.cancelRate = opts.crowdCancelPerSecond ?? DEFAULT_CROWD_CANCEL_PER_SECOND;
    const impact: ImpactParams = { ...DEFAULT_IMPACT, ...opts.impact };
    const restarts = Number(this.store.getMeta('restarts') ?? '-1') + 1;
    this.store.setMeta('restarts', String(restarts));
    // A restart continues from the last persisted state with a fresh stream, so a fresh data dir
    // and a given seed always produce the same market.
    const streamSeed = (opts.seed + restarts * 7919) >>> 0;
    this.latencyRng = createRng(streamSeed ^ 0x5bd1e995);
    this.queueRng = createRng(streamSeed ^ 0x2545f491);
    const now = this.clock.now();
    let i = 0;
    for (const inst of opts.instruments.all()) {
      const factory = opts.sources?.[inst.symbol] ?? modelFactory(opts.models?.[inst.symbol]);
      if (!factory) continue;
      const st = new SymbolMarket(inst, factory(inst, createRng((streamSeed + 1013 * ++i) >>> 0)), impact, now);
      st.restore(this.store);
      st.source.skipTo(now);
      this.symbols.set(inst.symbol, st);
      st.book = this.composeBook(st);
    }
    for (const ord of this.store.loadOrders()) {
      if (ord.state === 'open' && (ord.type === 'market' || ord.tif === 'ioc')) {
        // The venue died while matching an immediate order: what did not execute then never will.
        ord.state = 'expired';
        this.store.saveOrder(ord);
      }
      this.orders.set(ord.clientOrderId, ord);
      if (ord.state === 'open' && ord.type === 'limit') this.rest(ord);
      this.orderSeq = Math.max(this.orderSeq, Number(ord.venueOrderId.slice(1)) || 0);
    }
    for (const f of this.store.loadFills()) {
      this.rememberFill(f);
      this.fillSeq = Math.max(this.fillSeq, Number(f.fillId.slice(3)) || 0);
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.gridOrigin = this.clock.now();
    this.armGrid();
    for (const st of this.symbols.values()) this.scheduleEvent(st);
  }

  /**
   * Generates `durationMs` of market history ending now, instantly, so charts and volatility
   * estimates have data from the first second. Our resting orders take no part in it. A tape plays
   * its recorded trades of that window, if it has any.
   */
  warmUp(durationMs: number): void {
    const end = this.clock.now();
    const steps = Math.floor(durationMs / this.stepMs);
    const from = end - (steps + 1) * this.stepMs;
    for (const st of this.symbols.values()) {
      st.source.skipTo(from);
      st.steppedAt = from;
    }
    try {
      for (let k = steps; k >= 1; k--) {
        this.warmAt = end - k * this.stepMs;
        for (const st of this.symbols.values()) this.stepSymbol(st, this.warmAt);
      }
    } finally {
      this.warmAt = undefined;
    }
  }

  stop(): void {
    this.running = false;
    if (this.stepTimer !== undefined) this.clock.cancel(this.stepTimer);
    this.stepTimer = undefined;
    for (const st of this.symbols.values()) this.cancelEvent(st);
    this.persistState();
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
    return this.symbols.get(symbol)?.book;
  }

  lastTradeUnits(symbol: string): bigint | undefined {
    return this.symbols.get(symbol)?.lastTradeUnits;
  }

  /**
   * The market's state for a symbol, for analysis: the source's reference price, our impact on it
   * (signed fraction, + after our buys) and the centre the crowd's book is built around.
   */
  marketState(symbol: string): { referencePrice: number; impact: number; centre: number } | undefined {
    const st = this.symbols.get(symbol);
    if (!st) return undefined;
    const now = this.now();
    return { referencePrice: st.source.referencePrice(), impact: st.impact.current(now), centre: st.centre(now) };
  }

  /** Crowd quantity ahead of an open resting order at its price, or undefined if it is not resting. */
  queueAheadUnits(clientOrderId: string): bigint | undefined {
    return this.resting.get(clientOrderId)?.queueAheadUnits;
  }

  submit(req: VenueOrderRequest): void {
    this.deliver(() => this.accept(req));
  }

  cancel(clientOrderId: string): void {
    this.deliver(() => this.doCancel(clientOrderId));
  }

  async fetchOrder(clientOrderId: string): Promise<VenueOrderStatus | undefined> {
    const o = this.orders.get(clientOrderId);
    if (!o) return undefined;
    const s: VenueOrderStatus = { clientOrderId, venueOrderId: o.venueOrderId, state: o.state, filledUnits: o.filledUnits };
    if (o.reason) s.reason = o.reason;
    return s;
  }

  async fetchFills(clientOrderId: string): Promise<VenueFill[]> {
    return [...(this.fillsByOrder.get(clientOrderId) ?? [])];
  }

  private now(): number {
    return this.warmAt ?? this.clock.now();
  }

  // ---- our messages ----

  /**
   * Our messages reach the venue in the order sent, like on one TCP session: each gets a random
   * latency but never arrives before the one sent earlier, and one queue processes them FIFO, so a
   * cancel sent right after its order can never overtake it.
   */
  private deliver(fn: () => void): void {
    const at = Math.max(this.clock.now() + this.latency(), this.lastArrival);
    this.lastArrival = at;
    this.inbox.push({ at, fn });
    this.clock.schedule(at, this.drain);
  }

  /** drainInbox as one function for every timer it arms (not a new closure per message). */
  private readonly drain = (): void => this.drainInbox();

  /**
   * Delivers every message that is due and re-arms for the first that is not. Without the re-arm a
   * drain that ran early (or a message queued behind one that was not due) waits for some unrelated
   * later message to push it through: orders stayed NEW for seconds and a kill-switch cancel for
   * minutes (issue 8, D1).
   */
  private drainInbox(): void {
    const now = this.clock.now();
    while (this.inbox.length > 0 && this.inbox[0]!.at <= now) this.inbox.shift()!.fn();
    const head = this.inbox[0];
    if (head) this.clock.schedule(head.at, this.drain);
  }

  private latency(): number {
    if (this.latencyMs <= 0) return 0;
    return Math.max(1, Math.round(this.latencyMs * this.latencyRng.lognormal(0, 0.35)));
  }

  private emit(e: VenueEvent): void {
    for (const l of this.eventListeners) l(e);
  }

  private emitMarket(e: MarketEvent): void {
    for (const l of this.marketListeners) l(e);
  }

  private publishBook(st: SymbolMarket): void {
    st.book = this.lazyBook(st) ?? this.composeBook(st);
    this.emitMarket({ type: 'book', book: st.book });
  }

  private reject(req: VenueOrderRequest, code: string, message: string): void {
    this.emit({ type: 'rejected', clientOrderId: req.clientOrderId, code, message, ts: this.clock.now() });
  }

  private accept(req: VenueOrderRequest): void {
    const now = this.clock.now();
    if (this.orders.has(req.clientOrderId)) {
      // A venue refuses a client order id it has seen: the engine must reconcile, not resend.
      this.reject(req, 'DUPLICATE_CLIENT_ORDER_ID', `client order id ${req.clientOrderId} already exists`);
      return;
    }
    const st = this.symbols.get(req.symbol);
    if (!st) return this.reject(req, 'VENUE_REJECTED', `unknown symbol ${req.symbol}`);
    if (req.qtyUnits <= 0n || !isMultipleOf(req.qtyUnits, st.inst.lotUnits)) return this.reject(req, 'VENUE_REJECTED', 'LOT_SIZE filter');
    if (req.type === 'limit' && (req.priceUnits === null || !isMultipleOf(req.priceUnits, st.inst.tickUnits))) {
      return this.reject(req, 'VENUE_REJECTED', 'PRICE_FILTER');
    }
    const order: SimOrder = {
      clientOrderId: req.clientOrderId,
      venueOrderId: `V${++this.orderSeq}`,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      tif: req.tif,
      qtyUnits: req.qtyUnits,
      priceUnits: req.type === 'limit' ? req.priceUnits : null,
      filledUnits: 0n,
      state: 'open',
      reason: null,
      queueAheadUnits: 0n,
      createdAt: now,
    };
    this.orders.set(order.clientOrderId, order);
    this.store.saveOrder(order);
    this.emit({ type: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, ts: now });
    this.acceptTail(st, order);
    // Our order rests, or took liquidity and moved the price: the symbol needs its time steps now.
    this.armGrid();
  }

  private acceptTail(st: SymbolMarket, order: SimOrder): void {
    const before = order.filledUnits;
    this.takeLiquidity(st, order);
    // The book changed now, not at the next market step.
    if (order.filledUnits !== before) this.publishBook(st);
    if (order.state !== 'open') return;
    if (order.type === 'market' || order.tif === 'ioc') {
      this.finish(order, 'expired');
      return;
    }
    // Rest, behind the crowd already at this price (queue-position.ts).
    const same = this.crowdLevels(st, order.side === 'buy' ? 'bid' : 'ask').net.find((l) => l.priceUnits === order.priceUnits);
    order.queueAheadUnits = same ? same.qtyUnits : 0n;
    this.store.saveOrder(order);
    this.rest(order);
    this.publishBook(st);
  }

  private doCancel(clientOrderId: string): void {
    const now = this.clock.now();
    const o = this.orders.get(clientOrderId);
    if (!o) {
      this.emit({ type: 'cancelRejected', clientOrderId, code: 'UNKNOWN_ORDER', message: 'unknown order', ts: now });
      return;
    }
    if (o.state !== 'open') {
      this.emit({ type: 'cancelRejected', clientOrderId, code: 'ORDER_NOT_OPEN', message: `order is ${o.state}`, ts: now });
      return;
    }
    this.finish(o, 'cancelled');
    const st = this.symbols.get(o.symbol);
    if (st) this.publishBook(st);
  }

  /** Our order rests: in time priority, and in the public book at its price. */
  private rest(o: SimOrder): void {
    this.resting.set(o.clientOrderId, o);
    this.bookSides.addOurs(o, o.qtyUnits - o.filledUnits);
  }

  private unrest(o: SimOrder): void {
    if (this.resting.delete(o.clientOrderId)) this.bookSides.addOurs(o, -(o.qtyUnits - o.filledUnits));
  }

  private finish(o: SimOrder, state: 'cancelled' | 'expired'): void {
    o.state = state;
    this.unrest(o);
    this.store.saveOrder(o);
    this.emit({ type: state, clientOrderId: o.clientOrderId, ts: this.clock.now() });
  }

  /**
   * Our order takes crowd liquidity up to its limit (if any), best level first. After each level
   * the book is rebuilt around the reference moved by our impact so far, so a large order pays its
   * own impact on the later levels; the levels it emptied stay empty (taken-liquidity.ts), so the
   * prices it pays only get worse, and it can take at most the crowd's listed depth. It never trades
   * with our own resting orders (self-trade prevention), but takes the crowd queued ahead of them.
   */
  private takeLiquidity(st: SymbolMarket, order: SimOrder): void {
    const side: BookSide = order.side === 'buy' ? 'ask' : 'bid';
    const now = this.clock.now();
    for (;;) {
      const left = order.qtyUnits - order.filledUnits;
      if (left <= 0n) break;
      const { raw, net } = this.crowdLevels(st, side);
      const depth = net.findIndex(hasQty);
      if (depth < 0) break;
      const l = net[depth]!;
      if (order.priceUnits !== null && (order.side === 'buy' ? l.priceUnits > order.priceUnits : l.priceUnits < order.priceUnits)) break;
      const take = l.qtyUnits < left ? l.qtyUnits : left;
      st.taken.take(side, depth, take, raw[depth]!.qtyUnits);
      // The crowd taken there was at the front of the queue: ahead of any resting order of ours at
      // that price (none resting: no closure and no scan).
      if (this.resting.size > 0) this.forOurs(st, order.side === 'buy' ? 'sell' : 'buy', l.priceUnits, (o) => shrinkAhead(o, take));
      this.fill(st, order, l.priceUnits, take, 'taker');
      this.print(st, l.priceUnits, take, order.side, this.now());
      st.impact.add(now, order.side, qtyOf(st.inst, take));
    }
  }

  private fill(st: SymbolMarket, order: SimOrder, priceUnits: bigint, qtyUnits: bigint, liquidity: 'maker' | 'taker'): void {
    const bps = liquidity === 'maker' ? st.inst.makerFeeBps : st.inst.takerFeeBps;
    const notional = notionalUnits(st.inst, priceUnits, qtyUnits);
    const fee = divRound(notional * BigInt(Math.round(bps * 100)), 1_000_000n);
    if (this.resting.has(order.clientOrderId)) this.bookSides.addOurs(order, -qtyUnits);
    order.filledUnits += qtyUnits;
    if (order.filledUnits === order.qtyUnits) {
      order.state = 'filled';
      this.unrest(order);
    }
    const f: VenueFill = {
      fillId: `SIM${++this.fillSeq}`,
      clientOrderId: order.clientOrderId,
      venueOrderId: order.venueOrderId,
      symbol: order.symbol,
      side: order.side,
      priceUnits,
      qtyUnits,
      feeUnits: fee,
      liquidity,
      ts: this.clock.now(),
    };
    this.store.recordFill(f, order);
    this.rememberFill(f);
    this.emit({ type: 'fill', fill: f });
  }

  private rememberFill(f: VenueFill): void {
    const l = this.fillsByOrder.get(f.clientOrderId);
    // Most orders fill once: a one-element list, not [] then push (which reserves 16 slots, kept
    // for the life of the venue: ~150 bytes per order).
    if (l) l.push(f);
    else this.fillsByOrder.set(f.clientOrderId, [f]);
  }

  private print(st: SymbolMarket, priceUnits: bigint, qtyUnits: bigint, side: Side, ts: number): void {
    st.lastTradeUnits = priceUnits;
    const trade: MarketTrade = { symbol: st.inst.symbol, id: `${st.inst.symbol}:${++this.tradeSeq}`, priceUnits, qtyUnits, side, ts };
    this.emitMarket({ type: 'trade', trade });
  }

  /** Runs fn on our open resting orders of a symbol on one side at one price, in time priority; saves those it changed. */
  private forOurs(st: SymbolMarket, side: Side, priceUnits: bigint, fn: (o: SimOrder) => boolean): void {
    // The running tally by price (book-sides.ts) has every price where something of ours rests:
    // with none at this one (the usual case) the scan of every resting order is skipped.
    if (!this.bookSides.oursOf(st.inst.symbol, side === 'buy' ? 'bid' : 'ask').has(priceUnits)) return;
    for (const o of this.resting.values()) {
      if (o.symbol === st.inst.symbol && o.side === side && o.priceUnits === priceUnits && fn(o)) this.store.saveOrder(o);
    }
  }

  // ---- market ----

  private crowdLevels(st: SymbolMarket, side: BookSide): CrowdLevels {
    return st.levels(side, this.now());
  }

  private scheduleStep(at: number): void {
    this.stepTimer = this.clock.schedule(at, () => {
      this.stepTimer = undefined;
      if (!this.running) return;
      this.step(at);
      if (this.anyNeedsGrid()) this.scheduleStep(at + this.stepMs);
    });
  }

  /**
   * Arms the fixed step grid if some symbol needs it and it is not armed, at the grid's next point
   * after now (the same grid as ever: a run stays a function of its inputs and the clock).
   */
  private armGrid(): void {
    if (!this.running || this.stepTimer !== undefined || !this.anyNeedsGrid()) return;
    const k = Math.floor((this.clock.now() - this.gridOrigin) / this.stepMs) + 1;
    this.scheduleStep(this.gridOrigin + k * this.stepMs);
  }

  private anyNeedsGrid(): boolean {
    for (const st of this.symbols.values()) if (this.needsGrid(st)) return true;
    return false;
  }

  /**
   * Whether a symbol must be stepped on the time grid. A source that moves with time always does.
   * An event-driven one (a recorded tape) changes only at its events, except for what our orders
   * do to it over time: resting orders (crowd cancellations ahead, the book moving through them),
   * liquidity we took refilling, our impact decaying. With none of those in play, a step between
   * two recorded trades would publish the same book again and nothing else: replays and L3
   * backtests then cost per recorded event, not per 250 ms of market time.
   */
  private needsGrid(st: SymbolMarket): boolean {
    if (st.source.eventDriven !== true) return true;
    if (!st.taken.empty) return true;
    if (Math.abs(st.impact.current(this.clock.now())) > IMPACT_IDLE) return true;
    for (const o of this.resting.values()) if (o.symbol === st.inst.symbol) return true;
    return false;
  }

  /** A source with events of its own (a tape) also steps at each of them, so every recorded trade plays at its time. */
  private scheduleEvent(st: SymbolMarket): void {
    const next = st.source.nextEventAt();
    if (!this.running || next === st.eventAt) return;
    this.cancelEvent(st);
    if (next === undefined) return;
    st.eventAt = next;
    st.eventTimer = this.clock.schedule(next, () => {
      st.eventTimer = undefined;
      st.eventAt = undefined;
      if (!this.running) return;
      this.stepSymbol(st, next);
      this.scheduleEvent(st);
      this.armGrid();
      if (this.stepTimer === undefined && next - this.lastPersist >= PERSIST_EVERY_MS) {
        // No grid step persists while the grid is idle: the tape's events do.
        this.lastPersist = next;
        this.persistState();
      }
    });
  }

  private cancelEvent(st: SymbolMarket): void {
    if (st.eventTimer !== undefined) this.clock.cancel(st.eventTimer);
    st.eventTimer = undefined;
    st.eventAt = undefined;
  }

  /** One fixed step of every symbol at market time `at` (the step grid, whatever the wall clock's jitter). */
  private step(at: number): void {
    for (const st of this.symbols.values()) {
      if (!this.needsGrid(st)) continue;
      this.stepSymbol(st, at);
      this.scheduleEvent(st);
    }
    if (at - this.lastPersist >= PERSIST_EVERY_MS) {
      this.lastPersist = at;
      this.persistState();
    }
  }

  /**
   * Advances one symbol to `at`: taken liquidity refills, the crowd ahead of our resting orders
   * cancels, the source moves and sends its trades (each meets our resting orders first where they
   * are as good or better), then whatever of the crowd's book now lies through our resting orders
   * fills them, and the book is published.
   */
  private stepSymbol(st: SymbolMarket, at: number): void {
    const live = this.warmAt === undefined;
    const dt = at - st.steppedAt;
    if (dt > 0) {
      st.steppedAt = at;
      st.taken.refill(dt);
      if (live) this.cancelCrowdAhead(st, dt);
    }
    for (const t of st.source.advance(at)) this.crowdTrade(st, t);
    if (live) {
      this.crossResting(st);
      this.capQueues(st);
    }
    this.publishBook(st);
  }

  private cancelCrowdAhead(st: SymbolMarket, dtMs: number): void {
    for (const o of this.resting.values()) {
      if (o.symbol !== st.inst.symbol) continue;
      if (shrinkAhead(o, cancelledAhead(o, this.cancelRate, dtMs, this.queueRng))) this.store.saveOrder(o);
    }
  }

  /** What is ahead of us cannot exceed the crowd the book shows at our price (queue-position.ts, rule 3). */
  private capQueues(st: SymbolMarket): void {
    let shown: Record<BookSide, Map<bigint, bigint>> | undefined;
    for (const o of this.resting.values()) {
      if (o.symbol !== st.inst.symbol || o.priceUnits === null || o.queueAheadUnits <= 0n) continue;
      shown ??= { bid: levelMap(this.crowdLevels(st, 'bid').net), ask: levelMap(this.crowdLevels(st, 'ask').net) };
      const visible = shown[o.side === 'buy' ? 'bid' : 'ask'].get(o.priceUnits);
      if (visible !== undefined && visible < o.queueAheadUnits && shrinkAhead(o, o.queueAheadUnits - visible)) this.store.saveOrder(o);
    }
  }

  private persistState(): void {
    for (const st of this.symbols.values()) st.persist(this.store, this.now());
  }

  /** When the crowd's book moves through a resting order, the crowd on the other side hits it (queue-position.ts). */
  private crossResting(st: SymbolMarket): void {
    const ours = [...this.resting.values()]
      .filter((o) => o.symbol === st.inst.symbol && o.priceUnits !== null)
      // Price priority per side; the sort is stable, so arrival order (time priority) breaks ties.
      .sort((a, b) => (a.side !== b.side ? (a.side === 'buy' ? -1 : 1) : a.side === 'buy' ? cmp(b.priceUnits!, a.priceUnits!) : cmp(a.priceUnits!, b.priceUnits!)));
    for (const o of ours) {
      if (o.state !== 'open') continue;
      const limit = o.priceUnits!;
      const side: BookSide = o.side === 'buy' ? 'ask' : 'bid';
      const best = this.crowdLevels(st, side).net.find((l) => l.qtyUnits > 0n);
      const crossed = best !== undefined && (o.side === 'buy' ? best.priceUnits <= limit : best.priceUnits >= limit);
      if (!crossed) {
        this.crossedOrders.delete(o.clientOrderId);
        continue;
      }
      // A crossing is one sweep: the crowd liquidity that moved through us trades once. While the
      // book stays crossed, refilled crowd levels are not new sellers hitting us again and again
      // (that would fill a passive order from nothing); only crowd trades fill it until it uncrosses.
      if (this.crossedOrders.has(o.clientOrderId)) continue;
      this.crossedOrders.add(o.clientOrderId);
      for (;;) {
        const left = o.qtyUnits - o.filledUnits;
        if (left <= 0n) break;
        const { raw, net } = this.crowdLevels(st, side);
        const depth = net.findIndex(hasQty);
        if (depth < 0) break;
        const l = net[depth]!;
        const crosses = o.side === 'buy' ? l.priceUnits <= limit : l.priceUnits >= limit;
        if (!crosses) break;
        const take = l.qtyUnits < left ? l.qtyUnits : left;
        st.taken.take(side, depth, take, raw[depth]!.qtyUnits);
        o.queueAheadUnits = 0n;
        this.fill(st, o, limit, take, 'maker');
        this.print(st, limit, take, o.side === 'buy' ? 'sell' : 'buy', this.now());
      }
    }
  }

  /**
   * A crowd aggressor. The model's walks the crowd's book like a market order; the tape's trades at
   * its recorded price (moved by our impact, so a market we pushed up stays up for the tape too).
   * Either way it meets our resting orders at prices better than a crowd level before that level,
   * and at any price holding our orders the crowd queued ahead of each trades first
   * (queue-position.ts): our orders never pass the crowd ahead of them, at any price.
   */
  private crowdTrade(st: SymbolMarket, t: CrowdTrade): void {
    const side = t.side;
    const ts = t.ts ?? this.now();
    let left = t.qtyUnits;
    const ours = (this.warmAt !== undefined ? [] : [...this.resting.values()])
      .filter((o) => o.symbol === st.inst.symbol && o.state === 'open' && o.side !== side && o.priceUnits !== null)
      .sort((a, b) => (side === 'buy' ? cmp(a.priceUnits!, b.priceUnits!) : cmp(b.priceUnits!, a.priceUnits!)) || a.createdAt - b.createdAt);
    const levels =
      t.priceUnits === undefined
        ? this.crowdLevels(st, side === 'buy' ? 'ask' : 'bid').net
        : [{ priceUnits: st.withImpact(t.priceUnits, this.now()), qtyUnits: t.qtyUnits }];
    let oi = 0;
    const takeOursAt = (price: bigint): SimOrder[] => {
      const here: SimOrder[] = [];
      while (oi < ours.length && ours[oi]!.priceUnits === price) here.push(ours[oi++]!);
      return here;
    };
    for (const l of levels) {
      if (left <= 0n) break;
      while (left > 0n && oi < ours.length && better(ours[oi]!.priceUnits!, l.priceUnits, side)) {
        const price = ours[oi]!.priceUnits!;
        left = this.meetOursAt(st, takeOursAt(price), price, left, side, ts).left;
      }
      if (left <= 0n) break;
      const met = this.meetOursAt(st, takeOursAt(l.priceUnits), l.priceUnits, left, side, ts);
      left = met.left;
      // The crowd ahead of us was part of this level; the aggressor then takes the crowd behind us.
      const crowdLeft = l.qtyUnits > met.consumed ? l.qtyUnits - met.consumed : 0n;
      const take = crowdLeft < left ? crowdLeft : left;
      if (take > 0n) {
        left -= take;
        this.print(st, l.priceUnits, take, side, ts);
      }
    }
  }

  /**
   * An aggressor with `left` to trade meets our resting orders at one price, in time priority: for
   * each, the crowd queued ahead of it trades first (printed), then it fills. Crowd that traded
   * ahead of an earlier order of ours was ahead of the later ones too, so theirs shrinks as well.
   * Returns what is left of the aggressor and how much crowd it took here.
   */
  private meetOursAt(st: SymbolMarket, here: SimOrder[], price: bigint, left: bigint, side: Side, ts: number): { left: bigint; consumed: bigint } {
    let consumed = 0n;
    for (const o of here) {
      let changed = shrinkAhead(o, consumed);
      if (left > 0n) {
        const ahead = o.queueAheadUnits < left ? o.queueAheadUnits : left;
        if (ahead > 0n) {
          changed = shrinkAhead(o, ahead) || changed;
          left -= ahead;
          consumed += ahead;
          this.print(st, price, ahead, side, ts);
        }
        if (left > 0n) left = this.hitOurs(st, o, left, side, ts);
      }
      if (changed && o.state === 'open') this.store.saveOrder(o);
    }
    return { left, consumed };
  }

  private hitOurs(st: SymbolMarket, o: SimOrder, left: bigint, aggressor: Side, ts: number): bigint {
    const rem = o.qtyUnits - o.filledUnits;
    const take = rem < left ? rem : left;
    if (take <= 0n) return left;
    this.fill(st, o, o.priceUnits!, take, 'maker');
    this.print(st, o.priceUnits!, take, aggressor, ts);
    return left - take;
  }

  /**
   * The public book built on first read (lazy-book.ts), for a tape's book while it is a pure function
   * of its centre: nothing of ours rests in it and nothing we took is out of it. Else undefined.
   */
  private lazyBook(st: SymbolMarket): LazyBook | undefined {
    const symbol = st.inst.symbol;
    if (st.source.eventDriven !== true || !st.taken.empty || this.bookSides.oursOf(symbol, 'bid').size > 0 || this.bookSides.oursOf(symbol, 'ask').size > 0) return undefined;
    return new LazyBook(symbol, this.now(), st.centre(this.now()), st.source);
  }

  /** The public book: crowd levels plus our resting orders at their prices, best first, 20 levels a side (book-sides.ts). */
  private composeBook(st: SymbolMarket): MarketBook {
    const symbol = st.inst.symbol;
    return {
      symbol,
      bids: this.bookSides.compose(symbol, 'bid', this.crowdLevels(st, 'bid').net),
      asks: this.bookSides.compose(symbol, 'ask', this.crowdLevels(st, 'ask').net),
      ts: this.now(),
    };
  }
}

function modelFactory(params: MarketModelParams | undefined): MarketSourceFactory | undefined {
  return params ? (inst, rng) => new MarketModel(inst, params, rng) : undefined;
}

function levelMap(levels: SyntheticLevel[]): Map<bigint, bigint> {
  return new Map(levels.map((l) => [l.priceUnits, l.qtyUnits]));
}

/** A level with something left (one function for every search, not a closure per take). */
function hasQty(l: SyntheticLevel): boolean {
  return l.qtyUnits > 0n;
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Is a resting price better for an aggressor on `side` than a crowd level price? */
function better(ourPrice: bigint, crowdPrice: bigint, aggressor: Side): boolean {
  return aggressor === 'buy' ? ourPrice < crowdPrice : ourPrice > crowdPrice;
}
