import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { riskContributions } from '../../../../renderer/src/features/portfolio/risk-contrib.ts';

/** Euler risk contributions of the Portfolio view, from volatilities and a correlation matrix. */
describe('risk contributions', () => {
  it('when two uncorrelated assets have equal weight and volatility then each carries half the variance', () => {
    const r = riskContributions({ A: 0.5, B: 0.5 }, { A: 0.2, B: 0.2 }, { symbols: ['A', 'B'], matrix: [[1, 0], [0, 1]] });
    expect(r?.rows.map((x) => x.share)).toEqual([0.5, 0.5]);
    expect(r?.volatility).toBeCloseTo(Math.sqrt(0.5 * 0.5 * 0.04 * 2), 12);
    expect(r?.assumedUncorrelated).toBe(false);
  });

  it('when the assets are perfectly correlated then shares follow weight × volatility', () => {
    const r = riskContributions({ A: 0.25, B: 0.75 }, { A: 0.4, B: 0.1 }, { symbols: ['B', 'A'], matrix: [[1, 1], [1, 1]] });
    // w·σ: A 0.1, B 0.075 → shares 0.1/0.175 and 0.075/0.175; σp = 0.175.
    expect(r?.rows.find((x) => x.symbol === 'A')?.share).toBeCloseTo(0.1 / 0.175, 12);
    expect(r?.rows.find((x) => x.symbol === 'B')?.share).toBeCloseTo(0.075 / 0.175, 12);
    expect(r?.volatility).toBeCloseTo(0.175, 12);
  });

  it('when an instrument has no volatility or a pair no correlation then it is reported, not guessed silently', () => {
    const r = riskContributions({ A: 0.5, B: 0.3, C: 0.2, D: 0 }, { A: 0.2, B: 0.3 }, { symbols: ['A'], matrix: [[1]] });
    expect(r?.missing).toEqual(['C']);
    expect(r?.rows.map((x) => x.symbol)).toEqual(['A', 'B']);
    expect(r?.assumedUncorrelated).toBe(true);
    expect(riskContributions({ A: 0.5 }, {}, null)).toBeNull();
  });

  it('shares always sum to one for any long book and valid correlation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.double({ min: 0.05, max: 1.5, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.double({ min: -0.2, max: 0.95, noNaN: true }),
        (ws, vs, rho) => {
          const syms = ws.map((_, i) => `S${i}`);
          const weights = Object.fromEntries(syms.map((s, i) => [s, ws[i] ?? 0]));
          const vols = Object.fromEntries(syms.map((s, i) => [s, vs[i] ?? 0.1]));
          // Equicorrelation ≥ −1/(n−1) keeps the matrix positive semidefinite.
          const r = Math.max(rho, syms.length > 1 ? -1 / (syms.length - 1) + 1e-6 : rho);
          const matrix = syms.map((_, i) => syms.map((__, j) => (i === j ? 1 : r)));
          const out = riskContributions(weights, vols, { symbols: syms, matrix });
          const sum = (out?.rows ?? []).reduce((a, x) => a + x.share, 0);
          expect(sum).toBeCloseTo(1, 9);
        },
      ),
    );
  });
});
