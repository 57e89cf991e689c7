import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { WeightConstraints, ResolvedConstraints } from './constraints.ts';
import { resolveConstraints, snapToBounds } from './constraints.ts';
import { badInput, infeasible, PortfolioError } from './errors.ts';
import type { Mat } from './linalg.ts';
import { checkCovariance, dot, quadForm } from './linalg.ts';
import type { LinearRow, QpProblem, SolverLimits } from './qp.ts';
import { DEFAULT_LIMITS, solveQp } from './qp.ts';

/**
 * Mean-variance optimisation on HiGHS's convex QP (PyPortfolioOpt's EfficientFrontier objectives
 * and conventions): minimum volatility, maximum Sharpe, maximum quadratic utility, efficient
 * return and efficient risk, with weight bounds, market neutrality, L2 regularisation, group caps,
 * a max single weight, a cash buffer and a stay-close (turnover or tracking) penalty.
 */

export interface FrontierOptions extends WeightConstraints {
  limits?: SolverLimits;
}

const INF = Number.POSITIVE_INFINITY;

function checkMu(mu: readonly number[], n: number): void {
  if (mu.length !== n) throw badInput(`expected returns have ${mu.length} entries for ${n} assets`);
  mu.forEach((v, i) => {
    if (!Number.isFinite(v)) throw badInput(`expected return of asset ${i} is ${v}`);
  });
}

/**
 * Σ must be positive semidefinite for a convex problem, and (without L2 regularisation) positive
 * definite, or the minimiser is not unique: a singular Σ (fewer return rows than assets, a
 * duplicated asset) would give one arbitrary portfolio out of infinitely many.
 */
function checkDefinite(cov: Mat, rc: ResolvedConstraints): void {
  const n = cov.length;
  const regularised = rc.l2Gamma > 0 || (rc.stayClose?.kind === 'l2' && rc.stayClose.k > 0);
  // ml-matrix's Cholesky wants exact symmetry; checkCovariance allowed rounding-level asymmetry.
  const m = new Matrix(cov.map((r, i) => r.map((v, j) => (v + cov[j]![i]!) / 2)));
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += cov[i]![i]! / n;
  if (!(meanDiag > 0)) throw badInput('the covariance matrix has no variance on its diagonal');
  const chol = new CholeskyDecomposition(m);
  let ok = chol.isPositiveDefinite();
  if (ok) {
    const L = chol.lowerTriangularMatrix;
    for (let i = 0; i < n; i++) if (L.get(i, i) ** 2 < 1e-13 * meanDiag) ok = false;
  }
  if (ok) return;
  const jitter = new CholeskyDecomposition(m.clone().add(Matrix.eye(n).mul(1e-9 * meanDiag)));
  if (!jitter.isPositiveDefinite()) throw badInput('the covariance matrix is not positive semidefinite (a negative eigenvalue): use a shrinkage estimator such as ledoit-wolf');
  if (!regularised) throw badInput('the covariance matrix is singular (fewer return rows than assets, or an asset duplicating others): the optimum is not unique; use a shrinkage estimator such as ledoit-wolf or add L2 regularisation');
}

interface Objective {
  /** Coefficient of w'Σw in the minimised objective. */
  quad: number;
  linear: readonly number[];
}

interface Built {
  problem: QpProblem;
  n: number;
}

/** Variables: w (n), then t (n) when a turnover (L1) penalty is on: t ≥ |w − base|. */
function build(cov: Mat, rc: ResolvedConstraints, obj: Objective, extraRows: LinearRow[], what: string): Built {
  const n = cov.length;
  const l1 = rc.stayClose?.kind === 'l1' && rc.stayClose.k > 0 ? rc.stayClose : null;
  const l2 = rc.stayClose?.kind === 'l2' && rc.stayClose.k > 0 ? rc.stayClose : null;
  const nv = l1 ? 2 * n : n;
  const pad = (row: readonly number[]): number[] => (nv === n ? [...row] : [...row, ...new Array<number>(n).fill(0)]);
  const hasQuad = obj.quad !== 0 || rc.l2Gamma > 0 || l2 !== null;
  let hessian: Mat | undefined;
  if (hasQuad) {
    hessian = Array.from({ length: nv }, () => new Array<number>(nv).fill(0));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) hessian[i]![j] = 2 * obj.quad * cov[i]![j]!;
      hessian[i]![i]! += 2 * rc.l2Gamma + (l2 ? 2 * l2.k : 0);
    }
  }
  const c = pad(obj.linear);
  if (l2) for (let i = 0; i < n; i++) c[i]! -= 2 * l2.k * l2.base[i]!;
  if (l1) for (let i = 0; i < n; i++) c[n + i] = l1.k;
  const rows: LinearRow[] = [{ coeffs: pad(new Array<number>(n).fill(1)), lo: rc.sum, hi: rc.sum }];
  for (const g of rc.groupRows) {
    const coeffs = new Array<number>(n).fill(0);
    for (const i of g.members) coeffs[i] = 1;
    rows.push({ coeffs: pad(coeffs), lo: g.lo, hi: g.hi });
  }
  for (const r of extraRows) rows.push({ coeffs: pad(r.coeffs), lo: r.lo, hi: r.hi });
  if (l1) {
    for (let i = 0; i < n; i++) {
      const up = new Array<number>(nv).fill(0);
      up[n + i] = 1;
      up[i] = -1;
      rows.push({ coeffs: up, lo: -l1.base[i]!, hi: INF });
      const down = new Array<number>(nv).fill(0);
      down[n + i] = 1;
      down[i] = 1;
      rows.push({ coeffs: down, lo: l1.base[i]!, hi: INF });
    }
  }
  const lower = nv === n ? [...rc.lower] : [...rc.lower, ...new Array<number>(n).fill(0)];
  const upper = nv === n ? [...rc.upper] : [...rc.upper, ...new Array<number>(n).fill(INF)];
  return { problem: hessian ? { hessian, c, lower, upper, rows, what } : { c, lower, upper, rows, what }, n };
}

