import type { Side } from '../core/enums.ts';
import { permits } from './trading-state.ts';
import type { TradingMode } from './trading-state.ts';

/**
 * The TradingGuard: one chain of links (trading state, breakers' instrument blocks, PMS flags per
 * instrument and per book) that a working algo asks before every child, and that acts on working
 * algos at once when one of its inputs changes — a newly raised flag pauses the algos it forbids
 * and pulls their resting children there and then, not at their next wake (a passive child can
 * rest for an hour between wakes).
 *
 * The chain is assembled once by the kernel from its links; a link knows nothing of the others.
 */

/** Why an algorithm should hold off: pause (until the operator resumes it) or slow (wait a little). */
export type GuardVerdict = { ok: true } | { ok: false; action: 'pause' | 'slow'; reason: string };

/** What the guard reads of a working algo parent (an Order is one). */
export interface GuardedOrder {
  readonly id: string;
  readonly symbol: string;
  readonly side: Side;
  readonly paused: boolean;
}

export interface GuardLink {
  /** What the link stands for, in logs and reasons. */
  readonly name: string;
  /**
   * Undefined or ok: nothing against the order. `reduces` (does the order only reduce its position,
   * with everything else working on its side?) is computed at most once per ask, and only when a
   * link needs it: it reads L1's projected state.
   */
  ask(order: GuardedOrder, reduces: () => boolean): GuardVerdict | undefined;
}

export interface TradingGuardDeps {
  links: readonly GuardLink[];
  reduces(order: GuardedOrder): boolean;
  /** Algo parents being worked now (paused ones included; they are skipped). */
  working(): Iterable<GuardedOrder>;
  /** Pauses a parent and cancels its resting children. */
  pause(id: string, reason: string): void;
}

const OK: GuardVerdict = { ok: true };

export class TradingGuard {
  private readonly d: TradingGuardDeps;
  private enforcing = false;

  constructor(deps: TradingGuardDeps) {
    this.d = deps;
  }

  /** The first link that objects decides; otherwise the algo may go on. */
  check(order: GuardedOrder): GuardVerdict {
    let memo: boolean | undefined;
    const reduces = (): boolean => (memo ??= this.d.reduces(order));
    for (const link of this.d.links) {
      const v = link.ask(order, reduces);
      if (v !== undefined && !v.ok) return v;
    }
    return OK;
  }

  /**
   * An input of the chain changed (trading state, a breaker, PMS flags): every working algo the
   * chain now pauses is paused at once and its resting children are pulled. A 'slow' verdict is
   * left to the algo's next decision (it only delays the next child). Returns the paused ids.
   */
  enforce(): string[] {
    // Pausing cancels children, which may move inputs again; one sweep at a time is enough.
    if (this.enforcing) return [];
    this.enforcing = true;
    const paused: string[] = [];
    try {
      for (const o of [...this.d.working()]) {
        if (o.paused) continue;
        const v = this.check(o);
        if (v.ok || v.action !== 'pause') continue;
        this.d.pause(o.id, v.reason);
        paused.push(o.id);
      }
    } finally {
      this.enforcing = false;
    }
    return paused;
  }
}

/**
 * Trading state: HALTED pauses every algo, REDUCING those that add exposure (the rule L1 applies to
 * new orders). `cause` names what moved the state (KILL_SWITCH, a breaker), for the parent's reason.
 */
export function tradingStateLink(mode: () => TradingMode, cause: () => string | undefined = () => undefined): GuardLink {
  const why = (m: TradingMode): string => {
    const c = cause();
    return c === undefined ? `trading is ${m}` : `trading is ${m} (${c})`;
  };
  return {
    name: 'trading state',
    ask(_order, reduces) {
      const m = mode();
      if (m === 'ACTIVE') return undefined;
      if (m === 'HALTED') return { ok: false, action: 'pause', reason: `${why(m)}: algo paused` };
      return permits(m, { kind: 'new', reducing: reduces() }).ok ? undefined : { ok: false, action: 'pause', reason: `${why(m)} and this algo adds exposure: paused` };
    },
  };
}

/** Circuit breakers that block one instrument (a price move): algos adding exposure there pause. */
export function instrumentBlockLink(blockOf: (symbol: string) => string | undefined): GuardLink {
  return {
    name: 'breakers',
    ask(order, reduces) {
      const cause = blockOf(order.symbol);
      if (cause === undefined || reduces()) return undefined;
      return { ok: false, action: 'pause', reason: `no new exposure in ${order.symbol} (breaker: ${cause}): algo paused` };
    },
  };
}

export type FlagSeverityName = 'info' | 'warning' | 'critical';

/** What the flags link reads of a PMS flag. */
export interface GuardFlag {
  code: string;
  severity: FlagSeverityName;
  /** The instrument the flag is about; null: the whole book. */
  symbol: string | null;
  action: 'alert' | 'force_reduce' | 'halt';
  message: string;
}

const RANK: Record<FlagSeverityName, number> = { info: 0, warning: 1, critical: 2 };

/**
 * PMS flags: a force_reduce or halt flag on the order's instrument or on the whole book pauses an
 * algo that adds exposure; with `slowOn` set, an alert at that severity or above slows it.
 */
export function flagVerdict(flags: readonly GuardFlag[], symbol: string, slowOn: FlagSeverityName | null): GuardVerdict | undefined {
  let slow: GuardFlag | undefined;
  for (const f of flags) {
    if (f.symbol !== null && f.symbol !== symbol) continue;
    if (f.action === 'halt' || f.action === 'force_reduce') return { ok: false, action: 'pause', reason: `PMS flag ${f.code} (${f.severity}): ${f.message}` };
    if (slowOn !== null && RANK[f.severity] >= RANK[slowOn]) slow = f;
  }
  return slow ? { ok: false, action: 'slow', reason: `PMS flag ${slow.code} (${slow.severity}): ${slow.message}` } : undefined;
}

export function flagLink(flags: () => readonly GuardFlag[], slowOn: () => FlagSeverityName | null): GuardLink {
  return {
    name: 'PMS flags',
    ask(order, reduces) {
      const list = flags();
      if (list.length === 0) return undefined;
      const v = flagVerdict(list, order.symbol, slowOn());
      return v === undefined || reduces() ? undefined : v;
    },
  };
}
