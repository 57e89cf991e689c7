import highsLoader from 'highs';
import type { Highs, ModelData } from 'highs';
import { badInput, infeasible, PortfolioError } from './errors.ts';
import type { Mat } from './linalg.ts';
import { Matrix, solve } from 'ml-matrix';
import { solveDenseQp } from './dense-qp.ts';

/**
 * The one door to HiGHS (WebAssembly build of the Edinburgh LP/QP solver, MIT). Portfolio
 * problems are small and dense; this turns them into HiGHS's sparse model, guards the solver's
 * known traps and turns every non-optimal ending into a typed error:
 *   - the objective is rescaled so the Hessian's diagonal averages 1 (raw daily covariances,
 *     entries ~1e-4, sit near HiGHS's small-value thresholds and the active-set QP can stall);
 *   - every solve has a time limit and a QP iteration limit;
 *   - only an "Optimal" status is accepted, never a feasible-but-unproven point;
 *   - the Hessian goes in as its lower triangle, column by column (what HiGHS stores).
 */

export interface LinearRow {
  /** Dense coefficients over the variables (zeros are dropped). */
  coeffs: readonly number[];
  lo: number;
  hi: number;
}

export interface QpProblem {
  /** Objective: ½ x'Hx + c'x (H symmetric PSD; omit for an LP). */
  hessian?: Mat;
  c: readonly number[];
  lower: readonly number[];
  upper: readonly number[];
  rows: readonly LinearRow[];
  /** What the problem means, for error messages ("minimum variance"). */
  what: string;
}

export interface QpSolution {
  x: number[];
  /** The objective at x, in the caller's units (scaling undone). */
  objective: number;
}

export interface SolverLimits {
  timeLimitSeconds: number;
  qpIterationLimit: number;
}

export const DEFAULT_LIMITS: SolverLimits = { timeLimitSeconds: 10, qpIterationLimit: 100_000 };

let loading: Promise<Highs> | null = null;

/** Loads the WebAssembly solver once per process (≈ 30 ms); later calls share it. */
export function loadSolver(): Promise<Highs> {
  loading ??= highsLoader();
  return loading;
}

const INF = Number.POSITIVE_INFINITY;

export async function solveQp(p: QpProblem, limits: SolverLimits = DEFAULT_LIMITS): Promise<QpSolution> {
  return solveQpWith(await loadSolver(), p, limits);
}

