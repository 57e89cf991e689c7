import type { AlgoKind, Liquidity, OrderStatus, OrderType, Side, TimeInForce, Urgency } from '../../contract/dto.ts';
import type { OrderSourceDto as OrderSource } from '../../contract/risk-dto.ts';
import type { FillRecord, JournalPort, OrderRecord, PositionAdjustment, TriggerRecord } from '../../core/ports.ts';
import { MetaTable, openDb } from './db.ts';
import type { Db } from './db.ts';

/** Schema of the engine database. Append only: each entry is one migration. */
export const ENGINE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    venue_order_id TEXT,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy','sell')),
    type TEXT NOT NULL CHECK (type IN ('market','limit')),
    tif TEXT NOT NULL CHECK (tif IN ('gtc','ioc')),
    qty_units INTEGER NOT NULL,
    price_units INTEGER,
    requested_qty TEXT NOT NULL,
    requested_price TEXT,
    filled_units INTEGER NOT NULL,
    filled_notional_units INTEGER NOT NULL,
    fee_units INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason_code TEXT,
    reason_message TEXT,
    cancel_requested INTEGER NOT NULL,
    source TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (filled_units <= qty_units OR status = 'DENIED')
  );
  CREATE INDEX orders_open ON orders(status) WHERE status IN ('NEW','PENDING','PARTIALLY_FILLED');
  CREATE TABLE order_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL REFERENCES orders(id),
    ts INTEGER NOT NULL,
    event TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT
  );
  CREATE TABLE fills (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    order_id TEXT NOT NULL REFERENCES orders(id),
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    price_units INTEGER NOT NULL,
    qty_units INTEGER NOT NULL CHECK (qty_units > 0),
    fee_units INTEGER NOT NULL,
    liquidity TEXT NOT NULL,
    ts INTEGER NOT NULL
  );
  CREATE INDEX fills_order ON fills(order_id);
  `,
  // 2: parent/child orders worked by execution algorithms, and execution quality per parent.
  `
  ALTER TABLE orders ADD COLUMN parent_id TEXT REFERENCES orders(id);
  ALTER TABLE orders ADD COLUMN urgency TEXT NOT NULL DEFAULT 'immediate';
  ALTER TABLE orders ADD COLUMN algo TEXT;
  ALTER TABLE orders ADD COLUMN algo_params TEXT;
  ALTER TABLE orders ADD COLUMN algo_state TEXT;
  ALTER TABLE orders ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE orders ADD COLUMN decision_price_units INTEGER;
  ALTER TABLE orders ADD COLUMN decision_ts INTEGER;
  ALTER TABLE orders ADD COLUMN arrival_price_units INTEGER;
  ALTER TABLE orders ADD COLUMN arrival_ts INTEGER;
  CREATE INDEX orders_parent ON orders(parent_id) WHERE parent_id IS NOT NULL;
  ALTER TABLE fills ADD COLUMN mid_units INTEGER;
  CREATE TABLE tca (parent_id TEXT PRIMARY KEY REFERENCES orders(id), json TEXT NOT NULL, updated_at INTEGER NOT NULL);
  `,
  // 3: how an order entered (the intake). Its origin stays in \`source\` (manual, api, signal); a signal
  // order approved by the operator names the approver and the proposal; the operator's confirmation
  // of soft breaches becomes a column (it was JSON inside a parent's algo_params, and children read
  // it from there): carried over from that JSON, and onto the children of a confirmed parent.
  `
  ALTER TABLE orders ADD COLUMN approved_by TEXT;
  ALTER TABLE orders ADD COLUMN proposal_id TEXT;
  ALTER TABLE orders ADD COLUMN risk_confirmed INTEGER NOT NULL DEFAULT 0;
  UPDATE orders SET risk_confirmed = 1
    WHERE algo_params IS NOT NULL AND json_valid(algo_params) AND json_extract(algo_params, '$.riskConfirmed') = 1;
  UPDATE orders SET risk_confirmed = 1
    WHERE parent_id IN (SELECT id FROM orders WHERE risk_confirmed = 1);
  `,
  // 4: triggers held by Strata (stops, bracket exits), one-cancels-other groups, cancel/replace lineage.
  `
  ALTER TABLE orders ADD COLUMN trigger_json TEXT;
  ALTER TABLE orders ADD COLUMN oco_group TEXT;
  ALTER TABLE orders ADD COLUMN replaces_id TEXT REFERENCES orders(id);
  ALTER TABLE orders ADD COLUMN root_id TEXT;
  CREATE INDEX orders_oco ON orders(oco_group) WHERE oco_group IS NOT NULL;
  `,
  // 5: positions that did not come from a fill (an exchange account's holdings when Strata met it,
  // differences taken over by reconciliation), and UNRESOLVED among the open statuses.
  `
  CREATE TABLE position_adjustments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    ts INTEGER NOT NULL,
    symbol TEXT,
    asset TEXT NOT NULL,
    qty_units INTEGER NOT NULL,
    price_units INTEGER,
    source TEXT NOT NULL CHECK (source IN ('opening','reconciliation','operator')),
    detail TEXT NOT NULL
  );
  DROP INDEX orders_open;
  CREATE INDEX orders_open ON orders(status) WHERE status IN ('NEW','PENDING','PARTIALLY_FILLED','UNRESOLVED');
  `,
];

interface OrderRow {
  id: string;
  seq: bigint;
  venue_order_id: string | null;
  symbol: string;
  side: string;
  type: string;
  tif: string;
  qty_units: bigint;
  price_units: bigint | null;
  requested_qty: string;
  requested_price: string | null;
  filled_units: bigint;
  filled_notional_units: bigint;
  fee_units: bigint;
  status: string;
  reason_code: string | null;
  reason_message: string | null;
  cancel_requested: bigint;
  source: string;
  created_at: bigint;
  updated_at: bigint;
  parent_id: string | null;
  urgency: string;
  algo: string | null;
  algo_params: string | null;
  algo_state: string | null;
  paused: bigint;
  decision_price_units: bigint | null;
  decision_ts: bigint | null;
  arrival_price_units: bigint | null;
  arrival_ts: bigint | null;
  approved_by: string | null;
  proposal_id: string | null;
  risk_confirmed: bigint;
  trigger_json: string | null;
  oco_group: string | null;
  replaces_id: string | null;
  root_id: string | null;
}

interface FillRow {
  id: string;
  order_id: string;
  symbol: string;
  side: string;
  price_units: bigint;
  qty_units: bigint;
  fee_units: bigint;
  liquidity: string;
  ts: bigint;
  mid_units: bigint | null;
}

function orderParams(o: OrderRecord): Record<string, unknown> {
  return {
    id: o.id,
    seq: o.seq,
    venue_order_id: o.venueOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    tif: o.tif,
    qty_units: o.qtyUnits,
    price_units: o.priceUnits,
    requested_qty: o.requestedQty,
    requested_price: o.requestedPrice,
    filled_units: o.filledUnits,
    filled_notional_units: o.filledNotionalUnits,
    fee_units: o.feeUnits,
    status: o.status,
    reason_code: o.reason?.code ?? null,
    reason_message: o.reason?.message ?? null,
    cancel_requested: o.cancelRequested ? 1 : 0,
    source: o.source,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    parent_id: o.parentId,
    urgency: o.urgency,
    algo: o.algo,
    algo_params: o.algoParams,
    algo_state: o.algoState,
    paused: o.paused ? 1 : 0,
    decision_price_units: o.decisionPriceUnits,
    decision_ts: o.decisionTs,
    arrival_price_units: o.arrivalPriceUnits,
    arrival_ts: o.arrivalTs,
    approved_by: o.approvedBy,
    proposal_id: o.proposalId,
    risk_confirmed: o.riskConfirmed ? 1 : 0,
    trigger_json: triggerToJson(o.trigger),
    oco_group: o.ocoGroup,
    replaces_id: o.replacesId,
    root_id: o.rootId,
  };
}

function rowToOrder(r: OrderRow): OrderRecord {
  return {
    id: r.id,
    seq: Number(r.seq),
    venueOrderId: r.venue_order_id,
    symbol: r.symbol,
    side: r.side as Side,
    type: r.type as OrderType,
    tif: r.tif as TimeInForce,
    qtyUnits: r.qty_units,
    priceUnits: r.price_units,
    requestedQty: r.requested_qty,
    requestedPrice: r.requested_price,
    filledUnits: r.filled_units,
    filledNotionalUnits: r.filled_notional_units,
    feeUnits: r.fee_units,
    status: r.status as OrderStatus,
    reason: r.reason_code !== null ? { code: r.reason_code, message: r.reason_message ?? '' } : null,
    cancelRequested: r.cancel_requested !== 0n,
    source: r.source as OrderSource,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    parentId: r.parent_id,
    urgency: r.urgency as Urgency,
    algo: r.algo as AlgoKind | null,
    algoParams: r.algo_params,
    algoState: r.algo_state,
    paused: r.paused !== 0n,
    decisionPriceUnits: r.decision_price_units,
    decisionTs: r.decision_ts === null ? null : Number(r.decision_ts),
    arrivalPriceUnits: r.arrival_price_units,
    arrivalTs: r.arrival_ts === null ? null : Number(r.arrival_ts),
    approvedBy: r.approved_by,
    proposalId: r.proposal_id,
    riskConfirmed: r.risk_confirmed !== 0n,
    trigger: triggerFromJson(r.trigger_json),
    ocoGroup: r.oco_group,
    replacesId: r.replaces_id,
    rootId: r.root_id,
  };
}

/** A trigger as JSON text: bigints as decimal strings. */
export function triggerToJson(t: TriggerRecord | null): string | null {
  if (t === null) return null;
  return JSON.stringify({ ...t, stopPriceUnits: t.stopPriceUnits?.toString() ?? null, trailUnits: t.trailUnits?.toString() ?? null });
}

export function triggerFromJson(s: string | null): TriggerRecord | null {
  if (s === null) return null;
  const j = JSON.parse(s) as Omit<TriggerRecord, 'stopPriceUnits' | 'trailUnits'> & { stopPriceUnits: string | null; trailUnits: string | null };
  return { ...j, stopPriceUnits: j.stopPriceUnits === null ? null : BigInt(j.stopPriceUnits), trailUnits: j.trailUnits === null ? null : BigInt(j.trailUnits) };
}

export interface JournalOptions {
  /** FULL (default): a commit survives power loss; NORMAL: it survives a crash of the process. */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Group commit: order, fill and TCA writes join one open transaction that is committed at the
   * end of the current task (a microtask), so every order that arrives while a commit is in flight
   * joins the next one and one fsync covers them all. Callers hold venue traffic and replies
   * until `afterCommit` / `committed` say the batch is durable (src/kernel/durability.ts).
   */
  groupCommit?: boolean;
}

/**
 * The order journal on SQLite with synchronous=FULL: every write is committed (and fsynced)
 * before the call returns, which is what lets the OMS send only what is already durable. With
 * group commit, writes are durable when the batch commits; nothing is sent before that.
 */
export class SqliteOrderJournal implements JournalPort {
  readonly db: Db;
  private readonly stmts;
  private readonly meta: MetaTable;
  private fillSeq: number;
  private orderSeq: number;
  private readonly groupCommit: boolean;
  /** A group-commit batch is open (BEGIN issued, COMMIT scheduled). */
  private inBatch = false;
  private readonly waiting: (() => void)[] = [];
  private batchDone: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Commits counted, for benchmarks and tests of the batching. */
  commits = 0;

  constructor(path: string, opts: JournalOptions = {}) {
    this.groupCommit = opts.groupCommit ?? false;
    this.db = openDb(path, ENGINE_MIGRATIONS, { synchronous: opts.synchronous ?? 'FULL' });
    const db = this.db;
    const cols =
      'id, seq, venue_order_id, symbol, side, type, tif, qty_units, price_units, requested_qty, requested_price, filled_units, filled_notional_units, fee_units, status, reason_code, reason_message, cancel_requested, source, created_at, updated_at, ' +
      'parent_id, urgency, algo, algo_params, algo_state, paused, decision_price_units, decision_ts, arrival_price_units, arrival_ts, ' +
      'approved_by, proposal_id, risk_confirmed, ' +
      'trigger_json, oco_group, replaces_id, root_id';
    const vals = cols
      .split(', ')
      .map((c) => '@' + c)
      .join(', ');
    this.meta = new MetaTable(db, 'meta');
    this.stmts = {
      maxOrderSeq: db.prepare(`SELECT COALESCE(MAX(seq), 0) AS m FROM orders`),
      insertAdjustment: db.prepare(
        `INSERT OR IGNORE INTO position_adjustments (id, ts, symbol, asset, qty_units, price_units, source, detail) VALUES (@id, @ts, @symbol, @asset, @qty_units, @price_units, @source, @detail)`,
      ),
      loadAdjustments: db.prepare(`SELECT id, ts, symbol, asset, qty_units, price_units, source, detail FROM position_adjustments ORDER BY seq`).safeIntegers(true),
      insertOrder: db.prepare(`INSERT INTO orders (${cols}) VALUES (${vals})`),
      updateOrder: db.prepare(
        `UPDATE orders SET venue_order_id=@venue_order_id, filled_units=@filled_units, filled_notional_units=@filled_notional_units,
         fee_units=@fee_units, status=@status, reason_code=@reason_code, reason_message=@reason_message,
         cancel_requested=@cancel_requested, updated_at=@updated_at, qty_units=@qty_units, algo_state=@algo_state,
         paused=@paused, arrival_price_units=@arrival_price_units, arrival_ts=@arrival_ts,
         price_units=@price_units, requested_qty=@requested_qty, requested_price=@requested_price, trigger_json=@trigger_json WHERE id=@id`,
      ),
      insertEvent: db.prepare(`INSERT INTO order_events (order_id, ts, event, status, detail) VALUES (?, ?, ?, ?, ?)`),
      insertFill: db.prepare(
        `INSERT OR IGNORE INTO fills (id, seq, order_id, symbol, side, price_units, qty_units, fee_units, liquidity, ts, mid_units)
         VALUES (@id, @seq, @order_id, @symbol, @side, @price_units, @qty_units, @fee_units, @liquidity, @ts, @mid_units)`,
      ),
      loadOrders: db.prepare(`SELECT ${cols} FROM orders ORDER BY seq`).safeIntegers(true),
      loadFills: db.prepare(`SELECT id, order_id, symbol, side, price_units, qty_units, fee_units, liquidity, ts, mid_units FROM fills ORDER BY seq`).safeIntegers(true),
      saveTca: db.prepare(`INSERT INTO tca(parent_id, json, updated_at) VALUES (?, ?, ?) ON CONFLICT(parent_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`),
      loadTca: db.prepare(`SELECT json FROM tca WHERE parent_id = ?`),
      loadAllTca: db.prepare(`SELECT json FROM tca ORDER BY updated_at, parent_id`),
      maxFillSeq: db.prepare(`SELECT COALESCE(MAX(seq), 0) AS m FROM fills`),
    };
    this.fillSeq = Number((this.stmts.maxFillSeq.get() as { m: number }).m);
    this.orderSeq = Number((this.stmts.maxOrderSeq.get() as { m: number }).m);
  }

  /**
   * Order sequence numbers come from memory, seeded from the journal at open: every order (even a
   * denial) is inserted with its number, so a restart continues after the highest one, and placing
   * an order costs one durable commit instead of two.
   */
  nextOrderSeq(): number {
    return ++this.orderSeq;
  }

  /** Opens the group-commit batch if there is none (a no-op without group commit). */
  private batch(): void {
    if (!this.groupCommit || this.inBatch) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.inBatch = true;
    // At the end of the current task: every request handled in it (all the frames one socket read
    // delivered) joins this commit, and whatever arrives while the fsync blocks waits in the socket
    // buffer for the next one. A microtask, not setImmediate, so no timer runs between a request
    // and its commit: the engine's ordering of timers and requests stays what it was.
    queueMicrotask(() => this.flush());
  }

  /** Commits the open batch, then releases what waited for it, in order. */
  flush(): void {
    if (!this.inBatch) return;
    if (this.db.open) this.db.exec('COMMIT');
    this.inBatch = false;
    this.commits++;
    const done = this.batchDone;
    this.batchDone = undefined;
    for (const fn of this.waiting.splice(0)) fn();
    done?.resolve();
  }

  afterCommit(fn: () => void): void {
    if (this.inBatch) this.waiting.push(fn);
    else fn();
  }

  committed(): Promise<void> | undefined {
    if (!this.inBatch) return undefined;
    if (!this.batchDone) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.batchDone = { promise, resolve };
    }
    return this.batchDone.promise;
  }

  insertOrder(order: OrderRecord, event: string): void {
    this.batch();
    this.db.transaction(() => {
      this.stmts.insertOrder.run(orderParams(order));
      this.stmts.insertEvent.run(order.id, order.updatedAt, event, order.status, order.reason ? `${order.reason.code}: ${order.reason.message}` : null);
    })();
  }

  updateOrder(order: OrderRecord, event: string, detail?: string): void {
    this.batch();
    this.db.transaction(() => {
      this.stmts.updateOrder.run(orderParams(order));
      this.stmts.insertEvent.run(order.id, order.updatedAt, event, order.status, detail ?? null);
    })();
  }

  saveTca(parentId: string, json: string, ts: number): void {
    this.batch();
    this.stmts.saveTca.run(parentId, json, ts);
  }

  loadTca(parentId: string): string | undefined {
    return (this.stmts.loadTca.get(parentId) as { json: string } | undefined)?.json;
  }

  loadAllTca(): string[] {
    return (this.stmts.loadAllTca.all() as { json: string }[]).map((r) => r.json);
  }

  recordFill(fill: FillRecord, order: OrderRecord, parent?: OrderRecord): boolean {
    this.batch();
    return this.db.transaction(() => {
      const seq = this.fillSeq + 1;
      const res = this.stmts.insertFill.run({
        id: fill.id,
        seq,
        order_id: fill.orderId,
        symbol: fill.symbol,
        side: fill.side,
        price_units: fill.priceUnits,
        qty_units: fill.qtyUnits,
        fee_units: fill.feeUnits,
        liquidity: fill.liquidity,
        ts: fill.ts,
        mid_units: fill.midUnits,
      });
      if (res.changes === 0) return false;
      this.fillSeq = seq;
      this.stmts.updateOrder.run(orderParams(order));
      this.stmts.insertEvent.run(order.id, fill.ts, 'fill', order.status, fill.id);
      if (parent) {
        this.stmts.updateOrder.run(orderParams(parent));
        this.stmts.insertEvent.run(parent.id, fill.ts, 'child_fill', parent.status, fill.id);
      }
      return true;
    })();
  }

  loadOrders(): OrderRecord[] {
    return (this.stmts.loadOrders.all() as OrderRow[]).map(rowToOrder);
  }

  loadFills(): FillRecord[] {
    return (this.stmts.loadFills.all() as FillRow[]).map((r) => ({
      id: r.id,
      orderId: r.order_id,
      symbol: r.symbol,
      side: r.side as Side,
      priceUnits: r.price_units,
      qtyUnits: r.qty_units,
      feeUnits: r.fee_units,
      liquidity: r.liquidity as Liquidity,
      ts: Number(r.ts),
      midUnits: r.mid_units,
    }));
  }

  recordAdjustment(a: PositionAdjustment): boolean {
    return this.stmts.insertAdjustment.run({ id: a.id, ts: a.ts, symbol: a.symbol, asset: a.asset, qty_units: a.qtyUnits, price_units: a.priceUnits, source: a.source, detail: a.detail }).changes > 0;
  }

  loadAdjustments(): PositionAdjustment[] {
    type Row = { id: string; ts: bigint; symbol: string | null; asset: string; qty_units: bigint; price_units: bigint | null; source: PositionAdjustment['source']; detail: string };
    return (this.stmts.loadAdjustments.all() as Row[]).map((r) => ({ id: r.id, ts: Number(r.ts), symbol: r.symbol, asset: r.asset, qtyUnits: r.qty_units, priceUnits: r.price_units, source: r.source, detail: r.detail }));
  }

  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }

  close(): void {
    this.flush();
    if (this.db.open) this.db.close();
  }
}
