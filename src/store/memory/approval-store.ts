import type { Proposal } from '../../approval/proposal.ts';
import { isPending } from '../../approval/proposal.ts';
import type { ApprovalStorePort } from '../../approval/store.ts';
import type { AutoApprovePolicyDto } from '../../contract/l2-dto.ts';

/**
 * The approval journal in memory, nothing durable: backtests, simulations and tests. Records are
 * copied in and out (structuredClone) so a caller holding one cannot change what was journaled.
 */
export class MemoryApprovalStore implements ApprovalStorePort {
  readonly #byId = new Map<string, Proposal>();
  #seq = 0;
  #policies: AutoApprovePolicyDto[] = [];

  takeSeq(): number {
    return ++this.#seq;
  }

  save(proposals: readonly Proposal[]): void {
    for (const p of proposals) this.#byId.set(p.id, structuredClone(p));
  }

  get(id: string): Proposal | undefined {
    const p = this.#byId.get(id);
    return p ? structuredClone(p) : undefined;
  }

  list(q: { pendingOnly: boolean; limit: number }): Proposal[] {
    // Insertion order is creation order (a re-save keeps a key's position).
    const all = [...this.#byId.values()].filter((p) => !q.pendingOnly || isPending(p.status));
    return all.reverse().slice(0, q.limit).map((p) => structuredClone(p));
  }

  pending(): Proposal[] {
    return [...this.#byId.values()].filter((p) => isPending(p.status)).map((p) => structuredClone(p));
  }

  unlinked(): Proposal[] {
    return [...this.#byId.values()].filter((p) => p.status === 'APPROVED' && p.orderId === null).map((p) => structuredClone(p));
  }

  loadPolicies(): AutoApprovePolicyDto[] {
    // A fresh empty list is already a copy: every kernel's ApprovalQueue loads the policies when it is
    // built, and a backtest's store has none, where structuredClone's serializer was ~0.4% of a daily-bar run.
    return this.#policies.length === 0 ? [] : structuredClone(this.#policies);
  }

  savePolicies(policies: readonly AutoApprovePolicyDto[]): void {
    this.#policies = structuredClone([...policies]);
  }

  close(): void {}
}
