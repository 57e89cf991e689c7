import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleCovarianceMatrix } from '../../../src/pms/correlation.ts';
import { alignedReturns } from '../../../src/pms/returns.ts';
import type { Panel } from '../../../src/pms/returns.ts';
import { quantileLinear } from '../../../src/pms/stats.ts';
import { historicalFromLosses, historicalVaR, parametricVaR, portfolioSigma, scenarioPnl, varReport } from '../../../src/pms/var.ts';
import type { Positions } from '../../../src/pms/var.ts';
import { spyCloses } from './data.ts';

const panelOf = (symbols: string[], values: number[][]): Panel => ({ symbols, times: values.map((_, i) => i + 1), values });

describe('historical VaR and ES', () => {
  // A 100 long position and ten daily returns → losses −2, −1, 0, 1, 2, 3, 4, 5, 6, 10.
  const tenDays = panelOf(['A'], [[0.02], [0.01], [0], [-0.01], [-0.02], [-0.03], [-0.04], [-0.05], [-0.06], [-0.1]]);

  it('when ten scenarios are replayed then VaR95 is numpy.quantile(losses, 0.95) = 8.2 and ES95 the mean loss beyond it, 10', () => {
    // Act
    const v95 = historicalVaR({ A: 100 }, tenDays, 0.95);
    const v99 = historicalVaR({ A: 100 }, tenDays, 0.99);
    // Assert: h = 9·0.95 = 8.55 → 10 − (10 − 6)·0.45 = 8.2; h = 8.91 → 10 − 4·0.09 = 9.64.
    expect(v95.valueAtRisk).toBeCloseTo(8.2, 12);
    expect(v95.expectedShortfall).toBeCloseTo(10, 12);
    expect(v95).toMatchObject({ method: 'historical', confidence: 0.95, scenarios: 10, tailCount: 1 });
    expect(v99.valueAtRisk).toBeCloseTo(9.64, 12);
    expect(v99.expectedShortfall).toBeCloseTo(10, 12);
  });

  it('when the losses are given directly then the figures are numpy’s to the last bit', () => {
    // numpy.quantile([-2, -1, 0, 1, 2, 3, 4, 5, 6, 10], 0.95) prints 8.199999999999996.
    const r = historicalFromLosses([10, -2, 3, -1, 0, 1, 2, 4, 5, 6], 0.95);
    expect(r.valueAtRisk).toBe(8.199999999999996);
    // At 0.5 the tail is the 5 losses ≥ 2.5: mean of 3, 4, 5, 6, 10 = 5.6.
    const median = historicalFromLosses([10, -2, 3, -1, 0, 1, 2, 4, 5, 6], 0.5);
    expect(median.valueAtRisk).toBeCloseTo(2.5, 14);
    expect(median.expectedShortfall).toBeCloseTo(5.6, 14);
    expect(median.tailCount).toBe(5);
  });

  it('when two instruments are held then every row is replayed on both positions (long 1,000 A, short 500 B)', () => {
    // P&L per row: 10 − 10, −20 − 5, 30 + 5, −10 + 15, 0 − 20 → losses 0, 25, −35, −5, 20.
    const returns = panelOf(['A', 'B'], [[0.01, 0.02], [-0.02, 0.01], [0.03, -0.01], [-0.01, -0.03], [0, 0.04]]);
    const positions = { A: 1000, B: -500 };
    expect(scenarioPnl(positions, returns)).toEqual([0, -25, 35, 5, -20].map((x) => expect.closeTo(x, 12)));
    // Sorted losses −35, −5, 0, 20, 25: h = 3.8 → 25 − 5·0.2 = 24.
    expect(historicalVaR(positions, returns, 0.95).valueAtRisk).toBeCloseTo(24, 12);
  });

  it('when the panel holds log returns then P&L uses e^r − 1', () => {
    const logs = panelOf(['A'], [[Math.log(0.5)], [Math.log(1.25)]]);
    expect(scenarioPnl({ A: 100 }, logs, 'log')).toEqual([expect.closeTo(-50, 12), expect.closeTo(25, 12)]);
    expect(historicalVaR({ A: 100 }, logs, 0.99, 'log').valueAtRisk).toBeCloseTo(50 - 75 * 0.01, 10);
  });

  it('when a position has no return history then it throws, and a zero one is ignored', () => {
    expect(() => historicalVaR({ A: 100, Z: 5 }, tenDays)).toThrow(/no return history for position Z/);
    expect(historicalVaR({ A: 100, Z: 0 }, tenDays).valueAtRisk).toBeCloseTo(8.2, 12);
    expect(() => historicalVaR({ A: 100 }, tenDays, 1)).toThrow(RangeError);
    expect(() => historicalFromLosses([], 0.95)).toThrow(RangeError);
  });

  it('when the book is short then the other tail matters: VaR(−x) is the α-quantile of x’s P&L', () => {
    const shortVaR = historicalVaR({ A: -100 }, tenDays, 0.95).valueAtRisk;
    expect(shortVaR).toBeCloseTo(quantileLinear(scenarioPnl({ A: 100 }, tenDays), 0.95), 12);
    // P&L of the long: 2, 1, 0, −1, …, −10 → the 95% quantile is 1 + (2 − 1)·0.55 = 1.55.
    expect(shortVaR).toBeCloseTo(1.55, 12);
  });
});

