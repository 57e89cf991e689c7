import type { OrderType, Side, TimeInForce } from '../../contract/dto.ts';
import { SimClock } from '../../core/clock.ts';
import { InstrumentRegistry, notionalUnits } from '../../core/instrument.ts';
import type { Instrument, InstrumentSpec } from '../../core/instrument.ts';
import type { MarketEvent, VenueEvent } from '../../core/ports.ts';
import { isMultipleOf, toUnits } from '../../core/precision.ts';
import type { MarketModelParams } from '../sim/market-model.ts';
import { SimVenue } from '../sim/sim-venue.ts';
import { LoopbackAccounts } from './accounts.ts';
import type { LoopbackOrder, LoopbackTrade } from './accounts.ts';
import { controlledSources } from './controlled-source.ts';
import type { ControlledSource } from './controlled-source.ts';
import { MemorySimVenueStore } from '../../store/memory/venue-store.ts';

/** An error in Binance's shape: HTTP status, code and message. */
export interface ApiError {
  status: number;
  code: number;
  msg: string;
}

export interface PlaceParams {
  symbol: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  quantity: string;
  price: string | undefined;
  clientOrderId: string;
}

export interface PublicTrade {
  id: number;
  priceUnits: bigint;
  qtyUnits: bigint;
  buyerMaker: boolean;
  time: number;
}

export interface EngineOptions {
  instruments: readonly InstrumentSpec[];
  models: Record<string, MarketModelParams>;
  seed: number;
  stepMs?: number;
}

const err = (status: number, code: number, msg: string): ApiError => ({ status, code, msg });

/**
 * The loopback exchange's matching and books: the simulated venue (SimVenue over an in-memory
 * store, on a SimClock the exchange drives to wall time) does the matching; this keeps what a
 * Binance account sees of it: orders with ids and statuses, trades with commissions, balances,
 * and the public trade tape. Orders from every account meet the simulated crowd, never each other
 * (SimVenue's self-trade prevention treats them all as one participant).
 */
export class LoopbackEngine {
  readonly clock: SimClock;
  readonly registry: InstrumentRegistry;
  readonly accounts = new LoopbackAccounts();
  private readonly store = new MemorySimVenueStore();
  private readonly sources = new Map<string, ControlledSource>();
  private readonly opts: EngineOptions;
  private sim!: SimVenue;
  private readonly bySimId = new Map<string, LoopbackOrder>();
  private readonly byOrderId = new Map<number, LoopbackOrder>();
  private readonly clientIds = new Map<string, Set<string>>();
  private readonly tape = new Map<string, PublicTrade[]>();
  private tradeSeq = 0;
  private accountSeq = 0;
  private readonly accountTag = new Map<string, string>();

  constructor(opts: EngineOptions) {
    this.opts = opts;
    this.clock = new SimClock(Date.now());
    this.registry = new InstrumentRegistry(opts.instruments);
    this.buildMatching();
  }

  /** Brings market time up to wall time (every request and a timer call it). */
  sync(): void {
    const now = Date.now();
    if (now > this.clock.now()) this.clock.advanceTo(now);
  }

  warmUp(ms: number): void {
    this.sim.warmUp(ms);
  }

  start(): void {
    this.sim.start();
  }

  /** The matching engine goes down and comes back from its store: resting orders and fills survive. */
  restartMatching(): void {
    this.sim.stop();
    this.buildMatching();
    this.sim.start();
  }

  stop(): void {
    this.sim.stop();
  }

  instrument(symbol: string): Instrument | undefined {
    return this.registry.get(symbol);
  }

  /** Binance's symbol id (BTCUSDT) → our symbol. */
  symbolOf(id: string | null | undefined): string | undefined {
    if (!id) return undefined;
    return this.registry.all().find((i) => i.base + i.quote === id)?.symbol;
  }

  book(symbol: string) {
    this.sync();
    return this.sim.book(symbol);
  }

  publicTrades(symbol: string): PublicTrade[] {
    this.sync();
    return this.tape.get(symbol) ?? [];
  }

  openAccount(apiKey: string, balances: Record<string, string>): void {
    this.accounts.open(apiKey, balances);
    this.accountTag.set(apiKey, `A${++this.accountSeq}`);
  }