export function solveQpWith(highs: Highs, p: QpProblem, limits: SolverLimits = DEFAULT_LIMITS): QpSolution {
  const n = p.c.length;
  if (p.lower.length !== n || p.upper.length !== n) throw badInput(`${p.what}: bounds must have one entry per variable`);
  for (let j = 0; j < n; j++) {
    if (Number.isNaN(p.lower[j]!) || Number.isNaN(p.upper[j]!) || !Number.isFinite(p.c[j]!)) throw badInput(`${p.what}: variable ${j} has a NaN bound or cost`);
    if (p.lower[j]! > p.upper[j]!) throw infeasible(`${p.what}: variable ${j} has lower bound ${p.lower[j]} above its upper bound ${p.upper[j]}`);
  }
  // Scale: H/s and c/s leave the minimiser unchanged and put H's diagonal near 1.
  let s = 1;
  if (p.hessian) {
    let d = 0;
    for (let j = 0; j < n; j++) d += Math.abs(p.hessian[j]![j]!);
    d /= n;
    if (d > 0 && Number.isFinite(d)) s = d;
  } else {
    let m = 0;
    for (const v of p.c) m = Math.max(m, Math.abs(v));
    if (m > 0) s = m;
  }
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  // Constraint matrix by rows (CSR).
  for (const r of p.rows) {
    if (r.coeffs.length !== n) throw badInput(`${p.what}: a constraint row has ${r.coeffs.length} coefficients for ${n} variables`);
    r.coeffs.forEach((v, j) => {
      if (!Number.isFinite(v)) throw badInput(`${p.what}: a constraint coefficient is ${v}`);
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    });
    starts.push(indices.length);
  }
  const modelFor = (s: number): ModelData => ({
    numCols: n,
    numRows: p.rows.length,
    colCost: p.c.map((v) => v / s),
    colLower: p.lower.map((v) => (v === -INF ? -highs.infinity : v)),
    colUpper: p.upper.map((v) => (v === INF ? highs.infinity : v)),
    rowLower: p.rows.map((r) => (r.lo === -INF ? -highs.infinity : r.lo)),
    rowUpper: p.rows.map((r) => (r.hi === INF ? highs.infinity : r.hi)),
    matrix: { format: 'csr', numRows: p.rows.length, numCols: n, starts, indices, values },
  });
  const attempt = (scale: number, presolve: 'choose' | 'off'): { status: number; x: number[] | null; error?: string } =>
    highs.withModel((m) => {
      m.options.set({ output_flag: false, time_limit: limits.timeLimitSeconds, qp_iteration_limit: limits.qpIterationLimit, presolve });
      const model = modelFor(scale);
      m.passModel(p.hessian ? { ...model, hessian: lowerTriangle(p.hessian, n, scale, p.what) } : model);
      // Default feasibility tolerances (1e-7): tighter ones make HiGHS reject its own optimal QP
      // point ("claims optimality, but with infeasibilities"); the polish supplies precision.
      try {
        const status = m.run().modelStatus;
        return { status, x: status === 7 ? Array.from(m.getSolution().colValue) : null };
      } catch (e) {
        return { status: -1, x: null, error: (e as Error).message };
      }
    });
  // HiGHS's active-set QP solver now and then fails on a plainly bounded convex QP (reporting
  // "unbounded", or "run failed" with status -1) depending on scaling; the same problem is then
  // retried without presolve and at other scales. If all of those fail, Goldfarb–Idnani's dual
  // method (dense-qp.ts) solves it, with a ridge where the Hessian is only semidefinite; its answer
  // is polished on its active set and kept only if the Frank–Wolfe gap proves it optimal for the
  // exact problem. The sizing property test found problems HiGHS 1.x fails on every time.
  // An LP is retried too: HiGHS's run also fails (status -1, or 15 "unknown") on small feasible LPs
  // with group rows now and then, depending on presolve and the cost's scale (the max-Sharpe
  // property test found both, in the feasibility LP and in the optimality check's).
  const tries: [number, 'choose' | 'off'][] = p.hessian ? [[s, 'choose'], [s, 'off'], [1, 'choose'], [s * 10, 'off'], [s / 10, 'off']] : [[s, 'choose'], [s, 'off'], [1, 'off'], [s * 10, 'choose']];
  let r: { status: number; x: number[] | null; error?: string } = { status: 0, x: null };
  for (const [scale, presolve] of tries) {
    r = attempt(scale, presolve);
    if (r.status === 7 && r.x) {
      const x = p.hessian ? polish(p, r.x) : r.x;
      return { x, objective: objectiveAt(p, x) };
    }
    if (r.status === 8 && !p.hessian) break;
  }
  if (p.hessian) {
    // HiGHS's QP solver also reports "infeasible" for bounded feasible problems: the LP over the
    // same constraints (a zero objective) says which it is.
    if (!feasible(highs, p, limits)) throw statusError(8, p.what);
    const H = p.hessian;
    for (const ridge of [0, 1e-12, 1e-9, 1e-7]) {
      const ridged = ridge === 0 ? H : H.map((row, i) => row.map((v, j) => (i === j ? v + ridge * s : v)));
      const q = solveDenseQp({ hessian: ridged, c: p.c, lower: p.lower, upper: p.upper, rows: p.rows });
      if ('error' in q) continue;
      const x = polish(p, q.x);
      if (optimalByGap(highs, p, x, limits)) return { x, objective: objectiveAt(p, x) };
    }
    if (r.status === 7 || r.status === 8 || r.status === -1) throw new PortfolioError('SOLVER', `${p.what}: neither solver reached a point it could prove optimal${r.error ? ` (${r.error})` : ''}`);
  }
  if (r.status === -1) throw new PortfolioError('SOLVER', `${p.what}: the solver failed (${r.error ?? 'unknown error'})`);
  throw statusError(r.status, p.what);
}

