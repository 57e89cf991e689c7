import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/kernel/engine.ts';
import type { Engine } from '../../src/kernel/engine.ts';
import { openDb } from '../../src/store/sqlite/db.ts';
import { ENGINE_MIGRATIONS, SqliteOrderJournal } from '../../src/store/sqlite/order-journal.ts';
import { tempDataDir, waitFor } from './harness.ts';

/**
 * The intake's context (origin, approver, proposal, soft-breach confirmation) is journaled as
 * columns of the order in the real SQLite file, survives a restart, and a data directory written
 * before those columns existed opens with its confirmations carried over.
 */

const running: Engine[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});

async function start(dir: string): Promise<Engine> {
  const e = createEngine({ dataDir: dir, seed: 3, warmUpMinutes: 1, log: () => undefined });
  await e.start();
  running.push(e);
  return e;
}

async function stop(e: Engine): Promise<void> {
  running.splice(running.indexOf(e), 1);
  await e.stop();
}

describe('intake context in the journal', () => {
  it('when an approved signal order and a confirmed manual order are placed and the engine restarts then both come back with their origin and approval', async () => {
    const dir = tempDataDir('intake');
    const e1 = await start(dir);
    const signal = e1.intake.submit({
      order: { symbol: 'ETH/USDT', side: 'buy', qty: '0.5', type: 'market', tif: 'gtc', urgency: 'immediate' },
      origin: 'signal',
      approvedBy: 'operator',
      proposalId: 'PROP-0001',
      confirmSoft: false,
    });
    expect(signal.kind).toBe('admitted');
    if (signal.kind !== 'admitted') return;
    // Over the soft order quantity (BTC/USDT: soft 2, hard 5): confirmed at the ticket.
    const manual = await e1.handlers['orders.place']({ symbol: 'BTC/USDT', side: 'buy', qty: 3, type: 'market', tif: 'gtc', source: 'manual', confirm: true, urgency: 'low', algo: 'twap', algoParams: { durationSec: 3600, slices: 60 } });
    expect(manual.status).not.toBe('DENIED');
    await waitFor(async () => ((await e1.handlers['orders.get']({ orderId: signal.order.id })).status === 'FILLED' ? true : undefined), 20_000, 'the signal order to fill');
    await stop(e1);

    // The columns themselves, not JSON inside algo_params.
    const db = new Database(join(dir, 'strata.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT id, source, approved_by, proposal_id, risk_confirmed, algo_params FROM orders WHERE id IN (?, ?)').all(signal.order.id, manual.id) as { id: string; source: string; approved_by: string | null; proposal_id: string | null; risk_confirmed: number; algo_params: string | null }[];
    db.close();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(signal.order.id)).toMatchObject({ source: 'signal', approved_by: 'operator', proposal_id: 'PROP-0001', risk_confirmed: 0 });
    expect(byId.get(manual.id)).toMatchObject({ source: 'manual', approved_by: null, proposal_id: null, risk_confirmed: 1 });
    expect(byId.get(manual.id)?.algo_params).not.toContain('riskConfirmed');

    const e2 = await start(dir);
    const s = await e2.handlers['orders.get']({ orderId: signal.order.id });
    expect(s).toMatchObject({ origin: 'signal', approvedBy: 'operator', proposalId: 'PROP-0001', status: 'FILLED' });
    const m = await e2.handlers['orders.get']({ orderId: manual.id });
    expect(m).toMatchObject({ origin: 'manual' });
    expect(m.approvedBy).toBeUndefined();
  });

  it('when a data directory from before the intake columns opens then a confirmed parent and its children keep their confirmation', () => {
    const dir = tempDataDir('intake-migrate');
    const path = join(dir, 'strata.sqlite');
    // Schema version 2: the confirmation lived as riskConfirmed in the parent's algo_params.
    const old = openDb(path, ENGINE_MIGRATIONS.slice(0, 2), { synchronous: 'NORMAL' });
    const insert = old.prepare(
      `INSERT INTO orders (id, seq, symbol, side, type, tif, qty_units, requested_qty, filled_units, filled_notional_units, fee_units, status, cancel_requested, source, created_at, updated_at, parent_id, algo, algo_params)
       VALUES (?, ?, 'BTC/USDT', 'buy', 'market', 'gtc', 300000, '3', 0, 0, 0, 'PENDING', 0, ?, 1, 1, ?, ?, ?)`,
    );
    insert.run('P-1', 1, 'manual', null, 'twap', JSON.stringify({ startAt: 0, endAt: 1, riskConfirmed: true }));
    insert.run('P-1-C1', 2, 'manual', 'P-1', null, null);
    insert.run('P-2', 3, 'api', null, 'twap', JSON.stringify({ startAt: 0, endAt: 1 }));
    insert.run('P-3', 4, 'manual', null, 'twap', 'not json');
    old.close();

    const journal = new SqliteOrderJournal(path, { synchronous: 'NORMAL' });
    const orders = new Map(journal.loadOrders().map((o) => [o.id, o]));
    journal.close();
    expect(orders.get('P-1')).toMatchObject({ riskConfirmed: true, approvedBy: null, proposalId: null, source: 'manual' });
    expect(orders.get('P-1-C1')).toMatchObject({ riskConfirmed: true });
    expect(orders.get('P-2')).toMatchObject({ riskConfirmed: false });
    expect(orders.get('P-3')).toMatchObject({ riskConfirmed: false });
  });
});
