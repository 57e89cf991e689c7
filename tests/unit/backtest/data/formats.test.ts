import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignBars } from '../../../../src/backtest/data/align.ts';
import { DataError } from '../../../../src/backtest/data/errors.ts';
import { detectFormat, parseBars, parseSeries, parseTrades } from '../../../../src/backtest/data/formats.ts';
import { findGaps } from '../../../../src/backtest/data/gaps.ts';
import { barsFromRows } from '../../../../src/backtest/data/series.ts';
import type { BarSeries } from '../../../../src/backtest/data/series.ts';

const fixture = (f: string) => readFileSync(new URL(`../../../fixtures/data/${f}`, import.meta.url), 'utf8');

function refusal(fn: () => unknown): DataError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DataError) return err;
    throw err;
  }
  throw new Error('expected a DataError');
}

describe('data formats', () => {
  it('when the ORCL Yahoo file is read then it has 5036 daily bars with Close (not Adj Close) as the price', () => {
    const text = fixture('backtrader/orcl-1995-2014.txt');
    expect(detectFormat(text)).toBe('yahoo');
    const s = parseSeries(text) as BarSeries;
    expect(s.time.length).toBe(5036);
    expect(new Date(s.time[0]!).toISOString()).toBe('1995-01-03T00:00:00.000Z');
    expect([s.open[0], s.high[0], s.low[0], s.close[0], s.volume[0]]).toEqual([2.179012, 2.191358, 2.117284, 2.117284, 36301200]);
    expect(s.close.at(-1)).toBe(44.970001);
    expect(s.priceDecimals).toBe(6);
  });

  it('when a backtrader CSV and its minute sample (rows with a time the header lacks) are read then times include the time of day', () => {
    expect(detectFormat(fixture('backtrader/2006-day-001.txt'))).toBe('backtrader');
    const m = parseSeries(fixture('backtrader/2006-01-02-volume-min-001.txt')) as BarSeries;
    expect(m.time.length).toBe(30_889);
    expect(new Date(m.time[0]!).toISOString()).toBe('2006-01-02T09:01:00.000Z');
    expect(findGaps(m.time).intervalMs).toBe(60_000);
  });

  it('when Binance klines come with or without a header, in ms or µs, then they parse to the same bars', () => {
    const rows = ['1570752000000,0.00112,0.00113,0.00111,0.00112,1000.5,1570752059999,1.12,10,500,0.56,0', '1570752060000,0.00112,0.00114,0.00112,0.00114,20,1570752119999,0.02,2,10,0.01,0'];
    const a = parseSeries(rows.join('\n')) as BarSeries;
    const b = parseSeries(['open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore', ...rows].join('\n')) as BarSeries;
    const c = parseSeries(rows.map((r) => r.replace(/^(\d{13})/, '$1000')).join('\n')) as BarSeries;
    for (const s of [a, b, c]) {
      expect([...s.time]).toEqual([1570752000000, 1570752060000]);
      expect([...s.volume]).toEqual([1000.5, 20]);
    }
  });

  it('when a generic file uses ISO times with offsets or epoch seconds then they are read as UTC instants', () => {
    const iso = parseSeries('time,open,high,low,close,volume\n2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n2020-01-01T02:00:00+01:00,1,2,0.5,1.5,10') as BarSeries;
    expect([...iso.time]).toEqual([Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 1, 1)]);
    const secs = parseSeries('time,open,high,low,close,volume\n1577836800,1,2,0.5,1.5,10') as BarSeries;
    expect(secs.time[0]).toBe(Date.UTC(2020, 0, 1));
    // 01:00+01:00 is 00:00Z: the same instant twice.
    const e = refusal(() => parseSeries('time,open,high,low,close,volume\n2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n2020-01-01T01:00:00+01:00,1,2,0.5,1.5,10', 'g.csv'));
    expect([e.code, e.line]).toEqual(['DUPLICATE_TIMESTAMP', 3]);
  });

  it('when the 1-minute XRP/ETH candles are read (generic header with timestamp_ms and volume_xrp) then all 3560 bars are there and no gap', () => {
    const s = parseSeries(fixture('crypto/binance_XRPETH_1m_20191011-13.csv')) as BarSeries;
    expect(s.time.length).toBe(3560);
    expect(findGaps(s.time).count).toBe(0);
  });

  it('when trade tapes are read (fixture header, raw Binance) then sides and times come through', () => {
    const t = parseSeries(fixture('crypto/binance_XRPETH_trades_20191011-13.csv'));
    expect(t.kind).toBe('trades');
    expect(t.time.length).toBe(12_477);
    const raw = parseTrades('1,0.001,10,0.01,1570752000000,true,true\n2,0.002,5,0.01,1570752000000,false,true', 'binance-trades');
    expect([...raw.side]).toEqual([-1, 1]);
    expect([...raw.qty]).toEqual([10, 5]);
  });
});

