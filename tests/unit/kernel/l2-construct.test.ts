import { describe, expect, it } from 'vitest';
import { createMemoryPair } from '../../../src/contract/memory.ts';
import { CONSTRUCTION_METHODS } from '../../../src/contract/api/portfolio.ts';
import type { PortfolioSettingsDto } from '../../../src/contract/api/portfolio.ts';
import { createClient, serveEndpoint } from '../../../src/contract/rpc.ts';
import { SimClock } from '../../../src/core/clock.ts';
import { createEngine } from '../../../src/kernel/engine.ts';

/**
 * Each construction method in the live path, on the demo market's daily bars: the signals choose
 * the instruments and the invested total, the method splits it; sizing off so the targets are the
 * constructed weights themselves.
 */
async function session() {
  const clock = new SimClock(Date.UTC(2026, 0, 5, 14, 30));
  const engine = createEngine({ mode: 'backtest', durability: 'memory', seed: 5, clock, warmUpMinutes: 60, log: () => undefined, l2: { cycleEveryMs: 0 } });
  await engine.start();
  const [s, c] = createMemoryPair();
  serveEndpoint(s, engine.handlers, engine.feed);
  const client = createClient(c);
  await client.call('signals.set', { name: 'strategic', key: 'targets', value: { SPY: 0.1, 'BTC/USDT': 0.1, 'ETH/USDT': 0.1, CASH: 0.7 } });
  return { client, engine, close: async () => { client.close(); await engine.stop(); } };
}

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SPY'];

