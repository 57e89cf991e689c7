import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Params } from '../../src/contract/api.ts';
import { SimClock } from '../../src/core/clock.ts';
import { createEngine } from '../../src/kernel/engine.ts';
import type { Engine } from '../../src/kernel/engine.ts';
import { EMPTY_LIMIT_BOOK } from '../../src/risk/limits.ts';

/**
 * Stops and cancel/replace on the real SQLite journal (synchronous=FULL), across a restart of the
 * engine on the same data directory. The demo market runs on a SimClock: every wait is the clock
 * advancing, never the wall.
 */

const START = Date.UTC(2025, 0, 6, 14, 30);
const dirs: string[] = [];
const engines: Engine[] = [];

afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function boot(dir: string, at: number): Promise<{ engine: Engine; clock: SimClock }> {
  const clock = new SimClock(at);
  const engine = createEngine({ dataDir: dir, clock, seed: 7, warmUpMinutes: 1, initialCash: '1000000', risk: { limits: EMPTY_LIMIT_BOOK }, log: () => {} });
  await engine.start();
  engines.push(engine);
  return { engine, clock };
}

async function stop(engine: Engine): Promise<void> {
  await engine.stop();
  engines.splice(engines.indexOf(engine), 1);
}

const place = (e: Engine, p: Partial<Params<'orders.place'>> & Pick<Params<'orders.place'>, 'symbol' | 'side' | 'qty'>) =>
  e.handlers['orders.place']({ type: 'market', tif: 'gtc', source: 'api', urgency: 'immediate', ...p });

describe('held stops and cancel/replace on SQLite', () => {
  it('when a stop waits across a restart then it still triggers, its child goes through L1 and the journal, and the order fills', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-int-stops-'));
    dirs.push(dir);
    const a = await boot(dir, START);
    a.clock.advanceBy(2_000);
    const buy = await place(a.engine, { symbol: 'BTC/USDT', side: 'buy', qty: '0.05' });
    a.clock.advanceBy(1_000);
    expect((await a.engine.handlers['orders.get']({ orderId: buy.id })).status).toBe('FILLED');
    const stop1 = await place(a.engine, { symbol: 'BTC/USDT', side: 'sell', qty: '0.05', type: 'stop', stopPrice: '1000' });
    expect(stop1).toMatchObject({ orderKind: 'stop', displayStatus: 'waiting-trigger', trigger: { kind: 'stop', by: 'last', stopPrice: 1000, triggeredAt: null } });
    a.clock.advanceBy(2_000);
    const at = a.clock.now();
    await stop(a.engine);

    const b = await boot(dir, at + 1_000);
    const held = await b.engine.handlers['orders.get']({ orderId: stop1.id });
    expect(held.displayStatus).toBe('waiting-trigger');
    // Move the stop above the market: a sell stop at or above the last trade fires on the next print.
    const snap = await b.engine.handlers['market.snapshot']({ symbol: 'BTC/USDT' });
    const above = Math.ceil((snap.quote.last ?? snap.quote.ask ?? 100_000) * 1.5);
    const moved = await b.engine.handlers['orders.modify']({ orderId: stop1.id, stopPrice: String(above) });
    expect(moved.id).toBe(stop1.id); // a held stop is amended in place
    b.clock.advanceBy(5_000);
    const done = await b.engine.handlers['orders.get']({ orderId: stop1.id });
    expect(done.status).toBe('FILLED');
    expect(done.trigger?.triggeredAt).not.toBeNull();
    const children = await b.engine.handlers['orders.children']({ orderId: stop1.id });
    expect(children.map((c) => c.id)).toEqual([`${stop1.id}-C1`]);
    expect(children[0]).toMatchObject({ type: 'market', status: 'FILLED', parentId: stop1.id });
    await stop(b.engine);

    const db = new Database(join(dir, 'strata.sqlite'), { readonly: true });
    const events = db.prepare(`SELECT event FROM order_events WHERE order_id = ? ORDER BY seq`).all(stop1.id) as { event: string }[];
    db.close();
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['created', 'modified', 'triggered']));
    expect(events.filter((e) => e.event === 'triggered')).toHaveLength(1);
  });

  it('when a working limit order is modified then it is cancelled and replaced at the venue under a new id in one lineage, journaled before it is sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-int-replace-'));
    dirs.push(dir);
    const a = await boot(dir, START);
    a.clock.advanceBy(2_000);
    const snap = await a.engine.handlers['market.snapshot']({ symbol: 'BTC/USDT' });
    const low = Math.floor((snap.quote.bid ?? 50_000) * 0.8);
    const first = await place(a.engine, { symbol: 'BTC/USDT', side: 'buy', qty: '0.01', type: 'limit', price: String(low) });
    a.clock.advanceBy(1_000);
    expect((await a.engine.handlers['orders.get']({ orderId: first.id })).status).toBe('PENDING');
    const second = await a.engine.handlers['orders.modify']({ orderId: first.id, price: String(low + 1), qty: '0.02' });
    expect(second.id).not.toBe(first.id);
    expect(second.lineage).toEqual({ rootId: first.id, replaces: first.id, replacedBy: null });
    expect(second.displayStatus).toBe('pending-new');
    a.clock.advanceBy(1_000);
    const old = await a.engine.handlers['orders.get']({ orderId: first.id });
    expect(old.status).toBe('CANCELLED');
    expect(old.lineage.replacedBy).toBe(second.id);
    const now = await a.engine.handlers['orders.get']({ orderId: second.id });
    expect(now).toMatchObject({ status: 'PENDING', price: low + 1, qty: 0.02 });
    const third = await a.engine.handlers['orders.modify']({ orderId: second.id, qty: '0.03' });
    expect(third.lineage).toMatchObject({ rootId: first.id, replaces: second.id });
    a.clock.advanceBy(1_000);
    const at = a.clock.now();
    await stop(a.engine);

    // The lineage is in the journal: a restart shows the same chain.
    const b = await boot(dir, at + 1_000);
    const again = await b.engine.handlers['orders.get']({ orderId: second.id });
    expect(again.lineage).toEqual({ rootId: first.id, replaces: first.id, replacedBy: third.id });
    expect((await b.engine.handlers['orders.get']({ orderId: third.id })).status).toBe('PENDING');
  });
});