describe('parametric VaR and ES', () => {
  it('when one position of 1,000,000 has σ = 2% then VaR95 = 1.6449·σ·V and ES95 = 2.0627·σ·V', () => {
    // Arrange
    const cov = { symbols: ['A'], matrix: [[0.02 ** 2]] };
    // Act
    const v95 = parametricVaR({ A: 1_000_000 }, cov, 0.95);
    const v99 = parametricVaR({ A: 1_000_000 }, cov, 0.99);
    // Assert
    expect(v95.sigma).toBeCloseTo(20_000, 8);
    expect(v95.valueAtRisk).toBeCloseTo(32_897.07, 2);
    expect(v95.expectedShortfall).toBeCloseTo(41_254.26, 2);
    expect(v99.valueAtRisk).toBeCloseTo(46_526.96, 2);
    expect(v99.expectedShortfall).toBeCloseTo(53_304.28, 2);
    expect(v95.expectedShortfall / v95.sigma).toBeCloseTo(2.0627, 4);
    expect(v99.expectedShortfall / v99.sigma).toBeCloseTo(2.6652, 4);
  });

  it('when two positions are correlated then σ = √(vᵀΣv): v = (100, −50), Σ = [[0.04, 0.01], [0.01, 0.09]] → √525', () => {
    const cov = { symbols: ['A', 'B'], matrix: [[0.04, 0.01], [0.01, 0.09]] };
    expect(portfolioSigma({ A: 100, B: -50 }, cov)).toBeCloseTo(Math.sqrt(525), 12);
    expect(parametricVaR({ A: 100, B: -50 }, cov, 0.99).valueAtRisk).toBeCloseTo(53.30332612795873, 10);
    expect(() => portfolioSigma({ A: 1 }, { symbols: ['A', 'B'], matrix: [[1]] })).toThrow(/2×2/);
  });

  it('when a report is asked then both methods are given at 95% and 99% with the sample (or EWMA) covariance', () => {
    const returns = panelOf(['A', 'B'], [[0.01, 0.02], [-0.02, 0.01], [0.03, -0.01], [-0.01, -0.03], [0, 0.04]]);
    const report = varReport({ A: 1000, B: -500 }, returns);
    expect(report.historical.map((e) => e.confidence)).toEqual([0.95, 0.99]);
    expect(report.parametric.map((e) => e.confidence)).toEqual([0.95, 0.99]);
    expect(report.historical[0]?.valueAtRisk).toBeCloseTo(24, 12);
    expect(report.covariance.matrix).toEqual(sampleCovarianceMatrix(returns.values));
    const ewma = varReport({ A: 1000, B: -500 }, returns, { covariance: 'ewma', ewma: { seedCount: 3 }, levels: [0.9] });
    expect(ewma.parametric).toHaveLength(1);
    expect(ewma.covariance.matrix).not.toEqual(report.covariance.matrix);
  });
});

