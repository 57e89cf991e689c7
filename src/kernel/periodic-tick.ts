import { SimClock } from '../core/clock.ts';
import type { Clock } from '../core/clock.ts';

/** The kernel's periodic tick: once a second of engine time. */
export const TICK_MS = 1_000;
/** The most seconds one jump covers (a day): a bound for a clock with nothing else pending. */
const MAX_IDLE_TICKS = 86_400;

/**
 * A part of the kernel's once-a-second tick whose ticks over idle seconds (nothing else runs: no
 * print, no order, no other timer) can be covered at once. After a real tick at `now` with the
 * state as it is, a tick in an idle second before `quietUntil(now)` changes nothing another real
 * tick later does not set again, except what `idle(n)` applies for n such seconds.
 */
export interface IdleTicker {
  quietUntil(now: number): number;
  /** `n` idle seconds, the last of them at `to`. */
  idle(n: number, to: number): void;
  /**
   * A pending timer of the part's own that the jump may pass (its id), because `quietUntil` bounds
   * the jump before that timer unless what it would do in the idle seconds is what `idle` applies
   * (the PMS loop's cycles that would only repeat the last). Undefined: none.
   */
  covers?(): number | undefined;
}

/**
 * The time of the kernel's next real tick after the one that just ran at `clock.now()`: a second
 * later, or, at full speed on a SimClock with idle jumps (see SimClock.jumpHorizon), k seconds later
 * when the k - 1 seconds in between are idle and quiet for every part: their effect (`idle(k - 1)`)
 * is applied here, and the tick at the k-th second runs for real. The state after it is the state
 * of k real ticks; a replay at max speed spends most simulated seconds with no print at all.
 */
export function nextTickAt(clock: Clock, parts: readonly IdleTicker[]): number {
  const now = clock.now();
  if (!(clock instanceof SimClock)) return now + TICK_MS;
  const covered: number[] = [];
  for (const p of parts) {
    const id = p.covers?.();
    if (id !== undefined) covered.push(id);
  }
  const horizon = clock.jumpHorizon(covered);
  // The tick at now + k s runs before anything else is due (at most at the horizon's time, where a
  // timer scheduled earlier runs first, as it would have).
  let k = Math.min(MAX_IDLE_TICKS, Math.floor((horizon - now) / TICK_MS));
  if (k < 2) return now + TICK_MS;
  for (const p of parts) {
    // The idle seconds now + i s, i = 1 .. k - 1, all before the part's quiet limit.
    k = Math.min(k, Math.ceil((p.quietUntil(now) - now) / TICK_MS));
    if (k < 2) return now + TICK_MS;
  }
  for (const p of parts) p.idle(k - 1, now + (k - 1) * TICK_MS);
  return now + k * TICK_MS;
}

/** A part of the tick that does the same thing every second, idle or not (run n times for n idle seconds). */
export function eachTick(fn: () => void): IdleTicker {
  return {
    quietUntil: () => Number.POSITIVE_INFINITY,
    idle: (n) => {
      for (let i = 0; i < n; i++) fn();
    },
  };
}
