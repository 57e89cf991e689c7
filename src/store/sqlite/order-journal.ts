import type { AlgoKind, Liquidity, OrderStatus, OrderType, Side, TimeInForce, Urgency } from '../../contract/dto.ts';
import type { OrderSourceDto as OrderSource } from '../../contract/risk-dto.ts';
import type { FillRecord, JournalPort, OrderRecord, PositionAdjustment, TriggerRecord } from '../../core/ports.ts';
import { MetaTable, openDb } from './db.ts';
import type { Db } from './db.ts';
import { COMMIT_IS_DURABLE, fileWalSync } from './wal-sync.ts';
import type { WalSync } from './wal-sync.ts';

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

/** The `orders` columns in table order: inserts bind them by position (ORDER_COLS). */
const ORDER_COLS =
  'id, seq, venue_order_id, symbol, side, type, tif, qty_units, price_units, requested_qty, requested_price, filled_units, filled_notional_units, fee_units, status, reason_code, reason_message, cancel_requested, source, created_at, updated_at, ' +
  'parent_id, urgency, algo, algo_params, algo_state, paused, decision_price_units, decision_ts, arrival_price_units, arrival_ts, ' +
  'approved_by, proposal_id, risk_confirmed, ' +
  'trigger_json, oco_group, replaces_id, root_id';

type Bind = string | number | bigint | null;

/**
 * An order's row, positionally in ORDER_COLS order. Positional binds, not named ones: better-sqlite3
 * looks every named parameter up by name on each run, and an order row has 38 of them.
 */
function orderRow(o: OrderRecord): Bind[] {
  return [
    o.id,
    o.seq,
    o.venueOrderId,
    o.symbol,
    o.side,
    o.type,
    o.tif,
    o.qtyUnits,
    o.priceUnits,
    o.requestedQty,
    o.requestedPrice,
    o.filledUnits,
    o.filledNotionalUnits,
    o.feeUnits,
    o.status,
    o.reason?.code ?? null,
    o.reason?.message ?? null,
    o.cancelRequested ? 1 : 0,
    o.source,
    o.createdAt,
    o.updatedAt,
    o.parentId,
    o.urgency,
    o.algo,
    o.algoParams,
    o.algoState,
    o.paused ? 1 : 0,
    o.decisionPriceUnits,
    o.decisionTs,
    o.arrivalPriceUnits,
    o.arrivalTs,
    o.approvedBy,
    o.proposalId,
    o.riskConfirmed ? 1 : 0,
    triggerToJson(o.trigger),
    o.ocoGroup,
    o.replacesId,
    o.rootId,
  ];
}

/** What an update may change, in UPDATE_ORDER_SQL's order, the id last. */
const UPDATE_ORDER_SQL = `UPDATE orders SET venue_order_id=?, filled_units=?, filled_notional_units=?, fee_units=?, status=?,
  reason_code=?, reason_message=?, cancel_requested=?, updated_at=?, qty_units=?, algo_state=?, paused=?,
  arrival_price_units=?, arrival_ts=?, price_units=?, requested_qty=?, requested_price=?, trigger_json=? WHERE id=?`;

function orderUpdate(o: OrderRecord): Bind[] {
  return [
    o.venueOrderId,
    o.filledUnits,
    o.filledNotionalUnits,
    o.feeUnits,
    o.status,
    o.reason?.code ?? null,
    o.reason?.message ?? null,
    o.cancelRequested ? 1 : 0,
    o.updatedAt,
    o.qtyUnits,
    o.algoState,
    o.paused ? 1 : 0,
    o.arrivalPriceUnits,
    o.arrivalTs,
    o.priceUnits,
    o.requestedQty,
    o.requestedPrice,
    triggerToJson(o.trigger),
    o.id,
  ];
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
   * Group commit: order, fill and TCA writes join one open transaction, committed at the end of the
   * current task (a microtask) under synchronous=NORMAL, after which the WAL file is fdatasynced off
   * the event loop. Writes that arrive while that sync is in flight join the next batch, committed
   * and synced when it returns. Callers hold venue traffic and replies until `afterCommit` /
   * `committed` say the batch is durable, i.e. its sync has returned (src/kernel/durability.ts).
   */
  groupCommit?: boolean;
  /** How the WAL is made durable under group commit (default: fdatasync of the -wal file). */
  walSync?: WalSync;
}

