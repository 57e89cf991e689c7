import type { FillRecord, JournalPort, OrderRecord, PositionAdjustment } from '../../core/ports.ts';

/**
 * The order journal in memory: the same port as the SQLite journal with nothing written anywhere.
 * For backtests, `exec simulate` and tests that need no recovery: a run is then a pure function
 * of its inputs and touches no filesystem. Orders are copied in and out, as a database would, so
 * the OMS changing its order in place after a write cannot rewrite history (an update copies into
 * the journal's own row: copyInto). Fills are kept as given: a FillRecord is read-only (its type
 * says so, and the type checker holds every writer to it), so the record the OMS made is the
 * record written; they are still copied out.
 */
export class MemoryOrderJournal implements JournalPort {
  private readonly orders = new Map<string, OrderRecord>();
  private readonly fills: FillRecord[] = [];
  private readonly fillIds = new Set<string>();
  private readonly tca = new Map<string, string>();
  private readonly meta = new Map<string, string>();
  private orderSeq = 0;
  /** Order events kept as the SQLite journal keeps them in order_events (read through `events`). */
  private readonly log = new EventColumns();

  /** The order events so far, oldest first, for inspection in tests (built when read). */
  get events(): JournalEvent[] {
    return this.log.rows();
  }

  nextOrderSeq(): number {
    return ++this.orderSeq;
  }

  insertOrder(order: OrderRecord, event: string): void {
    if (this.orders.has(order.id)) throw new Error(`order ${order.id} is already journaled`);
    if (order.seq > this.orderSeq) this.orderSeq = order.seq;
    this.orders.set(order.id, copyOrder(order));
    this.log.push(order.id, order.updatedAt, event, order.status, order.reason ? `${order.reason.code}: ${order.reason.message}` : null);
  }

  updateOrder(order: OrderRecord, event: string, detail?: string): void {
    const had = this.orders.get(order.id);
    if (had === undefined) throw new Error(`order ${order.id} is not journaled`);
    copyInto(had, order);
    this.log.push(order.id, order.updatedAt, event, order.status, detail ?? null);
  }

  recordFill(fill: FillRecord, order: OrderRecord, parent?: OrderRecord): boolean {
    if (this.fillIds.has(fill.id)) return false;
    this.fillIds.add(fill.id);
    this.fills.push(fill);
    this.rewrite(order);
    this.log.push(order.id, fill.ts, 'fill', order.status, fill.id);
    if (parent) {
      this.rewrite(parent);
      this.log.push(parent.id, fill.ts, 'child_fill', parent.status, fill.id);
    }
    return true;
  }

  /** The journal's row of an order written again (a fill: the SQLite journal updates or inserts it). */
  private rewrite(order: OrderRecord): void {
    const had = this.orders.get(order.id);
    if (had === undefined) this.orders.set(order.id, copyOrder(order));
    else copyInto(had, order);
  }

  saveTca(parentId: string, json: string): void {
    this.tca.set(parentId, json);
  }

  loadTca(parentId: string): string | undefined {
    return this.tca.get(parentId);
  }

  loadAllTca(): string[] {
    return [...this.tca.values()];
  }

  loadOrders(): OrderRecord[] {
    return [...this.orders.values()].sort((a, b) => a.seq - b.seq).map(copyOrder);
  }

  loadFills(): FillRecord[] {
    return this.fills.map((f) => ({ ...f }));
  }

  private readonly adjustments: PositionAdjustment[] = [];

  recordAdjustment(a: PositionAdjustment): boolean {
    if (this.adjustments.some((x) => x.id === a.id)) return false;
    this.adjustments.push({ ...a });
    return true;
  }

  loadAdjustments(): PositionAdjustment[] {
    return this.adjustments.map((a) => ({ ...a }));
  }

  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }

  close(): void {}
}

function copyOrder(o: OrderRecord): OrderRecord {
  return { ...o, reason: o.reason ? { ...o.reason } : null, trigger: o.trigger ? { ...o.trigger } : null };
}

/**
 * copyOrder into the journal's own row of the order, rewritten in place: the row is private
 * (reads copy it out), so nothing else sees it change, and an update allocates no new record (two
 * per round trip were short-lived garbage of ~40 fields each). Records never lose a field (no
 * optional fields in OrderRecord, no delete anywhere in the engine), so the row ends with exactly
 * the fields copyOrder would give it.
 */
function copyInto(row: OrderRecord, o: OrderRecord): void {
  Object.assign(row, o);
  row.reason = o.reason ? { ...o.reason } : null;
  row.trigger = o.trigger ? { ...o.trigger } : null;
}

export interface JournalEvent {
  orderId: string;
  ts: number;
  event: string;
  status: string;
  detail: string | null;
}

/**
 * Journal events as columns: a round trip writes three or four and keeps them for the life of the
 * journal, and an object each (with its timestamp boxed as a heap number) was ~200 bytes per order
 * for the young-generation collector to copy. The times sit unboxed in a number array.
 */
class EventColumns {
  private readonly orderIds: string[] = [];
  private readonly ts: number[] = [];
  private readonly names: string[] = [];
  private readonly statuses: string[] = [];
  private readonly details: (string | null)[] = [];

  push(orderId: string, ts: number, event: string, status: string, detail: string | null): void {
    this.orderIds.push(orderId);
    this.ts.push(ts);
    this.names.push(event);
    this.statuses.push(status);
    this.details.push(detail);
  }

  rows(): JournalEvent[] {
    const out: JournalEvent[] = [];
    for (let i = 0; i < this.orderIds.length; i++) out.push({ orderId: this.orderIds[i]!, ts: this.ts[i]!, event: this.names[i]!, status: this.statuses[i]!, detail: this.details[i]! });
    return out;
  }
}
