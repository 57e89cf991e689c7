import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../src/pms/returns.ts';
import { applyScenario, extremeMoves, historicalStress, reverseStress, runScenarios } from '../../../src/pms/stress.ts';
import { spyCloses, utc } from './data.ts';

const DAY = 86_400_000;
const daily = (values: number[]): Observation[] => values.map((value, i) => ({ time: utc('2024-01-01') + i * DAY, value }));

describe('historical stress', () => {
  const prices = {
    A: daily([100, 90, 95, 100, 120, 110, 115]),
    B: daily([50, 55, 50, 45, 60, 50, 55]),
  };

  it('when long A and short B then each gets its own worst 1-day move: A’s −10% fall, B’s +33% rise', () => {
    // Act
    const [oneDay] = historicalStress({ A: 1000, B: -500 }, prices, [1]);
    // Assert
    const [a, b] = oneDay!.instruments;
    expect(a).toMatchObject({ symbol: 'A', position: 1000, applied: { from: utc('2024-01-01'), to: utc('2024-01-02') }, date: '2024-01-02' });
    expect(a?.pnl).toBeCloseTo(-100, 10);
    expect(a?.worstRise.move).toBeCloseTo(0.2, 12);
    expect(b).toMatchObject({ symbol: 'B', date: '2024-01-05' });
    expect(b?.applied.move).toBeCloseTo(1 / 3, 12);
    expect(b?.pnl).toBeCloseTo(-500 / 3, 10);
    expect(oneDay?.sumOfWorst).toBeCloseTo(-100 - 500 / 3, 10);
    // Jointly, Jan 1 → Jan 2 is worst: A −10% (−100) while B +10% (−50).
    expect(oneDay?.joint).toMatchObject({ from: utc('2024-01-01'), to: utc('2024-01-02'), date: '2024-01-02' });
    expect(oneDay?.joint?.pnl).toBeCloseTo(-150, 10);
    expect(oneDay?.joint?.moves.B).toBeCloseTo(0.1, 12);
  });

  it('when the horizon is 5 days then moves run over 5 observations (and a history without a 5-day fall gives a long a gain)', () => {
    const [, five] = historicalStress({ A: 1000, B: -500 }, prices);
    expect(five?.horizon).toBe(5);
    const [a, b] = five!.instruments;
    // A's 5-day moves: +10% (Jan 1 → 6), +27.8% (Jan 2 → 7) → its "worst fall" is the +10%: a gain of 100.
    expect(a?.applied).toEqual({ move: expect.closeTo(0.1, 12), from: utc('2024-01-01'), to: utc('2024-01-06') });
    expect(a?.pnl).toBeCloseTo(100, 10);
    // B's 5-day moves are 0 and 0: the earliest wins the tie, the short neither gains nor loses.
    expect(b?.applied).toEqual({ move: 0, from: utc('2024-01-01'), to: utc('2024-01-06') });
    expect(b?.pnl).toBeCloseTo(0, 12);
    expect(b?.date).toBe('2024-01-06');
  });

  it('when two moves tie then the earliest is reported', () => {
    const m = extremeMoves(daily([100, 90, 100, 90, 100]), 1);
    expect(m.worstFall).toMatchObject({ from: utc('2024-01-01'), to: utc('2024-01-02') });
    expect(m.worstRise).toMatchObject({ from: utc('2024-01-02'), to: utc('2024-01-03') });
  });

  it('when a position has no price history or too little then it throws; flat positions are skipped', () => {
    expect(() => historicalStress({ A: 1, C: 5 }, prices)).toThrow(/no price history for position C/);
    expect(() => extremeMoves(daily([1, 2]), 5)).toThrow(/at least 6 prices/);
    expect(historicalStress({ A: 0 }, prices, [1])[0]).toEqual({ horizon: 1, instruments: [], sumOfWorst: 0, joint: null });
  });

  it('when SPY 1993–2019 is loaded then its worst 1-day move is −9.84% on 2008-10-15 (−9,844.75 on 100,000) and its worst 5 days −19.79% to 2008-10-10', () => {
    // Arrange
    const spy = spyCloses();
    // Act
    const [oneDay, fiveDay] = historicalStress({ SPY: 100_000 }, { SPY: spy });
    // Assert (figures checked with numpy on the same file)
    const one = oneDay!.instruments[0]!;
    expect(one.applied.move).toBeCloseTo(-0.09844750639106425, 14);
    expect(one.date).toBe('2008-10-15');
    expect(one.applied.from).toBe(utc('2008-10-14'));
    expect(one.pnl).toBeCloseTo(-9_844.750639106425, 8);
    expect(one.worstRise).toMatchObject({ to: utc('2008-10-13') });
    expect(one.worstRise.move).toBeCloseTo(0.14519763206395142, 14);
    expect(oneDay?.joint?.pnl).toBeCloseTo(one.pnl, 8);
    const five = fiveDay!.instruments[0]!;
    expect(five.applied.move).toBeCloseTo(-0.19793383210940407, 14);
    expect(five.applied.from).toBe(utc('2008-10-03'));
    expect(five.date).toBe('2008-10-10');
    // A short position is hurt by the best day instead: +14.52% on 2008-10-13.
    const short = historicalStress({ SPY: -100_000 }, { SPY: spy }, [1])[0]!.instruments[0]!;
    expect(short.date).toBe('2008-10-13');
    expect(short.pnl).toBeCloseTo(-14_519.763206395142, 8);
  });
});

