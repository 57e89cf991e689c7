import { afterEach, describe, expect, it } from 'vitest';
import { isTerminal } from '../../src/contract/dto.ts';
import { connect, tempDataDir, waitFor } from './harness.ts';
import type { Connected } from './harness.ts';

/**
 * Portfolio construction configured by the operator in the running engine (real SQLite file, demo
 * venue): min-volatility with a max weight builds the targets, the rebalance proposes them, the
 * approved orders bring the book within the drift threshold of the optimiser's weights, and the
 * settings survive a restart.
 */

let c: Connected | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

const SLOW_CYCLE = { cycleEveryMs: 3_600_000, autoPropose: false };

describe('portfolio construction settings in the engine', () => {
  it('min-volatility with a max weight: proposals follow the optimiser, the book converges within the drift threshold, restart keeps the settings and the weekly cadence\u2019s last rebalance', async () => {
    const dir = tempDataDir('approvals-construction');
    c = await connect('memory', dir, { l2: SLOW_CYCLE });
    await c.client.call('signals.set', { name: 'strategic', key: 'targets', value: { SPY: 0.03, 'BTC/USDT': 0.03, 'ETH/USDT': 0.03, CASH: 0.91 } });
    await c.client.call('signals.set', { name: 'strategic', key: 'urgency', value: 'immediate' });
    const settings = await c.client.call('portfolio.configure', { method: 'min-volatility', sizing: 'none', constraints: { maxWeight: 0.04 } });
    expect(settings).toMatchObject({ method: 'min-volatility', sizing: 'none', constraints: { maxWeight: 0.04 } });

    const target = await c.client.call('portfolio.target', {});
    expect(target.constructionError).toBeUndefined();
    const w = Object.fromEntries(target.rows.map((r) => [r.symbol, r.targetWeight]));
    for (const v of Object.values(w)) expect(v).toBeLessThanOrEqual(0.04 + 1e-9);
    expect(w.SPY! + w['BTC/USDT']! + w['ETH/USDT']!).toBeCloseTo(0.09, 6);
    // Not the signals' equal split: the optimiser moved weight to the least volatile instrument.
    expect(w.SPY).toBeCloseTo(0.04, 6);

    const batch = await c.client.call('portfolio.rebalance', { dryRun: false });
    expect(batch.constructionError).toBeUndefined();
    for (const p of batch.proposals) expect(p.targetWeight).toBeCloseTo(w[p.symbol]!, 9);
    await c.client.call('approvals.approve', { batchId: batch.batchId! });
    await waitFor(async () => {
      const orders = (await c!.client.call('orders.list', { scope: 'all' })).filter((o) => o.source === 'signal' && o.parentId === null);
      return orders.length === batch.proposals.length && orders.every((o) => isTerminal(o.status)) ? true : undefined;
    }, 30_000, 'signal orders to settle');
    const after = await c.client.call('portfolio.target', {});
    for (const r of after.rows) expect(Math.abs(r.currentWeight - w[r.symbol]!)).toBeLessThan(settings.rebalance.driftThreshold);
    const again = await c.client.call('portfolio.rebalance', { dryRun: true });
    expect(again.proposals).toEqual([]);
    // A weekly cadence: the rebalance above was this week's, so another is not due, and a restart
    // must not make it due again (the last rebalance time is journaled, not kept in memory).
    const weekly = await c.client.call('portfolio.configure', { rebalance: { cadence: 'weekly' } });
    const notDue = await c.client.call('portfolio.rebalance', { dryRun: false });
    expect([notDue.due, notDue.notes.join(' ')]).toEqual([false, expect.stringMatching(/weekly rebalance already ran/)]);
    await c.close();

    c = await connect('memory', dir, { l2: SLOW_CYCLE });
    expect(await c.client.call('portfolio.settings', {})).toEqual(weekly);
    const afterRestart = await c.client.call('portfolio.rebalance', { dryRun: false });
    expect([afterRestart.due, afterRestart.proposals]).toEqual([false, []]);
  });
});
