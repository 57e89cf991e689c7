import type { AlgoKind, OrderType, Side, TimeInForce, Urgency } from '../contract/dto.ts';
import type { OrderSourceDto as OrderSource } from '../contract/risk-dto.ts';
import { DomainError } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import { notionalUnits } from '../core/instrument.ts';
import type { InstrumentRegistry } from '../core/instrument.ts';
import type { Ledger, PositionState } from '../core/ledger.ts';
import { applyFillToOrder, isOpen, remainingUnits, transition } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import type { FillRecord, JournalPort, PreTradeCheck, VenueEvent, VenueFill, VenueOrderStatus, VenuePort } from '../core/ports.ts';
import { divRound } from '../core/precision.ts';
import { parseAmounts } from './amounts.ts';
import type { ParsedAmounts } from './amounts.ts';
/** A cancel asked for again after this long (engine time) is sent again. */
export const CANCEL_RESEND_MS = 2_000;

export interface PlaceRequest {
  symbol: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  qty: number | string;
  price?: number | string | undefined;
  source: OrderSource;
  urgency?: Urgency;
  /** Price the trader saw when deciding (TCA's decision price), and when. */
  decisionPriceUnits?: bigint | null;
  decisionTs?: number | null;
  /** Quantity and price already parsed (by the intake); without it the OMS parses qty and price. */
  amounts?: ParsedAmounts;
  /** A signal order approved by the operator: who approved it, and the proposal it came from. */
  approvedBy?: string | null;
  proposalId?: string | null;
  /** The operator confirmed soft limit breaches (the intake allows it for manual orders only). */
  riskConfirmed?: boolean;
}

/** Soft limit breaches the operator may still confirm: nothing was journaled. */
export interface HeldOrder {
  code: string;
  message: string;
  breaches: readonly { code: string; message: string }[];
}

/** What a top-level submission came to: an order (working, or DENIED and journaled), or held for confirmation. */
export type SubmitOutcome = { order: Order } | { held: HeldOrder };

/** A parent order: worked by an algorithm through children, never sent to a venue itself. */
export interface ParentRequest extends Omit<PlaceRequest, 'type' | 'tif'> {
  algo: AlgoKind;
  /** Serialised AlgoParams. */
  algoParams: string;
}

export interface ChildRequest {
  qtyUnits: bigint;
  type: OrderType;
  priceUnits: bigint | null;
  tif: TimeInForce;
}

/** What the OMS tells the rest of the engine, after state is durable. */
export interface OmsListener {
  orderUpdated(order: Order): void;
  orderDenied(order: Order): void;
  fillApplied(fill: FillRecord, order: Order, position: PositionState): void;
  /** Something the venue sent that does not fit our records (unknown order, overfill). */
  anomaly(message: string): void;
}

export interface OmsDeps {
  /** Mid price now, recorded on fills and as a parent's arrival price. */
  midOf?: (symbol: string) => bigint | undefined;
  clock: Clock;
  journal: JournalPort;
  venue: VenuePort;
  instruments: InstrumentRegistry;
  ledger: Ledger;
  check: PreTradeCheck;
  listener: OmsListener;
  /** Prefix of client order ids; unique per database so two installs never collide at a venue. */
  idPrefix: string;
}

/**
 * The order management system: owns every order's state machine, journals intent before the venue
 * sees it, applies fills exactly once, and reconciles with the venue after a restart.
 */
export class Oms {
  private readonly orders = new Map<string, Order>();
  private readonly open = new Map<string, Order>();
  private readonly fillIds = new Set<string>();
  private readonly childrenOf = new Map<string, string[]>();
  private readonly fillsByOrder = new Map<string, FillRecord[]>();
  private readonly fillLog: FillRecord[] = [];
  /** Open orders per symbol, in the order they opened: L1 reads one symbol's book after a change. */
  private readonly openBySymbol = new Map<string, Map<string, Order>>();
  /** Working children per parent: algorithms ask for them on every decision. */
  private readonly openChildrenOf = new Map<string, Set<string>>();
  /** Price each working buy reserves cash at (limit price, or the gate's estimate for market orders). */
  private readonly reservePrice = new Map<string, bigint>();
  /** When the last cancel of each open order went to the venue (not persisted: a restart re-sends). */
  private readonly cancelSentAt = new Map<string, number>();
  private readonly deps: OmsDeps;
  private offVenue: (() => void) | undefined;

