import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSeries } from '../../../../src/backtest/data/formats.ts';
import type { BarSeries } from '../../../../src/backtest/data/series.ts';
import { candleTrades, isCandleFile, loadCandleMarket, loadReplayMarket } from '../../../../src/kernel/replay/candle-tape.ts';

const FIX = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'data');
const KLINES = join(FIX, 'crypto', 'binance_XRPETH_1m_20191011-13.csv');
const TAPE = join(FIX, 'crypto', 'binance_XRPETH_trades_20191011-13.csv');
const ORCL = join(FIX, 'backtrader', 'orcl-1995-2014.txt');

const bars = (csv: string) => parseSeries(csv, 'x.csv') as BarSeries;

describe('candle file as a replay tape (OHLC path)', () => {
  it('when a bar opens nearer its high then it prints open, high, low, close at 0, 1/4, 1/2, 3/4 of the bar, volume split in four', () => {
    const t = candleTrades(bars('time,open,high,low,close,volume\n2019-10-11T00:00:00Z,10,11,7,9,100\n2019-10-11T00:01:00Z,9,9.5,8,8.2,6\n'));
    expect(t.slice(0, 4).map((x) => [x.timestampMs - Date.UTC(2019, 9, 11), x.priceText, x.amountText, x.side])).toEqual([
      [0, '10', '25', 'buy'],
      [15_000, '11', '25', 'buy'],
      [30_000, '7', '25', 'sell'],
      [45_000, '9', '25', 'buy'],
    ]);
    // Nearer the low (8 is 1 below the open, 9.5 is 0.5 above: the high first); 6 units → 1, 1, 1, 3.
    expect(t.slice(4).map((x) => [x.priceText, x.amountText])).toEqual([
      ['9', '1'],
      ['9.5', '1'],
      ['8', '1'],
      ['8.2', '3'],
    ]);
    expect(t.map((x) => x.tradeId)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  it('when a bar is nearer its low, or has no volume, then the low comes first, and the silent bar prints nothing', () => {
    const t = candleTrades(bars('time,open,high,low,close,volume\n2019-10-11,10,13,9,12,8\n2019-10-12,12,12,12,12,0\n2019-10-13,12,12.5,11,12,3\n'));
    expect(t.slice(0, 4).map((x) => x.priceText)).toEqual(['10', '9', '13', '12']);
    // Three lots: one each at the nearer extreme (12.5), the farther (11) and the close, at 06:00, 12:00, 18:00.
    const day = Date.UTC(2019, 9, 13);
    expect(t.slice(4).map((x) => [x.timestampMs - day, x.priceText, x.amountText])).toEqual([
      [6 * 3_600_000, '12.5', '1'],
      [12 * 3_600_000, '11', '1'],
      [18 * 3_600_000, '12', '1'],
    ]);
    // One lot: the close alone.
    expect(candleTrades(bars('time,open,high,low,close,volume\n2019-10-11,10,13,9,12,1\n')).map((x) => x.priceText)).toEqual(['12']);
  });

  it('when the Binance 1m candle fixture loads then it is a candle market of XRP/ETH with four prints per bar, in time order, inside each bar', () => {
    const text = readFileSync(KLINES, 'utf8');
    expect(isCandleFile(text, KLINES)).toBe(true);
    const m = loadReplayMarket(text, KLINES);
    const series = parseSeries(text, KLINES) as BarSeries;
    expect(m.format).toBe('candles');
    expect(m.currency).toBe('ETH');
    expect(m.tapes[0]!.instrument).toMatchObject({ symbol: 'XRP/ETH', tickSize: '0.00000001', lotSize: '1' });
    expect(m.events).toBe(m.tapes[0]!.trades.length);
    // Four prints a bar of four lots or more, one a lot below that.
    let expected = 0;
    for (const v of series.volume) expected += v >= 4 ? 4 : Math.floor(v);
    expect(m.events).toBe(expected);
    const times = m.tapes[0]!.trades.map((x) => x.timestampMs);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(m.start).toBe(series.time[0]);
    expect(m.end).toBeLessThan(series.time[series.time.length - 1]! + 60_000);
  });

  it('when ORCL daily loads then it is ORCL/USD from the file name, and a trade tape or a recording still loads as before', () => {
    const m = loadCandleMarket(readFileSync(ORCL, 'utf8'), ORCL);
    expect(m.tapes[0]!.instrument.symbol).toBe('ORCL/USD');
    expect(m.currency).toBe('USD');
    const tape = readFileSync(TAPE, 'utf8');
    expect(isCandleFile(tape, TAPE)).toBe(false);
    expect(loadReplayMarket(tape, TAPE).format).toBe('trades-csv');
  });

  it('when a candle file is bad then the load is refused BAD_FILE with the file, line and reason', () => {
    expect(() => loadCandleMarket('time,open,high,low,close,volume\n2019-10-11,10,11,9,10,5\n2019-10-10,10,11,9,10,5\n', 'bad.csv', 'X/USD')).toThrow(/bad\.csv:3: .*UNSORTED/);
  });
});
