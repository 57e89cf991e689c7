import type { Urgency } from '../contract/dto.ts';
import { URGENCIES } from '../contract/dto.ts';
import { CASH } from './signal.ts';
import type { Signal } from './signal.ts';

/**
 * The aggregator (seed 000's MultiAlphaL2): each alpha runs a sleeve of the book whose size is its
 * share = weight / Σ weights of the enabled alphas. Per instrument,
 *
 *   combined target = Σ_a share_a × conviction_a × target_a   (over alphas with a standing target)
 *   combined delta  = Σ_a share_a × conviction_a × delta_a    (one-shot deltas of this cycle)
 *
 * so the result is linear in every conviction (a half-sure alpha moves half as much of its sleeve,
 * the rest stays in cash) and two alphas that each want 100% of different instruments end at 50/50,
 * not 200%. Each alpha's term is kept as its contribution (attribution), in the order given.
 */

export interface AlphaSignals {
  alpha: string;
  /** Conviction weight of the alpha (≥ 0). */
  weight: number;
  /** The alpha's standing target signals and this cycle's deltas. */
  signals: readonly Signal[];
}

export interface Contribution {
  alpha: string;
  kind: Signal['kind'];
  /** The alpha's own target or delta. */
  value: number;
  conviction: number;
  alphaWeight: number;
  /** weight / Σ weights. */
  share: number;
  /** share × conviction × value: what this alpha adds to the combined target (or delta). */
  contribution: number;
  expectedReturn: number | null;
  urgency: Urgency;
  time: number;
}

export interface CombinedTarget {
  instrument: string;
  /** Combined target weight; null if no alpha holds a target for it (deltas only). */
  target: number | null;
  /** Combined one-shot delta (0 if none). */
  delta: number;
  /** Σ share × conviction of the contributing alphas: how much of the book stands behind it. */
  support: number;
  /** Support-weighted mean of the expected returns that were given; null if none. */
  expectedReturn: number | null;
  /** The most urgent of the contributing signals. */
  urgency: Urgency;
  /** The shortest finite horizon among contributors; null if all stand until replaced. */
  horizonMs: number | null;
  contributions: Contribution[];
}

export interface Aggregate {
  at: number;
  totalWeight: number;
  /** One entry per instrument, sorted by instrument; CASH is listed if an alpha targets it explicitly. */
  targets: CombinedTarget[];
  /** 1 − Σ combined non-CASH targets: the weight the combined book leaves in cash. */
  cash: number;
}

const URGENCY_RANK: Readonly<Record<Urgency, number>> = Object.fromEntries(URGENCIES.map((u, i) => [u, i])) as Record<Urgency, number>;

export function aggregate(inputs: readonly AlphaSignals[], at: number): Aggregate {
  let totalWeight = 0;
  for (const a of inputs) {
    if (!(a.weight >= 0) || !Number.isFinite(a.weight)) throw new RangeError(`alpha ${a.alpha}: weight must be a finite number ≥ 0, got ${a.weight}`);
    totalWeight += a.weight;
  }
  const byInstrument = new Map<string, { target: number | null; delta: number; support: number; erSum: number; erWeight: number; urgency: Urgency; horizonMs: number | null; contributions: Contribution[] }>();
  for (const a of inputs) {
    const share = totalWeight > 0 ? a.weight / totalWeight : 0;
    for (const s of a.signals) {
      let row = byInstrument.get(s.instrument);
      if (!row) {
        row = { target: null, delta: 0, support: 0, erSum: 0, erWeight: 0, urgency: s.urgency, horizonMs: null, contributions: [] };
        byInstrument.set(s.instrument, row);
      }
      const contribution = share * s.conviction * s.value;
      if (s.kind === 'target') row.target = (row.target ?? 0) + contribution;
      else row.delta += contribution;
      const support = share * s.conviction;
      row.support += support;
      if (s.expectedReturn !== null) {
        row.erSum += support * s.expectedReturn;
        row.erWeight += support;
      }
      if (URGENCY_RANK[s.urgency] < URGENCY_RANK[row.urgency]) row.urgency = s.urgency;
      if (s.horizonMs !== null) row.horizonMs = row.horizonMs === null ? s.horizonMs : Math.min(row.horizonMs, s.horizonMs);
      row.contributions.push({
        alpha: a.alpha,
        kind: s.kind,
        value: s.value,
        conviction: s.conviction,
        alphaWeight: a.weight,
        share,
        contribution,
        expectedReturn: s.expectedReturn,
        urgency: s.urgency,
        time: s.time,
      });
    }
  }
  const targets: CombinedTarget[] = [...byInstrument.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([instrument, r]) => ({
      instrument,
      target: r.target,
      delta: r.delta,
      support: r.support,
      expectedReturn: r.erWeight > 0 ? r.erSum / r.erWeight : null,
      urgency: r.urgency,
      horizonMs: r.horizonMs,
      contributions: r.contributions,
    }));
  let invested = 0;
  for (const t of targets) if (t.instrument !== CASH) invested += t.target ?? 0;
  return { at, totalWeight, targets, cash: 1 - invested };
}