describe('hypothetical shocks', () => {
  const positions = { 'BTC/USDT': 30_000, 'ETH/USDT': 20_000, SPY: 50_000 };

  it('when crypto falls 30% then the book loses 15,000 = 7.5% of a 200,000 NAV, SPY untouched', () => {
    const r = applyScenario(positions, { name: 'crypto -30%', shocks: { 'BTC/USDT': -0.3, 'ETH/USDT': -0.3 } }, 200_000);
    expect(r.pnl).toBeCloseTo(-15_000, 9);
    expect(r.pnlPctNav).toBeCloseTo(-0.075, 12);
    expect(r.instruments.find((i) => i.symbol === 'SPY')).toEqual({ symbol: 'SPY', position: 50_000, shock: 0, pnl: 0 });
  });

  it('when "all" and named shocks are mixed then named ones win: all −20%, SPY +5% → −7,500', () => {
    const [allDown, mixed] = runScenarios(positions, [
      { name: 'all -10%', all: -0.1 },
      { name: 'risk-off', all: -0.2, shocks: { SPY: 0.05 } },
    ]);
    expect(allDown?.pnl).toBeCloseTo(-10_000, 9);
    expect(allDown?.pnlPctNav).toBeNull();
    expect(mixed?.pnl).toBeCloseTo(-6_000 - 4_000 + 2_500, 9);
  });

  it('when a shock is below −100% or not finite then it throws', () => {
    expect(() => applyScenario(positions, { name: 'bad', all: -1.5 })).toThrow(/≥ −1/);
    expect(() => applyScenario(positions, { name: 'bad', shocks: { SPY: Number.NaN } })).toThrow(RangeError);
  });
});

describe('reverse stress', () => {
  it('when NAV is 10,000, long 20,000 A and short 5,000 B then −6.67% uniformly, A −5% alone or B +20% alone loses 10%', () => {
    // Act
    const r = reverseStress({ A: 20_000, B: -5_000 }, 10_000, 0.1);
    // Assert
    expect(r.loss).toBeCloseTo(1_000, 9);
    expect(r.uniform.move).toBeCloseTo(-1_000 / 15_000, 14);
    expect(r.uniform.feasible).toBe(true);
    expect(r.instruments).toEqual([
      { symbol: 'A', position: 20_000, move: expect.closeTo(-0.05, 14), feasible: true },
      { symbol: 'B', position: -5_000, move: expect.closeTo(0.2, 14), feasible: true },
    ]);
  });

  it('when the book is flat net then no uniform move loses; when a fall beyond −100% is needed it is not feasible', () => {
    expect(reverseStress({ A: 100, B: -100 }, 1_000, 0.1).uniform).toEqual({ move: null, feasible: false });
    const r = reverseStress({ A: 10_000 }, 100_000, 0.2);
    expect(r.uniform.move).toBeCloseTo(-2, 14);
    expect(r.uniform.feasible).toBe(false);
    expect(() => reverseStress({ A: 1 }, 0, 0.1)).toThrow(/NAV > 0/);
    expect(() => reverseStress({ A: 1 }, 100, 0)).toThrow(/lossFraction/);
  });

  it('property: applying the reverse-stress move as a shock loses exactly the target', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('A', 'B', 'C', 'D'), fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((v) => Math.abs(v) > 1), { maxKeys: 4 }),
        fc.double({ min: 1e3, max: 1e7, noNaN: true }),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        (positions, nav, f) => {
          const r = reverseStress(positions, nav, f);
          if (r.uniform.move !== null && r.uniform.feasible) {
            // Σv·m cancels when the book is nearly flat net: the rounding scales with gross × |m|.
            const gross = Object.values(positions).reduce((s, v) => s + Math.abs(v), 0);
            const tol = 1e-12 * gross * Math.abs(r.uniform.move) + 1e-9 * r.loss;
            expect(Math.abs(applyScenario(positions, { name: 'u', all: r.uniform.move }).pnl + r.loss)).toBeLessThanOrEqual(tol);
          }
          for (const i of r.instruments) {
            if (!i.feasible || i.move === null) continue;
            expect(applyScenario(positions, { name: i.symbol, shocks: { [i.symbol]: i.move } }).pnl).toBeCloseTo(-r.loss, 6);
          }
        },
      ),
    );
  });
});
