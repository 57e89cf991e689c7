import { agnes } from 'ml-hclust';
import type { AgglomerationMethod, Cluster } from 'ml-hclust';
import { badInput } from './errors.ts';
import type { Frame } from './frame.ts';
import type { Mat } from './linalg.ts';
import { covarianceMatrix } from './risk-models.ts';

/**
 * Hierarchical Risk Parity (López de Prado 2016): cluster the assets on the correlation distance
 * √((1 − ρ)/2), order them so similar assets sit together (quasi-diagonalisation), then split the
 * ordered list in halves recursively, giving each half weight in inverse proportion to its
 * inverse-variance cluster variance. Needs no matrix inversion, so it works where Σ is singular.
 * Linkage by ml-hclust; the leaf order follows SciPy's convention (the earlier-formed child
 * first) so results match PyPortfolioOpt's.
 */

export type LinkageName = 'single' | 'complete' | 'average' | 'weighted' | 'centroid' | 'median' | 'ward';
export const LINKAGES: readonly LinkageName[] = ['single', 'complete', 'average', 'weighted', 'centroid', 'median', 'ward'];

// SciPy's names → ml-hclust's Lance-Williams updates ('ward2' is SciPy's Ward on distances).
const AGNES: Record<LinkageName, AgglomerationMethod> = { single: 'single', complete: 'complete', average: 'average', weighted: 'wpgma', centroid: 'centroid', median: 'median', ward: 'ward2' };

/** Pairwise-complete correlation (pandas `DataFrame.corr()`): each pair's own overlap. */
export function correlationMatrix(returns: Frame): Mat {
  const cols = returns.columns;
  const n = cols.length;
  const out: Mat = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let a = 0; a < n; a++) {
    out[a]![a] = 1;
    for (let b = a + 1; b < n; b++) {
      const x = cols[a]!;
      const y = cols[b]!;
      let sx = 0;
      let sy = 0;
      let k = 0;
      for (let i = 0; i < x.length; i++) {
        const u = x[i]!;
        const v = y[i]!;
        if (Number.isNaN(u) || Number.isNaN(v)) continue;
        sx += u;
        sy += v;
        k++;
      }
      const mx = sx / k;
      const my = sy / k;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < x.length; i++) {
        const u = x[i]!;
        const v = y[i]!;
        if (Number.isNaN(u) || Number.isNaN(v)) continue;
        sxy += (u - mx) * (v - my);
        sxx += (u - mx) * (u - mx);
        syy += (v - my) * (v - my);
      }
      const r = k >= 2 && sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
      out[a]![b] = r;
      out[b]![a] = r;
    }
  }
  return out;
}

/** Leaf order of the dendrogram, SciPy `to_tree(linkage).pre_order()`. */
export function quasiDiagonalOrder(corr: Mat, linkage: LinkageName = 'single'): number[] {
  const n = corr.length;
  if (n === 1) return [0];
  const dist = corr.map((r) => r.map((v) => Math.sqrt(Math.min(Math.max((1 - v) / 2, 0), 1))));
  const root = agnes(dist, { isDistanceMatrix: true, method: AGNES[linkage] });
  // SciPy numbers merged clusters n, n+1, … in order of height, and puts the smaller id left.
  const internal: { node: Cluster; depth: number }[] = [];
  const depthOf = (c: Cluster): number => {
    if (c.isLeaf) return 0;
    const d = 1 + Math.max(...c.children.map(depthOf));
    internal.push({ node: c, depth: d });
    return d;
  };
  depthOf(root);
  internal.sort((a, b) => a.node.height - b.node.height || a.depth - b.depth);
  const id = new Map<Cluster, number>();
  internal.forEach((e, k) => id.set(e.node, n + k));
  const idOf = (c: Cluster) => (c.isLeaf ? c.index : id.get(c)!);
  const order: number[] = [];
  const visit = (c: Cluster) => {
    if (c.isLeaf) {
      order.push(c.index);
      return;
    }
    [...c.children].sort((a, b) => idOf(a) - idOf(b)).forEach(visit);
  };
  visit(root);
  return order;
}

/** Variance of a cluster held in inverse-variance weights: w'Cw, w_i ∝ 1/C_ii. */
export function clusterVariance(cov: Mat, members: readonly number[]): number {
  const ivp = members.map((i) => 1 / cov[i]![i]!);
  const s = ivp.reduce((a, x) => a + x, 0);
  let v = 0;
  members.forEach((i, a) =>
    members.forEach((j, b) => {
      v += (ivp[a]! / s) * cov[i]![j]! * (ivp[b]! / s);
    }),
  );
  return v;
}

/** Recursive bisection over an ordering. */
export function recursiveBisection(cov: Mat, order: readonly number[]): number[] {
  const w = new Array<number>(cov.length).fill(1);
  let clusters: number[][] = [[...order]];
  while (clusters.length > 0) {
    const next: number[][] = [];
    for (const c of clusters) {
      if (c.length <= 1) continue;
      const half = Math.floor(c.length / 2);
      next.push(c.slice(0, half), c.slice(half));
    }
    for (let i = 0; i < next.length; i += 2) {
      const first = next[i]!;
      const second = next[i + 1]!;
      const v1 = clusterVariance(cov, first);
      const v2 = clusterVariance(cov, second);
      const alpha = 1 - v1 / (v1 + v2);
      for (const k of first) w[k]! *= alpha;
      for (const k of second) w[k]! *= 1 - alpha;
    }
    clusters = next;
  }
  return w;
}

export interface HrpResult {
  weights: number[];
  order: number[];
  /** The daily covariance used (pairwise complete), for the performance figures. */
  cov: Mat;
}

/** HRP weights from daily returns (long only, summing to 1). */
export function hrp(returns: Frame, opts: { linkage?: LinkageName; cov?: Mat } = {}): HrpResult {
  const n = returns.tickers.length;
  if (n === 0) throw badInput('HRP needs at least one asset');
  if (returns.dates.length < 2) throw badInput(`HRP needs at least 2 return rows, got ${returns.dates.length}`);
  const cov = opts.cov ?? covarianceMatrix(returns);
  const corr = correlationMatrix(returns);
  for (let i = 0; i < n; i++) {
    if (!(cov[i]![i]! > 0)) throw badInput(`${returns.tickers[i]} has no return variance: HRP weighs by inverse variance`);
    for (let j = 0; j < n; j++) if (!Number.isFinite(corr[i]![j]!) || !Number.isFinite(cov[i]![j]!)) throw badInput(`${returns.tickers[i]} and ${returns.tickers[j]} share too few return observations for a correlation`);
  }
  const order = quasiDiagonalOrder(corr, opts.linkage ?? 'single');
  return { weights: recursiveBisection(cov, order), order, cov };
}
