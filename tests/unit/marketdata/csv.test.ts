import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CsvParseError,
  parseBacktraderMinuteBars,
  parseCandlesCsv,
  parseDailyClosesCsv,
  parseTradesCsv,
} from '../../../src/marketdata/csv.ts';

const fixture = (rel: string) => readFileSync(new URL(`../../fixtures/data/${rel}`, import.meta.url), 'utf8');

function errorOf(fn: () => unknown): CsvParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CsvParseError) return e;
    throw e;
  }
  throw new Error('expected a CsvParseError');
}

describe('parseTradesCsv', () => {
  it('parses the XRP/ETH tape, keeping the original decimal texts', () => {
    const rows = parseTradesCsv(fixture('crypto/binance_XRPETH_trades_20191011-13.csv'));
    expect(rows).toHaveLength(12_477);
    expect(rows[0]).toEqual({
      timestampMs: 1_570_752_011_620,
      tradeId: '13519807',
      side: 'sell',
      price: 0.00141342,
      amount: 23,
      priceText: '0.00141342',
      amountText: '23.0',
    });
    expect(rows.filter((r) => r.side === 'buy')).toHaveLength(6_524);
  });

  it('finds columns by name and accepts CRLF, a BOM and trailing blank lines', () => {
    const text = '\ufefftrade_id,price,amount,side,timestamp_ms\r\n7,1.5,2,BUY,1000\r\n\r\n';
    expect(parseTradesCsv(text)).toEqual([
      { timestampMs: 1000, tradeId: '7', side: 'buy', price: 1.5, amount: 2, priceText: '1.5', amountText: '2' },
    ]);
  });

  it.each([
    ['timestamp_ms,trade_id,taker_side,price_eth,amount_xrp\n1,1,buy,0.1,abc\n', 2, /amount "abc" is not a decimal/],
    ['timestamp_ms,trade_id,taker_side,price_eth,amount_xrp\n1,1,buy,0.1,1\n2,2,hold,0.1,1\n', 3, /taker_side "hold"/],
    ['timestamp_ms,trade_id,taker_side,price_eth,amount_xrp\n5,1,buy,0.1,1\n4,2,buy,0.1,1\n', 3, /back in time/],
    ['timestamp_ms,trade_id,taker_side,price_eth,amount_xrp\n5,1,buy,0.1\n', 2, /fields/],
    ['timestamp_ms,trade_id,taker_side,price_eth,amount_xrp\n5,1,buy,,1\n', 2, /missing price/],
    ['timestamp_ms,trade_id,taker_side,price_eth,amount_xrp\n5,1,buy,1e-3,1\n', 2, /not a decimal/],
    ['timestamp_ms,trade_id,taker_side,price_eth,amount_xrp\n5,1,buy,0,1\n', 2, /must be positive/],
    ['timestamp_ms,trade_id,taker_side,price_eth,amount_xrp\n1.5,1,buy,1,1\n', 2, /epoch ms/],
    ['timestamp_ms,trade_id,taker_side,price_eth,amount_xrp\n1,1,buy,1,1\n\n2,2,buy,1,1\n', 3, /blank line/],
    ['time,trade_id,taker_side,price,amount\n', 1, /no "timestamp_ms" column/],
  ])('reports the line of a malformed row (%#)', (text, line, message) => {
    const e = errorOf(() => parseTradesCsv(text));
    expect(e.line).toBe(line);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(new RegExp(`^line ${line}: `));
  });
});

describe('parseCandlesCsv', () => {
  it('parses the 1-minute candles with their texts', () => {
    const rows = parseCandlesCsv(fixture('crypto/binance_XRPETH_1m_20191011-13.csv'));
    expect(rows).toHaveLength(3_560);
    expect(rows[3]).toEqual({
      timestampMs: 1_570_752_180_000,
      open: 0.0014158,
      high: 0.0014158,
      low: 0.0014158,
      close: 0.0014158,
      volume: 0,
      text: { open: '0.0014158', high: '0.0014158', low: '0.0014158', close: '0.0014158', volume: '0.0' },
    });
  });

  it('rejects inconsistent bars and repeated times with the line number', () => {
    const h = 'timestamp_ms,open,high,low,close,volume\n';
    expect(errorOf(() => parseCandlesCsv(`${h}0,1,2,1,1.5,3\n60000,1,0.5,0.4,0.6,1\n`)).line).toBe(3);
    expect(errorOf(() => parseCandlesCsv(`${h}0,1,2,1,1.5,3\n0,1,2,1,1.5,3\n`)).message).toMatch(/not after/);
    expect(errorOf(() => parseCandlesCsv(`${h}0,1,2,1,1.5,-3\n`)).message).toMatch(/volume must not be negative/);
  });
});

describe('parseDailyClosesCsv', () => {
  it('parses SPY adjusted closes', () => {
    const rows = parseDailyClosesCsv(fixture('pypfopt/spy_prices.csv'));
    expect(rows).toHaveLength(6_765);
    expect(rows[0]).toEqual({ date: '1993-01-29', value: 26.583992 });
    expect(rows[rows.length - 1]).toEqual({ date: '2019-12-09', value: 313.880005 });
  });

  it('picks a named column, skips empty cells, rejects bad dates and order', () => {
    const text = 'date,A,B\n2020-01-01,,2\n2020-01-02,1.5,3\n';
    expect(parseDailyClosesCsv(text, 'A')).toEqual([{ date: '2020-01-02', value: 1.5 }]);
    expect(parseDailyClosesCsv(text, 'B')).toHaveLength(2);
    expect(() => parseDailyClosesCsv(text, 'C')).toThrow(CsvParseError);
    expect(errorOf(() => parseDailyClosesCsv('date,A\n2020-02-30,1\n')).message).toMatch(/does not exist/);
    expect(errorOf(() => parseDailyClosesCsv('date,A\n2020-01-02,1\n2020-01-01,1\n')).line).toBe(3);
    expect(errorOf(() => parseDailyClosesCsv('day,A\n')).line).toBe(1);
  });
});

describe('parseBacktraderMinuteBars', () => {
  it('parses the CRLF minute file whose header lacks Time', () => {
    const rows = parseBacktraderMinuteBars(fixture('backtrader/2006-01-02-volume-min-001.txt'));
    expect(rows).toHaveLength(30_889);
    expect(rows[0]).toEqual({
      date: '2006-01-02',
      time: '09:01:00',
      wallClockMs: Date.UTC(2006, 0, 2, 9, 1),
      minuteOfDay: 541,
      open: 3602,
      high: 3603,
      low: 3597,
      close: 3599,
      volume: 5699,
      openInterest: 0,
    });
    expect(rows[rows.length - 1]?.time).toBe('22:00:00');
  });

  it('reports malformed rows with their line', () => {
    const h = 'Date,Open,High,Low,Close,Volume,OpenInterest\r\n';
    expect(errorOf(() => parseBacktraderMinuteBars(`${h}2006-01-02,9:01,1,1,1,1,1,0\r\n`)).message).toMatch(/HH:MM:SS/);
    expect(errorOf(() => parseBacktraderMinuteBars(`${h}2006-01-02,09:01:00,1,1,1,1,1\r\n`)).line).toBe(2);
    const dup = `${h}2006-01-02,09:01:00,1,1,1,1,1,0\r\n2006-01-02,09:01:00,1,1,1,1,1,0\r\n`;
    expect(errorOf(() => parseBacktraderMinuteBars(dup)).line).toBe(3);
  });
});
