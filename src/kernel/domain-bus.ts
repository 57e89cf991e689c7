import type { BreakerEventDto, LimitsDto, RiskFlagDto, TradingStateDto } from '../contract/risk-dto.ts';
import type { Order } from '../core/order.ts';
import type { FillReceived, OrderEventName } from '../execution/order-events.ts';

/**
 * The engine's domain events, named for what happened. Order changes carry the order as the OMS
 * left it (see `src/execution/order-events.ts`); risk events carry L1's and the PMS's own views.
 * Wire DTOs are projections of these, built only when a client subscribes (`projections.ts`).
 */
export interface DomainEvents {
  FillReceived: FillReceived;
  FlagsChanged: { readonly flags: RiskFlagDto[] };
  TradingStateChanged: { readonly state: TradingStateDto };
  BreakerTripped: { readonly event: BreakerEventDto };
  LimitsChanged: { readonly limits: LimitsDto };
}
export type DomainEventName = keyof DomainEvents | OrderEventName;

type OrderHandler = (order: Order, event: OrderEventName) => void;

/**
 * One bus for the kernel's reactions. Dispatch is synchronous and nested, as the OMS listener
 * calls it replaces were: an algo that sends a child while hearing of its parent's fill has that
 * child's events delivered before the call returns, so every consumer sees each order's changes in
 * the order the journal recorded them. A failing consumer is reported, and the others still hear.
 */
export class DomainBus {
  private readonly orderHandlers: OrderHandler[] = [];
  private readonly handlers: { [K in keyof DomainEvents]?: ((e: DomainEvents[K]) => void)[] } = {};

  private readonly onError: (err: unknown, event: DomainEventName) => void;

  constructor(onError: (err: unknown, event: DomainEventName) => void) {
    this.onError = onError;
  }

  /** Every order event (a consumer that keeps per-order state wants them all, in journal order). */
  onOrder(h: OrderHandler): void {
    this.orderHandlers.push(h);
  }

  on<K extends keyof DomainEvents>(type: K, h: (e: DomainEvents[K]) => void): void {
    const list = (this.handlers[type] ??= []) as ((e: DomainEvents[K]) => void)[];
    list.push(h);
  }

  order(order: Order, event: OrderEventName): void {
    for (const h of this.orderHandlers) {
      try {
        h(order, event);
      } catch (err) {
        this.onError(err, event);
      }
    }
  }

  publish<K extends keyof DomainEvents>(type: K, e: DomainEvents[K]): void {
    const list = this.handlers[type] as ((e: DomainEvents[K]) => void)[] | undefined;
    if (!list) return;
    for (const h of list) {
      try {
        h(e);
      } catch (err) {
        this.onError(err, type);
      }
    }
  }
}
