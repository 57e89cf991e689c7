import { SignalCycle } from '../../signals/cycle.ts';
import { SignalError } from '../../signals/errors.ts';
import { MemorySignalJournal } from '../../signals/journal.ts';
import { AlphaRegistry } from '../../signals/registry.ts';
import { CASH } from '../../signals/signal.ts';
import type { AlphaView } from '../../signals/view.ts';
import type { PortfolioSettingsDto } from '../../contract/api/portfolio.ts';
import { CONSTRUCTION_KEYS, constructTargets, settingsOf } from './construction.ts';
import type { ConstructedTargets } from './construction.ts';
import { StrategyParamError } from './strategy.ts';
import type { StrategyParams } from './strategy.ts';
import type { AlphaPart, RebalanceParams, TargetDecision, TargetStrategy, TargetStrategyDef } from './target.ts';
import { REBALANCE_DEFAULTS } from './target.ts';

/**
 * The live L2 alphas as backtest strategies. Nothing here computes a signal: each strategy is an
 * AlphaRegistry holding the live alpha kinds (src/signals/alphas), run by the live SignalCycle
 * (cadence, standing intent, horizons, the aggregator) on the run's AlphaView, exactly as the
 * engine's L2Service runs them on its clock. What this file adds is the mapping of `--param K=V`
 * onto each alpha's parameters, and of the aggregate onto long-only target weights the way the
 * live construction reads them: max(0, combined target, or current + delta), then the live
 * construction step (construction.ts: method, min/max weight, on the run's own bars).
 *
 * Parameters (numbers; the alpha's own names): see PARAMS below. Every target strategy also takes
 * the rebalancer's driftThreshold, cashBuffer, minTrade and lot (REBALANCE_DEFAULTS), and the
 * construction's method, lookbackDays, minWeight and maxWeight (CONSTRUCTION_KEYS).
 */

type AlphaKind = 'strategic-allocation' | 'tactical-regime' | 'statistical-model';

/** The numeric parameters each alpha kind takes from --param (its zod schema checks the values). */
const PARAMS: Readonly<Record<AlphaKind, readonly string[]>> = {
  // cash: the policy's CASH weight, the rest split equally; policyDrift: the alpha's drift trigger (0: cadence only).
  'strategic-allocation': ['cash', 'policyDrift'],
  'tactical-regime': ['lookback', 'skip', 'trendPeriod', 'volWindow', 'volHistory', 'highVolPercentile', 'highVolExposure', 'topN', 'grossExposure', 'momentumScale', 'horizonDays'],
  'statistical-model': ['lags', 'volWindow', 'fitWindow', 'minFitSamples', 'refitEvery', 'horizonBars', 'lambda', 'feeBps', 'thresholdBps', 'convictionScaleBps', 'targetWeight', 'logistic'],
};

const REBALANCE_KEYS = Object.keys(REBALANCE_DEFAULTS) as (keyof RebalanceParams)[];
/** Keys every target strategy takes besides its alphas'. */
const COMMON_KEYS: readonly string[] = [...REBALANCE_KEYS, ...CONSTRUCTION_KEYS];

/** The alpha's parameter object from the run's numbers (the registry's zod schema validates it). */
function alphaParams(kind: AlphaKind, p: StrategyParams, instruments: readonly string[], weight: number): Record<string, unknown> {
  const out: Record<string, unknown> = { weight };
  if (kind === 'strategic-allocation') {
    const cash = p['cash'] ?? 0;
    if (!(cash >= 0 && cash <= 1)) throw new StrategyParamError(`strategic: cash must be in [0, 1], got ${cash}`);
    // Equal weights of what is not cash; the last takes the rounding so the policy sums to 1 exactly.
    const each = (1 - cash) / instruments.length;
    const targets: Record<string, number> = {};
    let sum = cash;
    instruments.forEach((s, i) => {
      targets[s] = i === instruments.length - 1 ? 1 - sum : each;
      sum += each;
    });
    if (cash > 0) targets[CASH] = cash;
    out['targets'] = targets;
    const drift = p['policyDrift'];
    if (drift !== undefined) out['driftThreshold'] = drift === 0 ? null : drift;
    return out;
  }
  for (const k of PARAMS[kind]) {
    const v = p[k];
    if (v === undefined) continue;
    if (k === 'logistic') out['model'] = v ? 'logistic' : 'ridge';
    else out[k] = v;
  }
  out['universe'] = [...instruments];
  return out;
}

