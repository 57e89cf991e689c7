import { agnes } from 'ml-hclust';
import type { AgglomerationMethod, Cluster } from 'ml-hclust';
import { badInput } from './errors.ts';
import type { Frame } from './frame.ts';
import type { Mat } from './linalg.ts';
import { loadReturns, pairwiseFlat } from './moments.ts';
import { flatToMat, pairwiseMoments, pairwiseMomentsJs } from './risk-models.ts';

/**
 * Hierarchical Risk Parity (López de Prado 2016): cluster the assets on the correlation distance
 * √((1 − ρ)/2), order them so similar assets sit together (quasi-diagonalisation), then split the
 * ordered list in halves recursively, giving each half weight in inverse proportion to its
 * inverse-variance cluster variance. Needs no matrix inversion, so it works where Σ is singular.
 * Single linkage by SciPy's own O(n²) minimum-spanning-tree method; complete, average, weighted
 * and Ward by SciPy's O(n²) nearest-neighbour chain; centroid and median (not reducible, so no
 * chain) by ml-hclust. The leaf order follows SciPy's convention (the smaller cluster id first) so results
 * match PyPortfolioOpt's.
 */

export type LinkageName = 'single' | 'complete' | 'average' | 'weighted' | 'centroid' | 'median' | 'ward';
export const LINKAGES: readonly LinkageName[] = ['single', 'complete', 'average', 'weighted', 'centroid', 'median', 'ward'];

// SciPy's names → ml-hclust's Lance-Williams updates ('ward2' is SciPy's Ward on distances).
const AGNES: Record<LinkageName, AgglomerationMethod> = { single: 'single', complete: 'complete', average: 'average', weighted: 'wpgma', centroid: 'centroid', median: 'median', ward: 'ward2' };

/** Pairwise-complete correlation (pandas `DataFrame.corr()`): each pair's own overlap. */
export function correlationMatrix(returns: Frame): Mat {
  return pairwiseMoments(returns, true).corr!;
}

/** A merge before relabelling: two representative leaves, the merge distance, its step. */
interface Merge {
  x: number;
  y: number;
  d: number;
  k: number;
}

/**
 * SciPy's `label`: the merges sorted by distance (stable, so equal heights keep their step order),
 * then union-find turns representative leaves into cluster ids (node n + i for row i), the smaller
 * id on the left. Returns the linkage rows [left, right].
 */
function labelMerges(merges: Merge[], n: number): [number, number][] {
  merges.sort((p, q) => p.d - q.d || p.k - q.k);
  const parent = Array.from({ length: 2 * n - 1 }, (_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[i] !== r) {
      const next = parent[i]!;
      parent[i] = r;
      i = next;
    }
    return r;
  };
  return merges.map((e, i) => {
    const a = find(e.x);
    const b = find(e.y);
    parent[a] = n + i;
    parent[b] = n + i;
    return a < b ? [a, b] : [b, a];
  });
}

/**
 * Single linkage as SciPy computes it (Prim's minimum spanning tree, O(n²), then `labelMerges`).
 * O(n²) where a general agglomeration is O(n³): at 500 assets this is what keeps HRP inside its
 * budget.
 */
function singleLinkage(dist: Float64Array, n: number): [number, number][] {
  const merged = new Uint8Array(n);
  const D = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const edges: Merge[] = [];
  let x = 0;
  for (let k = 0; k < n - 1; k++) {
    let best = Number.POSITIVE_INFINITY;
    let y = -1;
    merged[x] = 1;
    const row = x * n;
    for (let i = 0; i < n; i++) {
      if (merged[i]) continue;
      const d = dist[row + i]!;
      if (D[i]! > d) D[i] = d;
      if (D[i]! < best || y < 0) {
        y = i;
        best = D[i]!;
      }
    }
    edges.push({ x, y, d: best, k });
    x = y;
  }
  return labelMerges(edges, n);
}

/** The linkages whose Lance-Williams update is reducible, so the nearest-neighbour chain is exact. */
type ChainLinkage = 'complete' | 'average' | 'weighted' | 'ward';
const CHAINED = new Set<LinkageName>(['complete', 'average', 'weighted', 'ward']);

/** Distance from cluster i to x ∪ y (SciPy's update formulas, on distances, not their squares). */
function lanceWilliams(method: ChainLinkage, dxi: number, dyi: number, dxy: number, nx: number, ny: number, ni: number): number {
  switch (method) {
    case 'complete':
      return Math.max(dxi, dyi);
    case 'average':
      return (nx * dxi + ny * dyi) / (nx + ny);
    case 'weighted':
      return 0.5 * (dxi + dyi);
    case 'ward': {
      const t = 1 / (nx + ny + ni);
      return Math.sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy);
    }
  }
}

/**
 * Complete, average, weighted and Ward linkage by the nearest-neighbour chain, O(n²) time on a
 * Float64Array distance matrix, as SciPy's `linkage` runs them (same chain rule: the previous
 * chain element wins ties, so no cycles; the merged cluster lives on at the larger index; the
 * merges are then sorted and labelled). ml-hclust's general agglomeration is O(n³): 0.9–1.7 s
 * for 500 assets, against a few ms here.
 */
