import { CONSTRUCTION_METHODS } from '../../contract/api/portfolio.ts';
import type { ConstructionMethod, PortfolioSettingsDto } from '../../contract/api/portfolio.ts';
import { PortfolioError } from '../../portfolio/errors.ts';
import { constructWeights } from '../../portfolio/construction.ts';
import type { Constructed } from '../../portfolio/construction.ts';
import type { AlphaView } from '../../signals/view.ts';
import { StrategyParamError } from './strategy.ts';
import type { StrategyParams } from './strategy.ts';

/**
 * The live construction step in a target backtest: the aggregator's long-only weights go through
 * src/portfolio/construction.ts (the code the engine's l2-construct.ts calls) with the operator's
 * method and constraints, on the run's own view (only bars closed by the decision: no look-ahead).
 *
 * Params (numbers, as every strategy param): `method` = index into CONSTRUCTION_METHODS (the CLI
 * takes the name: --param method=inverse-vol), `lookbackDays` (live default 252), `minWeight`
 * (0), `maxWeight` (none); the cash buffer is the rebalancer's cashBuffer param, as live, where
 * one setting feeds both. Defaults are the live defaults, so a run without them is unchanged.
 */
export const CONSTRUCTION_KEYS = ['method', 'lookbackDays', 'minWeight', 'maxWeight'] as const;

export function methodOf(p: StrategyParams, name: string): ConstructionMethod {
  const i = p['method'] ?? 0;
  const m = Number.isInteger(i) ? CONSTRUCTION_METHODS[i] : undefined;
  if (m === undefined) throw new StrategyParamError(`${name}: method must be one of ${CONSTRUCTION_METHODS.map((x, k) => `${k}=${x}`).join(', ')}, got ${i}`);
  return m;
}

/** The live settings the run's params describe (live defaults for the rest; sizing and rebalance are not read here). */
export function settingsOf(p: StrategyParams, name: string, cashBuffer: number): PortfolioSettingsDto {
  const method = methodOf(p, name);
  const lookbackDays = p['lookbackDays'] ?? 252;
  if (!(Number.isInteger(lookbackDays) && lookbackDays >= 22)) throw new StrategyParamError(`${name}: lookbackDays must be an integer ≥ 22, got ${lookbackDays}`);
  const minWeight = p['minWeight'] ?? 0;
  const maxWeight = p['maxWeight'] ?? null;
  if (!(minWeight >= 0 && minWeight <= 1)) throw new StrategyParamError(`${name}: minWeight must be in [0, 1], got ${minWeight}`);
  if (maxWeight !== null && !(maxWeight > 0 && maxWeight <= 1 && maxWeight >= minWeight)) throw new StrategyParamError(`${name}: maxWeight must be in (0, 1] and ≥ minWeight, got ${maxWeight}`);
  return {
    method,
    lookbackDays,
    riskFreeRate: 0,
    constraints: { minWeight, maxWeight, cashBuffer, groups: {}, groupCaps: {}, stayClose: 0 },
    sizing: 'none',
    rebalance: { minTradeValue: null, driftThreshold: 0.01, turnoverCap: null, maxTradeWeight: 1, cadence: 'on-drift' },
  };
}

/** What one decision's construction gave: the weights, or the current ones and the error when it failed. */
export interface ConstructedTargets {
  weights: Record<string, number>;
  error: string | null;
  notes: string[];
}

/**
 * The constructed weights for the signals' wanted ones. As live (l2-service): when construction
 * fails (too little common history, infeasible bounds) every target stays at its current weight and
 * the error is reported. The data's instruments are taken on the equity calendar, as live takes an
 * instrument of unknown kind. A promise for the QP methods (min-volatility, max-sharpe), which
 * solve asynchronously (src/portfolio/frontier.ts); the target runner awaits it (runTargetsAsync).
 */
export function constructTargets(wanted: Record<string, number>, view: AlphaView, current: Readonly<Record<string, number>>, s: PortfolioSettingsDto): ConstructedTargets | Promise<ConstructedTargets> {
  const held = (err: unknown): ConstructedTargets => {
    if (!(err instanceof PortfolioError)) throw err;
    const weights: Record<string, number> = {};
    for (const sym of Object.keys(wanted)) weights[sym] = current[sym] ?? 0;
    return { weights, error: `${s.method}: ${err.code}`, notes: [] };
  };
  const done = (c: Constructed): ConstructedTargets => {
    const weights: Record<string, number> = {};
    for (const sym of Object.keys(wanted)) weights[sym] = c.weights.get(sym) ?? 0;
    return { weights, error: null, notes: c.notes };
  };
  try {
    const c = constructWeights(
      Object.entries(wanted).map(([symbol, w]) => ({ symbol, w })),
      view,
      current,
      s,
      () => 'weekdays',
    );
    if (c === null) return { weights: wanted, error: null, notes: [] };
    return c instanceof Promise ? c.then(done, held) : done(c);
  } catch (err) {
    return held(err);
  }
}