async function run(b: Built, rc: ResolvedConstraints, limits: SolverLimits | undefined): Promise<number[]> {
  const sol = await solveQp(b.problem, limits ?? DEFAULT_LIMITS);
  return snapToBounds(sol.x.slice(0, b.n), rc);
}

function prepare(cov: Mat, opts: FrontierOptions, mu?: readonly number[]): ResolvedConstraints {
  const n = cov.length;
  if (n === 0) throw badInput('no assets');
  checkCovariance(cov, n);
  if (mu) checkMu(mu, n);
  const rc = resolveConstraints(n, opts);
  checkDefinite(cov, rc);
  return rc;
}

/** Global minimum variance: min w'Σw (+ γ‖w‖² + penalties). */
export async function minVolatility(cov: Mat, opts: FrontierOptions = {}): Promise<number[]> {
  const rc = prepare(cov, opts);
  return run(build(cov, rc, { quad: 1, linear: new Array<number>(cov.length).fill(0) }, [], 'minimum volatility'), rc, opts.limits);
}

/** Max quadratic utility: max μ'w − (δ/2) w'Σw (− γ‖w‖² − penalties). */
export async function maxQuadraticUtility(mu: readonly number[], cov: Mat, riskAversion = 1, opts: FrontierOptions = {}): Promise<number[]> {
  if (!(riskAversion > 0)) throw badInput(`risk aversion must be positive, got ${riskAversion}`);
  const rc = prepare(cov, opts, mu);
  return run(build(cov, rc, { quad: riskAversion / 2, linear: mu.map((m) => -m) }, [], 'maximum quadratic utility'), rc, opts.limits);
}

/** Efficient return: min w'Σw (+ γ‖w‖²) such that μ'w ≥ target. */
export async function efficientReturn(mu: readonly number[], cov: Mat, targetReturn: number, opts: FrontierOptions = {}): Promise<number[]> {
  if (!Number.isFinite(targetReturn)) throw badInput(`target return must be a number, got ${targetReturn}`);
  const rc = prepare(cov, opts, mu);
  const built = build(cov, rc, { quad: 1, linear: new Array<number>(cov.length).fill(0) }, [{ coeffs: mu, lo: targetReturn, hi: INF }], 'efficient return');
  try {
    return await run(built, rc, opts.limits);
  } catch (e) {
    if (e instanceof PortfolioError && e.code === 'INFEASIBLE') {
      const best = await maxReturn(mu, rc, opts.limits);
      throw infeasible(`target return ${targetReturn} is above the highest return ${best.toFixed(6)} these constraints allow`);
    }
    throw e;
  }
}

/** Highest μ'w over the constraint set (an LP). */
async function maxReturn(mu: readonly number[], rc: ResolvedConstraints, limits: SolverLimits | undefined): Promise<number> {
  const n = mu.length;
  const rows: LinearRow[] = [{ coeffs: new Array<number>(n).fill(1), lo: rc.sum, hi: rc.sum }];
  for (const g of rc.groupRows) {
    const coeffs = new Array<number>(n).fill(0);
    for (const i of g.members) coeffs[i] = 1;
    rows.push({ coeffs, lo: g.lo, hi: g.hi });
  }
  const sol = await solveQp({ c: mu.map((m) => -m), lower: rc.lower, upper: rc.upper, rows, what: 'maximum return' }, limits ?? DEFAULT_LIMITS);
  return dot(sol.x, mu);
}

