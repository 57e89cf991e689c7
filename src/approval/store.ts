import type { AutoApprovePolicyDto } from '../contract/l2-dto.ts';
import type { Proposal } from './proposal.ts';

/**
 * The approval journal port. Every change to a proposal is written before anyone acts on it: an
 * approval is durable (status APPROVED) before its order is sent, so a restart can never send it
 * again. src/store/sqlite/approval-store.ts keeps it in the engine database; the memory store
 * (src/store/memory/approval-store.ts) serves backtests and tests.
 */
export interface ApprovalStorePort {
  /** Reserves the next number for a proposal or batch id (1 on an empty store); never handed out twice, restarts included. */
  takeSeq(): number;
  /** Inserts or replaces proposals, atomically. */
  save(proposals: readonly Proposal[]): void;
  get(id: string): Proposal | undefined;
  /** Newest first; `pendingOnly`: PROPOSED and MODIFIED only. */
  list(query: { pendingOnly: boolean; limit: number }): Proposal[];
  /** Every proposal still waiting (oldest first), for expiry. */
  pending(): Proposal[];
  /**
   * APPROVED proposals with no order linked (oldest first): the approval was journaled but the
   * process stopped before the order's id was written back. Settled at start (ApprovalQueue.settleInterrupted).
   */
  unlinked(): Proposal[];
  loadPolicies(): AutoApprovePolicyDto[];
  savePolicies(policies: readonly AutoApprovePolicyDto[]): void;
}
