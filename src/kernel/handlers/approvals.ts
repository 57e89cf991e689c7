import type { Handlers } from '../../contract/api.ts';
import { DomainError } from '../../core/errors.ts';
import type { KernelContext } from '../context.ts';

type ApprovalsMethods = 'approvals.list' | 'approvals.approve' | 'approvals.reject' | 'approvals.modify' | 'approvals.autoApprove';

const todo = (): never => {
  throw new DomainError('INTERNAL', 'NOT_IMPLEMENTED: the approval queue lands in the next commit');
};

export function approvalsHandlers(_ctx: KernelContext): Pick<Handlers, ApprovalsMethods> {
  return { 'approvals.list': todo, 'approvals.approve': todo, 'approvals.reject': todo, 'approvals.modify': todo, 'approvals.autoApprove': todo };
}
