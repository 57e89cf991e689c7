import { afterEach, describe, expect, it } from 'vitest';
import { assembleKernels, moduleSource } from '../../../scripts/build-portfolio-wasm.ts';
import type { Frame } from '../../../src/portfolio/frame.ts';
import { returnsFromPrices } from '../../../src/portfolio/frame.ts';
import { hrp } from '../../../src/portfolio/hrp.ts';
import { crossGram, gram } from '../../../src/portfolio/gram.ts';
import { expCov, ledoitWolf, oracleApproximating, pairwiseMoments, sampleCov, semicovariance } from '../../../src/portfolio/risk-models.ts';
import { loadPrices, loadReturns } from '../../../src/portfolio/moments.ts';
import { fmaLoaded, setFmaEnabled, setSimdEnabled, simdKernels } from '../../../src/portfolio/simd.ts';
import { KERNELS_FMA_WASM_BASE64, KERNELS_WASM_BASE64 } from '../../../src/portfolio/wasm/kernels-wasm.ts';
import { stockPrices } from './fixtures.ts';

afterEach(() => {
  setSimdEnabled(true);
  setFmaEnabled(true);
});

/** Runs fn on the SIMD kernels and on the pure-JS fallback. */
function both<T>(fn: () => T): { simd: T; js: T } {
  setSimdEnabled(true);
  const simd = fn();
  setSimdEnabled(false);
  const js = fn();
  setSimdEnabled(true);
  return { simd, js };
}

function close(a: readonly number[], b: readonly number[], rtol = 1e-10): void {
  expect(a.length).toBe(b.length);
  const scale = Math.max(...b.map(Math.abs));
  a.forEach((x, i) => {
    if (!(Math.abs(x - b[i]!) <= rtol * scale)) throw new Error(`index ${i}: ${x} vs ${b[i]}`);
  });
}

/** Seeded random-walk prices; listing[j] rows of NaN before column j starts; optional gaps. */
function walk(n: number, t: number, listing: (j: number) => number, seed = 3, gaps: [number, number][] = []): Frame {
  let s = seed;
  const u = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  const columns = Array.from({ length: n }, (_, j) => {
    const c = new Float64Array(t);
    let p = 50 + 100 * u();
    for (let i = 0; i < t; i++) {
      p *= 1 + 0.02 * (u() - 0.49) + 0.01 * Math.sin(i / 7 + j);
      c[i] = i < listing(j) ? NaN : p;
    }
    return c;
  });
  for (const [j, i] of gaps) columns[j]![i] = NaN;
  return { dates: Array.from({ length: t }, (_, i) => String(i)), tickers: Array.from({ length: n }, (_, j) => `A${j}`), columns };
}

