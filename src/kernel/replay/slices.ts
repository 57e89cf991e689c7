import type { SimClock, SimClockDriver } from '../../core/clock.ts';

/** Wall ms of work in one slice; then the event loop gets a turn (requests, sockets). */
export const SLICE_WALL_MS = 5;
/**
 * Simulated ms run between two looks at the wall clock. Each such run goes to its end before a
 * request gets a turn, so the kernel's tick may jump idle seconds inside it (a run's end bounds a
 * jump: a minute, the L2 cycle's period, cuts few); its end is no event (the timers run in the same
 * order however the run is cut), so slicing changes no state.
 */
export const SLICE_SIM_MS = 60_000;

/**
 * Full-speed runs of the replay's clock in slices of a few ms of work, so a max-speed play or a long
 * seek leaves the event loop free between slices: a pause, an order or a status is served within a
 * slice or two instead of after the whole run.
 */
export class SliceRunner {
  /** Slices run so far (tests count them instead of timing wall clock). */
  slices = 0;

  private readonly clock: () => SimClock;
  private readonly driver: () => SimClockDriver;
  private readonly wallNow: () => number;

  /** The clock and driver are read at each slice: a rebuild replaces them. */
  constructor(clock: () => SimClock, driver: () => SimClockDriver, wallNow: () => number) {
    this.clock = clock;
    this.driver = driver;
    this.wallNow = wallNow;
  }

  /** Runs toward `t` for about SLICE_WALL_MS of wall time; true when `t` is reached. */
  slice(t: number): boolean {
    const until = this.wallNow() + SLICE_WALL_MS;
    this.slices++;
    for (;;) {
      const now = this.clock().now();
      if (now >= t) return true;
      const to = Math.min(t, now + SLICE_SIM_MS);
      this.driver().runToEnd(to);
      if (to >= t) return true;
      if (this.wallNow() >= until) return false;
    }
  }

  /** Runs to `t` slice by slice, giving the event loop a turn (setImmediate) between slices, after `between` (progress). */
  async runTo(t: number, between?: () => void): Promise<void> {
    while (!this.slice(t)) {
      between?.();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
