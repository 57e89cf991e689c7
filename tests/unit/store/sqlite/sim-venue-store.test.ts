import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { VenueFill } from '../../../../src/core/ports.ts';
import { SqliteSimVenueStore } from '../../../../src/store/sqlite/sim-venue-store.ts';
import type { SimOrder } from '../../../../src/venues/sim/sim-store.ts';

const file = () => join(mkdtempSync(join(tmpdir(), 'strata-simstore-')), 'sim-venue.sqlite');
/** The end of the current task: the store commits in a microtask queued at its first write. */
const endOfTask = () => new Promise<void>((r) => setImmediate(r));

function simOrder(id: string, over: Partial<SimOrder> = {}): SimOrder {
  return {
    clientOrderId: id,
    venueOrderId: `V-${id}`,
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'limit',
    tif: 'gtc',
    qtyUnits: 1000n,
    priceUnits: 3_000_000n,
    filledUnits: 0n,
    state: 'open',
    reason: null,
    queueAheadUnits: 500n,
    createdAt: 1_000,
    ...over,
  };
}

function fill(id: string, orderId: string, qtyUnits: bigint): VenueFill {
  return { fillId: id, clientOrderId: orderId, venueOrderId: `V-${orderId}`, symbol: 'BTC/USDT', side: 'buy', priceUnits: 3_000_000n, qtyUnits, feeUnits: 1n, liquidity: 'maker', ts: 2_000 };
}

/** What another connection reads: only committed rows. */
function committedRows(path: string): Record<string, unknown>[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT client_order_id, qty_units, filled_units, state, reason_code, queue_ahead_units FROM venue_orders ORDER BY client_order_id').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('SqliteSimVenueStore writes an order saved several times in one task once, as the upserts in turn would leave it', () => {
  it('when a new order is saved twice in one task then one commit stores it with the last save', async () => {
    const path = file();
    const s = new SqliteSimVenueStore(path);
    s.saveOrder(simOrder('A'));
    s.saveOrder(simOrder('A', { queueAheadUnits: 200n, filledUnits: 0n, state: 'open' }));
    s.saveOrder(simOrder('B', { state: 'rejected', reason: { code: 'X', message: 'no' } }));
    expect(committedRows(path)).toEqual([]);
    await endOfTask();
    expect(committedRows(path)).toEqual([
      { client_order_id: 'A', qty_units: 1000, filled_units: 0, state: 'open', reason_code: null, queue_ahead_units: 200 },
      { client_order_id: 'B', qty_units: 1000, filled_units: 0, state: 'rejected', reason_code: 'X', queue_ahead_units: 500 },
    ]);
    expect(s.commits).toBe(1);
    s.close();
  });

  it('when a stored order is saved again then only the columns the upsert updates change, from the last save', async () => {
    const path = file();
    const s = new SqliteSimVenueStore(path);
    s.saveOrder(simOrder('A'));
    await endOfTask();
    // qty is not among the upsert's updated columns: a stored row keeps it, whichever save carried another.
    s.saveOrder(simOrder('A', { qtyUnits: 7n, queueAheadUnits: 100n }));
    s.saveOrder(simOrder('A', { qtyUnits: 9n, filledUnits: 400n, state: 'open', queueAheadUnits: 0n }));
    await endOfTask();
    expect(committedRows(path)).toEqual([{ client_order_id: 'A', qty_units: 1000, filled_units: 400, state: 'open', reason_code: null, queue_ahead_units: 0 }]);
    s.close();
  });

  it('when a fill follows saves in the same task then the fill finds its order and later saves still win', async () => {
    const path = file();
    const s = new SqliteSimVenueStore(path);
    s.saveOrder(simOrder('A'));
    s.recordFill(fill('F1', 'A', 400n), simOrder('A', { filledUnits: 400n, state: 'open', queueAheadUnits: 0n }));
    s.saveOrder(simOrder('A', { filledUnits: 400n, state: 'open', queueAheadUnits: 50n }));
    // Read back inside the task, on the store's own connection: held saves are written first.
    expect(s.loadOrders().map((o) => [o.clientOrderId, o.queueAheadUnits])).toEqual([['A', 50n]]);
    expect(s.loadFills().map((f) => f.fillId)).toEqual(['F1']);
    await endOfTask();
    expect(committedRows(path)).toEqual([{ client_order_id: 'A', qty_units: 1000, filled_units: 400, state: 'open', reason_code: null, queue_ahead_units: 50 }]);
    s.close();
  });

  it('when the store closes inside a task then its held saves are committed', () => {
    const path = file();
    const s = new SqliteSimVenueStore(path);
    s.saveOrder(simOrder('A'));
    s.saveOrder(simOrder('A', { state: 'cancelled' }));
    s.close();
    expect(committedRows(path).map((r) => r.state)).toEqual(['cancelled']);
  });
});