/**
 * Efficient risk: max μ'w (− γ‖w‖² − penalties) such that w'Σw ≤ σ². HiGHS takes no quadratic
 * constraint, so this solves the Lagrangian form min −μ'w + ν·w'Σw (+ …) and searches ν ≥ 0:
 * the volatility of its solution falls monotonically in ν, and at the ν where it equals σ the KKT
 * conditions of the constrained problem hold (ν is the constraint's multiplier). ν = 0 first: if
 * the unconstrained optimum is already within σ the constraint is not binding.
 */
export async function efficientRisk(mu: readonly number[], cov: Mat, targetVolatility: number, opts: FrontierOptions = {}): Promise<number[]> {
  if (!(targetVolatility > 0)) throw badInput(`target volatility must be positive, got ${targetVolatility}`);
  const rc = prepare(cov, opts, mu);
  const minW = await run(build(cov, { ...rc, l2Gamma: 0, stayClose: null }, { quad: 1, linear: new Array<number>(cov.length).fill(0) }, [], 'minimum volatility'), rc, opts.limits);
  const minVol = Math.sqrt(quadForm(cov, minW));
  if (targetVolatility < minVol - 1e-12) throw infeasible(`target volatility ${targetVolatility} is below the minimum volatility ${minVol.toFixed(6)} these constraints allow`);
  const linear = mu.map((m) => -m);
  const at = (nu: number) => run(build(cov, rc, { quad: nu, linear }, [], 'efficient risk'), rc, opts.limits);
  const vol = (w: number[]) => Math.sqrt(quadForm(cov, w));
  const hasQuad = rc.l2Gamma > 0 || (rc.stayClose?.kind === 'l2' && rc.stayClose.k > 0);
  if (hasQuad) {
    const w0 = await at(0);
    if (vol(w0) <= targetVolatility) return w0;
  }
  // Bracket ν: vol(lo) > σ ≥ vol(hi).
  let hi = 1;
  let wHi = await at(hi);
  let guard = 0;
  while (vol(wHi) > targetVolatility && guard++ < 200) {
    hi *= 4;
    wHi = await at(hi);
  }
  if (vol(wHi) > targetVolatility * (1 + 1e-9)) return wHi; // σ ≈ the minimum volatility
  let lo = hi / 4;
  let wLo = await at(lo);
  guard = 0;
  // Without a quadratic penalty, a solution within σ that already earns the highest return the
  // constraints allow is the answer: the volatility constraint does not bind, and lowering ν
  // further cannot raise the return. Without this check a problem whose every optimal portfolio
  // sits at the same volatility (found by the property tests) walked ν down 200 times (~7 s CPU).
  let best: number | undefined;
  const atBest = async (w: number[]): Promise<boolean> => {
    if (hasQuad) return false;
    best ??= await maxReturn(mu, rc, opts.limits);
    return dot(mu, w) >= best - 1e-12 * Math.max(1, Math.abs(best));
  };
  while (vol(wLo) <= targetVolatility && guard++ < 200) {
    if (await atBest(wLo)) return wLo;
    hi = lo;
    wHi = wLo;
    lo /= 4;
    wLo = await at(lo);
  }
  // Illinois regula falsi on u = ln ν, f(u) = vol − σ (f(lo) > 0 ≥ f(hi)): superlinear where
  // bisection needs ~45 solves; falls back to a bisection step when interpolation stalls.
  let uLo = Math.log(lo);
  let uHi = Math.log(hi);
  let fLo = vol(wLo) - targetVolatility;
  let fHi = vol(wHi) - targetVolatility;
  let side = 0;
  for (let i = 0; i < 200 && uHi - uLo > 1e-14; i++) {
    let u = uHi - (fHi * (uHi - uLo)) / (fHi - fLo);
    if (!(u > uLo && u < uHi) || i % 8 === 7) u = (uLo + uHi) / 2;
    const w = await at(Math.exp(u));
    const f = vol(w) - targetVolatility;
    if (Math.abs(f) <= 1e-13 * targetVolatility) return w;
    if (f > 0) {
      uLo = u;
      fLo = f;
      if (side === -1) fHi /= 2;
      side = -1;
    } else {
      uHi = u;
      fHi = f;
      wHi = w;
      if (side === 1) fLo /= 2;
      side = 1;
    }
  }
  return wHi;
}

/**
 * Maximum Sharpe ratio, solved convexly after Cornuejols & Tütüncü: with y = k·w and
 * (μ − rf)'y = 1, minimising y'Σy maximises the Sharpe ratio; bounds and group caps scale with
 * k. As in PyPortfolioOpt, an L2 term acts on y (not rescaled by k).
 */
