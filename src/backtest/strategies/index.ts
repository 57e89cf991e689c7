import { TARGET_STRATEGIES } from './l2-alphas.ts';
import { peekAhead } from './peek-ahead.ts';
import { smaCross } from './sma-cross.ts';
import type { StrategyDef } from './strategy.ts';
import { StrategyParamError } from './strategy.ts';
import type { TargetStrategyDef } from './target.ts';

/** The strategies `strata backtest` knows by name. */
export const STRATEGIES: Readonly<Record<string, StrategyDef>> = { 'sma-cross': smaCross, 'peek-ahead': peekAhead };

export { TARGET_STRATEGIES };

const known = () => [...Object.keys(STRATEGIES), ...Object.keys(TARGET_STRATEGIES)].join(', ');

export function strategyDef(name: string): StrategyDef {
  const d = STRATEGIES[name];
  if (d) return d;
  if (TARGET_STRATEGIES[name]) throw new StrategyParamError(`${name} produces target weights over several instruments: run it with --sizing target`);
  throw new StrategyParamError(`unknown strategy "${name}" (known: ${known()})`);
}

/** A strategy producing target weights (run with `--sizing target`), or undefined. */
export function targetStrategyDef(name: string): TargetStrategyDef | undefined {
  return TARGET_STRATEGIES[name];
}

export function isTargetStrategy(name: string): boolean {
  return TARGET_STRATEGIES[name] !== undefined;
}