describe('WebAssembly SIMD kernels', () => {
  it('the committed module is what kernels.wat assembles to, and it loads in Node', async () => {
    const a = await assembleKernels();
    expect(a.kernels).toBe(KERNELS_WASM_BASE64);
    expect(a.fma).toBe(KERNELS_FMA_WASM_BASE64);
    expect(moduleSource(a)).toContain(a.fma);
    expect(simdKernels()).not.toBeNull();
    expect(fmaLoaded(), 'Node 24 has relaxed SIMD').toBe(true);
  });

  it('sample covariance, Ledoit-Wolf and pairwise correlation match the pure-JS path on the PyPortfolioOpt prices', () => {
    const p = stockPrices();
    expect(loadPrices(p), 'the fast path applies').not.toBeNull();
    expect(loadReturns(returnsFromPrices(p))).not.toBeNull();
    const S = both(() => sampleCov(p));
    close(S.simd.flat(), S.js.flat());
    const lw = both(() => ledoitWolf(p));
    close(lw.simd.cov.flat(), lw.js.cov.flat());
    expect(lw.simd.delta).toBeCloseTo(lw.js.delta, 12);
    const m = both(() => pairwiseMoments(returnsFromPrices(p)));
    close(m.simd.corr!.flat(), m.js.corr!.flat());
    const h = both(() => hrp(returnsFromPrices(p)));
    expect(h.simd.order).toEqual(h.js.order);
    close(h.simd.weights, h.js.weights, 1e-12);
  });

  it('odd row counts, asset counts off the 4-wide tile, staggered listings, and memory reused at a smaller size', () => {
    for (const [n, t] of [[1, 5], [3, 4], [7, 101], [9, 250], [13, 64]] as const) {
      const p = walk(n, t, (j) => (j % 3 === 1 ? Math.min(j * 3, t - 4) : 0), n + t);
      expect(loadPrices(p)).not.toBeNull();
      const S = both(() => sampleCov(p, { frequency: 1 }));
      close(S.simd.flat(), S.js.flat());
      const lw = both(() => ledoitWolf(p));
      close(lw.simd.cov.flat(), lw.js.cov.flat());
      if (n > 1) {
        const h = both(() => hrp(returnsFromPrices(p)));
        close(h.simd.weights, h.js.weights, 1e-12);
      }
    }
  });

  it('every column listed after the first row (Ledoit-Wolf drops the rows before the first listing) and HRP on staggered returns', () => {
    const p = walk(10, 300, (j) => 7 + 13 * j);
    expect(loadPrices(p)).not.toBeNull();
    const lw = both(() => ledoitWolf(p));
    close(lw.simd.cov.flat(), lw.js.cov.flat());
    expect(lw.simd.delta).toBeCloseTo(lw.js.delta, 12);
    const S = both(() => sampleCov(p));
    close(S.simd.flat(), S.js.flat());
    for (const linkage of ['single', 'ward', 'average', 'centroid'] as const) {
      const h = both(() => hrp(returnsFromPrices(p), { linkage }));
      expect(h.simd.order, linkage).toEqual(h.js.order);
      close(h.simd.weights, h.js.weights, 1e-12);
    }
  });

  it('the plain (unfused) Gram kernel gives the same figures as the fused one and the JS path', () => {
    const p = stockPrices();
    const fused = sampleCov(p);
    setFmaEnabled(false);
    expect(fmaLoaded()).toBe(false);
    const S = both(() => sampleCov(p));
    close(S.simd.flat(), S.js.flat());
    close(fused.flat(), S.js.flat());
    const lw = both(() => ledoitWolf(walk(9, 200, (j) => 3 * j)));
    close(lw.simd.cov.flat(), lw.js.cov.flat());
  });

  it('gram and crossGram (every other estimator\'s cross products) match the JS kernel at odd sizes', () => {
    let seed = 11;
    const u = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646 - 0.5;
    const col = (t: number) => Float64Array.from({ length: t }, u);
    for (const [na, nb, t] of [[1, 1, 1], [3, 5, 7], [6, 2, 33], [17, 9, 130]] as const) {
      const a = Array.from({ length: na }, () => col(t));
      const b = Array.from({ length: nb }, () => col(t));
      const g = both(() => gram(a, t));
      close([...g.simd], [...g.js], 1e-12);
      const c = both(() => crossGram(a, b, t));
      close([...c.simd], [...c.js], 1e-12);
    }
    const p = stockPrices();
    for (const target of ['single_factor', 'constant_correlation'] as const) {
      const lw = both(() => ledoitWolf(p, { target }));
      close(lw.simd.cov.flat(), lw.js.cov.flat());
      expect(lw.simd.delta, target).toBeCloseTo(lw.js.delta, 10);
    }
    const oas = both(() => oracleApproximating(p));
    close(oas.simd.cov.flat(), oas.js.cov.flat());
    close(both(() => semicovariance(p)).simd.flat(), both(() => semicovariance(p)).js.flat());
    const e = both(() => expCov(p));
    close(e.simd.flat(), e.js.flat());
  });

  it('Ledoit-Wolf on uncentred columns keeps its precision when the mean return dwarfs its spread', () => {
    let seed = 5;
    const u = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646 - 0.5;
    const columns = Array.from({ length: 8 }, (_, j) => {
      const c = new Float64Array(500);
      let p = 10;
      for (let i = 0; i < 500; i++) {
        p *= 1.01 + 1e-4 * u();
        c[i] = i < j * 20 ? NaN : p;
      }
      return c;
    });
    const p: Frame = { dates: Array.from({ length: 500 }, (_, i) => String(i)), tickers: columns.map((_, j) => `D${j}`), columns };
    const lw = both(() => ledoitWolf(p));
    close(lw.simd.cov.flat(), lw.js.cov.flat());
    expect(lw.simd.delta).toBeCloseTo(lw.js.delta, 12);
    const S = both(() => sampleCov(p));
    close(S.simd.flat(), S.js.flat());
  });

  it('a gap inside a listed range, a zero price and log returns take the JS path and give its figures and errors', () => {
    const gap = walk(6, 80, () => 0, 5, [[2, 40]]);
    expect(loadPrices(gap), 'a gap takes the JS path').toBeNull();
    const S = both(() => sampleCov(gap));
    close(S.simd.flat(), S.js.flat());
    const logS = both(() => sampleCov(walk(5, 60, () => 0), { logReturns: true }));
    close(logS.simd.flat(), logS.js.flat());
    const zero = walk(4, 30, () => 0);
    zero.columns[1]![10] = 0;
    expect(() => sampleCov(zero)).toThrow();
    setSimdEnabled(false);
    expect(() => sampleCov(zero)).toThrow();
  });
});
