import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IcebergAlgo, showSize } from '../../../../src/execution/algos/iceberg.ts';
import { T0, lotArb, marketArb, sideArb } from './arbitraries.ts';
import { FakeHarness } from './fake-context.ts';

describe('iceberg', () => {
  it('never shows more than the display size, one slice at a time, each within the size jitter', () => {
    fc.assert(
      fc.property(
        marketArb,
        sideArb,
        lotArb,
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1_000 }),
        (steps, side, lot, displayLots, qtyLots, jitter, withCap, seed) => {
          const display = BigInt(displayLots) * lot;
          const qty = BigInt(qtyLots) * lot;
          const cap = withCap ? (side === 'buy' ? 10_001n : 10_000n) : null;
          const h = new FakeHarness(() => new IcebergAlgo(), {
            side,
            qtyUnits: qty,
            limitUnits: cap,
            lotUnits: lot,
            seed,
            params: { startAt: T0, endAt: T0 + 60_000, displayUnits: display.toString(), displayJitterPct: jitter },
            steps,
            queueShare: 1,
          }).run();
          expect(h.violations).toEqual([]);
          let filledBefore = 0n;
          for (const c of h.children) {
            expect(c.qtyUnits).toBeLessThanOrEqual(display);
            expect(c.othersWorking).toBe(0);
            expect(c.tif).toBe('gtc');
            if (cap !== null) expect(c.priceUnits).toBe(cap);
            // At least display × (1 − jitter) (to the lot), unless it is what is left.
            const floor = BigInt(Math.floor(Number(display) * (1 - jitter))) - lot;
            if (c.qtyUnits < qty - filledBefore) expect(c.qtyUnits).toBeGreaterThanOrEqual(floor < lot ? lot : floor);
            filledBefore += c.filledUnits;
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('when a slice fills then the next one goes up until the parent is done', () => {
    const h = new FakeHarness(() => new IcebergAlgo(), {
      side: 'buy',
      qtyUnits: 25n,
      params: { startAt: T0, endAt: T0 + 60_000, displayUnits: '10' },
      steps: [{ drift: 0, spread: 1, volumeLots: 40, touchLots: 50, vol: 0 }],
    }).run();
    expect(h.violations).toEqual([]);
    expect(h.children.map((c) => [c.qtyUnits, c.priceUnits, c.status])).toEqual([
      [10n, 10_000n, 'filled'],
      [10n, 10_000n, 'filled'],
      [5n, 10_000n, 'filled'],
    ]);
  });

  it('sizes a slice between display × (1 − jitter) and display, on the lot', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), lotArb, (lots, j, u, lot) => {
        const display = lots * lot;
        const s = showSize(display, j, u, lot);
        expect(s).toBeLessThanOrEqual(display);
        expect(s % lot).toBe(0n);
        expect(s).toBeGreaterThanOrEqual(lot);
        expect(Number(s)).toBeGreaterThanOrEqual(Number(display) * (1 - j) - Number(lot) - 1e-6 * Number(display));
      }),
    );
    expect(showSize(100n, 0.2, 0, 1n)).toBe(100n);
    expect(showSize(100n, 0.2, 0.5, 1n)).toBe(90n);
  });
});