  constructor(deps: OmsDeps) {
    this.deps = deps;
  }

  attach(): void {
    this.offVenue = this.deps.venue.onEvent((e) => this.onVenueEvent(e));
  }

  detach(): void {
    this.offVenue?.();
  }

  get(id: string): Order | undefined {
    return this.orders.get(id);
  }

  list(scope: 'open' | 'all', limit: number, includeChildren = false): Order[] {
    const src = scope === 'open' ? this.open : this.orders;
    const all = [...src.values()].filter((o) => includeChildren || o.parentId === null).sort((a, b) => b.seq - a.seq);
    return all.slice(0, limit);
  }

  openOrders(): Order[] {
    return [...this.open.values()];
  }

  /** openOrders() of one symbol, in the same order. */
  openOrdersOf(symbol: string): Order[] {
    const m = this.openBySymbol.get(symbol);
    return m ? [...m.values()] : [];
  }

  /**
   * Remaining quantity of working orders on one side of an instrument, counting a working algo by
   * its parent's whole remainder (its children are part of it, not in addition to it). A child
   * being checked may use its own parent's share: pass that parent as `except`.
   */
  workingUnits(symbol: string, side: Side, except?: string | null): bigint {
    let sum = 0n;
    for (const o of this.open.values()) {
      if (o.parentId !== null || o.id === except) continue;
      if (o.symbol === symbol && o.side === side) sum += remainingUnits(o);
    }
    return sum;
  }

  /** Cash held back for working buys (direct orders and algo parents): remaining qty at the reserve price plus the taker fee. */
  reservedCashUnits(except?: string | null): bigint {
    let sum = 0n;
    for (const o of this.open.values()) {
      if (o.side !== 'buy' || o.parentId !== null || o.id === except) continue;
      const inst = this.deps.instruments.get(o.symbol);
      const px = this.reservePrice.get(o.id) ?? o.priceUnits;
      if (!inst || px === undefined || px === null) continue;
      const n = notionalUnits(inst, px, remainingUnits(o));
      sum += n + divRound(n * BigInt(Math.round(inst.takerFeeBps * 100)), 1_000_000n);
    }
    return sum;
  }

  /** Fills of one order, in arrival order. */
  fillsOf(orderId: string): FillRecord[] {
    return this.fillsByOrder.get(orderId) ?? [];
  }

  /** Every fill in arrival order (journal order after a restart). */
  fills(): readonly FillRecord[] {
    return this.fillLog;
  }

  private rememberFill(f: FillRecord): void {
    this.fillLog.push(f);
    let l = this.fillsByOrder.get(f.orderId);
    if (!l) {
      l = [];
      this.fillsByOrder.set(f.orderId, l);
    }
    l.push(f);
  }

  /** Working (open) children of a parent, oldest first; O(working), not O(all children). */
  openChildren(parentId: string): Order[] {
    const ids = this.openChildrenOf.get(parentId);
    if (!ids) return [];
    const out: Order[] = [];
    for (const id of ids) {
      const o = this.open.get(id);
      if (o) out.push(o);
    }
    return out;
  }

  private trackOpen(o: Order): void {
    this.open.set(o.id, o);
    let bySymbol = this.openBySymbol.get(o.symbol);
    if (!bySymbol) {
      bySymbol = new Map();
      this.openBySymbol.set(o.symbol, bySymbol);
    }
    bySymbol.set(o.id, o);
    if (o.parentId === null) return;
    let set = this.openChildrenOf.get(o.parentId);
    if (!set) {
      set = new Set();
      this.openChildrenOf.set(o.parentId, set);
    }
    set.add(o.id);
  }

  /** Children of a parent, oldest first. */
  children(parentId: string): Order[] {
    return (this.childrenOf.get(parentId) ?? []).map((id) => this.orders.get(id)!).filter((o) => o !== undefined);
  }

