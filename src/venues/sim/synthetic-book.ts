import type { Instrument } from '../../core/instrument.ts';
import type { BookSide, SyntheticLevel } from './market-source.ts';

/**
 * The crowd's resting book around a centre price, shared by every source: a fixed spread in ticks,
 * `levels` price levels per side `levelSpacingTicks` apart, the best holding about `levelQty` and
 * deeper ones more (× (1 + 0.35·depth), a book that thickens away from the touch), each varied by a
 * stable hash of its price (× [0.5, 1.5)) so a level keeps its size while the market stays around it
 * instead of flickering every step.
 */
export interface BookShape {
  spreadTicks: number;
  levelSpacingTicks: number;
  levels: number;
  /** Typical quantity at the best level, in base units (e.g. 0.6 BTC). */
  levelQty: number;
}

/** Extra size per level of depth, as a fraction of the best level's. */
const DEPTH_GROWTH = 0.35;

/** Best bid in price units for a book centred on `centre`; the ask is spreadTicks above it. Never below one tick. */
export function bestBidUnits(inst: Instrument, shape: BookShape, centre: number): bigint {
  return BigInt(bestBidTicks(inst, shape, centre)) * inst.tickUnits;
}

/** bestBidUnits in whole ticks, as a plain number (what BookLevelsMemo keys on: no bigint per call). */
export function bestBidTicks(inst: Instrument, shape: BookShape, centre: number): number {
  const tick = tickSize(inst);
  return bidTicksAt(tick, halfSpread(shape, tick), centre);
}

/** Half the spread in quote currency, for a tick of `tick`. */
export function halfSpread(shape: BookShape, tick: number): number {
  return (shape.spreadTicks * tick) / 2;
}

/** bestBidTicks from the tick and half-spread (for a caller that keeps them: BookLevelsMemo). */
export function bidTicksAt(tick: number, half: number, centre: number): number {
  return Math.max(1, Math.floor((centre - half) / tick + 1e-9));
}

/**
 * The price of bookLevels(...)[0] without building the side: the best bid (at least one tick) or a
 * spread above it, whose size is at least one lot; undefined for a shape with no levels.
 */
export function bestLevelUnits(inst: Instrument, shape: BookShape, centre: number, side: BookSide): bigint | undefined {
  if (shape.levels <= 0) return undefined;
  const bid = bestBidUnits(inst, shape, centre);
  return side === 'bid' ? bid : bid + BigInt(shape.spreadTicks) * inst.tickUnits;
}

export function bookLevels(inst: Instrument, shape: BookShape, centre: number, side: BookSide): SyntheticLevel[] {
  const out: SyntheticLevel[] = [];
  const bid = bestBidUnits(inst, shape, centre);
  const best = side === 'bid' ? bid : bid + BigInt(shape.spreadTicks) * inst.tickUnits;
  const step = (side === 'bid' ? -1n : 1n) * BigInt(shape.levelSpacingTicks) * inst.tickUnits;
  const lot = lotSize(inst);
  let price = best;
  for (let i = 0; i < shape.levels && price > 0n; i++, price += step) {
    const qty = shape.levelQty * (1 + DEPTH_GROWTH * i) * (0.5 + hashUnit(price));
    out.push({ priceUnits: price, qtyUnits: BigInt(Math.max(1, Math.round(qty / lot))) * inst.lotUnits });
  }
  return out;
}

export function tickSize(inst: Instrument): number {
  return Number(inst.tickUnits) / 10 ** inst.priceDecimals;
}

/** A base quantity rounded to whole lots, at least one lot, in quantity units. */
export function toLots(inst: Instrument, qty: number): bigint {
  const lots = Math.max(1, Math.round(qty / lotSize(inst)));
  return BigInt(lots) * inst.lotUnits;
}

function lotSize(inst: Instrument): number {
  return Number(inst.lotUnits) / 10 ** inst.qtyDecimals;
}

/** Quantity units as a base quantity (float; for model arithmetic only, never for fills). */
export function qtyOf(inst: Instrument, qtyUnits: bigint): number {
  return Number(qtyUnits) / 10 ** inst.qtyDecimals;
}

/** A stable pseudo-random number in [0, 1) for a price level. */
function hashUnit(price: bigint): number {
  let h = Number(price % 2147483647n) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
