import type { Order, Trade } from 'ccxt';
import type { Liquidity, Side } from '../../contract/dto.ts';
import { CASH_DECIMALS } from '../../core/instrument.ts';
import type { Instrument } from '../../core/instrument.ts';
import type { VenueEvent, VenueFill, VenueOrderState } from '../../core/ports.ts';
import { divRound, pow10, toUnits } from '../../core/precision.ts';
import { venueUnits } from './markets.ts';

/** What the venue knows about one order we sent (or adopted), and what we already reported of it. */
export interface TrackedOrder {
  clientOrderId: string;
  symbol: string;
  side: Side;
  qtyUnits: bigint;
  venueOrderId: string | undefined;
  /** 'sending' until the create answered; 'unresolved' when it failed in a way that may have made it. */
  phase: 'sending' | 'unresolved' | 'open' | 'done';
  accepted: boolean;
  fillIds: Set<string>;
  /** Sum of the fills reported. */
  filledUnits: bigint;
  sentAt: number;
  /** Consecutive "not found" answers (an order is declared lost only after several). */
  notFound: number;
}

/** ccxt's unified status → the port's state. A partial fill stays 'open' (ccxt says 'open' too). */
export function stateOf(order: Pick<Order, 'status'>): VenueOrderState {
  switch (order.status) {
    case 'closed':
      return 'filled';
    case 'canceled':
      return 'cancelled';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
    default:
      return 'open';
  }
}

/**
 * Turns ccxt orders and trades into the port's events, each fact once: 'accepted' once, every
 * exchange trade once (by trade id), and a terminal event only after every fill the venue reports
 * for the order has been emitted, so the OMS never sees a fill after the order closed.
 */
export class OrderTracker {
  private readonly byClientId = new Map<string, TrackedOrder>();
  private readonly byVenueId = new Map<string, TrackedOrder>();
  private readonly venueName: string;
  private readonly instrument: (symbol: string) => Instrument | undefined;
  private readonly emit: (e: VenueEvent) => void;
  private readonly now: () => number;
  private readonly priceInQuote: (asset: string, quote: string) => bigint | undefined;
  private readonly warn: (msg: string) => void;

  constructor(opts: {
    venueName: string;
    instrument: (symbol: string) => Instrument | undefined;
    emit: (e: VenueEvent) => void;
    now: () => number;
    /** Price of one unit of `asset` in `quote`, in cash units, for fees paid in a third asset. */
    priceInQuote?: (asset: string, quote: string) => bigint | undefined;
    warn?: (msg: string) => void;
  }) {
    this.venueName = opts.venueName;
    this.instrument = opts.instrument;
    this.emit = opts.emit;
    this.now = opts.now;
    this.priceInQuote = opts.priceInQuote ?? (() => undefined);
    this.warn = opts.warn ?? (() => undefined);
  }

  track(o: { clientOrderId: string; symbol: string; side: Side; qtyUnits: bigint; venueOrderId?: string }, phase: TrackedOrder['phase']): TrackedOrder {
    const existing = this.byClientId.get(o.clientOrderId);
    if (existing) return existing;
    const t: TrackedOrder = { ...o, venueOrderId: o.venueOrderId, phase, accepted: false, fillIds: new Set(), filledUnits: 0n, sentAt: this.now(), notFound: 0 };
    this.byClientId.set(t.clientOrderId, t);
    if (t.venueOrderId) this.byVenueId.set(t.venueOrderId, t);
    return t;
  }

  get(clientOrderId: string): TrackedOrder | undefined {
    return this.byClientId.get(clientOrderId);
  }

  byVenueOrderId(id: string): TrackedOrder | undefined {
    return this.byVenueId.get(id);
  }

  /** Orders still worth polling. */
  live(): TrackedOrder[] {
    return [...this.byClientId.values()].filter((t) => t.phase === 'open' || t.phase === 'unresolved');
  }

  forget(t: TrackedOrder): void {
    t.phase = 'done';
  }

  /** The fill id of an exchange trade: exchange trade ids are unique per symbol. */
  fillId(symbol: string, tradeId: string): string {
    return `${this.venueName}:${symbol}:${tradeId}`;
  }

  /** Records what a fresh order snapshot says: its venue id ('accepted' once) and the trades it carries. */
  absorbOrder(t: TrackedOrder, order: Order): void {
    if (order.id && !t.accepted) {
      t.accepted = true;
      t.venueOrderId = order.id;
      this.byVenueId.set(order.id, t);
      if (t.phase === 'sending' || t.phase === 'unresolved') t.phase = 'open';
      this.emit({ type: 'accepted', clientOrderId: t.clientOrderId, venueOrderId: order.id, ts: order.timestamp ?? this.now() });
    }
    this.absorbTrades(t, order.trades ?? [], order);
  }

