import { describe, expect, it } from 'vitest';
import { createMemoryPair } from '../../../src/contract/memory.ts';
import type { ProposalDto, SignalCycleDto } from '../../../src/contract/l2-dto.ts';
import { createClient, serveEndpoint } from '../../../src/contract/rpc.ts';
import { SimClock, SimClockDriver } from '../../../src/core/clock.ts';
import { createEngine } from '../../../src/kernel/engine.ts';

/**
 * L2 runs on the engine clock: on a SimClock (a backtest in memory) the signal cycle fires as
 * engine time passes, its proposals appear without anyone asking, an expired one is never sent,
 * and an alpha's auto-approve policy sends through L1 on its own.
 */
async function session(l2: Parameters<typeof createEngine>[0]['l2']) {
  const clock = new SimClock(Date.UTC(2026, 0, 5, 14, 30));
  const driver = new SimClockDriver(clock);
  const engine = createEngine({ mode: 'backtest', durability: 'memory', seed: 5, clock, warmUpMinutes: 60, log: () => undefined, l2 });
  await engine.start();
  const [s, c] = createMemoryPair();
  serveEndpoint(s, engine.handlers, engine.feed);
  const client = createClient(c);
  const created: ProposalDto[] = [];
  const updated: ProposalDto[] = [];
  const cycles: SignalCycleDto[] = [];
  client.on('proposal.created', (p) => created.push(p));
  client.on('proposal.updated', (p) => updated.push(p));
  client.on('signal.generated', (x) => cycles.push(x));
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return {
    clock,
    driver,
    client,
    created,
    updated,
    cycles,
    flush,
    close: async () => {
      client.close();
      await engine.stop();
    },
  };
}

