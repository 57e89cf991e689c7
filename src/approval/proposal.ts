import type { ExecutionStyle, Side, Urgency } from '../core/enums.ts';
import type { ContributionDto, ExpectedCostDto, ProposalAuditDto, ProposalDto, ProposalStatus, SizingFactorDto } from '../contract/l2-dto.ts';
import { PENDING_STATUSES } from '../contract/l2-dto.ts';
import type { ImpactDto, RiskCheckDto } from '../contract/risk-dto.ts';

/**
 * A proposal is one signal-generated order waiting for the operator: PROPOSED (or MODIFIED) until
 * it is APPROVED (and sent once), REJECTED with a reason, or EXPIRED (TTL or price band; never
 * executed stale). The record is plain JSON — the contract's ProposalDto — so the store keeps
 * exactly what the operator was shown.
 */
export type Proposal = ProposalDto;

export function isPending(s: ProposalStatus): boolean {
  return PENDING_STATUSES.includes(s);
}

/** What the rebalancer hands the queue for one order (ids, times and the assessment are the queue's). */
export interface ProposalDraft {
  symbol: string;
  side: Side;
  qty: string;
  urgency: Urgency;
  currentWeight: number;
  targetWeight: number;
  conviction: number;
  contributions: ContributionDto[];
  sizing: SizingFactorDto[];
  estimatedValue: number;
}

/** The order as it would be sent: what the assessment and the send adapter look at. */
export interface ProposedOrder {
  symbol: string;
  side: Side;
  qty: string;
  urgency: Urgency;
  /** The operator's choice of algorithm; undefined: routing picks. */
  algo: ExecutionStyle | undefined;
}

/** L1's verdict now, the what-if, the algorithm routing picks and the expected cost. */
export interface Assessment {
  verdict: RiskCheckDto;
  before: ImpactDto;
  after: ImpactDto;
  algo: ExecutionStyle;
  routing: string;
  expectedCost: ExpectedCostDto | null;
}

/** The order a proposal sends (through the one order intake) and what became of it at once. */
export interface SentOrder {
  orderId: string;
  status: string;
  /** L1's or the venue's reason when the order was denied or rejected at once. */
  reason: string | null;
}

export function orderOf(p: Proposal): ProposedOrder {
  return { symbol: p.symbol, side: p.side, qty: p.qty, urgency: p.urgency, algo: p.algoChosen ? p.algo : undefined };
}

export function shownOf(p: Proposal, price: number | null): ProposalAuditDto['shown'] {
  return { qty: p.qty, urgency: p.urgency, algo: p.algo, verdict: p.verdict.verdict, codes: p.verdict.breaches.map((b) => b.code), price };
}

/** The alphas behind a proposal (for the auto-approve policy and the operator). */
export function alphasOf(p: Pick<Proposal, 'contributions'>): string[] {
  return [...new Set(p.contributions.map((c) => c.alpha))];
}