  /** A crowd trade injected now (a test's "someone sold 0.3 at 64000"): it meets resting orders at the next step. */
  crowdTrade(symbol: string, side: Side, qty: string, price: string): void {
    const inst = this.registry.get(symbol);
    const src = this.sources.get(symbol);
    if (!inst || !src) throw new Error(`no market ${symbol}`);
    src.inject({ side, qtyUnits: toUnits(qty, inst.qtyDecimals), priceUnits: toUnits(price, inst.priceDecimals) });
    this.sync();
    // Run timers until the market has stepped (and consumed the trade), a step at most ahead of wall time.
    const until = this.clock.now() + (this.opts.stepMs ?? 250);
    for (let next = this.clock.nextAt(); next !== undefined && next <= until; next = this.clock.nextAt()) this.clock.advanceTo(next);
  }

  place(account: string, p: PlaceParams): { order: LoopbackOrder; fills: LoopbackTrade[] } | ApiError {
    this.sync();
    const inst = this.registry.get(p.symbol);
    if (!inst) return err(400, -1121, 'Invalid symbol.');
    let qty: bigint;
    let price: bigint | null = null;
    try {
      qty = toUnits(p.quantity, inst.qtyDecimals);
    } catch {
      return err(400, -1111, "Parameter 'quantity' has too much precision.");
    }
    if (p.type === 'limit') {
      if (p.price === undefined) return err(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
      try {
        price = toUnits(p.price, inst.priceDecimals);
      } catch {
        return err(400, -1111, "Parameter 'price' has too much precision.");
      }
      if (price <= 0n || !isMultipleOf(price, inst.tickUnits)) return err(400, -1013, 'Filter failure: PRICE_FILTER');
    }
    if (qty <= 0n || !isMultipleOf(qty, inst.lotUnits)) return err(400, -1013, 'Filter failure: LOT_SIZE');
    const book = this.sim.book(p.symbol);
    const touch = p.side === 'buy' ? book?.asks[0]?.priceUnits : book?.bids[0]?.priceUnits;
    const refPrice = price ?? touch;
    if (refPrice === undefined) return err(400, -2010, 'Market is closed.');
    if (notionalUnits(inst, refPrice, qty) < inst.minNotionalUnits) return err(400, -1013, 'Filter failure: NOTIONAL');
    const seen = this.clientIds.get(account) ?? new Set<string>();
    this.clientIds.set(account, seen);
    if (seen.has(p.clientOrderId)) return err(400, -2010, 'Duplicate order sent.');
    const now = this.clock.now();
    const o: LoopbackOrder = {
      account,
      clientOrderId: p.clientOrderId,
      simId: `${this.accountTag.get(account) ?? account}~${p.clientOrderId}`,
      orderId: 0,
      symbol: p.symbol,
      side: p.side,
      type: p.type,
      tif: p.tif,
      qtyUnits: qty,
      priceUnits: price,
      executedUnits: 0n,
      cumQuoteUnits: 0n,
      status: 'NEW',
      time: now,
      updateTime: now,
      trades: [],
      lockedUnits: 0n,
    };
    if (!this.accounts.lock(o, inst, touch)) return err(400, -2010, 'Account has insufficient balance for requested action.');
    seen.add(p.clientOrderId);
    this.bySimId.set(o.simId, o);
    this.sim.submit({ clientOrderId: o.simId, symbol: p.symbol, side: p.side, type: p.type, tif: p.tif, qtyUnits: qty, priceUnits: price });
    // Latency 0: the submit is due now; running the clock matches it synchronously.
    this.clock.advanceTo(this.clock.now());
    if (o.status === 'REJECTED') return err(400, -2010, 'Order was rejected by the matching engine.');
    return { order: o, fills: [...o.trades] };
  }

  find(account: string, symbol: string, ref: { orderId?: number; clientOrderId?: string }): LoopbackOrder | undefined {
    this.sync();
    let o: LoopbackOrder | undefined;
    if (ref.orderId !== undefined) o = this.byOrderId.get(ref.orderId);
    else if (ref.clientOrderId !== undefined) o = this.bySimId.get(`${this.accountTag.get(account) ?? account}~${ref.clientOrderId}`);
    return o && o.account === account && o.symbol === symbol && o.orderId > 0 ? o : undefined;
  }

  cancel(account: string, symbol: string, ref: { orderId?: number; clientOrderId?: string }): LoopbackOrder | ApiError {
    const o = this.find(account, symbol, ref);
    if (!o || (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED')) return err(400, -2011, 'Unknown order sent.');
    this.sim.cancel(o.simId);
    this.clock.advanceTo(this.clock.now());
    return o;
  }

  openOrders(account: string, symbol?: string): LoopbackOrder[] {
    this.sync();
    return [...this.byOrderId.values()].filter((o) => o.account === account && (symbol === undefined || o.symbol === symbol) && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'));
  }

  myTrades(account: string, symbol: string, f: { orderId?: number; fromId?: number; startTime?: number; endTime?: number; limit: number }): LoopbackTrade[] {
    this.sync();
    const out: LoopbackTrade[] = [];
    for (const o of this.byOrderId.values()) {
      if (o.account !== account || o.symbol !== symbol || (f.orderId !== undefined && o.orderId !== f.orderId)) continue;
      for (const t of o.trades) {
        if (f.fromId !== undefined && t.id < f.fromId) continue;
        if (f.startTime !== undefined && t.time < f.startTime) continue;
        if (f.endTime !== undefined && t.time > f.endTime) continue;
        out.push(t);
      }
    }
    out.sort((a, b) => a.id - b.id);
    return f.fromId !== undefined ? out.slice(0, f.limit) : out.slice(-f.limit);
  }

  orders(): LoopbackOrder[] {
    return [...this.byOrderId.values()];
  }

  private buildMatching(): void {
    const factories = controlledSources(this.opts.models, this.sources);
    this.sim = new SimVenue({
      clock: this.clock,
      instruments: this.registry,
      sources: factories,
      store: this.store,
      seed: this.opts.seed,
      stepMs: this.opts.stepMs ?? 250,
      latencyMs: 0,
    });
    this.sim.onEvent((e) => this.onVenueEvent(e));
    this.sim.onMarket((e) => this.onMarketEvent(e));
  }

  private onVenueEvent(e: VenueEvent): void {
    const simId = e.type === 'fill' ? e.fill.clientOrderId : e.clientOrderId;
    const o = this.bySimId.get(simId);
    if (!o) return;
    const inst = this.registry.get(o.symbol)!;
    o.updateTime = this.clock.now();
    switch (e.type) {
      case 'accepted':
        o.orderId = Number(e.venueOrderId.slice(1));
        this.byOrderId.set(o.orderId, o);
        break;
      case 'rejected':
        o.status = 'REJECTED';
        this.accounts.release(o, inst);
        break;
      case 'fill': {
        const f = e.fill;
        o.executedUnits += f.qtyUnits;
        o.cumQuoteUnits += notionalUnits(inst, f.priceUnits, f.qtyUnits);
        o.status = o.executedUnits === o.qtyUnits ? 'FILLED' : 'PARTIALLY_FILLED';
        o.trades.push({ id: Number(f.fillId.slice(3)), orderId: o.orderId, symbol: o.symbol, side: o.side, priceUnits: f.priceUnits, qtyUnits: f.qtyUnits, commissionUnits: f.feeUnits, maker: f.liquidity === 'maker', time: f.ts });
        this.accounts.fill(o, inst, f);
        if (o.status === 'FILLED') this.accounts.release(o, inst);
        break;
      }
      case 'cancelled':
      case 'expired':
        o.status = e.type === 'cancelled' ? 'CANCELED' : 'EXPIRED';
        this.accounts.release(o, inst);
        break;
      case 'cancelRejected':
        break;
    }
  }

  private onMarketEvent(e: MarketEvent): void {
    if (e.type !== 'trade') return;
    const t = e.trade;
    let list = this.tape.get(t.symbol);
    if (!list) {
      list = [];
      this.tape.set(t.symbol, list);
    }
    list.push({ id: ++this.tradeSeq, priceUnits: t.priceUnits, qtyUnits: t.qtyUnits, buyerMaker: t.side === 'sell', time: t.ts });
    if (list.length > 20_000) list.splice(0, 10_000);
  }
}
