import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderDto } from '../../src/contract/dto.ts';
import type { Client } from '../../src/contract/rpc.ts';
import type { ServeProcess } from './harness.ts';
import { clientFor, killHard, spawnServe, tempDataDir, waitFor } from './harness.ts';

/**
 * An algorithm parent survives a SIGKILL of the host: after the restart the OMS reconciles the
 * children that were in flight, the algo runner resumes the parent from the journal, and the
 * parent completes with no child sent twice.
 */

const running: ServeProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await killHard(p);
});

const OPEN = ['NEW', 'PENDING', 'PARTIALLY_FILLED'];
/** ETH/USDT quantities have 4 decimals: compare sums in units. */
const units = (q: number) => Math.round(q * 10_000);

async function children(c: Client, parentId: string): Promise<OrderDto[]> {
  return c.call('orders.children', { orderId: parentId });
}

function childNumbers(parentId: string, kids: readonly OrderDto[]): number[] {
  return kids.map((k) => {
    expect(k.id.startsWith(`${parentId}-C`)).toBe(true);
    return Number(k.id.slice(parentId.length + 2));
  });
}

/** What the journal on disk says about a parent's children (read after the kill, before the restart). */
function journalChildren(dir: string, parentId: string): { id: string; status: string; filled: number }[] {
  const db = new Database(join(dir, 'strata.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT id, status, filled_units AS filled FROM orders WHERE parent_id = ? ORDER BY seq').all(parentId) as { id: string; status: string; filled: number | bigint }[]).map((r) => ({
      id: r.id,
      status: r.status,
      filled: Number(r.filled),
    }));
  } finally {
    db.close();
  }
}

