import { describe, expect, it } from 'vitest';
import {
  aggregateDaily,
  alignSeries,
  alignedReturns,
  dailyCloses,
  dailyReturns,
  logReturns,
  logToSimple,
  panelColumn,
  panelReturns,
  periodReturn,
  seriesReturns,
  simpleReturns,
  simpleToLog,
} from '../../../src/pms/returns.ts';
import type { Bar } from '../../../src/pms/returns.ts';
import { utc, xrpEthMinuteBars } from './data.ts';

describe('simple and log returns', () => {
  it('when prices go 100 → 110 → 99 then simple returns are +10%, −10% and log returns ln 1.1, ln 0.9', () => {
    expect(simpleReturns([100, 110, 99]).map((r) => +r.toFixed(12))).toEqual([0.1, -0.1]);
    const lr = logReturns([100, 110, 99]);
    expect(lr[0]).toBeCloseTo(Math.log(1.1), 15);
    expect(lr[1]).toBeCloseTo(Math.log(0.9), 15);
    expect(periodReturn(100, 50, 'log')).toBeCloseTo(-Math.LN2, 15);
  });

  it('when there are 0 or 1 prices then there is no return', () => {
    expect(simpleReturns([])).toEqual([]);
    expect(logReturns([42])).toEqual([]);
  });

  it('when a price is zero, negative or not finite then it throws', () => {
    expect(() => simpleReturns([100, 0, 50])).toThrow(RangeError);
    expect(() => logReturns([100, -1])).toThrow(RangeError);
    expect(() => simpleReturns([Number.NaN])).toThrow(RangeError);
  });

  it('when converting between kinds then log1p and expm1 round-trip', () => {
    expect(simpleToLog(0.1)).toBeCloseTo(Math.log(1.1), 15);
    expect(logToSimple(simpleToLog(-0.37))).toBeCloseTo(-0.37, 15);
  });

  it('when a series is timestamped then each return carries the later time', () => {
    const r = seriesReturns([
      { time: 1, value: 10 },
      { time: 2, value: 12 },
      { time: 5, value: 9 },
    ]);
    expect(r.map((o) => o.time)).toEqual([2, 5]);
    expect(r[0]?.value).toBeCloseTo(0.2, 15);
    expect(r[1]?.value).toBeCloseTo(-0.25, 15);
    expect(() => seriesReturns([{ time: 2, value: 1 }, { time: 2, value: 1 }])).toThrow(/strictly increasing/);
  });
});

describe('aggregateDaily', () => {
  const H = 3_600_000;
  const day1 = utc('2024-01-02');
  const day2 = utc('2024-01-03');
  const bars: Bar[] = [
    { time: day1 + 9 * H, open: 10, high: 11, low: 9.5, close: 10.5, volume: 3 },
    { time: day1 + 23 * H, open: 10.5, high: 12, low: 10, close: 11, volume: 2 },
    { time: day2, open: 11, high: 11.2, low: 10.1, close: 10.2 },
    { time: day2 + H, open: 10.2, high: 10.4, low: 8, close: 8.8, volume: 5 },
  ];

  it('when bars span two UTC days then they roll up into two daily OHLCV bars', () => {
    expect(aggregateDaily(bars)).toEqual([
      { time: day1, open: 10, high: 12, low: 9.5, close: 11, volume: 5, bars: 2 },
      { time: day2, open: 11, high: 11.2, low: 8, close: 8.8, volume: 5, bars: 2 },
    ]);
    expect(dailyCloses(bars)).toEqual([
      { time: day1, value: 11 },
      { time: day2, value: 8.8 },
    ]);
    expect(dailyReturns(bars)[0]?.value).toBeCloseTo(-0.2, 15);
  });

  it('when days roll at 16:00 UTC (+8 h) then the 23:00 bar starts the next day', () => {
    const daily = aggregateDaily(bars, 8 * H);
    expect(daily.map((d) => d.bars)).toEqual([1, 3]);
    expect(daily[1]).toMatchObject({ time: day1 + 16 * H, open: 10.5, high: 12, low: 8, close: 8.8 });
  });

  it('when bars are out of order then it throws', () => {
    expect(() => aggregateDaily([bars[1]!, bars[0]!])).toThrow(/strictly increasing/);
  });

  it('when given the 3,560 Binance XRP/ETH minute candles then there are 3 days: 1,440 + 1,440 + 680 bars', () => {
    // Arrange
    const minute = xrpEthMinuteBars();
    // Act
    const daily = aggregateDaily(minute);
    // Assert (figures computed independently from the CSV with Python).
    expect(daily).toEqual([
      { time: utc('2019-10-11'), open: 0.00141342, high: 0.00149324, low: 0.00139676, close: 0.00147991, volume: 2_753_204, bars: 1440 },
      { time: utc('2019-10-12'), open: 0.00148021, high: 0.00152557, low: 0.00147233, close: 0.00151451, volume: 1_608_676, bars: 1440 },
      { time: utc('2019-10-13'), open: 0.00151587, high: 0.00154262, low: 0.00150298, close: 0.00152787, volume: 1_183_855, bars: 680 },
    ]);
    const r = dailyReturns(minute);
    expect(r.map((o) => o.value)).toEqual([expect.closeTo(0.0233798, 7), expect.closeTo(0.00882133, 8)]);
    expect(dailyReturns(minute, 'log')[0]?.value).toBeCloseTo(0.02311068, 8);
    expect(aggregateDaily(minute, 8 * H).map((d) => d.bars)).toEqual([960, 1440, 1160]);
  });
});

describe('alignment', () => {
  it('when series have different timestamps then only the common ones are kept, in time order', () => {
    const panel = alignSeries({
      A: [
        { time: 1, value: 10 },
        { time: 2, value: 11 },
        { time: 3, value: 12 },
        { time: 4, value: 13 },
      ],
      B: [
        { time: 2, value: 20 },
        { time: 3, value: 22 },
        { time: 5, value: 25 },
      ],
    });
    expect(panel).toEqual({ symbols: ['A', 'B'], times: [2, 3], values: [[11, 20], [12, 22]] });
  });

  it('when aligned prices become returns then every column covers the same interval', () => {
    const r = alignedReturns({
      A: [
        { time: 1, value: 100 },
        { time: 2, value: 110 },
        { time: 3, value: 121 },
      ],
      B: [
        { time: 1, value: 50 },
        { time: 3, value: 40 },
      ],
    });
    // Only times 1 and 3 are common: one return each, A +21%, B −20%, stamped 3.
    expect(r.times).toEqual([3]);
    expect(panelColumn(r, 'A')[0]).toBeCloseTo(0.21, 14);
    expect(panelColumn(r, 'B')[0]).toBeCloseTo(-0.2, 14);
    expect(() => panelColumn(r, 'C')).toThrow(RangeError);
    const logs = panelReturns({ symbols: ['X'], times: [1, 2], values: [[1], [Math.E]] }, 'log');
    expect(logs.values[0]?.[0]).toBeCloseTo(1, 15);
  });

  it('when there are no series then the panel is empty', () => {
    expect(alignSeries({})).toEqual({ symbols: [], times: [], values: [] });
  });
});
