import { floorLot, numState, placeGuarded, reachesFarTouch, sizeChild, unitsParam, waitForStart } from './common.ts';
import { aggressivePrice } from './pricing.ts';
import type { AlgoContext, DecisionReason, ExecAlgo } from './types.ts';

/** Participation used when the parameter is missing or out of (0, 0.5]. */
export const DEFAULT_PARTICIPATION = 0.1;
/** Shortest gap between two POV children (the market may update every few milliseconds). */
export const POV_MIN_GAP_MS = 250;

/**
 * POV (percentage of volume): keeps our executed quantity at `participation` × the volume others
 * traded since the start. On every market update:
 *
 *   target = ⌊p × V_others⌋,  child = target − filled − working,  clamped to [min, max]
 *
 * where min = max(minChildUnits param, the venue's minimum at the price) and max = maxChildUnits
 * (param, else no limit). A child below min waits for more volume (it is never rounded up, which
 * would run ahead of the market), except that a rest of the parent below min is folded into the
 * child. The child is an IOC limit through the touch (collar, capped), one in flight at a time and
 * at most one per POV_MIN_GAP_MS; it is not sent while the cap keeps it from reaching the far
 * touch. Volume is counted from the first decision at or after the start time (kept in state).
 */
export class PovAlgo implements ExecAlgo {
  readonly kind = 'pov' as const;
  readonly marketDriven = true;

  decide(ctx: AlgoContext, _reason: DecisionReason): void {
    if (waitForStart(ctx)) return;
    const now = ctx.now();
    const volume = ctx.market.volumeSinceArrival();
    if (typeof ctx.state.volumeAtStart !== 'string') ctx.state.volumeAtStart = volume.toString();
    if (ctx.workingUnits() > 0n) return;
    const lastAt = numState(ctx, 'lastChildAt');
    if (lastAt !== undefined && now >= lastAt && now < lastAt + POV_MIN_GAP_MS) {
      ctx.wakeAt(lastAt + POV_MIN_GAP_MS);
      return;
    }
    const child = povChildWant(ctx, volume - BigInt(ctx.state.volumeAtStart));
    if (child <= 0n) return;
    const price = aggressivePrice(ctx);
    if (price === undefined || !reachesFarTouch(ctx, price)) return;
    const min = maxOf(unitsParam(ctx.params.minChildUnits) ?? 0n, ctx.minChildUnits(price));
    const qty = sizeChild(ctx, child, min, unitsParam(ctx.params.maxChildUnits));
    if (qty === undefined) return;
    if (placeGuarded(ctx, { qtyUnits: qty, type: 'limit', priceUnits: price, tif: 'ioc' }) !== undefined) ctx.state.lastChildAt = now;
  }
}

export function participationOf(ctx: AlgoContext): number {
  const p = ctx.params.participation;
  return p !== undefined && Number.isFinite(p) && p > 0 && p <= 0.5 ? p : DEFAULT_PARTICIPATION;
}

/** target − filled − working, target = ⌊p × others' volume⌋ in lots. */
/**
 * Participation is our share of all volume, ours included (the usual POV definition and what TCA
 * reports): q / (q + others) = p  ⇒  q = others · p / (1 − p).
 */
export function povChildWant(ctx: AlgoContext, othersUnits: bigint): bigint {
  const p = participationOf(ctx);
  const ppm = BigInt(Math.round((p / (1 - p)) * 1_000_000));
  const target = floorLot((othersUnits * ppm) / 1_000_000n, ctx.lotUnits);
  return target - ctx.filledUnits - ctx.workingUnits();
}

function maxOf(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
