import type { PositionState } from '../core/ledger.ts';
import type { Order } from '../core/order.ts';
import type { FillRecord } from '../core/ports.ts';

/**
 * What happened to an order, as past-tense domain facts. The OMS names every change it journals
 * (`created`, `accepted`, `cancel_requested`, `paused`…); the same name is the domain event, so a
 * consumer reacts to what happened rather than re-deriving it from a status it compares with the
 * last one it saw. One vocabulary for the journal and the bus.
 */
export const ORDER_EVENT_NAMES = [
  'OrderSubmitted',
  'OrderAccepted',
  'OrderAmended',
  'OrderTriggered',
  'OrderCancelRequested',
  'OrderCancelRejected',
  'OrderPartiallyFilled',
  'OrderFilled',
  'OrderCancelled',
  'OrderRejected',
  'OrderExpired',
  'OrderDenied',
  'OrderAdopted',
  /** The venue may or may not have it (a create that timed out, a venue unreachable at recovery). */
  'OrderUnresolved',
  'AlgoStarted',
  'AlgoPaused',
  'AlgoResumed',
  'AlgoProgressed',
] as const;
export type OrderEventName = (typeof ORDER_EVENT_NAMES)[number];

/** The journal's name for a change → its domain event. */
const BY_JOURNAL_EVENT: Readonly<Record<string, OrderEventName>> = Object.assign(Object.create(null) as Record<string, OrderEventName>, {
  created: 'OrderSubmitted',
  created_replacing: 'OrderSubmitted',
  accepted: 'OrderAccepted',
  resized: 'OrderAmended',
  modified: 'OrderAmended',
  modify_requested: 'OrderAmended',
  triggered: 'OrderTriggered',
  trailed: 'OrderAmended',
  cancel_requested: 'OrderCancelRequested',
  oco_cancel_requested: 'OrderCancelRequested',
  cancel_resent: 'OrderCancelRequested',
  cancel_rejected: 'OrderCancelRejected',
  cancelled: 'OrderCancelled',
  rejected: 'OrderRejected',
  expired: 'OrderExpired',
  lost: 'OrderRejected',
  denied: 'OrderDenied',
  adopted_external: 'OrderAdopted',
  unresolved: 'OrderUnresolved',
  algo_started: 'AlgoStarted',
  paused: 'AlgoPaused',
  resumed: 'AlgoResumed',
  algo_state: 'AlgoProgressed',
});

/**
 * The domain event for a journaled change. A fill names the order's new state; a terminal status
 * reached by a path without its own name (a loss settled by reconciliation) names its status.
 */
export function orderEventOf(journalEvent: string, order: Order): OrderEventName {
  if (journalEvent === 'filled') return order.status === 'FILLED' ? 'OrderFilled' : 'OrderPartiallyFilled';
  const named = BY_JOURNAL_EVENT[journalEvent];
  if (named) return named;
  switch (order.status) {
    case 'FILLED':
      return 'OrderFilled';
    case 'CANCELLED':
      return 'OrderCancelled';
    case 'REJECTED':
      return 'OrderRejected';
    case 'EXPIRED':
      return 'OrderExpired';
    case 'DENIED':
      return 'OrderDenied';
    default:
      return 'OrderAmended';
  }
}

export interface FillReceived {
  readonly fill: FillRecord;
  readonly order: Order;
  readonly position: PositionState;
}
