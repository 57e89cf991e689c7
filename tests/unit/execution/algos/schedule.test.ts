import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentSlice, profileFractions, sliceTimes, targetUnits, twapFraction } from '../../../../src/execution/algos/schedule.ts';
import { T0 } from './arbitraries.ts';

describe('schedule', () => {
  it('slice times start at the start, stay before the end, never go backwards, and move by at most the jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1_000, max: 86_400_000 }), fc.double({ min: 0, max: 0.5, noNaN: true }), fc.integer(), (n, horizon, jitter, seed) => {
        const times = sliceTimes(T0, T0 + horizon, n, jitter, (k) => ((Math.imul(seed ^ k, 2654435761) >>> 0) % 1000) / 1000);
        const interval = horizon / n;
        expect(times).toHaveLength(n);
        expect(times[0]).toBe(T0);
        for (let k = 0; k < n; k++) {
          expect(times[k]!).toBeLessThan(T0 + horizon);
          if (k > 0) expect(times[k]!).toBeGreaterThanOrEqual(times[k - 1]!);
          expect(Math.abs(times[k]! - (T0 + k * interval))).toBeLessThanOrEqual(jitter * interval + 1);
          expect(currentSlice(times, times[k]!)).toBeGreaterThanOrEqual(k);
        }
        expect(currentSlice(times, T0 - 1)).toBe(-1);
      }),
    );
  });

  it('profile fractions rise to exactly 1 and give each slice its share of the profile', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 48 }), fc.integer({ min: 1, max: 48 }), fc.constantFrom(1, 15, 30, 60), (profile, n, bucket) => {
        const fr = profileFractions(T0, T0 + 6 * 3_600_000, n, profile, bucket);
        expect(fr).toHaveLength(n);
        expect(fr[n - 1]).toBe(1);
        for (let k = 1; k < n; k++) expect(fr[k]!).toBeGreaterThanOrEqual(fr[k - 1]! - 1e-12);
        expect(fr[0]!).toBeGreaterThan(0);
      }),
    );
    // Two hourly buckets weighing 3:1, four half-hour slices.
    const profile = Array.from({ length: 24 }, (_, h) => (h === 14 ? 3 : h === 15 ? 1 : 0));
    const start = Date.UTC(2026, 0, 5, 14);
    expect(profileFractions(start, start + 7_200_000, 4, profile, 60)).toEqual([0.375, 0.75, 0.875, 1]);
  });

  it('targets are cumulative, on the lot, never above the quantity, and all of it at the last slice', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.constantFrom(1n, 10n, 1000n), fc.integer({ min: 1, max: 60 }), (lots, lot, n) => {
        const qty = lots * lot;
        let prev = 0n;
        for (let k = 0; k < n; k++) {
          const t = targetUnits(qty, twapFraction(k, n), lot);
          expect(t).toBeGreaterThanOrEqual(prev);
          expect(t).toBeLessThanOrEqual(qty);
          if (k < n - 1) expect(t % lot).toBe(0n);
          prev = t;
        }
        expect(prev).toBe(qty);
      }),
    );
    // 0.1 + 0.2 + … in floats: 0.9 must still give 90% of 1 000.
    expect(targetUnits(1_000n, 0.1 + 0.2 + 0.3 + 0.3, 1n)).toBe(900n);
    expect(targetUnits(1_000n, 0, 1n)).toBe(0n);
  });
});
