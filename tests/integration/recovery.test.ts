import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../../src/contract/rpc.ts';
import { createClient, serveEndpoint } from '../../src/contract/rpc.ts';
import { createMemoryPair } from '../../src/contract/memory.ts';
import { createEngine } from '../../src/kernel/engine.ts';
import type { ServeProcess } from './harness.ts';
import { clientFor, killHard, spawnServe, tempDataDir, waitFor } from './harness.ts';

const running: ServeProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await killHard(p);
});

async function snapshot(c: Client) {
  const orders = await c.call('orders.list', { scope: 'all', limit: 5000 });
  const fills = await c.call('fills.list', { limit: 10000 });
  const positions = await c.call('positions.list');
  const account = await c.call('account.get');
  return {
    orders: orders.map((o) => ({ id: o.id, status: o.status, filledQty: o.filledQty, avgPrice: o.avgPrice, fees: o.fees })).sort((a, b) => a.id.localeCompare(b.id)),
    fills: fills.map((f) => ({ id: f.id, orderId: f.orderId, qty: f.qty, price: f.price, fee: f.fee })).sort((a, b) => a.id.localeCompare(b.id)),
    positions: positions.map((p) => ({ symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice, realizedPnl: p.realizedPnl, costBasis: p.costBasis, fees: p.fees })),
    cash: account.cash,
    fees: account.fees,
    realized: account.realizedPnl,
  };
}

