import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WeightConstraints } from '../../../src/portfolio/constraints.ts';
import { minCvar } from '../../../src/portfolio/cvar.ts';
import { PortfolioError } from '../../../src/portfolio/errors.ts';
import { frameFromRows } from '../../../src/portfolio/frame.ts';
import { efficientReturn, efficientRisk, maxQuadraticUtility, maxSharpe, minVolatility } from '../../../src/portfolio/frontier.ts';
import { fixedSize } from '../../../src/portfolio/sizing.ts';

/**
 * Properties of the optimisers min-volatility/max-utility do not cover (sizing.test.ts has those):
 * on random small well-conditioned problems, max Sharpe, efficient risk, efficient return and min
 * CVaR give weights within their bounds, summing to the budget (1, 1 − cash buffer, or 0 market
 * neutral), inside every group cap, and meeting their own target.
 */

const N = 5;
const TOL = 1e-8;
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const vol = (cov: number[][], w: readonly number[]) => Math.sqrt(dot(w, cov.map((r) => dot(r, w))));

// Covariance A Aᵀ + 0.01 I (well conditioned); μ with at least one asset above the risk-free rate.
const problem = fc.record({
  a: fc.array(fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: N, maxLength: N }), { minLength: N, maxLength: N }),
  mu: fc.array(fc.double({ min: -0.1, max: 0.3, noNaN: true }), { minLength: N, maxLength: N }),
  hi: fc.constantFrom(0.3, 0.5, 1),
  // 'neutral' only where the method takes it (not max Sharpe); groups: assets 0–2 vs 3–4.
  variant: fc.constantFrom('plain', 'neutral', 'cash', 'groups'),
  t: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
});
type Problem = { a: number[][]; mu: number[]; hi: number; variant: string; t: number };

function setUp(p: Problem, neutralAllowed: boolean) {
  const cov = p.a.map((r, i) => p.a.map((s, j) => dot(r, s) + (i === j ? 0.01 : 0)));
  const mu = [...p.mu];
  mu[0] = Math.max(mu[0]!, 0.1);
  const variant = p.variant === 'neutral' && !neutralAllowed ? 'plain' : p.variant;
  const lo = variant === 'neutral' ? -p.hi : 0;
  const groups = { of: ['a', 'a', 'a', 'b', 'b'], limits: { a: [0, 0.6], b: [0, 0.7] } as Record<string, [number, number]> };
  const opts: WeightConstraints = {
    bounds: [lo, p.hi],
    ...(variant === 'neutral' ? { marketNeutral: true } : {}),
    ...(variant === 'cash' ? { cashBuffer: 0.1 } : {}),
    ...(variant === 'groups' ? { groups } : {}),
  };
  const budget = variant === 'neutral' ? 0 : variant === 'cash' ? 0.9 : 1;
  const check = (w: readonly number[]) => {
    expect(w).toHaveLength(N);
    for (const x of w) {
      expect(x).toBeGreaterThanOrEqual(lo - TOL);
      expect(x).toBeLessThanOrEqual(p.hi + TOL);
    }
    expect(Math.abs(w.reduce((s, x) => s + x, 0) - budget)).toBeLessThan(TOL);
    if (variant === 'groups') {
      expect(w[0]! + w[1]! + w[2]!).toBeLessThanOrEqual(0.6 + TOL);
      expect(w[3]! + w[4]!).toBeLessThanOrEqual(0.7 + TOL);
    }
  };
  return { cov, mu, opts, check, budget, hi: p.hi, groups: variant === 'groups' ? groups : null };
}

/**
 * The best excess return over long-only weights in [0, hi] summing to the budget, inside disjoint
 * group caps: greedy by excess is exact for these nested (laminar) upper bounds. An independent
 * check on when max Sharpe may answer INFEASIBLE.
 */
