import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlgoKind, AlgoParamsDto, OrderDto, Urgency } from '../../../../src/contract/dto.ts';
import { createMemoryPair } from '../../../../src/contract/memory.ts';
import { createClient, serveEndpoint } from '../../../../src/contract/rpc.ts';
import { SimClock, SimClockDriver } from '../../../../src/core/clock.ts';
import { createEngine } from '../../../../src/kernel/engine.ts';

/**
 * Every algorithm through the whole engine (routing, OMS, L1, simulated venue) on a simulated
 * clock: what the property tests check against a fake market, checked against the demo market.
 */
async function runAlgo(algo: AlgoKind, urgency: Urgency, algoParams: AlgoParamsDto, capBps?: number) {
  const clock = new SimClock(Date.UTC(2026, 0, 5, 14, 30));
  const driver = new SimClockDriver(clock);
  const engine = createEngine({ dataDir: mkdtempSync(join(tmpdir(), 'strata-algos-')), seed: 21, clock, warmUpMinutes: 5, log: () => undefined });
  await engine.start();
  const [s, c] = createMemoryPair();
  serveEndpoint(s, engine.handlers, engine.feed);
  const client = createClient(c);
  driver.runToEnd(clock.now() + 2_000);
  const snap = await client.call('market.snapshot', { symbol: 'ETH/USDT' });
  const bid = snap.book.bids[0]!.price;
  const price = capBps === undefined ? undefined : Math.round(bid * (1 + capBps / 10_000) * 100) / 100;
  const updates: OrderDto[] = [];
  client.on('order.updated', (o) => updates.push(o));
  const parent = await client.call('orders.place', {
    symbol: 'ETH/USDT',
    side: 'buy',
    qty: 3,
    type: price === undefined ? 'market' : 'limit',
    ...(price === undefined ? {} : { price }),
    tif: 'gtc',
    source: 'api',
    urgency,
    algo,
    algoParams,
  });
  driver.runToEnd(clock.now() + (algoParams.durationSec ?? 60) * 1000 + 10_000);
  await new Promise((r) => setTimeout(r, 0));
  const done = await client.call('orders.get', { orderId: parent.id });
  const kids = await client.call('orders.children', { orderId: parent.id });
  const fills = (await client.call('fills.list', { limit: 10_000 })).filter((f) => kids.some((k) => k.id === f.orderId));
  client.close();
  await engine.stop();
  return { parent, done, kids, fills, updates: updates.filter((u) => u.parentId === parent.id), price };
}

/** The most children working at once, from the stream of order updates. */
function maxWorking(updates: readonly OrderDto[]): number {
  const working = new Set<string>();
  let most = 0;
  for (const u of updates) {
    if (u.status === 'NEW' || u.status === 'PENDING' || u.status === 'PARTIALLY_FILLED') working.add(u.id);
    else working.delete(u.id);
    most = Math.max(most, working.size);
  }
  return most;
}

const units = (q: number) => Math.round(q * 10_000);

function checkCommon(r: Awaited<ReturnType<typeof runAlgo>>) {
  expect(['FILLED', 'EXPIRED']).toContain(r.done.status);
  expect(r.kids.map((k) => k.id)).toEqual(r.kids.map((_, i) => `${r.parent.id}-C${i + 1}`));
  expect(r.kids.reduce((a, k) => a + units(k.filledQty), 0)).toBe(units(r.done.filledQty));
  expect(r.fills.reduce((a, f) => a + units(f.qty), 0)).toBe(units(r.done.filledQty));
  expect(units(r.done.filledQty)).toBeLessThanOrEqual(units(3));
  for (const k of r.kids) expect(['NEW', 'PENDING', 'PARTIALLY_FILLED', 'DENIED']).not.toContain(k.status);
  if (r.price !== undefined) for (const f of r.fills) expect(f.price).toBeLessThanOrEqual(r.price);
}

describe('algorithms in the engine', () => {
  it.each([
    ['twap', 'high', { durationSec: 40, slices: 5 }],
    ['vwap', 'medium', { durationSec: 40, slices: 5 }],
    ['pov', 'medium', { durationSec: 120, participation: 0.3 }],
    ['adaptive', 'high', { durationSec: 40, slices: 5 }],
    ['adaptive', 'low', { durationSec: 40, slices: 5 }],
  ] as const)('when %s (%s) works 3 ETH then it fills it through consecutive children', async (algo, urgency, params) => {
    const r = await runAlgo(algo, urgency, params);
    checkCommon(r);
    expect(r.done.status).toBe('FILLED');
    if (algo === 'adaptive') expect(maxWorking(r.updates)).toBe(1);
  });

  it('when passive works an order then it only ever adds liquidity, one child at a time', async () => {
    const r = await runAlgo('passive', 'low', { durationSec: 120 });
    checkCommon(r);
    expect(r.fills.length).toBeGreaterThan(0);
    for (const f of r.fills) expect(f.liquidity).toBe('maker');
    expect(maxWorking(r.updates)).toBe(1);
  });

  it('when an iceberg works an order then no child shows more than the display size, one at a time', async () => {
    const r = await runAlgo('iceberg', 'low', { durationSec: 120, displayQty: 0.5, displayJitterPct: 0.4 });
    checkCommon(r);
    expect(r.kids.length).toBeGreaterThanOrEqual(6);
    for (const k of r.kids) expect(k.qty).toBeLessThanOrEqual(0.5);
    expect(maxWorking(r.updates)).toBe(1);
  });

  it('when a TWAP is capped below the market then it sends nothing and expires', async () => {
    const r = await runAlgo('twap', 'high', { durationSec: 20, slices: 4 }, -100);
    checkCommon(r);
    expect(r.kids).toEqual([]);
    expect(r.done.status).toBe('EXPIRED');
  });

  it('when a POV is capped a little above the bid then every fill is within the cap', async () => {
    const r = await runAlgo('pov', 'medium', { durationSec: 60, participation: 0.3 }, 5);
    checkCommon(r);
    expect(r.fills.length).toBeGreaterThan(0);
    expect(r.kids.every((k) => k.price !== null && k.price <= r.price!)).toBe(true);
  });
});