describe('L2 on the engine clock', () => {
  it('when a cycle comes due on the engine clock then signals are generated and a batch of proposals is created unasked; it expires unsent', async () => {
    const t = await session({ cycleEveryMs: 60_000, queue: { ttlMs: 120_000 } });
    try {
      await t.client.call('signals.set', { name: 'strategic', key: 'targets', value: { SPY: 0.05, 'ETH/USDT': 0.03, CASH: 0.92 } });
      t.driver.runToEnd(t.clock.now() + 59_000);
      await t.flush();
      expect(t.created).toEqual([]);
      t.driver.runToEnd(t.clock.now() + 2_000);
      await t.flush();
      expect(t.cycles).toHaveLength(1);
      expect(t.cycles[0]!.signals.map((s) => s.instrument).sort()).toEqual(['CASH', 'ETH/USDT', 'SPY']);
      expect(t.created.map((p) => p.symbol).sort()).toEqual(['ETH/USDT', 'SPY']);
      expect(new Set(t.created.map((p) => p.batchId)).size).toBe(1);
      // The next cycle proposes nothing again for symbols already waiting.
      t.driver.runToEnd(t.clock.now() + 60_000);
      await t.flush();
      expect(t.created).toHaveLength(2);
      const first = t.created.map((p) => p.id).sort();
      t.driver.runToEnd(t.clock.now() + 120_000);
      await t.flush();
      const expired = t.updated.filter((p) => p.status === 'EXPIRED');
      expect(expired.map((p) => p.id).sort()).toEqual(first);
      expect(expired.every((p) => p.reason?.startsWith('TTL') || p.reason?.startsWith('PRICE_BAND'))).toBe(true);
      // Once expired, the next cycle proposes afresh (a new decision price), in a new batch.
      expect(t.created.length).toBeGreaterThan(2);
      expect((await t.client.call('orders.list', { scope: 'all' })).filter((o) => o.source === 'signal')).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('when an alpha auto-approves under a notional then its small proposals are sent through L1 without the operator, larger ones wait', async () => {
    const t = await session({ cycleEveryMs: 0 });
    try {
      await t.client.call('signals.set', { name: 'strategic', key: 'targets', value: { SPY: 0.05, 'ETH/USDT': 0.02, CASH: 0.93 } });
      await t.client.call('signals.set', { name: 'strategic', key: 'urgency', value: 'immediate' });
      const policies = await t.client.call('approvals.autoApprove', { alpha: 'strategic', enabled: true, maxNotional: 30_000 });
      expect(policies).toEqual([{ alpha: 'strategic', enabled: true, maxNotional: 30_000 }]);
      const r = await t.client.call('portfolio.rebalance', { dryRun: false });
      const eth = r.proposals.find((p) => p.symbol === 'ETH/USDT')!;
      const spy = r.proposals.find((p) => p.symbol === 'SPY')!;
      expect(eth).toMatchObject({ status: 'APPROVED', autoApproved: true, decidedBy: 'auto:strategic' });
      expect(eth.orderId).not.toBeNull();
      expect(spy).toMatchObject({ status: 'PROPOSED', autoApproved: false });
      const order = await t.client.call('orders.get', { orderId: eth.orderId! });
      expect(order).toMatchObject({ source: 'signal', symbol: 'ETH/USDT', side: 'buy' });
    } finally {
      await t.close();
    }
  });

  it('a rebalance while an order is working sizes on equity: the same NAV and current weights as portfolio.target, buys within free cash', async () => {
    const t = await session({ cycleEveryMs: 0 });
    try {
      await t.client.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', qty: 0.5, type: 'market' });
      const snap = await t.client.call('market.snapshot', { symbol: 'SPY' });
      // A resting buy far below the market reserves cash for as long as it works.
      const bid = Number(snap.book.bids[0]!.price);
      await t.client.call('orders.place', { symbol: 'SPY', side: 'buy', qty: 500, type: 'limit', price: Math.floor(bid * 0.8) });
      const acct = await t.client.call('account.get', {});
      expect(acct.reservedCash).toBeGreaterThan(20_000);
      await t.client.call('signals.set', { name: 'strategic', key: 'targets', value: { 'BTC/USDT': 0.2, 'ETH/USDT': 0.05, CASH: 0.75 } });
      const target = await t.client.call('portfolio.target', {});
      const r = await t.client.call('portfolio.rebalance', { dryRun: true });
      expect(r.nav).toBeCloseTo(target.nav, -1);
      expect(Math.abs(r.nav - acct.equity) / acct.equity).toBeLessThan(1e-3);
      const btc = r.proposals.find((p) => p.symbol === 'BTC/USDT')!;
      expect(btc.currentWeight).toBeCloseTo(target.rows.find((x) => x.symbol === 'BTC/USDT')!.currentWeight, 3);
      const buys = r.proposals.filter((p) => p.side === 'buy').reduce((a, p) => a + p.estimatedValue, 0);
      expect(buys).toBeLessThanOrEqual(acct.cash - acct.reservedCash);
    } finally {
      await t.close();
    }
  });

  it('the efficient frontier is drawn from the daily bars with the current and target books on it', async () => {
    const t = await session({ cycleEveryMs: 0 });
    try {
      await t.client.call('signals.set', { name: 'strategic', key: 'targets', value: { SPY: 0.3, 'BTC/USDT': 0.2, CASH: 0.5 } });
      const f = await t.client.call('portfolio.frontier', { points: 8 });
      expect(f.unavailable).toBeNull();
      expect(f.symbols).toEqual(['BTC/USDT', 'ETH/USDT', 'SPY']);
      expect(f.points).toHaveLength(8);
      for (let k = 1; k < f.points.length; k++) expect(f.points[k]!.expectedReturn).toBeGreaterThanOrEqual(f.points[k - 1]!.expectedReturn - 1e-9);
      for (const p of f.points) expect(Object.values(p.weights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      // The target is the sized one: a risk-adding trade may be scaled down, never up.
      expect(f.target!.weights.SPY).toBeGreaterThan(0);
      expect(f.target!.weights.SPY).toBeLessThanOrEqual(0.3 + 1e-12);
      expect(f.target!.weights['BTC/USDT']).toBeGreaterThan(0);
      expect(f.target!.weights['BTC/USDT']).toBeLessThanOrEqual(0.2 + 1e-12);
      expect(f.current).not.toBeNull();
      // The account is flat: its book sits at the origin, where the Sharpe ratio is undefined (the
      // Portfolio screen crashed on the NaN that JSON sent as null).
      expect(f.current!.volatility).toBe(0);
      expect(f.current!.sharpe).toBeNull();
    } finally {
      await t.close();
    }
  });
});