function bestExcess(excess: readonly number[], budget: number, hi: number, groups: { of: string[]; limits: Record<string, [number, number]> } | null): number {
  const order = excess.map((_, i) => i).sort((a, b) => excess[b]! - excess[a]!);
  const left: Record<string, number> = groups ? Object.fromEntries(Object.entries(groups.limits).map(([g, [, cap]]) => [g, cap])) : {};
  let rest = budget;
  let total = 0;
  for (const i of order) {
    const g = groups ? groups.of[i]! : null;
    const take = Math.min(hi, rest, g === null ? Infinity : left[g]!);
    if (take <= 0) continue;
    total += take * excess[i]!;
    rest -= take;
    if (g !== null) left[g]! -= take;
  }
  return total;
}

describe('optimiser invariants (property), beyond min volatility and max utility', () => {
  it('max Sharpe: within bounds, summing to the budget, inside group caps, no worse a Sharpe than min volatility; INFEASIBLE exactly when no portfolio beats the risk-free rate', async () => {
    await fc.assert(
      fc.asyncProperty(problem, async (p) => {
        const { cov, mu, opts, check, budget, hi, groups } = setUp(p, false);
        const best = bestExcess(mu.map((m) => m - 0.02), budget, hi, groups);
        let w: number[];
        try {
          w = await maxSharpe(mu, cov, 0.02, opts);
        } catch (e) {
          expect(e).toBeInstanceOf(PortfolioError);
          expect((e as PortfolioError).code).toBe('INFEASIBLE');
          expect(best).toBeLessThanOrEqual(1e-9 * Math.max(1, ...mu.map((m) => Math.abs(m - 0.02))) + 1e-12);
          return;
        }
        expect(best).toBeGreaterThan(0);
        check(w);
        const mv = await minVolatility(cov, opts);
        const sharpe = (x: number[]) => (dot(mu, x) - 0.02 * x.reduce((s, v) => s + v, 0)) / vol(cov, x);
        expect(sharpe(w)).toBeGreaterThan(0);
        expect(sharpe(w)).toBeGreaterThanOrEqual(sharpe(mv) - 1e-7);
      }),
      { numRuns: 15 },
    );
  });

  // Found by the property: bounds force 0.1 into an asset 0.12 below the risk-free rate, so the best
  // portfolio beats the rate by ~1e-10. The old formulation ((μ − rf)'y = 1) put k near 1e10 where
  // HiGHS and its certificate both failed (SOLVER); the best excess is now found first (an LP) and a
  // problem whose best is nil is refused as such.
  it('max Sharpe where no portfolio within the bounds beats the risk-free rate by more than ~1e-10: INFEASIBLE, naming the best excess', async () => {
    const cov = [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 0.01 : 0)));
    const groups = { of: ['a', 'a', 'a', 'b', 'b'], limits: { a: [0, 0.6], b: [0, 0.7] } as Record<string, [number, number]> };
    for (const [mu, o] of [
      [[0.1, 0, -0.09999999987682494, 0, -0.09999999977880944], { bounds: [0, 0.3] }],
      [[0.1, 0, 0, 0, -0.09999999959999996], { bounds: [0, 0.3], groups }],
      [[0.1, 0, 0, 0, -0.09999999907240857], { bounds: [0, 0.3], groups }],
      [[0.1, 0, 0, 0, -0.1], { bounds: [0, 0.3], groups }],
    ] as [number[], WeightConstraints][]) {
      const err = await maxSharpe(mu, cov, 0.02, o).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(PortfolioError);
      expect((err as PortfolioError).code).toBe('INFEASIBLE');
      expect((err as PortfolioError).message).toMatch(/no portfolio within these constraints has an expected return above the risk-free rate/);
    }
  });

  it('max Sharpe where the bounds leave a small but real excess (1e-5): the weights are right, k stays near 1', async () => {
    const cov = [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 0.01 : 0)));
    const mu = [0.1, 0, -0.0999, 0, -0.0999];
    const w = await maxSharpe(mu, cov, 0.02, { bounds: [0, 0.3] });
    expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    for (const x of w) expect(x >= 0 && x <= 0.3).toBe(true);
    // The only portfolio with a positive excess is close to the best-excess one: 0.3 in the good
    // asset, 0.3 in each asset at μ = 0, 0.1 across the two worst, split evenly (equal variances).
    expect(w[0]!).toBeCloseTo(0.3, 7);
    expect(w[1]!).toBeCloseTo(0.3, 4);
    expect(w[3]!).toBeCloseTo(0.3, 4);
    expect(w[2]!).toBeCloseTo(w[4]!, 7);
    expect(dot(mu, w) - 0.02).toBeGreaterThan(0);
  });

  it('efficient return and efficient risk: within bounds, summing to the budget, meeting a reachable target', async () => {
    await fc.assert(
      fc.asyncProperty(problem, async (p) => {
        const { cov, mu, opts, check } = setUp(p, true);
        // Two feasible portfolios; a target between them is reachable (the feasible set is convex).
        const mv = await minVolatility(cov, opts);
        const u = await maxQuadraticUtility(mu, cov, 0.5, opts);
        const targetReturn = dot(mu, mv) + p.t * (dot(mu, u) - dot(mu, mv));
        const wr = await efficientReturn(mu, cov, targetReturn, opts);
        check(wr);
        // The return target is a row of the QP, met to HiGHS's primal feasibility tolerance (1e-7);
        // bounds and the budget are exact (snapToBounds projects the solver's output onto them).
        expect(dot(mu, wr)).toBeGreaterThanOrEqual(targetReturn - 1e-7);
        expect(vol(cov, wr)).toBeLessThanOrEqual(vol(cov, u) + 1e-9);
        const targetVol = Math.max(vol(cov, mv) * (1 + 1e-6), vol(cov, mv) + p.t * (vol(cov, u) - vol(cov, mv)));
        const wk = await efficientRisk(mu, cov, targetVol, opts);
        check(wk);
        expect(vol(cov, wk)).toBeLessThanOrEqual(targetVol * (1 + 1e-6));
      }),
      { numRuns: 8 },
    );
  });

  it('min CVaR: within bounds, summing to the budget, inside group caps', async () => {
    const scenarios = fc.array(fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: N, maxLength: N }), { minLength: 12, maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(problem, scenarios, async (p, rows) => {
        const { opts, check } = setUp(p, true);
        const returns = frameFromRows(['A', 'B', 'C', 'D', 'E'], rows);
        check(await minCvar(returns, opts));
      }),
      { numRuns: 20 },
    );
  });
});

