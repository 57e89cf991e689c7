import { solveQP } from 'quadprog';
import type { Mat } from './linalg.ts';

/**
 * The fallback QP solver: Goldfarb–Idnani's dual active-set method (the `quadprog` package, a port
 * of R's quadprog, MIT). It needs a positive definite Hessian and is meant for the small dense
 * problems of portfolio construction; `qp.ts` calls it only when HiGHS fails, and certifies what it
 * returns like any other answer.
 */

export interface DenseQp {
  /** ½ x'Hx + c'x, H symmetric positive definite. */
  hessian: Mat;
  c: readonly number[];
  lower: readonly number[];
  upper: readonly number[];
  rows: readonly { coeffs: readonly number[]; lo: number; hi: number }[];
}

/** The minimiser, or the solver's reason for having none ("not positive definite", "inconsistent"). */
export function solveDenseQp(p: DenseQp): { x: number[] } | { error: string } {
  const n = p.c.length;
  // The package keeps Fortran's 1-based arrays: index 0 is unused.
  // Entries below 1e-15 of the largest are flushed to zero: subnormal numbers (a covariance built
  // from tiny returns) make the factorisation produce NaN. The caller certifies the answer against
  // the exact problem, so this only ever costs a retry, never a wrong result.
  let big = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) big = Math.max(big, Math.abs(p.hessian[i]![j]!));
  const tiny = big * 1e-15;
  const D: number[][] = [[]];
  for (let i = 0; i < n; i++) D.push([0, ...p.hessian[i]!.slice(0, n).map((v) => (Math.abs(v) < tiny ? 0 : v))]);
  const d = [0, ...p.c.map((v) => -v)];
  // Constraints A'x ≥ b, the equalities first.
  const cols: number[][] = [];
  const b: number[] = [];
  const eq = p.rows.filter((r) => r.lo === r.hi);
  const ineq = p.rows.filter((r) => r.lo !== r.hi);
  for (const r of eq) {
    cols.push([...r.coeffs]);
    b.push(r.lo);
  }
  for (const r of ineq) {
    if (Number.isFinite(r.lo)) {
      cols.push([...r.coeffs]);
      b.push(r.lo);
    }
    if (Number.isFinite(r.hi)) {
      cols.push(r.coeffs.map((v) => -v));
      b.push(-r.hi);
    }
  }
  for (let j = 0; j < n; j++) {
    const unit = (sign: number) => Array.from({ length: n }, (_, k) => (k === j ? sign : 0));
    if (Number.isFinite(p.lower[j]!)) {
      cols.push(unit(1));
      b.push(p.lower[j]!);
    }
    if (Number.isFinite(p.upper[j]!)) {
      cols.push(unit(-1));
      b.push(-p.upper[j]!);
    }
  }
  if (cols.length === 0) {
    // The package needs at least one constraint; a vacuous one keeps the problem the same.
    cols.push(new Array<number>(n).fill(0));
    b.push(0);
  }
  const A: number[][] = [[]];
  for (let i = 0; i < n; i++) A.push([0, ...cols.map((c) => c[i]!)]);
  const r = solveQP(D, d, A, [0, ...b], eq.length);
  if (r.message) return { error: r.message };
  const x = r.solution.slice(1, n + 1);
  if (x.length !== n || x.some((v) => !Number.isFinite(v))) return { error: 'no finite solution' };
  return { x };
}
