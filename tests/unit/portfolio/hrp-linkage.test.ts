import { describe, expect, it } from 'vitest';
import type { LinkageName } from '../../../src/portfolio/hrp.ts';
import { agnesOrder, correlationMatrix, quasiDiagonalOrder } from '../../../src/portfolio/hrp.ts';
import { frameFromRows } from '../../../src/portfolio/frame.ts';

/**
 * Complete, average, weighted and Ward linkage now run on the O(n²) nearest-neighbour chain
 * (SciPy's algorithm); ml-hclust's general O(n³) agglomeration, which they used before, is the
 * oracle here: on data without tied distances both must give the same dendrogram, so the same
 * leaf order (and so the same HRP weights).
 */

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return (s - 1) / 2147483646;
  };
}

/** Returns of n assets in a few correlated blocks (so the tree has real structure), seeded. */
function blockReturns(n: number, t: number, seed: number) {
  const u = lcg(seed);
  const normal = () => Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u());
  const blocks = 1 + (seed % 5);
  const loadings = Array.from({ length: n }, () => Array.from({ length: blocks }, () => u() - 0.3));
  const rows = Array.from({ length: t }, () => {
    const f = Array.from({ length: blocks }, () => normal());
    return loadings.map((l) => l.reduce((a, b, k) => a + b * f[k]!, 0) * 0.01 + 0.01 * normal());
  });
  return frameFromRows(Array.from({ length: n }, (_, j) => `A${j}`), rows);
}

const distance = (corr: number[][]) => corr.map((r) => r.map((v) => Math.sqrt(Math.min(Math.max((1 - v) / 2, 0), 1))));

describe('HRP linkage by the nearest-neighbour chain', () => {
  for (const linkage of ['complete', 'average', 'weighted', 'ward'] as LinkageName[]) {
    it(`${linkage}: the chain's leaf order equals ml-hclust's on 12 seeded data sets of 3–60 assets`, () => {
      for (let seed = 1; seed <= 12; seed++) {
        const n = 3 + ((seed * 7) % 58);
        const corr = correlationMatrix(blockReturns(n, 250, seed));
        expect(quasiDiagonalOrder(corr, linkage), `seed ${seed}, ${n} assets`).toEqual(agnesOrder(distance(corr), linkage));
      }
    });
  }
  it('the order is a permutation of the assets for every linkage', () => {
    const corr = correlationMatrix(blockReturns(40, 300, 99));
    for (const linkage of ['single', 'complete', 'average', 'weighted', 'centroid', 'median', 'ward'] as LinkageName[]) {
      expect([...quasiDiagonalOrder(corr, linkage)].sort((a, b) => a - b), linkage).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }
  });
});
