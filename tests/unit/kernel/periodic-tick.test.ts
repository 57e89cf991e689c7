import { describe, expect, it } from 'vitest';
import { SimClock, SimClockDriver } from '../../../src/core/clock.ts';
import { TICK_MS, eachTick, nextTickAt } from '../../../src/kernel/periodic-tick.ts';
import type { IdleTicker } from '../../../src/kernel/periodic-tick.ts';

/**
 * The kernel's tick covers idle seconds at once only where nothing else can happen: inside a run of
 * the simulated clock without a step limit (no request comes in before it ends), before the next
 * other timer and the run's end, and before every part's quiet limit.
 */

/** A tick that counts its real runs and, through `idle`, the seconds it covered; its quiet limit is settable. */
function rig(jumps: boolean, quiet = Number.POSITIVE_INFINITY) {
  const clock = new SimClock(0);
  clock.jumps = jumps;
  const real: number[] = [];
  let covered = 0;
  const part: IdleTicker = { quietUntil: () => quiet, idle: (n) => void (covered += n) };
  const tick = (): void => {
    real.push(clock.now());
    clock.schedule(nextTickAt(clock, [part]), tick);
  };
  clock.schedule(TICK_MS, tick);
  return { clock, driver: new SimClockDriver(clock), real, covered: () => covered };
}

describe('SimClock.jumpHorizon', () => {
  it('when jumps are off, or no run without a step limit is under way, then the horizon is now', () => {
    const clock = new SimClock(0);
    const seen: number[] = [];
    clock.schedule(100, () => seen.push(clock.jumpHorizon()));
    clock.schedule(5_000, () => undefined);
    new SimClockDriver(clock).runToEnd(200);
    expect(seen).toEqual([100]);
    clock.jumps = true;
    expect(clock.jumpHorizon()).toBe(200);
    clock.schedule(300, () => seen.push(clock.jumpHorizon()));
    clock.runSteps(10_000, 5);
    expect(seen.at(-1)).toBe(300);
    // advanceTo called from a timer of a run that allows jumps: what it runs does not jump.
    const t = clock.now();
    clock.schedule(t + 400, () => {
      clock.schedule(t + 450, () => seen.push(clock.jumpHorizon()));
      clock.advanceTo(t + 500);
    });
    new SimClockDriver(clock).runToEnd(t + 20_000);
    expect(seen.at(-1)).toBe(t + 450);
  });

  it('when a run without a step limit is under way then the horizon is the next other timer or the run end, whichever comes first', () => {
    const clock = new SimClock(0);
    clock.jumps = true;
    const seen: number[] = [];
    clock.schedule(100, () => seen.push(clock.jumpHorizon()));
    const cancelled = clock.schedule(2_000, () => undefined);
    clock.cancel(cancelled);
    clock.schedule(5_000, () => seen.push(clock.jumpHorizon()));
    const driver = new SimClockDriver(clock);
    driver.runToEnd(60_000);
    // A cancelled timer does not count; the last timer sees the run's end.
    expect(seen).toEqual([5_000, 60_000]);
  });
});

describe('SimClock.jumpHorizon past covered timers', () => {
  it('when the next timers are ones the caller covers then the horizon is the first after them, and every timer still runs in (time, order of scheduling)', () => {
    const clock = new SimClock(0);
    clock.jumps = true;
    const ran: string[] = [];
    const seen: number[] = [];
    let covered: number[] = [];
    clock.schedule(100, () => {
      seen.push(clock.jumpHorizon(covered), clock.jumpHorizon([]));
    });
    covered = [clock.schedule(3_000, () => ran.push('a@3000')), clock.schedule(3_000, () => ran.push('b@3000'))];
    clock.schedule(3_000, () => ran.push('c@3000'));
    clock.schedule(2_000, () => ran.push('d@2000'));
    clock.schedule(9_000, () => ran.push('e@9000'));
    new SimClockDriver(clock).runToEnd(60_000);
    // Past d@2000 nothing is looked past (it is not covered); then the order is untouched.
    expect(seen).toEqual([2_000, 2_000]);
    expect(ran).toEqual(['d@2000', 'a@3000', 'b@3000', 'c@3000', 'e@9000']);
    const again: number[] = [];
    const c2 = new SimClock(0);
    c2.jumps = true;
    const order: string[] = [];
    const ids: number[] = [];
    c2.schedule(100, () => again.push(c2.jumpHorizon(ids)));
    ids.push(c2.schedule(3_000, () => order.push('a')), c2.schedule(4_000, () => order.push('b')));
    c2.schedule(3_000, () => order.push('c'));
    c2.schedule(7_000, () => order.push('d'));
    new SimClockDriver(c2).runToEnd(60_000);
    // a (covered) is looked past; c, due at the same time but not covered, is the horizon.
    expect(again).toEqual([3_000]);
    expect(order).toEqual(['a', 'c', 'b', 'd']);
  });
});

