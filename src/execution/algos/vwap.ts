import { waitForStart } from './common.ts';
import { currentSlice, profileFractions, sliceTimes, targetUnits } from './schedule.ts';
import { sendDue } from './twap.ts';
import type { AlgoContext, DecisionReason, ExecAlgo } from './types.ts';

/**
 * VWAP: the schedule follows the instrument's intraday volume profile rather than the clock. The
 * horizon is cut into N slices; slice k's share is the profile integrated over its time span
 * (`profileFractions`), so cumulative target(k) = qty × Σ_{j≤k} share_j. Each slice sends what is
 * due and not filled as an IOC through the touch, like TWAP, so a slice that fell short is caught
 * up by the next. Without a profile every slice weighs the same (it is then a TWAP).
 */
export class VwapAlgo implements ExecAlgo {
  readonly kind = 'vwap' as const;
  readonly marketDriven = false;
  private cache: { key: string; fractions: number[] } | undefined;

  decide(ctx: AlgoContext, _reason: DecisionReason): void {
    if (waitForStart(ctx)) return;
    const p = ctx.params;
    const n = Math.max(1, Math.floor(p.slices ?? 10));
    const times = sliceTimes(p.startAt, p.endAt, n, p.jitterPct ?? 0, (k) => ctx.random(k));
    const k = currentSlice(times, ctx.now());
    if (k < 0) {
      ctx.wakeAt(times[0]!);
      return;
    }
    if (k + 1 < times.length) ctx.wakeAt(times[k + 1]!);
    const fractions = this.fractions(ctx);
    sendDue(ctx, targetUnits(ctx.qtyUnits, fractions[k] ?? 1, ctx.lotUnits), k);
  }

  /** Cumulative profile share due by the end of each slice (cached: the inputs never change). */
  private fractions(ctx: AlgoContext): number[] {
    const p = ctx.params;
    const key = `${p.startAt}:${p.endAt}:${p.slices ?? 10}:${p.profileBucketMinutes ?? 60}:${(p.volumeProfile ?? []).join(',')}`;
    if (this.cache?.key !== key) {
      this.cache = { key, fractions: profileFractions(p.startAt, p.endAt, p.slices ?? 10, p.volumeProfile ?? [], p.profileBucketMinutes ?? 60) };
    }
    return this.cache.fractions;
  }
}
