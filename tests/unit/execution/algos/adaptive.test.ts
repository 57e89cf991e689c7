import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Urgency } from '../../../../src/contract/dto.ts';
import { AdaptiveAlgo, CROSS_AT, adaptivePrice, aggression } from '../../../../src/execution/algos/adaptive.ts';
import type { AggressionInputs } from '../../../../src/execution/algos/adaptive.ts';
import { T0, marketArb, sideArb, urgencyArb } from './arbitraries.ts';
import { FakeHarness } from './fake-context.ts';
import type { FakeStep } from './fake-context.ts';

const inputsArb: fc.Arbitrary<AggressionInputs> = fc.record({
  urgency: urgencyArb,
  halfSpread: fc.double({ min: 0, max: 0.01, noNaN: true }),
  vol: fc.double({ min: 0, max: 0.01, noNaN: true }),
  tauSec: fc.double({ min: 0.1, max: 600, noNaN: true }),
  lateness: fc.double({ min: -1, max: 5, noNaN: true }),
});
const ORDER: Urgency[] = ['low', 'medium', 'high', 'immediate'];

describe('adaptive aggression', () => {
  it('is in [0, 1]; rises with urgency, (known) volatility and lateness; falls as the spread widens', () => {
    fc.assert(
      fc.property(inputsArb, fc.double({ min: 0, max: 0.01, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), (i, more, later) => {
        const a = aggression(i);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
        // (σ = 0 means "unknown" and is neutral, ρ = ½: monotone among known volatilities.)
        if (i.vol > 0) expect(aggression({ ...i, vol: i.vol + more })).toBeGreaterThanOrEqual(a - 1e-12);
        expect(aggression({ ...i, halfSpread: i.halfSpread + more })).toBeLessThanOrEqual(a + 1e-12);
        expect(aggression({ ...i, lateness: i.lateness + later })).toBeGreaterThanOrEqual(a - 1e-12);
        const k = ORDER.indexOf(i.urgency);
        if (k + 1 < ORDER.length) expect(aggression({ ...i, urgency: ORDER[k + 1]! })).toBeGreaterThanOrEqual(a);
      }),
    );
  });

  it('follows the documented formula', () => {
    const base = { halfSpread: 0.0005, vol: 0, tauSec: 15, lateness: 0 };
    expect(aggression({ ...base, urgency: 'low' })).toBeCloseTo(0.1);
    expect(aggression({ ...base, urgency: 'medium' })).toBeCloseTo(0.35);
    expect(aggression({ ...base, urgency: 'high' })).toBeCloseTo(0.6);
    expect(aggression({ ...base, urgency: 'immediate' })).toBeCloseTo(0.9);
    // Needing twice the planned pace: + 0.3; the risk term: m = σ√τ = 0.0005 = h → ρ = ½ → + 0.
    expect(aggression({ ...base, urgency: 'medium', lateness: 1 })).toBeCloseTo(0.65);
    expect(aggression({ ...base, urgency: 'medium', vol: 0.0005 / Math.sqrt(15) })).toBeCloseTo(0.35);
    // m = 3h → ρ = ¾ → + 0.1.
    expect(aggression({ ...base, urgency: 'medium', vol: 0.0015 / Math.sqrt(15) })).toBeCloseTo(0.45);
    expect(aggression({ ...base, urgency: 'high', lateness: 9 })).toBe(1);
    expect(aggression({ ...base, urgency: 'low', lateness: 9 })).toBeCloseTo(0.7);
  });
});

describe('adaptive price', () => {
  it('rests inside the spread below CROSS_AT, takes at or through the far touch above it, rises with aggression, and obeys the cap', () => {
    fc.assert(
      fc.property(
        sideArb,
        fc.integer({ min: 1, max: 12 }),
        fc.option(fc.integer({ min: -20, max: 40 })),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (side, spread, capOffset, a1, a2) => {
          const bid = 100_000n;
          const ask = bid + BigInt(spread);
          const near = side === 'buy' ? bid : ask;
          const cap = capOffset === null ? null : near + BigInt(side === 'buy' ? capOffset : -capOffset);
          const h = new FakeHarness(() => new AdaptiveAlgo(), {
            side,
            qtyUnits: 10n,
            limitUnits: cap,
            params: { startAt: T0, endAt: T0 + 1 },
            steps: [{ drift: 0, spread, volumeLots: 0, touchLots: 1, vol: 0 }],
            startBidTicks: bid,
          });
          const ctx = h.ctx(() => undefined);
          const [lo, hi] = a1 <= a2 ? [a1, a2] : [a2, a1];
          const p1 = adaptivePrice(ctx, lo);
          const p2 = adaptivePrice(ctx, hi);
          for (const [a, p] of [[lo, p1], [hi, p2]] as const) {
            expect(p).toBeDefined();
            const px = p!.priceUnits;
            if (cap !== null) expect(side === 'buy' ? px <= cap : px >= cap).toBe(true);
            if (p!.tif === 'gtc') expect(side === 'buy' ? px < ask : px > bid).toBe(true);
            else {
              expect(a).toBeGreaterThanOrEqual(CROSS_AT);
              expect(side === 'buy' ? px >= ask && px <= ask + (ask * 20n) / 10_000n : px <= bid && px >= bid - (bid * 20n) / 10_000n).toBe(true);
            }
            if (cap === null && a < CROSS_AT) expect(side === 'buy' ? px >= bid : px <= ask).toBe(true);
            if (cap === null && a >= CROSS_AT) expect(p!.tif).toBe('ioc');
          }
          // More aggression never gives a less aggressive price.
          if (side === 'buy') expect(p2!.priceUnits).toBeGreaterThanOrEqual(p1!.priceUnits);
          else expect(p2!.priceUnits).toBeLessThanOrEqual(p1!.priceUnits);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('maps aggression to ticks as documented', () => {
    const h = new FakeHarness(() => new AdaptiveAlgo(), { side: 'buy', qtyUnits: 10n, params: { startAt: T0, endAt: T0 + 1 }, steps: [{ drift: 0, spread: 7, volumeLots: 0, touchLots: 1, vol: 0 }], startBidTicks: 100_000n });
    const ctx = h.ctx(() => undefined);
    expect(adaptivePrice(ctx, 0)).toEqual({ priceUnits: 100_000n, tif: 'gtc' }); // the bid
    expect(adaptivePrice(ctx, 0.3)).toEqual({ priceUnits: 100_003n, tif: 'gtc' }); // ⌊0.5 × 6⌋ ticks in
    expect(adaptivePrice(ctx, 0.5999)).toEqual({ priceUnits: 100_005n, tif: 'gtc' }); // one tick under the ask
    expect(adaptivePrice(ctx, CROSS_AT)).toEqual({ priceUnits: 100_007n, tif: 'ioc' }); // the ask
    expect(adaptivePrice(ctx, 0.8)).toEqual({ priceUnits: 100_007n + 100n, tif: 'ioc' }); // half the collar (200 ticks)
    expect(adaptivePrice(ctx, 1)).toEqual({ priceUnits: 100_007n + 200n, tif: 'ioc' });
  });
});

const quiet = (spread: number, volumeLots = 0): FakeStep[] => [{ drift: 0, spread, volumeLots, touchLots: 1_000, vol: 0 }];

describe('adaptive', () => {
  it('when urgency is medium and nothing trades then it rests inside the spread, steps up as it falls behind, then crosses', () => {
    const h = new FakeHarness(() => new AdaptiveAlgo(), {
      side: 'buy',
      qtyUnits: 40n,
      urgency: 'medium',
      params: { startAt: T0, endAt: T0 + 40_000, slices: 4 },
      steps: quiet(4), // bid 10 000, ask 10 004: 3 ticks of room inside
    }).run();
    expect(h.violations).toEqual([]);
    // a = 0.35 + 0.3 × b, b = 40 / (40 × (1 − t/40 s)) − 1; inside = ⌊a/0.6 × 3⌋ ticks; cancels land 5 ms later.
    // A resting child is re-priced only for a new slice, a far-touch move or an aggression change ≥ AGGRESSION_STEP.
    expect(h.children.slice(0, 3).map((c) => [c.createdAt - T0, c.tif, c.priceUnits, c.qtyUnits, c.status])).toEqual([
      [0, 'gtc', 10_001n, 10n, 'cancelled'], // a = 0.35 → 1 tick in
      [10_005, 'gtc', 10_002n, 20n, 'cancelled'], // slice 2 made 20 due: re-sent for the whole due, a ≈ 0.45 → 2 ticks in
      [18_255, 'ioc', 10_004n, 20n, 'filled'], // a ≥ 0.6 from t = 18.18 s: takes at the ask
    ]);
    expect(h.filled).toBe(40n);
    expect(h.children.every((c) => c.othersWorking === 0)).toBe(true);
  });

  it('when urgency is low it still finishes by the end time: lateness grows without bound as time runs out', () => {
    const h = new FakeHarness(() => new AdaptiveAlgo(), {
      side: 'buy',
      qtyUnits: 400n,
      urgency: 'low',
      params: { startAt: T0, endAt: T0 + 40_000, slices: 4 },
      steps: quiet(1, 2), // a trickle of volume: resting children fill a little
    }).run();
    expect(h.violations).toEqual([]);
    expect(h.filled).toBe(400n);
    expect(h.children.filter((c) => c.tif === 'gtc').reduce((a, c) => a + c.filledUnits, 0n)).toBeGreaterThan(0n);
    expect(h.children.at(-1)!.tif).toBe('ioc');
  });

  it('when urgency is high it takes at once; when low it waits at the bid', () => {
    const run = (urgency: Urgency) =>
      new FakeHarness(() => new AdaptiveAlgo(), { side: 'sell', qtyUnits: 40n, urgency, params: { startAt: T0, endAt: T0 + 40_000, slices: 4 }, steps: quiet(4) }).run(T0 + 1_000);
    const high = run('high');
    expect(high.children[0]).toMatchObject({ tif: 'ioc', priceUnits: 10_000n }); // the bid, a = 0.6
    const low = run('low');
    expect(low.children[0]).toMatchObject({ tif: 'gtc', priceUnits: 10_004n }); // the ask (near touch for a sell)
  });

  it('when a new slice makes more due than the resting child holds then it cancels and re-prices for the whole due', () => {
    // Resting buys fill a little (volume 2 lots, half to us) so it stays on the passive side.
    const h = new FakeHarness(() => new AdaptiveAlgo(), {
      side: 'buy',
      qtyUnits: 400n,
      urgency: 'low',
      params: { startAt: T0, endAt: T0 + 40_000, slices: 4 },
      steps: quiet(1, 2),
    }).run(T0 + 10_100);
    expect(h.violations).toEqual([]);
    const c1 = h.children[0]!;
    expect([c1.qtyUnits, c1.status]).toEqual([100n, 'cancelled']);
    expect(c1.doneAt! - T0).toBe(10_005);
    const c2 = h.children[1]!;
    expect(c2.createdAt - T0).toBe(10_005);
    expect(c2.qtyUnits).toBe(200n - h.children[0]!.filledUnits);
  });

  it('under any market it keeps one child at a time, never rests across the spread, and takes only at or through the far touch', () => {
    fc.assert(
      fc.property(marketArb, sideArb, urgencyArb, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 300 }), (steps, side, urgency, slices, qty) => {
        const h = new FakeHarness(() => new AdaptiveAlgo(), {
          side,
          urgency,
          qtyUnits: BigInt(qty),
          params: { startAt: T0, endAt: T0 + 60_000, slices },
          steps,
        }).run();
        expect(h.violations).toEqual([]);
        for (const c of h.children) {
          expect(c.othersWorking).toBe(0);
          const crosses = side === 'buy' ? c.priceUnits! >= c.ask! : c.priceUnits! <= c.bid!;
          expect(crosses).toBe(c.tif === 'ioc');
        }
      }),
      { numRuns: 150 },
    );
  });
});
