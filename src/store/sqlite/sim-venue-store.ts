import type { Liquidity, OrderType, Side, TimeInForce } from '../../contract/dto.ts';
import type { VenueFill, VenueOrderState } from '../../core/ports.ts';
import type { SimOrder, SimVenueStore } from '../../venues/sim/sim-store.ts';
import { MetaTable, openDb } from './db.ts';
import type { Db } from './db.ts';

const SIM_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE venue_orders (
    client_order_id TEXT PRIMARY KEY,
    venue_order_id TEXT NOT NULL UNIQUE,
    symbol TEXT NOT NULL, side TEXT NOT NULL, type TEXT NOT NULL, tif TEXT NOT NULL,
    qty_units INTEGER NOT NULL, price_units INTEGER, filled_units INTEGER NOT NULL,
    state TEXT NOT NULL, reason_code TEXT, reason_message TEXT,
    queue_ahead_units INTEGER NOT NULL, created_at INTEGER NOT NULL
  );
  CREATE TABLE venue_fills (
    id TEXT PRIMARY KEY, client_order_id TEXT NOT NULL REFERENCES venue_orders(client_order_id),
    venue_order_id TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
    price_units INTEGER NOT NULL, qty_units INTEGER NOT NULL, fee_units INTEGER NOT NULL,
    liquidity TEXT NOT NULL, ts INTEGER NOT NULL
  );
  CREATE INDEX venue_fills_order ON venue_fills(client_order_id);
  `,
];

interface OrderRow {
  client_order_id: string;
  venue_order_id: string;
  symbol: string;
  side: string;
  type: string;
  tif: string;
  qty_units: bigint;
  price_units: bigint | null;
  filled_units: bigint;
  state: string;
  reason_code: string | null;
  reason_message: string | null;
  queue_ahead_units: bigint;
  created_at: bigint;
}

interface FillRow {
  id: string;
  client_order_id: string;
  venue_order_id: string;
  symbol: string;
  side: string;
  price_units: bigint;
  qty_units: bigint;
  fee_units: bigint;
  liquidity: string;
  ts: bigint;
}

/**
 * SQLite books of the simulated venue. synchronous=NORMAL: survives a process kill, like the venue
 * would. Writes made in one task (one drain of the venue's inbox accepts a whole burst of orders)
 * share one transaction, committed at the end of that task: a commit per write cost more than the
 * writes themselves in a burst of resting orders.
 */
type Bind = string | number | bigint | null;

/** Positions in orderParams of the columns upsertOrder's DO UPDATE sets (filled, state, reason, queue ahead). */
const UPSERT_UPDATED = [8, 9, 10, 11, 12] as const;

export class SqliteSimVenueStore implements SimVenueStore {
  private readonly db: Db;
  private readonly stmts;
  /** A fill and its order's row together; made once (db.transaction() builds its wrappers per call). */
  private readonly fillTx: (fill: VenueFill, order: SimOrder) => void;
  private readonly meta: MetaTable;
  private inTask = false;
  /**
   * Order rows saved in this task and not written yet, by client order id. The venue saves an
   * order two or more times in one task (accepted, then resting in the book; queue updates), and
   * every save but the task's last was overwritten before its commit: the row is written once, at
   * the commit. Exactly what the upserts in turn would leave: the first save's row (an insert, or
   * nothing new for a row already stored) with the last save's values in the columns the upsert
   * updates (UPSERT_UPDATED).
   */
  private readonly held = new Map<string, Bind[]>();
  /** Commits counted, for benchmarks and tests of the batching. */
  commits = 0;

  constructor(path: string) {
    this.db = openDb(path, SIM_MIGRATIONS, { synchronous: 'NORMAL' });
    const db = this.db;
    this.meta = new MetaTable(db, 'meta');
    this.stmts = {
      upsertOrder: db.prepare(`INSERT INTO venue_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(client_order_id) DO UPDATE SET filled_units = excluded.filled_units, state = excluded.state,
        reason_code = excluded.reason_code, reason_message = excluded.reason_message, queue_ahead_units = excluded.queue_ahead_units`),
      insertFill: db.prepare(`INSERT INTO venue_fills VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      loadOrders: db.prepare(`SELECT * FROM venue_orders ORDER BY created_at, venue_order_id`).safeIntegers(true),
      loadFills: db.prepare(`SELECT * FROM venue_fills ORDER BY rowid`).safeIntegers(true),
    };
    const stmts = this.stmts;
    this.fillTx = db.transaction((fill: VenueFill, order: SimOrder) => {
      stmts.insertFill.run(fill.fillId, fill.clientOrderId, fill.venueOrderId, fill.symbol, fill.side, fill.priceUnits, fill.qtyUnits, fill.feeUnits, fill.liquidity, fill.ts);
      stmts.upsertOrder.run(this.orderParams(order));
    });
  }

  /** A venue_orders row by position, in the table's column order. */
  private orderParams(o: SimOrder): Bind[] {
    return [
      o.clientOrderId,
      o.venueOrderId,
      o.symbol,
      o.side,
      o.type,
      o.tif,
      o.qtyUnits,
      o.priceUnits,
      o.filledUnits,
      o.state,
      o.reason?.code ?? null,
      o.reason?.message ?? null,
      o.queueAheadUnits,
      o.createdAt,
    ];
  }

  loadOrders(): SimOrder[] {
    this.writeHeld();
    return (this.stmts.loadOrders.all() as OrderRow[]).map((r) => ({
      clientOrderId: r.client_order_id,
      venueOrderId: r.venue_order_id,
      symbol: r.symbol,
      side: r.side as Side,
      type: r.type as OrderType,
      tif: r.tif as TimeInForce,
      qtyUnits: r.qty_units,
      priceUnits: r.price_units,
      filledUnits: r.filled_units,
      state: r.state as VenueOrderState,
      reason: r.reason_code ? { code: r.reason_code, message: r.reason_message ?? '' } : null,
      queueAheadUnits: r.queue_ahead_units,
      createdAt: Number(r.created_at),
    }));
  }

  loadFills(): VenueFill[] {
    this.writeHeld();
    return (this.stmts.loadFills.all() as FillRow[]).map((r) => ({
      fillId: r.id,
      clientOrderId: r.client_order_id,
      venueOrderId: r.venue_order_id,
      symbol: r.symbol,
      side: r.side as Side,
      priceUnits: r.price_units,
      qtyUnits: r.qty_units,
      feeUnits: r.fee_units,
      liquidity: r.liquidity as Liquidity,
      ts: Number(r.ts),
    }));
  }

  /**
   * Opens the task's transaction if there is none. Committed in a microtask, so before any timer or
   * I/O callback runs: the next drain, and whatever the engine does with the venue's answers in a
   * later task, finds these writes committed.
   */
  private write(): void {
    if (this.inTask) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.inTask = true;
    queueMicrotask(() => this.commit());
  }

  private commit(): void {
    if (!this.inTask) return;
    this.inTask = false;
    try {
      if (this.db.open) this.writeHeld();
    } finally {
      // As when each save ran its upsert at once: a row that could not be written does not keep
      // the task's other writes from their commit.
      if (this.db.open) this.db.exec('COMMIT');
      this.commits++;
    }
  }

  /** Writes the held order rows, in the order of their first save. */
  private writeHeld(): void {
    if (this.held.size === 0) return;
    const rows = [...this.held.values()];
    this.held.clear();
    let failed: unknown;
    for (const row of rows) {
      try {
        this.stmts.upsertOrder.run(row);
      } catch (err) {
        failed ??= err;
      }
    }
    if (failed !== undefined) throw failed;
  }

  saveOrder(order: SimOrder): void {
    this.write();
    const row = this.orderParams(order);
    const held = this.held.get(order.clientOrderId);
    if (held === undefined) {
      this.held.set(order.clientOrderId, row);
      return;
    }
    for (const i of UPSERT_UPDATED) held[i] = row[i]!;
  }

  recordFill(fill: VenueFill, order: SimOrder): void {
    this.write();
    // The order's earlier saves first: the fill refers to its row, and the fill's own upsert must
    // not be overwritten by an older state at the commit.
    this.writeHeld();
    this.fillTx(fill, order);
  }

  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }

  close(): void {
    this.commit();
    if (this.db.open) this.db.close();
  }
}