  /** A direct order: drafted, checked (structure, L1), journaled, sent; or denied or held as data. */
  submit(req: PlaceRequest): SubmitOutcome {
    const d = this.draft(req, req.type, req.tif, null);
    if ('denied' in d) return { order: d.denied };
    if ('held' in d) return d;
    return { order: this.admit(d.order, true) };
  }

  /** submit() for a caller whose check never holds (tools, tests): a held order is a programming error there. */
  place(req: PlaceRequest): Order {
    return orderOf(this.submit(req));
  }

  placeParent(req: ParentRequest): Order {
    return orderOf(this.submitParent(req));
  }

  /** Creates a parent order (checked by L1 as a whole, journaled, never sent). */
  submitParent(req: ParentRequest): SubmitOutcome {
    const d = this.draft(req, req.price === undefined ? 'market' : 'limit', 'gtc', null);
    if ('denied' in d) return { order: d.denied };
    if ('held' in d) return d;
    const parent = d.order;
    parent.algo = req.algo;
    parent.algoParams = req.algoParams;
    parent.algoState = '{}';
    parent.arrivalTs = this.deps.clock.now();
    parent.arrivalPriceUnits = this.deps.midOf?.(parent.symbol) ?? null;
    return { order: this.admit(parent, false) };
  }

  /** Places a child of a working parent: id {parentId}-C{n}, checked by L1, journaled, sent. */
  placeChild(parent: Order, spec: ChildRequest): Order {
    const n = (this.childrenOf.get(parent.id)?.length ?? 0) + 1;
    const now = this.deps.clock.now();
    const child: Order = {
      ...this.blank(parent.symbol, parent.side, spec.type, spec.tif, parent.source, now),
      id: `${parent.id}-C${n}`,
      seq: this.deps.journal.nextOrderSeq(),
      qtyUnits: spec.qtyUnits,
      priceUnits: spec.priceUnits,
      requestedQty: spec.qtyUnits.toString(),
      requestedPrice: spec.priceUnits === null ? null : spec.priceUnits.toString(),
      parentId: parent.id,
      urgency: parent.urgency,
      // A child is part of its parent's order: same origin, approval and confirmation.
      approvedBy: parent.approvedBy,
      proposalId: parent.proposalId,
      riskConfirmed: parent.riskConfirmed,
    };
    this.linkChild(child);
    const decision = this.deps.check(child);
    if (!decision.ok) return this.deny(child, decision.code, decision.message);
    return this.admit(child, true, decision.reservePriceUnits);
  }

  private linkChild(child: Order): void {
    if (child.parentId === null) return;
    let list = this.childrenOf.get(child.parentId);
    if (!list) {
      list = [];
      this.childrenOf.set(child.parentId, list);
    }
    if (!list.includes(child.id)) list.push(child.id);
  }

  private blank(symbol: string, side: Side, type: OrderType, tif: TimeInForce, source: OrderSource, now: number): Order {
    return {
      id: '',
      seq: 0,
      venueOrderId: null,
      symbol,
      side,
      type,
      tif,
      qtyUnits: 0n,
      priceUnits: null,
      requestedQty: '',
      requestedPrice: null,
      filledUnits: 0n,
      filledNotionalUnits: 0n,
      feeUnits: 0n,
      status: 'NEW',
      reason: null,
      cancelRequested: false,
      source,
      createdAt: now,
      updatedAt: now,
      parentId: null,
      urgency: 'immediate',
      algo: null,
      algoParams: null,
      algoState: null,
      paused: false,
      decisionPriceUnits: null,
      decisionTs: null,
      arrivalPriceUnits: null,
      arrivalTs: null,
      approvedBy: null,
      proposalId: null,
      riskConfirmed: false,
      trigger: null,
      ocoGroup: null,
      replacesId: null,
      rootId: null,
    };
  }

