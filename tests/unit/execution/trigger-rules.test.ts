import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TriggerRecord } from '../../../src/core/ports.ts';
import { crosses, evaluateTrigger, ratchet, referencePrice, trailDistance } from '../../../src/execution/trigger-rules.ts';

const base: TriggerRecord = { kind: 'stop', by: 'last', stopPriceUnits: null, trailPercent: null, trailUnits: null, triggeredAt: null, entryId: null, role: null };

describe('trigger rules', () => {
  it('when a stop watches bid-ask then a sell stop reads the bid and a buy stop the ask; by last both read the last trade', () => {
    const px = { last: 100n, bid: 99n, ask: 101n };
    expect(referencePrice({ by: 'bid-ask' }, 'sell', px)).toBe(99n);
    expect(referencePrice({ by: 'bid-ask' }, 'buy', px)).toBe(101n);
    expect(referencePrice({ by: 'last' }, 'sell', px)).toBe(100n);
  });

  it('when the price reaches a sell stop (at or below) or a buy stop (at or above) then it fires', () => {
    expect(crosses('sell', 100n, 100n)).toBe(true);
    expect(crosses('sell', 101n, 100n)).toBe(false);
    expect(crosses('buy', 100n, 100n)).toBe(true);
    expect(crosses('buy', 99n, 100n)).toBe(false);
    expect(evaluateTrigger({ ...base, stopPriceUnits: 9_900n }, 'sell', { last: 9_899n }, 1n)).toEqual({ stopPriceUnits: 9_900n, fire: true });
    expect(evaluateTrigger({ ...base, stopPriceUnits: 9_900n }, 'sell', { last: 9_901n }, 1n).fire).toBe(false);
  });

  it('when the market has no price yet then nothing fires', () => {
    expect(evaluateTrigger({ ...base, stopPriceUnits: 9_900n }, 'sell', {}, 1n).fire).toBe(false);
  });

  it('when a take-profit sees any price then it does not fire (its entry activates it)', () => {
    expect(evaluateTrigger({ ...base, kind: 'take-profit' }, 'sell', { last: 1n }, 1n).fire).toBe(false);
  });

  it('when trailing by 1% at 100.00 then the distance is 1.00, rounded up to the tick', () => {
    expect(trailDistance({ trailPercent: 1, trailUnits: null }, 10_000n, 1n)).toBe(100n);
    expect(trailDistance({ trailPercent: 1, trailUnits: null }, 10_050n, 5n)).toBe(105n);
    expect(trailDistance({ trailPercent: null, trailUnits: 250n }, 10_000n, 1n)).toBe(250n);
  });

  it('property: a trailing stop only ever moves in the order’s favour, fires only when the reference crosses the stop it had, and stays on the tick', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        fc.oneof(fc.record({ trailPercent: fc.double({ min: 0.1, max: 20, noNaN: true }), trailUnits: fc.constant(null) }), fc.record({ trailPercent: fc.constant(null), trailUnits: fc.bigInt({ min: 1n, max: 5_000n }) })),
        fc.constantFrom(1n, 5n, 25n),
        fc.array(fc.bigInt({ min: 1_000n, max: 100_000n }), { minLength: 1, maxLength: 80 }),
        (side, trail, tick, path) => {
          const t: TriggerRecord = { ...base, kind: 'trailing-stop', ...trail };
          const onTick = path.map((p) => (p / tick) * tick);
          let fired = false;
          for (const ref of onTick) {
            const before = t.stopPriceUnits;
            const r = evaluateTrigger(t, side, { last: ref }, tick);
            if (r.fire) {
              expect(before).not.toBeNull();
              expect(crosses(side, ref, before!)).toBe(true);
              fired = true;
              break;
            }
            if (before !== null && r.stopPriceUnits !== null) {
              if (side === 'sell') expect(r.stopPriceUnits >= before).toBe(true);
              else expect(r.stopPriceUnits <= before).toBe(true);
            }
            expect(r.stopPriceUnits! % tick).toBe(0n);
            // Never triggers at once: the stop sits on the far side of the reference it came from.
            if (side === 'sell') expect(r.stopPriceUnits! < ref || r.stopPriceUnits === before).toBe(true);
            else expect(r.stopPriceUnits! > ref || r.stopPriceUnits === before).toBe(true);
            t.stopPriceUnits = r.stopPriceUnits;
          }
          if (!fired && t.stopPriceUnits !== null) expect(ratchet(t, side, onTick.at(-1)!, tick)).toBe(t.stopPriceUnits);
        },
      ),
      { numRuns: 300 },
    );
  });
});
