import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAlgo } from '../../../../src/execution/algos/index.ts';
import { scheduledAt } from '../../../../src/execution/algos/schedule.ts';
import type { ScheduleParams } from '../../../../src/execution/algos/schedule.ts';

const T0 = Date.UTC(2026, 0, 5, 14, 0);
const SCHEDULED = ['twap', 'vwap', 'adaptive'] as const;

describe('one schedule per algorithm', () => {
  it('when asked, the scheduled algorithms expose a schedule and the others do not', () => {
    for (const k of SCHEDULED) expect(typeof createAlgo(k).schedule).toBe('function');
    for (const k of ['pov', 'passive', 'iceberg'] as const) expect(createAlgo(k).schedule).toBeUndefined();
  });

  it('for any params and draws, slices are ordered inside the horizon and the cumulative share rises to 1', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SCHEDULED),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 60_000, max: 6 * 3_600_000 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (kind, slices, horizon, jitterPct, draws) => {
          const p: ScheduleParams = { startAt: T0, endAt: T0 + horizon, slices, jitterPct, volumeProfile: [1, 3, 2, 5], profileBucketMinutes: 30 };
          const s = createAlgo(kind).schedule!(p, (k) => draws[k % draws.length]!);
          expect(s.times).toHaveLength(slices);
          expect(s.fractions).toHaveLength(slices);
          for (let k = 0; k < slices; k++) {
            expect(s.times[k]!).toBeGreaterThanOrEqual(p.startAt);
            expect(s.times[k]!).toBeLessThan(p.endAt);
            if (k > 0) {
              expect(s.times[k]!).toBeGreaterThanOrEqual(s.times[k - 1]!);
              expect(s.fractions[k]!).toBeGreaterThanOrEqual(s.fractions[k - 1]!);
            }
          }
          expect(s.fractions[slices - 1]).toBe(1);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('when jitter is drawn as 0.5 (the preview) then VWAP and TWAP slices sit on the even grid', () => {
    for (const kind of ['twap', 'vwap'] as const) {
      const s = createAlgo(kind).schedule!({ startAt: T0, endAt: T0 + 600_000, slices: 5, jitterPct: 0.3 }, () => 0.5);
      expect(s.times).toEqual([0, 1, 2, 3, 4].map((k) => T0 + k * 120_000));
    }
  });

  it('when a VWAP has jitter then its schedule moves the slices (the progress marker uses the same draws as the children)', () => {
    const p: ScheduleParams = { startAt: T0, endAt: T0 + 600_000, slices: 5, jitterPct: 0.3 };
    const even = createAlgo('vwap').schedule!(p, () => 0.5);
    const jittered = createAlgo('vwap').schedule!(p, () => 0.9);
    expect(jittered.times.slice(1)).not.toEqual(even.times.slice(1));
  });

  it('scheduledAt is 0 before the first slice, the rounded cumulative target inside, everything after the last', () => {
    const s = createAlgo('twap').schedule!({ startAt: T0 + 1_000, endAt: T0 + 11_000, slices: 4 }, () => 0.5);
    expect(scheduledAt(s, T0, 1000n, 10n)).toEqual({ slice: -1, dueUnits: 0n });
    expect(scheduledAt(s, T0 + 1_000, 1000n, 10n)).toEqual({ slice: 0, dueUnits: 250n });
    expect(scheduledAt(s, T0 + 6_000, 1001n, 10n)).toEqual({ slice: 2, dueUnits: 750n });
    expect(scheduledAt(s, T0 + 20_000, 1000n, 10n).dueUnits).toBe(1000n);
  });
});
