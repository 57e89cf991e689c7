import { peekAhead } from './peek-ahead.ts';
import { smaCross } from './sma-cross.ts';
import type { StrategyDef } from './strategy.ts';
import { StrategyParamError } from './strategy.ts';

/** The strategies `strata backtest` knows by name. */
export const STRATEGIES: Readonly<Record<string, StrategyDef>> = { 'sma-cross': smaCross, 'peek-ahead': peekAhead };

export function strategyDef(name: string): StrategyDef {
  const d = STRATEGIES[name];
  if (!d) throw new StrategyParamError(`unknown strategy "${name}" (known: ${Object.keys(STRATEGIES).join(', ')})`);
  return d;
}