describe('VaR properties', () => {
  const book = fc.integer({ min: 1, max: 4 }).chain((k) =>
    fc.record({
      returns: fc.array(fc.array(fc.double({ min: -0.25, max: 0.25, noNaN: true }), { minLength: k, maxLength: k }), { minLength: 3, maxLength: 60 }),
      positions: fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: k, maxLength: k }),
    }),
  );
  const setup = (b: { returns: number[][]; positions: number[] }): { panel: Panel; positions: Positions; cov: { symbols: string[]; matrix: number[][] } } => {
    const symbols = b.positions.map((_, j) => `S${j}`);
    const panel = panelOf(symbols, b.returns);
    return { panel, positions: Object.fromEntries(symbols.map((s, j) => [s, b.positions[j]!])), cov: { symbols, matrix: sampleCovarianceMatrix(b.returns) } };
  };
  const tol = (x: number): number => 1e-9 * (1 + Math.abs(x));

  it('property: VaR99 ≥ VaR95 and ES ≥ VaR at the same level, for both methods', () => {
    fc.assert(
      fc.property(book, (b) => {
        const { panel, positions, cov } = setup(b);
        const [h95, h99] = [historicalVaR(positions, panel, 0.95), historicalVaR(positions, panel, 0.99)];
        const [p95, p99] = [parametricVaR(positions, cov, 0.95), parametricVaR(positions, cov, 0.99)];
        expect(h99.valueAtRisk).toBeGreaterThanOrEqual(h95.valueAtRisk);
        expect(p99.valueAtRisk).toBeGreaterThanOrEqual(p95.valueAtRisk);
        for (const e of [h95, h99, p95, p99]) expect(e.expectedShortfall).toBeGreaterThanOrEqual(e.valueAtRisk);
      }),
    );
  });

  it('property: the VaR and ES of a zero portfolio are 0', () => {
    fc.assert(
      fc.property(book, (b) => {
        const { panel, cov } = setup({ ...b, positions: b.positions.map(() => 0) });
        const zero = Object.fromEntries(panel.symbols.map((s) => [s, 0]));
        for (const e of [historicalVaR(zero, panel, 0.99), parametricVaR(zero, cov, 0.99), historicalVaR({}, panel, 0.95)]) {
          expect(e.valueAtRisk).toBe(0);
          expect(e.expectedShortfall).toBe(0);
        }
      }),
    );
  });

  it('property: scaling positions by k scales parametric VaR/ES by |k| and historical VaR/ES by k ≥ 0', () => {
    fc.assert(
      fc.property(book, fc.double({ min: -20, max: 20, noNaN: true }), (b, k) => {
        const { panel, positions, cov } = setup(b);
        const scaled = Object.fromEntries(Object.entries(positions).map(([s, v]) => [s, k * v]));
        const p = parametricVaR(positions, cov, 0.99);
        const pk = parametricVaR(scaled, cov, 0.99);
        expect(Math.abs(pk.valueAtRisk - Math.abs(k) * p.valueAtRisk)).toBeLessThanOrEqual(tol(pk.valueAtRisk));
        expect(Math.abs(pk.expectedShortfall - Math.abs(k) * p.expectedShortfall)).toBeLessThanOrEqual(tol(pk.expectedShortfall));
        const kk = Math.abs(k);
        const scaledUp = Object.fromEntries(Object.entries(positions).map(([s, v]) => [s, kk * v]));
        const h = historicalVaR(positions, panel, 0.95);
        const hk = historicalVaR(scaledUp, panel, 0.95);
        expect(Math.abs(hk.valueAtRisk - kk * h.valueAtRisk)).toBeLessThanOrEqual(tol(Math.abs(kk * h.valueAtRisk) + Math.abs(hk.valueAtRisk)) * 10);
        expect(Math.abs(hk.expectedShortfall - kk * h.expectedShortfall)).toBeLessThanOrEqual(tol(Math.abs(kk * h.expectedShortfall)) * 10);
      }),
    );
  });

  it('property: one position’s parametric VaR95 is 1.6449·σ·|V|', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-4, max: 0.2, noNaN: true }), fc.double({ min: -1e7, max: 1e7, noNaN: true }), (sigma, v) => {
        const e = parametricVaR({ A: v }, { symbols: ['A'], matrix: [[sigma * sigma]] }, 0.95);
        expect(e.valueAtRisk).toBeCloseTo(1.6448536269514722 * sigma * Math.abs(v), 6);
      }),
    );
  });
});

describe('VaR on real data: SPY daily closes 1993-01-29 .. 2019-12-09', () => {
  it('when 100,000 long SPY is replayed on its 6,764 daily returns then the 1-day 99% VaR is 3,099.36 and ES 4,449.45', () => {
    // Arrange
    const returns = alignedReturns({ SPY: spyCloses() });
    // Act
    const report = varReport({ SPY: 100_000 }, returns);
    // Assert: numpy.quantile(−100000·r, [0.95, 0.99]) on the same simple returns.
    const [h95, h99] = report.historical;
    expect(h99?.scenarios).toBe(6_764);
    expect(h99?.valueAtRisk).toBeCloseTo(3_099.355300341494, 6);
    expect(h99?.expectedShortfall).toBeCloseTo(4_449.445274526605, 6);
    expect(h95?.valueAtRisk).toBeCloseTo(1_805.799187223771, 6);
    expect(h95?.expectedShortfall).toBeCloseTo(2_721.6806574413818, 6);
    // The normal model (σ = 1.1433% a day) gives 2,659.66 at 99%: fat tails make the historical figure higher.
    expect(report.parametric[1]?.valueAtRisk).toBeCloseTo(2_659.6575032651367, 6);
    expect(h99!.valueAtRisk).toBeGreaterThan(report.parametric[1]!.valueAtRisk);
  });
});
