import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryPair } from '../../src/contract/memory.ts';
import { createClient, serveEndpoint } from '../../src/contract/rpc.ts';
import type { Client } from '../../src/contract/rpc.ts';
import { parseSeries } from '../../src/backtest/data/formats.ts';
import { SimClock } from '../../src/core/clock.ts';
import { BacktestService } from '../../src/host/backtest-service.ts';
import { EngineSwitch } from '../../src/host/engine-switch.ts';
import { createEngine } from '../../src/kernel/engine.ts';
import { SqliteSeriesStore } from '../../src/store/sqlite/series-store.ts';
import { ProgressLog, ROOT, tempDataDir } from './harness.ts';

/**
 * L3 over the contract, as the Backtest screen reaches it: a serving host's surface (EngineSwitch
 * with the BacktestService) behind the in-memory transport, real SQLite files and worker threads.
 * The fidelity comparison on a trade tape runs bar, L1 and L2 on the tape's bars and L3 through the
 * engine on the same tape; backtest.run takes fidelity l3 on a tape and keeps the run; L3 on a bar
 * series is refused with its reason code.
 */

const TAPE = join(ROOT, 'tests/fixtures/data/crypto/binance_XRPETH_trades_20191011-13.csv');
const ORCL = join(ROOT, 'tests/fixtures/data/backtrader/orcl-1995-2014.txt');
/** The tape's first three hours (a header and ~1,000 trades): enough for several crossings on 1-minute bars. */
function tapeSlice(hours: number): string {
  const lines = readFileSync(TAPE, 'utf8').trimEnd().split('\n');
  const t0 = Number(lines[1]!.split(',')[0]);
  return [lines[0]!, ...lines.slice(1).filter((l) => Number(l.split(',')[0]) < t0 + hours * 3_600_000)].join('\n') + '\n';
}
const settings = { data: 'xrp-3h', strategy: 'sma-cross', params: { fast: 5, slow: 20 }, cash: '20', commission: 0.001, haircutBps: 5, sizing: 'fixed:3000', barMs: 60_000 };

