import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimClock, WallClock, every } from '../../../src/core/clock.ts';

describe('SimClock', () => {
  it('when created then it stands still at its start time', () => {
    const c = new SimClock(1000);
    expect(c.now()).toBe(1000);
    expect(c.nextAt()).toBeUndefined();
  });

  it('when advanced then due timers run in time order and same-time timers in scheduling order', () => {
    const c = new SimClock(0);
    const ran: string[] = [];
    c.schedule(30, () => ran.push('c30'));
    c.schedule(10, () => ran.push('a10'));
    c.schedule(20, () => ran.push('b20-first'));
    c.schedule(20, () => ran.push('b20-second'));
    c.schedule(10, () => ran.push('a10-second'));
    c.schedule(40, () => ran.push('d40'));
    c.advanceTo(30);
    expect(ran).toEqual(['a10', 'a10-second', 'b20-first', 'b20-second', 'c30']);
    expect(c.now()).toBe(30);
    expect(c.nextAt()).toBe(40);
  });

  it('when a timer runs then now() is its scheduled time, and after advanceTo it is the target', () => {
    const c = new SimClock(0);
    const seen: number[] = [];
    c.schedule(7, () => seen.push(c.now()));
    c.schedule(12, () => seen.push(c.now()));
    c.advanceTo(100);
    expect(seen).toEqual([7, 12]);
    expect(c.now()).toBe(100);
    c.advanceBy(5);
    expect(c.now()).toBe(105);
  });

  it('when advanced to an earlier time then time does not go backwards', () => {
    const c = new SimClock(50);
    c.advanceTo(10);
    expect(c.now()).toBe(50);
  });

  it('when a timer is scheduled in the past then it runs at the current time on the next advance', () => {
    const c = new SimClock(100);
    const seen: number[] = [];
    c.schedule(20, () => seen.push(c.now()));
    expect(c.nextAt()).toBe(100);
    c.advanceTo(100);
    expect(seen).toEqual([100]);
  });

  it('when a timer is cancelled then it never runs and others still do', () => {
    const c = new SimClock(0);
    const ran: number[] = [];
    const a = c.schedule(10, () => ran.push(1));
    c.schedule(10, () => ran.push(2));
    const b = c.schedule(5, () => ran.push(3));
    c.cancel(a);
    c.cancel(b);
    expect(c.nextAt()).toBe(10);
    c.advanceTo(20);
    expect(ran).toEqual([2]);
  });

  it('when a timer schedules another timer within the advance window then that one runs in the same advance', () => {
    const c = new SimClock(0);
    const ran: string[] = [];
    c.schedule(10, () => {
      ran.push('outer');
      c.schedule(15, () => ran.push('inner'));
      c.schedule(10, () => ran.push('same-time'));
    });
    c.schedule(12, () => ran.push('twelve'));
    c.advanceTo(20);
    expect(ran).toEqual(['outer', 'same-time', 'twelve', 'inner']);
  });

  it('when a timer cancels a later one then the later one does not run', () => {
    const c = new SimClock(0);
    const ran: string[] = [];
    let later = 0;
    c.schedule(5, () => c.cancel(later));
    later = c.schedule(9, () => ran.push('later'));
    c.advanceTo(10);
    expect(ran).toEqual([]);
  });

  it('when many timers are scheduled at random times then they run sorted by (time, scheduling order)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), fc.integer({ min: 0, max: 60 }), (times, target) => {
        const c = new SimClock(0);
        const ran: number[] = [];
        times.forEach((t, i) => c.schedule(t, () => ran.push(i)));
        c.advanceTo(target);
        const expected = times
          .map((t, i) => ({ t, i }))
          .filter((x) => x.t <= target)
          .sort((x, y) => x.t - y.t || x.i - y.i)
          .map((x) => x.i);
        expect(ran).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('every', () => {
  it('when started then it repeats every period from now and stops when told', () => {
    const c = new SimClock(1000);
    const at: number[] = [];
    const stop = every(c, 250, () => at.push(c.now()));
    c.advanceTo(2000);
    expect(at).toEqual([1250, 1500, 1750, 2000]);
    stop();
    c.advanceTo(5000);
    expect(at).toHaveLength(4);
  });

  it('when stopped from inside its own callback then it does not run again', () => {
    const c = new SimClock(0);
    let n = 0;
    const stop = every(c, 10, () => {
      n++;
      if (n === 3) stop();
    });
    c.advanceTo(1000);
    expect(n).toBe(3);
  });

  it('when the clock jumps far ahead then every period in between still runs, on schedule', () => {
    const c = new SimClock(0);
    const at: number[] = [];
    every(c, 100, () => at.push(c.now()));
    c.advanceTo(1000);
    expect(at).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });
});

describe('WallClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when timers are due then they run at their time, cancelled ones never, and dispose clears the rest', () => {
    vi.useFakeTimers();
    vi.setSystemTime(10_000);
    const c = new WallClock();
    expect(c.now()).toBe(10_000);
    const ran: string[] = [];
    c.schedule(10_050, () => ran.push('b'));
    c.schedule(10_010, () => ran.push('a'));
    const x = c.schedule(10_020, () => ran.push('cancelled'));
    c.schedule(20_000, () => ran.push('disposed'));
    c.cancel(x);
    vi.advanceTimersByTime(100);
    expect(ran).toEqual(['a', 'b']);
    c.dispose();
    vi.advanceTimersByTime(20_000);
    expect(ran).toEqual(['a', 'b']);
  });
});

describe('WallClock never runs a timer before its time (issue 8, D1)', () => {
  /** A wall clock running at half the speed of the timer source: every timer wakes up early. */
  function halfSpeed(): () => number {
    const base = Date.now();
    return () => base + Math.floor((Date.now() - base) / 2);
  }

  it('when setTimeout wakes up before now() reaches the time then the timer re-arms and runs only once it has', async () => {
    const c = new WallClock(halfSpeed());
    const at = c.now() + 10;
    const ranAt = await new Promise<number>((resolve) => c.schedule(at, () => resolve(c.now())));
    expect(ranAt).toBeGreaterThanOrEqual(at);
    c.dispose();
  });

  it('when a timer is cancelled while it is re-arming then it never runs', async () => {
    const c = new WallClock(halfSpeed());
    let ran = false;
    const id = c.schedule(c.now() + 20, () => {
      ran = true;
    });
    // At 25 ms of timer time the clock reads ~12 ms: the 20 ms wake-up has re-armed by then.
    await new Promise((r) => setTimeout(r, 25));
    c.cancel(id);
    await new Promise((r) => setTimeout(r, 80));
    expect(ran).toBe(false);
    c.dispose();
  });
});
