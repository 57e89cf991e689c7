import { describe, expect, it } from 'vitest';
import { drawdownReport, portfolioMetrics, positionsOf, startOfDayNav } from '../../../src/pms/portfolio-metrics.ts';
import type { Observation } from '../../../src/pms/returns.ts';
import { utc } from './data.ts';

describe('portfolioMetrics', () => {
  const positions = [
    { symbol: 'BTC/USDT', marketValue: 30_000, realizedPnl: 1_200, unrealizedPnl: -800 },
    { symbol: 'ETH/USDT', marketValue: -10_000, realizedPnl: -200, unrealizedPnl: 300 },
    { symbol: 'SPY', marketValue: 20_000, unrealizedPnl: 500 },
  ];

  it('when cash is 50,000 with 30k long BTC, 10k short ETH, 20k long SPY then NAV 90k, gross 60k, net 40k, leverage 0.667', () => {
    // Act
    const m = portfolioMetrics({ cash: 50_000, positions, startOfDayNav: 100_000 });
    // Assert
    expect(m).toMatchObject({ nav: 90_000, cash: 50_000, grossExposure: 60_000, netExposure: 40_000, longExposure: 50_000, shortExposure: 10_000 });
    expect(m.leverage).toBeCloseTo(2 / 3, 15);
    expect(m.netLeverage).toBeCloseTo(4 / 9, 15);
    expect(m.concentration).toEqual([
      { symbol: 'BTC/USDT', marketValue: 30_000, shareOfNav: expect.closeTo(1 / 3, 15) },
      { symbol: 'SPY', marketValue: 20_000, shareOfNav: expect.closeTo(2 / 9, 15) },
      { symbol: 'ETH/USDT', marketValue: -10_000, shareOfNav: expect.closeTo(1 / 9, 15) },
    ]);
    expect(m.realizedPnl).toBe(1_000);
    expect(m.unrealizedPnl).toBe(0);
    expect(m.dailyPnl).toBe(-10_000);
    expect(m.dailyPnlPct).toBeCloseTo(-0.1, 15);
  });

  it('when there is no start-of-day NAV then the daily P&L is null', () => {
    const m = portfolioMetrics({ cash: 1_000, positions: [] });
    expect(m).toMatchObject({ nav: 1_000, grossExposure: 0, leverage: 0, concentration: [], dailyPnl: null, dailyPnlPct: null });
  });

  it('when NAV is ≤ 0 then leverage and shares of NAV are null', () => {
    const m = portfolioMetrics({ cash: -25_000, positions: [{ symbol: 'X', marketValue: 20_000 }] });
    expect(m.nav).toBe(-5_000);
    expect(m.leverage).toBeNull();
    expect(m.concentration[0]?.shareOfNav).toBeNull();
  });

  it('when a symbol appears twice then its values are summed; a non-finite value throws', () => {
    expect(positionsOf([{ symbol: 'A', marketValue: 5 }, { symbol: 'A', marketValue: -2 }])).toEqual({ A: 3 });
    expect(() => portfolioMetrics({ cash: Number.NaN, positions: [] })).toThrow(RangeError);
  });
});

describe('startOfDayNav', () => {
  const history: Observation[] = [
    { time: utc('2024-03-05T12:00:00Z'), value: 112 },
    { time: utc('2024-03-05T20:00:00Z'), value: 104 },
    { time: utc('2024-03-06T08:00:00Z'), value: 109 },
  ];

  it('when yesterday has observations then it is yesterday’s last NAV', () => {
    expect(startOfDayNav(history, utc('2024-03-06T16:00:00Z'))).toBe(104);
  });

  it('when the history starts today then it is today’s first NAV; with nothing by then it is null', () => {
    expect(startOfDayNav(history.slice(2), utc('2024-03-06T16:00:00Z'))).toBe(109);
    expect(startOfDayNav(history, utc('2024-03-04T16:00:00Z'))).toBeNull();
  });

  it('when a snapshot was taken exactly at midnight then it is the start-of-day NAV', () => {
    const withMidnight = [...history.slice(0, 2), { time: utc('2024-03-06'), value: 107 }, ...history.slice(2)];
    expect(startOfDayNav(withMidnight, utc('2024-03-06T16:00:00Z'))).toBe(107);
  });

  it('when days roll at 16:00 UTC then 2024-03-06T08:00 belongs to the day that began 03-05 16:00', () => {
    expect(startOfDayNav(history, utc('2024-03-06T09:00:00Z'), 8 * 3_600_000)).toBe(112);
  });
});

