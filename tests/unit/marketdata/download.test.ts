import { describe, expect, it } from 'vitest';
import { DownloadError, candleGaps, candlesCsv, downloadOhlcv, timeframeMs } from '../../../src/marketdata/download.ts';
import type { Candle, OhlcvPageSource } from '../../../src/marketdata/download.ts';
import { parseSeries } from '../../../src/backtest/data/formats.ts';

const M = 60_000;
const T0 = Date.UTC(2019, 9, 11);
const candle = (i: number, close = 1 + i / 100): Candle => ({ time: T0 + i * M, open: close, high: close + 0.01, low: close - 0.01, close, volume: 10 + i });

/** An exchange holding `held` candles that answers like Binance: open time in [since aligned down, until], at most `limit`. */
function exchange(held: Candle[], o: { overlap?: boolean; max?: number } = {}) {
  const asked: { since: number; until: number; limit: number }[] = [];
  const source: OhlcvPageSource = {
    async fetchPage(since, until, limit) {
      asked.push({ since, until, limit });
      const from = o.overlap ? since - M : since - (since % M);
      return held.filter((c) => c.time >= from && c.time <= until).slice(0, Math.min(limit, o.max ?? limit));
    },
  };
  return { source, asked };
}

describe('OHLCV download paging', () => {
  it('when the window spans several pages then each page starts past the last candle and every candle arrives once', async () => {
    const held = Array.from({ length: 250 }, (_, i) => candle(i));
    const { source, asked } = exchange(held);
    const r = await downloadOhlcv(source, { timeframe: '1m', fromMs: T0, toMs: T0 + 249 * M, limit: 100, nowMs: T0 + 10_000 * M });
    expect(r.candles).toEqual(held);
    expect(asked.map((a) => a.since)).toEqual([T0, T0 + 100 * M, T0 + 200 * M]);
    expect(r.pages).toBe(3);
    expect(r.gaps).toEqual([]);
  });

  it('when the exchange repeats the candle before each page then the repeats are dropped and counted', async () => {
    const held = Array.from({ length: 50 }, (_, i) => candle(i));
    const r = await downloadOhlcv(exchange(held, { overlap: true }).source, { timeframe: '1m', fromMs: T0, toMs: T0 + 49 * M, limit: 20, nowMs: T0 + 10_000 * M });
    expect(r.candles.map((c) => c.time)).toEqual(held.map((c) => c.time));
    expect(r.duplicates).toBeGreaterThan(0);
  });

  it('when the exchange answers fewer than asked per page (its own cap) then paging still reaches the end', async () => {
    const held = Array.from({ length: 95 }, (_, i) => candle(i));
    const r = await downloadOhlcv(exchange(held, { max: 30 }).source, { timeframe: '1m', fromMs: T0, toMs: T0 + 94 * M, limit: 1000, nowMs: T0 + 10_000 * M });
    expect(r.candles.length).toBe(95);
    expect(r.pages).toBe(4);
  });

  it('when the window runs up to now then the candle still forming is left out and the download stops at the last closed one', async () => {
    const held = Array.from({ length: 10 }, (_, i) => candle(i));
    // Now is 30 s into candle 9: candle 9 has not closed.
    const r = await downloadOhlcv(exchange(held).source, { timeframe: '1m', fromMs: T0, toMs: T0 + 100 * M, nowMs: T0 + 9 * M + 30_000 });
    expect(r.candles.map((c) => c.time)).toEqual(held.slice(0, 9).map((c) => c.time));
    expect(r.gaps).toEqual([]);
  });

  it('when candles are missing inside and at the end of the window then the gaps are reported and nothing is filled', async () => {
    const held = [0, 1, 2, 5, 6, 9].map((i) => candle(i));
    const r = await downloadOhlcv(exchange(held).source, { timeframe: '1m', fromMs: T0, toMs: T0 + 11 * M, nowMs: T0 + 10_000 * M });
    expect(r.candles.length).toBe(6);
    expect(r.gaps).toEqual([
      { fromMs: T0 + 3 * M, toMs: T0 + 4 * M, missing: 2 },
      { fromMs: T0 + 7 * M, toMs: T0 + 8 * M, missing: 2 },
      { fromMs: T0 + 10 * M, toMs: T0 + 11 * M, missing: 2 },
    ]);
    expect(candleGaps([T0 + 2 * M], M, T0, T0 + 2 * M)).toEqual([{ fromMs: T0, toMs: T0 + M, missing: 2 }]);
  });

  it('when the exchange sends a broken candle then the download stops with BAD_CANDLE', async () => {
    const held = [candle(0), { ...candle(1), high: 0.5 }];
    await expect(downloadOhlcv(exchange(held).source, { timeframe: '1m', fromMs: T0, toMs: T0 + 5 * M, nowMs: T0 + 100 * M })).rejects.toMatchObject({ code: 'BAD_CANDLE' });
  });

  it('when the timeframe or the range is wrong then it is refused with its code', async () => {
    expect(timeframeMs('5m')).toBe(5 * M);
    expect(timeframeMs('1d')).toBe(86_400_000);
    expect(() => timeframeMs('1M')).toThrow(DownloadError);
    await expect(downloadOhlcv(exchange([]).source, { timeframe: '1m', fromMs: T0 + M, toMs: T0 })).rejects.toMatchObject({ code: 'BAD_RANGE' });
  });

  it('when candles are written then the generic CSV reads back exactly', () => {
    const cs = [candle(0), { ...candle(1), volume: 1e-7, close: 0.00000123, open: 0.00000123, low: 0.0000012, high: 0.00000124 }];
    const s = parseSeries(candlesCsv(cs), 'x.csv');
    expect(s.kind).toBe('bars');
    if (s.kind !== 'bars') return;
    expect(Array.from(s.time)).toEqual(cs.map((c) => c.time));
    expect(Array.from(s.close)).toEqual(cs.map((c) => c.close));
    expect(Array.from(s.volume)).toEqual(cs.map((c) => c.volume));
  });
});
