import { z } from 'zod';
import { EXECUTION_STYLES, URGENCIES } from '../dto.ts';
import type { ApprovalQueueDto, ApprovalResultDto, AutoApprovePolicyDto, ProposalDto } from '../l2-dto.ts';
import { positiveDecimal } from './common.ts';
import { alphaName } from './signals.ts';

/** The operator's approval queue: every signal-generated order waits here before L1 and L3 see it. */

export const proposalId = z.string().min(1).max(64);

export const approvalsSchemas = {
  'approvals.list': z.strictObject({
    scope: z.enum(['pending', 'all']).default('pending'),
    limit: z.number().int().min(1).max(1000).default(200),
  }),
  /** Approves proposals by id, or every pending proposal of a rebalance batch. L1 runs again on each. */
  'approvals.approve': z
    .strictObject({
      ids: z.array(proposalId).min(1).max(500).optional(),
      batchId: z.string().min(1).max(64).optional(),
    })
    .refine((p) => (p.ids === undefined) !== (p.batchId === undefined), { message: 'give ids or a batchId, not both', path: ['ids'] }),
  'approvals.reject': z.strictObject({ id: proposalId, reason: z.string().trim().min(1).max(200) }),
  /** Changes quantity, urgency or algorithm of a pending proposal; L1's verdict is re-run. */
  'approvals.modify': z
    .strictObject({ id: proposalId, qty: positiveDecimal.optional(), urgency: z.enum(URGENCIES).optional(), algo: z.enum(EXECUTION_STYLES).optional() })
    .refine((p) => p.qty !== undefined || p.urgency !== undefined || p.algo !== undefined, { message: 'give qty, urgency or algo', path: ['qty'] })
    .refine((p) => p.algo !== 'limit', { message: 'a proposal is not sent as a limit order (it has no price); choose market or an algorithm', path: ['algo'] }),
  /** Per-alpha auto-approve under a notional; off by default. Auto-approved orders still pass L1. */
  'approvals.autoApprove': z.strictObject({ alpha: alphaName, enabled: z.boolean(), maxNotional: z.number().positive().max(1e12).optional() }),
} as const;

export interface ApprovalsResults {
  'approvals.list': ApprovalQueueDto;
  'approvals.approve': ApprovalResultDto;
  'approvals.reject': ProposalDto;
  'approvals.modify': ProposalDto;
  'approvals.autoApprove': AutoApprovePolicyDto[];
}

export interface ApprovalsEvents {
  'proposal.created': ProposalDto;
  /** Any change: modified, approved (with its order id), rejected, expired, refused. */
  'proposal.updated': ProposalDto;
}
