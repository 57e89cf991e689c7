import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seriesReturns, simpleReturns } from '../../../src/pms/returns.ts';
import {
  MIN_REGIME_HISTORY,
  PERIODS_PER_YEAR,
  annualiseVolatility,
  deannualiseVolatility,
  ewmaVariance,
  ewmaVariancePath,
  ewmaVolatility,
  hasRegimeHistory,
  rollingVolatility,
  sampleVolatility,
  scaleVolatility,
  volatilityRegime,
} from '../../../src/pms/volatility.ts';
import { spyCloses, utc } from './data.ts';

describe('EWMA volatility (RiskMetrics)', () => {
  it('when seeded with the sample variance of the first 2 returns then one update gives 0.94·0.0002 + 0.06·0.02²', () => {
    // Arrange: seed = var([0.01, −0.01], ddof=1) = 0.0002.
    const returns = [0.01, -0.01, 0.02];
    // Act
    const path = ewmaVariancePath(returns, { seedCount: 2 });
    // Assert: 0.000188 + 0.000024 = 0.000212.
    expect(path).toHaveLength(2);
    expect(path[0]).toBeCloseTo(0.0002, 18);
    expect(path[1]).toBeCloseTo(0.000212, 18);
    expect(ewmaVolatility(returns, { seedCount: 2 })).toBeCloseTo(Math.sqrt(0.000212), 15);
  });

  it('when λ = 0.5 then the update weighs the new squared return by one half', () => {
    // seed var([1, 3]) = 2; then 0.5·2 + 0.5·4 = 3; then 0.5·3 + 0.5·0 = 1.5.
    expect(ewmaVariancePath([1, 3, 2, 0], { lambda: 0.5, seedCount: 2 })).toEqual([2, 3, 1.5]);
  });

  it('when there are fewer returns than the seed or λ is out of (0, 1) then it throws', () => {
    expect(() => ewmaVariance(new Array<number>(19).fill(0.01))).toThrow(/at least seedCount = 20/);
    expect(() => ewmaVariance([0.1, 0.2, 0.3], { lambda: 1, seedCount: 2 })).toThrow(/lambda/);
    expect(() => ewmaVariance([0.1, 0.2, 0.3], { seedCount: 1 })).toThrow(/seedCount/);
  });

  it('when run on SPY daily returns 1993–2019 then the current EWMA vol is 0.5420% a day (8.60% a year)', () => {
    // Figures from the same recursion in numpy (λ 0.94, seed = var(first 20, ddof=1)).
    const r = seriesReturns(spyCloses()).map((o) => o.value);
    const vol = ewmaVolatility(r);
    expect(vol).toBeCloseTo(0.005420030781487468, 12);
    expect(annualiseVolatility(vol, PERIODS_PER_YEAR.tradingDays)).toBeCloseTo(0.08604032127678543, 11);
    // The full-sample volatility is much higher (18.15% a year): the EWMA forgets 2008.
    expect(annualiseVolatility(sampleVolatility(r), 252)).toBeCloseTo(0.18148942567279108, 11);
  });
});

