import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DrawdownTracker } from '../../../src/pms/drawdown-tracker.ts';
import { NavHistory } from '../../../src/pms/nav-history.ts';
import { drawdownReport, startOfDayNav } from '../../../src/pms/portfolio-metrics.ts';

const DAY = 86_400_000;

/** Snapshots as the PMS takes them: strictly later times (steps of seconds to days), NAVs that rise, fall, repeat, go negative. */
const snapshots = fc.array(
  fc.record({
    step: fc.oneof(fc.integer({ min: 1, max: 120_000 }), fc.integer({ min: 1, max: 3 * DAY })),
    nav: fc.oneof(fc.constant(100), fc.double({ min: -50, max: 500, noNaN: true }), fc.integer({ min: 90, max: 110 })),
  }),
  { minLength: 1, maxLength: 300 },
);

describe('DrawdownTracker', () => {
  it('when NAV snapshots are recorded (thinned, trimmed, seeded) then every report and opening NAV equal the pure functions over the whole path', () => {
    fc.assert(
      fc.property(snapshots, fc.integer({ min: 8, max: 60 }), fc.integer({ min: -12, max: 12 }), fc.boolean(), (snaps, cap, offsetH, seed) => {
        // Arrange: a small cap so the path is trimmed, a sample bucket of a minute as in the PMS.
        const navs = new NavHistory({ navSampleMs: 60_000, navHistoryCap: cap, navChartPoints: 50 });
        const offset = offsetH * 3_600_000;
        const tracker = new DrawdownTracker(offset);
        let t = Date.UTC(2019, 9, 31, 20);
        if (seed) navs.seed([{ time: t - 5 * DAY, nav: 120 }, { time: t - DAY, nav: 80 }]);
        for (const s of snaps) {
          t += s.step;
          // Act
          navs.record(t, s.nav);
          // Assert
          expect(tracker.report(navs)).toEqual(drawdownReport(navs.points, offset));
          expect(tracker.startOfDay(navs, t)).toBe(startOfDayNav(navs.points, t, offset));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('when a snapshot is taken twice at the same time then the report is that of the path (the repeat is not history)', () => {
    // Arrange
    const navs = new NavHistory({ navSampleMs: 60_000, navHistoryCap: 100, navChartPoints: 50 });
    const tracker = new DrawdownTracker();
    const t = Date.UTC(2019, 9, 11);
    navs.record(t, 100);
    navs.record(t + 1_000, 90);
    // Act
    navs.record(t + 1_000, 50);
    // Assert
    expect(tracker.report(navs)).toEqual(drawdownReport(navs.points));
    expect(tracker.report(navs).sinceInception.nav).toBe(90);
  });

  it('when asked about a time before the path ends then the opening NAV is the pure function’s', () => {
    const navs = new NavHistory({ navSampleMs: 60_000, navHistoryCap: 100, navChartPoints: 50 });
    const tracker = new DrawdownTracker();
    const t = Date.UTC(2019, 9, 11, 23, 59);
    navs.record(t, 100);
    navs.record(t + 120_000, 110);
    expect(tracker.startOfDay(navs, t + 30_000)).toBe(startOfDayNav(navs.points, t + 30_000));
  });
});
