import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convictionSize, drawdownScale, dynamicSize, kellyBinary, kellyFraction, riskBudgetSize, volatilityTargetScale } from '../../../src/portfolio/sizing.ts';
import { maxQuadraticUtility, minVolatility } from '../../../src/portfolio/frontier.ts';

describe('sizing', () => {
  it('Kelly: f* = (μ − rf)/σ², halved by default, capped', () => {
    expect(kellyFraction(0.1, 0.04, { fraction: 1, cap: 10 })).toBeCloseTo(2.5, 12);
    expect(kellyFraction(0.1, 0.04)).toBe(1); // ½ Kelly = 1.25, capped at 1
    expect(kellyFraction(0.1, 0.04, { fraction: 0.25, cap: 2 })).toBeCloseTo(0.625, 12);
    expect(kellyBinary(0.6, 1, { fraction: 1 })).toBeCloseTo(0.2, 12);
  });
  it('volatility targeting scales a 20%-vol book to 10%, and never gears past the cap', () => {
    const cov = [[0.04]];
    expect(volatilityTargetScale([1], cov, 0.1)).toBeCloseTo(0.5, 12);
    expect(volatilityTargetScale([1], cov, 0.4, 1.5)).toBe(1.5);
  });
  it('risk budget, conviction and drawdown scale', () => {
    expect(riskBudgetSize(0.02, 0.2)).toBeCloseTo(0.1, 12);
    expect(convictionSize(0.1, 0.5)).toBeCloseTo(0.05, 12);
    expect(drawdownScale(0.02)).toBe(1);
    expect(drawdownScale(0.125)).toBeCloseTo(0.5, 12);
    expect(drawdownScale(0.3)).toBe(0);
  });
  it('dynamic sizing: falls with volatility, drawdown and correlation, rises with confidence, capped by capacity; each factor shown', () => {
    const base = { baseWeight: 0.1, confidence: 0.8, volatility: 0.2, referenceVolatility: 0.2, drawdown: 0, correlationWithBook: 0, capacityWeight: 1 };
    const s = dynamicSize(base);
    expect(s.weight).toBeCloseTo(0.08, 12);
    expect(s.factors.map((f) => f.name)).toEqual(['confidence', 'volatility', 'drawdown', 'correlation', 'capacity']);
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 2, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (vol, dd, corr) => {
        const w = dynamicSize({ ...base, volatility: vol, drawdown: dd, correlationWithBook: corr }).weight;
        expect(w).toBeLessThanOrEqual(dynamicSize({ ...base, volatility: Math.min(vol, 0.2) }).weight + 1e-15);
        expect(dynamicSize({ ...base, volatility: vol * 2, drawdown: dd, correlationWithBook: corr }).weight).toBeLessThanOrEqual(w + 1e-15);
        expect(dynamicSize({ ...base, volatility: vol, drawdown: dd, correlationWithBook: corr, confidence: 1 }).weight).toBeGreaterThanOrEqual(w - 1e-15);
      }),
    );
    expect(dynamicSize({ ...base, capacityWeight: 0.01 }).weight).toBe(0.01);
  });
  it('gate, not filter: an instrument L1 would refuse is marked and not sized', () => {
    const s = dynamicSize({ baseWeight: 0.1, confidence: 1, volatility: 0.2, referenceVolatility: 0.2, drawdown: 0, correlationWithBook: 0, capacityWeight: 1, gate: { refused: true, codes: ['CONCENTRATION'] } });
    expect(s).toMatchObject({ weight: 0, gated: true });
    expect(s.factors[0]!.input).toBe('CONCENTRATION');
  });
});