describe('nextTickAt', () => {
  it('when a part covers a timer of its own then the jump passes it as far as the part is quiet, and the part re-arms it in idle', () => {
    const clock = new SimClock(0);
    clock.jumps = true;
    const real: number[] = [];
    const cycles: number[] = [];
    let timer: number | undefined;
    let at = 0;
    // A cycle every 10 s that would repeat until 35 s (quiet), then must run for real.
    const arm = (t: number): void => {
      at = t;
      timer = clock.schedule(t, () => {
        cycles.push(clock.now());
        arm(clock.now() + 10_000);
      });
    };
    const part: IdleTicker = {
      quietUntil: () => (at < 35_000 ? 35_000 : at),
      covers: () => timer,
      idle: (_n, to) => {
        if (at > to || timer === undefined) return;
        const m = Math.floor((to - at) / 10_000) + 1;
        const last = at + (m - 1) * 10_000;
        clock.cancel(timer);
        cycles.push(-last);
        arm(last + 10_000);
      },
    };
    const tick = (): void => {
      real.push(clock.now());
      clock.schedule(nextTickAt(clock, [part]), tick);
    };
    arm(10_000);
    clock.schedule(TICK_MS, tick);
    new SimClockDriver(clock).runToEnd(60_500);
    // The tick at 1 s covers 2..34 s (the cycles at 10, 20 and 30 s answered at once by the last,
    // noted negative); the cycle at 40 s runs as a timer before the tick of the same second.
    expect(real).toEqual([1_000, 35_000, 40_000, 50_000, 60_000]);
    expect(cycles).toEqual([-30_000, 40_000, 50_000, 60_000]);
  });

  it('when jumps are on then the tick runs where stepping would, in fewer real runs, and covers the rest through idle', () => {
    const stepped = rig(false);
    stepped.driver.runToEnd(30_500);
    const jumped = rig(true);
    jumped.driver.runToEnd(30_500);
    expect(stepped.real).toEqual(Array.from({ length: 30 }, (_, i) => (i + 1) * TICK_MS));
    // One jump to the run's end: the first tick, then the last second reachable before 30.5 s.
    expect(jumped.real).toEqual([1_000, 30_000]);
    expect(jumped.real.length + jumped.covered()).toBe(stepped.real.length);
  });

  it('when another timer is due then the jump stops at it: a timer due at the same second runs first, as it would have', () => {
    const r = rig(true);
    const order: string[] = [];
    r.clock.schedule(7_000, () => order.push(`other@${r.clock.now()}`));
    r.driver.runToEnd(12_000);
    expect(r.real).toEqual([1_000, 7_000, 12_000]);
    expect(r.real.length + r.covered()).toBe(12);
    expect(order).toEqual(['other@7000']);
  });

  it('when a part is quiet only until some time then no covered second reaches it', () => {
    const r = rig(true, 4_500);
    r.driver.runToEnd(10_000);
    // Idle seconds 2, 3, 4 are before 4.5 s; the tick at 5 s runs for real (and after it the limit has passed: every second runs).
    expect(r.real).toEqual([1_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000]);
    expect(r.covered()).toBe(3);
  });

  it('when the run has a step limit (a request may come in after it) then the tick steps each second', () => {
    const r = rig(true);
    r.clock.runSteps(10_000, 100);
    expect(r.real).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * TICK_MS));
  });

  it('when a part does the same every second then eachTick repeats it for the covered seconds', () => {
    let n = 0;
    const p = eachTick(() => void n++);
    p.idle(4, 4 * TICK_MS);
    expect(n).toBe(4);
    expect(p.quietUntil(0)).toBe(Number.POSITIVE_INFINITY);
  });
});
