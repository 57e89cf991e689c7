import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/**
 * L2-penalised logistic regression P(up) = σ(b0 + x·β), fitted by iteratively reweighted least
 * squares (Newton steps solved by Cholesky, ml-matrix) on standardised features, the intercept left
 * unpenalised. Coefficients are reported on the raw feature scale.
 */
export interface LogisticModel {
  intercept: number;
  coefficients: number[];
  samples: number;
  iterations: number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function fitLogistic(x: readonly (readonly number[])[], y: readonly (0 | 1)[], lambda: number, maxIterations = 50): LogisticModel {
  const n = x.length;
  if (n === 0 || n !== y.length) throw new RangeError(`logistic regression needs as many rows as labels (got ${n} and ${y.length})`);
  if (!(lambda > 0)) throw new RangeError(`logistic lambda must be > 0, got ${lambda}`);
  const k = x[0]!.length;
  const mean = new Array<number>(k).fill(0);
  for (const row of x) for (let j = 0; j < k; j++) mean[j]! += row[j]! / n;
  const scale = new Array<number>(k).fill(0);
  for (const row of x) for (let j = 0; j < k; j++) scale[j]! += (row[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < k; j++) scale[j] = scale[j]! > 0 ? Math.sqrt(scale[j]!) : 1;
  // Column 0 is the intercept.
  const z = new Matrix(n, k + 1);
  for (let i = 0; i < n; i++) {
    z.set(i, 0, 1);
    for (let j = 0; j < k; j++) z.set(i, j + 1, (x[i]![j]! - mean[j]!) / scale[j]!);
  }
  let beta = new Array<number>(k + 1).fill(0);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const h = new Matrix(k + 1, k + 1);
    const g = new Array<number>(k + 1).fill(0);
    for (let i = 0; i < n; i++) {
      let eta = 0;
      for (let j = 0; j <= k; j++) eta += z.get(i, j) * beta[j]!;
      const p = sigmoid(eta);
      // A floor on the weight keeps the Hessian positive definite on separable data.
      const w = Math.max(p * (1 - p), 1e-10);
      const r = y[i]! - p;
      for (let a = 0; a <= k; a++) {
        const za = z.get(i, a);
        g[a]! += za * r;
        for (let b = a; b <= k; b++) h.set(a, b, h.get(a, b) + w * za * z.get(i, b));
      }
    }
    for (let a = 0; a <= k; a++) {
      for (let b = 0; b < a; b++) h.set(a, b, h.get(b, a));
      if (a > 0) {
        h.set(a, a, h.get(a, a) + lambda);
        g[a]! -= lambda * beta[a]!;
      }
    }
    const step = new CholeskyDecomposition(h).solve(Matrix.columnVector(g));
    let change = 0;
    beta = beta.map((v, j) => {
      change = Math.max(change, Math.abs(step.get(j, 0)));
      return v + step.get(j, 0);
    });
    if (change < 1e-10) break;
  }
  const coefficients = Array.from({ length: k }, (_, j) => beta[j + 1]! / scale[j]!);
  const intercept = beta[0]! - coefficients.reduce((acc, b, j) => acc + b * mean[j]!, 0);
  return { intercept, coefficients, samples: n, iterations: iterations + 1 };
}

export function probabilityUp(m: LogisticModel, row: readonly number[]): number {
  let eta = m.intercept;
  for (let j = 0; j < m.coefficients.length; j++) eta += m.coefficients[j]! * row[j]!;
  return sigmoid(eta);
}