describe('L3 over the contract (in-memory transport)', () => {
  let dir: string;
  let client: Client;
  let close: () => Promise<void>;
  const progress = new ProgressLog();
  const ended = (jobId: string) => progress.ended(jobId);

  beforeAll(async () => {
    dir = tempDataDir('backtest-l3-contract');
    const store = new SqliteSeriesStore(join(dir, 'series.db'));
    // Stored under a name that does not say the instrument: the host reads it from the source file's name.
    store.put('xrp-3h', parseSeries(tapeSlice(3), TAPE), { format: 'binance-trades', source: TAPE, importedAt: 0 });
    store.put('ORCL', parseSeries(readFileSync(ORCL, 'utf8')), { format: 'backtrader', source: ORCL, importedAt: 0 });
    store.close();
    const paper = createEngine({ durability: 'memory', clock: new SimClock(Date.UTC(2026, 0, 5)), seed: 7, warmUpMinutes: 0, log: () => undefined });
    await paper.start();
    const sw = new EngineSwitch({ paper, seed: 7, backtests: (publish) => new BacktestService(dir, publish) });
    const [server, end] = createMemoryPair();
    serveEndpoint(server, sw.handlers, sw.feed);
    client = createClient(end);
    client.on('backtest.progress', progress.push);
    close = async () => {
      client.close();
      await sw.close();
    };
  });
  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the data lists a trade tape then it says so, with its trades', async () => {
    const data = await client.call('backtest.data', {});
    expect(data.series.find((s) => s.name === 'xrp-3h')).toMatchObject({ kind: 'trades' });
  });

  it('when the host’s demo tape is imported over the contract then it is listed as a trade tape, once; a bad file is refused BAD_FILE with its line', async () => {
    const { demoTape } = await client.call('backtest.data', {});
    expect(demoTape).toBe(join(ROOT, 'assets/demo/binance_XRPETH_trades_20191011-13.csv'));
    const a = await client.call('backtest.import', { path: demoTape! });
    expect(a).toMatchObject({ created: true, series: { name: 'binance_XRPETH_trades_20191011-13.csv', kind: 'trades', rows: 12477 } });
    // The same content again: the name points at the stored copy, nothing new is stored.
    const b = await client.call('backtest.import', { path: demoTape! });
    expect(b).toMatchObject({ created: false, series: { hash: a.series.hash } });
    const list = await client.call('backtest.data', {});
    expect(list.series.filter((s) => s.hash === a.series.hash).map((s) => s.name)).toEqual(['binance_XRPETH_trades_20191011-13.csv']);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'time,open,high,low,close,volume\n1000,1,2,0.5,1.5,10\n900,1,2,0.5,1.5,10\n');
    await expect(client.call('backtest.import', { path: bad })).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringContaining('bad.csv:3') });
    await expect(client.call('backtest.import', { path: join(dir, 'missing.csv') })).rejects.toMatchObject({ code: 'BAD_FILE' });
  });

  it('when a trade tape is compared across fidelities then bar, L1, L2 run on its bars and L3 through the engine on the tape: L1 cost ≤ L2 cost, L3 has the venue’s fills, and each step’s parts sum to its change', { timeout: 120_000 }, async () => {
    const r = await client.call('backtest.fidelities', settings);
    expect(r.levels.map((l) => [l.fidelity, l.available, l.reasonCode])).toEqual([
      ['bar', true, null],
      ['l1', true, null],
      ['l2', true, null],
      ['l3', true, null],
    ]);
    const [bar, l1, l2, l3] = r.levels;
    // The same bars (one per minute of the tape) at every level.
    for (const l of [bar, l1, l2, l3]) expect(l!.equity).toHaveLength(bar!.equity.length);
    expect(bar!.equity.length).toBeGreaterThan(150);
    expect(l1!.costs!.total).toBeLessThanOrEqual(l2!.costs!.total);
    expect(l1!.trades).toBeGreaterThan(1);
    // L3's fills are the venue's, and it says why it differs: latency, queue, partial fills, walking the book.
    expect(l3!.venue).toBeDefined();
    expect(l3!.venue!.venueFills).toBe(l3!.fills);
    expect(l3!.venue!.venueFills).toBeGreaterThan(0);
    expect(l3!.venue!.denied).toBe(0);
    expect(l3!.venue!.tapeTrades).toBeGreaterThan(500);
    expect(l3!.fillAssumption).toMatch(/simulated venue on the recorded tape/);
    expect(l3!.fillAssumption).toMatch(/latency/);
    expect(l3!.costs!.impact).toBeGreaterThan(0);
    expect(l3!.finalValue).not.toBe(l1!.finalValue);
    for (const l of [bar, l1, l2]) expect(l!.venue).toBeUndefined();
    expect(r.attribution.map((s) => `${s.from}>${s.to}`)).toEqual(['bar>l1', 'l1>l2', 'l2>l3']);
    for (const s of r.attribution) expect(s.fees + s.spread + s.impact + s.rest).toBeCloseTo(s.change, 9);
    expect(r.attribution[2]!.change).toBeCloseTo(l3!.finalValue! - l2!.finalValue!, 9);

    // backtest.run at l3 with the same settings gives the comparison's L3 column, and is kept.
    const started = await client.call('backtest.run', { ...settings, fidelity: 'l3', urgency: 'immediate', latencyMs: 4 });
    const done = await ended(started.jobId);
    expect(done).toMatchObject({ status: 'done', progress: 1 });
    const shown = await client.call('backtest.show', { id: done.runId! });
    expect(shown.summary).toMatchObject({ fidelity: 'l3', dataName: 'xrp-3h' });
    expect(shown.finalValue).toBe(l3!.finalValue);
    expect(shown.fills).toBe(l3!.fills);
    expect(shown.l3).toEqual(l3!.venue);
    expect(shown.prices).toHaveLength(bar!.equity.length);
    expect(shown.metrics.find((m) => m.name === 'total return')?.fidelity).toBe('l3');
    const list = await client.call('backtest.list', { limit: 10 });
    expect(list.map((x) => [x.id, x.fidelity])).toContainEqual([done.runId, 'l3']);
  });

  it('when a bar-level run is asked of a tape then it runs on the tape’s bars and is kept with its bar length', { timeout: 60_000 }, async () => {
    const started = await client.call('backtest.run', { ...settings, fidelity: 'l2' });
    const done = await ended(started.jobId);
    expect(done.status).toBe('done');
    const shown = await client.call('backtest.show', { id: done.runId! });
    expect(shown.summary.fidelity).toBe('l2');
    expect(shown.l3).toBeUndefined();
    expect(shown.prices!.length).toBe(shown.bars);
  });

  it('when a window is asked that starts inside a bar then every level starts at that bar: bar, L1, L2 and L3 see the same bars', { timeout: 120_000 }, async () => {
    const t0 = Date.UTC(2019, 9, 11, 1, 0, 0);
    const r = await client.call('backtest.fidelities', { ...settings, fromMs: t0 + 30_000, toMs: t0 + 3_600_000 - 1 });
    expect(r.levels.map((l) => l.available)).toEqual([true, true, true, true]);
    for (const l of r.levels) {
      expect(l.equity).toHaveLength(60);
      expect(l.equity[0]!.time).toBe(t0);
    }
    await expect(client.call('backtest.fidelities', { ...settings, fromMs: t0, toMs: t0 - 1 })).rejects.toMatchObject({ code: 'BAD_REQUEST', issues: [{ path: 'fromMs' }] });
  });

  it('when a sweep runs on a tape then its points run on the tape’s bars and it finishes with every point', { timeout: 60_000 }, async () => {
    const started = await client.call('backtest.sweep', { ...settings, fidelity: 'l1', grid: { fast: [5, 10] }, workers: 1 });
    expect(await ended(started.jobId)).toMatchObject({ status: 'done', done: 2 });
    const r = await client.call('backtest.sweepResult', { jobId: started.jobId });
    expect(r.rows.map((x) => [x.params.fast, x.error])).toEqual([
      [5, null],
      [10, null],
    ]);
  });

  it('when L3 is asked of a bar series then backtest.run refuses it with the reason code NO_TAPE, and tape settings are refused on bars', async () => {
    const orcl = { ...settings, data: 'ORCL', cash: '100000', sizing: 'all-in', barMs: undefined };
    await expect(client.call('backtest.run', { ...orcl, fidelity: 'l3' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^NO_TAPE: ORCL is a bar series/), issues: [{ path: 'NO_TAPE' }] });
    await expect(client.call('backtest.run', { ...orcl, fidelity: 'bar', barMs: 60_000 })).rejects.toMatchObject({ code: 'BAD_REQUEST', issues: [{ path: 'barMs' }] });
    // An unknown fidelity is a schema refusal, before any data is read.
    await expect(client.call('backtest.run', { ...orcl, fidelity: 'l4' as 'l3' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(progress.events.filter((p) => p.status === 'failed')).toEqual([]);
  });
});
