import type { BreakerEvent } from './circuit-breakers.ts';
import type { LimitBook, LimitChange, LimitName } from './limits.ts';
import type { StateTransition } from './trading-state.ts';

/**
 * The storage port of L1: limits with an audit log of every change, the trading-state log and the
 * breaker log. src/store/sqlite/risk-store.ts implements it on SQLite (src/store/memory/risk-store.ts in memory); every write is committed before
 * the call returns.
 */

/** Who changed something, from where, and why. */
export interface AuditMeta {
  at: number;
  /** Operator name, client id, or 'system'. */
  actor: string;
  /** Where the change came from: 'cli', 'ui', 'api', 'system', 'defaults'. */
  source: string;
  reason: string | null;
}

export interface LimitAuditEntry extends AuditMeta {
  seq: number;
  change: LimitChange;
}

export interface AuditQuery {
  /** Newest entries first, at most this many (default 100). */
  limit?: number;
  name?: LimitName;
  /** Group changes only (or a group's limits with name). */
  group?: string;
}

export interface RiskStorePort {
  /** The limits in force; undefined if limits were never saved (first start: seed the defaults). */
  loadLimits(): LimitBook | undefined;
  /**
   * Applies changes to the stored limits and appends one audit entry per change, in one
   * transaction. An empty list marks the limits as initialised (an empty book is then kept).
   */
  commitLimitChanges(changes: readonly LimitChange[], meta: AuditMeta): void;
  limitAudit(query?: AuditQuery): LimitAuditEntry[];

  appendStateTransition(t: StateTransition): void;
  /** Transitions oldest first; with `limit`, the most recent `limit` of them. */
  stateLog(limit?: number): StateTransition[];
  lastStateTransition(): StateTransition | undefined;

  appendBreakerEvent(e: BreakerEvent): void;
  /** Breaker events oldest first; with `limit`, the most recent ones. */
  breakerLog(limit?: number): BreakerEvent[];

  /** Small durable values: equity watermarks (watermarksToJson), configuration. */
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
}