function rebalanceOf(p: StrategyParams, name: string): RebalanceParams {
  const r: RebalanceParams = { ...REBALANCE_DEFAULTS };
  for (const k of REBALANCE_KEYS) if (p[k] !== undefined) r[k] = p[k];
  if (!(r.driftThreshold >= 0 && r.driftThreshold < 1)) throw new StrategyParamError(`${name}: driftThreshold must be in [0, 1), got ${r.driftThreshold}`);
  if (!(r.cashBuffer >= 0 && r.cashBuffer < 1)) throw new StrategyParamError(`${name}: cashBuffer must be in [0, 1), got ${r.cashBuffer}`);
  if (!(r.minTrade >= 0)) throw new StrategyParamError(`${name}: minTrade must be ≥ 0, got ${r.minTrade}`);
  if (!(r.lot > 0) || !/^\d+(\.\d{1,8})?$/.test(String(r.lot))) throw new StrategyParamError(`${name}: lot must be a positive decimal with at most 8 decimals, got ${r.lot}`);
  return r;
}

/** The live cycle over a registry, answering in target weights. */
class AlphaTargets implements TargetStrategy {
  readonly name: string;
  readonly alphas: readonly string[];
  readonly #cycle: SignalCycle;
  readonly #view: AlphaView;
  readonly #universe: ReadonlySet<string>;
  readonly #settings: PortfolioSettingsDto;
  readonly #noted = new Set<string>();
  readonly construction: string;

  constructor(name: string, registry: AlphaRegistry, view: AlphaView, instruments: readonly string[], settings: PortfolioSettingsDto) {
    this.name = name;
    this.#settings = settings;
    const c = settings.constraints;
    this.construction = [settings.method, c.minWeight > 0 ? `min weight ${c.minWeight}` : '', c.maxWeight !== null ? `max weight ${c.maxWeight}` : '', settings.method !== 'signal-weighted' && settings.method !== 'equal' ? `${settings.lookbackDays} bars of history` : ''].filter((x) => x !== '').join(', ');
    this.alphas = registry.enabled().map((a) => a.name);
    this.#view = view;
    this.#universe = new Set(instruments);
    this.#cycle = new SignalCycle(registry, view, new MemorySignalJournal());
  }

