import { CholeskyDecomposition, EigenvalueDecomposition, Matrix, solve } from 'ml-matrix';
import { badInput } from './errors.ts';

/** Dense square or rectangular matrices as arrays of rows; the estimators' working type. */
export type Mat = number[][];
export type Vec = number[];

export const zeros = (r: number, c: number): Mat => Array.from({ length: r }, () => new Array<number>(c).fill(0));
export const identity = (n: number): Mat => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
export const dot = (a: readonly number[], b: readonly number[]): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
export const matVec = (m: Mat, v: readonly number[]): Vec => m.map((row) => dot(row, v));
export const quadForm = (m: Mat, v: readonly number[]): number => dot(v, matVec(m, v));
export const scale = (m: Mat, k: number): Mat => m.map((r) => r.map((x) => x * k));
export const add = (a: Mat, b: Mat): Mat => a.map((r, i) => r.map((x, j) => x + b[i]![j]!));
export const transpose = (m: Mat): Mat => (m.length === 0 ? [] : m[0]!.map((_, j) => m.map((r) => r[j]!)));
export const matMul = (a: Mat, b: Mat): Mat => new Matrix(a).mmul(new Matrix(b)).to2DArray();
export const diag = (m: Mat): Vec => m.map((r, i) => r[i]!);

/** Solves A x = b (LU via ml-matrix); a singular A is the caller's BAD_INPUT. */
export function solveLinear(a: Mat, b: readonly number[], what: string): Vec {
  const x = solve(new Matrix(a), Matrix.columnVector([...b])).getColumn(0);
  if (x.some((v) => !Number.isFinite(v))) throw badInput(`${what} is singular: the linear system has no unique solution`);
  return x;
}

/** Solves A X = B for a matrix right-hand side. */
export function solveMatrix(a: Mat, b: Mat, what: string): Mat {
  const x = solve(new Matrix(a), new Matrix(b)).to2DArray();
  if (x.some((r) => r.some((v) => !Number.isFinite(v)))) throw badInput(`${what} is singular: the linear system has no unique solution`);
  return x;
}

/** Smallest eigenvalue of a symmetric matrix. */
export function minEigenvalue(m: Mat): number {
  const e = new EigenvalueDecomposition(new Matrix(m), { assumeSymmetric: true });
  return Math.min(...e.realEigenvalues);
}

/** True when Cholesky succeeds: the matrix is (numerically) positive definite. */
export function isPositiveDefinite(m: Mat): boolean {
  return new CholeskyDecomposition(new Matrix(m)).isPositiveDefinite();
}

/** Refuses a covariance that is not square, not symmetric, or carries NaN. */
export function checkCovariance(cov: Mat, n: number): void {
  if (cov.length !== n || cov.some((r) => r.length !== n)) throw badInput(`the covariance matrix must be ${n}×${n}`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = cov[i]![j]!;
      if (!Number.isFinite(v)) throw badInput(`covariance[${i}][${j}] is ${v}: every entry must be a finite number (too little overlapping history?)`);
      if (Math.abs(v - cov[j]![i]!) > 1e-10 * (1 + Math.abs(v))) throw badInput(`the covariance matrix is not symmetric at (${i}, ${j})`);
    }
  }
}