  /** Builds and validates a new top-level order; a precision or L1 failure comes back denied, soft breaches to confirm held. */
  private draft(req: Omit<PlaceRequest, 'type' | 'tif'>, type: OrderType, tif: TimeInForce, parentId: string | null): { order: Order } | { denied: Order } | { held: HeldOrder } {
    const inst = this.deps.instruments.get(req.symbol);
    if (!inst) throw new DomainError('UNKNOWN_SYMBOL', `unknown symbol "${req.symbol}"`);
    const now = this.deps.clock.now();
    const seq = this.deps.journal.nextOrderSeq();
    const order: Order = {
      ...this.blank(inst.symbol, req.side, type, tif, req.source, now),
      id: `${this.deps.idPrefix}-${String(seq).padStart(6, '0')}`,
      seq,
      requestedQty: String(req.qty),
      requestedPrice: req.price === undefined ? null : String(req.price),
      parentId,
      urgency: req.urgency ?? 'immediate',
      decisionPriceUnits: req.decisionPriceUnits ?? null,
      decisionTs: req.decisionTs ?? null,
      approvedBy: req.approvedBy ?? null,
      proposalId: req.proposalId ?? null,
      riskConfirmed: req.riskConfirmed ?? false,
    };
    const amounts = req.amounts ?? parseAmounts(inst, req.qty, req.price);
    if (!amounts.ok) {
      order.qtyUnits = amounts.qtyUnits;
      return { denied: this.deny(order, amounts.code, amounts.message) };
    }
    order.qtyUnits = amounts.qtyUnits;
    order.priceUnits = amounts.priceUnits;
    const decision = this.deps.check(order);
    if (!decision.ok && decision.held) return { held: { code: decision.code, message: decision.message, breaches: decision.held } };
    if (!decision.ok) return { denied: this.deny(order, decision.code, decision.message) };
    if (order.side === 'buy') this.reservePrice.set(order.id, decision.reservePriceUnits);
    if (order.decisionPriceUnits === null) {
      order.decisionPriceUnits = this.deps.midOf?.(order.symbol) ?? null;
      order.decisionTs = now;
    }
    return { order };
  }

  /** Journal before send, then (for venue orders) submit. */
  private admit(order: Order, send: boolean, reserve?: bigint): Order {
    this.deps.journal.insertOrder(order, 'created');
    this.orders.set(order.id, order);
    this.trackOpen(order);
    if (reserve !== undefined && order.side === 'buy') this.reservePrice.set(order.id, reserve);
    this.deps.listener.orderUpdated(order);
    if (!send) return order;
    try {
      this.deps.venue.submit({
        clientOrderId: order.id,
        symbol: order.symbol,
        side: order.side,
        type: order.type,
        tif: order.tif,
        qtyUnits: order.qtyUnits,
        priceUnits: order.priceUnits,
      });
    } catch (err) {
      this.finish(order, 'REJECTED', 'rejected', { code: 'VENUE_REJECTED', message: err instanceof Error ? err.message : String(err) });
    }
    return order;
  }

  /** Persists an order's changed state (used by the algo runner for parents). */
  persist(order: Order, event: string, detail?: string): void {
    order.updatedAt = this.deps.clock.now();
    this.deps.journal.updateOrder(order, event, detail);
    this.deps.listener.orderUpdated(order);
  }

  /** Ends a parent (or any open order the OMS does not send) with a terminal status. */
  finishParent(order: Order, to: 'CANCELLED' | 'EXPIRED' | 'REJECTED', event: string, reason?: { code: string; message: string }): void {
    if (!isOpen(order.status)) return;
    this.finish(order, to, event, reason);
  }

  /** Moves a NEW parent to PENDING once its algorithm runs. */
  startParent(order: Order): void {
    if (order.status !== 'NEW') return;
    transition(order, 'PENDING', this.deps.clock.now());
    this.persist(order, 'algo_started');
  }

  private deny(order: Order, code: string, message: string): Order {
    this.reservePrice.delete(order.id);
    transition(order, 'DENIED', this.deps.clock.now(), { code, message });
    this.deps.journal.insertOrder(order, 'denied');
    this.orders.set(order.id, order);
    this.deps.listener.orderDenied(order);
    this.deps.listener.orderUpdated(order);
    return order;
  }

