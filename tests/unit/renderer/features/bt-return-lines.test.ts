import { describe, expect, it } from 'vitest';
import { PERCENT_FORMAT, elapsedText, fromStart, intraday, lastReturnText, priceFormatFor, returnSeries, samePeriod } from '../../../../renderer/src/features/backtest/return-lines.ts';

const t0 = Date.UTC(2019, 9, 11);
const curve = (values: number[]) => values.map((value, i) => ({ time: t0 + i * 60_000, value }));

describe('Backtest charts: equity curves as returns, their legend and axis format (issue 12)', () => {
  it('when a curve has several points in one second then it keeps the last, in time order', () => {
    const s = returnSeries([
      { time: 2_000, value: 100 },
      { time: 1_000, value: 100 },
      { time: 2_500, value: 110 },
    ]);
    expect(s).toEqual([
      { time: 1, value: 0 },
      { time: 2, value: expect.closeTo(10, 10) as number },
    ]);
  });

  it('when the legend names a curve then it shows its last return, signed', () => {
    expect(lastReturnText(returnSeries(curve([20, 18.5])))).toBe('−7.50%');
    expect(lastReturnText(returnSeries(curve([20, 20.2])))).toBe('+1.00%');
    expect(lastReturnText(returnSeries(curve([20, 20.0001])))).toBe('0.00%');
    expect(lastReturnText([])).toBe('–');
  });

  it('when a value is already in % then the axis format prints it with two decimals (not the library percent format, which rounds to halves)', () => {
    expect(PERCENT_FORMAT.formatter(-7.5049)).toBe('−7.50%');
    expect(PERCENT_FORMAT.formatter(-0.78)).toBe('−0.78%');
    expect(PERCENT_FORMAT.formatter(-0.001)).toBe('0.00%');
    expect(PERCENT_FORMAT.formatter(12.345)).toBe('12.35%');
  });

  it('when the curves span hours then the time axis shows times; years of daily bars show dates', () => {
    expect(intraday([returnSeries(curve([20, 19, 18]))])).toBe(true);
    const daily = [0, 400].map((d) => ({ time: t0 + d * 86_400_000, value: 100 }));
    expect(intraday([returnSeries(daily)])).toBe(false);
    expect(intraday([[]])).toBe(false);
  });

  it('when the prices are a tape’s fractions of a unit then the candle axis shows five significant digits; from 1 up, cents', () => {
    expect(priceFormatFor([{ low: 0.00141739 }, { low: 0.0014 }])).toEqual({ type: 'price', precision: 7, minMove: 1e-7 });
    expect(priceFormatFor([{ low: 21.5 }])).toMatchObject({ precision: 2 });
    expect(priceFormatFor([])).toMatchObject({ precision: 2 });
  });
});

describe('compare: runs of different periods', () => {
  const day = 86_400;
  const curve = (from: number, days: number) => Array.from({ length: days + 1 }, (_, i) => ({ time: from + i * day, value: i }));
  it('when two curves overlap for at least half the shorter one then they share their period, else not', () => {
    expect(samePeriod(curve(0, 100), curve(10 * day, 100))).toBe(true);
    expect(samePeriod(curve(0, 100), curve(60 * day, 100))).toBe(false);
    // ORCL 1995–2014 beside three days of 2019.
    expect(samePeriod(curve(788_918_400, 7300), curve(1_570_752_000, 3))).toBe(false);
    // A short run inside a long one shares its period.
    expect(samePeriod(curve(0, 7300), curve(100 * day, 3))).toBe(true);
  });

  it('when a curve is drawn from its start then its times start at 0 and keep their gaps; the axis reads the time elapsed', () => {
    expect(fromStart(curve(5 * day, 2)).map((p) => p.time)).toEqual([0, day, 2 * day]);
    expect(elapsedText(0)).toBe('+0 min');
    expect(elapsedText(3 * 3600 + 20 * 60)).toBe('+3 h 20 min');
    expect(elapsedText(45 * day)).toBe('+45 d');
    expect(elapsedText(913 * day)).toBe('+2.5 y');
    expect(elapsedText(365 * day)).toBe('+1.0 y');
  });
});
