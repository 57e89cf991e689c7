import type { WeightConstraints } from './constraints.ts';
import { resolveConstraints, snapToBounds } from './constraints.ts';
import { badInput, infeasible, PortfolioError } from './errors.ts';
import type { Frame } from './frame.ts';
import { requireHistory } from './frame.ts';
import type { LinearRow, SolverLimits } from './qp.ts';
import { DEFAULT_LIMITS, solveQp } from './qp.ts';

/**
 * Conditional value at risk (expected shortfall) optimisation on historical scenarios, as the
 * linear programme of Rockafellar & Uryasev (2000): CVaR_β(w) = min_α α + Σ_t max(−r_t·w − α, 0)
 * / ((1 − β)T). Solved with HiGHS's simplex. Rows with any missing return are left out (a
 * scenario must price every asset).
 */

export interface CvarOptions extends WeightConstraints {
  /** Confidence level β, default 0.95. */
  beta?: number;
  limits?: SolverLimits;
}

const INF = Number.POSITIVE_INFINITY;

function scenarios(returns: Frame): number[][] {
  const t = returns.dates.length;
  const rows: number[][] = [];
  for (let i = 0; i < t; i++) {
    const r = returns.columns.map((c) => c[i]!);
    if (r.every((v) => Number.isFinite(v))) rows.push(r);
  }
  if (rows.length < 2) throw badInput(`CVaR needs scenarios where every asset has a return; only ${rows.length} rows are complete`);
  return rows;
}

/** Historical CVaR (a positive number = expected loss in the worst 1 − β of scenarios). */
export function portfolioCvar(w: readonly number[], returns: Frame, beta = 0.95): number {
  const sc = scenarios(returns);
  const losses = sc.map((r) => -r.reduce((a, x, i) => a + x * w[i]!, 0)).sort((a, b) => a - b);
  const T = losses.length;
  const f = (alpha: number) => alpha + losses.reduce((a, l) => a + Math.max(l - alpha, 0), 0) / ((1 - beta) * T);
  // The objective is piecewise linear in α with its minimum at a loss near the β-quantile.
  const k = Math.min(Math.max(Math.ceil(beta * T) - 1, 0), T - 1);
  let best = Number.POSITIVE_INFINITY;
  for (let j = Math.max(0, k - 2); j <= Math.min(T - 1, k + 2); j++) best = Math.min(best, f(losses[j]!));
  return best;
}

type Mode = { kind: 'min' } | { kind: 'return'; target: number; mu: readonly number[] } | { kind: 'risk'; target: number; mu: readonly number[] };

async function solveCvar(returns: Frame, opts: CvarOptions, mode: Mode): Promise<number[]> {
  const beta = opts.beta ?? 0.95;
  if (!(beta > 0 && beta < 1)) throw badInput(`beta must be in (0, 1), got ${beta}`);
  const n = returns.tickers.length;
  const rc = resolveConstraints(n, opts);
  requireHistory(returns, mode.kind === 'min' ? 'minimum CVaR' : mode.kind === 'return' ? 'CVaR efficient return' : 'CVaR efficient risk');
  const sc = scenarios(returns);
  const T = sc.length;
  // Variables: w (n), α, u (T).
  const nv = n + 1 + T;
  const rows: LinearRow[] = [];
  const dense = (f: (j: number) => number) => Array.from({ length: nv }, (_, j) => f(j));
  rows.push({ coeffs: dense((j) => (j < n ? 1 : 0)), lo: rc.sum, hi: rc.sum });
  for (const g of rc.groupRows) rows.push({ coeffs: dense((j) => (g.members.includes(j) ? 1 : 0)), lo: g.lo, hi: g.hi });
  // u_t ≥ −r_t·w − α  ⇔  r_t·w + α + u_t ≥ 0
  sc.forEach((r, t) => rows.push({ coeffs: dense((j) => (j < n ? r[j]! : j === n ? 1 : j === n + 1 + t ? 1 : 0)), lo: 0, hi: INF }));
  const cvarRow = (j: number) => (j < n ? 0 : j === n ? 1 : 1 / ((1 - beta) * T));
  let c: number[];
  if (mode.kind === 'risk') {
    c = dense((j) => (j < n ? -mode.mu[j]! : 0));
    rows.push({ coeffs: dense(cvarRow), lo: -INF, hi: mode.target });
  } else {
    c = dense(cvarRow);
    if (mode.kind === 'return') rows.push({ coeffs: dense((j) => (j < n ? mode.mu[j]! : 0)), lo: mode.target, hi: INF });
  }
  if (mode.kind !== 'min' && mode.mu.length !== n) throw badInput(`expected returns have ${mode.mu.length} entries for ${n} assets`);
  const lower = dense((j) => (j < n ? rc.lower[j]! : j === n ? -INF : 0));
  const upper = dense((j) => (j < n ? rc.upper[j]! : INF));
  const what = mode.kind === 'min' ? 'minimum CVaR' : mode.kind === 'return' ? 'CVaR efficient return' : 'CVaR efficient risk';
  try {
    const sol = await solveQp({ c, lower, upper, rows, what }, opts.limits ?? DEFAULT_LIMITS);
    return snapToBounds(sol.x.slice(0, n), rc);
  } catch (e) {
    if (e instanceof PortfolioError && e.code === 'INFEASIBLE' && mode.kind === 'risk') throw infeasible(`target CVaR ${mode.target} is below the lowest CVaR these constraints allow`);
    if (e instanceof PortfolioError && e.code === 'INFEASIBLE' && mode.kind === 'return') throw infeasible(`target return ${mode.target} is above the highest return these constraints allow`);
    throw e;
  }
}

export function minCvar(returns: Frame, opts: CvarOptions = {}): Promise<number[]> {
  return solveCvar(returns, opts, { kind: 'min' });
}

/** Lowest CVaR with μ'w ≥ target. */
export function cvarEfficientReturn(returns: Frame, mu: readonly number[], targetReturn: number, opts: CvarOptions = {}): Promise<number[]> {
  return solveCvar(returns, opts, { kind: 'return', target: targetReturn, mu });
}

/** Highest μ'w with CVaR ≤ target. */
export function cvarEfficientRisk(returns: Frame, mu: readonly number[], targetCvar: number, opts: CvarOptions = {}): Promise<number[]> {
  if (!(targetCvar > 0)) throw badInput(`target CVaR must be positive, got ${targetCvar}`);
  return solveCvar(returns, opts, { kind: 'risk', target: targetCvar, mu });
}