describe('algo parent across a host crash', () => {
  it('when the host is killed mid-TWAP and restarted then the parent resumes with what is left, completes, and no child is duplicated', async () => {
    const dir = tempDataDir('algo-kill');
    const first = await spawnServe(dir);
    running.push(first);
    const c1 = await clientFor(first);
    const parent = await c1.call('orders.place', {
      symbol: 'ETH/USDT',
      side: 'buy',
      qty: 2,
      type: 'market',
      urgency: 'medium',
      algo: 'twap',
      algoParams: { durationSec: 24, slices: 6 },
    });
    expect(parent.execution?.algo).toBe('twap');

    // Once two children have filled, kill the host the moment the next child is created, so that
    // it is still in flight (journaled; maybe not yet at the venue, maybe already filled there).
    let armed = false;
    let killed: Promise<void> | undefined;
    c1.on('order.updated', (o) => {
      if (armed && !killed && o.parentId === parent.id && o.status === 'NEW') killed = killHard(first);
    });
    await waitFor(async () => ((await children(c1, parent.id)).filter((k) => k.status === 'FILLED').length >= 2 ? true : undefined), 25_000, 'two filled children');
    armed = true;
    await waitFor(() => (killed ? true : undefined), 10_000, 'the next child');
    await killed;
    c1.close();

    const atKill = journalChildren(dir, parent.id);
    const inFlight = atKill.filter((k) => OPEN.includes(k.status)).map((k) => k.id);
    const filledAtKill = atKill.reduce((a, k) => a + k.filled, 0);
    expect(filledAtKill).toBeGreaterThan(0);
    expect(filledAtKill).toBeLessThan(units(2));

    const second = await spawnServe(dir);
    running.push(second);
    const c2 = await clientFor(second);
    const resumed = await c2.call('orders.get', { orderId: parent.id });
    expect(resumed.execution?.paused).toBe(false);
    expect(units(resumed.filledQty)).toBeGreaterThanOrEqual(filledAtKill);

    const done = await waitFor(async () => {
      const p = await c2.call('orders.get', { orderId: parent.id });
      return OPEN.includes(p.status) ? undefined : p;
    }, 60_000, 'the parent to finish');
    expect(done.status).toBe('FILLED');
    expect(done.filledQty).toBe(2);

    const kids = await children(c2, parent.id);
    // Ids are unique and consecutive: C1..Cn, none reused after the restart.
    expect(childNumbers(parent.id, kids)).toEqual(kids.map((_, i) => i + 1));
    expect(new Set(kids.map((k) => k.id)).size).toBe(kids.length);
    // More children were needed after the restart, and each asked only for what was left.
    expect(kids.length).toBeGreaterThan(atKill.length);
    let filledBefore = 0;
    for (const k of kids) {
      expect(filledBefore + units(k.qty)).toBeLessThanOrEqual(units(done.qty));
      filledBefore += units(k.filledQty);
    }
    // Σ child fills == parent filled ≤ quantity, and each child's fills add up to its filled quantity.
    const fills = await c2.call('fills.list', { limit: 10_000 });
    expect(kids.reduce((a, k) => a + units(k.filledQty), 0)).toBe(units(done.filledQty));
    expect(units(done.filledQty)).toBeLessThanOrEqual(units(done.qty));
    for (const k of kids) {
      expect(fills.filter((f) => f.orderId === k.id).reduce((a, f) => a + units(f.qty), 0)).toBe(units(k.filledQty));
      expect(OPEN).not.toContain(k.status);
      expect(k.price).not.toBeNull(); // IOC limits with a collar, never bare market orders
    }
    // The children in flight at the kill were reconciled with the venue: none stays NEW or PENDING.
    for (const id of inFlight) expect(OPEN).not.toContain(kids.find((k) => k.id === id)?.status);
    const tca = await c2.call('orders.tca', { orderId: parent.id });
    expect(tca).toMatchObject({ orderId: parent.id, final: true });
    expect(tca.filledQty).toBeCloseTo(2, 9);
    c2.close();
    await killHard(second);

    // No child reached the venue twice, and the venue's fills are the journal's.
    const venue = new Database(join(dir, 'sim-venue.sqlite'), { readonly: true });
    const engineDb = new Database(join(dir, 'strata.sqlite'), { readonly: true });
    try {
      expect(venue.prepare('SELECT client_order_id, COUNT(*) n FROM venue_orders GROUP BY client_order_id HAVING n > 1').all()).toEqual([]);
      const venueFills = (venue.prepare('SELECT id FROM venue_fills ORDER BY id').all() as { id: string }[]).map((r) => r.id);
      const journalFills = (engineDb.prepare('SELECT id FROM fills ORDER BY id').all() as { id: string }[]).map((r) => r.id);
      expect(journalFills).toEqual(venueFills);
    } finally {
      venue.close();
      engineDb.close();
    }
  }, 120_000);

  it('when a paused parent’s host is killed and restarted then it stays paused, sends nothing, and completes once resumed', async () => {
    const dir = tempDataDir('algo-pause');
    const first = await spawnServe(dir);
    running.push(first);
    const c1 = await clientFor(first);
    const parent = await c1.call('orders.place', {
      symbol: 'ETH/USDT',
      side: 'buy',
      qty: 1,
      type: 'market',
      urgency: 'medium',
      algo: 'twap',
      algoParams: { durationSec: 24, slices: 6 },
    });
    await waitFor(async () => ((await children(c1, parent.id)).filter((k) => k.status === 'FILLED').length >= 2 ? true : undefined), 25_000, 'two filled children');
    const paused = await c1.call('orders.pause', { orderId: parent.id });
    expect(paused.execution?.paused).toBe(true);
    // Pausing cancels what is working; wait until nothing is.
    await waitFor(async () => ((await children(c1, parent.id)).every((k) => !OPEN.includes(k.status)) ? true : undefined), 10_000, 'no working child');
    const before = await children(c1, parent.id);
    c1.close();
    await killHard(first);

    const second = await spawnServe(dir);
    running.push(second);
    const c2 = await clientFor(second);
    const p = await c2.call('orders.get', { orderId: parent.id });
    expect(p.execution?.paused).toBe(true);
    expect(OPEN).toContain(p.status);
    // Longer than a slice (4 s): a running TWAP would have sent a child by now.
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await children(c2, parent.id)).map((k) => k.id)).toEqual(before.map((k) => k.id));
    expect((await c2.call('orders.get', { orderId: parent.id })).execution?.paused).toBe(true);

    const resumed = await c2.call('orders.resume', { orderId: parent.id });
    expect(resumed.execution?.paused).toBe(false);
    const done = await waitFor(async () => {
      const x = await c2.call('orders.get', { orderId: parent.id });
      return OPEN.includes(x.status) ? undefined : x;
    }, 60_000, 'the parent to finish');
    expect(done.status).toBe('FILLED');
    const kids = await children(c2, parent.id);
    expect(childNumbers(parent.id, kids)).toEqual(kids.map((_, i) => i + 1));
    expect(kids.length).toBeGreaterThan(before.length);
    expect(kids.reduce((a, k) => a + units(k.filledQty), 0)).toBe(units(1));
    c2.close();
  }, 120_000);
});
