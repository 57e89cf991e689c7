import { describe, expect, it } from 'vitest';
import { volatilityContributions } from '../../../src/portfolio/index.ts';

describe('volatility contributions (Euler)', () => {
  it('when two assets are held then each contribution is w_i(Σw)_i/σ_p as computed by hand, and they sum to the portfolio volatility', () => {
    // σ1 = 20%, σ2 = 10%, ρ = 0.5: Σ = [[0.04, 0.01], [0.01, 0.01]]; w = (0.6, 0.4).
    // Σw = (0.028, 0.010); w'Σw = 0.0168 + 0.0040 = 0.0208; σp = √0.0208.
    const d = volatilityContributions([0.6, 0.4], [
      [0.04, 0.01],
      [0.01, 0.01],
    ]);
    const sp = Math.sqrt(0.0208);
    expect(d.volatility).toBeCloseTo(sp, 15);
    expect(d.contributions[0]).toBeCloseTo(0.0168 / sp, 15);
    expect(d.contributions[1]).toBeCloseTo(0.004 / sp, 15);
    expect(d.contributions[0]! + d.contributions[1]!).toBeCloseTo(sp, 15);
    expect(d.shares[0]).toBeCloseTo(0.0168 / 0.0208, 15);
    expect(d.shares[1]).toBeCloseTo(0.004 / 0.0208, 15);
  });

  it('a hedge contributes negatively; a book with no variance has none', () => {
    const d = volatilityContributions([1, -0.5], [
      [0.04, 0.03],
      [0.03, 0.04],
    ]);
    expect(d.contributions[1]).toBeLessThan(0);
    expect(d.contributions.reduce((a, b) => a + b, 0)).toBeCloseTo(d.volatility, 14);
    expect(volatilityContributions([0, 0], [[0.04, 0], [0, 0.04]])).toEqual({ volatility: 0, contributions: [0, 0], shares: [0, 0] });
  });
});
