import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSeries } from '../../src/backtest/data/formats.ts';
import type { BarSeries } from '../../src/backtest/data/series.ts';
import type { InstrumentSpec } from '../../src/core/instrument.ts';
import { candleGaps } from '../../src/marketdata/download.ts';
import type { DownloadProvenance } from '../../src/marketdata/download.ts';
import { LOOPBACK_INSTRUMENTS, LoopbackExchange, stillModels } from '../../src/venues/loopback/loopback-exchange.ts';
import type { HistoryBar } from '../../src/venues/loopback/klines-history.ts';
import { ROOT, strataCli, tempDataDir } from './harness.ts';

/**
 * `strata data download` as the real command against the loopback Binance on 127.0.0.1 (never a
 * real host), through the real ccxt client: the loopback serves three days of recorded XRP/ETH 1m
 * candles (tests/fixtures/data/crypto/binance_XRPETH_1m_20191011-13.csv, gaps included).
 */

const KLINES = join(ROOT, 'tests/fixtures/data/crypto/binance_XRPETH_1m_20191011-13.csv');
const fixture = parseSeries(readFileSync(KLINES, 'utf8'), KLINES) as BarSeries;
const bars: HistoryBar[] = Array.from(fixture.time, (t, i) => ({ time: t, open: fixture.open[i]!, high: fixture.high[i]!, low: fixture.low[i]!, close: fixture.close[i]!, volume: fixture.volume[i]! }));
const XRPETH: InstrumentSpec = { symbol: 'XRP/ETH', base: 'XRP', quote: 'ETH', kind: 'crypto', tickSize: '0.00000001', lotSize: '1', minNotional: '0.01', makerFeeBps: 10, takerFeeBps: 10, tradable: true };

interface Out extends DownloadProvenance {
  file: string;
  requests: number;
}