describe('efficient risk regressions', () => {
  it('when every optimal portfolio has the same volatility and the target sits just above it then the highest-return portfolio is returned at once', async () => {
    // Found by the property above: ν was walked down 200 times (each a QP solve, ~7 s CPU).
    const a = [0, 1, 2, 3, 4].map(() => [0, 0, 0, 0, 0]);
    a[2]![3] = -0.3;
    a[4]![0] = 0.3;
    const cov = a.map((r, i) => a.map((s, j) => dot(r, s) + (i === j ? 0.01 : 0)));
    const mu = [0.1, 0, 0, 0, 0];
    const opts = { bounds: [0, 0.3] as [number, number] };
    const minVol = vol(cov, await minVolatility(cov, opts));
    const w = await efficientRisk(mu, cov, minVol * (1 + 1e-6), opts);
    expect(w[0]).toBeCloseTo(0.3, 9);
    expect(dot(mu, w)).toBeCloseTo(0.03, 12);
    expect(vol(cov, w)).toBeLessThanOrEqual(minVol * (1 + 1e-6));
    expect(w.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 9);
  });
});

describe('fixed sizing', () => {
  it('a fixed fraction in [0, 1], signed by direction; outside it is BAD_INPUT', () => {
    expect(fixedSize(0.1)).toBe(0.1);
    expect(fixedSize(0.1, -1)).toBe(-0.1);
    expect(fixedSize(0)).toBe(0);
    expect(fixedSize(1)).toBe(1);
    for (const bad of [-0.01, 1.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => fixedSize(bad)).toThrow(PortfolioError);
      expect(() => fixedSize(bad)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    }
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(1 as const, -1 as const), (f, d) => {
        expect(fixedSize(f, d)).toBe(f * d);
        expect(Math.abs(fixedSize(f, d))).toBeLessThanOrEqual(1);
      }),
    );
  });
});
