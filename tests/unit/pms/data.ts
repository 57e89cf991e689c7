import { readFileSync } from 'node:fs';
import { parseCandlesCsv, parseDailyClosesCsv } from '../../../src/marketdata/csv.ts';
import type { Bar, Observation } from '../../../src/pms/returns.ts';

const DATA = new URL('../../fixtures/data/', import.meta.url);

/** SPY daily adjusted closes 1993-01-29 .. 2019-12-09 (6,765 rows), stamped at UTC midnight of the date. */
export function spyCloses(): Observation[] {
  const rows = parseDailyClosesCsv(readFileSync(new URL('pypfopt/spy_prices.csv', DATA), 'utf8'));
  return rows.map((r) => ({ time: Date.parse(`${r.date}T00:00:00Z`), value: r.value }));
}

/** Binance XRP/ETH 1-minute candles 2019-10-11 00:00 .. 2019-10-13 11:19 UTC (3,560 bars, open-time stamps). */
export function xrpEthMinuteBars(): Bar[] {
  const rows = parseCandlesCsv(readFileSync(new URL('crypto/binance_XRPETH_1m_20191011-13.csv', DATA), 'utf8'));
  return rows.map((r) => ({ time: r.timestampMs, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume }));
}

export const utc = (iso: string): number => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
