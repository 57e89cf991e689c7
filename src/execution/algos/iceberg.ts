import { floorLot, numState, placeGuarded, soleWorking, unitsParam, waitForStart } from './common.ts';
import { shouldReprice } from './passive.ts';
import { capPrice, passivePrice } from './pricing.ts';
import type { AlgoContext, DecisionReason, ExecAlgo } from './types.ts';

/**
 * Iceberg: one visible GTC slice at a time, never larger than `displayUnits`. Slice n shows
 *
 *   show_n = display − ⌊display × jitter × u_n⌋ (rounded down to the lot),  u_n = random(n) ∈ [0, 1)
 *
 * so sizes vary within [display × (1 − jitter), display] and never above it; the last slice is
 * what is left. The price is the cap when one is given (a limit iceberg), else the near touch
 * (never crossing); without a cap a slice left behind by the touch is re-priced like the passive
 * algorithm. When a slice is done (filled, or cancelled by the venue), the next one goes up.
 * A slice below the venue's minimum is not sent (the rest expires at the end time).
 */
export class IcebergAlgo implements ExecAlgo {
  readonly kind = 'iceberg' as const;
  readonly marketDriven = true;

  decide(ctx: AlgoContext, _reason: DecisionReason): void {
    if (waitForStart(ctx)) return;
    const display = unitsParam(ctx.params.displayUnits);
    if (display === undefined) throw new Error('iceberg needs displayUnits');
    const price = ctx.limitUnits !== null ? capPrice(ctx, ctx.limitUnits) : passivePrice(ctx);
    const w = soleWorking(ctx);
    if (w) {
      if (ctx.limitUnits === null && !w.cancelRequested && price !== undefined && shouldReprice(ctx, w.priceUnits, price)) ctx.cancelChild(w.id);
      return;
    }
    if (price === undefined) return;
    const left = ctx.qtyUnits - ctx.filledUnits;
    if (left <= 0n) return;
    const n = numState(ctx, 'slices') ?? 0;
    let qty = showSize(display, ctx.params.displayJitterPct ?? 0, ctx.random(n), ctx.lotUnits);
    if (qty > left) qty = left;
    const min = ctx.minChildUnits(price);
    if (qty < min) qty = min < left ? (min < display ? min : display) : left;
    if (qty < min || qty <= 0n) return;
    if (placeGuarded(ctx, { qtyUnits: qty, type: 'limit', priceUnits: price, tif: 'gtc' }) !== undefined) ctx.state.slices = n + 1;
  }
}

/** Shown size of one slice: display minus up to `jitter` of it, on the lot, at least one lot, never above display. */
export function showSize(display: bigint, jitterPct: number, u: number, lot: bigint): bigint {
  const j = Number.isFinite(jitterPct) ? Math.min(1, Math.max(0, jitterPct)) : 0;
  const cut = BigInt(Math.floor(Number(display) * j * Math.min(Math.max(u, 0), 0.999999)));
  let qty = floorLot(display - cut, lot);
  if (qty < lot) qty = lot <= display ? lot : display;
  return qty;
}
