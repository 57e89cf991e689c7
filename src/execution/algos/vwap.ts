import { waitForStart } from './common.ts';
import { profileFractions, scheduledAt, sliceTimes } from './schedule.ts';
import type { AlgoSchedule, ScheduleParams } from './schedule.ts';
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
    const n = Math.max(1, Math.floor(p.slices ?? 10));
    return { times: sliceTimes(p.startAt, p.endAt, n, p.jitterPct ?? 0, random), fractions: this.fractions(p) };
  }

  /** Cumulative profile share due by the end of each slice (cached: the inputs never change). */
  private fractions(p: ScheduleParams): number[] {
    const key = `${p.startAt}:${p.endAt}:${p.slices ?? 10}:${p.profileBucketMinutes ?? 60}:${(p.volumeProfile ?? []).join(',')}`;
    if (this.cache?.key !== key) {
      this.cache = { key, fractions: profileFractions(p.startAt, p.endAt, p.slices ?? 10, p.volumeProfile ?? [], p.profileBucketMinutes ?? 60) };
    }
    return this.cache.fractions;
  }
}