  cancel(id: string): Order {
    const order = this.orders.get(id);
    if (!order) throw new DomainError('UNKNOWN_ORDER', `unknown order "${id}"`);
    if (!isOpen(order.status)) throw new DomainError('ORDER_NOT_OPEN', `order ${id} is ${order.status} and cannot be cancelled`);
    if (order.algo !== null) throw new Error(`order ${id} is an algo parent: cancel it through the algo runner`);
    const now = this.deps.clock.now();
    if (!order.cancelRequested) {
      order.cancelRequested = true;
      order.updatedAt = now;
      this.cancelSentAt.set(order.id, now);
      this.deps.journal.updateOrder(order, 'cancel_requested');
      this.deps.listener.orderUpdated(order);
      this.deps.venue.cancel(order.id, order.symbol);
    } else if (now - (this.cancelSentAt.get(order.id) ?? Number.NEGATIVE_INFINITY) >= CANCEL_RESEND_MS) {
      // A cancel can be lost on the way (or sit in a stuck queue): asking again after a while
      // re-sends it rather than trusting the first request (issue 8, D1). Venues answer a
      // duplicate cancel with "unknown order" or a no-op, both harmless.
      this.cancelSentAt.set(order.id, now);
      this.deps.journal.updateOrder(order, 'cancel_resent');
      this.deps.venue.cancel(order.id, order.symbol);
    }
    return order;
  }

  /** Cancels every working direct order (parents and their children go through the algo runner). */
  cancelAll(symbol?: string): string[] {
    const ids: string[] = [];
    for (const o of [...this.open.values()]) {
      if (symbol !== undefined && o.symbol !== symbol) continue;
      if (o.algo !== null || o.parentId !== null) continue;
      this.cancel(o.id);
      ids.push(o.id);
    }
    return ids;
  }

  onVenueEvent(e: VenueEvent): void {
    if (e.type === 'fill') {
      this.applyFill(e.fill);
      return;
    }
    const order = this.orders.get(e.clientOrderId);
    if (!order) {
      this.deps.listener.anomaly(`venue event ${e.type} for unknown order ${e.clientOrderId}`);
      return;
    }
    switch (e.type) {
      case 'accepted':
        order.venueOrderId = e.venueOrderId;
        if (order.status === 'NEW') transition(order, 'PENDING', e.ts);
        this.deps.journal.updateOrder(order, 'accepted', e.venueOrderId);
        this.deps.listener.orderUpdated(order);
        break;
      case 'rejected':
        if (isOpen(order.status)) this.finish(order, 'REJECTED', 'rejected', { code: e.code, message: e.message });
        break;
      case 'cancelled':
        if (isOpen(order.status)) this.finish(order, 'CANCELLED', 'cancelled');
        break;
      case 'expired':
        if (isOpen(order.status)) this.finish(order, 'EXPIRED', 'expired');
        break;
      case 'cancelRejected':
        order.cancelRequested = false;
        order.updatedAt = e.ts;
        this.deps.journal.updateOrder(order, 'cancel_rejected', `${e.code}: ${e.message}`);
        this.deps.listener.orderUpdated(order);
        break;
    }
  }

  private finish(order: Order, to: 'REJECTED' | 'CANCELLED' | 'EXPIRED', event: string, reason?: { code: string; message: string }): void {
    transition(order, to, this.deps.clock.now(), reason);
    this.deps.journal.updateOrder(order, event, reason ? `${reason.code}: ${reason.message}` : undefined);
    this.close(order);
    this.deps.listener.orderUpdated(order);
  }

  private close(order: Order): void {
    this.open.delete(order.id);
    this.cancelSentAt.delete(order.id);
    const bySymbol = this.openBySymbol.get(order.symbol);
    if (bySymbol?.delete(order.id) && bySymbol.size === 0) this.openBySymbol.delete(order.symbol);
    if (order.parentId !== null) this.openChildrenOf.get(order.parentId)?.delete(order.id);
    this.reservePrice.delete(order.id);
  }