function chainLinkage(dist: Float64Array, n: number, method: ChainLinkage): [number, number][] {
  // The chain updates distances in place: work on a copy.
  const D = dist.slice();
  const size = new Float64Array(n).fill(1);
  const chain = new Int32Array(n);
  let len = 0;
  const merges: Merge[] = [];
  for (let k = 0; k < n - 1; k++) {
    if (len === 0) {
      for (let i = 0; i < n; i++) {
        if (size[i]! > 0) {
          chain[0] = i;
          len = 1;
          break;
        }
      }
    }
    let x = 0;
    let y = 0;
    let best = 0;
    for (;;) {
      x = chain[len - 1]!;
      if (len > 1) {
        y = chain[len - 2]!;
        best = D[x * n + y]!;
      } else best = Number.POSITIVE_INFINITY;
      const row = x * n;
      for (let i = 0; i < n; i++) {
        if (size[i] === 0 || i === x) continue;
        const d = D[row + i]!;
        if (d < best) {
          best = d;
          y = i;
        }
      }
      if (len > 1 && y === chain[len - 2]) break;
      chain[len++] = y;
    }
    len -= 2;
    if (x > y) [x, y] = [y, x];
    const nx = size[x]!;
    const ny = size[y]!;
    merges.push({ x, y, d: best, k });
    size[x] = 0;
    size[y] = nx + ny;
    for (let i = 0; i < n; i++) {
      const ni = size[i]!;
      if (ni === 0 || i === y) continue;
      const v = lanceWilliams(method, D[i * n + x]!, D[i * n + y]!, best, nx, ny, ni);
      D[i * n + y] = v;
      D[y * n + i] = v;
    }
  }
  return labelMerges(merges, n);
}

/** Pre-order leaves of linkage rows (node n + i has children rows[i]). */
function preOrder(rows: readonly [number, number][], n: number): number[] {
  const order: number[] = [];
  const stack = [n + rows.length - 1];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id < n) order.push(id);
    else {
      const [l, r] = rows[id - n]!;
      stack.push(r, l);
    }
  }
  return order;
}

/** Leaf order of the dendrogram, SciPy `to_tree(linkage).pre_order()`. */
export function quasiDiagonalOrder(corr: Mat, linkage: LinkageName = 'single'): number[] {
  return quasiDiagonalOrderFlat(flatten(corr), corr.length, linkage);
}

/** Rows of a square matrix as one row-major Float64Array. */
function flatten(m: Mat): Float64Array {
  const n = m.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out.set(m[i]!, i * n);
  return out;
}

/** `quasiDiagonalOrder` on a flat row-major n × n correlation. */
function quasiDiagonalOrderFlat(corr: Float64Array, n: number, linkage: LinkageName): number[] {
  if (n === 1) return [0];
  const dist = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) dist[i] = Math.sqrt(Math.min(Math.max((1 - corr[i]!) / 2, 0), 1));
  if (linkage === 'single') return preOrder(singleLinkage(dist, n), n);
  if (CHAINED.has(linkage)) return preOrder(chainLinkage(dist, n, linkage as ChainLinkage), n);
  const rows: Mat = Array.from({ length: n }, (_, i) => Array.from(dist.subarray(i * n, (i + 1) * n)));
  return agnesOrder(rows, linkage);
}

/** Leaf order through ml-hclust, for the linkages the chain cannot run (centroid, median). */
export function agnesOrder(dist: Mat, linkage: LinkageName): number[] {
  const n = dist.length;
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
  return recursiveBisectionFlat(flatten(cov), cov.length, order);
}

/**
 * Recursive bisection on a flat row-major covariance: each cluster's inverse-variance variance
 * w'Cw with w_i = (1/C_ii)/Σ(1/C_jj), the inverse variances computed once.
 */
function recursiveBisectionFlat(cov: Float64Array, n: number, order: readonly number[]): number[] {
  const w = new Array<number>(n).fill(1);
  const iv = new Float64Array(n);
  for (let i = 0; i < n; i++) iv[i] = 1 / cov[i * n + i]!;
  const variance = (c: readonly number[]): number => {
    let s = 0;
    for (const i of c) s += iv[i]!;
    let v = 0;
    for (const i of c) {
      const row = i * n;
      let r = 0;
      for (const j of c) r += cov[row + j]! * (iv[j]! / s);
      v += (iv[i]! / s) * r;
    }
    return v;
  };
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
      const v1 = variance(first);
      const v2 = variance(second);
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

/**
 * HRP weights from daily returns (long only, summing to 1). The covariance and correlation come
 * from one pass of the SIMD kernels when they apply (pairwise-complete, as pandas), then the
 * distance matrix, the linkage and the bisection work on flat Float64Arrays.
 */
export function hrp(returns: Frame, opts: { linkage?: LinkageName; cov?: Mat } = {}): HrpResult {
  const n = returns.tickers.length;
  if (n === 0) throw badInput('HRP needs at least one asset');
  if (returns.dates.length < 2) throw badInput(`HRP needs at least 2 return rows, got ${returns.dates.length}`);
  const L = loadReturns(returns);
  let covFlat: Float64Array;
  let corr: Float64Array;
  if (L) {
    const m = pairwiseFlat(L, true);
    covFlat = m.cov;
    corr = m.corr!;
  } else {
    const m = pairwiseMomentsJs(returns, true);
    covFlat = flatten(m.cov);
    corr = flatten(m.corr!);
  }
  if (opts.cov) covFlat = flatten(opts.cov);
  for (let i = 0; i < n; i++) {
    if (!(covFlat[i * n + i]! > 0)) throw badInput(`${returns.tickers[i]} has no return variance: HRP weighs by inverse variance`);
    for (let j = 0; j < n; j++) if (!Number.isFinite(corr[i * n + j]!) || !Number.isFinite(covFlat[i * n + j]!)) throw badInput(`${returns.tickers[i]} and ${returns.tickers[j]} share too few return observations for a correlation`);
  }
  const order = quasiDiagonalOrderFlat(corr, n, opts.linkage ?? 'single');
  return { weights: recursiveBisectionFlat(covFlat, n, order), order, cov: opts.cov ?? flatToMat(covFlat, n, 1) };
}
