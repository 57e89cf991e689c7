import type { Side } from '../../contract/dto.ts';
import type { Clock } from '../../core/clock.ts';
import { every } from '../../core/clock.ts';
import { notionalUnits } from '../../core/instrument.ts';
import type { Instrument, InstrumentRegistry } from '../../core/instrument.ts';
import type {
  BookLevel,
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
import { MarketModel } from './market-model.ts';
import type { MarketModelParams, SyntheticLevel } from './market-model.ts';
import type { SimOrder, SimVenueStore } from './sim-store.ts';

export interface SimVenueOptions {
  clock: Clock;
  instruments: InstrumentRegistry;
  models: Record<string, MarketModelParams>;
  store: SimVenueStore;
  seed: number;
  /** Market step; the model always advances by exactly this much so a seed gives one path. */
  stepMs?: number;
  /** Median one-way latency of order messages, ms (lognormal around it). */
  latencyMs?: number;
}

interface SymbolState {
  inst: Instrument;
  model: MarketModel;
  /** Crowd liquidity our aggressive orders have taken, by price; it refills over time. */
  depleted: Map<bigint, bigint>;
  lastTradeUnits: bigint | undefined;
  book: MarketBook;
}

/** Fraction of taken liquidity that comes back per second. */
const REFILL_PER_SECOND = 0.5;

/**
 * A simulated exchange driven by the demo market model: market orders walk the book and can fill
 * at several prices, limit orders rest and fill when the crowd trades through them (after the
 * queue ahead at their price), maker/taker fees, a seeded latency, and books of its own that
 * survive a restart so the engine can reconcile against it like against a real venue.
 */
export class SimVenue implements VenuePort {
  readonly name = 'sim';
  private readonly o: Required<Omit<SimVenueOptions, 'models'>> & { models: Record<string, MarketModelParams> };
  private readonly symbols = new Map<string, SymbolState>();
  private readonly orders = new Map<string, SimOrder>();
  private readonly resting = new Map<string, SimOrder>();
  private readonly fillsByOrder = new Map<string, VenueFill[]>();
  private readonly eventListeners = new Set<(e: VenueEvent) => void>();
  private readonly marketListeners = new Set<(e: MarketEvent) => void>();
  private readonly latencyRng: Rng;
  private orderSeq = 0;
  private fillSeq = 0;
  private tradeSeq = 0;
  private stopTimer: (() => void) | undefined;
  private lastPersist = 0;
  private readonly inbox: { at: number; fn: () => void }[] = [];
  private lastArrival = 0;
  /** Set while generating history before the start: timestamps come from here, our orders sit out. */
  private warmAt: number | undefined;

  constructor(opts: SimVenueOptions) {
    this.o = { ...opts, stepMs: opts.stepMs ?? 250, latencyMs: opts.latencyMs ?? 4 };
    const restarts = Number(this.o.store.getMeta('restarts') ?? '-1') + 1;
    this.o.store.setMeta('restarts', String(restarts));
    // A restart continues from the last persisted mids with a fresh stream, so a fresh data dir
    // and a given seed always produce the same market.
    const streamSeed = (this.o.seed + restarts * 7919) >>> 0;
    this.latencyRng = createRng(streamSeed ^ 0x5bd1e995);
    let i = 0;
    for (const inst of this.o.instruments.all()) {
      const params = this.o.models[inst.symbol];
      if (!params) continue;
      const savedMid = this.o.store.getMeta(`mid:${inst.symbol}`);
      const model = new MarketModel(inst, params, createRng((streamSeed + 1013 * ++i) >>> 0), savedMid ? Number(savedMid) : undefined);
      const st: SymbolState = { inst, model, depleted: new Map(), lastTradeUnits: undefined, book: { symbol: inst.symbol, bids: [], asks: [], ts: this.o.clock.now() } };
      this.symbols.set(inst.symbol, st);
      st.book = this.composeBook(st);
    }
    for (const ord of this.o.store.loadOrders()) {
      if (ord.state === 'open' && (ord.type === 'market' || ord.tif === 'ioc')) {
        // The venue died while matching an immediate order: what did not execute then never will.
        ord.state = 'expired';
        this.o.store.saveOrder(ord);
      }
      this.orders.set(ord.clientOrderId, ord);
      if (ord.state === 'open' && ord.type === 'limit') this.resting.set(ord.clientOrderId, ord);
      this.orderSeq = Math.max(this.orderSeq, Number(ord.venueOrderId.slice(1)) || 0);
    }
    for (const f of this.o.store.loadFills()) {
      this.listFills(f.clientOrderId).push(f);
      this.fillSeq = Math.max(this.fillSeq, Number(f.fillId.slice(3)) || 0);
    }
  }

  start(): void {
    if (this.stopTimer) return;
    this.stopTimer = every(this.o.clock, this.o.stepMs, () => this.step());
  }

  /**
   * Generates `durationMs` of market history ending now, instantly, so charts and volatility
   * estimates have data from the first second. Our resting orders take no part in it.
   */
  warmUp(durationMs: number): void {
    const end = this.o.clock.now();
    const steps = Math.floor(durationMs / this.o.stepMs);
    try {
      for (let k = steps; k >= 1; k--) {
        this.warmAt = end - k * this.o.stepMs;
        this.step();
      }
    } finally {
      this.warmAt = undefined;
    }
  }

  private now(): number {
    return this.warmAt ?? this.o.clock.now();
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
    this.persistMids();
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

  submit(req: VenueOrderRequest): void {
    this.deliver(() => this.accept(req));
  }

  cancel(clientOrderId: string): void {
    this.deliver(() => this.doCancel(clientOrderId));
  }

  /**
   * Our messages reach the venue in the order sent, like on one TCP session: each gets a random
   * latency but never arrives before the one sent earlier, and one queue processes them FIFO, so a
   * cancel sent right after its order can never overtake it.
   */
  private deliver(fn: () => void): void {
    const at = Math.max(this.o.clock.now() + this.latency(), this.lastArrival);
    this.lastArrival = at;
    this.inbox.push({ at, fn });
    this.o.clock.schedule(at, () => this.drainInbox());
  }

  private drainInbox(): void {
    const now = this.o.clock.now();
    while (this.inbox.length > 0 && this.inbox[0]!.at <= now) this.inbox.shift()!.fn();
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

  // ---- order handling ----

  private latency(): number {
    if (this.o.latencyMs <= 0) return 0;
    return Math.max(1, Math.round(this.o.latencyMs * this.latencyRng.lognormal(0, 0.35)));
  }

  private emit(e: VenueEvent): void {
    for (const l of this.eventListeners) l(e);
  }

  private emitMarket(e: MarketEvent): void {
    for (const l of this.marketListeners) l(e);
  }

  private reject(req: VenueOrderRequest, code: string, message: string): void {
    this.emit({ type: 'rejected', clientOrderId: req.clientOrderId, code, message, ts: this.o.clock.now() });
  }

  private accept(req: VenueOrderRequest): void {
    const now = this.o.clock.now();
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
    this.o.store.saveOrder(order);
    this.emit({ type: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, ts: now });

    const before = order.filledUnits;
    this.takeLiquidity(st, order);
    if (order.filledUnits !== before) {
      // The book changed now, not at the next market step.
      st.book = this.composeBook(st);
      this.emitMarket({ type: 'book', book: st.book });
    }
    if (order.state !== 'open') return;
    if (order.type === 'market' || order.tif === 'ioc') {
      this.finish(order, 'expired');
      return;
    }
    // Rest. Crowd liquidity already at this price is ahead of us.
    const same = this.crowdSide(st, order.side === 'buy' ? 'bid' : 'ask').find((l) => l.priceUnits === order.priceUnits);
    order.queueAheadUnits = same ? same.qtyUnits : 0n;
    this.o.store.saveOrder(order);
    this.resting.set(order.clientOrderId, order);
    st.book = this.composeBook(st);
    this.emitMarket({ type: 'book', book: st.book });
  }

  private doCancel(clientOrderId: string): void {
    const now = this.o.clock.now();
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
    if (st) {
      st.book = this.composeBook(st);
      this.emitMarket({ type: 'book', book: st.book });
    }
  }

  private finish(o: SimOrder, state: 'cancelled' | 'expired'): void {
    o.state = state;
    this.resting.delete(o.clientOrderId);
    this.o.store.saveOrder(o);
    this.emit({ type: state, clientOrderId: o.clientOrderId, ts: this.o.clock.now() });
  }

  /** Our order takes crowd liquidity up to its limit (if any), level by level. */
  private takeLiquidity(st: SymbolState, order: SimOrder): void {
    const levels = this.crowdSide(st, order.side === 'buy' ? 'ask' : 'bid');
    for (const l of levels) {
      const left = order.qtyUnits - order.filledUnits;
      if (left <= 0n) break;
      if (order.priceUnits !== null && (order.side === 'buy' ? l.priceUnits > order.priceUnits : l.priceUnits < order.priceUnits)) break;
      const take = l.qtyUnits < left ? l.qtyUnits : left;
      if (take <= 0n) continue;
      st.depleted.set(l.priceUnits, (st.depleted.get(l.priceUnits) ?? 0n) + take);
      this.fill(st, order, l.priceUnits, take, 'taker');
      this.print(st, l.priceUnits, take, order.side);
    }
  }

  private fill(st: SymbolState, order: SimOrder, priceUnits: bigint, qtyUnits: bigint, liquidity: 'maker' | 'taker'): void {
    const bps = liquidity === 'maker' ? st.inst.makerFeeBps : st.inst.takerFeeBps;
    const notional = notionalUnits(st.inst, priceUnits, qtyUnits);
    const fee = divRound(notional * BigInt(Math.round(bps * 100)), 1_000_000n);
    order.filledUnits += qtyUnits;
    if (order.filledUnits === order.qtyUnits) {
      order.state = 'filled';
      this.resting.delete(order.clientOrderId);
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
      ts: this.o.clock.now(),
    };
    this.o.store.recordFill(f, order);
    this.listFills(order.clientOrderId).push(f);
    this.emit({ type: 'fill', fill: f });
  }

  private listFills(clientOrderId: string): VenueFill[] {
    let l = this.fillsByOrder.get(clientOrderId);
    if (!l) {
      l = [];
      this.fillsByOrder.set(clientOrderId, l);
    }
    return l;
  }

  private print(st: SymbolState, priceUnits: bigint, qtyUnits: bigint, side: Side): void {
    st.lastTradeUnits = priceUnits;
    const trade: MarketTrade = { symbol: st.inst.symbol, id: `${st.inst.symbol}:${++this.tradeSeq}`, priceUnits, qtyUnits, side, ts: this.now() };
    this.emitMarket({ type: 'trade', trade });
  }

  // ---- market ----

  /** Crowd levels net of what we took, best first. */
  private crowdSide(st: SymbolState, side: 'bid' | 'ask'): SyntheticLevel[] {
    const raw = st.model.levels(side);
    if (st.depleted.size === 0) return raw;
    return raw.map((l) => {
      const d = st.depleted.get(l.priceUnits) ?? 0n;
      return d === 0n ? l : { priceUnits: l.priceUnits, qtyUnits: l.qtyUnits > d ? l.qtyUnits - d : 0n };
    });
  }

  private step(): void {
    const dt = this.o.stepMs;
    for (const st of this.symbols.values()) {
      const crowd = st.model.step(dt);
      this.refill(st, dt);
      if (this.warmAt === undefined) this.crossResting(st);
      for (const t of crowd) this.crowdTrade(st, t.side, t.qtyUnits);
      st.book = this.composeBook(st);
      this.emitMarket({ type: 'book', book: st.book });
    }
    const now = this.now();
    if (this.warmAt === undefined && now - this.lastPersist >= 5_000) {
      this.lastPersist = now;
      this.persistMids();
    }
  }

  private persistMids(): void {
    for (const st of this.symbols.values()) this.o.store.setMeta(`mid:${st.inst.symbol}`, String(st.model.mid));
  }

  private refill(st: SymbolState, dtMs: number): void {
    if (st.depleted.size === 0) return;
    const keep = Math.pow(1 - REFILL_PER_SECOND, dtMs / 1000);
    for (const [p, d] of st.depleted) {
      const next = BigInt(Math.floor(Number(d) * keep));
      if (next <= 0n) st.depleted.delete(p);
      else st.depleted.set(p, next);
    }
  }

  /** When the crowd's book moves through a resting order, the crowd on the other side hits it. */
  private crossResting(st: SymbolState): void {
    for (const o of [...this.resting.values()]) {
      if (o.symbol !== st.inst.symbol || o.state !== 'open' || o.priceUnits === null) continue;
      const limit = o.priceUnits;
      const opposite = this.crowdSide(st, o.side === 'buy' ? 'ask' : 'bid');
      for (const l of opposite) {
        const left = o.qtyUnits - o.filledUnits;
        if (left <= 0n) break;
        const crosses = o.side === 'buy' ? l.priceUnits <= limit : l.priceUnits >= limit;
        if (!crosses) break;
        const take = l.qtyUnits < left ? l.qtyUnits : left;
        if (take <= 0n) continue;
        st.depleted.set(l.priceUnits, (st.depleted.get(l.priceUnits) ?? 0n) + take);
        o.queueAheadUnits = 0n;
        this.fill(st, o, limit, take, 'maker');
        this.print(st, limit, take, o.side === 'buy' ? 'sell' : 'buy');
      }
    }
  }

  /**
   * A crowd market order: it meets our resting orders first where they are better priced than
   * the crowd's best, then walks crowd levels; at a level holding our order, the crowd queue ahead
   * of us fills first.
   */
  private crowdTrade(st: SymbolState, side: Side, qtyUnits: bigint): void {
    let left = qtyUnits;
    const ours = (this.warmAt !== undefined ? [] : [...this.resting.values()])
      .filter((o) => o.symbol === st.inst.symbol && o.state === 'open' && o.side !== side && o.priceUnits !== null)
      .sort((a, b) => (side === 'buy' ? cmp(a.priceUnits!, b.priceUnits!) : cmp(b.priceUnits!, a.priceUnits!)) || a.createdAt - b.createdAt);
    const crowd = this.crowdSide(st, side === 'buy' ? 'ask' : 'bid');
    let oi = 0;
    for (const l of crowd) {
      if (left <= 0n) break;
      // Our orders priced better than this crowd level trade first.
      while (left > 0n && oi < ours.length && better(ours[oi]!.priceUnits!, l.priceUnits, side)) {
        left = this.hitOurs(st, ours[oi]!, left, side);
        oi++;
      }
      if (left <= 0n) break;
      let crowdQty = l.qtyUnits;
      // Our orders at this level: queue ahead first, then us, then the crowd behind us.
      while (left > 0n && oi < ours.length && ours[oi]!.priceUnits === l.priceUnits) {
        const o = ours[oi]!;
        const ahead = o.queueAheadUnits < left ? o.queueAheadUnits : left;
        o.queueAheadUnits -= ahead;
        left -= ahead;
        crowdQty -= ahead < crowdQty ? ahead : crowdQty;
        if (ahead > 0n) this.print(st, l.priceUnits, ahead, side);
        if (left > 0n) left = this.hitOurs(st, o, left, side);
        else this.o.store.saveOrder(o);
        oi++;
      }
      const take = crowdQty < left ? crowdQty : left;
      if (take > 0n) {
        left -= take;
        this.print(st, l.priceUnits, take, side);
      }
    }
  }

  private hitOurs(st: SymbolState, o: SimOrder, left: bigint, aggressor: Side): bigint {
    const rem = o.qtyUnits - o.filledUnits;
    const take = rem < left ? rem : left;
    if (take <= 0n) return left;
    this.fill(st, o, o.priceUnits!, take, 'maker');
    this.print(st, o.priceUnits!, take, aggressor);
    return left - take;
  }

  /** The public book: crowd levels plus our resting orders at their prices. */
  private composeBook(st: SymbolState): MarketBook {
    const side = (s: 'bid' | 'ask'): BookLevel[] => {
      const map = new Map<bigint, bigint>();
      for (const l of this.crowdSide(st, s)) if (l.qtyUnits > 0n) map.set(l.priceUnits, l.qtyUnits);
      for (const o of this.resting.values()) {
        if (o.symbol !== st.inst.symbol || o.priceUnits === null || (s === 'bid') !== (o.side === 'buy')) continue;
        map.set(o.priceUnits, (map.get(o.priceUnits) ?? 0n) + (o.qtyUnits - o.filledUnits));
      }
      const levels = [...map.entries()].map(([priceUnits, qtyUnits]) => ({ priceUnits, qtyUnits }));
      levels.sort((a, b) => (s === 'bid' ? cmp(b.priceUnits, a.priceUnits) : cmp(a.priceUnits, b.priceUnits)));
      return levels.slice(0, 20);
    };
    return { symbol: st.inst.symbol, bids: side('bid'), asks: side('ask'), ts: this.now() };
  }
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Is a resting price better for an aggressor on `side` than a crowd level price? */
function better(ourPrice: bigint, crowdPrice: bigint, aggressor: Side): boolean {
  return aggressor === 'buy' ? ourPrice < crowdPrice : ourPrice > crowdPrice;
}