  /** Applies a venue fill exactly once: dedupe by fill id, journal, then ledger, then tell. */
  applyFill(f: VenueFill): boolean {
    if (this.fillIds.has(f.fillId)) return false;
    const order = this.orders.get(f.clientOrderId);
    if (!order) {
      this.deps.listener.anomaly(`fill ${f.fillId} for unknown order ${f.clientOrderId}`);
      return false;
    }
    const inst = this.deps.instruments.get(order.symbol);
    if (!inst) return false;
    const next: Order = { ...order };
    try {
      applyFillToOrder(next, f.qtyUnits, notionalUnits(inst, f.priceUnits, f.qtyUnits), f.feeUnits, f.ts);
    } catch (err) {
      this.deps.listener.anomaly(`fill ${f.fillId} refused: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
    if (order.venueOrderId === null) next.venueOrderId = f.venueOrderId;
    // A child's fill is also the parent's, committed in the same transaction.
    const parent = order.parentId !== null ? this.orders.get(order.parentId) : undefined;
    let nextParent: Order | undefined;
    if (parent) {
      nextParent = { ...parent };
      if (nextParent.filledUnits + f.qtyUnits > nextParent.qtyUnits) {
        // The venue executed it, so it stands: positions follow the venue. Widen the parent and say so.
        this.deps.listener.anomaly(`fill ${f.fillId} overfills parent ${parent.id} (${parent.filledUnits}+${f.qtyUnits} > ${parent.qtyUnits}); parent quantity raised`);
        nextParent.qtyUnits = nextParent.filledUnits + f.qtyUnits;
      }
      applyFillToOrder(nextParent, f.qtyUnits, notionalUnits(inst, f.priceUnits, f.qtyUnits), f.feeUnits, f.ts);
    }
    const record: FillRecord = {
      id: f.fillId,
      orderId: order.id,
      symbol: order.symbol,
      side: order.side,
      priceUnits: f.priceUnits,
      qtyUnits: f.qtyUnits,
      feeUnits: f.feeUnits,
      liquidity: f.liquidity,
      ts: f.ts,
      midUnits: this.deps.midOf?.(order.symbol) ?? null,
    };
    if (!this.deps.journal.recordFill(record, next, nextParent)) {
      this.fillIds.add(f.fillId);
      return false;
    }
    Object.assign(order, next);
    this.fillIds.add(f.fillId);
    this.rememberFill(record);
    if (!isOpen(order.status)) this.close(order);
    if (parent && nextParent) {
      Object.assign(parent, nextParent);
      if (!isOpen(parent.status)) this.close(parent);
    }
    const position = this.deps.ledger.apply(record);
    this.deps.listener.fillApplied(record, order, position);
    this.deps.listener.orderUpdated(order);
    if (parent) this.deps.listener.orderUpdated(parent);
    return true;
  }

  /**
   * Crash-only recovery: rebuild orders and the ledger from the journal, then ask the venue about
   * every order that was still open. Fills missed while down are applied once; nothing is resent.
   */
  async recover(): Promise<{ orders: number; fills: number; reconciled: number; fillsRecovered: number }> {
    const orders = this.deps.journal.loadOrders();
    for (const o of orders) {
      this.orders.set(o.id, o);
      this.linkChild(o);
      if (isOpen(o.status)) this.trackOpen(o);
    }
    const fills = this.deps.journal.loadFills();
    const filledByOrder = new Map<string, bigint>();
    for (const f of fills) {
      this.fillIds.add(f.id);
      this.rememberFill(f);
      this.deps.ledger.apply(f);
      filledByOrder.set(f.orderId, (filledByOrder.get(f.orderId) ?? 0n) + f.qtyUnits);
      // A child's fill is also its parent's.
      const parentId = this.orders.get(f.orderId)?.parentId;
      if (parentId) filledByOrder.set(parentId, (filledByOrder.get(parentId) ?? 0n) + f.qtyUnits);
    }
    for (const o of orders) {
      const sum = filledByOrder.get(o.id) ?? 0n;
      if (sum !== o.filledUnits) this.deps.listener.anomaly(`order ${o.id}: journal filled ${o.filledUnits} but fills sum to ${sum}`);
    }
    let reconciled = 0;
    let fillsRecovered = 0;
    for (const o of [...this.open.values()]) {
      if (o.algo !== null) continue; // parents live here only; the algo runner resumes them
      reconciled++;
      const status = await this.deps.venue.fetchOrder(o.id);
      if (!status) {
        // Journaled but the venue has no record: it died before sending (NEW), or the venue lost it.
        // Never resend blindly. A partly filled order keeps its fills and ends EXPIRED.
        const reason = {
          code: o.status === 'NEW' ? 'UNKNOWN_AT_VENUE' : 'LOST_IN_RECOVERY',
          message: 'the venue has no record of this order after the restart; it was not resent',
        };
        this.finish(o, o.status === 'PARTIALLY_FILLED' ? 'EXPIRED' : 'REJECTED', 'lost', reason);
        continue;
      }
      fillsRecovered += await this.applyVenueStatus(o, status);
    }
    return { orders: orders.length, fills: fills.length, reconciled, fillsRecovered };
  }

  /**
   * Asks the venue what it knows of one open order and applies it (acceptance, missed fills, a
   * final state): the watchdog and the kill-switch check use it when an answer is overdue.
   * `giveUpUnknown`: an order the venue still has no record of is ended as NOT_ACKNOWLEDGED, and a
   * cancel follows it in case it is only late (on one session the cancel cannot overtake it).
   */
  async settle(id: string, giveUpUnknown: boolean, reasonMessage = 'the venue has no record of this order long after it was sent'): Promise<'final' | 'open' | 'unknown' | 'lost'> {
    const o = this.orders.get(id);
    if (!o || !isOpen(o.status) || o.algo !== null) return 'final';
    const status = await this.deps.venue.fetchOrder(id);
    if (!isOpen(o.status)) return 'final';
    if (!status) {
      if (!giveUpUnknown) return 'unknown';
      this.deps.venue.cancel(o.id, o.symbol);
      this.finish(o, o.status === 'PARTIALLY_FILLED' ? 'EXPIRED' : 'REJECTED', 'lost', { code: 'NOT_ACKNOWLEDGED', message: reasonMessage });
      return 'lost';
    }
    await this.applyVenueStatus(o, status);
    return isOpen(o.status) ? 'open' : 'final';
  }

  /** When a cancel of an open order was last sent, if one is outstanding. */
  cancelPendingSince(id: string): number | undefined {
    const o = this.orders.get(id);
    return o?.cancelRequested ? this.cancelSentAt.get(id) : undefined;
  }

  /** Applies what the venue reports of an open order; returns how many missed fills it applied. */
  private async applyVenueStatus(o: Order, status: VenueOrderStatus): Promise<number> {
    let applied = 0;
    if (o.status === 'NEW') this.onVenueEvent({ type: 'accepted', clientOrderId: o.id, venueOrderId: status.venueOrderId, ts: this.deps.clock.now() });
    for (const f of await this.deps.venue.fetchFills(o.id)) if (this.applyFill(f)) applied++;
    if (!isOpen(o.status)) return applied;
    const ts = this.deps.clock.now();
    if (status.state === 'cancelled') this.onVenueEvent({ type: 'cancelled', clientOrderId: o.id, ts });
    else if (status.state === 'expired') this.onVenueEvent({ type: 'expired', clientOrderId: o.id, ts });
    else if (status.state === 'rejected') this.onVenueEvent({ type: 'rejected', clientOrderId: o.id, code: status.reason?.code ?? 'VENUE_REJECTED', message: status.reason?.message ?? 'rejected by the venue', ts });
    else if (o.type === 'limit' && o.side === 'buy' && o.priceUnits !== null) this.reservePrice.set(o.id, o.priceUnits);
    return applied;
  }
}

function orderOf(r: SubmitOutcome): Order {
  if ('held' in r) throw new Error(`order held for confirmation (${r.held.code}): this caller cannot hold orders; submit through the intake`);
  return r.order;
}
