import type { AlphaView } from '../../signals/view.ts';
import type { StrategyParams } from './strategy.ts';

/**
 * A target strategy: several instruments on one clock, and at some closes a wanted weight of NAV
 * per instrument (fractional, ≥ 0: the live rebalancer is long-only and refuses a short target).
 * The L2 strategies (strategic, tactical, stat-model, l2) are the live engine's alphas run through
 * the live SignalCycle and aggregator (src/signals) on a view of the backtest's bars and clock; the
 * rebalancer (src/portfolio/rebalancer.ts) turns the weights into orders (`--sizing target`).
 */

/** One alpha's part of an instrument's combined target. */
export interface AlphaPart {
  alpha: string;
  /** share × conviction × its own target: what it adds to the combined target. */
  contribution: number;
  /** share × conviction: how much of the book stands behind its statement (also behind a target of 0). */
  support: number;
}

export interface TargetDecision {
  /** Instrument → wanted weight of NAV (≥ 0), for every instrument the signals name. */
  weights: Record<string, number>;
  /** Instrument → the alphas behind its combined target (attribution). */
  parts: Record<string, AlphaPart[]>;
  /** The alphas that ran at this close. */
  ran: string[];
  /** Alphas that threw or emitted a malformed signal (their previous intent stands), as "name: code message". */
  failed: string[];
  /** Construction notes (caps that left cash, a construction error), each reported once by the run. */
  notes?: string[];
}

export interface TargetStrategy {
  readonly name: string;
  /** The alphas, in registry order: the keys of the per-alpha attribution. */
  readonly alphas: readonly string[];
  /** How the weights are constructed, in words (the method and its constraints), for the run's assumptions. */
  readonly construction?: string;
  /**
   * The decision at the close the view's clock stands at (the view shows only bars closed by then,
   * and the book's current weights, CASH included, as the live view reports them). null: no alpha
   * was due, so nothing is rebalanced (as live: a cycle in which no alpha ran proposes nothing).
   * A promise when the construction solves asynchronously (min-volatility, max-sharpe): the
   * runner awaits it before the book moves on (runTargetsAsync).
   */
  decide(): TargetDecision | null | Promise<TargetDecision | null>;
}

/** The rebalancer's options a target run takes as parameters (shared by every target strategy). */
export interface RebalanceParams {
  /** |target − current| weight below which an instrument is left alone (live default 0.01). */
  driftThreshold: number;
  /** Fraction of NAV always kept in cash (live default 0.01). */
  cashBuffer: number;
  /** Orders worth less than this (account currency) are not sent. */
  minTrade: number;
  /** Lot size: 1 = whole units (shares); 0.001 etc. for fractional instruments. */
  lot: number;
}

export const REBALANCE_DEFAULTS: RebalanceParams = { driftThreshold: 0.01, cashBuffer: 0.01, minTrade: 0, lot: 1 };

export interface TargetStrategyDef {
  readonly kind: 'target';
  readonly name: string;
  readonly description: string;
  readonly defaults: StrategyParams;
  /**
   * `instruments`: the run's instruments, in the order given (alphas whose universe is "all" trade
   * them all); `view`: the run's alpha view on its simulated clock.
   */
  create(params: StrategyParams, instruments: readonly string[], view: AlphaView): TargetStrategy;
  /** The rebalancer's options from the params (defaults filled). */
  rebalance(params: StrategyParams): RebalanceParams;
}