describe('refusals name file, line and reason', () => {
  const head = 'Date,Open,High,Low,Close,Adj Close,Volume\n';
  const good = '2020-01-02,1,2,0.5,1.5,1.4,100\n';
  const cases: [string, string, string, number][] = [
    ['unsorted', head + '2020-01-03,1,2,0.5,1.5,1.4,100\n' + good, 'UNSORTED', 3],
    ['duplicate', head + good + good, 'DUPLICATE_TIMESTAMP', 3],
    ['NaN', head + good + '2020-01-03,NaN,2,0.5,1.5,1.4,100\n', 'BAD_NUMBER', 3],
    ['empty cell', head + '2020-01-02,,2,0.5,1.5,1.4,100\n', 'BAD_NUMBER', 2],
    ['negative price', head + '2020-01-02,-1,2,0.5,1.5,1.4,100\n', 'NEGATIVE_PRICE', 2],
    ['negative volume', head + '2020-01-02,1,2,0.5,1.5,1.4,-5\n', 'NEGATIVE_VOLUME', 2],
    ['short row', head + '2020-01-02,1,2,0.5\n', 'SHORT_ROW', 2],
    ['bad date', head + '2020-02-30,1,2,0.5,1.5,1.4,100\n', 'BAD_TIME', 2],
    ['high below close', head + '2020-01-02,1,1.2,0.5,1.5,1.4,100\n', 'INCONSISTENT_BAR', 2],
  ];
  for (const [what, text, code, line] of cases) {
    it(`when a file has ${what} then it is refused with ${code} at line ${line}`, () => {
      const e = refusal(() => parseSeries(text, 'prices.csv'));
      expect([e.code, e.file, e.line]).toEqual([code, 'prices.csv', line]);
      expect(e.message).toMatch(new RegExp(`^prices\\.csv:${line}: .+\\[${code}\\]$`));
    });
  }

  it('when a column is missing then MISSING_COLUMN names it, at the header line', () => {
    const e = refusal(() => parseBars('time,open,high,low,close\n1,1,1,1,1', 'generic', 'x.csv'));
    expect([e.code, e.line]).toEqual(['MISSING_COLUMN', 1]);
    expect(e.reason).toContain('volume');
  });

  it('when a file is empty or its format unknown then it is refused', () => {
    expect(refusal(() => parseSeries('\n\n', 'e.csv')).code).toBe('FILE_EMPTY');
    // A header alone (audit D6): refused with the file and the header's line, at every format.
    const bars = refusal(() => parseSeries('Date,Open,High,Low,Close,Adj Close,Volume\n', 'h.csv'));
    expect([bars.code, bars.file, bars.line]).toEqual(['FILE_EMPTY', 'h.csv', 1]);
    expect(refusal(() => parseSeries('time,open,high,low,close,volume\n\n', 'g.csv')).code).toBe('FILE_EMPTY');
    const trades = refusal(() => parseSeries('timestamp_ms,trade_id,taker_side,price,amount\n', 't.csv'));
    expect([trades.code, trades.file, trades.line]).toEqual(['FILE_EMPTY', 't.csv', 1]);
    expect(refusal(() => parseSeries('a,b,c\n1,2,3', 'u.csv')).code).toBe('UNKNOWN_FORMAT');
  });

  it('when trades go back in time then UNSORTED; equal times are fine', () => {
    const h = 'timestamp_ms,trade_id,taker_side,price,amount\n';
    expect(parseSeries(h + '1000,1,buy,1,1\n1000,2,sell,1,1').time.length).toBe(2);
    expect(refusal(() => parseSeries(h + '1000,1,buy,1,1\n999,2,sell,1,1', 't.csv')).code).toBe('UNSORTED');
  });
});

describe('gaps', () => {
  it('when daily bars skip a weekend then no gap; when they skip two weekdays then one gap of 2 is reported', () => {
    const d = (s: string) => Date.parse(`${s}T00:00:00Z`);
    // Fri 2020-01-03, Mon 2020-01-06, Tue 07, Fri 10 (Wed 08 and Thu 09 missing).
    const r = findGaps([d('2020-01-02'), d('2020-01-03'), d('2020-01-06'), d('2020-01-07'), d('2020-01-10')]);
    expect(r.daily).toBe(true);
    expect(r.count).toBe(1);
    expect(r.gaps[0]).toMatchObject({ index: 4, missing: 2 });
  });

  it('when minute bars miss three minutes then the gap says 3', () => {
    const t = [0, 60_000, 120_000, 360_000, 420_000].map((x) => x + 1e12);
    expect(findGaps(t)).toMatchObject({ intervalMs: 60_000, count: 1, missingBars: 3 });
  });
});

describe('one clock for several instruments', () => {
  const bars = (times: number[]) => barsFromRows(times.map((t) => ({ time: t, open: 1, high: 1, low: 1, close: t, volume: 1 })));

  it('when two series interleave then the clock is their merged times and each step points at the right bar', () => {
    const c = alignBars([{ name: 'A', bars: bars([1, 3, 5]) }, { name: 'B', bars: bars([2, 3, 6]) }]);
    expect([...c.time]).toEqual([1, 2, 3, 5, 6]);
    expect([...c.index[0]!]).toEqual([0, -1, 1, 2, -1]);
    expect([...c.index[1]!]).toEqual([-1, 0, 1, -1, 2]);
    expect([...c.last[1]!]).toEqual([-1, 0, 1, 1, 2]);
  });

  it('property: the clock is strictly increasing, holds every bar time, and every bar appears exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { maxLength: 40 }), { minLength: 1, maxLength: 5 }), (sets) => {
        const series = sets.map((s, k) => ({ name: `S${k}`, bars: bars([...s].sort((a, b) => a - b)) }));
        const c = alignBars(series);
        for (let i = 1; i < c.time.length; i++) expect(c.time[i]!).toBeGreaterThan(c.time[i - 1]!);
        expect(new Set(c.time)).toEqual(new Set(sets.flat()));
        series.forEach((s, k) => {
          const seen = [...c.index[k]!].filter((x) => x >= 0);
          expect(seen).toEqual([...Array(s.bars.time.length).keys()]);
          c.index[k]!.forEach((x, t) => {
            if (x >= 0) expect(s.bars.time[x]).toBe(c.time[t]);
          });
        });
      }),
    );
  });
});
