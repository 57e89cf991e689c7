import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/**
 * Ridge regression y ≈ b0 + x·β with features standardised on the fit sample and the intercept left
 * unpenalised: β_std = (ZᵀZ + λ·I)⁻¹ Zᵀ(y − ȳ), solved by Cholesky (ml-matrix) since λ > 0 makes
 * the system positive definite. Coefficients are reported on the raw feature scale.
 */
export interface RidgeModel {
  intercept: number;
  coefficients: number[];
  /** Samples the model was fitted on. */
  samples: number;
  /** In-sample R². */
  r2: number;
}

export function fitRidge(x: readonly (readonly number[])[], y: readonly number[], lambda: number): RidgeModel {
  const n = x.length;
  if (n === 0 || n !== y.length) throw new RangeError(`ridge needs as many rows as targets (got ${n} and ${y.length})`);
  if (!(lambda > 0)) throw new RangeError(`ridge lambda must be > 0, got ${lambda}`);
  const k = x[0]!.length;
  const mean = new Array<number>(k).fill(0);
  for (const row of x) for (let j = 0; j < k; j++) mean[j]! += row[j]! / n;
  const scale = new Array<number>(k).fill(0);
  for (const row of x) for (let j = 0; j < k; j++) scale[j]! += (row[j]! - mean[j]!) ** 2 / n;
  // A constant feature standardises to 0 (scale 1 avoids 0/0); ridge then gives it a 0 coefficient.
  for (let j = 0; j < k; j++) scale[j] = scale[j]! > 0 ? Math.sqrt(scale[j]!) : 1;
  const yMean = y.reduce((a, b) => a + b, 0) / n;
  const z = new Matrix(n, k);
  const yc = new Matrix(n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) z.set(i, j, (x[i]![j]! - mean[j]!) / scale[j]!);
    yc.set(i, 0, y[i]! - yMean);
  }
  const zt = z.transpose();
  const a = zt.mmul(z);
  for (let j = 0; j < k; j++) a.set(j, j, a.get(j, j) + lambda);
  const betaStd = new CholeskyDecomposition(a).solve(zt.mmul(yc));
  const coefficients = Array.from({ length: k }, (_, j) => betaStd.get(j, 0) / scale[j]!);
  const intercept = yMean - coefficients.reduce((acc, b, j) => acc + b * mean[j]!, 0);
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i]! - predict({ intercept, coefficients, samples: n, r2: 0 }, x[i]!);
    ssRes += e * e;
    ssTot += (y[i]! - yMean) ** 2;
  }
  return { intercept, coefficients, samples: n, r2: ssTot > 0 ? 1 - ssRes / ssTot : 0 };
}

export function predict(m: RidgeModel, row: readonly number[]): number {
  let v = m.intercept;
  for (let j = 0; j < m.coefficients.length; j++) v += m.coefficients[j]! * row[j]!;
  return v;
}
