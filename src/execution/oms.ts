import type { OrderType, Side, TimeInForce } from '../contract/dto.ts';
import { DomainError } from '../core/errors.ts';
import { FillSlots } from '../core/fill-slots.ts';
import { isOpen, transition, worksChildren } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import type { FillRecord, VenueEvent, VenueFill, VenueOrderStatus } from '../core/ports.ts';
import { fromUnits, toDecimalString, toUnits } from '../core/precision.ts';
import { parseAmounts } from './amounts.ts';
import { AppliedFill, applyFillInPlace, undoFill } from './fill-in-place.ts';
import { blankOrder, externalOrder } from './order-draft.ts';
import type { ExternalOrderSpec } from './order-draft.ts';
import { orderEventOf } from './order-events.ts';
import { OpenOrders } from './open-orders.ts';
import type { ReserveFacts } from './reserved-cash.ts';
import type { WorkingSums } from './working-sums.ts';
import type { ChildRequest, HeldOrder, HeldRequest, OmsDeps, ParentRequest, PlaceRequest, ReplaceRequest, SubmitOutcome } from './oms-types.ts';

export type { ChildRequest, HeldOrder, HeldRequest, OmsDeps, OmsListener, ParentRequest, PlaceRequest, ReplaceRequest, SubmitOutcome } from './oms-types.ts';
/** A cancel asked for again after this long (engine time) is sent again. */
export const CANCEL_RESEND_MS = 2_000;

/** Who replaced an order, and a bracket's exits by entry: rebuilt from the journal's lineage columns. */
interface Links {
  replacedBy: Map<string, string>;
  exitsOf: Map<string, string[]>;
}

/**
 * The order management system: owns every order's state machine, journals intent before the venue
 * sees it, applies fills exactly once, and reconciles with the venue after a restart.
 */
export class Oms {
  private readonly orders = new Map<string, Order>();
  private readonly fillIds = new Set<string>();
  private readonly childrenOf = new Map<string, string[]>();
  /** Fills per order, by the order's journal sequence number as its handle (fill-slots.ts). */
  private readonly fillsByOrder = new FillSlots<Order, FillRecord>();
  private readonly fillLog: FillRecord[] = [];
  /** When the last cancel of each open order went to the venue (not persisted: a restart re-sends). */
  private readonly cancelSentAt = new Map<string, number>();
  private readonly deps: OmsDeps;
  private offVenue: (() => void) | undefined;
  private readonly links: Links = { replacedBy: new Map(), exitsOf: new Map() };
  /** Replacements journaled but held until the order they replace is done at the venue. */
  private readonly awaitingRelease = new Set<string>();
  /** Each working buy's reserve price (limit price, or the gate's estimate for market orders) sits on its open entry (open-orders.ts). */
  private readonly reserveFacts: ReserveFacts = { reservePrice: (id) => this.open.reservePriceOf(id), awaiting: (id) => this.awaitingRelease.has(id) };
  /** The working orders, their indexes and the running figures over them (open-orders.ts). */
  private readonly open: OpenOrders;

