import { URGENCIES } from '../contract/dto.ts';
import type { Urgency } from '../contract/dto.ts';
import { CHECK_NAMES, LIMIT_DEFS, LIMIT_NAMES, getEntry, groupsOf, limitFor, scaleLevels, scopeKey } from './limits.ts';
import type { CheckName, LimitBook, LimitEntry, LimitLevels, LimitName } from './limits.ts';

/**
 * Urgency tiers and the volatility regime: how strict the gate is for one order.
 *
 * Each urgency maps to a tier. A tier names the checks that may be deferred when an algo parent
 * is admitted (they then run on each child, when it is placed: a passive hour-long parent has no
 * spread to cross yet) and a strictness factor per limit (factor < 1 tightens: a maximum is
 * multiplied by it, a minimum divided). Direct orders and children always run every check.
 *
 * When an instrument's current volatility is high against its baseline (ratio >= highRatio), the
 * limits in `appliesTo` are further scaled by baseline/current (never below minFactor).
 */

export interface TierDef {
  name: string;
  /** Checks skipped when admitting an algo parent (run on its children instead). */
  deferred: readonly CheckName[];
  /** Strictness per limit; absent = 1. */
  factors: Partial<Record<LimitName, number>>;
  description: string;
}

export interface VolRegimeConfig {
  /** current/baseline at or above which the regime is high. */
  highRatio: number;
  /** Floor of the volatility factor. */
  minFactor: number;
  appliesTo: readonly LimitName[];
}

export interface TierConfig {
  byUrgency: Record<Urgency, TierDef>;
  volatility: VolRegimeConfig;
}

/** An instrument's volatility now and its baseline, in any one unit (e.g. σ per √s). */
export interface VolObservation {
  baseline: number;
  current: number;
}

export interface VolRegime {
  regime: 'normal' | 'high' | 'unknown';
  /** current / baseline; null when unknown. */
  ratio: number | null;
  /** The factor applied to `appliesTo` limits (1 unless high). */
  factor: number;
}

/** Everything that sets the strictness of one check, as data for the UI and the decision. */
export interface Strictness {
  urgency: Urgency;
  tier: string;
  deferred: readonly CheckName[];
  vol: VolRegime;
  /** Combined factor per limit: tier factor x volatility factor. */
  factors: Record<LimitName, number>;
}

export const DEFAULT_TIERS: TierConfig = {
  byUrgency: {
    immediate: {
      name: 'T1-immediate',
      deferred: [],
      factors: { price_band_pct: 0.5, price_band_ticks: 0.5 },
      description: 'every check synchronously; price band halved (the order takes liquidity at once)',
    },
    high: {
      name: 'T2-high',
      deferred: [],
      factors: { price_band_pct: 0.75, price_band_ticks: 0.75 },
      description: 'every check synchronously; price band at three quarters',
    },
    medium: {
      name: 'T3-medium',
      deferred: ['spread'],
      factors: {},
      description: 'a parent is admitted without the spread check; each child is checked in full',
    },
    low: {
      name: 'T4-low',
      deferred: ['spread', 'price_band'],
      factors: {},
      description: 'a parent is admitted on size, exposure and losses; spread and price band are checked on each child',
    },
  },
  volatility: {
    highRatio: 1.5,
    minFactor: 0.25,
    appliesTo: ['max_order_qty', 'max_order_notional', 'max_position_pct_nav', 'max_position_notional', 'max_gross_exposure_pct_nav', 'max_gross_exposure'],
  },
};

export function volRegime(obs: VolObservation | undefined, cfg: VolRegimeConfig): VolRegime {
  if (!obs || !(obs.baseline > 0) || !(obs.current >= 0) || !Number.isFinite(obs.current) || !Number.isFinite(obs.baseline)) {
    return { regime: 'unknown', ratio: null, factor: 1 };
  }
  const ratio = obs.current / obs.baseline;
  if (ratio < cfg.highRatio) return { regime: 'normal', ratio, factor: 1 };
  return { regime: 'high', ratio, factor: Math.min(1, Math.max(cfg.minFactor, obs.baseline / obs.current)) };
}

/** Per configuration and urgency, the strictness without volatility scaling (the common case, asked per order). */
const unscaled = new WeakMap<TierConfig, Map<Urgency, Map<VolRegime['regime'], Strictness>>>();

/** current/baseline, or null when the observation is unusable (the regime is then unknown). */
function ratioOf(obs: VolObservation | undefined): number | null {
  if (!obs || !(obs.baseline > 0) || !(obs.current >= 0) || !Number.isFinite(obs.current) || !Number.isFinite(obs.baseline)) return null;
  return obs.current / obs.baseline;
}

