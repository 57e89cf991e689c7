import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProposalDto } from '../../src/contract/l2-dto.ts';
import { SqliteApprovalStore } from '../../src/store/sqlite/approval-store.ts';
import { connect, tempDataDir } from './harness.ts';
import type { Connected } from './harness.ts';

/**
 * The approval's crash window. The queue journals APPROVED (synchronous=FULL) before the order is
 * created, and writes the order's id back after. A process killed between those two writes leaves
 * an APPROVED proposal without an order id in the engine's SQLite file. The crash is reproduced by
 * leaving the file exactly as that moment leaves it (the first write committed, the second not),
 * then the engine restarts on it: the proposal must be settled — linked to its order if the order
 * journal has one for it, else waiting for the operator again — never lost, never sent twice.
 */

let c: Connected | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

const SLOW_CYCLE = { cycleEveryMs: 3_600_000, autoPropose: false };

async function proposeSpy(): Promise<ProposalDto> {
  await c!.client.call('signals.set', { name: 'strategic', key: 'targets', value: { SPY: 0.02, CASH: 0.98 } });
  await c!.client.call('signals.set', { name: 'strategic', key: 'urgency', value: 'immediate' });
  const batch = await c!.client.call('portfolio.rebalance', { dryRun: false });
  expect(batch.proposals).toHaveLength(1);
  return batch.proposals[0]!;
}

async function signalOrders() {
  return (await c!.client.call('orders.list', { scope: 'all' })).filter((o) => o.source === 'signal' && o.parentId === null);
}

/** Opens the engine's own database file while the engine is stopped, as a crashed process left it. */
function withStore<T>(dir: string, fn: (s: SqliteApprovalStore) => T): T {
  const s = new SqliteApprovalStore(join(dir, 'strata.sqlite'));
  try {
    return fn(s);
  } finally {
    s.close();
  }
}

describe('an approval interrupted between its two writes', () => {
  it('when the process died after journaling APPROVED and before creating the order then after a restart the proposal waits again, visibly, and approving it sends exactly one order', async () => {
    const dir = tempDataDir('approval-crash-none');
    c = await connect('memory', dir, { l2: SLOW_CYCLE });
    const p = await proposeSpy();
    await c.close();
    c = undefined;
    // The first write of the approval, as ApprovalQueue journals it before the send; the process stops here.
    withStore(dir, (s) => {
      const cur = s.get(p.id)!;
      s.save([{ ...cur, status: 'APPROVED', decidedBy: 'operator', decidedAt: cur.updatedAt + 1, updatedAt: cur.updatedAt + 1, audit: [...cur.audit, { at: cur.updatedAt + 1, by: 'operator', action: 'approved', shown: cur.audit[0]!.shown, note: null }] }]);
      expect(s.unlinked().map((x) => x.id)).toEqual([p.id]);
    });

    c = await connect('memory', dir, { l2: SLOW_CYCLE });
    const q = await c.client.call('approvals.list', { scope: 'pending' });
    const back = q.proposals.find((x) => x.id === p.id)!;
    expect(back).toMatchObject({ status: 'PROPOSED', orderId: null, decidedBy: null });
    const last = back.audit.at(-1)!;
    expect(last).toMatchObject({ action: 'recovered', by: 'engine' });
    expect(last.note).toMatch(/before creating its order: nothing was sent/);
    expect(await signalOrders()).toEqual([]);
    withStore(dir, (s) => expect(s.unlinked()).toEqual([]));

    const r = await c.client.call('approvals.approve', { ids: [p.id] });
    expect(r.sent).toBe(1);
    const again = await c.client.call('approvals.approve', { ids: [p.id] });
    expect(again.results[0]).toMatchObject({ code: 'ALREADY_APPROVED', orderId: r.results[0]!.orderId });
    expect((await signalOrders()).map((o) => o.id)).toEqual([r.results[0]!.orderId]);
  });

  it('when the process died after the order was journaled and before its id was written back then after a restart the proposal is linked to that order and nothing is sent again', async () => {
    const dir = tempDataDir('approval-crash-order');
    c = await connect('memory', dir, { l2: SLOW_CYCLE });
    const p = await proposeSpy();
    const sent = await c.client.call('approvals.approve', { ids: [p.id] });
    const orderId = sent.results[0]!.orderId!;
    expect(orderId).toBeTruthy();
    await c.close();
    c = undefined;
    // Undo the second write (the order id written back): the state a crash right after the intake leaves.
    withStore(dir, (s) => {
      const cur = s.get(p.id)!;
      expect(cur).toMatchObject({ status: 'APPROVED', orderId });
      s.save([{ ...cur, orderId: null, reason: null }]);
    });

    c = await connect('memory', dir, { l2: SLOW_CYCLE });
    const all = await c.client.call('approvals.list', { scope: 'all' });
    const linked = all.proposals.find((x) => x.id === p.id)!;
    expect(linked).toMatchObject({ status: 'APPROVED', orderId, decidedBy: 'operator' });
    expect(linked.audit.at(-1)).toMatchObject({ action: 'recovered', by: 'engine' });
    expect(linked.audit.at(-1)!.note).toContain(orderId);
    const again = await c.client.call('approvals.approve', { ids: [p.id] });
    expect(again.results[0]).toMatchObject({ ok: true, code: 'ALREADY_APPROVED', orderId });
    expect((await signalOrders()).map((o) => o.id)).toEqual([orderId]);
    expect((await c.client.call('orders.get', { orderId })).proposalId).toBe(p.id);
  });
});
