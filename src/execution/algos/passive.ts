import { abs, placeGuarded, sizeChild, soleWorking, unitsParam, waitForStart } from './common.ts';
import { passivePrice } from './pricing.ts';
import type { AlgoContext, DecisionReason, ExecAlgo } from './types.ts';

/**
 * Passive: one resting GTC limit child at the near touch (best bid for a buy), capped, never
 * crossing the spread, so it only ever adds liquidity. When the near touch moves away from the
 * child's price by a tick or more, the child is cancelled and, once the cancel is confirmed (the
 * child is no longer working), replaced at the new touch: never two children at once. A child
 * whose replacement would be below the venue's minimum is left where it is. The child carries the
 * whole remainder, or at most maxChildUnits when given.
 */
export class PassiveAlgo implements ExecAlgo {
  readonly kind = 'passive' as const;
  readonly marketDriven = true;

  decide(ctx: AlgoContext, _reason: DecisionReason): void {
    if (waitForStart(ctx)) return;
    const want = passivePrice(ctx);
    const w = soleWorking(ctx);
    if (w) {
      if (!w.cancelRequested && want !== undefined && shouldReprice(ctx, w.priceUnits, want)) ctx.cancelChild(w.id);
      return;
    }
    if (want === undefined) return;
    const qty = sizeChild(ctx, ctx.qtyUnits - ctx.filledUnits, ctx.minChildUnits(want), unitsParam(ctx.params.maxChildUnits));
    if (qty === undefined) return;
    placeGuarded(ctx, { qtyUnits: qty, type: 'limit', priceUnits: want, tif: 'gtc' });
  }
}

/**
 * A resting child is re-priced when the wanted price is a tick or more from its own and what the
 * parent has left could be sent again (it is not below the venue's minimum at the new price).
 */
export function shouldReprice(ctx: AlgoContext, restingPrice: bigint | null, want: bigint): boolean {
  if (restingPrice === null) return false;
  if (abs(want - restingPrice) < ctx.tickUnits) return false;
  return ctx.qtyUnits - ctx.filledUnits >= ctx.minChildUnits(want);
}