function feasible(highs: Highs, p: QpProblem, limits: SolverLimits): boolean {
  try {
    solveQpWith(highs, { c: new Array<number>(p.c.length).fill(0), lower: p.lower, upper: p.upper, rows: p.rows, what: `${p.what} (feasibility)` }, limits);
    return true;
  } catch (e) {
    if (e instanceof PortfolioError && e.code !== 'SOLVER') return false;
    throw e;
  }
}

/**
 * A certificate for a convex QP: with g = Hx + c, the Frank–Wolfe gap g'x − min{g'y : y feasible}
 * bounds f(x) − f* from above, and is 0 exactly at an optimum. The inner problem is an LP over the
 * same bounds and rows, which HiGHS's simplex solves reliably where its QP solver may not.
 */
function optimalByGap(highs: Highs, p: QpProblem, x: readonly number[], limits: SolverLimits): boolean {
  const n = x.length;
  const g = [...p.c];
  if (p.hessian) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i]! += p.hessian[i]![j]! * x[j]!;
  // The LP runs over the feasible set cut by a box around x. For a convex problem that is still a
  // certificate: if g'(y − x) ≥ 0 for every feasible y near x, then for any feasible z the point
  // x + t(z − x) is feasible and near x for a small t, so g'(z − x) ≥ 0 too. The box keeps the LP
  // bounded where the feasible set is not (max Sharpe's transformed set is a cone in k), on which
  // HiGHS stopped with status 15 and max Sharpe threw SOLVER on feasible problems.
  let reach = 1;
  for (const v of x) reach = Math.max(reach, Math.abs(v));
  const lower = p.lower.map((lo, j) => Math.max(lo, x[j]! - reach));
  const upper = p.upper.map((hi, j) => Math.min(hi, x[j]! + reach));
  const y = solveQpWith(highs, { c: g, lower, upper, rows: p.rows, what: `${p.what} (optimality check)` }, limits).x;
  let gap = 0;
  let size = 0;
  for (let j = 0; j < n; j++) {
    gap += g[j]! * (x[j]! - y[j]!);
    size += Math.abs(g[j]!) * (Math.abs(x[j]!) + Math.abs(y[j]!));
  }
  return gap <= 1e-9 * (1 + size);
}

function objectiveAt(p: QpProblem, x: readonly number[]): number {
  let v = 0;
  for (let j = 0; j < x.length; j++) v += p.c[j]! * x[j]!;
  if (p.hessian) {
    for (let i = 0; i < x.length; i++) {
      const hi = p.hessian[i]!;
      let s = 0;
      for (let j = 0; j < x.length; j++) s += hi[j]! * x[j]!;
      v += 0.5 * x[i]! * s;
    }
  }
  return v;
}

const ACTIVE_TOL = 1e-7;

/**
 * Active-set polish: HiGHS stops at its feasibility tolerances (~1e-8 in weights). Taking the
 * constraints it found active as equalities, the KKT system of the equality-constrained QP gives
 * the exact optimum on that face; it is kept only if it stays feasible and is no worse. This is
 * what makes results agree with the reference solvers to ~1e-12 rather than ~1e-7.
 */
