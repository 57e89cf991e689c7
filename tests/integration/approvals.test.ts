import { afterEach, describe, expect, it } from 'vitest';
import { isTerminal } from '../../src/contract/dto.ts';
import type { ProposalDto } from '../../src/contract/l2-dto.ts';
import { connect, tempDataDir, waitFor } from './harness.ts';
import type { Connected } from './harness.ts';

/**
 * L2 in the running engine (real SQLite file, demo venue, in-memory transport): the strategic
 * allocation becomes a batch of proposals; approved ones go through L1 and routing to the venue
 * and the book converges to the target; rejected and expired ones send nothing; the queue survives
 * a restart, and an approval is never sent twice. The engine's own cycle is slowed to an hour so
 * that the test drives the rebalances.
 */

let c: Connected | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

const SLOW_CYCLE = { cycleEveryMs: 3_600_000, autoPropose: false };

async function useTargets(targets: Record<string, number>, urgency = 'immediate'): Promise<void> {
  await c!.client.call('signals.set', { name: 'strategic', key: 'targets', value: targets });
  await c!.client.call('signals.set', { name: 'strategic', key: 'urgency', value: urgency });
}

async function signalOrders() {
  return (await c!.client.call('orders.list', { scope: 'all' })).filter((o) => o.source === 'signal' && o.parentId === null);
}

async function allSettled(): Promise<void> {
  await waitFor(async () => ((await signalOrders()).every((o) => isTerminal(o.status)) ? true : undefined), 30_000, 'signal orders to settle');
}

