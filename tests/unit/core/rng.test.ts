import { describe, expect, it } from 'vitest';
import { createRng, fromState } from '../../../src/core/rng.ts';
import type { Rng } from '../../../src/core/rng.ts';

const N = 100_000;

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

function moments(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

describe('createRng', () => {
  it('gives the same sequence for the same seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const seqA = [a.next(), a.normal(), a.normal(), a.exponential(2), a.int(10), a.bernoulli(0.5), a.lognormal(0, 1)];
    const seqB = [b.next(), b.normal(), b.normal(), b.exponential(2), b.int(10), b.bernoulli(0.5), b.lognormal(0, 1)];
    expect(seqA).toEqual(seqB);
  });

  it('gives different sequences for different seeds, also for neighbouring and large seeds', () => {
    const seeds = [0, 1, 2, 3, -1, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER];
    const firsts = seeds.map((s) => draws(createRng(s), 4).join(','));
    expect(new Set(firsts).size).toBe(seeds.length);
    // Neighbouring seeds must not start with nearly equal values (pure-rand's raw seeding would).
    const u1 = createRng(1).next();
    const u2 = createRng(2).next();
    expect(Math.abs(u1 - u2)).toBeGreaterThan(1e-6);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const xs = draws(createRng(7), N);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const { mean, variance } = moments(xs);
    // Standard error of the mean: sqrt(1/12 / 1e5) ≈ 0.0009.
    expect(mean).toBeCloseTo(0.5, 2);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('draws standard normals with mean 0, variance 1, and ~68.3% within one sigma', () => {
    const rng = createRng(11);
    const xs = Array.from({ length: N }, () => rng.normal());
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean)).toBeLessThan(0.01); // SE 0.0032
    expect(Math.abs(variance - 1)).toBeLessThan(0.02); // SE ≈ sqrt(2/N) = 0.0045
    const within = xs.filter((x) => Math.abs(x) < 1).length / N;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.006);
  });

  it('draws exponentials with mean 1/rate and variance 1/rate²', () => {
    const rng = createRng(13);
    const rate = 4;
    const xs = Array.from({ length: N }, () => rng.exponential(rate));
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean - 0.25) / 0.25).toBeLessThan(0.015); // SE 0.3%
    expect(Math.abs(variance - 1 / 16) / (1 / 16)).toBeLessThan(0.05);
  });

  it('draws lognormals whose logs are N(mu, sigma²)', () => {
    const rng = createRng(17);
    const xs = Array.from({ length: N }, () => Math.log(rng.lognormal(-1, 0.5)));
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean + 1)).toBeLessThan(0.01);
    expect(Math.abs(variance - 0.25)).toBeLessThan(0.01);
  });

  it('draws integers uniformly in [0, max) and bernoullis with probability p', () => {
    const rng = createRng(19);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const k = rng.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500); // SE ≈ 91
    let hits = 0;
    for (let i = 0; i < N; i++) if (rng.bernoulli(0.3)) hits++;
    expect(Math.abs(hits / N - 0.3)).toBeLessThan(0.006);
    expect(rng.bernoulli(0)).toBe(false);
    expect(rng.bernoulli(1)).toBe(true);
  });

  it('rejects invalid arguments', () => {
    const rng = createRng(1);
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => rng.exponential(0)).toThrow(RangeError);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => rng.int(2.5)).toThrow(RangeError);
    expect(() => rng.bernoulli(1.1)).toThrow(RangeError);
    expect(() => rng.lognormal(0, -1)).toThrow(RangeError);
  });
});

describe('getState / fromState', () => {
  it('resumes the identical sequence after a JSON round trip, including a cached normal', () => {
    const rng = createRng(2024);
    for (let i = 0; i < 1000; i++) rng.next();
    rng.normal(); // leaves the pair's second value cached
    const saved = JSON.stringify(rng.getState());
    expect(rng.getState().spareNormal).not.toBeNull();

    const expected = [rng.normal(), rng.next(), rng.int(1000), rng.exponential(1), rng.normal(), rng.normal()];
    const resumed = fromState(JSON.parse(saved));
    const actual = [resumed.normal(), resumed.next(), resumed.int(1000), resumed.exponential(1), resumed.normal(), resumed.normal()];
    expect(actual).toEqual(expected);
  });

  it('is a snapshot: drawing afterwards does not change a state taken earlier', () => {
    const rng = createRng(5);
    const state = rng.getState();
    const first = rng.next();
    expect(fromState(state).next()).toBe(first);
  });

  it('rejects malformed states', () => {
    expect(() => fromState({ algorithm: 'xoroshiro128plus', words: [1, 2, 3], spareNormal: null })).toThrow(RangeError);
    expect(() => fromState({ algorithm: 'xoroshiro128plus', words: [0, 0, 0, 0], spareNormal: null })).toThrow(RangeError);
    expect(() => fromState({ algorithm: 'xoroshiro128plus', words: [1, 2, 3, 4], spareNormal: Number.NaN })).toThrow(RangeError);
  });
});
