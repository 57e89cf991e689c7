import type { ProposalDto } from '../contract/l2-dto.ts';
import { impliedWeight, proposedQty } from '../contract/proposal-weight.ts';
import { isoTime, table } from './cli-common.ts';

/**
 * How the CLI prints proposals (`strata approvals list|reject|modify`, `portfolio rebalance`). The
 * WEIGHT column is the weight the order would leave as the operator last set it: the rebalancer's
 * target belongs to the proposed quantity, so a modified quantity moves the weight by the same
 * fraction of the planned change (the queue scales the estimated value the same way). Marked `*`,
 * as the Approvals screen marks it; both read src/contract/proposal-weight.ts.
 */

const pct = (f: number | null, digits = 2) => (f === null ? null : `${(f * 100).toFixed(digits)}%`);
const codes = (p: ProposalDto) => (p.verdict.breaches.length > 0 ? p.verdict.breaches.map((b) => `${b.level === 'hard' ? '' : 'soft '}${b.code}`).join(',') : null);

/** `2.00% → 6.00%*` for a modified quantity, `2.00% → 10.00%` otherwise. */
export function weightCell(p: Pick<ProposalDto, 'qty' | 'audit' | 'currentWeight' | 'targetWeight'>): string {
  const w = impliedWeight(p);
  return `${pct(p.currentWeight)} → ${pct(w.weight)}${w.modified ? '*' : ''}`;
}

export function proposalsTable(ps: ProposalDto[]): string {
  if (ps.length === 0) return 'no proposals';
  const out = table(
    ['ID', 'STATUS', 'SYMBOL', 'SIDE', 'QTY', 'URGENCY', 'ALGO', 'WEIGHT', 'L1', 'CODES', 'COST bps', 'EXPIRES', 'ORDER'],
    ps.map((p) => [
      p.id,
      p.status,
      p.symbol,
      p.side,
      p.qty,
      p.urgency,
      p.algo,
      weightCell(p),
      p.verdict.verdict,
      codes(p),
      p.expectedCost ? p.expectedCost.bps.toFixed(1) : null,
      p.status === 'PROPOSED' || p.status === 'MODIFIED' ? isoTime(p.expiresAt) : null,
      p.orderId ?? p.reason,
    ]),
    [undefined, undefined, undefined, undefined, 'r', undefined, undefined, 'r', undefined, undefined, 'r', undefined, undefined],
  );
  const notes = ps.filter((p) => impliedWeight(p).modified).map((p) => `${p.id}: quantity modified from ${proposedQty(p)} to ${p.qty}; the rebalancer's target was ${pct(p.targetWeight)}`);
  return notes.length > 0 ? [out, `* the weight the modified quantity leads to`, ...notes].join('\n') : out;
}