  /** Emits the trades not reported yet, in time order. */
  absorbTrades(t: TrackedOrder, trades: readonly Trade[], order?: Order): void {
    const inst = this.instrument(t.symbol);
    if (!inst) return;
    const sorted = [...trades].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    for (const tr of sorted) {
      const f = this.toFill(t, tr, inst, order);
      if (!f || t.fillIds.has(f.fillId)) continue;
      if (t.filledUnits + f.qtyUnits > t.qtyUnits) {
        this.warn(`trade ${f.fillId} would overfill ${t.clientOrderId} (${t.filledUnits}+${f.qtyUnits} > ${t.qtyUnits}); not applied`);
        continue;
      }
      t.fillIds.add(f.fillId);
      t.filledUnits += f.qtyUnits;
      this.emit({ type: 'fill', fill: f });
    }
  }

  /** Venue-reported filled quantity of an order snapshot, in units. */
  venueFilled(t: TrackedOrder, order: Pick<Order, 'filled'>): bigint {
    const inst = this.instrument(t.symbol);
    return inst ? venueUnits(order.filled ?? 0, inst.qtyDecimals) : 0n;
  }

  /**
   * Emits the order's end once every fill the venue reports is out. Returns false while fills are
   * missing (the caller fetches the order's trades and settles again).
   */
  settle(t: TrackedOrder, order: Order): boolean {
    const state = stateOf(order);
    if (t.filledUnits < this.venueFilled(t, order)) return false;
    if (state === 'open') return true;
    if (t.phase === 'done') return true;
    t.phase = 'done';
    const ts = order.lastUpdateTimestamp ?? order.lastTradeTimestamp ?? this.now();
    if (state === 'cancelled' || state === 'expired') this.emit({ type: state, clientOrderId: t.clientOrderId, ts });
    else if (state === 'rejected') {
      const raw = (order.info as Record<string, unknown> | undefined)?.['status'];
      this.emit({ type: 'rejected', clientOrderId: t.clientOrderId, code: 'VENUE_REJECTED', message: `the venue reports the order ${String(raw ?? 'rejected')}`, ts });
    }
    return true;
  }

  toFill(t: Pick<TrackedOrder, 'clientOrderId' | 'symbol' | 'side' | 'venueOrderId'>, tr: Trade, inst: Instrument, order?: Order): VenueFill | undefined {
    if (tr.id === undefined || tr.price === undefined || tr.amount === undefined) return undefined;
    const priceUnits = venueUnits(tr.price, inst.priceDecimals);
    const qtyUnits = venueUnits(tr.amount, inst.qtyDecimals);
    if (qtyUnits <= 0n) return undefined;
    // The create response's fills carry no maker flag: what matched on arrival took liquidity.
    const liquidity: Liquidity = tr.takerOrMaker === 'maker' ? 'maker' : 'taker';
    return {
      fillId: this.fillId(t.symbol, String(tr.id)),
      clientOrderId: t.clientOrderId,
      venueOrderId: tr.order ?? t.venueOrderId ?? order?.id ?? '',
      symbol: t.symbol,
      side: t.side,
      priceUnits,
      qtyUnits,
      feeUnits: this.feeUnits(tr, inst, priceUnits),
      liquidity,
      ts: tr.timestamp ?? order?.lastTradeTimestamp ?? order?.timestamp ?? this.now(),
    };
  }

  /**
   * A trade's fee in cash units (10^-8 of the quote). Exchanges charge in the quote, in the base
   * (Binance on buys) or in a third asset (BNB); base fees are valued at the trade's price, a third
   * asset at its last known price, and an unknown one is reported rather than guessed.
   */
  feeUnits(tr: Trade, inst: Instrument, priceUnits: bigint): bigint {
    const fee = tr.fee;
    if (!fee || fee.cost === undefined || fee.cost === 0) return 0n;
    const cost = toUnits(String(fee.cost), 18);
    const toCash = (amount18: bigint, price: bigint, priceScale: number) => divRound(amount18 * price * pow10(CASH_DECIMALS), pow10(18 + priceScale));
    if (fee.currency === undefined || fee.currency === inst.quote) return divRound(cost, pow10(18 - CASH_DECIMALS));
    if (fee.currency === inst.base) return toCash(cost, priceUnits, inst.priceDecimals);
    const px = this.priceInQuote(fee.currency, inst.quote);
    if (px !== undefined) return toCash(cost, px, CASH_DECIMALS);
    this.warn(`fee of trade ${String(tr.id)} is in ${fee.currency}, which has no known ${inst.quote} price: recorded as 0`);
    return 0n;
  }
}
