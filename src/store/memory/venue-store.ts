import type { VenueFill } from '../../core/ports.ts';
import type { SimOrder, SimVenueStore } from '../../venues/sim/sim-store.ts';

/**
 * The loopback exchange's books, in memory: unlike EphemeralSimVenueStore it keeps orders, fills
 * and market state, so a "restart" of the fake exchange (a new SimVenue on the same store) comes
 * back with its resting orders and fills, as a real exchange does.
 */
export class MemorySimVenueStore implements SimVenueStore {
  private readonly orders = new Map<string, SimOrder>();
  private readonly fills: VenueFill[] = [];
  private readonly meta = new Map<string, string>();

  loadOrders(): SimOrder[] {
    return [...this.orders.values()].map((o) => ({ ...o }));
  }

  loadFills(): VenueFill[] {
    return this.fills.map((f) => ({ ...f }));
  }

  saveOrder(order: SimOrder): void {
    this.orders.set(order.clientOrderId, { ...order });
  }

  recordFill(fill: VenueFill, order: SimOrder): void {
    this.fills.push({ ...fill });
    this.saveOrder(order);
  }

  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }

  close(): void {}
}
