import { badInput, infeasible } from './errors.ts';

/**
 * Constraints shared by the optimisers. Weight bounds default to long-only (0, 1); PyPortfolioOpt's
 * (None, None) is (−1, 1). Weights sum to 1 − cashBuffer, or to 0 when market neutral.
 */
export interface WeightConstraints {
  /** One pair for every asset, or one pair per asset. null = −1 / +1. */
  bounds?: readonly [number | null, number | null] | readonly (readonly [number | null, number | null])[];
  marketNeutral?: boolean;
  /** L2 regularisation γ·Σw² (pulls towards equal weights, fewer zero weights). */
  l2Gamma?: number;
  /** Group (sector) caps: each asset's group, and [min, max] total weight per group. */
  groups?: { of: readonly (string | null)[]; limits: Readonly<Record<string, readonly [number, number]>> };
  /** Largest absolute weight of any single asset (applied on top of the bounds). */
  maxWeight?: number;
  /** Fraction kept in cash: weights sum to 1 − cashBuffer. */
  cashBuffer?: number;
  /**
   * Stay close to current/base weights: 'l1' adds k·Σ|w − base| (a proportional transaction
   * cost, a turnover penalty), 'l2' adds k·Σ(w − base)² (a tracking penalty).
   */
  stayClose?: { base: readonly number[]; k: number; kind: 'l1' | 'l2' };
}

export interface ResolvedConstraints {
  lower: number[];
  upper: number[];
  sum: number;
  l2Gamma: number;
  groupRows: { members: number[]; lo: number; hi: number; name: string }[];
  stayClose: { base: number[]; k: number; kind: 'l1' | 'l2' } | null;
}

export function resolveConstraints(n: number, c: WeightConstraints = {}): ResolvedConstraints {
  const pairs: (readonly [number | null, number | null])[] = [];
  const b = c.bounds ?? [0, 1];
  if (b.length === 2 && !Array.isArray(b[0]) && !Array.isArray(b[1])) {
    for (let i = 0; i < n; i++) pairs.push(b as readonly [number | null, number | null]);
  } else {
    if (b.length !== n) throw badInput(`weight bounds: ${b.length} pairs given for ${n} assets`);
    for (const p of b as readonly (readonly [number | null, number | null])[]) pairs.push(p);
  }
  const lower = pairs.map((p) => p[0] ?? -1);
  const upper = pairs.map((p) => p[1] ?? 1);
  if (c.maxWeight !== undefined) {
    if (!(c.maxWeight > 0)) throw badInput(`max weight must be positive, got ${c.maxWeight}`);
    for (let i = 0; i < n; i++) {
      upper[i] = Math.min(upper[i]!, c.maxWeight);
      lower[i] = Math.max(lower[i]!, -c.maxWeight);
    }
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(lower[i]!) || !Number.isFinite(upper[i]!)) throw badInput(`weight bounds of asset ${i} must be finite numbers`);
    if (lower[i]! > upper[i]!) throw infeasible(`weight bounds of asset ${i}: lower ${lower[i]} is above upper ${upper[i]}`);
  }
  const cash = c.cashBuffer ?? 0;
  if (!(cash >= 0 && cash < 1)) throw badInput(`cash buffer must be in [0, 1), got ${cash}`);
  const sum = c.marketNeutral ? 0 : 1 - cash;
  if (c.marketNeutral && lower.every((l) => l >= 0)) throw infeasible('market neutral weights sum to 0, which needs negative lower bounds (e.g. --bounds -1,1)');
  const lo = lower.reduce((a, x) => a + x, 0);
  const hi = upper.reduce((a, x) => a + x, 0);
  if (sum < lo - 1e-12 || sum > hi + 1e-12) throw infeasible(`the weight bounds cannot sum to ${sum}: they allow totals from ${lo} to ${hi}`);
  const l2Gamma = c.l2Gamma ?? 0;
  if (!(l2Gamma >= 0)) throw badInput(`L2 gamma must be ≥ 0, got ${l2Gamma}`);
  const groupRows: ResolvedConstraints['groupRows'] = [];
  if (c.groups) {
    if (c.groups.of.length !== n) throw badInput(`group mapping has ${c.groups.of.length} entries for ${n} assets`);
    for (const [name, [glo, ghi]] of Object.entries(c.groups.limits)) {
      const members = c.groups.of.flatMap((g, i) => (g === name ? [i] : []));
      if (members.length === 0) throw badInput(`group ${name} has a limit but no assets`);
      if (glo > ghi) throw infeasible(`group ${name}: minimum ${glo} is above maximum ${ghi}`);
      groupRows.push({ members, lo: glo, hi: ghi, name });
    }
  }
  let stayClose: ResolvedConstraints['stayClose'] = null;
  if (c.stayClose) {
    if (c.stayClose.base.length !== n) throw badInput(`base weights have ${c.stayClose.base.length} entries for ${n} assets`);
    if (!(c.stayClose.k >= 0)) throw badInput(`the stay-close penalty must be ≥ 0, got ${c.stayClose.k}`);
    stayClose = { base: [...c.stayClose.base], k: c.stayClose.k, kind: c.stayClose.kind };
  }
  return { lower, upper, sum, l2Gamma, groupRows, stayClose };
}

/**
 * Solver output to a feasible portfolio. HiGHS stops at its primal feasibility tolerance, so a weight
 * can sit up to ~1e-7 outside its bound (a property test found −0.3000000100 against a −0.3 bound):
 * weights within SOLVER_SLACK outside a bound are put on it, weights within 1e-9 of a bound snap onto
 * it (a discrete allocation depends on exact zeros), and what that moved off the budget is given back
 * to the weights strictly inside their bounds, in proportion to their room, preferring assets whose
 * groups have room. A weight further outside than SOLVER_SLACK is left as it is: that is not noise.
 */
const SOLVER_SLACK = 1e-6;

export function snapToBounds(w: readonly number[], rc: ResolvedConstraints): number[] {
  const out = w.map((x, i) => {
    const lo = rc.lower[i]!;
    const hi = rc.upper[i]!;
    if (x < lo + 1e-9 && x > lo - SOLVER_SLACK) return lo === 0 ? 0 : lo;
    if (x > hi - 1e-9 && x < hi + SOLVER_SLACK) return hi;
    return x === 0 ? 0 : x;
  });
  const residual = rc.sum - out.reduce((s, x) => s + x, 0);
  if (residual === 0 || Math.abs(residual) > out.length * SOLVER_SLACK) return out;
  const up = residual > 0;
  const groupRoom = (i: number): number => {
    let room = Infinity;
    for (const g of rc.groupRows) {
      if (!g.members.includes(i)) continue;
      const total = g.members.reduce((s, j) => s + out[j]!, 0);
      room = Math.min(room, up ? g.hi - total : total - g.lo);
    }
    return room;
  };
  const roomOf = (i: number): number => (up ? rc.upper[i]! - out[i]! : out[i]! - rc.lower[i]!);
  let free = out.map((_, i) => i).filter((i) => roomOf(i) > 1e-12 && groupRoom(i) >= Math.abs(residual));
  if (free.length === 0) free = out.map((_, i) => i).filter((i) => roomOf(i) > 1e-12);
  const total = free.reduce((s, i) => s + roomOf(i), 0);
  if (!(total >= Math.abs(residual))) return out;
  const shares = free.map((i) => roomOf(i) / total);
  free.forEach((i, k) => {
    out[i] = out[i]! + residual * shares[k]!;
  });
  return out;
}
