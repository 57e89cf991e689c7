import type { Urgency } from '../contract/dto.ts';

/**
 * The fill-cost models of the fidelity levels, as pure functions of one order and one bar. They
 * return the fill price and how much of the gap to the reference price is spread (or haircut)
 * and how much is impact, per unit, so the metrics can split costs into fees / spread / impact.
 *
 *  - bar (classic): the next bar's open, no slippage. Commission only.
 *  - L1 signal-only: the signal's reference price (the deciding bar's close) worse by a flat haircut.
 *  - L2 execution-aware: the next bar's open, worse by half the spread and by the impact
 *    k · urgency · √(size / bar volume); at most `participationCap` of a bar's volume fills per bar.
 */

export const DEFAULT_URGENCY_SCALE: Readonly<Record<Urgency, number>> = { immediate: 3, high: 2, medium: 1, low: 0.5 };

export interface CostParams {
  /** Commission as a fraction of traded value (0.001 = 0.1%). */
  commission: number;
  /** L1: flat haircut against the reference price, basis points. */
  haircutBps: number;
  /** L2: full quoted spread in basis points; a fill pays half. */
  spreadBps: number;
  /** L2: impact coefficient: fraction of price at size = bar volume and urgency scale 1. */
  impactK: number;
  urgency: Urgency;
  urgencyScale: Readonly<Record<Urgency, number>>;
  /** L2: largest fraction of a bar's volume one order may take in that bar. */
  participationCap: number;
}

export const DEFAULT_COSTS: CostParams = {
  commission: 0,
  haircutBps: 0,
  spreadBps: 2,
  impactK: 0.1,
  urgency: 'medium',
  urgencyScale: DEFAULT_URGENCY_SCALE,
  participationCap: 0.1,
};

export interface PricedFill {
  price: number;
  /** Per unit, ≥ 0: what the spread or haircut cost against the reference. */
  spreadPerUnit: number;
  /** Per unit, ≥ 0: what impact cost against the reference. */
  impactPerUnit: number;
}

const sign = (side: 'buy' | 'sell') => (side === 'buy' ? 1 : -1);

export function barFill(nextOpen: number): PricedFill {
  return { price: nextOpen, spreadPerUnit: 0, impactPerUnit: 0 };
}

export function l1Fill(reference: number, side: 'buy' | 'sell', haircutBps: number): PricedFill {
  const h = reference * (haircutBps / 10_000);
  return { price: reference + sign(side) * h, spreadPerUnit: h, impactPerUnit: 0 };
}

/** Impact as a fraction of price: k · urgency scale · √(qty / volume). */
export function l2ImpactFraction(qty: number, barVolume: number, p: Pick<CostParams, 'impactK' | 'urgency' | 'urgencyScale'>): number {
  if (qty <= 0) return 0;
  if (!(barVolume > 0)) return Infinity;
  return p.impactK * p.urgencyScale[p.urgency] * Math.sqrt(qty / barVolume);
}

export function l2Fill(reference: number, side: 'buy' | 'sell', qty: number, barVolume: number, p: CostParams): PricedFill {
  const half = reference * (p.spreadBps / 20_000);
  const impact = reference * l2ImpactFraction(qty, barVolume, p);
  return { price: reference + sign(side) * (half + impact), spreadPerUnit: half, impactPerUnit: impact };
}

/** The most one order may fill in a bar of this volume under the participation cap. */
export function participationLimit(barVolume: number, cap: number): number {
  return barVolume > 0 ? barVolume * cap : 0;
}
