import { describe, expect, it } from 'vitest';
import type { ProposalAuditDto } from '../../../src/contract/index.ts';
import { impliedWeight, proposedQty } from '../../../src/contract/proposal-weight.ts';

const created = (qty: string): ProposalAuditDto => ({ at: 1, by: 'l2', action: 'created', shown: { qty, urgency: 'medium', algo: 'twap', verdict: 'pass', codes: [], price: 100 }, note: null });
const modified = (qty: string): ProposalAuditDto => ({ ...created(qty), action: 'modified', by: 'operator' });

describe('Approvals: the weight a row shows', () => {
  it('an unmodified proposal shows the rebalancer target', () => {
    expect(impliedWeight({ qty: '10', audit: [created('10')], currentWeight: 0.02, targetWeight: 0.1 })).toEqual({ weight: 0.1, modified: false });
  });
  it('a modified quantity moves the weight by the same fraction of the planned change', () => {
    const p = { qty: '5', audit: [created('10'), modified('5')], currentWeight: 0.02, targetWeight: 0.1 };
    expect(proposedQty(p)).toBe('10');
    const w = impliedWeight(p);
    expect(w.modified).toBe(true);
    expect(w.weight).toBeCloseTo(0.06, 12);
    // A sell that was halved: from 10% towards 4%, half way is 7%.
    expect(impliedWeight({ qty: '3', audit: [created('6')], currentWeight: 0.1, targetWeight: 0.04 }).weight).toBeCloseTo(0.07, 12);
  });
  it('only urgency or algo modified: the target stands', () => {
    expect(impliedWeight({ qty: '10', audit: [created('10'), modified('10')], currentWeight: 0, targetWeight: 0.05 }).modified).toBe(false);
  });
});
