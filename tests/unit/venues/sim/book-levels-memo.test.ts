import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookLevelsMemo } from '../../../../src/venues/sim/book-levels-memo.ts';
import { bookLevels } from '../../../../src/venues/sim/synthetic-book.ts';
import type { BookShape } from '../../../../src/venues/sim/synthetic-book.ts';
import { testInstrument } from '../../../fixtures/engine/instruments.ts';

const BTC = testInstrument('BTC/USD');
const SHAPE: BookShape = { spreadTicks: 2, levelSpacingTicks: 1, levels: 12, levelQty: 0.6 };

describe('BookLevelsMemo', () => {
  it('when asked for any sequence of centres and sides then each answer equals the book built afresh', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 99, max: 101, noNaN: true }), fc.constantFrom('bid' as const, 'ask' as const)), { minLength: 1, maxLength: 40 }), (calls) => {
        const memo = new BookLevelsMemo(BTC, SHAPE);
        for (const [centre, side] of calls) expect(memo.levels(centre, side)).toEqual(bookLevels(BTC, SHAPE, centre, side));
      }),
      { numRuns: 300 },
    );
  });

  it('when the centre moves within the best bid tick, or swings back to a recent one, then the same levels are returned, not rebuilt', () => {
    const memo = new BookLevelsMemo(BTC, SHAPE);
    const a = memo.levels(100.004, 'bid');
    expect(memo.levels(100.006, 'bid')).toBe(a);
    const b = memo.levels(100.5, 'bid');
    expect(b).not.toBe(a);
    expect(memo.levels(100.004, 'bid')).toBe(a);
    expect(memo.levels(100.004, 'ask')).not.toBe(a);
  });
});
