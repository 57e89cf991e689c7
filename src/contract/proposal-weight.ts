import type { ProposalDto } from './l2-dto.ts';

/**
 * The weight a proposal's order would leave, as the operator last set it: one definition for the
 * Approvals screen and the CLI. The rebalancer's target belongs to the proposed quantity; once the
 * quantity is modified the order moves the weight by the same fraction of the planned change (the
 * queue scales the estimated value the same way), so a row must show that, not the original target.
 */

/** The quantity the rebalancer proposed (the operator may have changed it since). */
export function proposedQty(p: Pick<ProposalDto, 'qty' | 'audit'>): string {
  return p.audit.find((a) => a.action === 'created')?.shown.qty ?? p.qty;
}

/** The weight the proposal's order would leave at its current quantity, and whether that is the operator's change. */
export function impliedWeight(p: Pick<ProposalDto, 'qty' | 'audit' | 'currentWeight' | 'targetWeight'>): { weight: number; modified: boolean } {
  const planned = Number(proposedQty(p));
  const qty = Number(p.qty);
  if (!(planned > 0) || !Number.isFinite(qty) || qty === planned) return { weight: p.targetWeight, modified: false };
  return { weight: p.currentWeight + (p.targetWeight - p.currentWeight) * (qty / planned), modified: true };
}
