import type { BarSeries } from '../data/series.ts';
import { smaCrossOver } from '../indicators.ts';
import type { Strategy, StrategyDef, StrategyParams } from './strategy.ts';
import { StrategyParamError } from './strategy.ts';

/**
 * The textbook SMA cross: CrossOver(SMA(close, fast), SMA(close, slow)); buy when flat on an up-cross,
 * close a long on a down-cross. `fast: 1` is the close itself (backtrader's CrossOver(close, SMA)).
 * The first decision comes at bar `slow` (0-based): the cross needs the previous bar's difference.
 */
class SmaCross implements Strategy {
  readonly name = 'sma-cross';
  readonly warmup: number;
  private readonly fast: number;
  private readonly slow: number;
  private cross: Int8Array = new Int8Array(0);

  constructor(fast: number, slow: number) {
    this.fast = fast;
    this.slow = slow;
    this.warmup = Math.max(fast, slow);
  }

  prepare(bars: BarSeries): void {
    this.cross = smaCrossOver(bars.close, this.fast, this.slow);
  }

  decide(i: number, long: boolean): 1 | 0 | null {
    const c = this.cross[i]!;
    if (!long && c > 0) return 1;
    if (long && c < 0) return 0;
    return null;
  }
}

function period(params: StrategyParams, key: string, fallback: number): number {
  const v = params[key] ?? fallback;
  if (!Number.isInteger(v) || v < 1 || v > 100_000) throw new StrategyParamError(`sma-cross: ${key} must be an integer in [1, 100000], got ${v}`);
  return v;
}

export const smaCross: StrategyDef = {
  name: 'sma-cross',
  description: 'SMA(fast) crossing SMA(slow) on closes: long on an up-cross, flat on a down-cross',
  defaults: { fast: 10, slow: 30 },
  create(params) {
    for (const k of Object.keys(params)) if (k !== 'fast' && k !== 'slow') throw new StrategyParamError(`sma-cross has no parameter "${k}" (fast, slow)`);
    const fast = period(params, 'fast', 10);
    const slow = period(params, 'slow', 30);
    if (fast >= slow) throw new StrategyParamError(`sma-cross: fast (${fast}) must be below slow (${slow})`);
    return new SmaCross(fast, slow);
  },
};
