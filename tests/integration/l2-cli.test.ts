import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortfolioSettingsDto } from '../../src/contract/api/portfolio.ts';
import type { AlphaDto, ApprovalQueueDto, ApprovalResultDto, PortfolioTargetDto, ProposalDto, RebalanceDto, SignalsDto } from '../../src/contract/l2-dto.ts';
import type { ServeProcess } from './harness.ts';
import { killHard, spawnServe, strataCli, tempDataDir } from './harness.ts';

/** `strata signals|portfolio target|portfolio rebalance|approvals …` against a real engine process, as an operator runs them. */

describe('strata L2 CLI', () => {
  let dir: string;
  let p: ServeProcess;
  const { cli, json } = strataCli(() => dir);

  beforeAll(async () => {
    dir = tempDataDir('l2-cli');
    // No automatic cycle: the test makes every proposal itself.
    p = await spawnServe(dir, ['--signal-cycle', '0']);
  });
  afterAll(async () => {
    await killHard(p);
  });

  it('signals: list, set a parameter, disable and enable; bad names and parameters are typed errors', async () => {
    const s = await json<SignalsDto>('signals', 'list');
    expect(s.alphas.map((a) => [a.name, a.enabled])).toEqual([
      ['strategic', true],
      ['tactical', false],
      ['sma-cross', false],
      ['model', false],
    ]);
    const a = await json<AlphaDto>('signals', 'set', 'strategic', 'targets', JSON.stringify({ SPY: 0.02, 'BTC/USDT': 0.015, CASH: 0.965 }));
    expect(a.params).toMatchObject({ targets: { SPY: 0.02, 'BTC/USDT': 0.015, CASH: 0.965 } });
    expect((await json<AlphaDto>('signals', 'disable', 'sma-cross')).enabled).toBe(false);
    expect((await json<AlphaDto>('signals', 'enable', 'strategic')).enabled).toBe(true);
    const human = await cli('signals', 'list');
    expect(human.stdout).toMatch(/strategic\s+strategic-allocation\s+yes/);

    const unknown = await cli('signals', 'enable', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('UNKNOWN_ALPHA');
    const badKey = await cli('signals', 'set', 'strategic', 'colour', 'blue');
    expect(badKey.stderr).toContain('UNKNOWN_PARAM');
    const badValue = await cli('signals', 'set', 'strategic', 'targets', '{"SPY": 2}');
    expect(badValue.code).toBe(1);
    expect(badValue.stderr).toContain('BAD_PARAM');
  });

  it('portfolio target and rebalance, then approvals: list, modify, reject, approve once', async () => {
    const t = await json<PortfolioTargetDto>('portfolio', 'target');
    expect(t.rows.map((r) => r.symbol)).toEqual(['BTC/USDT', 'SPY']);
    expect(t.rows.every((r) => r.contributions[0]?.alpha === 'strategic')).toBe(true);

    const dry = await json<RebalanceDto>('portfolio', 'rebalance', '--dry-run');
    expect(dry).toMatchObject({ dryRun: true, batchId: null });
    expect(dry.proposals).toHaveLength(2);
    expect((await json<ApprovalQueueDto>('approvals', 'list')).proposals).toEqual([]);

    const r = await json<RebalanceDto>('portfolio', 'rebalance');
    expect(r.batchId).toMatch(/^B-\d+$/);
    const human = await cli('approvals', 'list');
    expect(human.stdout).toContain('2 waiting');
    expect(human.stdout).toContain('auto-approve: off');
    const [btc, spy] = [r.proposals.find((x) => x.symbol === 'BTC/USDT')!, r.proposals.find((x) => x.symbol === 'SPY')!];

    const m = await json<ProposalDto>('approvals', 'modify', spy.id, '--urgency', 'immediate');
    expect(m).toMatchObject({ status: 'MODIFIED', urgency: 'immediate', algo: 'market' });
    const rj = await json<ProposalDto>('approvals', 'reject', btc.id, '--reason', 'crypto later');
    expect(rj).toMatchObject({ status: 'REJECTED', reason: 'crypto later' });

    const ok = await json<ApprovalResultDto>('approvals', 'approve', spy.id);
    expect(ok.results[0]).toMatchObject({ ok: true, code: null });
    const again = await cli('approvals', 'approve', spy.id);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already approved');
    const refused = await cli('approvals', 'approve', btc.id);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('PROPOSAL_NOT_PENDING');
    expect((await cli('approvals', 'approve')).code).toBe(2);
    expect((await cli('approvals', 'reject', spy.id)).code).toBe(2);

    const all = await json<ApprovalQueueDto>('approvals', 'list', '--all');
    expect(all.proposals.filter((x) => x.batchId === r.batchId).map((x) => [x.symbol, x.status]).sort()).toEqual([
      ['BTC/USDT', 'REJECTED'],
      ['SPY', 'APPROVED'],
    ]);

    expect(await json('approvals', 'auto-approve', 'strategic', '--max-notional', '1000')).toEqual([{ alpha: 'strategic', enabled: true, maxNotional: 1000 }]);
    expect(await json('approvals', 'auto-approve', 'strategic', '--off')).toEqual([{ alpha: 'strategic', enabled: false, maxNotional: 1000 }]);
    expect((await cli('approvals', 'auto-approve', 'strategic')).code).toBe(2);
  });

  it('when the engine process is killed after an approval then, restarted, the queue is intact and approving again sends nothing', async () => {
    const before = await json<ApprovalQueueDto>('approvals', 'list', '--all');
    const approved = before.proposals.find((x) => x.status === 'APPROVED')!;
    await killHard(p);
    p = await spawnServe(dir, ['--signal-cycle', '0']);
    const after = await json<ApprovalQueueDto>('approvals', 'list', '--all');
    expect(after.proposals.map((x) => [x.id, x.status, x.orderId])).toEqual(before.proposals.map((x) => [x.id, x.status, x.orderId]));
    const again = await json<ApprovalResultDto>('approvals', 'approve', approved.id);
    expect(again.results[0]).toMatchObject({ ok: true, code: 'ALREADY_APPROVED', orderId: approved.orderId });
    const orders = await json<{ id: string; source: string; parentId: string | null }[]>('orders', 'list');
    expect(orders.filter((o) => o.source === 'signal' && o.parentId === null).map((o) => o.id)).toEqual([approved.orderId]);
  });

  it('portfolio settings and configure: only the options given change, refusals are typed, and a killed engine keeps them', async () => {
    const d = await json<PortfolioSettingsDto>('portfolio', 'settings');
    expect(d).toMatchObject({ method: 'signal-weighted', sizing: 'dynamic', constraints: { maxWeight: null } });
    const s = await json<PortfolioSettingsDto>('portfolio', 'configure', '--method', 'min-volatility', '--max-weight', '0.04', '--group', 'BTC/USDT=crypto', '--group', 'ETH/USDT=crypto', '--group-cap', 'crypto=0.05', '--cadence', 'weekly');
    expect(s).toMatchObject({ method: 'min-volatility', constraints: { maxWeight: 0.04, groups: { 'BTC/USDT': 'crypto', 'ETH/USDT': 'crypto' }, groupCaps: { crypto: 0.05 } }, rebalance: { ...d.rebalance, cadence: 'weekly' } });
    const human = await cli('portfolio', 'settings');
    expect(human.stdout).toMatch(/method\s+min-volatility/);
    expect(human.stdout).toMatch(/crypto ≤ 5.00% \(BTC\/USDT, ETH\/USDT\)/);
    const infeasible = await cli('portfolio', 'configure', '--min-weight', '0.05');
    expect(infeasible.code).toBe(1);
    expect(infeasible.stderr).toContain('INFEASIBLE');
    const bad = await cli('portfolio', 'configure', '--method', 'hrp', '--stay-close', '0.5');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('BAD_PARAM');
    expect((await cli('portfolio', 'configure')).code).toBe(2);
    await killHard(p);
    p = await spawnServe(dir, ['--signal-cycle', '0']);
    expect(await json<PortfolioSettingsDto>('portfolio', 'settings')).toEqual(s);
  });
});
