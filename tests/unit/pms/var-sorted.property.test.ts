import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantileSorted } from '../../../src/pms/stats.ts';
import { historicalFromLosses, historicalFromSorted, scenarioPnl, sortedLossesOfOne, sortLosses } from '../../../src/pms/var.ts';

/** The figures as computed before the typed-array sort: a comparator sort of a plain array. */
function reference(losses: number[], confidence: number) {
  const sorted = [...losses].sort((a, b) => a - b);
  const valueAtRisk = quantileSorted(sorted, confidence);
  let excess = 0;
  let tailCount = 0;
  for (let i = sorted.length - 1; i >= 0 && sorted[i]! >= valueAtRisk; i--) {
    excess += sorted[i]! - valueAtRisk;
    tailCount++;
  }
  return { method: 'historical', confidence, valueAtRisk: valueAtRisk + 0, expectedShortfall: valueAtRisk + excess / tailCount + 0, scenarios: sorted.length, tailCount };
}

// Losses with ties, zeros of both signs and tiny and large magnitudes, as P&L scenarios have.
const loss = fc.oneof(fc.constantFrom(0, -0, 1, -1, 1e-300), fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.integer({ min: -50, max: 50 }));

describe('historical VaR over a typed-array sort', () => {
  it('when losses are sorted once by sortLosses then every level gives the comparator sort’s figures to the bit', () => {
    fc.assert(
      fc.property(fc.array(loss, { minLength: 1, maxLength: 300 }), fc.double({ min: 0.5, max: 0.999, noNaN: true }), (losses, a) => {
        const want = reference(losses, a);
        expect(historicalFromSorted(sortLosses(losses), a)).toEqual(want);
        expect(historicalFromLosses(losses, a)).toEqual(want);
      }),
      { numRuns: Number(process.env.NUM_RUNS ?? 200) },
    );
  });

  it('when one position’s losses come in order from its sorted returns then they are the sorted scenario losses, and the figures the same to the bit', () => {
    const ret = fc.oneof(fc.constantFrom(0, -0, 0.01, -0.01), fc.double({ min: -0.5, max: 0.5, noNaN: true }));
    const value = fc.oneof(fc.constantFrom(0, -0, 1, -1), fc.double({ min: -1e7, max: 1e7, noNaN: true }));
    fc.assert(
      fc.property(fc.array(ret, { minLength: 1, maxLength: 300 }), value, fc.double({ min: 0.5, max: 0.999, noNaN: true }), (returns, v, a) => {
        const losses = scenarioPnl({ A: v }, { symbols: ['A'], times: returns.map((_, i) => i + 1), values: returns.map((r) => [r]) }).map((p) => -p);
        const viaReturns = sortedLossesOfOne(v, Float64Array.from(returns).sort());
        // The same numbers in the same order (a zero's sign aside, which no figure keeps).
        expect(Array.from(viaReturns, (x) => x + 0)).toEqual(Array.from(sortLosses(losses), (x) => x + 0));
        expect(historicalFromSorted(viaReturns, a)).toEqual(reference(losses, a));
      }),
      { numRuns: Number(process.env.NUM_RUNS ?? 200) },
    );
  });

  it('when a loss is NaN then it is refused rather than sorted anywhere', () => {
    expect(() => sortLosses([1, Number.NaN])).toThrow(RangeError);
  });
});
