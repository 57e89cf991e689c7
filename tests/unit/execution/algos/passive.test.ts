import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PassiveAlgo } from '../../../../src/execution/algos/passive.ts';
import { T0, marketArb, sideArb, tickArb } from './arbitraries.ts';
import { FakeHarness } from './fake-context.ts';
import type { FakeStep } from './fake-context.ts';

const calm = (n: number, over: Partial<FakeStep> = {}): FakeStep[] => Array.from({ length: n }, () => ({ drift: 0, spread: 2, volumeLots: 0, touchLots: 50, vol: 0, ...over }));

describe('passive', () => {
  it('never takes liquidity, never has two children working, and never leaves a child a tick off the touch', () => {
    fc.assert(
      fc.property(marketArb, sideArb, tickArb, fc.integer({ min: 1, max: 500 }), fc.option(fc.integer({ min: -6, max: 6 })), (steps, side, tick, qty, capOffset) => {
        // Optional cap, a few ticks around the starting touch.
        const near = side === 'buy' ? 10_000n * tick : 10_000n * tick + BigInt(steps[0]!.spread) * tick;
        const cap = capOffset === null ? null : near + BigInt(capOffset) * tick;
        const lagging: string[] = [];
        const h = new FakeHarness(() => new PassiveAlgo(), {
          side,
          qtyUnits: BigInt(qty),
          limitUnits: cap,
          tickUnits: tick,
          params: { startAt: T0, endAt: T0 + 60_000 },
          steps,
          onDecided: (x) => {
            // After any decision, a child still working and not being cancelled sits at the wanted price.
            const touch = side === 'buy' ? x.bid! : x.ask!;
            let want = cap === null ? touch : side === 'buy' ? (touch < cap ? touch : cap) : touch > cap ? touch : cap;
            const far = side === 'buy' ? x.ask! : x.bid!;
            if (side === 'buy' ? want >= far : want <= far) want = side === 'buy' ? far - tick : far + tick;
            for (const c of x.working()) if (!c.cancelRequested && c.priceUnits !== want) lagging.push(`t=${x.now} ${c.id} at ${c.priceUnits}, touch wants ${want}`);
          },
        }).run();
        expect(h.violations).toEqual([]);
        expect(lagging).toEqual([]);
        for (const c of h.children) {
          expect(c.type).toBe('limit');
          expect(c.tif).toBe('gtc');
          if (side === 'buy') expect(c.priceUnits!).toBeLessThan(c.ask!);
          else expect(c.priceUnits!).toBeGreaterThan(c.bid!);
          expect(c.othersWorking).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('when the bid moves up by a tick then it cancels, waits for the cancel, and rests again at the new bid', () => {
    const steps = [...calm(2), { drift: 1, spread: 2, volumeLots: 0, touchLots: 50, vol: 0 }, ...calm(20)];
    const h = new FakeHarness(() => new PassiveAlgo(), { side: 'buy', qtyUnits: 10n, params: { startAt: T0, endAt: T0 + 5_000 }, steps }).run();
    expect(h.violations).toEqual([]);
    expect(h.children.map((c) => [c.id, c.createdAt - T0, c.priceUnits, c.status])).toEqual([
      ['P1-C1', 0, 10_000n, 'cancelled'],
      ['P1-C2', 755, 10_001n, 'working'], // step 3 at 750 ms moved the bid; the cancel landed 5 ms later
    ]);
  });

  it('when the cap is below the bid then it rests at the cap and stays there', () => {
    const steps = [...calm(3), { drift: 2, spread: 1, volumeLots: 0, touchLots: 50, vol: 0 }, ...calm(10, { drift: -1 })];
    const h = new FakeHarness(() => new PassiveAlgo(), { side: 'buy', qtyUnits: 10n, limitUnits: 9_990n, params: { startAt: T0, endAt: T0 + 3_000 }, steps }).run();
    expect(h.violations).toEqual([]);
    expect(h.children.map((c) => [c.priceUnits, c.status])).toEqual([[9_990n, 'working']]);
  });

  it('when the market trades at its price then it fills as a maker and completes', () => {
    const h = new FakeHarness(() => new PassiveAlgo(), { side: 'sell', qtyUnits: 30n, params: { startAt: T0, endAt: T0 + 60_000 }, steps: calm(1, { volumeLots: 8 }) }).run();
    expect(h.violations).toEqual([]);
    expect(h.filled).toBe(30n);
    expect(h.children).toHaveLength(1);
    expect(h.children[0]!.priceUnits).toBe(10_002n); // the ask, with a 2-tick spread
  });
});