  decide(): TargetDecision | null | Promise<TargetDecision | null> {
    const rec = this.#cycle.run();
    const failed = rec.failed.map((f) => `${f.alpha}: ${f.code} ${f.message}`);
    if (rec.ran.length === 0) return failed.length > 0 ? { weights: {}, parts: {}, ran: [], failed } : null;
    const current = this.#view.weights();
    const weights: Record<string, number> = {};
    const parts: Record<string, AlphaPart[]> = {};
    for (const t of rec.aggregate.targets) {
      if (t.instrument === CASH || !this.#universe.has(t.instrument)) continue;
      // As the live construction reads the aggregate (src/kernel/l2-construct.ts): long-only.
      weights[t.instrument] = Math.max(0, t.target ?? (current[t.instrument] ?? 0) + t.delta);
      parts[t.instrument] = t.contributions.map((c) => ({ alpha: c.alpha, contribution: c.contribution, support: c.share * c.conviction }));
    }
    const decided = (built: ConstructedTargets): TargetDecision => {
      const all = built.error !== null ? [`construction ${built.error}: every target held at its current weight (as live)`, ...built.notes] : built.notes;
      // A note says its figures (cash left by a cap): one per kind, its first, not one per decision.
      const notes = all.filter((x) => {
        const key = x.replace(/\d+(\.\d+)?/g, '#');
        if (this.#noted.has(key)) return false;
        this.#noted.add(key);
        return true;
      });
      return { weights: built.weights, parts, ran: [...rec.ran], failed, notes };
    };
    const built = constructTargets(weights, this.#view, current, this.#settings);
    return built instanceof Promise ? built.then(decided) : decided(built);
  }
}

function checkKeys(name: string, p: StrategyParams, allowed: ReadonlySet<string>): void {
  for (const k of Object.keys(p)) if (!allowed.has(k)) throw new StrategyParamError(`${name} has no parameter "${k}" (${[...allowed].join(', ')})`);
}

/** Registers an alpha, turning the registry's typed refusal into the backtest's. */
function addAlpha(r: AlphaRegistry, name: string, kind: AlphaKind, params: Record<string, unknown>): void {
  try {
    r.add(name, kind, params);
  } catch (err) {
    if (err instanceof SignalError) throw new StrategyParamError(`${name}: ${err.message}`);
    throw err;
  }
}

function single(name: string, alpha: string, kind: AlphaKind, description: string): TargetStrategyDef {
  const allowed = new Set([...PARAMS[kind], ...COMMON_KEYS]);
  return {
    kind: 'target',
    name,
    description,
    defaults: {},
    rebalance: (p) => rebalanceOf(p, name),
    create(p, instruments, view) {
      checkKeys(name, p, allowed);
      if (instruments.length === 0) throw new StrategyParamError(`${name}: no instruments`);
      const r = new AlphaRegistry();
      addAlpha(r, alpha, kind, alphaParams(kind, p, instruments, 1));
      return new AlphaTargets(name, r, view, instruments, settingsOf(p, name, rebalanceOf(p, name).cashBuffer));
    },
  };
}

const COMPOSITE: readonly { alpha: string; kind: AlphaKind }[] = [
  { alpha: 'strategic', kind: 'strategic-allocation' },
  { alpha: 'tactical', kind: 'tactical-regime' },
  { alpha: 'model', kind: 'statistical-model' },
];

/**
 * `l2`: the three alphas together, as the engine's registry holds them, aggregated by conviction.
 * Their conviction weights are the params strategic, tactical and model (default 1 each; 0 leaves
 * one out); an alpha's own parameter is prefixed with its name: tactical_lookback=126.
 */
const composite: TargetStrategyDef = {
  kind: 'target',
  name: 'l2',
  description: 'strategic + tactical + stat-model aggregated by conviction weight (the live L2 book)',
  defaults: { strategic: 1, tactical: 1, model: 1 },
  rebalance: (p) => rebalanceOf(p, 'l2'),
  create(p, instruments, view) {
    const allowed = new Set<string>(COMMON_KEYS);
    for (const c of COMPOSITE) {
      allowed.add(c.alpha);
      for (const k of PARAMS[c.kind]) allowed.add(`${c.alpha}_${k}`);
    }
    checkKeys('l2', p, allowed);
    const r = new AlphaRegistry();
    for (const c of COMPOSITE) {
      const w = p[c.alpha] ?? 1;
      if (!(w >= 0)) throw new StrategyParamError(`l2: ${c.alpha} weight must be ≥ 0, got ${w}`);
      if (w === 0) continue;
      const own: Record<string, number> = {};
      for (const k of PARAMS[c.kind]) if (p[`${c.alpha}_${k}`] !== undefined) own[k] = p[`${c.alpha}_${k}`]!;
      addAlpha(r, c.alpha, c.kind, alphaParams(c.kind, own, instruments, w));
    }
    if (r.enabled().length === 0) throw new StrategyParamError('l2: every alpha weight is 0');
    return new AlphaTargets('l2', r, view, instruments, settingsOf(p, 'l2', rebalanceOf(p, 'l2').cashBuffer));
  },
};

export const TARGET_STRATEGIES: Readonly<Record<string, TargetStrategyDef>> = {
  strategic: single('strategic', 'strategic', 'strategic-allocation', 'strategic allocation: equal policy weights (param cash for a cash sleeve), restated monthly or on drift'),
  tactical: single('tactical', 'tactical', 'tactical-regime', 'tactical regime: 12-1 momentum with a trend filter, exposure halved in high volatility, weekly'),
  'stat-model': single('stat-model', 'model', 'statistical-model', 'statistical model: walk-forward ridge on lagged returns and volatility, long when the edge clears costs'),
  l2: composite,
};
