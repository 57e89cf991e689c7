import type { Urgency } from '../../contract/dto.ts';
import { abs, numState, placeGuarded, reachesFarTouch, sizeChild, soleWorking, waitForStart } from './common.ts';
import { capPrice, collarUnits, passivePrice } from './pricing.ts';
import { evenSchedule, scheduledAt } from './schedule.ts';
import type { AlgoSchedule, ScheduleParams } from './schedule.ts';
import { RETRY_MS } from './twap.ts';
import type { AlgoContext, DecisionReason, ExecAlgo } from './types.ts';

/**
 * Adaptive: a TWAP schedule (cumulative target(k) = qty × (k+1)/N at slice k) whose child price
 * slides between passive and aggressive with an aggression level a ∈ [0, 1]:
 *
 *   a = clamp01( U(urgency) + W_RISK × (ρ − ½) + W_BEHIND × min(b, MAX_BEHIND) )
 *
 *   U      low 0.10 · medium 0.35 · high 0.60 · immediate 0.90
 *   ρ      = m / (m + h): timing risk against the cost of crossing, where m = σ√τ is the expected
 *            move of the mid over one slice (σ = short-term volatility per √s, τ = slice length
 *            in s) and h = half the spread as a fraction of the mid. A wider spread lowers ρ (more
 *            passive), a higher volatility raises it (more aggressive). ρ = ½ when σ is unknown.
 *   b      = lateness: the pace now needed to finish on time over the planned pace, minus one,
 *            b = (qty − filled) / (qty × (1 − elapsed/horizon)) − 1, so 0 on the straight-line
 *            schedule, < 0 ahead of it, and growing without bound towards the end time while
 *            anything is left (which makes even a low-urgency parent cross before it runs out of
 *            time).
 *   W_RISK = 0.4, W_BEHIND = 0.3, MAX_BEHIND = 2 (b is clamped to [0, MAX_BEHIND]).
 *
 * Price for a (buy; a sell mirrors it):
 *   a < CROSS_AT (0.6): rest (GTC) at near + ⌊a/CROSS_AT × (spread in ticks − 1)⌋ ticks — the best
 *     bid at a = 0, never reaching the ask;
 *   a ≥ CROSS_AT: take (IOC) at ask + ⌊(a − CROSS_AT)/(1 − CROSS_AT) × collar⌋ — the ask itself at
 *     CROSS_AT, through it by the collar (pricing.ts) at a = 1.
 * The cap always wins; a capped price that can no longer reach the ask rests instead of taking.
 *
 * One child at a time, for what is due and not filled. A resting child is cancelled and re-priced
 * when it is behind schedule (a new slice made more due than it holds) or when the wanted price has
 * moved a tick or more from it after it rested MIN_REST_MS. The algorithm also looks again a few
 * times per slice (lateness grows with time) and on every market update.
 */
export const URGENCY_BASE: Readonly<Record<Urgency, number>> = { low: 0.1, medium: 0.35, high: 0.6, immediate: 0.9 };
export const W_RISK = 0.4;
export const W_BEHIND = 0.3;
export const MAX_BEHIND = 2;
export const CROSS_AT = 0.6;
export const MIN_REST_MS = 1_000;
/** A change of aggression this large re-prices a resting child even if the far touch has not moved. */
export const AGGRESSION_STEP = 0.15;

export interface AggressionInputs {
  urgency: Urgency;
  /** Half the spread as a fraction of the mid. */
  halfSpread: number;
  /** Short-term volatility of the mid, per √second (0 if unknown). */
  vol: number;
  /** Seconds the child may wait (one slice). */
  tauSec: number;
  /** Needed pace over planned pace, minus one (≤ 0 on or ahead of schedule). */
  lateness: number;
}

