import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentSlice, sliceTimes, targetUnits, twapFraction } from '../../../../src/execution/algos/schedule.ts';
import { RETRY_MS, TwapAlgo } from '../../../../src/execution/algos/twap.ts';
import { T0, deepStepArb, lotArb, sideArb, stepArb, tickArb } from './arbitraries.ts';
import { FakeHarness, flatMarket, unitHash } from './fake-context.ts';

const scheduleArb = fc.record({
  slices: fc.integer({ min: 1, max: 30 }),
  horizonSec: fc.integer({ min: 5, max: 900 }),
  jitterPct: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.45, noNaN: true })),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  lot: lotArb,
  tick: tickArb,
  side: sideArb,
});

describe('TWAP', () => {
  it('when the book is deep then each child goes at a slice time (± jitter) and brings the fill to that slice’s cumulative target', () => {
    fc.assert(
      fc.property(scheduleArb, fc.integer({ min: 1, max: 400 }), fc.array(deepStepArb, { minLength: 1, maxLength: 20 }), (s, lotsPerSlice, steps) => {
        const qty = BigInt(s.slices * lotsPerSlice) * s.lot;
        const endAt = T0 + s.horizonSec * 1000;
        const h = new FakeHarness(() => new TwapAlgo(), {
          side: s.side,
          qtyUnits: qty,
          params: { startAt: T0, endAt, slices: s.slices, jitterPct: s.jitterPct, seed: s.seed },
          lotUnits: s.lot,
          tickUnits: s.tick,
          steps,
          stepMs: 1_000,
        }).run();
        expect(h.violations).toEqual([]);
        const interval = (endAt - T0) / s.slices;
        const times = sliceTimes(T0, endAt, s.slices, s.jitterPct, (k) => unitHash(s.seed, k));
        let filledBefore = 0n;
        for (const c of h.children) {
          // Placed at a slice time, within the jitter of the slice's nominal time.
          expect(times).toContain(c.createdAt);
          const k = currentSlice(times, c.createdAt);
          expect(Math.abs(c.createdAt - (T0 + k * interval))).toBeLessThanOrEqual(s.jitterPct * interval + 1);
          // Brings the cumulative quantity exactly to the slice's target.
          expect(filledBefore + c.qtyUnits).toBe(targetUnits(qty, twapFraction(k, s.slices), s.lot));
          expect(c.tif).toBe('ioc');
          filledBefore += c.filledUnits;
        }
        expect(h.filled).toBe(qty);
        expect(h.children.length).toBeLessThanOrEqual(s.slices);
      }),
      { numRuns: 150 },
    );
  });

  it('when fills fall short then it is never ahead of the schedule and retries within a slice only after RETRY_MS', () => {
    fc.assert(
      fc.property(scheduleArb, fc.integer({ min: 1, max: 200 }), fc.array(stepArb, { minLength: 3, maxLength: 60 }), (s, lotsPerSlice, steps) => {
        const qty = BigInt(s.slices * lotsPerSlice) * s.lot;
        const endAt = T0 + s.horizonSec * 1000;
        const h = new FakeHarness(() => new TwapAlgo(), {
          side: s.side,
          qtyUnits: qty,
          params: { startAt: T0, endAt, slices: s.slices, jitterPct: s.jitterPct, seed: s.seed },
          lotUnits: s.lot,
          tickUnits: s.tick,
          steps,
        }).run();
        expect(h.violations).toEqual([]);
        const times = sliceTimes(T0, endAt, s.slices, s.jitterPct, (k) => unitHash(s.seed, k));
        for (const x of h.samples) {
          const k = currentSlice(times, x.t);
          const due = k < 0 ? 0n : targetUnits(qty, twapFraction(k, s.slices), s.lot);
          expect(x.filled + x.working).toBeLessThanOrEqual(due);
        }
        for (let i = 1; i < h.children.length; i++) {
          const a = h.children[i - 1]!;
          const b = h.children[i]!;
          const sameSlice = currentSlice(times, a.createdAt) === currentSlice(times, b.createdAt);
          if (sameSlice) expect(b.createdAt - a.createdAt).toBeGreaterThanOrEqual(RETRY_MS);
          expect(b.createdAt).toBeGreaterThanOrEqual(a.doneAt!); // one child in flight at a time
        }
      }),
      { numRuns: 150 },
    );
  });

  it('when the cap keeps the price from the far touch then no child is sent (no IOC storm)', () => {
    const h = new FakeHarness(() => new TwapAlgo(), {
      side: 'buy',
      qtyUnits: 100n,
      limitUnits: 9_990n, // bid starts at 10 000
      params: { startAt: T0, endAt: T0 + 60_000, slices: 6 },
      steps: flatMarket(),
    }).run();
    expect(h.violations).toEqual([]);
    expect(h.children).toEqual([]);
  });

  it('when a slice did not fill then the next slice catches up', () => {
    // The far touch holds 3 lots: the first slice's child (10) takes 3, a retry after RETRY_MS takes 3 more, …
    const h = new FakeHarness(() => new TwapAlgo(), {
      side: 'sell',
      qtyUnits: 40n,
      params: { startAt: T0, endAt: T0 + 4_000, slices: 4 },
      steps: [{ drift: 0, spread: 1, volumeLots: 0, touchLots: 3, vol: 0 }],
    }).run();
    expect(h.violations).toEqual([]);
    expect(h.children.map((c) => [c.createdAt - T0, c.qtyUnits, c.filledUnits])).toEqual([
      [0, 10n, 3n],
      [1_000, 17n, 3n], // slice 2 due 20, 3 filled
      [2_000, 24n, 3n],
      [3_000, 31n, 3n],
    ]);
  });

  it('when the start time is in the future then it waits for it', () => {
    const h = new FakeHarness(() => new TwapAlgo(), {
      side: 'buy',
      qtyUnits: 40n,
      arrivalAt: T0 - 30_000,
      params: { startAt: T0, endAt: T0 + 40_000, slices: 4 },
      steps: flatMarket(),
    }).run();
    expect(h.violations).toEqual([]);
    expect(h.children.map((c) => c.createdAt - T0)).toEqual([0, 10_000, 20_000, 30_000]);
  });
});