export function strictnessFor(urgency: Urgency, vol: VolObservation | undefined, cfg: TierConfig = DEFAULT_TIERS): Strictness {
  // The common case (no volatility scaling, same ratio as last time): the shared strictness,
  // found without building a regime or a key.
  const ratio = ratioOf(vol);
  if (ratio === null || ratio < cfg.volatility.highRatio) {
    const hit = unscaled.get(cfg)?.get(urgency)?.get(ratio === null ? 'unknown' : 'normal');
    if (hit && hit.vol.ratio === ratio) return hit;
  }
  const tier = cfg.byUrgency[urgency];
  const regime = volRegime(vol, cfg.volatility);
  if (regime.factor === 1) {
    let byUrgency = unscaled.get(cfg);
    if (!byUrgency) unscaled.set(cfg, (byUrgency = new Map()));
    // Keyed by urgency, then regime: no key string built per order.
    let byKey = byUrgency.get(urgency);
    if (!byKey) byUrgency.set(urgency, (byKey = new Map()));
    const key = regime.regime;
    const hit = byKey.get(key);
    // The ratio differs between calls; everything the gate uses from it is the same.
    if (hit) return hit.vol.ratio === regime.ratio ? hit : { ...hit, vol: regime };
    // Shared between decisions: frozen so no caller can change another's.
    const s = build(urgency, tier, regime, cfg);
    Object.freeze(s.factors);
    byKey.set(key, Object.freeze(s));
    return s;
  }
  return build(urgency, tier, regime, cfg);
}

function build(urgency: Urgency, tier: TierDef, regime: VolRegime, cfg: TierConfig): Strictness {
  const factors = {} as Record<LimitName, number>;
  for (const n of LIMIT_NAMES) {
    const t = tier.factors[n] ?? 1;
    factors[n] = cfg.volatility.appliesTo.includes(n) ? t * regime.factor : t;
  }
  return { urgency, tier: tier.name, deferred: tier.deferred, vol: regime, factors };
}

/** A limit's levels as the gate applies them under a strictness. */
export function effectiveLevels(entry: LimitEntry, s: Strictness): LimitLevels {
  return scaleLevels(LIMIT_DEFS[entry.name], entry, s.factors[entry.name]);
}

export interface EffectiveLimitRow {
  name: LimitName;
  scope: string;
  base: LimitLevels;
  factor: number;
  effective: LimitLevels;
}

/** Every limit that governs an order in `symbol` under a strictness: base, factor, effective. */
export function effectiveLimitTable(book: LimitBook, symbol: string, s: Strictness): EffectiveLimitRow[] {
  const rows: EffectiveLimitRow[] = [];
  const push = (e: LimitEntry | undefined): void => {
    if (!e) return;
    rows.push({ name: e.name, scope: scopeKey(e.scope), base: { soft: e.soft, hard: e.hard }, factor: s.factors[e.name], effective: effectiveLevels(e, s) });
  };
  for (const n of LIMIT_NAMES) {
    const def = LIMIT_DEFS[n];
    if (def.scopes.includes('global') || def.scopes.includes('symbol')) push(limitFor(book, n, symbol));
    if (def.symbolMode === 'separate') push(getEntry(book, n, { kind: 'symbol', symbol }));
    if (def.scopes.includes('group')) for (const g of groupsOf(book, symbol)) push(getEntry(book, n, { kind: 'group', group: g }));
  }
  return rows;
}

/** Problems in a tier configuration; empty when valid. */
export function validateTierConfig(cfg: TierConfig): string[] {
  const out: string[] = [];
  for (const u of URGENCIES) {
    const t = cfg.byUrgency[u];
    if (!t) {
      out.push(`no tier for urgency ${u}`);
      continue;
    }
    for (const c of t.deferred) if (!(CHECK_NAMES as readonly string[]).includes(c)) out.push(`${t.name}: unknown check ${c}`);
    for (const [n, f] of Object.entries(t.factors)) {
      if (!(LIMIT_NAMES as readonly string[]).includes(n)) out.push(`${t.name}: unknown limit ${n}`);
      if (typeof f !== 'number' || !(f > 0) || f > 10) out.push(`${t.name}: factor for ${n} must be in (0, 10]`);
    }
  }
  const v = cfg.volatility;
  if (!(v.highRatio >= 1)) out.push('volatility.highRatio must be at least 1');
  if (!(v.minFactor > 0 && v.minFactor <= 1)) out.push('volatility.minFactor must be in (0, 1]');
  for (const n of v.appliesTo) if (!(LIMIT_NAMES as readonly string[]).includes(n)) out.push(`volatility.appliesTo: unknown limit ${n}`);
  return out;
}
