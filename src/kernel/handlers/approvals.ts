import type { Handlers } from '../../contract/api.ts';
import { OPERATOR } from '../context.ts';
import type { KernelContext } from '../context.ts';

type ApprovalsMethods = 'approvals.list' | 'approvals.approve' | 'approvals.reject' | 'approvals.modify' | 'approvals.autoApprove';

/** The approval queue over the contract; every approval re-runs L1 and sends through the order intake. */
export function approvalsHandlers(ctx: KernelContext): Pick<Handlers, ApprovalsMethods> {
  const { queue } = ctx.l2;
  return {
    'approvals.list': ({ scope, limit }) => queue.list(scope, limit),
    'approvals.approve': ({ ids, batchId }) => (batchId !== undefined ? queue.approveBatch(batchId, OPERATOR) : queue.approve(ids ?? [], OPERATOR)),
    'approvals.reject': ({ id, reason }) => queue.reject(id, reason, OPERATOR),
    'approvals.modify': ({ id, qty, urgency, algo }) => queue.modify(id, { qty: qty === undefined ? undefined : String(qty), urgency, algo }, OPERATOR),
    'approvals.autoApprove': ({ alpha, enabled, maxNotional }) => queue.setPolicy(alpha, enabled, maxNotional),
  };
}
