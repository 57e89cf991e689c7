import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PrecisionError,
  divFloor,
  divRound,
  fromUnits,
  isMultipleOf,
  pow10,
  rescale,
  roundDownToStep,
  roundToStep,
  toDecimalString,
  toUnits,
} from '../../../src/core/precision.ts';

function precisionCode(fn: () => unknown): PrecisionError['code'] | 'no error' | 'other error' {
  try {
    fn();
    return 'no error';
  } catch (err) {
    return err instanceof PrecisionError ? err.code : 'other error';
  }
}

describe('toUnits', () => {
  it.each([
    // [input, decimals, expected units]
    [0.1, 1, 1n],
    [0.1, 8, 10_000_000n],
    ['0.10', 2, 10n],
    ['0.10', 1, 1n],
    ['0.10000', 2, 10n],
    [1e-7, 8, 10n],
    [1e-7, 7, 1n],
    ['1e3', 0, 1000n],
    ['1E3', 2, 100_000n],
    ['1.5e-2', 3, 15n],
    ['2.5e+1', 0, 25n],
    [1e21, 0, 10n ** 21n],
    ['123.456', 3, 123_456n],
    ['  42 ', 0, 42n],
    ['+7.25', 2, 725n],
    ['-7.25', 2, -725n],
    [-0.5, 1, -5n],
    [0, 4, 0n],
    ['0', 0, 0n],
    ['-0', 2, 0n],
    [64250.01, 2, 6_425_001n],
    [0.00001, 5, 1n],
    ['99999999999999999999.99', 2, 9_999_999_999_999_999_999_999n],
  ] as const)('when parsing %s at %i decimals then it gives exactly %s units', (value, decimals, expected) => {
    expect(toUnits(value, decimals)).toBe(expected);
  });

  it('when the float 0.1 + 0.2 is parsed then its shortest text is taken, not the binary value', () => {
    // 0.1 + 0.2 === 0.30000000000000004: 17 decimals, so 8 decimals must refuse it rather than round.
    expect(precisionCode(() => toUnits(0.1 + 0.2, 8))).toBe('TOO_MANY_DECIMALS');
    expect(toUnits(0.1 + 0.2, 17)).toBe(30_000_000_000_000_004n);
  });

  it.each([
    ['0.123', 2],
    [0.001, 2],
    [1e-7, 6],
    ['1.5e-3', 3],
    ['0.105', 2],
  ] as const)('when %s has more decimals than %i then it throws TOO_MANY_DECIMALS instead of rounding', (value, decimals) => {
    expect(precisionCode(() => toUnits(value, decimals))).toBe('TOO_MANY_DECIMALS');
  });

  it.each([
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [Number.NEGATIVE_INFINITY],
    ['NaN'],
    ['Infinity'],
    [''],
    ['   '],
    ['abc'],
    ['1,5'],
    ['1.2.3'],
    ['.5'],
    ['5.'],
    ['1e'],
    ['e5'],
    ['0x10'],
    ['--1'],
    ['1 000'],
    ['1e3.5'],
  ] as const)('when given %s then it throws NOT_A_NUMBER', (value) => {
    expect(precisionCode(() => toUnits(value, 8))).toBe('NOT_A_NUMBER');
  });
});

