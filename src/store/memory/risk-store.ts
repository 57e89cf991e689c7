import type { BreakerEvent } from '../../risk/circuit-breakers.ts';
import { EMPTY_LIMIT_BOOK, applyLimitChanges } from '../../risk/limits.ts';
import type { LimitBook } from '../../risk/limits.ts';
import type { AuditMeta, AuditQuery, LimitAuditEntry, RiskStorePort } from '../../risk/ports.ts';
import type { StateTransition } from '../../risk/trading-state.ts';

/**
 * A RiskStorePort kept in memory, nothing durable: for backtests and simulations that need L1 without
 * a database, for tests and for benchmarks. The engine's live store is SqliteRiskStore.
 */
export class MemoryRiskStore implements RiskStorePort {
  book: LimitBook | undefined;
  audit: LimitAuditEntry[] = [];
  states: StateTransition[] = [];
  breakers: BreakerEvent[] = [];
  meta = new Map<string, string>();

  loadLimits(): LimitBook | undefined {
    return this.book;
  }
  commitLimitChanges(changes: Parameters<RiskStorePort['commitLimitChanges']>[0], meta: AuditMeta): void {
    this.book = applyLimitChanges(this.book ?? EMPTY_LIMIT_BOOK, changes);
    for (const change of changes) this.audit.push({ ...meta, seq: this.audit.length + 1, change });
  }
  limitAudit(q: AuditQuery = {}): LimitAuditEntry[] {
    return this.audit
      .filter((e) => q.name === undefined || (e.change.kind === 'limit' && e.change.name === q.name))
      .reverse()
      .slice(0, q.limit ?? 100);
  }
  appendStateTransition(t: StateTransition): void {
    this.states.push(t);
  }
  stateLog(limit = 1000): StateTransition[] {
    return this.states.slice(-limit);
  }
  lastStateTransition(): StateTransition | undefined {
    return this.states[this.states.length - 1];
  }
  appendBreakerEvent(e: BreakerEvent): void {
    this.breakers.push(e);
  }
  breakerLog(limit = 1000): BreakerEvent[] {
    return this.breakers.slice(-limit);
  }
  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }
  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }
  close(): void {}
}
