import { numState, placeGuarded, reachesFarTouch, sizeChild, waitForStart } from './common.ts';
import { aggressivePrice } from './pricing.ts';
import { evenSchedule, scheduledAt } from './schedule.ts';
import type { AlgoSchedule, ScheduleParams } from './schedule.ts';
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
    if (waitForStart(ctx)) return;
    const s = this.schedule(ctx.params, (k) => ctx.random(k));
    const { slice: k, dueUnits } = scheduledAt(s, ctx.now(), ctx.qtyUnits, ctx.lotUnits);
    if (k < 0) {
      ctx.wakeAt(s.times[0]!);
      return;
    }
    if (k + 1 < s.times.length) ctx.wakeAt(s.times[k + 1]!);
    sendDue(ctx, dueUnits, k);
  }

  schedule(p: ScheduleParams, random: (k: number) => number): AlgoSchedule {
    return evenSchedule(p, random);
  }
}

/**
 * A slice whose IOC child did not fill completely (thin book) tries again after this long, not at
 * once: an IOC that cannot fill would otherwise be re-sent as fast as the venue answers.
 */
export const RETRY_MS = 1_000;

/**
 * Sends one marketable child for what is due and not yet filled or working. `slice` identifies the
 * schedule step: the first child of a slice goes at once, a retry within the same slice waits
 * RETRY_MS. Nothing is sent while the cap keeps the price from reaching the far touch (it could
 * not fill); the algorithm looks again after RETRY_MS.
 */
export function sendDue(ctx: AlgoContext, dueUnits: bigint, slice: number): void {
  if (ctx.workingUnits() > 0n) return; // an IOC child is still in flight: decide when it ends
  const need = dueUnits - ctx.filledUnits;
  if (need <= 0n) return;
  const now = ctx.now();
  const lastAt = numState(ctx, 'lastChildAt');
  if (numState(ctx, 'lastSlice') === slice && lastAt !== undefined && now >= lastAt && now < lastAt + RETRY_MS) {
    ctx.wakeAt(lastAt + RETRY_MS);
    return;
  }
  const price = aggressivePrice(ctx);
  if (price === undefined || !reachesFarTouch(ctx, price)) {
    ctx.wakeAt(now + RETRY_MS);
    return;
  }
  const qty = sizeChild(ctx, need, ctx.minChildUnits(price));
  if (qty === undefined) return;
  if (placeGuarded(ctx, { qtyUnits: qty, type: 'limit', priceUnits: price, tif: 'ioc' }) !== undefined) {
    ctx.state.lastSlice = slice;
    ctx.state.lastChildAt = now;
  }
}