describe('optimiser invariants (property): weights within bounds, summing to 1 (0 market neutral)', () => {
  // Random well-conditioned covariances: A Aᵀ + 0.01 I.
  const arb = fc.record({
    a: fc.array(fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: 5, maxLength: 5 }), { minLength: 5, maxLength: 5 }),
    mu: fc.array(fc.double({ min: -0.1, max: 0.3, noNaN: true }), { minLength: 5, maxLength: 5 }),
    hi: fc.constantFrom(0.3, 0.5, 1),
    neutral: fc.boolean(),
  });
  it('min volatility and max quadratic utility respect bounds and the budget', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async ({ a, mu, hi, neutral }) => {
        const cov = a.map((r, i) => a.map((s, j) => r.reduce((acc, x, k) => acc + x * s[k]!, 0) + (i === j ? 0.01 : 0)));
        const lo = neutral ? -hi : 0;
        const opts = { bounds: [lo, hi] as [number, number], marketNeutral: neutral };
        for (const w of [await minVolatility(cov, opts), await maxQuadraticUtility(mu, cov, 2, opts)]) {
          for (const x of w) {
            expect(x).toBeGreaterThanOrEqual(lo - 1e-9);
            expect(x).toBeLessThanOrEqual(hi + 1e-9);
          }
          expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(neutral ? 0 : 1, 8);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('optimiser regressions', () => {
  it('when HiGHS fails outright on a strictly convex market-neutral utility problem then the ridged retry and polish give the exact optimum', async () => {
    // Found by the property above (seed 313944760): HiGHS 1.x reports "run failed" on it.
    const a = [[-0.276887462097269, 0, 0, 0, -0.3], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]];
    const cov = a.map((r, i) => a.map((s, j) => r.reduce((acc, x, k) => acc + x * s[k]!, 0) + (i === j ? 0.01 : 0)));
    const mu = [0, 0, 0, 0, -0.012272459874889632];
    const w = await maxQuadraticUtility(mu, cov, 2, { bounds: [-0.3, 0.3], marketNeutral: true });
    // KKT by hand: w4 sits on its lower bound; the free weights share one multiplier λ with
    // 2Σ_ff w_f + 2Σ_f4 w4 − μ_f = λ and Σ w = 0. Assets 1–3 are alike (σ² = 0.01, uncorrelated).
    expect(w[4]).toBeCloseTo(-0.3, 12);
    expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(0, 12);
    expect(w[1]).toBeCloseTo(w[2]!, 12);
    expect(w[2]).toBeCloseTo(w[3]!, 12);
    const grad = (i: number) => 2 * cov[i]!.reduce((s, c, j) => s + c * w[j]!, 0) - mu[i]!;
    expect(grad(0)).toBeCloseTo(grad(1), 10);
    // Moving weight off the bound would raise the objective: its gradient exceeds the multiplier.
    expect(grad(4)).toBeGreaterThan(grad(1) - 1e-12);
  });

  it('when HiGHS fails on every retry then the fallback solver\'s answer is optimal: no transfer between two weights lowers the objective', async () => {
    // Two more problems the property found (HiGHS reports "run failed" or a false "infeasible").
    const cases = [
      { a: [[0.26946782852002776, 0, 0, 0, 0], [-0.23730942575251068, 0, 0, 0, -0.25555555556651477], [0, 0, 0, 0, 0], [0, 0, 0, -1.686696920196976e-8, 0.3], [0, 0, 0, 0, 0]], mu: [0, 0, 0, 0, -0.0980337681100622], hi: 0.3 },
      { a: [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, -0.2732808324047067, 0, 0], [0, 0, 0.3, 0, 0]], mu: [0, 0, 0, -0.07619054983284688, 0], hi: 0.3 },
    ];
    for (const { a, mu, hi } of cases) {
      const cov = a.map((r, i) => a.map((s, j) => r.reduce((acc, x, k) => acc + x * s[k]!, 0) + (i === j ? 0.01 : 0)));
      const w = await maxQuadraticUtility(mu, cov, 2, { bounds: [-hi, hi], marketNeutral: true });
      const f = (x: readonly number[]) => cov.reduce((acc, row, i) => acc + x[i]! * row.reduce((t, c, j) => t + c * x[j]!, 0), 0) - mu.reduce((acc, m, i) => acc + m * x[i]!, 0);
      expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(0, 12);
      const best = f(w);
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 5; j++) {
          if (i === j) continue;
          const e = Math.min(1e-4, hi - w[i]!, w[j]! + hi);
          if (e <= 0) continue;
          const x = [...w];
          x[i]! += e;
          x[j]! -= e;
          expect(f(x)).toBeGreaterThanOrEqual(best - 1e-15);
        }
      }
    }
  });
});
