import type { OrderKind, OrderStatus } from './enums.ts';

/** Why an order was refused or ended: a code callers branch on and a message for people. */
export interface OrderReason {
  code: string;
  message: string;
}
import type { OrderRecord } from './ports.ts';

/** The legal moves of an order. Anything else is a bug and is refused. */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  NEW: ['PENDING', 'PARTIALLY_FILLED', 'UNRESOLVED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'DENIED'],
  PENDING: ['PARTIALLY_FILLED', 'UNRESOLVED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'],
  PARTIALLY_FILLED: ['PARTIALLY_FILLED', 'UNRESOLVED', 'FILLED', 'CANCELLED', 'EXPIRED'],
  // Settled by the venue's answer: working (with or without fills) or ended. Never DENIED (L1 passed it).
  UNRESOLVED: ['PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'],
  FILLED: [],
  CANCELLED: [],
  REJECTED: [],
  EXPIRED: [],
  DENIED: [],
};

export class IllegalTransitionError extends Error {
  readonly orderId: string;
  readonly from: OrderStatus;
  readonly to: OrderStatus;
  constructor(orderId: string, from: OrderStatus, to: OrderStatus) {
    super(`order ${orderId}: illegal transition ${from} -> ${to}`);
    this.orderId = orderId;
    this.from = from;
    this.to = to;
  }
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isOpen(status: OrderStatus): boolean {
  return status === 'NEW' || status === 'PENDING' || status === 'PARTIALLY_FILLED' || status === 'UNRESOLVED';
}

/** An order inside the engine: exact integer units, never floats. */
export type Order = OrderRecord;

export function transition(order: Order, to: OrderStatus, at: number, reason?: OrderReason): void {
  if (!canTransition(order.status, to)) throw new IllegalTransitionError(order.id, order.status, to);
  order.status = to;
  order.updatedAt = at;
  if (reason) order.reason = reason;
}

export function remainingUnits(order: Order): bigint {
  return order.qtyUnits - order.filledUnits;
}

/**
 * Applies one fill's quantity to the order and moves it to PARTIALLY_FILLED or FILLED.
 * Refuses an overfill: filled can never exceed quantity.
 */
export function applyFillToOrder(order: Order, qtyUnits: bigint, notionalUnits: bigint, feeUnits: bigint, at: number): void {
  if (qtyUnits <= 0n) throw new Error(`order ${order.id}: fill quantity must be positive`);
  if (order.filledUnits + qtyUnits > order.qtyUnits) {
    throw new Error(`order ${order.id}: fill of ${qtyUnits} would overfill (${order.filledUnits}/${order.qtyUnits})`);
  }
  const next: OrderStatus = order.filledUnits + qtyUnits === order.qtyUnits ? 'FILLED' : 'PARTIALLY_FILLED';
  transition(order, next, at);
  order.filledUnits += qtyUnits;
  order.filledNotionalUnits += notionalUnits;
  order.feeUnits += feeUnits;
}

/**
 * Strata works it itself (an algo parent, or a held trigger): it is never sent to a venue, its
 * children are. L1 counts it by its unplaced remainder, like an algo parent.
 */
export function worksChildren(o: Pick<Order, 'algo' | 'trigger'>): boolean {
  return o.algo !== null || o.trigger !== null;
}

/** The type the trader chose. */
export function orderKind(o: Pick<Order, 'type' | 'trigger'>): OrderKind {
  return o.trigger ? o.trigger.kind : o.type;
}

/** The blotter's status name (see DISPLAY_STATUSES in the contract). */
export function displayStatus(o: Pick<Order, 'status' | 'cancelRequested' | 'trigger' | 'filledUnits'>): 'pending-new' | 'working' | 'waiting-trigger' | 'partially-filled' | 'pending-cancel' | 'unresolved' | 'filled' | 'cancelled' | 'rejected' | 'expired' | 'denied' {
  switch (o.status) {
    case 'UNRESOLVED':
      // Before pending-cancel: a cancel sent after it does not tell whether the order exists.
      return 'unresolved';
    case 'FILLED':
      return 'filled';
    case 'CANCELLED':
      return 'cancelled';
    case 'REJECTED':
      return 'rejected';
    case 'EXPIRED':
      return 'expired';
    case 'DENIED':
      return 'denied';
    default:
      break;
  }
  if (o.cancelRequested) return 'pending-cancel';
  if (o.trigger && o.trigger.triggeredAt === null) return 'waiting-trigger';
  if (o.status === 'PARTIALLY_FILLED') return 'partially-filled';
  // A held order is working as soon as Strata holds it; a venue order once acknowledged.
  if (o.status === 'NEW') return o.trigger ? 'working' : 'pending-new';
  return 'working';
}
