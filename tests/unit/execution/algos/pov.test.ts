import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POV_MIN_GAP_MS, PovAlgo } from '../../../../src/execution/algos/pov.ts';
import { T0, deepStepArb, sideArb, stepArb } from './arbitraries.ts';
import { FakeHarness } from './fake-context.ts';

/** Participation p of all volume means p/(1−p) of others' volume. */
const rate = (p: number) => p / (1 - p);
const ppm = (p: number) => BigInt(Math.round(rate(p) * 1_000_000));
/** The participation target of the algorithm, hand-computed: ⌊others × p/(1−p)⌋ on the lot. */
const target = (p: number, others: bigint, lot: bigint) => {
  const t = (others * ppm(p)) / 1_000_000n;
  return t - (t % lot);
};

describe('POV', () => {
  it('when the book is deep then filled stays at participation × others’ volume, within tolerance over every window', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.02, max: 0.5, noNaN: true }),
        fc.array(deepStepArb, { minLength: 5, maxLength: 60 }),
        sideArb,
        fc.constantFrom(1n, 10n),
        (p, steps, side, lot) => {
          const h = new FakeHarness(() => new PovAlgo(), {
            side,
            qtyUnits: 1_000_000n * lot,
            params: { startAt: T0, endAt: T0 + 120_000, participation: p },
            lotUnits: lot,
            steps,
            stepMs: POV_MIN_GAP_MS,
          }).run();
          expect(h.violations).toEqual([]);
          // Never ahead of the target (a child is never rounded up to run ahead of the market).
          for (const x of h.samples) expect(x.filled + x.working).toBeLessThanOrEqual(target(p, x.others, lot));
          // Right after each market decision the parent is exactly on target (deep book, no min/max).
          const maxStep = BigInt(Math.max(...steps.map((s) => s.volumeLots))) * lot;
          const lastAt = new Map(h.samples.map((x) => [x.t, x]));
          const marketSamples = h.decisions.filter((x) => x.reason === 'market').map((d) => lastAt.get(d.t)!);
          for (const after of marketSamples) expect(after.filled + after.working).toBe(target(p, after.others, lot));
          // Over windows of 40 steps the participation is p, give or take one step's volume and a lot.
          for (let i = 0; i + 40 < marketSamples.length; i += 10) {
            const a = marketSamples[i]!;
            const b = marketSamples[i + 40]!;
            const got = Number((b.filled + b.working) - (a.filled + a.working));
            const want = rate(p) * Number(b.others - a.others);
            expect(Math.abs(got - want)).toBeLessThanOrEqual(rate(p) * Number(maxStep) + Number(lot) + 1e-9);
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('when min and max child sizes are given then every child is within them and the parent is never exceeded', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 400 }),
        fc.array(stepArb, { minLength: 5, maxLength: 60 }),
        sideArb,
        (p, minLots, extra, qtyLots, steps, side) => {
          const min = BigInt(minLots);
          const max = BigInt(minLots + extra);
          const qty = BigInt(qtyLots);
          const h = new FakeHarness(() => new PovAlgo(), {
            side,
            qtyUnits: qty,
            params: { startAt: T0, endAt: T0 + 120_000, participation: p, minChildUnits: min.toString(), maxChildUnits: max.toString() },
            steps,
          }).run();
          expect(h.violations).toEqual([]);
          for (const c of h.children) {
            expect(c.qtyUnits).toBeGreaterThanOrEqual(min);
            // Only a rest of the parent below the minimum may be folded into a child.
            if (c.qtyUnits > max) expect(c.qtyUnits).toBeLessThan(max + min);
            expect(c.tif).toBe('ioc');
          }
          expect(h.children.reduce((a, c) => a + c.filledUnits, 0n)).toBe(h.filled);
          expect(h.filled).toBeLessThanOrEqual(qty);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('when volume trades then it buys its share of it and completes the parent', () => {
    const h = new FakeHarness(() => new PovAlgo(), {
      side: 'buy',
      qtyUnits: 30n,
      params: { startAt: T0, endAt: T0 + 60_000, participation: 0.2 },
      steps: [{ drift: 0, spread: 1, volumeLots: 8, touchLots: 1_000, vol: 0 }],
    }).run();
    expect(h.violations).toEqual([]);
    // 20% of all volume is 25% of others': 8 lots a step → 2 lots a step, 15 steps.
    expect(h.children.map((c) => c.qtyUnits)).toEqual(Array.from({ length: 15 }, () => 2n));
    expect(h.filled).toBe(30n);
    expect(h.children.every((c) => c.priceUnits! >= c.ask!)).toBe(true);
  });

  it('when a max child is set then a burst of volume is worked in pieces, one IOC at a time', () => {
    const h = new FakeHarness(() => new PovAlgo(), {
      side: 'sell',
      qtyUnits: 100n,
      params: { startAt: T0, endAt: T0 + 60_000, participation: 1 / 3, maxChildUnits: '4' },
      steps: [{ drift: 0, spread: 1, volumeLots: 40, touchLots: 1_000, vol: 0 }, ...Array.from({ length: 20 }, () => ({ drift: 0, spread: 1, volumeLots: 0, touchLots: 1_000, vol: 0 }))],
    }).run(T0 + 5_000);
    expect(h.violations).toEqual([]);
    expect(h.children.map((c) => c.qtyUnits)).toEqual([4n, 4n, 4n, 4n, 4n]);
    expect(h.children.every((c) => c.othersWorking === 0)).toBe(true);
    expect(h.children.every((c) => c.priceUnits! <= c.bid!)).toBe(true);
  });
});
