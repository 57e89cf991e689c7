import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mean, normalCdf, normalPdf, normalQuantile, quantileLinear, sampleStd, sampleVariance } from '../../../src/pms/stats.ts';

describe('moments', () => {
  it('when given [2, 4, 4, 4, 5, 5, 7, 9] then mean is 5 and the n−1 variance is 32/7', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(sampleVariance(xs)).toBeCloseTo(32 / 7, 14);
    expect(sampleStd(xs)).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });

  it('when there are too few values or a non-finite one then it throws', () => {
    expect(() => mean([])).toThrow(RangeError);
    expect(() => sampleVariance([1])).toThrow(RangeError);
    expect(() => mean([1, Number.NaN])).toThrow(/not a finite/);
  });
});

describe('quantileLinear (numpy default "linear")', () => {
  it('when the level falls between two order statistics then it interpolates like numpy.quantile', () => {
    // Arrange: numpy.quantile([1, 2, 3, 4, 10], 0.95) = 8.799999999999999 (h = 3.8, 10 − 6·0.2).
    const xs = [10, 3, 1, 4, 2];
    // Act / Assert: the exact float numpy prints, from its g ≥ 0.5 branch b − (b − a)(1 − g).
    expect(quantileLinear(xs, 0.95)).toBe(8.799999999999999);
    // numpy.quantile([0.1, 0.7, 0.2, 0.3], 0.99) = 0.6879999999999998 (h = 2.97).
    expect(quantileLinear([0.1, 0.7, 0.2, 0.3], 0.99)).toBe(0.6879999999999998);
    // Where the two-sided lerp matters in the last bit: numpy prints 6.643999999999999 (a + (b − a)·g gives 6.644).
    expect(quantileLinear([-9.96, -9.43, -8.12, -1.34, -1.09, 3.03, 5.25, 5.77, 6.72], 0.99)).toBe(6.643999999999999);
    // g < 0.5 branch: [1, 2, 3, 4, 10] at 0.3 → h = 1.2 → 2 + 1·0.2.
    expect(quantileLinear(xs, 0.3)).toBeCloseTo(2.2, 15);
  });

  it('when the level is 0, 0.5 or 1 then it gives the min, the median and the max', () => {
    expect(quantileLinear([5, 1, 3], 0)).toBe(1);
    expect(quantileLinear([5, 1, 3], 0.5)).toBe(3);
    expect(quantileLinear([5, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantileLinear([5, 1, 3], 1)).toBe(5);
    expect(quantileLinear([7], 0.99)).toBe(7);
  });

  it('when the input is empty or the level is outside [0, 1] then it throws', () => {
    expect(() => quantileLinear([], 0.5)).toThrow(RangeError);
    expect(() => quantileLinear([1], 1.01)).toThrow(RangeError);
    expect(() => quantileLinear([1], Number.NaN)).toThrow(RangeError);
  });

  it('property: the quantile lies between min and max and does not decrease with the level', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, p, q) => {
        const [lo, hi] = p <= q ? [p, q] : [q, p];
        const a = quantileLinear(xs, lo);
        const b = quantileLinear(xs, hi);
        expect(a).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(b).toBeLessThanOrEqual(Math.max(...xs));
        expect(b).toBeGreaterThanOrEqual(a);
      }),
    );
  });
});

describe('standard normal', () => {
  it('when asked for the VaR quantiles then z95 = 1.6448536269514722 and z99 = 2.3263478740408408', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 14);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 12);
  });

  it('when evaluated at known points then pdf and cdf match the tables', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 15);
    expect(normalPdf(1.6448536269514722)).toBeCloseTo(0.10313564037537128, 14);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalCdf(-2)).toBeCloseTo(0.022750131948179195, 15);
    // Far tail: relative error below 1e-8.
    expect(Math.abs(normalCdf(-8) / 6.22096057427178e-16 - 1)).toBeLessThan(1e-8);
  });

  it('when p is outside (0, 1) then the quantile throws', () => {
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it('property: Φ(Φ⁻¹(p)) = p', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }), (p) => {
        expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 13);
      }),
    );
  });
});