/** One group-commit batch: what waits for it to be durable. */
interface Batch {
  waiting: (() => void)[];
  done?: { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void };
}

/**
 * The order journal on SQLite with synchronous=FULL: every write is committed (and fsynced)
 * before the call returns, which is what lets the OMS send only what is already durable. With
 * group commit, writes are durable when the batch's WAL sync returns; nothing is sent before that.
 */
export class SqliteOrderJournal implements JournalPort {
  readonly db: Db;
  private readonly stmts;
  /** Multi-statement writes outside a group-commit batch, each its own transaction (one commit). */
  private readonly tx;
  private readonly meta: MetaTable;
  private fillSeq: number;
  private orderSeq: number;
  private readonly groupCommit: boolean;
  private readonly walSync: WalSync | undefined;
  /** The batch being written (BEGIN issued, not committed yet). */
  private open: Batch | undefined;
  /** Committed batches a sync has not started to cover yet, oldest first. */
  private committedBatches: Batch[] = [];
  /** The batches the sync in flight covers; undefined: no sync in flight. */
  private syncing: Batch[] | undefined;
  private closed = false;
  /** A WAL sync failed: nothing journaled after it can be called durable (see failBatches). */
  private syncError: Error | undefined;
  /** Commits counted, for benchmarks and tests of the batching. */
  commits = 0;
  /** WAL syncs started under group commit, for benchmarks and tests. */
  syncs = 0;