describe('crash-only recovery', () => {
  it('when the host is killed with SIGKILL and restarted then orders, fills, positions and cash are back exactly', async () => {
    const dir = tempDataDir('kill');
    const first = await spawnServe(dir);
    running.push(first);
    const c1 = await clientFor(first);
    const buy = await c1.call('orders.place', { symbol: 'ETH/USDT', side: 'buy', qty: '3', type: 'market' });
    const spy = await c1.call('orders.place', { symbol: 'SPY', side: 'buy', qty: 40, type: 'market' });
    const snap = await c1.call('market.snapshot', { symbol: 'BTC/USDT' });
    const resting = await c1.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', qty: '0.02', type: 'limit', price: Math.round(snap.book.bids[0]!.price * 0.9) });
    await waitFor(async () => {
      const open = await c1.call('orders.list', { scope: 'open' });
      return open.length === 1 && open[0]!.id === resting.id && open[0]!.status === 'PENDING' ? true : undefined;
    });
    const sell = await c1.call('orders.place', { symbol: 'ETH/USDT', side: 'sell', qty: '1.5', type: 'market' });
    await waitFor(async () => ((await c1.call('orders.get', { orderId: sell.id })).status === 'FILLED' ? true : undefined));
    const before = await snapshot(c1);
    expect(before.orders.find((o) => o.id === buy.id)?.status).toBe('FILLED');
    expect(before.orders.find((o) => o.id === spy.id)?.status).toBe('FILLED');
    c1.close();

    await killHard(first);
    const second = await spawnServe(dir);
    running.push(second);
    const c2 = await clientFor(second);
    const after = await snapshot(c2);
    expect(after).toEqual(before);
    // The resting order was reconciled with the venue and still works.
    const open = await c2.call('orders.list', { scope: 'open' });
    expect(open.map((o) => o.id)).toEqual([resting.id]);
    await c2.call('orders.cancel', { orderId: resting.id });
    await waitFor(async () => ((await c2.call('orders.get', { orderId: resting.id })).status === 'CANCELLED' ? true : undefined));
    c2.close();
  });

  it('when the host is killed in the middle of a burst then no fill is lost or applied twice and the venue agrees', async () => {
    const dir = tempDataDir('burst');
    const first = await spawnServe(dir);
    running.push(first);
    const c1 = await clientFor(first);
    const sent: Promise<unknown>[] = [];
    for (let k = 0; k < 40; k++) sent.push(c1.call('orders.place', { symbol: 'SPY', side: 'buy', qty: 1 + (k % 3), type: 'market' }).catch(() => undefined));
    await new Promise((r) => setTimeout(r, 30));
    await killHard(first);
    await Promise.allSettled(sent);

    const second = await spawnServe(dir);
    running.push(second);
    const c2 = await clientFor(second);
    const orders = await c2.call('orders.list', { scope: 'all', limit: 5000 });
    const fills = await c2.call('fills.list', { limit: 10000 });
    expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
    for (const o of orders) {
      const sum = fills.filter((f) => f.orderId === o.id).reduce((s, f) => s + f.qty, 0);
      expect(sum).toBe(o.filledQty);
      expect(o.filledQty).toBeLessThanOrEqual(o.qty);
      expect(['NEW', 'PENDING', 'PARTIALLY_FILLED']).not.toContain(o.status);
    }
    const pos = (await c2.call('positions.list')).find((p) => p.symbol === 'SPY');
    expect(pos?.qty ?? 0).toBe(fills.reduce((s, f) => s + f.qty, 0));
    c2.close();
    await killHard(second);

    // The venue's own books: every venue fill is in the journal exactly once, and vice versa.
    const venue = new Database(join(dir, 'sim-venue.sqlite'), { readonly: true });
    const engineDb = new Database(join(dir, 'strata.sqlite'), { readonly: true });
    const venueFills = (venue.prepare('SELECT id FROM venue_fills ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    const journalFills = (engineDb.prepare('SELECT id FROM fills ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    expect(journalFills).toEqual(venueFills);
    // No order reached the venue twice.
    const dupes = venue.prepare('SELECT client_order_id, COUNT(*) n FROM venue_orders GROUP BY client_order_id HAVING n > 1').all();
    expect(dupes).toEqual([]);
    venue.close();
    engineDb.close();
  });

  it('when a crash lost a fill between venue and journal then the restart applies it exactly once', async () => {
    const dir = tempDataDir('lostfill');
    const e1 = createEngine({ dataDir: dir, seed: 3, warmUpMinutes: 1, log: () => undefined });
    await e1.start();
    const [s, ce] = createMemoryPair();
    serveEndpoint(s, e1.handlers, e1.feed);
    const c1 = createClient(ce);
    const o = await c1.call('orders.place', { symbol: 'ETH/USDT', side: 'buy', qty: '25', type: 'market' });
    await waitFor(async () => ((await c1.call('orders.get', { orderId: o.id })).status === 'FILLED' ? true : undefined));
    const fills = await c1.call('fills.list', { orderId: o.id });
    const cashBefore = (await c1.call('account.get')).cash;
    c1.close();
    await e1.stop();
    expect(fills.length).toBeGreaterThan(1);

    // Simulate the crash window: the venue recorded the last fill, the journal never did.
    const db = new Database(join(dir, 'strata.sqlite'));
    const lost = fills[0]!; // newest first
    db.prepare('DELETE FROM fills WHERE id = ?').run(lost.id);
    db.prepare(`UPDATE orders SET status = 'PARTIALLY_FILLED', filled_units = filled_units - ? WHERE id = ?`).run(BigInt(Math.round(lost.qty * 10_000)), o.id);
    db.close();

    const e2 = createEngine({ dataDir: dir, seed: 3, warmUpMinutes: 1, log: () => undefined });
    await e2.start();
    expect(e2.recovery?.fillsRecovered).toBe(1);
    const [s2, ce2] = createMemoryPair();
    serveEndpoint(s2, e2.handlers, e2.feed);
    const c2 = createClient(ce2);
    const after = await c2.call('orders.get', { orderId: o.id });
    expect(after.status).toBe('FILLED');
    expect(after.filledQty).toBe(25);
    expect((await c2.call('fills.list', { orderId: o.id })).map((f) => f.id).sort()).toEqual(fills.map((f) => f.id).sort());
    expect((await c2.call('account.get')).cash).toBe(cashBefore);
    c2.close();
    await e2.stop();
  });

  it('when an order was journaled but the crash came before sending then it is not resent and ends REJECTED', async () => {
    const dir = tempDataDir('unsent');
    const e1 = createEngine({ dataDir: dir, seed: 5, warmUpMinutes: 0, log: () => undefined });
    await e1.start();
    await e1.stop();
    const db = new Database(join(dir, 'strata.sqlite'));
    db.prepare(`INSERT INTO orders (id, seq, venue_order_id, symbol, side, type, tif, qty_units, price_units, requested_qty, requested_price,
      filled_units, filled_notional_units, fee_units, status, reason_code, reason_message, cancel_requested, source, created_at, updated_at)
      VALUES ('SX-000999', 999, NULL, 'SPY', 'buy', 'market', 'gtc', 5, NULL, '5', NULL, 0, 0, 0, 'NEW', NULL, NULL, 0, 'api', 1, 1)`).run();
    db.close();

    const e2 = createEngine({ dataDir: dir, seed: 5, warmUpMinutes: 0, log: () => undefined });
    await e2.start();
    const [s, ce] = createMemoryPair();
    serveEndpoint(s, e2.handlers, e2.feed);
    const c = createClient(ce);
    const o = await c.call('orders.get', { orderId: 'SX-000999' });
    expect(o.status).toBe('REJECTED');
    expect(o.reason?.code).toBe('UNKNOWN_AT_VENUE');
    await new Promise((r) => setTimeout(r, 100));
    c.close();
    await e2.stop();
    const venue = new Database(join(dir, 'sim-venue.sqlite'), { readonly: true });
    expect(venue.prepare(`SELECT COUNT(*) n FROM venue_orders WHERE client_order_id = 'SX-000999'`).get()).toEqual({ n: 0 });
    venue.close();
  });
});