function polish(p: QpProblem, x0: readonly number[]): number[] {
  const n = x0.length;
  const H = p.hessian!;
  const free: number[] = [];
  const fixed: number[] = [];
  const xb = [...x0];
  for (let j = 0; j < n; j++) {
    if (Math.abs(x0[j]! - p.lower[j]!) <= ACTIVE_TOL) {
      xb[j] = p.lower[j]!;
      fixed.push(j);
    } else if (Math.abs(x0[j]! - p.upper[j]!) <= ACTIVE_TOL) {
      xb[j] = p.upper[j]!;
      fixed.push(j);
    } else free.push(j);
  }
  const active: { coeffs: readonly number[]; rhs: number }[] = [];
  for (const r of p.rows) {
    let a = 0;
    for (let j = 0; j < n; j++) a += r.coeffs[j]! * x0[j]!;
    const scaleR = 1 + Math.abs(a);
    if (Math.abs(a - r.lo) <= ACTIVE_TOL * scaleR) active.push({ coeffs: r.coeffs, rhs: r.lo });
    else if (Math.abs(a - r.hi) <= ACTIVE_TOL * scaleR) active.push({ coeffs: r.coeffs, rhs: r.hi });
  }
  const f = free.length;
  const m = active.length;
  if (f === 0) return xb;
  const K = new Matrix(f + m, f + m);
  const rhs = new Array<number>(f + m).fill(0);
  for (let a = 0; a < f; a++) {
    const i = free[a]!;
    for (let b = 0; b < f; b++) K.set(a, b, H[i]![free[b]!]!);
    let r = -p.c[i]!;
    for (const j of fixed) r -= H[i]![j]! * xb[j]!;
    rhs[a] = r;
  }
  active.forEach((row, k) => {
    let r = row.rhs;
    for (const j of fixed) r -= row.coeffs[j]! * xb[j]!;
    rhs[f + k] = r;
    for (let a = 0; a < f; a++) {
      const v = row.coeffs[free[a]!]!;
      K.set(f + k, a, v);
      K.set(a, f + k, v);
    }
  });
  let sol: number[];
  try {
    sol = solve(K, Matrix.columnVector(rhs)).getColumn(0);
    if (sol.some((v) => !Number.isFinite(v))) sol = solve(K, Matrix.columnVector(rhs), true).getColumn(0);
  } catch {
    return [...x0];
  }
  const x = [...xb];
  free.forEach((j, a) => (x[j] = sol[a]!));
  // Keep the polished point only if it is feasible and at least as good.
  for (let j = 0; j < n; j++) if (!(x[j]! >= p.lower[j]! - 1e-12 && x[j]! <= p.upper[j]! + 1e-12)) return [...x0];
  for (const r of p.rows) {
    let a = 0;
    for (let j = 0; j < n; j++) a += r.coeffs[j]! * x[j]!;
    const tol = 1e-10 * (1 + Math.abs(a));
    if (a < r.lo - tol || a > r.hi + tol) return [...x0];
  }
  const before = objectiveAt(p, x0);
  const after = objectiveAt(p, x);
  return after <= before + 1e-12 * (1 + Math.abs(before)) ? x : [...x0];
}

function lowerTriangle(h: Mat, n: number, s: number, what: string): { format: 'triangular'; dimension: number; starts: number[]; indices: number[]; values: number[] } {
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      const v = h[i]![j]!;
      if (!Number.isFinite(v)) throw badInput(`${what}: the covariance has a non-finite entry at (${i}, ${j})`);
      if (v !== 0) {
        indices.push(i);
        values.push(v / s);
      }
    }
    starts.push(indices.length);
  }
  return { format: 'triangular', dimension: n, starts, indices, values };
}

function statusError(status: number, what: string): PortfolioError {
  switch (status) {
    case 8:
      return infeasible(`${what}: no portfolio satisfies the constraints (check the bounds, targets and caps)`);
    case 9:
    case 10:
      return infeasible(`${what}: the problem is unbounded or infeasible; is the covariance positive semidefinite and are the weights bounded?`);
    case 13:
      return new PortfolioError('SOLVER', `${what}: the solver hit its time limit before proving optimality`);
    case 14:
      return new PortfolioError('SOLVER', `${what}: the solver hit its iteration limit before proving optimality`);
    case 2:
      return badInput(`${what}: the solver refused the model as invalid (a non-convex objective or NaN data?)`);
    default:
      return new PortfolioError('SOLVER', `${what}: the solver stopped with status ${status}, not an optimal solution`);
  }
}