export function aggression(i: AggressionInputs): number {
  // σ = 0 is "unknown": neutral. Otherwise ρ is continuous in σ (even where σ√τ underflows).
  const known = i.vol > 0 && i.tauSec > 0;
  const m = known ? i.vol * Math.sqrt(i.tauSec) : 0;
  const rho = !known ? 0.5 : i.halfSpread <= 0 ? 1 : m / (m + i.halfSpread);
  const behind = Math.min(Math.max(i.lateness, 0), MAX_BEHIND);
  const a = URGENCY_BASE[i.urgency] + W_RISK * (rho - 0.5) + W_BEHIND * behind;
  return Number.isFinite(a) ? Math.min(1, Math.max(0, a)) : URGENCY_BASE[i.urgency];
}

export interface PricedChild {
  priceUnits: bigint;
  tif: 'gtc' | 'ioc';
}

/** The child's price and time in force for aggression a (see above). Undefined without a usable touch. */
export function adaptivePrice(ctx: AlgoContext, a: number): PricedChild | undefined {
  const buy = ctx.side === 'buy';
  const near = buy ? ctx.market.bestBid() : ctx.market.bestAsk();
  const far = buy ? ctx.market.bestAsk() : ctx.market.bestBid();
  const tick = ctx.tickUnits;
  const dir = buy ? 1n : -1n;
  if (far !== undefined && a >= CROSS_AT) {
    const collarTicks = collarUnits(far) / tick;
    const frac = Math.min(1, (a - CROSS_AT) / (1 - CROSS_AT));
    const raw = far + dir * BigInt(Math.floor(frac * Number(collarTicks))) * tick;
    const price = capPrice(ctx, raw);
    if (reachesFarTouch(ctx, price)) return { priceUnits: price, tif: 'ioc' };
    // The cap keeps it from the far touch: rest at the best price the cap allows (never crossing).
    const rest = passivePrice(ctx);
    return rest === undefined ? undefined : { priceUnits: rest, tif: 'gtc' };
  }
  if (near === undefined) return undefined;
  const spreadTicks = far === undefined ? 1n : abs(far - near) / tick;
  const room = spreadTicks > 1n ? spreadTicks - 1n : 0n;
  const inside = BigInt(Math.floor((Math.min(Math.max(a, 0), CROSS_AT) / CROSS_AT) * Number(room)));
  const raw = near + dir * (inside < room ? inside : room) * tick;
  const price = capPrice(ctx, raw);
  if (far !== undefined && reachesFarTouch(ctx, price)) return undefined; // crossed book: wait
  return price > 0n ? { priceUnits: price, tif: 'gtc' } : undefined;
}

export class AdaptiveAlgo implements ExecAlgo {
  readonly kind = 'adaptive' as const;
  readonly marketDriven = true;

  /** Equal slices like TWAP; adaptive moves how aggressively each slice is worked, not how much is due. */
  schedule(p: ScheduleParams, random: (k: number) => number): AlgoSchedule {
    return evenSchedule({ ...p, slices: Math.max(1, Math.floor(p.slices ?? 10)) }, random);
  }