  constructor(deps: OmsDeps) {
    this.deps = deps;
    this.open = new OpenOrders(deps.instruments, this.reserveFacts);
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

  /** get() for a venue event: almost always a working order, found in the small map of those (not the map of every order). */
  private working(id: string): Order | undefined {
    return this.open.get(id) ?? this.orders.get(id);
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
    return [...this.open.valuesOf(symbol)];
  }

  /** openOrdersOf() as a live view, not a copy: for a reader done before the OMS next changes (L1's exposure views). */
  openValuesOf(symbol: string): Iterable<Order> {
    return this.open.valuesOf(symbol);
  }

  /** Remaining quantity working on one side of an instrument (reserved-cash.ts); a child being checked passes its parent as `except`. */
  workingUnits(symbol: string, side: Side, except?: string | null): bigint {
    return this.open.workingUnits(symbol, side, except ? this.orders.get(except) : undefined, except ?? null);
  }

  /** Cash held back for working buys (direct orders and algo parents): remaining qty at the reserve price plus the taker fee (reserved-cash.ts). */
  reservedCashUnits(except?: string | null): bigint {
    return this.open.reservedCash(except ? this.orders.get(except) : undefined);
  }

  /** reservedCashUnits() by a full scan of the working orders: what the running figure must equal (tests). */
  reservedCashUnitsByScan(except?: string | null): bigint {
    return this.open.reservedCashByScan(except ? this.orders.get(except) : undefined);
  }

  /** Re-reads one order's reserved cash after anything it depends on may have changed. */
  private refreshReserve(o: Order): void {
    this.open.refresh(o);
  }

  /** openValuesOf(symbol) narrowed to algo parents and held triggers (worksChildren), same order; live, read in place. */
  openParentsOf(symbol: string): Iterable<Order> {
    return this.open.parentsOf(symbol);
  }

  /** One symbol's working direct orders and children, summed (working-sums.ts); live, read in place. */
  workingSumsOf(symbol: string): Readonly<WorkingSums> | undefined {
    return this.open.sumsOf(symbol);
  }

  /** The order that replaced `id` (cancel/replace), if any. */
  replacedBy(id: string): string | undefined {
    return this.links.replacedBy.get(id);
  }

  /** A bracket entry's exits (take-profit, stop-loss), in the order they were journaled. */
  exitsOf(entryId: string): Order[] {
    const ids = this.links.exitsOf.get(entryId);
    return ids ? ids.map((id) => this.orders.get(id)).filter((o): o is Order => o !== undefined) : [];
  }

  /** Whether an order is a bracket entry with exits (asked for every order's DTO: no list built). */
  hasExits(entryId: string): boolean {
    return this.links.exitsOf.get(entryId)?.some((id) => this.orders.has(id)) ?? false;
  }

  /** Open members of a one-cancels-other group other than `id`. */
  ocoSiblings(o: Order): Order[] {
    if (o.ocoGroup === null) return [];
    const out: Order[] = [];
    for (const x of this.open.valuesOf(o.symbol)) if (x.ocoGroup === o.ocoGroup && x.id !== o.id) out.push(x);
    return out;
  }

  /** L1 (structural checks and the gate) on an amended copy of a working order, its own share left out. */
  checkAmended(o: Order): { ok: true } | { ok: false; code: string; message: string } {
    const d = this.deps.check(o, o.id);
    return d.ok ? { ok: true } : d;
  }

  /** Strata holds it (an algo parent, a trigger, a replacement waiting for its predecessor): the venue does not know it. */
  heldByStrata(o: Order): boolean {
    return worksChildren(o) || this.awaitingRelease.has(o.id);
  }

  private link(o: Order): void {
    if (o.replacesId !== null) this.links.replacedBy.set(o.replacesId, o.id);
    const entry = o.trigger?.entryId;
    if (entry) {
      const l = this.links.exitsOf.get(entry) ?? [];
      if (!l.includes(o.id)) l.push(o.id);
      this.links.exitsOf.set(entry, l);
    }
  }

  /** Fills of one order, in arrival order. */
  fillsOf(orderId: string): FillRecord[] {
    const o = this.orders.get(orderId);
    return this.fillsByOrder.of(orderId, o, o?.seq ?? -1) ?? [];
  }

  /** Every fill in arrival order (journal order after a restart). */
  fills(): readonly FillRecord[] {
    return this.fillLog;
  }

  private rememberFill(f: FillRecord, order: Order | undefined): void {
    this.fillLog.push(f);
    this.fillsByOrder.add(f, f.orderId, order, order?.seq ?? -1);
  }

  /** Working (open) children of a parent, oldest first; O(working), not O(all children). */
  openChildren(parentId: string): Order[] {
    return this.open.children(parentId);
  }

  private trackOpen(o: Order, reservePrice?: bigint): void {
    this.open.track(o, reservePrice);
  }

  /** Children of a parent, oldest first. */
  children(parentId: string): Order[] {
    return (this.childrenOf.get(parentId) ?? []).map((id) => this.orders.get(id)!).filter((o) => o !== undefined);
  }

  /**
   * A direct order: drafted, checked (structure, L1), journaled, sent; or denied or held as data.
   * `beforeSend`: journals what must exist before the venue can fill the order (a bracket's exits).
   */
  submit(req: PlaceRequest, beforeSend?: (o: Order) => void): SubmitOutcome {
    const d = this.draft(req, req.type, req.tif, null);
    if ('denied' in d) return { order: d.denied };
    if ('held' in d) return d;
    return { order: this.admit(d.order, true, d.reserve, beforeSend) };
  }

  /** submit() for a caller whose check never holds (tools, tests): a held order is a programming error there. */
  place(req: PlaceRequest, beforeSend?: (o: Order) => void): Order {
    return orderOf(this.submit(req, beforeSend));
  }

  placeParent(req: ParentRequest): Order {
    return orderOf(this.submitParent(req));
  }

  /** Journals an order Strata holds until its trigger (checked by L1 unless it starts empty); never sent itself. */
  placeHeld(req: HeldRequest): SubmitOutcome {
    const d = this.draft(req, req.childType, 'gtc', null, req.check, req.id);
    if ('denied' in d) return { order: d.denied };
    if ('held' in d) return d;
    const o = d.order;
    o.trigger = req.trigger;
    o.ocoGroup = req.ocoGroup ?? null;
    this.admit(o, false, d.reserve);
    this.startParent(o);
    return { order: o };
  }

  /**
   * Cancel/replace of a working venue order (the sim venue has no amend): the replacement is a new
   * client order id in the same lineage, checked by L1 like a new order (its predecessor's share
   * left out) and journaled now, but sent only once the predecessor is done at the venue, sized to
   * what it left unfilled, so the two never work at once.
   */
  replace(id: string, r: ReplaceRequest): Order {
    const old = this.orders.get(id);
    if (!old) throw new DomainError('UNKNOWN_ORDER', `unknown order "${id}"`);
    if (!isOpen(old.status)) throw new DomainError('ORDER_NOT_OPEN', `order ${id} is ${old.status} and cannot be modified`);
    if (this.heldByStrata(old) || old.parentId !== null) throw new DomainError('BAD_REQUEST', `order ${id} is not a working venue order`);
    if (old.cancelRequested || this.links.replacedBy.has(id)) throw new DomainError('ORDER_NOT_OPEN', `order ${id} is already being cancelled or replaced`);
    const inst = this.deps.instruments.get(old.symbol)!;
    const total = r.qtyUnits ?? old.qtyUnits;
    if (total <= old.filledUnits) throw new DomainError('BAD_REQUEST', `quantity must exceed the filled ${fromUnits(old.filledUnits, inst.qtyDecimals)}`);
    if (r.priceUnits !== undefined && old.type !== 'limit') throw new DomainError('BAD_REQUEST', `order ${id} is a market order: it has no price to modify`);
    const price = r.priceUnits ?? old.priceUnits;
    const req: PlaceRequest = {
      symbol: old.symbol,
      side: old.side,
      type: old.type,
      tif: old.tif,
      qty: toDecimalString(total - old.filledUnits, inst.qtyDecimals),
      price: price === null ? undefined : toDecimalString(price, inst.priceDecimals),
      source: old.source,
      urgency: old.urgency,
      decisionPriceUnits: old.decisionPriceUnits,
      decisionTs: old.decisionTs,
      approvedBy: old.approvedBy,
      proposalId: old.proposalId,
    };
    const d = this.draft({ ...req, riskConfirmed: r.confirmSoft === true && old.source === 'manual' }, old.type, old.tif, null, true, undefined, old);
    if ('held' in d) throw new DomainError('RISK_CONFIRM_REQUIRED', d.held.message, d.held.breaches.map((b) => ({ path: b.code, message: b.message })));
    if ('denied' in d) return d.denied; // a denial is data; the working order is left as it was
    const next = d.order;
    next.requestedQty = toDecimalString(total, inst.qtyDecimals);
    this.awaitingRelease.add(next.id);
    this.admit(next, false, d.reserve);
    this.cancel(old.id);
    return next;
  }

  /** The predecessor of a held replacement is done: send the replacement for what it left, or end it. */
  private releaseReplacement(old: Order): void {
    const nextId = this.links.replacedBy.get(old.id);
    const next = nextId !== undefined ? this.orders.get(nextId) : undefined;
    if (!next || !this.awaitingRelease.has(next.id)) return;
    this.awaitingRelease.delete(next.id);
    this.refreshReserve(next);
    if (!isOpen(next.status)) return;
    // requestedQty of a replacement is the lineage's total as the trader asked for it.
    const inst = this.deps.instruments.get(next.symbol)!;
    const left = toUnits(next.requestedQty, inst.qtyDecimals) - this.lineageFilledBefore(next);
    if (old.status === 'FILLED' || left <= 0n) {
      this.finish(next, 'CANCELLED', 'cancelled', { code: 'REPLACED_ORDER_FILLED', message: `${old.id} filled before its cancel landed; nothing left to replace` });
      return;
    }
    if (left !== next.qtyUnits) {
      next.qtyUnits = left;
      this.persist(next, 'resized', `${old.id} filled more before its cancel landed`);
    }
    this.send(next);
  }

  /** Filled by the orders this one replaced (their fills stay theirs). */
  private lineageFilledBefore(o: Order): bigint {
    let sum = 0n;
    let prev = o.replacesId !== null ? this.orders.get(o.replacesId) : undefined;
    while (prev) {
      sum += prev.filledUnits;
      prev = prev.replacesId !== null ? this.orders.get(prev.replacesId) : undefined;
    }
    return sum;
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
    return { order: this.admit(parent, false, d.reserve) };
  }

  /** Places a child of a working parent: id {parentId}-C{n}, checked by L1, journaled, sent. */
  placeChild(parent: Order, spec: ChildRequest): Order {
    const n = (this.childrenOf.get(parent.id)?.length ?? 0) + 1;
    const now = this.deps.clock.now();
    const child: Order = {
      ...blankOrder(parent.symbol, parent.side, spec.type, spec.tif, parent.source, now),
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

  /** Builds and validates a new top-level order; a precision or L1 failure comes back denied, soft breaches to confirm held. */
  private draft(
    req: Omit<PlaceRequest, 'type' | 'tif'>,
    type: OrderType,
    tif: TimeInForce,
    parentId: string | null,
    check = true,
    id?: string,
    replaces?: Order,
  ): { order: Order; reserve: bigint | undefined } | { denied: Order } | { held: HeldOrder } {
    const inst = this.deps.instruments.get(req.symbol);
    if (!inst) throw new DomainError('UNKNOWN_SYMBOL', `unknown symbol "${req.symbol}"`);
    const now = this.deps.clock.now();
    const seq = this.deps.journal.nextOrderSeq();
    // Filled in on the blank (same fields, same order) rather than spread into a second object.
    const order: Order = blankOrder(inst.symbol, req.side, type, tif, req.source, now);
    order.id = id ?? `${this.deps.idPrefix}-${String(seq).padStart(6, '0')}`;
    order.seq = seq;
    order.replacesId = replaces?.id ?? null;
    order.rootId = replaces ? (replaces.rootId ?? replaces.id) : null;
    order.requestedQty = String(req.qty);
    order.requestedPrice = req.price === undefined ? null : String(req.price);
    order.parentId = parentId;
    order.urgency = req.urgency ?? 'immediate';
    order.decisionPriceUnits = req.decisionPriceUnits ?? null;
    order.decisionTs = req.decisionTs ?? null;
    order.approvedBy = req.approvedBy ?? null;
    order.proposalId = req.proposalId ?? null;
    order.riskConfirmed = req.riskConfirmed ?? false;
    const amounts = req.amounts ?? parseAmounts(inst, req.qty, req.price);
    if (!amounts.ok) {
      order.qtyUnits = amounts.qtyUnits;
      return { denied: this.deny(order, amounts.code, amounts.message) };
    }
    order.qtyUnits = amounts.qtyUnits;
    order.priceUnits = amounts.priceUnits;
    // The price a buy's cash is reserved at, handed to admit (the open set keeps it).
    let reserve: bigint | undefined;
    if (check) {
      const decision = this.deps.check(order, replaces?.id);
      if (!decision.ok && decision.held) return { held: { code: decision.code, message: decision.message, breaches: decision.held } };
      if (!decision.ok) return { denied: this.deny(order, decision.code, decision.message) };
      if (order.side === 'buy') reserve = decision.reservePriceUnits;
    }
    if (order.decisionPriceUnits === null) {
      order.decisionPriceUnits = this.deps.midOf?.(order.symbol) ?? null;
      order.decisionTs = now;
    }
    return { order, reserve };
  }

  /** Journal before send, then (for venue orders) submit. */
  private admit(order: Order, send: boolean, reserve?: bigint, beforeSend?: (o: Order) => void): Order {
    this.deps.journal.insertOrder(order, order.replacesId !== null ? 'created_replacing' : 'created');
    this.orders.set(order.id, order);
    this.link(order);
    this.trackOpen(order, order.side === 'buy' ? reserve : undefined);
    this.deps.listener.orderUpdated(order, 'OrderSubmitted');
    beforeSend?.(order);
    if (send) this.send(order);
    return order;
  }

  private send(order: Order): void {
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
  }

  /** Persists an order's changed state (used by the algo runner for parents). */
  persist(order: Order, event: string, detail?: string): void {
    order.updatedAt = this.deps.clock.now();
    // Callers persist after changing an order's quantity or price (algo runner, trigger book).
    this.refreshReserve(order);
    this.deps.journal.updateOrder(order, event, detail);
    this.deps.listener.orderUpdated(order, orderEventOf(event, order));
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
    transition(order, 'DENIED', this.deps.clock.now(), { code, message });
    this.deps.journal.insertOrder(order, 'denied');
    this.orders.set(order.id, order);
    this.link(order);
    this.deps.listener.orderDenied(order);
    this.deps.listener.orderUpdated(order, 'OrderDenied');
    return order;
  }

  cancel(id: string): Order {
    const order = this.orders.get(id);
    if (!order) throw new DomainError('UNKNOWN_ORDER', `unknown order "${id}"`);
    if (!isOpen(order.status)) throw new DomainError('ORDER_NOT_OPEN', `order ${id} is ${order.status} and cannot be cancelled`);
    if (worksChildren(order)) throw new Error(`order ${id} is worked by Strata: cancel it through the algo runner or the trigger book`);
    if (this.awaitingRelease.has(order.id)) {
      // Never sent: it ends here; its predecessor's cancel goes on.
      this.awaitingRelease.delete(order.id);
      this.finish(order, 'CANCELLED', 'cancelled');
      return order;
    }
    const now = this.deps.clock.now();
    if (!order.cancelRequested) {
      order.cancelRequested = true;
      order.updatedAt = now;
      this.cancelSentAt.set(order.id, now);
      this.deps.journal.updateOrder(order, 'cancel_requested');
      this.deps.listener.orderUpdated(order, 'OrderCancelRequested');
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
      if (worksChildren(o) || o.parentId !== null) continue;
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
    const order = this.working(e.clientOrderId);
    if (!order) {
      this.deps.listener.anomaly(`venue event ${e.type} for unknown order ${e.clientOrderId}`);
      return;
    }
    switch (e.type) {
      case 'accepted':
        order.venueOrderId = e.venueOrderId;
        if (order.status === 'NEW') transition(order, 'PENDING', e.ts);
        else if (order.status === 'UNRESOLVED') this.resolvedWorking(order, e.ts);
        this.deps.journal.updateOrder(order, 'accepted', e.venueOrderId);
        this.deps.listener.orderUpdated(order, 'OrderAccepted');
        break;
      case 'unresolved':
        this.markUnresolved(order, e.code, e.message);
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
      case 'cancelRejected': {
        order.cancelRequested = false;
        order.updatedAt = e.ts;
        this.deps.journal.updateOrder(order, 'cancel_rejected', `${e.code}: ${e.message}`);
        this.deps.listener.orderUpdated(order, 'OrderCancelRejected');
        // A replace whose cancel the venue refused does not happen: the order works on as it was.
        const nextId = this.links.replacedBy.get(order.id);
        const next = nextId !== undefined ? this.orders.get(nextId) : undefined;
        if (next && this.awaitingRelease.delete(next.id) && isOpen(next.status)) {
          this.finish(next, 'CANCELLED', 'cancelled', { code: 'REPLACE_REFUSED', message: `the venue refused to cancel ${order.id}: ${e.message}` });
        }
        break;
      }
    }
  }

  /**
   * The venue may or may not have this order (see the 'unresolved' venue event; or the venue could
   * not be asked at recovery). Still open: L1 and the algos count it as possibly working.
   */
  private markUnresolved(order: Order, code: string, message: string): void {
    if (!isOpen(order.status) || order.status === 'UNRESOLVED' || this.heldByStrata(order)) return;
    transition(order, 'UNRESOLVED', this.deps.clock.now(), { code, message });
    this.deps.journal.updateOrder(order, 'unresolved', `${code}: ${message}`);
    this.deps.listener.orderUpdated(order, 'OrderUnresolved');
  }

  /** The venue showed an UNRESOLVED order working: back to PENDING or PARTIALLY_FILLED, its doubt cleared. */
  private resolvedWorking(order: Order, ts: number): void {
    transition(order, order.filledUnits > 0n ? 'PARTIALLY_FILLED' : 'PENDING', ts);
    order.reason = null;
  }

  private finish(order: Order, to: 'REJECTED' | 'CANCELLED' | 'EXPIRED', event: string, reason?: { code: string; message: string }): void {
    transition(order, to, this.deps.clock.now(), reason);
    this.deps.journal.updateOrder(order, event, reason ? `${reason.code}: ${reason.message}` : undefined);
    this.close(order);
    this.deps.listener.orderUpdated(order, orderEventOf(event, order));
    this.releaseReplacement(order);
  }

  private close(order: Order): void {
    this.open.untrack(order);
    // Cancels outstanding are few and usually none: no hash lookup per order closed then.
    if (this.cancelSentAt.size > 0) this.cancelSentAt.delete(order.id);
  }

  /** The undo record of the fill being applied (fill-in-place.ts), and whether a fill is using it. */
  private readonly undo = new AppliedFill();
  private undoInUse = false;

  /** The listener's anomaly report, bound once (not a closure per fill). */
  private readonly anomaly = (m: string): void => this.deps.listener.anomaly(m);

  /** Applies a venue fill exactly once: dedupe by fill id, journal, then ledger, then tell. */
  applyFill(f: VenueFill): boolean {
    if (this.fillIds.has(f.fillId)) return false;
    const order = this.working(f.clientOrderId);
    if (!order) {
      this.deps.listener.anomaly(`fill ${f.fillId} for unknown order ${f.clientOrderId}`);
      return false;
    }
    const inst = this.deps.instruments.get(order.symbol);
    if (!inst) return false;
    // A child's fill is also the parent's, committed in the same transaction (fill-in-place.ts).
    const parent = order.parentId !== null ? this.working(order.parentId) : undefined;
    // One undo record, reused: its life ends with the journal's answer below. A fill applied from
    // inside that window (a listener called back into the OMS) gets a fresh one.
    const own = !this.undoInUse;
    const undo = own ? this.undo : new AppliedFill();
    this.undoInUse = true;
    let record: FillRecord;
    try {
      const applied = applyFillInPlace(order, parent, f, inst, this.anomaly, undo);
      if (typeof applied === 'string') {
        this.deps.listener.anomaly(`fill ${f.fillId} refused: ${applied}`);
        return false;
      }
      record = {
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
      let recorded: boolean;
      try {
        recorded = this.deps.journal.recordFill(record, order, parent);
      } catch (err) {
        undoFill(applied);
        throw err;
      }
      if (!recorded) {
        undoFill(applied);
        this.fillIds.add(f.fillId);
        return false;
      }
    } finally {
      undo.order = undefined;
      undo.parent = undefined;
      if (own) this.undoInUse = false;
    }
    this.fillIds.add(f.fillId);
    this.rememberFill(record, order);
    if (!isOpen(order.status)) this.close(order);
    else this.refreshReserve(order);
    if (parent && !isOpen(parent.status)) this.close(parent);
    else if (parent) this.refreshReserve(parent);
    const position = this.deps.ledger.apply(record);
    this.deps.listener.fillApplied(record, order, position);
    this.deps.listener.orderUpdated(order, orderEventOf('filled', order));
    if (parent) this.deps.listener.orderUpdated(parent, orderEventOf('filled', parent));
    if (!isOpen(order.status)) this.releaseReplacement(order);
    return true;
  }

  /**
   * Crash-only recovery: rebuild orders and the ledger from the journal, then ask the venue about
   * every order that was still open. Fills missed while down are applied once; nothing is resent.
   */
  async recover(): Promise<{ orders: number; fills: number; reconciled: number; fillsRecovered: number; unresolved: number }> {
    const orders = this.deps.journal.loadOrders();
    for (const o of orders) {
      this.orders.set(o.id, o);
      this.linkChild(o);
      this.link(o);
      if (isOpen(o.status)) this.trackOpen(o);
    }
    // A replacement whose predecessor was still open at the crash was never sent: it waits again.
    for (const o of this.open.values()) {
      const prev = o.replacesId !== null ? this.orders.get(o.replacesId) : undefined;
      if (prev && isOpen(prev.status) && o.status === 'NEW') this.awaitingRelease.add(o.id);
    }
    this.rebuildReserve();
    const fills = this.deps.journal.loadFills();
    const filledByOrder = new Map<string, bigint>();
    for (const f of fills) {
      this.fillIds.add(f.id);
      this.rememberFill(f, this.orders.get(f.orderId));
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
    let unresolved = 0;
    for (const o of [...this.open.values()]) {
      if (!isOpen(o.status) || this.heldByStrata(o)) continue; // parents and triggers live here only; their owners resume them
      reconciled++;
      let status: VenueOrderStatus | undefined;
      try {
        status = await this.deps.venue.fetchOrder(o.id, o.symbol);
        if (status) fillsRecovered += await this.applyVenueStatus(o, status);
      } catch (err) {
        // The venue could not be asked: the order's state is not known, so it is not guessed either.
        unresolved++;
        this.markUnresolved(o, 'VENUE_UNREACHABLE', `the venue could not be asked about this order at recovery (${err instanceof Error ? err.message : String(err)}); it is settled when the venue answers`);
        continue;
      }
      if (!status) {
        // Journaled but the venue has no record: it died before sending (NEW), or the venue lost it.
        // Never resend blindly. A partly filled order keeps its fills and ends EXPIRED.
        const reason = {
          code: o.venueOrderId === null && o.filledUnits === 0n ? 'UNKNOWN_AT_VENUE' : 'LOST_IN_RECOVERY',
          message: 'the venue has no record of this order after the restart; it was not resent',
        };
        this.finish(o, o.filledUnits > 0n ? 'EXPIRED' : 'REJECTED', 'lost', reason);
      }
    }
    this.rebuildReserve();
    return { orders: orders.length, fills: fills.length, reconciled, fillsRecovered, unresolved };
  }

  /** Recovery sets orders up outside the paths that keep the reserved cash: read it afresh. */
  private rebuildReserve(): void {
    this.open.rebuild();
  }

  /**
   * Asks the venue what it knows of one open order and applies it (acceptance, missed fills, a
   * final state): the watchdog and the kill-switch check use it when an answer is overdue.
   * `giveUpUnknown`: an order the venue still has no record of is ended as NOT_ACKNOWLEDGED, and a
   * cancel follows it in case it is only late (on one session the cancel cannot overtake it).
   */
  async settle(id: string, giveUpUnknown: boolean, reasonMessage = 'the venue has no record of this order long after it was sent'): Promise<'final' | 'open' | 'unknown' | 'lost'> {
    const o = this.orders.get(id);
    if (!o || !isOpen(o.status) || worksChildren(o)) return 'final';
    if (this.awaitingRelease.has(o.id)) return 'open';
    const status = await this.deps.venue.fetchOrder(id, o.symbol);
    if (!isOpen(o.status)) return 'final';
    if (!status) {
      if (!giveUpUnknown) return 'unknown';
      this.deps.venue.cancel(o.id, o.symbol);
      this.finish(o, o.filledUnits > 0n ? 'EXPIRED' : 'REJECTED', 'lost', { code: 'NOT_ACKNOWLEDGED', message: reasonMessage });
      return 'lost';
    }
    await this.applyVenueStatus(o, status);
    return isOpen(o.status) ? 'open' : 'final';
  }

  /**
   * An order the venue has open that Strata did not place (found by reconciliation): journaled as an
   * open order under the venue's client id, its reason marked EXTERNAL, never sent. From then on it
   * is visible, cancellable and counted in exposure like any working order; its fills arrive as the
   * venue reports them. Returns undefined when the id is already known.
   */
  adoptExternal(o: ExternalOrderSpec): Order | undefined {
    const inst = this.deps.instruments.get(o.symbol);
    if (this.orders.has(o.clientOrderId) || !inst || o.qtyUnits <= 0n) return undefined;
    const order = externalOrder(o, inst, this.deps.journal.nextOrderSeq(), this.deps.clock.now());
    this.deps.journal.insertOrder(order, 'adopted_external');
    this.orders.set(order.id, order);
    this.trackOpen(order, order.side === 'buy' && order.priceUnits !== null ? order.priceUnits : undefined);
    this.deps.listener.orderUpdated(order, 'OrderAdopted');
    return order;
  }

  /** The venue's fills of one order (reconciliation asks through the same port recovery uses). */
  venueFills(id: string, symbol: string): Promise<VenueFill[]> {
    return this.deps.venue.fetchFills(id, symbol);
  }

  /** When a cancel of an open order was last sent, if one is outstanding. */
  cancelPendingSince(id: string): number | undefined {
    const o = this.orders.get(id);
    return o?.cancelRequested ? this.cancelSentAt.get(id) : undefined;
  }

  /** Applies what the venue reports of an open order; returns how many missed fills it applied. */
  private async applyVenueStatus(o: Order, status: VenueOrderStatus): Promise<number> {
    let applied = 0;
    if (o.status === 'NEW' || o.status === 'UNRESOLVED') this.onVenueEvent({ type: 'accepted', clientOrderId: o.id, venueOrderId: status.venueOrderId, ts: this.deps.clock.now() });
    for (const f of await this.deps.venue.fetchFills(o.id, o.symbol)) if (this.applyFill(f)) applied++;
    if (!isOpen(o.status)) return applied;
    const ts = this.deps.clock.now();
    if (status.state === 'cancelled') this.onVenueEvent({ type: 'cancelled', clientOrderId: o.id, ts });
    else if (status.state === 'expired') this.onVenueEvent({ type: 'expired', clientOrderId: o.id, ts });
    else if (status.state === 'rejected') this.onVenueEvent({ type: 'rejected', clientOrderId: o.id, code: status.reason?.code ?? 'VENUE_REJECTED', message: status.reason?.message ?? 'rejected by the venue', ts });
    else if (o.type === 'limit' && o.side === 'buy' && o.priceUnits !== null) this.open.setReservePrice(o, o.priceUnits);
    this.refreshReserve(o);
    return applied;
  }
}


export function orderOf(r: SubmitOutcome): Order {
  if ('held' in r) throw new Error(`order held for confirmation (${r.held.code}): this caller cannot hold orders; submit through the intake`);
  return r.order;
}