describe('drawdownReport', () => {
  // 2024-03-01 is a Friday; the ISO week of 03-06 starts Monday 03-04.
  const history: Observation[] = [
    { time: utc('2024-02-10T12:00:00Z'), value: 130 }, // all-time high
    { time: utc('2024-02-29T12:00:00Z'), value: 110 }, // March opens at 110
    { time: utc('2024-03-01T12:00:00Z'), value: 125 }, // March's high
    { time: utc('2024-03-03T12:00:00Z'), value: 100 }, // the week opens at 100
    { time: utc('2024-03-04T09:00:00Z'), value: 105 },
    { time: utc('2024-03-05T12:00:00Z'), value: 112 }, // the week's high
    { time: utc('2024-03-05T20:00:00Z'), value: 104 }, // the day opens at 104
    { time: utc('2024-03-06T08:00:00Z'), value: 109 }, // the day's high
    { time: utc('2024-03-06T16:00:00Z'), value: 100 }, // now
  ];

  it('when NAV is 100 now then it is 23.1% below the HWM 130, 20% below March’s 125, 10.7% below the week’s 112 and 8.3% below the day’s 109', () => {
    // Act
    const r = drawdownReport(history);
    // Assert
    expect(r.sinceInception).toMatchObject({ peak: 130, peakTime: utc('2024-02-10T12:00:00Z'), nav: 100, amount: 30 });
    expect(r.sinceInception.fraction).toBeCloseTo(30 / 130, 15);
    expect(r.month).toMatchObject({ peak: 125, peakTime: utc('2024-03-01T12:00:00Z'), amount: 25, fraction: 0.2 });
    expect(r.week).toMatchObject({ peak: 112, peakTime: utc('2024-03-05T12:00:00Z'), amount: 12 });
    expect(r.week.fraction).toBeCloseTo(12 / 112, 15);
    expect(r.day).toMatchObject({ peak: 109, amount: 9 });
    expect(r.day.fraction).toBeCloseTo(9 / 109, 15);
    // Deepest fall: 130 → 100, first reached on 03-03 (the later 100 ties and keeps the first trough).
    expect(r.max).toMatchObject({ peak: 130, trough: 100, troughTime: utc('2024-03-03T12:00:00Z'), amount: 30 });
  });

  it('when the day opened above everything seen today then the day’s peak is the opening NAV (yesterday’s last)', () => {
    const gapDown: Observation[] = [
      { time: utc('2024-03-05T23:00:00Z'), value: 120 },
      { time: utc('2024-03-06T01:00:00Z'), value: 90 },
      { time: utc('2024-03-06T02:00:00Z'), value: 96 },
    ];
    const r = drawdownReport(gapDown);
    expect(r.day).toMatchObject({ peak: 120, peakTime: utc('2024-03-05T23:00:00Z'), nav: 96, amount: 24, fraction: 0.2 });
  });

  it('when a snapshot sits exactly at the day start then it is the opening NAV and nothing earlier counts', () => {
    const r = drawdownReport([
      { time: utc('2024-03-05T23:00:00Z'), value: 120 },
      { time: utc('2024-03-06T00:00:00Z'), value: 100 },
      { time: utc('2024-03-06T02:00:00Z'), value: 95 },
    ]);
    expect(r.day).toMatchObject({ peak: 100, peakTime: utc('2024-03-06'), amount: 5, fraction: 0.05 });
  });

  it('when NAV is at a new high then every drawdown is 0', () => {
    const r = drawdownReport([
      { time: 1, value: 100 },
      { time: 2, value: 101 },
    ]);
    for (const d of [r.sinceInception, r.day, r.week, r.month]) expect(d).toMatchObject({ amount: 0, fraction: 0, peak: 101 });
    expect(r.max.fraction).toBe(0);
  });

  it('when the history is empty or out of order then it throws', () => {
    expect(() => drawdownReport([])).toThrow(/at least one/);
    expect(() => drawdownReport([{ time: 2, value: 1 }, { time: 1, value: 1 }])).toThrow(/strictly increasing/);
  });
});