describe('strata data download (loopback Binance)', () => {
  let lb: LoopbackExchange;
  let url: string;
  let dir: string;
  const { cli } = strataCli(() => dir);
  const download = (out: string, ...args: string[]) => cli('data', 'download', '--exchange', 'binance', '--symbol', 'XRP/ETH', '--venue-url', url, '--out', out, ...args);
  const klineRequests = () => lb.requests.filter((r) => r.path === '/api/v3/klines');

  beforeAll(async () => {
    lb = new LoopbackExchange({ accounts: [], instruments: [...LOOPBACK_INSTRUMENTS, XRPETH], models: stillModels({ 'BTC/USDT': 64_000, 'ETH/USDT': 3_100, 'XRP/ETH': 0.0014 }), klines: { baseMs: 60_000, bars: { 'XRP/ETH': bars } } });
    url = await lb.start();
    dir = tempDataDir('data-download');
  });
  afterAll(async () => {
    await lb.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    lb.clearFaults();
    lb.requests.length = 0;
  });

  it('when three days of 1m candles are downloaded then ccxt pages through them (1000 a page), the file holds every candle of the exchange once, and the gaps are reported, not filled', { timeout: 120_000 }, async () => {
    const out = join(dir, 'xrpeth-1m.csv');
    const r = await download(out, '--timeframe', '1m', '--from', '2019-10-11', '--to', '2019-10-13', '--json');
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout) as Out;
    expect(o.candles).toBe(fixture.time.length);
    expect(o.pages).toBeGreaterThan(3);
    expect(klineRequests().length).toBe(o.pages);
    expect(klineRequests().every((q) => q.status === 200)).toBe(true);
    const got = parseSeries(readFileSync(out, 'utf8'), out) as BarSeries;
    expect(Array.from(got.time)).toEqual(Array.from(fixture.time));
    expect(Array.from(got.close)).toEqual(Array.from(fixture.close));
    expect(Array.from(got.volume)).toEqual(Array.from(fixture.volume));
    const gaps = candleGaps(Array.from(fixture.time), 60_000, Date.parse('2019-10-11T00:00:00Z'), Date.parse('2019-10-13T23:59:59.999Z'));
    expect(gaps.length).toBeGreaterThan(0);
    expect(o.gaps.count).toBe(gaps.length);
    expect(o.gaps.missingCandles).toBe(gaps.reduce((n, g) => n + g.missing, 0));
    // The sidecar says where the file came from.
    const side = JSON.parse(readFileSync(`${out}.provenance.json`, 'utf8')) as DownloadProvenance;
    expect(side).toMatchObject({ strata: 'ohlcv-download', exchange: 'binance', symbol: 'XRP/ETH', timeframe: '1m', from: '2019-10-11T00:00:00.000Z', to: '2019-10-13T23:59:59.999Z', candles: fixture.time.length, venueUrl: url });
    expect(Date.parse(side.fetchedAt)).toBeGreaterThan(Date.parse('2026-01-01'));
  });

  it('when the file is imported and backtested then it runs like any candle file', { timeout: 120_000 }, async () => {
    const out = join(dir, 'xrpeth-1h.csv');
    const r = await download(out, '--timeframe', '1h', '--from', '2019-10-11', '--to', '2019-10-13', '--json');
    expect(r.code, r.stderr).toBe(0);
    // The recording misses whole hours: those are gaps in the file too.
    const hours = new Set(Array.from(fixture.time, (t) => t - (t % 3_600_000))).size;
    expect(hours).toBeLessThan(72);
    const o = JSON.parse(r.stdout) as Out;
    expect(o.candles).toBe(hours);
    expect(o.gaps.missingCandles).toBe(72 - hours);
    const imp = await cli('data', 'import', out, '--json');
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({ rows: hours, format: 'generic' });
    const bt = await cli('backtest', 'run', '--data', out, '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=8', '--cash', '10', '--no-save', '--json');
    expect(bt.code, bt.stderr).toBe(0);
    const rep = JSON.parse(bt.stdout) as { bars: number; fills: number };
    expect(rep.bars).toBe(hours);
    expect(rep.fills).toBeGreaterThan(0);
  });

  it('when the exchange answers 429 with Retry-After once then the download waits it out and completes, asking again only after the pause', { timeout: 120_000 }, async () => {
    lb.addFault({ path: '/api/v3/klines', action: { kind: 'status', status: 429, retryAfterSec: 1 }, times: 1 });
    const out = join(dir, 'xrpeth-5m.csv');
    const r = await download(out, '--timeframe', '5m', '--from', '2019-10-11', '--to', '2019-10-11T23:55:00Z', '--json');
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout) as Out;
    expect(o.candles).toBe(new Set(Array.from(fixture.time).filter((t) => t < Date.parse('2019-10-12')).map((t) => t - (t % 300_000))).size);
    const q = klineRequests();
    expect(q[0]!.status).toBe(429);
    expect(q[1]!.status).toBe(200);
    expect(q[1]!.at - q[0]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('when every page answers 500 then the command fails with the code after its bounded attempts, spaced out, and leaves no file as if complete', { timeout: 120_000 }, async () => {
    lb.addFault({ path: '/api/v3/klines', action: { kind: 'status', status: 500 }, times: Infinity });
    const out = join(dir, 'failed.csv');
    writeFileSync(out, 'an older file\n');
    const r = await download(out, '--timeframe', '1m', '--from', '2019-10-11', '--to', '2019-10-12', '--attempts', '3');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/VENUE_UNAVAILABLE: .*nothing written to/);
    const q = klineRequests();
    expect(q.map((x) => x.status)).toEqual([500, 500, 500]);
    // Backoff: the attempts are spread out (500 ms, then 1 s, each at least half that with jitter).
    expect(q[1]!.at - q[0]!.at).toBeGreaterThanOrEqual(200);
    expect(q[2]!.at - q[1]!.at).toBeGreaterThanOrEqual(450);
    expect(readFileSync(out, 'utf8')).toBe('an older file\n');
    expect(existsSync(`${out}.provenance.json`)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('when the symbol is not listed or the window is backwards then it is refused before any candle is asked for', { timeout: 60_000 }, async () => {
    const out = join(dir, 'none.csv');
    const a = await cli('data', 'download', '--symbol', 'DOGE/ETH', '--venue-url', url, '--from', '2019-10-11', '--out', out);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/UNKNOWN_SYMBOL/);
    const b = await download(out, '--from', '2019-10-12', '--to', '2019-10-11');
    expect(b.code).toBe(2);
    expect(klineRequests()).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });
});
