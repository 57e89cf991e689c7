import type { AlgoContext, ChildSpec, ChildView } from './types.ts';

/**
 * Small helpers every algorithm uses, so the invariants live in one place: children only when the
 * guard allows, never more than the parent has left, never below the venue's minimum.
 */

/** Quantity neither filled nor working. */
export function unallocatedUnits(ctx: AlgoContext): bigint {
  const r = ctx.qtyUnits - ctx.filledUnits - ctx.workingUnits();
  return r > 0n ? r : 0n;
}

export function floorLot(units: bigint, lot: bigint): bigint {
  return units <= 0n ? 0n : units - (units % lot);
}

/**
 * Places a child if the guard says yes. Returns the child id, or undefined when nothing was sent
 * (the guard said no, or the runner refused or the gate denied it: the runner pauses the parent).
 */
export function placeGuarded(ctx: AlgoContext, spec: ChildSpec): string | undefined {
  if (!ctx.guard().ok) return undefined;
  const r = ctx.placeChild(spec);
  return r.ok ? r.id : undefined;
}

/**
 * Sizes a child that wants `wantUnits` out of what is unallocated: rounded down to the lot, at most
 * `maxUnits`, and never below the venue's minimum `minUnits`. A rest below the minimum is folded
 * into this child when that stays within `maxUnits` (otherwise it could never be sent). Undefined
 * when no child of a legal size can be sent now.
 */
export function sizeChild(ctx: AlgoContext, wantUnits: bigint, minUnits: bigint, maxUnits?: bigint): bigint | undefined {
  const free = unallocatedUnits(ctx);
  const cap = maxUnits !== undefined && maxUnits < free ? maxUnits : free;
  let qty = floorLot(wantUnits < cap ? wantUnits : cap, ctx.lotUnits);
  const rest = free - qty;
  if (rest > 0n && rest < minUnits && free <= cap) qty = free;
  if (qty <= 0n || qty < minUnits) return undefined;
  return qty;
}

/** Optional quantity parameter (decimal string of units). */
export function unitsParam(v: string | undefined): bigint | undefined {
  if (v === undefined || v === '') return undefined;
  const u = BigInt(v);
  return u > 0n ? u : undefined;
}

/** Can a child at this price trade against the far touch now (buy at or above the ask)? */
export function reachesFarTouch(ctx: AlgoContext, price: bigint): boolean {
  const far = ctx.side === 'buy' ? ctx.market.bestAsk() : ctx.market.bestBid();
  if (far === undefined) return false;
  return ctx.side === 'buy' ? price >= far : price <= far;
}

/** Is `a` a better price than `b` for the other side, i.e. more aggressive for us? */
export function moreAggressive(side: 'buy' | 'sell', a: bigint, b: bigint): boolean {
  return side === 'buy' ? a > b : a < b;
}

/** The one resting child of single-child algorithms (passive, iceberg, adaptive), if any. */
export function soleWorking(ctx: AlgoContext): ChildView | undefined {
  return ctx.working()[0];
}

export function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

export function numState(ctx: AlgoContext, key: string): number | undefined {
  const v = ctx.state[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Before the start time: ask to be woken then and do nothing. */
export function waitForStart(ctx: AlgoContext): boolean {
  if (ctx.now() >= ctx.params.startAt) return false;
  ctx.wakeAt(ctx.params.startAt);
  return true;
}
