import { badInput } from './errors.ts';
import type { Mat } from './linalg.ts';
import { quadForm } from './linalg.ts';

/**
 * Position sizing: how much of the book a signal gets. Pure functions of numbers the caller
 * gathers (volatility, drawdown, correlation, volume); each returns a weight (fraction of NAV).
 */

/** Fixed fraction, with the signal's direction. */
export function fixedSize(fraction: number, direction: 1 | -1 = 1): number {
  if (!(fraction >= 0 && fraction <= 1)) throw badInput(`fixed fraction must be in [0, 1], got ${fraction}`);
  return fraction * direction;
}

/** Conviction-based: the base weight scaled by conviction ∈ [0, 1]. */
export function convictionSize(baseWeight: number, conviction: number): number {
  if (!(conviction >= 0 && conviction <= 1)) throw badInput(`conviction must be in [0, 1], got ${conviction}`);
  return baseWeight * conviction;
}

/** Risk budget / inverse vol: the weight that spends `riskBudget` of annual volatility on one position. */
export function riskBudgetSize(riskBudget: number, annualVolatility: number): number {
  if (!(annualVolatility > 0)) throw badInput(`volatility must be positive, got ${annualVolatility}`);
  if (!(riskBudget >= 0)) throw badInput(`risk budget must be ≥ 0, got ${riskBudget}`);
  return riskBudget / annualVolatility;
}

/**
 * Portfolio volatility targeting: the factor k that scales weights so the book runs at the
 * target volatility, k = σ* / √(w'Σw), capped at maxLeverage (no gearing beyond it).
 */
export function volatilityTargetScale(w: readonly number[], cov: Mat, targetVolatility: number, maxLeverage = 1): number {
  if (!(targetVolatility > 0)) throw badInput(`target volatility must be positive, got ${targetVolatility}`);
  const vol = Math.sqrt(Math.max(quadForm(cov, w), 0));
  if (vol === 0) return 0;
  return Math.min(targetVolatility / vol, maxLeverage);
}

/**
 * Kelly fraction of a continuous bet: f* = (μ − rf) / σ². Fractional Kelly multiplies by
 * `fraction` (½ Kelly keeps ~¾ of the growth at ½ the volatility) and the result is capped,
 * because μ is estimated and full Kelly on an overestimate is ruinous.
 */
export function kellyFraction(expectedReturn: number, variance: number, opts: { riskFreeRate?: number; fraction?: number; cap?: number } = {}): number {
  if (!(variance > 0)) throw badInput(`variance must be positive, got ${variance}`);
  const fraction = opts.fraction ?? 0.5;
  const cap = opts.cap ?? 1;
  if (!(fraction > 0 && fraction <= 1)) throw badInput(`Kelly fraction must be in (0, 1], got ${fraction}`);
  const f = (fraction * (expectedReturn - (opts.riskFreeRate ?? 0))) / variance;
  return Math.max(-cap, Math.min(cap, f));
}

/** Kelly for a binary bet: win probability p, payoff b per unit risked: f* = p − (1 − p)/b. */
export function kellyBinary(p: number, b: number, opts: { fraction?: number; cap?: number } = {}): number {
  if (!(p >= 0 && p <= 1)) throw badInput(`win probability must be in [0, 1], got ${p}`);
  if (!(b > 0)) throw badInput(`payoff must be positive, got ${b}`);
  const f = (opts.fraction ?? 0.5) * (p - (1 - p) / b);
  return Math.max(0, Math.min(opts.cap ?? 1, f));
}

/** Drawdown scaling: full size until `start`, linearly down to zero at `stop` drawdown. */
export function drawdownScale(drawdown: number, start = 0.05, stop = 0.2): number {
  const dd = Math.abs(drawdown);
  if (dd <= start) return 1;
  if (dd >= stop) return 0;
  return 1 - (dd - start) / (stop - start);
}

export interface DynamicSizeInput {
  /** The weight the signal asks for before sizing (signed). */
  baseWeight: number;
  /** Signal confidence ∈ [0, 1]. */
  confidence: number;
  /** The instrument's current annual volatility and the volatility at which full size is taken. */
  volatility: number;
  referenceVolatility: number;
  /** The book's current drawdown (0.08 = 8% below peak). */
  drawdown: number;
  /** Correlation of this signal's instrument with what is held (−1…1); only positive overlap shrinks. */
  correlationWithBook: number;
  /** Execution capacity: max participation × expected volume over the horizon, in NAV fraction. */
  capacityWeight: number;
  drawdownStart?: number;
  drawdownStop?: number;
  /** L1's gate, asked before sizing (seed 001 "gate, not filter"): a refused instrument is not sized. */
  gate?: { refused: boolean; codes: readonly string[] };
}

export interface SizingFactor {
  name: 'confidence' | 'volatility' | 'drawdown' | 'correlation' | 'capacity' | 'gate';
  /** The input's value and the multiplier (or cap) it applied. */
  input: number | string;
  effect: number;
  note: string;
}

export interface DynamicSize {
  weight: number;
  factors: SizingFactor[];
  gated: boolean;
}

/**
 * Seed 001's dynamic sizing: size rises with confidence, falls with the instrument's volatility
 * (relative to a reference), the book's drawdown and the signal's correlation with the book, and
 * is capped by execution capacity. Every factor and its effect is returned, for the proposal.
 */
export function dynamicSize(i: DynamicSizeInput): DynamicSize {
  const factors: SizingFactor[] = [];
  if (i.gate?.refused) {
    factors.push({ name: 'gate', input: i.gate.codes.join(',') || 'refused', effect: 0, note: 'L1 would refuse this instrument now; not sized into a proposal that can only be denied' });
    return { weight: 0, factors, gated: true };
  }
  for (const [k, v] of Object.entries({ baseWeight: i.baseWeight, confidence: i.confidence, volatility: i.volatility, referenceVolatility: i.referenceVolatility, drawdown: i.drawdown, correlationWithBook: i.correlationWithBook, capacityWeight: i.capacityWeight })) {
    if (!Number.isFinite(v)) throw badInput(`dynamic sizing: ${k} is ${v}`);
  }
  if (!(i.volatility > 0) || !(i.referenceVolatility > 0)) throw badInput('dynamic sizing: volatilities must be positive');
  const conf = Math.max(0, Math.min(1, i.confidence));
  const vol = Math.min(1, i.referenceVolatility / i.volatility);
  const dd = drawdownScale(i.drawdown, i.drawdownStart, i.drawdownStop);
  const corr = 1 - Math.max(0, Math.min(1, i.correlationWithBook)) / 2;
  factors.push({ name: 'confidence', input: conf, effect: conf, note: 'size ∝ confidence' });
  factors.push({ name: 'volatility', input: i.volatility, effect: vol, note: `reference ${i.referenceVolatility} / current volatility (≤ 1)` });
  factors.push({ name: 'drawdown', input: i.drawdown, effect: dd, note: 'full size to the start drawdown, none at the stop' });
  factors.push({ name: 'correlation', input: i.correlationWithBook, effect: corr, note: 'halved at correlation 1 with the book; no boost for negative' });
  let w = i.baseWeight * conf * vol * dd * corr;
  const cap = Math.max(0, i.capacityWeight);
  const capped = Math.abs(w) > cap;
  if (capped) w = Math.sign(w) * cap;
  factors.push({ name: 'capacity', input: cap, effect: capped ? cap : 1, note: capped ? 'capped by execution capacity (participation × expected volume)' : 'within execution capacity' });
  return { weight: w, factors, gated: false };
}