describe('fromUnits and toDecimalString', () => {
  it.each([
    [1250n, 2, '12.5', 12.5],
    [-1n, 3, '-0.001', -0.001],
    [300n, 2, '3', 3],
    [0n, 8, '0', 0],
    [-123_456_789n, 8, '-1.23456789', -1.23456789],
    [5n, 0, '5', 5],
    [100_000_000n, 8, '1', 1],
  ] as const)('when %s units at %i decimals are shown then the text is %s and the number %s', (units, decimals, text, num) => {
    expect(toDecimalString(units, decimals)).toBe(text);
    expect(fromUnits(units, decimals)).toBe(num);
  });

  it('when decimals are beyond the supported range then pow10 throws OUT_OF_RANGE', () => {
    expect(precisionCode(() => pow10(41))).toBe('OUT_OF_RANGE');
    expect(precisionCode(() => pow10(-1))).toBe('OUT_OF_RANGE');
    expect(pow10(40)).toBe(10n ** 40n);
  });

  it('when any bigint of up to 15 significant digits goes to a number and back then it is unchanged', () => {
    const safe = 10n ** 15n - 1n;
    fc.assert(
      fc.property(fc.bigInt({ min: -safe, max: safe }), fc.integer({ min: 0, max: 12 }), (u, decimals) => {
        expect(toUnits(fromUnits(u, decimals), decimals)).toBe(u);
      }),
      { numRuns: 2000 },
    );
  });

  it('when any bigint is shown as a number then it equals the number its decimal text parses to (the fast path changes nothing)', () => {
    const edge = BigInt(Number.MAX_SAFE_INTEGER);
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: -edge - 5n, max: -edge + 5n }), fc.bigInt({ min: edge - 5n, max: edge + 5n })),
        fc.integer({ min: 0, max: 30 }),
        (u, decimals) => {
          expect(Object.is(fromUnits(u, decimals), Number(toDecimalString(u, decimals)))).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('when any bigint of any size goes to decimal text and back then it is unchanged', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 18 }), (u, decimals) => {
        expect(toUnits(toDecimalString(u, decimals), decimals)).toBe(u);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('divRound', () => {
  it.each([
    // n, d, expected: halves go away from zero, everything else to the nearest
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [5n, -2n, -3n],
    [-5n, -2n, 3n],
    [7n, 2n, 4n],
    [-7n, 2n, -4n],
    [4n, 3n, 1n],
    [5n, 3n, 2n],
    [-4n, 3n, -1n],
    [-5n, 3n, -2n],
    [1n, 3n, 0n],
    [-1n, 3n, 0n],
    [15n, 10n, 2n],
    [14n, 10n, 1n],
    [-15n, 10n, -2n],
    [-14n, 10n, -1n],
    [0n, 7n, 0n],
    [9n, 3n, 3n],
  ] as const)('when %s is divided by %s then it rounds to %s', (n, d, expected) => {
    expect(divRound(n, d)).toBe(expected);
  });

  it('when dividing by zero then it throws OUT_OF_RANGE', () => {
    expect(precisionCode(() => divRound(1n, 0n))).toBe('OUT_OF_RANGE');
  });

  it('when compared with the exact quotient then the error is at most one half, and halves go away from zero', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }).filter((d) => d !== 0n), (n, d) => {
        const q = divRound(n, d);
        // |n - q*d| * 2 <= |d|, with equality only when q is the one farther from zero.
        const err = n - q * d;
        const twice = 2n * (err < 0n ? -err : err);
        const ad = d < 0n ? -d : d;
        expect(twice <= ad).toBe(true);
        // On an exact half, |q*d| is the larger of the two candidates: the result went away from zero.
        const abs = (x: bigint): bigint => (x < 0n ? -x : x);
        if (twice === ad) expect(abs(q * d) > abs(n)).toBe(true);
        // Symmetric: negating the numerator negates the result.
        expect(divRound(-n, d)).toBe(-q);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('divFloor and rescale', () => {
  it.each([
    [7n, 2n, 3n],
    [-7n, 2n, -4n],
    [7n, -2n, -4n],
    [-7n, -2n, 3n],
    [-6n, 2n, -3n],
  ] as const)('when %s is floor-divided by %s then it gives %s', (n, d, expected) => {
    expect(divFloor(n, d)).toBe(expected);
  });

  it('when rescaling up then it multiplies exactly, and down then it rounds half away from zero', () => {
    expect(rescale(125n, 2, 4)).toBe(12_500n);
    expect(rescale(125n, 2, 1)).toBe(13n);
    expect(rescale(-125n, 2, 1)).toBe(-13n);
    expect(rescale(124n, 2, 1)).toBe(12n);
    expect(rescale(7n, 3, 3)).toBe(7n);
  });
});

describe('steps', () => {
  it.each([
    // units, step, nearest (half away from zero), down (towards zero)
    [1234n, 5n, 1235n, 1230n],
    [1232n, 5n, 1230n, 1230n],
    [1233n, 5n, 1235n, 1230n],
    [1230n, 5n, 1230n, 1230n],
    [1250n, 100n, 1300n, 1200n],
    [1249n, 100n, 1200n, 1200n],
    [-1250n, 100n, -1300n, -1200n],
    [-1249n, 100n, -1200n, -1200n],
    [0n, 10n, 0n, 0n],
    [7n, 1n, 7n, 7n],
  ] as const)('when %s is put on a step of %s then nearest is %s and down is %s', (units, step, nearest, down) => {
    expect(roundToStep(units, step)).toBe(nearest);
    expect(roundDownToStep(units, step)).toBe(down);
  });

  it('when any value is rounded to a step then the result is on the step and within half a step (nearest) or below by less than a step (down)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), (u, step) => {
        const near = roundToStep(u, step);
        const down = roundDownToStep(u, step);
        expect(isMultipleOf(near, step)).toBe(true);
        expect(isMultipleOf(down, step) || down === 0n).toBe(true);
        const dn = near > u ? near - u : u - near;
        expect(2n * dn <= step).toBe(true);
        expect(down <= u && u - down < step).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('when a step is zero or negative then nothing is a multiple of it', () => {
    expect(isMultipleOf(10n, 0n)).toBe(false);
    expect(isMultipleOf(10n, -5n)).toBe(false);
    expect(isMultipleOf(10n, 5n)).toBe(true);
    expect(isMultipleOf(11n, 5n)).toBe(false);
    expect(isMultipleOf(0n, 5n)).toBe(true);
  });
});