  constructor(path: string, opts: JournalOptions = {}) {
    this.groupCommit = opts.groupCommit ?? false;
    // Under group commit the COMMIT itself does not fsync: the WAL sync after it makes it durable.
    const synchronous = this.groupCommit ? 'NORMAL' : (opts.synchronous ?? 'FULL');
    this.db = openDb(path, ENGINE_MIGRATIONS, { synchronous });
    let walSync = opts.walSync;
    if (this.groupCommit && walSync === undefined) {
      if (this.db.pragma('journal_mode', { simple: true }) === 'wal') walSync = fileWalSync(path);
      else {
        // Not in WAL mode, there is no -wal file to sync: each COMMIT pays its own fsync instead.
        this.db.pragma('synchronous = FULL');
        walSync = COMMIT_IS_DURABLE;
      }
    }
    this.walSync = walSync;
    const db = this.db;
    const cols = ORDER_COLS;
    const vals = cols
      .split(', ')
      .map(() => '?')
      .join(', ');
    this.meta = new MetaTable(db, 'meta');
    this.stmts = {
      maxOrderSeq: db.prepare(`SELECT COALESCE(MAX(seq), 0) AS m FROM orders`),
      insertAdjustment: db.prepare(
        `INSERT OR IGNORE INTO position_adjustments (id, ts, symbol, asset, qty_units, price_units, source, detail) VALUES (@id, @ts, @symbol, @asset, @qty_units, @price_units, @source, @detail)`,
      ),
      loadAdjustments: db.prepare(`SELECT id, ts, symbol, asset, qty_units, price_units, source, detail FROM position_adjustments ORDER BY seq`).safeIntegers(true),
      insertOrder: db.prepare(`INSERT INTO orders (${cols}) VALUES (${vals})`),
      updateOrder: db.prepare(UPDATE_ORDER_SQL),
      insertEvent: db.prepare(`INSERT INTO order_events (order_id, ts, event, status, detail) VALUES (?, ?, ?, ?, ?)`),
      deleteOrder: db.prepare(`DELETE FROM orders WHERE id = ?`),
      deleteEvent: db.prepare(`DELETE FROM order_events WHERE seq = ?`),
      insertFill: db.prepare(
        `INSERT OR IGNORE INTO fills (id, seq, order_id, symbol, side, price_units, qty_units, fee_units, liquidity, ts, mid_units)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      loadOrders: db.prepare(`SELECT ${cols} FROM orders ORDER BY seq`).safeIntegers(true),
      loadFills: db.prepare(`SELECT id, order_id, symbol, side, price_units, qty_units, fee_units, liquidity, ts, mid_units FROM fills ORDER BY seq`).safeIntegers(true),
      saveTca: db.prepare(`INSERT INTO tca(parent_id, json, updated_at) VALUES (?, ?, ?) ON CONFLICT(parent_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`),
      loadTca: db.prepare(`SELECT json FROM tca WHERE parent_id = ?`),
      loadAllTca: db.prepare(`SELECT json FROM tca ORDER BY updated_at, parent_id`),
      maxFillSeq: db.prepare(`SELECT COALESCE(MAX(seq), 0) AS m FROM fills`),
    };
    const stmts = this.stmts;
    // Made once: better-sqlite3 builds four wrapper functions for every db.transaction() call.
    this.tx = {
      insertOrder: db.transaction((row: Bind[], order: OrderRecord, event: string, detail: string | null) => {
        stmts.insertOrder.run(row);
        stmts.insertEvent.run(order.id, order.updatedAt, event, order.status, detail);
      }),
      updateOrder: db.transaction((update: Bind[], order: OrderRecord, event: string, detail: string | null) => {
        stmts.updateOrder.run(update);
        stmts.insertEvent.run(order.id, order.updatedAt, event, order.status, detail);
      }),
      recordFill: db.transaction((fill: FillRecord, order: OrderRecord, parent: OrderRecord | undefined): boolean => {
        const seq = this.fillSeq + 1;
        const res = stmts.insertFill.run(fill.id, seq, fill.orderId, fill.symbol, fill.side, fill.priceUnits, fill.qtyUnits, fill.feeUnits, fill.liquidity, fill.ts, fill.midUnits);
        if (res.changes === 0) return false;
        this.fillSeq = seq;
        stmts.updateOrder.run(orderUpdate(order));
        stmts.insertEvent.run(order.id, fill.ts, 'fill', order.status, fill.id);
        if (parent) {
          stmts.updateOrder.run(orderUpdate(parent));
          stmts.insertEvent.run(parent.id, fill.ts, 'child_fill', parent.status, fill.id);
        }
        return true;
      }),
    };
    this.fillSeq = Number((this.stmts.maxFillSeq.get() as { m: number }).m);
    this.orderSeq = Number((this.stmts.maxOrderSeq.get() as { m: number }).m);
    // The migrations ran under NORMAL: make them durable before the first order relies on them.
    this.walSync?.now();
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
    if (!this.groupCommit || this.open) return;
    if (this.syncError) throw new Error(`journal: an earlier WAL sync failed (${this.syncError.message}); nothing more is journaled`);
    this.db.exec('BEGIN IMMEDIATE');
    this.open = { waiting: [] };
    // At the end of the current task: every request handled in it (all the frames one socket read
    // delivered) joins this batch. A microtask, not setImmediate, so no timer runs between a request
    // and its commit: the engine's ordering of timers and requests stays what it was.
    queueMicrotask(() => this.endOfTask());
  }

  /**
   * The task that opened the batch has ended. With no sync in flight the batch is committed and its
   * sync starts; with one in flight it stays open, and whatever later tasks write joins it until
   * that sync returns (group commit: one COMMIT and one fdatasync for everything that arrived
   * during the previous one).
   */
  private endOfTask(): void {
    if (this.syncing) return;
    this.commitOpen();
    this.startSync();
  }

  private commitOpen(): void {
    const b = this.open;
    if (!b) return;
    if (this.db.open) this.db.exec('COMMIT');
    this.open = undefined;
    this.commits++;
    this.committedBatches.push(b);
  }

  private startSync(): void {
    if (this.syncing || this.committedBatches.length === 0 || this.closed) return;
    const covered = this.committedBatches;
    this.committedBatches = [];
    this.syncing = covered;
    this.syncs++;
    this.walSync!.begin((err) => {
      // close() synced and released everything itself.
      if (this.closed || this.syncing !== covered) return;
      this.syncing = undefined;
      if (err) {
        this.failBatches(covered, err);
        return;
      }
      this.release(covered);
      this.commitOpen();
      this.startSync();
    });
  }

  /** Runs what waited, in journal order, then resolves the batches' promises. */
  private release(batches: Batch[]): void {
    for (const b of batches) {
      for (const fn of b.waiting) fn();
      b.done?.resolve();
    }
  }

  /**
   * A failed fsync leaves the WAL's state on disk unknown (the kernel may have dropped the dirty
   * pages): no batch it covered, nor any later one, is called durable. Their venue traffic is never
   * released and their requests fail; recovery at the next start reconciles those orders by client
   * order id. The journal refuses further writes rather than run on a file it cannot trust.
   */
  private failBatches(covered: Batch[], err: Error): void {
    this.syncError = err;
    const all = [...covered, ...this.committedBatches, ...(this.open ? [this.open] : [])];
    this.committedBatches = [];
    for (const b of all) b.done?.reject(new Error(`journal: WAL sync failed: ${err.message}`));
  }

  /** The newest batch not yet durable, which everything journaled so far belongs to. */
  private newest(): Batch | undefined {
    return this.open ?? this.committedBatches.at(-1) ?? this.syncing?.at(-1);
  }

  /**
   * Commits the open batch now (another connection is about to write, or the engine stops). Its
   * durability still comes from a WAL sync: the next one, or close's.
   */
  flush(): void {
    if (!this.open) return;
    this.commitOpen();
    this.startSync();
  }

  afterCommit(fn: () => void): void {
    const b = this.newest();
    if (b) b.waiting.push(fn);
    else fn();
  }

  committed(): Promise<void> | undefined {
    const b = this.newest();
    if (!b) return undefined;
    if (!b.done) {
      let resolve!: () => void;
      let reject!: (err: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      b.done = { promise, resolve, reject };
    }
    return b.done.promise;
  }

  /** A write outside any batch (group commit only): durable before the call returns, as under FULL. */
  private syncLoose(): void {
    if (this.walSync && !this.open) this.walSync.now();
  }

  /*
   * Inside a group-commit batch an order write is two statements run without a SAVEPOINT around
   * them: the savepoint and its release cost twice what the two inserts do (measured with
   * better-sqlite3 on a WAL file: ~4 µs a pair bare, ~9 µs in a cached db.transaction(), ~20 µs with
   * the transaction function built per call, as this did). Each write is still all or nothing: the
   * statement that can be refused runs so that a refusal changes nothing, and if the other one fails
   * after it, what it wrote is deleted before the error is rethrown. Outside a batch (synchronous=FULL,
   * one commit per write) the pair is its own transaction.
   */
  insertOrder(order: OrderRecord, event: string): void {
    this.batch();
    const row = orderRow(order);
    const detail = order.reason ? `${order.reason.code}: ${order.reason.message}` : null;
    if (!this.open) {
      this.tx.insertOrder(row, order, event, detail);
      return;
    }
    // In a group-commit batch, without a SAVEPOINT (see above): the order row first (a
    // duplicate id or seq fails here, changing nothing), then its event; if that fails, the row goes.
    this.stmts.insertOrder.run(row);
    try {
      this.stmts.insertEvent.run(order.id, order.updatedAt, event, order.status, detail);
    } catch (err) {
      this.stmts.deleteOrder.run(order.id);
      throw err;
    }
  }

  updateOrder(order: OrderRecord, event: string, detail?: string): void {
    this.batch();
    const update = orderUpdate(order);
    if (!this.open) {
      this.tx.updateOrder(update, order, event, detail ?? null);
      return;
    }
    // In a group-commit batch, without a SAVEPOINT: the event first (an unknown order id fails its
    // foreign key here, changing nothing), then the row; if the row's checks refuse it, the event goes.
    const ev = this.stmts.insertEvent.run(order.id, order.updatedAt, event, order.status, detail ?? null);
    try {
      this.stmts.updateOrder.run(update);
    } catch (err) {
      this.stmts.deleteEvent.run(ev.lastInsertRowid);
      throw err;
    }
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
    return this.tx.recordFill(fill, order, parent);
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
    const added = this.stmts.insertAdjustment.run({ id: a.id, ts: a.ts, symbol: a.symbol, asset: a.asset, qty_units: a.qtyUnits, price_units: a.priceUnits, source: a.source, detail: a.detail }).changes > 0;
    this.syncLoose();
    return added;
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
    this.syncLoose();
  }

  /**
   * Commits the open batch and syncs the WAL before closing, then releases what waited (in order):
   * a sync still in flight is superseded by this one, and its late answer is ignored.
   */
  close(): void {
    if (this.open) this.commitOpen();
    const pending = [...(this.syncing ?? []), ...this.committedBatches];
    this.syncing = undefined;
    this.committedBatches = [];
    this.closed = true;
    if (this.walSync) {
      if (pending.length > 0 && this.db.open && !this.syncError) {
        this.walSync.now();
        this.release(pending);
      }
      this.walSync.close();
    }
    if (this.db.open) this.db.close();
  }
}
