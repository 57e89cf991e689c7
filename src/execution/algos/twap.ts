import { aggressivePrice } from './pricing.ts';
import { currentSlice, sliceTimes, targetUnits, twapFraction } from './schedule.ts';
import type { AlgoContext, DecisionReason, ExecAlgo } from './types.ts';

/**
 * TWAP: N equal slices over [start, end], optional jitter of the slice times. At each slice the
 * child asks for everything due so far that is neither filled nor working (so a slice that did not
 * fill is caught up by the next), as an IOC limit through the touch, capped by the parent's limit.
 */
export class TwapAlgo implements ExecAlgo {
  readonly kind = 'twap' as const;
  readonly marketDriven = false;

  decide(ctx: AlgoContext, _reason: DecisionReason): void {
    const p = ctx.params;
    const n = p.slices ?? 10;
    const times = sliceTimes(p.startAt, p.endAt, n, p.jitterPct ?? 0, (k) => ctx.random(k));
    const now = ctx.now();
    const k = currentSlice(times, now);
    if (k < 0) {
      ctx.wakeAt(times[0]!);
      return;
    }
    if (k + 1 < times.length) ctx.wakeAt(times[k + 1]!);
    sendDue(ctx, targetUnits(ctx.qtyUnits, twapFraction(k, n), ctx.lotUnits));
  }
}

/** Sends one marketable child for what is due and not yet filled or working. */
export function sendDue(ctx: AlgoContext, dueUnits: bigint): void {
  if (ctx.workingUnits() > 0n) return; // an IOC child is still in flight: decide when it ends
  const need = dueUnits - ctx.filledUnits;
  if (need <= 0n) return;
  const price = aggressivePrice(ctx);
  if (price === undefined) return;
  let qty = need - (need % ctx.lotUnits);
  const remaining = ctx.qtyUnits - ctx.filledUnits;
  const min = ctx.minChildUnits(price);
  // A remainder below the minimum child is folded into this child when possible.
  if (remaining - qty < min && remaining - qty > 0n) qty = remaining;
  if (qty < min || qty <= 0n) return;
  ctx.placeChild({ qtyUnits: qty, type: 'limit', priceUnits: price, tif: 'ioc' });
}
