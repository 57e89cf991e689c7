import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimClock, SimClockDriver, every } from '../../../src/core/clock.ts';

describe('SimClockDriver', () => {
  afterEach(() => vi.useRealTimers());

  it('when run to the end then every timer fires in order without waiting', () => {
    const clock = new SimClock(1_000);
    const seen: number[] = [];
    const stop = every(clock, 250, () => seen.push(clock.now()));
    const driver = new SimClockDriver(clock);
    const n = driver.runToEnd(2_000);
    stop();
    expect(seen).toEqual([1_250, 1_500, 1_750, 2_000]);
    expect(n).toBe(4);
    expect(clock.now()).toBe(2_000);
  });

  it('when run in bounded steps then a step runs every timer due at its time, even ones scheduled during it, and a cancelled one never', () => {
    const clock = new SimClock(0);
    const seen: string[] = [];
    clock.schedule(100, () => {
      seen.push(`a@${clock.now()}`);
      clock.schedule(100, () => seen.push(`a2@${clock.now()}`));
    });
    clock.schedule(100, () => seen.push(`b@${clock.now()}`));
    const dropped = clock.schedule(150, () => seen.push('cancelled'));
    clock.cancel(dropped);
    clock.schedule(200, () => seen.push(`c@${clock.now()}`));
    clock.schedule(300, () => seen.push(`d@${clock.now()}`));
    expect(clock.runSteps(Number.POSITIVE_INFINITY, 2)).toBe(2);
    expect(seen).toEqual(['a@100', 'b@100', 'a2@100', 'c@200']);
    expect(clock.now()).toBe(200);
    // Bounded by time: nothing past `until` runs and the clock stays at the last step.
    expect(clock.runSteps(250)).toBe(0);
    expect(clock.now()).toBe(200);
    expect(clock.runSteps(300)).toBe(1);
    expect(seen.at(-1)).toBe('d@300');
  });

  it('when paced at 10x then simulated time follows wall time times ten, and pause stops it', () => {
    vi.useFakeTimers();
    let wall = 0;
    const clock = new SimClock(0);
    const driver = new SimClockDriver(clock, () => wall);
    const fired: number[] = [];
    every(clock, 100, () => fired.push(clock.now()));
    driver.pace(10, 10);
    for (let i = 0; i < 10; i++) {
      wall += 10;
      vi.advanceTimersByTime(10);
    }
    // 100 ms of wall time at 10x = 1000 ms simulated.
    expect(clock.now()).toBe(1_000);
    expect(fired).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000]);
    driver.pause();
    wall += 500;
    vi.advanceTimersByTime(500);
    expect(clock.now()).toBe(1_000);
    expect(driver.paced).toBe(false);
  });

  it('when the speed is not a positive number then it is refused', () => {
    const driver = new SimClockDriver(new SimClock(0));
    expect(() => driver.setSpeed(0)).toThrow(RangeError);
    expect(() => driver.setSpeed(Number.NaN)).toThrow(RangeError);
  });
});