describe('portfolio construction in the live path', () => {
  it('every method splits the signals\u2019 invested total between their instruments, within the max weight; signal-weighted by default', async () => {
    const t = await session();
    try {
      const before = await t.client.call('portfolio.target', {});
      const weightsOf = (x: typeof before) => Object.fromEntries(x.rows.filter((r) => SYMBOLS.includes(r.symbol)).map((r) => [r.symbol, r.targetWeight]));
      const byMethod: Record<string, Record<string, number>> = {};
      for (const method of CONSTRUCTION_METHODS) {
        // A risk-free rate of −50% a year: the demo history may have no capped portfolio above 0%, and max-sharpe then (rightly) has no answer.
        await t.client.call('portfolio.configure', { method, sizing: 'none', riskFreeRate: -0.5, constraints: { maxWeight: 0.14 } });
        const x = await t.client.call('portfolio.target', {});
        expect([method, x.constructionError?.message]).toEqual([method, undefined]);
        const w = weightsOf(x);
        byMethod[method] = w;
        expect(Object.keys(w).sort()).toEqual(SYMBOLS);
        for (const v of Object.values(w)) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(0.14 + 1e-9);
        }
        expect(Object.values(w).reduce((a, b) => a + b, 0)).toBeCloseTo(0.3, 6);
      }
      expect(byMethod['signal-weighted']).toEqual({ SPY: 0.1, 'BTC/USDT': 0.1, 'ETH/USDT': 0.1 });
      expect(byMethod.equal!.SPY).toBeCloseTo(0.1, 12);
      // The risk-based methods weight the equity (less volatile than the crypto pairs) the most.
      for (const m of ['inverse-vol', 'risk-parity', 'hrp', 'min-volatility']) expect(byMethod[m]!.SPY).toBeGreaterThan(byMethod[m]!['BTC/USDT']!);
      expect(byMethod['min-volatility']!.SPY).toBeCloseTo(0.14, 6);
      // Back to the defaults: the target is today's, bit for bit.
      await t.client.call('portfolio.configure', { method: 'signal-weighted', sizing: 'dynamic', constraints: { maxWeight: null } });
      const again = await t.client.call('portfolio.target', {});
      expect(again.rows).toEqual(before.rows);
    } finally {
      await t.close();
    }
  });

  it('a min weight the signals cannot fund is reported on the batch and nothing is proposed; configure refuses what it can see', async () => {
    const t = await session();
    try {
      await t.client.call('portfolio.configure', { method: 'equal', constraints: { minWeight: 0.2 } });
      const x = await t.client.call('portfolio.target', {});
      expect(x.constructionError).toMatchObject({ code: 'INFEASIBLE', message: expect.stringMatching(/3 instruments at the min weight 0.2/) });
      for (const r of x.rows) expect(r.targetWeight).toBe(r.currentWeight);
      const r = await t.client.call('portfolio.rebalance', { dryRun: false });
      expect(r.proposals).toEqual([]);
      expect(r.batchId).toBeNull();
      expect(r.constructionError?.code).toBe('INFEASIBLE');
      await expect(t.client.call('portfolio.configure', { constraints: { minWeight: 0.2, maxWeight: 0.1 } })).rejects.toMatchObject({ code: 'INFEASIBLE' });
      await expect(t.client.call('portfolio.configure', { method: 'hrp', constraints: { stayClose: 1 } })).rejects.toMatchObject({ code: 'BAD_PARAM' });
      // A refused change leaves the settings as they were.
      expect((await t.client.call('portfolio.settings', {})).constraints).toMatchObject({ minWeight: 0.2, maxWeight: null, stayClose: 0 });
    } finally {
      await t.close();
    }
  });

  it('when one window changes the settings then another is pushed them (portfolio.configured); a refused change pushes nothing', async () => {
    const t = await session();
    const [s, c] = createMemoryPair();
    serveEndpoint(s, t.engine.handlers, t.engine.feed);
    const other = createClient(c);
    try {
      const pushed: PortfolioSettingsDto[] = [];
      const first = new Promise<void>((resolve) => other.on('portfolio.configured', (x) => void (pushed.push(x) === 1 && resolve())));
      const reply = await t.client.call('portfolio.configure', { method: 'hrp', constraints: { maxWeight: 0.2 } });
      await first;
      expect(pushed).toEqual([reply]);
      expect(pushed[0]).toMatchObject({ method: 'hrp', constraints: { maxWeight: 0.2 } });
      await expect(t.client.call('portfolio.configure', { constraints: { minWeight: 0.3, maxWeight: 0.1 } })).rejects.toMatchObject({ code: 'INFEASIBLE' });
      // A later change is pushed in order after the first: the refused one in between sent nothing.
      const second = new Promise<void>((resolve) => other.on('portfolio.configured', () => resolve()));
      await t.client.call('portfolio.configure', { sizing: 'none' });
      await second;
      expect(pushed.map((x) => [x.method, x.sizing, x.constraints.minWeight])).toEqual([
        ['hrp', 'dynamic', 0],
        ['hrp', 'none', 0],
      ]);
    } finally {
      other.close();
      await t.close();
    }
  });

  it('group caps hold the group at its cap, the rest in cash', async () => {
    const t = await session();
    try {
      await t.client.call('portfolio.configure', { sizing: 'none', constraints: { groups: { 'BTC/USDT': 'crypto', 'ETH/USDT': 'crypto' }, groupCaps: { crypto: 0.1 } } });
      const x = await t.client.call('portfolio.target', {});
      const w = Object.fromEntries(x.rows.map((r) => [r.symbol, r.targetWeight]));
      expect(w['BTC/USDT']! + w['ETH/USDT']!).toBeCloseTo(0.1, 9);
      expect(w.SPY).toBeCloseTo(0.1, 12);
    } finally {
      await t.close();
    }
  });

  it('a weekly cadence proposes once a week; min-volatility takes the stay-close penalty and still funds the invested total', async () => {
    const t = await session();
    try {
      await t.client.call('portfolio.configure', { method: 'min-volatility', sizing: 'none', constraints: { maxWeight: 0.14, stayClose: 0.5 }, rebalance: { cadence: 'weekly' } });
      const x = await t.client.call('portfolio.target', {});
      expect(x.constructionError).toBeUndefined();
      const w = x.rows.filter((r) => r.symbol !== 'CASH').map((r) => r.targetWeight);
      for (const v of w) expect(v).toBeLessThanOrEqual(0.14 + 1e-9);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(0.3, 6);
      const first = await t.client.call('portfolio.rebalance', { dryRun: false });
      expect(first.due).toBe(true);
      expect(first.proposals.length).toBeGreaterThan(0);
      for (const p of first.proposals) await t.client.call('approvals.reject', { id: p.id, reason: 'test' });
      const second = await t.client.call('portfolio.rebalance', { dryRun: false });
      expect(second.due).toBe(false);
      expect(second.proposals).toEqual([]);
      expect(second.notes.join(' ')).toMatch(/weekly rebalance already ran/);
    } finally {
      await t.close();
    }
  });

  it('min-volatility and max-Sharpe take group caps as constraints: the capped group sits at its cap and the rest of the invested total goes to the other instruments, not to cash', async () => {
    const t = await session();
    try {
      for (const method of ['min-volatility', 'max-sharpe'] as const) {
        await t.client.call('portfolio.configure', { method, sizing: 'none', riskFreeRate: -0.5, constraints: { maxWeight: null, groups: { SPY: 'equity', 'BTC/USDT': 'crypto', 'ETH/USDT': 'crypto' }, groupCaps: { equity: 0.05 } } });
        const x = await t.client.call('portfolio.target', {});
        expect([method, x.constructionError?.message]).toEqual([method, undefined]);
        const w = Object.fromEntries(x.rows.filter((r) => SYMBOLS.includes(r.symbol)).map((r) => [r.symbol, r.targetWeight]));
        expect(w.SPY!).toBeLessThanOrEqual(0.05 + 1e-9);
        // Scaling the optimiser's split down afterwards would leave the capped excess in cash.
        expect(w.SPY! + w['BTC/USDT']! + w['ETH/USDT']!).toBeCloseTo(0.3, 6);
        expect(w['BTC/USDT']! + w['ETH/USDT']!).toBeGreaterThanOrEqual(0.25 - 1e-9);
      }
      // min-volatility wants the equity most (the test above): the cap binds.
      await t.client.call('portfolio.configure', { method: 'min-volatility' });
      const mv = await t.client.call('portfolio.target', {});
      expect(mv.rows.find((r) => r.symbol === 'SPY')!.targetWeight).toBeCloseTo(0.05, 6);
    } finally {
      await t.close();
    }
  });
});
