import { describe, expect, it } from 'vitest';
import type { ProposalAuditDto, ProposalDto } from '../../../src/contract/l2-dto.ts';
import { impliedWeight } from '../../../src/contract/proposal-weight.ts';
import { proposalsTable, weightCell } from '../../../src/host/cli-approvals.ts';

const created = (qty: string): ProposalAuditDto => ({ at: 1, by: 'l2', action: 'created', shown: { qty, urgency: 'medium', algo: 'twap', verdict: 'pass', codes: [], price: 100 }, note: null });
const modified = (qty: string): ProposalAuditDto => ({ ...created(qty), action: 'modified', by: 'operator' });

function proposal(over: Partial<ProposalDto>): ProposalDto {
  return {
    id: 'P1',
    batchId: 'B1',
    status: 'PROPOSED',
    createdAt: 0,
    updatedAt: 0,
    expiresAt: Date.UTC(2026, 11, 3, 14),
    symbol: 'SPY',
    side: 'buy',
    qty: '10',
    urgency: 'medium',
    algo: 'twap',
    algoChosen: false,
    routing: '',
    currentWeight: 0.02,
    targetWeight: 0.1,
    conviction: 0.5,
    contributions: [],
    sizing: [],
    decisionPrice: 100,
    priceBand: 0.02,
    estimatedValue: 1000,
    verdict: { verdict: 'pass', code: null, message: '', breaches: [], confirmable: false, confirmed: false, reducing: false, tier: 'normal', volRegime: 'normal', volRatio: null, checked: [], deferred: [] },
    checkedAt: 0,
    before: {} as ProposalDto['before'],
    after: {} as ProposalDto['after'],
    expectedCost: null,
    orderId: null,
    reason: null,
    decidedBy: null,
    decidedAt: null,
    autoApproved: false,
    audit: [created('10')],
    ...over,
  } as ProposalDto;
}

describe('strata approvals list: the WEIGHT column (issue 12)', () => {
  it('when the quantity was not modified then it shows the rebalancer target, unmarked', () => {
    const p = proposal({});
    expect(weightCell(p)).toBe('2.00% → 10.00%');
    expect(proposalsTable([p])).not.toContain('*');
  });

  it('when the operator halved the quantity then it shows the weight that quantity leads to, marked *, and says what the target was', () => {
    const p = proposal({ status: 'MODIFIED', qty: '5', audit: [created('10'), modified('5')] });
    expect(impliedWeight(p)).toEqual({ weight: expect.closeTo(0.06, 12) as number, modified: true });
    expect(weightCell(p)).toBe('2.00% → 6.00%*');
    const text = proposalsTable([p]);
    const row = text.split('\n').find((l) => l.startsWith('P1'))!;
    expect(row).toContain('2.00% → 6.00%*');
    expect(row).not.toContain('10.00%');
    expect(text).toContain('P1: quantity modified from 10 to 5; the rebalancer\'s target was 10.00%');
  });

  it('when a sell was modified then the weight moves the same fraction of the way; urgency alone leaves the target', () => {
    expect(weightCell(proposal({ side: 'sell', qty: '3', currentWeight: 0.1, targetWeight: 0.04, audit: [created('6'), modified('3')] }))).toBe('10.00% → 7.00%*');
    expect(weightCell(proposal({ urgency: 'high', audit: [created('10'), modified('10')] }))).toBe('2.00% → 10.00%');
  });
});
