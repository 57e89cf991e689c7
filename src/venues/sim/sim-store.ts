import type { OrderType, Side, TimeInForce } from '../../contract/dto.ts';
import type { VenueFill, VenueOrderState } from '../../core/ports.ts';

/** The simulated exchange's own books, kept apart from the engine's journal like a real venue's. */
export interface SimOrder {
  clientOrderId: string;
  venueOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  qtyUnits: bigint;
  priceUnits: bigint | null;
  filledUnits: bigint;
  state: VenueOrderState;
  reason: { code: string; message: string } | null;
  /** Crowd quantity ahead of this order at its price (time priority). Not persisted precisely. */
  queueAheadUnits: bigint;
  createdAt: number;
}

export interface SimVenueStore {
  loadOrders(): SimOrder[];
  loadFills(): VenueFill[];
  saveOrder(order: SimOrder): void;
  /** Records a fill and the order's new state atomically. */
  recordFill(fill: VenueFill, order: SimOrder): void;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  close(): void;
}

/** A store that keeps nothing across restarts: for backtests and tests that need no recovery. */
export class EphemeralSimVenueStore implements SimVenueStore {
  private readonly meta = new Map<string, string>();
  loadOrders(): SimOrder[] {
    return [];
  }
  loadFills(): VenueFill[] {
    return [];
  }
  saveOrder(): void {}
  recordFill(): void {}
  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }
  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }
  close(): void {}
}
