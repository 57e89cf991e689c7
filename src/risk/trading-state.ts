import type { StateErrorCode } from './codes.ts';

/**
 * The account's trading state:
 * - ACTIVE: every order the limits allow passes.
 * - REDUCING: only orders that reduce a position pass (safe mode); cancels always pass.
 * - HALTED: nothing new passes; only cancels (and amendments that only reduce a working quantity).
 *
 * Tightening (towards HALTED) is always allowed and takes effect at once. Loosening is a resume:
 * it needs the confirmation token of the state it leaves (resumeToken()), so a stale confirmation
 * can never lift a newer halt. Every transition carries its cause; the caller logs it to the store.
 */

export { TRADING_MODES } from '../core/enums.ts';
export type { TradingMode } from '../core/enums.ts';
import { TRADING_MODES } from '../core/enums.ts';
import type { TradingMode } from '../core/enums.ts';

const SEVERITY: Record<TradingMode, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

export function isTradingMode(s: string): s is TradingMode {
  return (TRADING_MODES as readonly string[]).includes(s);
}

/** Who or what asked for a transition, and why. */
export interface StateCause {
  source: 'operator' | 'breaker' | 'system' | 'api';
  /** A reason code: e.g. KILL_SWITCH, OPERATOR, BREAKER_DAILY_DRAWDOWN, RESTORED. */
  code: string;
  message: string;
  /** Operator name or client id, when known. */
  actor?: string;
}

export interface StateTransition {
  /** 1, 2, 3... per account; the store keeps them in this order. */
  seq: number;
  from: TradingMode;
  to: TradingMode;
  at: number;
  cause: StateCause;
  /** The transition came from the kill switch: the caller cancelled every working order. */
  killSwitch: boolean;
}

export type TransitionResult =
  | { ok: true; transition: StateTransition | null }
  | { ok: false; code: StateErrorCode; message: string };

/** An action the trading state rules on. */
export type TradingAction =
  | { kind: 'cancel' }
  | { kind: 'new'; reducing: boolean }
  /** Changing a working order: `increases` if its remaining quantity grows or its price gets more aggressive. */
  | { kind: 'amend'; increases: boolean; reducing: boolean };

export type Permission = { ok: true } | { ok: false; code: 'TRADING_HALTED' | 'REDUCING_ONLY'; message: string };

/** The rule of a mode, without any state: what passes. */
/** The one "allowed" answer, shared: L1 asks on every order. */
const ALLOWED: Permission = Object.freeze({ ok: true });

export function permits(mode: TradingMode, action: TradingAction): Permission {
  if (action.kind === 'cancel') return ALLOWED;
  if (action.kind === 'amend' && !action.increases) return ALLOWED;
  if (mode === 'HALTED') return { ok: false, code: 'TRADING_HALTED', message: 'trading is halted: only cancels are accepted' };
  if (mode === 'REDUCING' && !action.reducing) {
    return { ok: false, code: 'REDUCING_ONLY', message: 'trading is in reducing mode: only orders that reduce a position are accepted' };
  }
  return { ok: true };
}

export class TradingState {
  private last: StateTransition | undefined;

  /** Restores from the last logged transition (the store's), or starts ACTIVE. */
  constructor(last?: StateTransition) {
    this.last = last;
  }

  get mode(): TradingMode {
    return this.last?.to ?? 'ACTIVE';
  }

  /** The transition that led here; undefined on a fresh account. */
  get current(): StateTransition | undefined {
    return this.last;
  }

  permits(action: TradingAction): Permission {
    return permits(this.mode, action);
  }

  /**
   * Moves to a stricter (or equal) mode: ACTIVE → REDUCING, anything → HALTED. Asking for the
   * current mode or a looser one is not a tightening: the same mode returns no transition, a looser
   * one CONFIRM_REQUIRED (use resume()).
   */
  tighten(to: TradingMode, cause: StateCause, now: number): TransitionResult {
    if (SEVERITY[to] < SEVERITY[this.mode]) {
      return { ok: false, code: 'CONFIRM_REQUIRED', message: `${this.mode} → ${to} loosens trading: resume with the confirmation token` };
    }
    if (to === this.mode) return { ok: true, transition: null };
    return { ok: true, transition: this.move(to, cause, now, false) };
  }

  /**
   * The kill switch: HALTED at once, and the caller must cancel every working order (and pause every
   * algo). Returns cancelAll even when already halted, so pressing it again cancels again.
   */
  killSwitch(cause: StateCause, now: number): { transition: StateTransition | null; cancelAll: true } {
    const transition = this.mode === 'HALTED' ? null : this.move('HALTED', cause, now, true);
    return { transition, cancelAll: true };
  }

  /**
   * The token a resume must quote: tied to the transition that set the current mode, so a token
   * read before a newer halt is refused. Null when ACTIVE (nothing to resume).
   */
  resumeToken(): string | null {
    if (this.mode === 'ACTIVE') return null;
    return `RESUME-${this.mode}-${this.last?.seq ?? 0}`;
  }

  /** Loosens to `to` when `confirm` equals resumeToken(). */
  resume(to: TradingMode, confirm: string | undefined, cause: StateCause, now: number): TransitionResult {
    if (SEVERITY[to] >= SEVERITY[this.mode]) {
      return { ok: false, code: 'NOT_A_RESUME', message: `${this.mode} → ${to} is not a resume` };
    }
    const token = this.resumeToken();
    if (confirm === undefined || confirm === '') {
      return { ok: false, code: 'CONFIRM_REQUIRED', message: `resuming from ${this.mode} needs the confirmation token ${token}` };
    }
    if (confirm !== token) {
      return { ok: false, code: 'BAD_CONFIRMATION', message: `the confirmation does not match the current state (${this.mode}); read the token again` };
    }
    return { ok: true, transition: this.move(to, cause, now, false) };
  }

  private move(to: TradingMode, cause: StateCause, now: number, killSwitch: boolean): StateTransition {
    const t: StateTransition = { seq: (this.last?.seq ?? 0) + 1, from: this.mode, to, at: now, cause, killSwitch };
    this.last = t;
    return t;
  }
}
