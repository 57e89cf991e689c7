/**
 * Seeded random source for models and simulations.
 *
 * Built on pure-rand's xoroshiro128+ (v8: a mutable generator with getState / fromState). Everything
 * a model draws goes through one `Rng`, so a seed fixes the whole run and `getState()` captures it
 * exactly (including the cached second Box-Muller value), so a persisted model resumes the identical
 * sequence.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/** Plain-JSON snapshot of an `Rng`. Persist it as is; `fromState` rebuilds the generator. */
export interface RngState {
  readonly algorithm: 'xoroshiro128plus';
  /** The generator's four 32-bit state words, as pure-rand reports them. */
  readonly words: readonly number[];
  /** Second normal of the last Box-Muller pair, not handed out yet. */
  readonly spareNormal: number | null;
}

export interface Rng {
  /** Uniform in [0, 1), 53 random bits. */
  next(): number;
  /** Standard normal N(0, 1) (Box-Muller; the pair's second value is cached for the next call). */
  normal(): number;
  /** Exponential with the given rate (mean 1/rate), e.g. a Poisson process's waiting time. */
  exponential(rate: number): number;
  /** exp(N(mu, sigma²)). */
  lognormal(mu: number, sigma: number): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** true with probability p. */
  bernoulli(p: number): boolean;
  /** Exact snapshot: `fromState(getState())` continues the same sequence. */
  getState(): RngState;
}

const TWO_PI = 2 * Math.PI;
const TWO_POW_32 = 4294967296;
const GOLDEN = 0x9e3779b9 | 0;

/** murmur3's 32-bit finaliser: a bijection on int32 with good avalanche. */
function fmix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

/**
 * pure-rand's own seeding of xoroshiro128+ puts the seed almost verbatim into the state, so the first
 * outputs of nearby seeds (1, 2, 3...) are nearly equal. Scramble the seed into all four words first.
 * The low and high halves of the (safe integer) seed go through separate bijections, so distinct seeds
 * give distinct states, and words 0 and 1 can never both be zero (no all-zero state).
 */
function seededGenerator(seed: number): JumpableRandomGenerator {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0; // ToUint32: seed modulo 2^32, also for negative seeds
  const hi = Math.floor(seed / TWO_POW_32) | 0;
  const w0 = fmix32(lo + GOLDEN);
  const w1 = fmix32(lo + 2 * GOLDEN);
  const w2 = fmix32(hi ^ 0x5bd1e995);
  const w3 = fmix32(w0 ^ w2 ^ GOLDEN);
  return xoroshiro128plusFromState([w0, w1, w2, w3]);
}

class SeededRng implements Rng {
  readonly #gen: JumpableRandomGenerator;
  #spare: number | null;

  constructor(gen: JumpableRandomGenerator, spare: number | null) {
    this.#gen = gen;
    this.#spare = spare;
  }

  next(): number {
    return uniformFloat64(this.#gen);
  }

  normal(): number {
    if (this.#spare !== null) {
      const z = this.#spare;
      this.#spare = null;
      return z;
    }
    // 1 - u lies in (0, 1], so the log is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = TWO_PI * this.next();
    this.#spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  exponential(rate: number): number {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`rate must be positive and finite, got ${rate}`);
    return -Math.log(1 - this.next()) / rate;
  }

  lognormal(mu: number, sigma: number): number {
    if (!Number.isFinite(mu)) throw new RangeError(`mu must be finite, got ${mu}`);
    if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new RangeError(`sigma must be >= 0 and finite, got ${sigma}`);
    return Math.exp(mu + sigma * this.normal());
  }

  int(maxExclusive: number): number {
    if (!Number.isSafeInteger(maxExclusive) || maxExclusive < 1) {
      throw new RangeError(`maxExclusive must be a positive safe integer, got ${maxExclusive}`);
    }
    return uniformInt(this.#gen, 0, maxExclusive - 1);
  }

  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
    return this.next() < p;
  }

  getState(): RngState {
    return { algorithm: 'xoroshiro128plus', words: [...this.#gen.getState()], spareNormal: this.#spare };
  }
}

/** A generator fixed by `seed` (any safe integer). */
export function createRng(seed: number): Rng {
  return new SeededRng(seededGenerator(seed), null);
}

/** Rebuilds a generator from `getState()`, e.g. after a JSON round trip. */
export function fromState(state: RngState): Rng {
  if (state.algorithm !== 'xoroshiro128plus') {
    throw new RangeError(`unknown rng algorithm ${String(state.algorithm)}`);
  }
  const { words, spareNormal } = state;
  if (words.length !== 4 || !words.every((w) => Number.isInteger(w) && w >= -0x80000000 && w <= 0xffffffff)) {
    throw new RangeError('rng state must hold four 32-bit integers');
  }
  if (words.every((w) => (w | 0) === 0)) throw new RangeError('rng state must not be all zero');
  if (spareNormal !== null && !Number.isFinite(spareNormal)) throw new RangeError('spareNormal must be finite or null');
  return new SeededRng(xoroshiro128plusFromState(words.map((w) => w | 0)), spareNormal);
}