describe('the approval queue in the engine', () => {
  it('when the strategic allocation is rebalanced then a batch of explained proposals appears; approved ones reach the venue through L1 and the book converges, a rejected one sends nothing', async () => {
    c = await connect('memory', tempDataDir('approvals'), { l2: SLOW_CYCLE });
    await useTargets({ SPY: 0.03, 'BTC/USDT': 0.02, 'ETH/USDT': 0.015, CASH: 0.935 });
    const created: ProposalDto[] = [];
    c.client.on('proposal.created', (p) => created.push(p));

    const batch = await c.client.call('portfolio.rebalance', { dryRun: false });
    expect(batch.batchId).not.toBeNull();
    expect(batch.proposals.map((p) => p.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT', 'SPY']);
    for (const p of batch.proposals) {
      expect(p).toMatchObject({ status: 'PROPOSED', side: 'buy', urgency: 'immediate', algo: 'market', currentWeight: 0 });
      expect(p.contributions.map((x) => x.alpha)).toEqual(['strategic']);
      expect(p.verdict.verdict).toBe('pass');
      expect(p.after.positionPctNav).toBeGreaterThan(0);
      expect(p.expectedCost?.bps).toBeGreaterThan(0);
      expect(p.decisionPrice).toBeGreaterThan(0);
    }
    await waitFor(() => (created.length >= 3 ? true : undefined), 10_000, 'proposal.created events');

    const eth = batch.proposals.find((p) => p.symbol === 'ETH/USDT')!;
    const rejected = await c.client.call('approvals.reject', { id: eth.id, reason: 'not today' });
    expect(rejected).toMatchObject({ status: 'REJECTED', reason: 'not today', decidedBy: 'operator' });

    const approved = await c.client.call('approvals.approve', { batchId: batch.batchId! });
    expect(approved.results.map((r) => [r.id, r.ok, r.code])).toEqual(
      batch.proposals.filter((p) => p.id !== eth.id).map((p) => [p.id, true, null]),
    );
    await allSettled();
    const orders = await signalOrders();
    expect(orders.map((o) => o.symbol).sort()).toEqual(['BTC/USDT', 'SPY']);

    // Converge: rebalance and approve until nothing is left to trade (a thin demo book may part-fill a market order).
    for (let round = 0; round < 5; round++) {
      const next = await c.client.call('portfolio.rebalance', { dryRun: false });
      const live = next.proposals.filter((p) => p.symbol !== 'ETH/USDT');
      for (const p of next.proposals.filter((p) => p.symbol === 'ETH/USDT')) await c.client.call('approvals.reject', { id: p.id, reason: 'not today' });
      if (live.length === 0) break;
      await c.client.call('approvals.approve', { ids: live.map((p) => p.id) });
      await allSettled();
    }
    const target = await c.client.call('portfolio.target', {});
    for (const sym of ['SPY', 'BTC/USDT']) {
      const row = target.rows.find((r) => r.symbol === sym)!;
      expect(Math.abs(row.currentWeight - row.targetWeight)).toBeLessThan(0.01);
    }
    expect((await signalOrders()).some((o) => o.symbol === 'ETH/USDT')).toBe(false);
  });

  it('when a proposal is modified to an algorithm then L1 is re-asked and approval starts that algorithm as a signal parent', async () => {
    c = await connect('memory', tempDataDir('approvals-algo'), { l2: SLOW_CYCLE });
    await useTargets({ SPY: 0.02, CASH: 0.98 }, 'high');
    const batch = await c.client.call('portfolio.rebalance', { dryRun: false });
    const p = batch.proposals[0]!;
    expect(p.algo).toBe('twap');
    const m = await c.client.call('approvals.modify', { id: p.id, algo: 'vwap', urgency: 'medium' });
    expect(m).toMatchObject({ status: 'MODIFIED', algo: 'vwap', algoChosen: true, urgency: 'medium' });
    expect(m.checkedAt).toBeGreaterThanOrEqual(p.checkedAt);
    expect(m.audit.map((a) => a.action)).toEqual(['created', 'modified']);
    const r = await c.client.call('approvals.approve', { ids: [p.id] });
    const parent = await c.client.call('orders.get', { orderId: r.results[0]!.orderId! });
    expect(parent).toMatchObject({ source: 'signal', symbol: 'SPY', side: 'buy', urgency: 'medium' });
    expect(parent.execution?.algo).toBe('vwap');
  });

  it('when a proposal outlives its TTL then it expires and approving it sends nothing', async () => {
    c = await connect('memory', tempDataDir('approvals-ttl'), { l2: { ...SLOW_CYCLE, queue: { ttlMs: 1500 }, sweepEveryMs: 200 } });
    await useTargets({ SPY: 0.02, CASH: 0.98 });
    const expired: ProposalDto[] = [];
    c.client.on('proposal.updated', (p) => {
      if (p.status === 'EXPIRED') expired.push(p);
    });
    const batch = await c.client.call('portfolio.rebalance', { dryRun: false });
    const id = batch.proposals[0]!.id;
    await waitFor(() => (expired.some((p) => p.id === id) ? true : undefined), 20_000, 'the proposal to expire');
    expect(expired.find((p) => p.id === id)!.reason).toMatch(/^TTL/);
    const r = await c.client.call('approvals.approve', { ids: [id] });
    expect(r.results[0]).toMatchObject({ ok: false, code: 'PROPOSAL_NOT_PENDING', status: 'EXPIRED' });
    expect(await signalOrders()).toEqual([]);
  });

  it('when the engine restarts then the queue is still there; the kill switch freezes it; an approval is sent once across restarts', async () => {
    const dir = tempDataDir('approvals-restart');
    c = await connect('memory', dir, { l2: SLOW_CYCLE });
    await useTargets({ SPY: 0.02, 'BTC/USDT': 0.015, CASH: 0.965 });
    const batch = await c.client.call('portfolio.rebalance', { dryRun: false });
    expect(batch.proposals).toHaveLength(2);
    const dry = await c.client.call('portfolio.rebalance', { dryRun: true });
    expect(dry.proposals).toEqual([]);
    await c.close();

    c = await connect('memory', dir, { l2: SLOW_CYCLE });
    const q = await c.client.call('approvals.list', { scope: 'pending' });
    expect(q.proposals.map((p) => p.id).sort()).toEqual(batch.proposals.map((p) => p.id).sort());
    expect((await c.client.call('signals.list', {})).alphas.find((a) => a.name === 'strategic')?.params).toMatchObject({ targets: { SPY: 0.02, 'BTC/USDT': 0.015, CASH: 0.965 } });

    await c.client.call('risk.killSwitch', { reason: 'test' });
    const frozen = await c.client.call('approvals.approve', { batchId: batch.batchId! });
    expect(frozen.results.every((r) => !r.ok && r.code === 'QUEUE_FROZEN')).toBe(true);
    expect((await c.client.call('approvals.list', {})).frozen).toBe(true);
    expect(await signalOrders()).toEqual([]);
    const st = await c.client.call('risk.state.set', { mode: 'ACTIVE', confirm: (await c.client.call('risk.status', {})).state.resumeToken ?? undefined });
    expect(st.mode).toBe('ACTIVE');

    const first = await c.client.call('approvals.approve', { ids: [batch.proposals[0]!.id] });
    expect(first.sent).toBe(1);
    await c.close();

    c = await connect('memory', dir, { l2: SLOW_CYCLE });
    const again = await c.client.call('approvals.approve', { ids: [batch.proposals[0]!.id] });
    expect(again.results[0]).toMatchObject({ ok: true, code: 'ALREADY_APPROVED', orderId: first.results[0]!.orderId });
    expect((await signalOrders()).map((o) => o.id)).toEqual([first.results[0]!.orderId]);
  });

  it('when the operator trades the symbol by hand while a proposal waits then approving it sends nothing (POSITION_CHANGED) and the next rebalance sizes from the new position', async () => {
    c = await connect('memory', tempDataDir('approvals-basis'), { l2: SLOW_CYCLE });
    await useTargets({ 'ETH/USDT': 0.05, CASH: 0.95 });
    const updated: ProposalDto[] = [];
    c.client.on('proposal.updated', (p) => updated.push(p));
    const batch = await c.client.call('portfolio.rebalance', { dryRun: false });
    const eth = batch.proposals.find((p) => p.symbol === 'ETH/USDT')!;
    expect(eth).toMatchObject({ status: 'PROPOSED', side: 'buy', basisQty: 0 });

    const manual = await c.client.call('orders.place', { symbol: 'ETH/USDT', side: 'buy', qty: '3', type: 'market' });
    await waitFor(async () => ((await c!.client.call('orders.get', { orderId: manual.id })).status === 'FILLED' ? true : undefined), 10_000, 'the manual buy to fill');
    // The sweep (every engine second) expires it as soon as the fill moves the position.
    await waitFor(() => (updated.some((p) => p.id === eth.id && p.status === 'EXPIRED') ? true : undefined), 10_000, 'the proposal to expire');
    const r = await c.client.call('approvals.approve', { ids: [eth.id] });
    expect(r.results[0]).toMatchObject({ ok: false, code: 'PROPOSAL_NOT_PENDING', status: 'EXPIRED' });
    const all = await c.client.call('approvals.list', { scope: 'all' });
    expect(all.proposals.find((p) => p.id === eth.id)?.reason).toMatch(/^POSITION_CHANGED: ETH\/USDT position was 0 when proposed and is 3 now/);
    expect(await signalOrders()).toEqual([]);

    const next = await c.client.call('portfolio.rebalance', { dryRun: false });
    const again = next.proposals.find((p) => p.symbol === 'ETH/USDT')!;
    expect(again.basisQty).toBe(3);
    expect(again.currentWeight).toBeGreaterThan(0);
    expect(Number(again.qty)).toBeLessThan(Number(eth.qty) - 2.5);
  });
});
