import type { BarSeries } from '../data/series.ts';

/**
 * A bar strategy: long or flat, one instrument. `prepare` sees the whole series at once (indicators
 * computed in one pass, as backtrader's runonce does) and `decide(i)` answers at bar i's close. A
 * strategy must read nothing after bar i to decide at i; `strata backtest lookahead` checks that
 * by running it on truncated data and comparing the decisions (a vectorised indicator that peeks
 * ahead changes when the future is cut off).
 */
export type Target = 1 | 0 | null;

export interface Strategy {
  readonly name: string;
  /** Bars before the first bar at which `decide` can say anything (the warm-up, explicit). */
  readonly warmup: number;
  prepare(bars: BarSeries): void;
  /** The wanted position at bar i's close: 1 long, 0 flat, null no change. `long` is the position now. */
  decide(i: number, long: boolean): Target;
}

export type StrategyParams = Readonly<Record<string, number>>;

export interface StrategyDef {
  readonly name: string;
  readonly description: string;
  readonly defaults: StrategyParams;
  create(params: StrategyParams): Strategy;
}

export class StrategyParamError extends Error {
  readonly code = 'BAD_STRATEGY_PARAM';
}