export async function maxSharpe(mu: readonly number[], cov: Mat, riskFreeRate = 0.02, opts: FrontierOptions = {}): Promise<number[]> {
  const rc = prepare(cov, opts, mu);
  if (opts.marketNeutral) throw badInput('maximum Sharpe needs weights summing to 1; it cannot be market neutral');
  if (opts.stayClose) throw badInput('maximum Sharpe does not take a stay-close penalty (it is not scale-invariant); use max quadratic utility or efficient risk');
  const n = cov.length;
  if (!mu.some((m) => m > riskFreeRate)) throw infeasible(`no asset has an expected return above the risk-free rate ${riskFreeRate}: the maximum Sharpe portfolio does not exist`);
  // The best excess return the constraints allow (an LP). Where it is not positive no portfolio beats
  // the risk-free rate and the maximum Sharpe portfolio does not exist; where it is positive but tiny
  // (bounds forcing weight into assets below the rate), y = k·w grows like 1/excess (k reached 2.4e10
  // on a property-test case) and neither solver can work at that scale. Pinning (μ − rf)'y to that
  // best excess instead of 1 leaves the weights unchanged (every term is quadratic in y, so the
  // minimiser scales with the right-hand side) and keeps k = best / achieved excess near 1.
  const excess = mu.map((m) => m - riskFreeRate);
  const budgetRows: LinearRow[] = [{ coeffs: new Array<number>(n).fill(1), lo: rc.sum, hi: rc.sum }];
  for (const g of rc.groupRows) budgetRows.push({ coeffs: Array.from({ length: n }, (_, i) => (g.members.includes(i) ? 1 : 0)), lo: g.lo, hi: g.hi });
  const best = await solveQp({ c: excess.map((e) => -e), lower: rc.lower, upper: rc.upper, rows: budgetRows, what: 'maximum Sharpe (best excess return)' }, opts.limits ?? DEFAULT_LIMITS);
  const bestExcess = -best.objective;
  const excessScale = excess.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
  if (!(bestExcess > 1e-9 * Math.max(1, excessScale))) {
    throw infeasible(`no portfolio within these constraints has an expected return above the risk-free rate ${riskFreeRate} (the best is ${bestExcess.toExponential(2)} above it): the maximum Sharpe portfolio does not exist`);
  }
  const nv = n + 1;
  const hessian: Mat = Array.from({ length: nv }, () => new Array<number>(nv).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) hessian[i]![j] = 2 * cov[i]![j]!;
    hessian[i]![i]! += 2 * rc.l2Gamma;
  }
  const rows: LinearRow[] = [];
  const row = (f: (i: number) => number, kCoeff: number, lo: number, hi: number) => {
    const coeffs = Array.from({ length: nv }, (_, i) => (i < n ? f(i) : kCoeff));
    rows.push({ coeffs, lo, hi });
  };
  row((i) => excess[i]!, 0, bestExcess, bestExcess);
  row(() => 1, -rc.sum, 0, 0);
  for (let j = 0; j < n; j++) {
    row((i) => (i === j ? 1 : 0), -rc.lower[j]!, 0, INF);
    row((i) => (i === j ? 1 : 0), -rc.upper[j]!, -INF, 0);
  }
  for (const g of rc.groupRows) {
    row((i) => (g.members.includes(i) ? 1 : 0), -g.lo, 0, INF);
    row((i) => (g.members.includes(i) ? 1 : 0), -g.hi, -INF, 0);
  }
  const lower = [...new Array<number>(n).fill(-INF), 0];
  const upper = new Array<number>(nv).fill(INF);
  const sol = await solveQp({ hessian, c: new Array<number>(nv).fill(0), lower, upper, rows, what: 'maximum Sharpe' }, opts.limits ?? DEFAULT_LIMITS);
  const k = sol.x[n]!;
  if (!(k > 0)) throw infeasible('maximum Sharpe: the scaled problem has no portfolio with a positive budget');
  return snapToBounds(
    sol.x.slice(0, n).map((y) => y / k),
    rc,
  );
}

/** Points along the efficient frontier (for drawing it): efficient-return solves from min-vol to max return. */
export async function efficientFrontierPoints(mu: readonly number[], cov: Mat, points = 20, opts: FrontierOptions = {}): Promise<{ expectedReturn: number; volatility: number; weights: number[] }[]> {
  const rc = prepare(cov, opts, mu);
  const wMin = await minVolatility(cov, opts);
  const rMin = dot(wMin, mu);
  const rMax = await maxReturn(mu, rc, opts.limits);
  const out: { expectedReturn: number; volatility: number; weights: number[] }[] = [];
  for (let i = 0; i < points; i++) {
    const target = rMin + ((rMax - rMin) * i) / Math.max(points - 1, 1);
    const w = i === 0 ? wMin : await efficientReturn(mu, cov, target - 1e-12 * Math.abs(target), opts);
    out.push({ expectedReturn: dot(w, mu), volatility: Math.sqrt(quadForm(cov, w)), weights: w });
  }
  return out;
}
