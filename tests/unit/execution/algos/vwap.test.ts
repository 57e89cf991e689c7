import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentSlice, profileFractions, sliceTimes, targetUnits } from '../../../../src/execution/algos/schedule.ts';
import { VwapAlgo } from '../../../../src/execution/algos/vwap.ts';
import { deepStepArb, sideArb, stepArb } from './arbitraries.ts';
import { FakeHarness, flatMarket, unitHash } from './fake-context.ts';

const HOUR = 3_600_000;
const DAY0 = Date.UTC(2026, 0, 5);

/** Share of the profile's volume between `from` and t, integrated exactly over hourly UTC buckets. */
function profileShare(profile: readonly number[], from: number, to: number, t: number): number {
  const w = (a: number, b: number): number => {
    let s = 0;
    for (let x = a; x < b; ) {
      const bucketEnd = (Math.floor(x / HOUR) + 1) * HOUR;
      const y = Math.min(b, bucketEnd);
      s += (y - x) * Math.max(profile[Math.floor((x % 86_400_000) / HOUR)]!, 1e-9);
      x = y;
    }
    return s;
  };
  return w(from, Math.min(Math.max(t, from), to)) / w(from, to);
}

const profileArb = fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 24, maxLength: 24 });

describe('VWAP', () => {
  it('when the book is deep then the cumulative fill tracks the cumulative volume profile within one slice’s share', () => {
    fc.assert(
      fc.property(
        profileArb,
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(1, 2, 3, 4, 6),
        fc.integer({ min: 1, max: 300 }),
        sideArb,
        fc.array(deepStepArb, { minLength: 1, maxLength: 10 }),
        (profile, startHour, hours, perHour, lotsPerSlice, side, steps) => {
          const startAt = DAY0 + startHour * HOUR;
          const endAt = startAt + hours * HOUR;
          const slices = hours * perHour;
          const qty = BigInt(slices * lotsPerSlice);
          const h = new FakeHarness(() => new VwapAlgo(), {
            side,
            qtyUnits: qty,
            params: { startAt, endAt, slices, volumeProfile: profile, profileBucketMinutes: 60 },
            steps,
            stepMs: 60_000,
          }).run();
          expect(h.violations).toEqual([]);
          expect(h.filled).toBe(qty);
          // The largest share of one slice, integrated exactly.
          let maxShare = 0;
          const interval = (endAt - startAt) / slices;
          for (let k = 0; k < slices; k++) {
            maxShare = Math.max(maxShare, profileShare(profile, startAt, endAt, startAt + (k + 1) * interval) - profileShare(profile, startAt, endAt, startAt + k * interval));
          }
          for (const x of h.samples) {
            const gap = Math.abs(Number(x.filled) / Number(qty) - profileShare(profile, startAt, endAt, x.t));
            expect(gap).toBeLessThanOrEqual(maxShare + 1 / Number(qty) + 1e-9);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('when the profile is lopsided then the fill follows the profile, not the clock', () => {
    // 14:00–15:00 holds 90% of the two hours' volume, 15:00–16:00 10%.
    const profile = Array.from({ length: 24 }, (_, i) => (i === 14 ? 0.9 : i === 15 ? 0.1 : 0.01));
    const startAt = DAY0 + 14 * HOUR;
    const h = new FakeHarness(() => new VwapAlgo(), {
      side: 'buy',
      qtyUnits: 1_000n,
      params: { startAt, endAt: startAt + 2 * HOUR, slices: 8, volumeProfile: profile, profileBucketMinutes: 60 },
      steps: flatMarket(),
      stepMs: 60_000,
    }).run();
    expect(h.violations).toEqual([]);
    const at = (t: number) => [...h.samples].reverse().find((x) => x.t <= t)!.filled;
    expect(at(startAt + HOUR - 1)).toBe(900n); // a TWAP would be at 500
    expect(at(startAt + 2 * HOUR)).toBe(1_000n);
    expect(h.children.map((c) => c.qtyUnits)).toEqual([225n, 225n, 225n, 225n, 25n, 25n, 25n, 25n]);
  });

  it('when there is no profile then it is a TWAP', () => {
    const startAt = DAY0 + 9 * HOUR;
    const h = new FakeHarness(() => new VwapAlgo(), {
      side: 'sell',
      qtyUnits: 100n,
      params: { startAt, endAt: startAt + 40_000, slices: 4 },
      steps: flatMarket(),
    }).run();
    expect(h.children.map((c) => [c.createdAt - startAt, c.qtyUnits])).toEqual([
      [0, 25n],
      [10_000, 25n],
      [20_000, 25n],
      [30_000, 25n],
    ]);
  });

  it('when fills fall short then it is never ahead of its profile schedule', () => {
    fc.assert(
      fc.property(profileArb, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 2, max: 20 }), fc.double({ min: 0, max: 0.4, noNaN: true }), fc.array(stepArb, { minLength: 3, maxLength: 40 }), sideArb, (profile, startHour, slices, jitterPct, steps, side) => {
        const startAt = DAY0 + startHour * HOUR + 17 * 60_000;
        const endAt = startAt + 90 * 60_000;
        const qty = BigInt(slices * 50);
        const h = new FakeHarness(() => new VwapAlgo(), {
          side,
          qtyUnits: qty,
          params: { startAt, endAt, slices, jitterPct, volumeProfile: profile, profileBucketMinutes: 60, seed: 9 },
          steps,
          stepMs: 5_000,
        }).run();
        expect(h.violations).toEqual([]);
        const times = sliceTimes(startAt, endAt, slices, jitterPct, (k) => unitHash(9, k));
        const fr = profileFractions(startAt, endAt, slices, profile, 60);
        for (const x of h.samples) {
          const k = currentSlice(times, x.t);
          expect(x.filled + x.working).toBeLessThanOrEqual(k < 0 ? 0n : targetUnits(qty, fr[k]!, 1n));
        }
      }),
      { numRuns: 60 },
    );
  });
});
