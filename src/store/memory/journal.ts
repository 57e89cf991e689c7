import type { FillRecord, JournalPort, OrderRecord, PositionAdjustment } from '../../core/ports.ts';

/**
 * The order journal in memory: the same port as the SQLite journal with nothing written anywhere.
 * For backtests, `exec simulate` and tests that need no recovery: a run is then a pure function
 * of its inputs and touches no filesystem. Orders are copied in and out, as a database would, so
 * the OMS changing its order in place after a write cannot rewrite history (an update copies its
 * fields into the journal's own row: writeRow). Fills are kept as given: a FillRecord is read-only (its type
 * says so, and the type checker holds every writer to it), so the record the OMS made is the
 * record written; they are still copied out.
 *
 * One row per order, written once at insert and overwritten in place afterwards (writeRow): an
 * update or fill used to replace the row with a fresh copy, two ~40-field objects per round trip
 * for the young-generation collector (bench/kernel.ts row a). Rows never leave the journal (loads
 * copy them out), so nothing outside can see one change.
 */
export class MemoryOrderJournal implements JournalPort {
  private readonly orders = new Map<string, OrderRecord>();
  /**
   * The same rows by sequence number (from the first inserted): an update or fill finds its row
   * here, next to the last one written, instead of hashing its id into a map of every order the
   * journal ever took (a lookup that misses the cache, twice per round trip). The map stays the
   * index of ids (duplicates, loads); a row found here is used only when its id matches.
   */
  private readonly bySeq: (OrderRecord | undefined)[] = [];
  private seqBase = -1;
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
    const row = copyOrder(order);
    this.orders.set(order.id, row);
    this.fileBySeq(row);
    this.log.push(order.id, order.updatedAt, event, order.status, order.reason ? `${order.reason.code}: ${order.reason.message}` : null);
  }

  updateOrder(order: OrderRecord, event: string, detail?: string): void {
    const row = this.rowOf(order);
    if (!row) throw new Error(`order ${order.id} is not journaled`);
    writeRow(row, order);
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
    const row = this.rowOf(order);
    // A fill of an order never journaled (a caller's bug, or a test's shortcut) inserts its row, as an upsert would.
    if (row) writeRow(row, order);
    else {
      const fresh = copyOrder(order);
      this.orders.set(order.id, fresh);
      this.fileBySeq(fresh);
    }
  }

  /** Files a new row by its sequence number when that keeps the array dense (sequence numbers come in order; a gap or a number taken keeps it out). */
  private fileBySeq(row: OrderRecord): void {
    if (!Number.isInteger(row.seq) || row.seq < 0) return;
    if (this.seqBase < 0) this.seqBase = row.seq;
    const k = row.seq - this.seqBase;
    if (k >= 0 && k <= this.bySeq.length && this.bySeq[k] === undefined) this.bySeq[k] = row;
  }

  private rowOf(order: OrderRecord): OrderRecord | undefined {
    const k = order.seq - this.seqBase;
    const row = this.seqBase >= 0 && k >= 0 ? this.bySeq[k] : undefined;
    return row !== undefined && row.id === order.id ? row : this.orders.get(order.id);
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

/**
 * A copy of the record, every field written out: an object literal of this shape is built by one
 * allocation in V8 (a spread of ~40 fields takes a generic path, ~30% slower; Object.assign into
 * an existing row ~1 us, ten times the literal). The type checker holds the list complete:
 * OrderRecord has no optional fields, so a field added there and missed here fails `tsc`.
 */
function copyOrder(o: OrderRecord): OrderRecord {
  return {
    id: o.id,
    seq: o.seq,
    venueOrderId: o.venueOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    tif: o.tif,
    qtyUnits: o.qtyUnits,
    priceUnits: o.priceUnits,
    requestedQty: o.requestedQty,
    requestedPrice: o.requestedPrice,
    filledUnits: o.filledUnits,
    filledNotionalUnits: o.filledNotionalUnits,
    feeUnits: o.feeUnits,
    status: o.status,
    reason: o.reason ? { code: o.reason.code, message: o.reason.message } : null,
    cancelRequested: o.cancelRequested,
    source: o.source,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    parentId: o.parentId,
    urgency: o.urgency,
    algo: o.algo,
    algoParams: o.algoParams,
    algoState: o.algoState,
    paused: o.paused,
    decisionPriceUnits: o.decisionPriceUnits,
    decisionTs: o.decisionTs,
    arrivalPriceUnits: o.arrivalPriceUnits,
    arrivalTs: o.arrivalTs,
    approvedBy: o.approvedBy,
    proposalId: o.proposalId,
    riskConfirmed: o.riskConfirmed,
    trigger: o.trigger ? { ...o.trigger } : null,
    ocoGroup: o.ocoGroup,
    replacesId: o.replacesId,
    rootId: o.rootId,
  };
}

/**
 * copyOrder into an existing row, field by field (monomorphic stores, nothing allocated unless the
 * reason or trigger changed). Unlike copyOrder the type checker cannot see a field missed here:
 * tests/unit/store/memory/journal.test.ts changes every field of an order between writes and
 * holds the row equal to it.
 */
function writeRow(r: OrderRecord, o: OrderRecord): void {
  r.id = o.id;
  r.seq = o.seq;
  r.venueOrderId = o.venueOrderId;
  r.symbol = o.symbol;
  r.side = o.side;
  r.type = o.type;
  r.tif = o.tif;
  r.qtyUnits = o.qtyUnits;
  r.priceUnits = o.priceUnits;
  r.requestedQty = o.requestedQty;
  r.requestedPrice = o.requestedPrice;
  r.filledUnits = o.filledUnits;
  r.filledNotionalUnits = o.filledNotionalUnits;
  r.feeUnits = o.feeUnits;
  r.status = o.status;
  // The row's reason is its own copy: kept while the caller's still says the same.
  if (o.reason === null) r.reason = null;
  else if (r.reason === null || r.reason.code !== o.reason.code || r.reason.message !== o.reason.message) r.reason = { code: o.reason.code, message: o.reason.message };
  r.cancelRequested = o.cancelRequested;
  r.source = o.source;
  r.createdAt = o.createdAt;
  r.updatedAt = o.updatedAt;
  r.parentId = o.parentId;
  r.urgency = o.urgency;
  r.algo = o.algo;
  r.algoParams = o.algoParams;
  r.algoState = o.algoState;
  r.paused = o.paused;
  r.decisionPriceUnits = o.decisionPriceUnits;
  r.decisionTs = o.decisionTs;
  r.arrivalPriceUnits = o.arrivalPriceUnits;
  r.arrivalTs = o.arrivalTs;
  r.approvedBy = o.approvedBy;
  r.proposalId = o.proposalId;
  r.riskConfirmed = o.riskConfirmed;
  // Triggers are few (stops, bracket exits) and change in place (a trailing stop): copied each write.
  r.trigger = o.trigger ? { ...o.trigger } : null;
  r.ocoGroup = o.ocoGroup;
  r.replacesId = o.replacesId;
  r.rootId = o.rootId;
}

export interface JournalEvent {
  orderId: string;
  ts: number;
  event: string;
  status: string;
  detail: string | null;
}

/** Events per block of columns. */
const EVENT_BLOCK = 4096;

/** One block of EventColumns. */
class EventBlock {
  readonly orderIds: string[] = [];
  readonly ts: number[] = [];
  readonly names: string[] = [];
  readonly statuses: string[] = [];
  readonly details: (string | null)[] = [];
}

/**
 * Journal events as columns: a round trip writes three or four and keeps them for the life of the
 * journal, and an object each (with its timestamp boxed as a heap number) was ~200 bytes per order
 * for the young-generation collector to copy. The times sit unboxed in a number array. The columns
 * come in blocks of EVENT_BLOCK: five arrays of every event ever written grew by copying themselves
 * whole, ever larger, and the pushes were ~5% of a long in-memory run (bench/kernel.ts row a).
 */
class EventColumns {
  private readonly blocks: EventBlock[] = [];
  private block: EventBlock | undefined;

  push(orderId: string, ts: number, event: string, status: string, detail: string | null): void {
    let b = this.block;
    if (b === undefined || b.ts.length >= EVENT_BLOCK) {
      b = this.block = new EventBlock();
      this.blocks.push(b);
    }
    b.orderIds.push(orderId);
    b.ts.push(ts);
    b.names.push(event);
    b.statuses.push(status);
    b.details.push(detail);
  }

  rows(): JournalEvent[] {
    const out: JournalEvent[] = [];
    for (const b of this.blocks) {
      for (let i = 0; i < b.ts.length; i++) out.push({ orderId: b.orderIds[i]!, ts: b.ts[i]!, event: b.names[i]!, status: b.statuses[i]!, detail: b.details[i]! });
    }
    return out;
  }
}