  decide(ctx: AlgoContext, _reason: DecisionReason): void {
    if (waitForStart(ctx)) return;
    const p = ctx.params;
    const n = Math.max(1, Math.floor(p.slices ?? 10));
    const now = ctx.now();
    const s = this.schedule(p, (j) => ctx.random(j));
    const times = s.times;
    const { slice: k, dueUnits: due } = scheduledAt(s, now, ctx.qtyUnits, ctx.lotUnits);
    if (k < 0) {
      ctx.wakeAt(times[0]!);
      return;
    }
    const horizon = Math.max(1, p.endAt - p.startAt);
    const interval = horizon / n;
    const recheck = now + Math.min(5_000, Math.max(250, Math.round(interval / 4)));
    ctx.wakeAt(k + 1 < n ? Math.min(times[k + 1]!, recheck) : recheck);

    const a = aggression({
      urgency: ctx.urgency,
      halfSpread: halfSpread(ctx),
      vol: ctx.market.shortTermVol(),
      tauSec: interval / 1000,
      lateness: lateness(ctx, now),
    });
    const want = adaptivePrice(ctx, a);
    const w = soleWorking(ctx);
    if (w) {
      if (w.tif === 'ioc' || w.cancelRequested) return;
      // Behind only once a new slice has made more due than when this child went out: a child the
      // size rules kept below `due` must not be cancelled and re-placed identically, forever.
      const dueAtPlacement = BigInt(String(ctx.state.childDue ?? '0'));
      const behindSchedule = due > dueAtPlacement && ctx.filledUnits + (w.qtyUnits - w.filledUnits) < due;
      // Re-price only for a move that matters: a tick on a 1-tick market, a tenth of the spread on a
      // wide one (XRP/ETH's ~100-tick spread re-priced a child every second, each a journal commit).
      const far = ctx.side === 'buy' ? ctx.market.bestAsk() : ctx.market.bestBid();
      const near = ctx.side === 'buy' ? ctx.market.bestBid() : ctx.market.bestAsk();
      const spread = far !== undefined && near !== undefined ? abs(far - near) : ctx.tickUnits;
      const threshold = spread / 10n > ctx.tickUnits ? spread / 10n : ctx.tickUnits;
      // Measured on the far touch: the near touch is often our own child, and measuring against it
      // made the child chase itself (cancel, the touch drops back, re-place, again every second).
      const farAtPlacement = ctx.state.childFar === undefined || ctx.state.childFar === null ? undefined : BigInt(String(ctx.state.childFar));
      const farMoved = far !== undefined && farAtPlacement !== undefined ? abs(far - farAtPlacement) >= threshold : false;
      // Or the aggression itself changed (falling behind, volatility): then the new price is ours to take.
      const aAtPlacement = typeof ctx.state.childAggression === 'number' ? ctx.state.childAggression : a;
      const reason = farMoved || Math.abs(a - aAtPlacement) >= AGGRESSION_STEP;
      const moved = want !== undefined && w.priceUnits !== null && reason && abs(want.priceUnits - w.priceUnits) >= threshold && now - w.createdAt >= MIN_REST_MS;
      const refPrice = want?.priceUnits ?? w.priceUnits ?? 0n;
      if ((behindSchedule || moved) && ctx.qtyUnits - ctx.filledUnits >= ctx.minChildUnits(refPrice)) ctx.cancelChild(w.id);
      return;
    }
    if (want === undefined) return;
    const need = due - ctx.filledUnits;
    if (need <= 0n) return;
    const lastAt = numState(ctx, 'lastChildAt');
    if (want.tif === 'ioc' && numState(ctx, 'lastSlice') === k && numState(ctx, 'lastTif') === 1 && lastAt !== undefined && now >= lastAt && now < lastAt + RETRY_MS) {
      ctx.wakeAt(lastAt + RETRY_MS);
      return;
    }
    const qty = sizeChild(ctx, need, ctx.minChildUnits(want.priceUnits));
    if (qty === undefined) return;
    if (placeGuarded(ctx, { qtyUnits: qty, type: 'limit', priceUnits: want.priceUnits, tif: want.tif }) !== undefined) {
      ctx.state.lastSlice = k;
      ctx.state.lastChildAt = now;
      ctx.state.childDue = due.toString();
      ctx.state.childAggression = a;
      const farNow = ctx.side === 'buy' ? ctx.market.bestAsk() : ctx.market.bestBid();
      ctx.state.childFar = farNow === undefined ? null : farNow.toString();
      ctx.state.lastTif = want.tif === 'ioc' ? 1 : 0;
    }
  }
}

function halfSpread(ctx: AlgoContext): number {
  const bid = ctx.market.bestBid();
  const ask = ctx.market.bestAsk();
  if (bid === undefined || ask === undefined || bid <= 0n || ask <= bid) return 0;
  return Number(ask - bid) / Number(ask + bid);
}

/** Pace needed to finish by the end time over the planned (straight-line) pace, minus one. */
export function lateness(ctx: AlgoContext, now: number): number {
  const p = ctx.params;
  const left = Number(ctx.qtyUnits - ctx.filledUnits);
  if (left <= 0) return -1;
  const timeLeft = 1 - Math.min(1, Math.max(0, (now - p.startAt) / Math.max(1, p.endAt - p.startAt)));
  if (timeLeft <= 0) return MAX_BEHIND;
  return left / (Number(ctx.qtyUnits) * timeLeft) - 1;
}
