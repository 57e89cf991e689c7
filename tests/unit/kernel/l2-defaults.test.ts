import { describe, expect, it } from 'vitest';
import type { ProposalDto } from '../../../src/contract/l2-dto.ts';
import { createMemoryPair } from '../../../src/contract/memory.ts';
import { createClient, serveEndpoint } from '../../../src/contract/rpc.ts';
import { SimClock, SimClockDriver } from '../../../src/core/clock.ts';
import { loadDailyHistory } from '../../../src/host/history.ts';
import { createEngine } from '../../../src/kernel/engine.ts';

/**
 * A fresh start with every default (the strategic policy, L1's default limits, the portfolio
 * options) must produce proposals the operator can approve: the default policy once asked for 60%
 * SPY, which the default 50% position limit (and the order-size limits) hard-denied, so nothing a
 * new user saw could ever be approved.
 */
describe('fresh defaults', () => {
  it('when a fresh engine runs its first signal cycle then it proposes trades L1 passes, and approving them sends orders that are not denied', async () => {
    const clock = new SimClock(Date.UTC(2026, 0, 5, 14, 30));
    const engine = createEngine({ mode: 'backtest', durability: 'memory', seed: 5, clock, log: () => undefined, pms: { dailyHistory: loadDailyHistory() } });
    await engine.start();
    const [s, c] = createMemoryPair();
    serveEndpoint(s, engine.handlers, engine.feed);
    const client = createClient(c);
    const created: ProposalDto[] = [];
    client.on('proposal.created', (p) => created.push(p));
    try {
      // The engine's own cycle (every 60 s of engine time by default) makes the first batch unasked.
      new SimClockDriver(clock).runToEnd(clock.now() + 61_000);
      await new Promise((r) => setTimeout(r, 0));
      const nav = (await client.call('account.get', {})).equity;
      const r = { nav, proposals: created };
      expect(r.proposals.length).toBeGreaterThanOrEqual(1);
      const approvable = r.proposals.filter((p) => p.verdict.verdict === 'pass');
      expect(approvable.map((p) => p.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT', 'SPY']);
      // SPY's move to 25% is worked in tranches of at most 8% of NAV.
      const spy = r.proposals.find((p) => p.symbol === 'SPY')!;
      expect(spy.estimatedValue).toBeLessThanOrEqual(0.08 * r.nav + 1e-6);
      expect(spy.targetWeight).toBeCloseTo(0.25, 2);
      const res = await client.call('approvals.approve', { ids: approvable.map((p) => p.id) });
      expect(res.refused).toBe(0);
      expect(res.sent).toBe(approvable.length);
      for (const o of res.results) {
        const order = await client.call('orders.get', { orderId: o.orderId! });
        expect(order.status).not.toBe('DENIED');
        expect(order.source).toBe('signal');
      }
    } finally {
      client.close();
      await engine.stop();
    }
  });
});
