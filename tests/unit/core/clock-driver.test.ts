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