describe('rolling volatility and annualisation', () => {
  it('when the window is 2 on [1, 2, 3, 5] then the vols are √0.5, √0.5, √2', () => {
    const v = rollingVolatility([1, 2, 3, 5], 2);
    expect(v).toHaveLength(3);
    expect(v[0]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(v[1]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(v[2]).toBeCloseTo(Math.SQRT2, 15);
    expect(() => rollingVolatility([1, 2], 1)).toThrow(RangeError);
  });

  it('when 1% a day is annualised over 252 days then it is 15.87%, and back', () => {
    expect(annualiseVolatility(0.01, 252)).toBeCloseTo(0.15874507866387544, 15);
    expect(deannualiseVolatility(0.15874507866387544, 252)).toBeCloseTo(0.01, 15);
    expect(scaleVolatility(0.01, 10)).toBeCloseTo(0.0316227766, 10);
    expect(annualiseVolatility(0.001, PERIODS_PER_YEAR.cryptoMinutes)).toBeCloseTo(0.7249827584, 9);
    expect(() => annualiseVolatility(0.01, 0)).toThrow(RangeError);
  });
});

describe('volatilityRegime', () => {
  it('when the last window is the calmest seen then the percentile is 0 and the label low', () => {
    // window 2 → rolling vols of [0,3],[3,0],[0,2],[2,0],[0,1]: the current (0.707) is below all four.
    const regime = volatilityRegime([0, 3, 0, 2, 0, 1], 2);
    expect(regime).toMatchObject({ percentile: 0, label: 'low', window: 2, historyCount: 4 });
    expect(regime.current).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it('when the last window is the wildest seen then the percentile is 1 and the label high', () => {
    expect(volatilityRegime([0, 1, 0, 2, 0, 3], 2)).toMatchObject({ percentile: 1, label: 'high' });
  });

  it('when the current vol sits in the middle (or the history is flat) then the percentile is 0.5, normal', () => {
    // history .707, .707, 2.12, 2.12; current 1.41 → 2 below of 4.
    expect(volatilityRegime([0, 1, 0, 3, 0, 2], 2)).toMatchObject({ percentile: 0.5, label: 'normal' });
    expect(volatilityRegime([0, 1, 0, 1, 0, 1], 2)).toMatchObject({ percentile: 0.5, label: 'normal' });
  });

  it('when the percentile is exactly the low bound 0.25 then the regime is normal (low is strictly below)', () => {
    // window 2: |Δ| of the pairs 3, 3, 1, 3 in the history, current |4 − 2| = 2 → 1 of 4 below.
    expect(volatilityRegime([0, 3, 0, 1, 4, 2], 2)).toMatchObject({ percentile: 0.25, label: 'normal' });
    expect(volatilityRegime([0, 3, 0, 1, 4, 2], 2, { low: 0.26 })).toMatchObject({ label: 'low' });
  });

  it('when bounds and a lookback are configured then they are used', () => {
    // Only the last 2 earlier vols (2.12, 2.12) count: the current 1.41 is below both → 0.
    expect(volatilityRegime([0, 1, 0, 3, 0, 2], 2, { lookback: 2 })).toMatchObject({ percentile: 0, historyCount: 2, label: 'low' });
    expect(volatilityRegime([0, 1, 0, 3, 0, 2], 2, { low: 0.6, high: 0.9 })).toMatchObject({ label: 'low' });
    expect(volatilityRegime([0, 1, 0, 3, 0, 2], 2, { low: 0.1, high: 0.4 })).toMatchObject({ label: 'high' });
    expect(() => volatilityRegime([0, 1, 0], 2, { low: 0.8, high: 0.2 })).toThrow(RangeError);
    expect(() => volatilityRegime([0, 1], 2)).toThrow(/window \+ 1/);
  });

  it('when SPY is read up to 2008-10-31 (20-day window) then the regime is high at percentile 1; up to 2017-11-30 it is low', () => {
    const spy = spyCloses();
    const upTo = (day: string): number[] => simpleReturns(spy.filter((o) => o.time <= utc(day)).map((o) => o.value));
    const crisis = volatilityRegime(upTo('2008-10-31'), 20);
    expect(crisis).toMatchObject({ percentile: 1, label: 'high', historyCount: 3950 });
    expect(crisis.current).toBeCloseTo(0.06042234061475647, 12);
    const calm = volatilityRegime(upTo('2017-11-30'), 20);
    expect(calm.label).toBe('low');
    expect(calm.percentile).toBeCloseTo(0.05740859525336754, 12);
  });

  it('property: the percentile is in [0, 1] and the label agrees with it', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 6, maxLength: 60 }), fc.integer({ min: 2, max: 5 }), (r, window) => {
        const reg = volatilityRegime(r, window);
        expect(reg.percentile).toBeGreaterThanOrEqual(0);
        expect(reg.percentile).toBeLessThanOrEqual(1);
        expect(reg.label).toBe(reg.percentile < 0.25 ? 'low' : reg.percentile > 0.75 ? 'high' : 'normal');
      }),
    );
  });
});

describe('hasRegimeHistory', () => {
  it('when a start leaves only a few rolling windows, then the regime is not yet meaningful', () => {
    // 31 returns over a 30-return window: one earlier window; a new high would read the 100th percentile.
    expect(hasRegimeHistory(31, 30)).toBe(false);
    expect(hasRegimeHistory(30 + MIN_REGIME_HISTORY - 1, 30)).toBe(false);
    expect(hasRegimeHistory(30 + MIN_REGIME_HISTORY, 30)).toBe(true);
  });
  it('when the lookback ranks fewer windows than the minimum, then a full lookback is enough', () => {
    expect(hasRegimeHistory(30 + 20, 30, 20)).toBe(true);
    expect(hasRegimeHistory(30 + 19, 30, 20)).toBe(false);
  });
});
