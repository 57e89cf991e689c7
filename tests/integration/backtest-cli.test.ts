import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeries } from '../../src/backtest/data/formats.ts';
import type { BarSeries } from '../../src/backtest/data/series.ts';
import type { RunSpec } from '../../src/backtest/run-spec.ts';
import { runSpec } from '../../src/backtest/run-spec.ts';
import { gridPoints, sweepInline } from '../../src/backtest/sweep.ts';
import { sweepOnWorkers } from '../../src/host/backtest-sweep.ts';
import { kernelBarEngine } from '../../src/kernel/backtest-bars.ts';
import { ROOT, strataCli, tempDataDir } from './harness.ts';

/**
 * `strata data …` and `strata backtest …` as the real command, offline (no engine serving), on real
 * SQLite files in a temporary data directory; and the sweep's worker_threads pool.
 */

const ORCL = join(ROOT, 'tests/fixtures/data/backtrader/orcl-1995-2014.txt');
const orcl = parseSeries(readFileSync(ORCL, 'utf8')) as BarSeries;
const spec: RunSpec = { strategy: 'sma-cross', params: { fast: 10, slow: 30 }, fidelity: 'bar', cash: '100000', commission: '0.001', sizing: { kind: 'all-in' }, haircutBps: 0, seed: 7, instrument: 'ORCL' };

describe('strata backtest CLI', () => {
  let dir: string;
  const { cli, json } = strataCli(() => dir);

  beforeAll(() => {
    dir = tempDataDir('backtest-cli');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when a file is imported twice under two names then it is stored once (same hash) and listed with gaps reported', async () => {
    const a = await json<{ hash: string; created: boolean; rows: number; gaps: { count: number } }>('data', 'import', ORCL, '--name', 'orcl');
    expect(a).toMatchObject({ created: true, rows: 5036 });
    expect(a.gaps.count).toBeGreaterThan(0);
    const b = await json<{ hash: string; created: boolean }>('data', 'import', ORCL, '--name', 'orcl-again');
    expect(b).toMatchObject({ created: false, hash: a.hash });
    const list = await json<{ name: string }[]>('data', 'list');
    expect(list.map((x) => x.name)).toEqual(['orcl', 'orcl-again']);
  });

  it('when a backtest runs with --json then it prints the required fields, matches the library, and is kept', async () => {
    const out = await json<{ runId: number; finalValue: number; finalCash: number; position: Record<string, number>; fills: number; trades: { entryDate: string; exitDate: string | null; entryPrice: number; size: number; commission: number; pnl: number }[]; metrics: { sharpe: number; assumptions: { fidelity: string } }; barsPerSecond: number; dataHash: string; engineVersion: string }>(
      'backtest', 'run', '--data', 'orcl', '--strategy', 'sma-cross', '--param', 'fast=10', '--param', 'slow=30', '--fidelity', 'bar', '--cash', '100000', '--commission', '0.001', '--sizing', 'all-in',
    );
    const lib = (await runSpec({ ...spec, instrument: 'orcl', seed: 42 }, orcl, kernelBarEngine)).report;
    expect(out.finalValue).toBe(lib.finalValue);
    expect(out.finalCash).toBe(lib.finalCash);
    expect(out.position).toEqual({ orcl: lib.position['orcl'] });
    expect(out.fills).toBe(lib.fills);
    expect(out.trades[0]).toEqual(lib.trades[0]);
    expect(out.metrics.assumptions.fidelity).toBe('bar');
    expect(out.barsPerSecond).toBeGreaterThan(0);
    expect(out.runId).toBeGreaterThan(0);
    expect(out.engineVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('when the same run is made twice then both kept runs have the same result hash, and compare says identical', async () => {
    const args = ['backtest', 'run', '--data', 'orcl', '--commission', '0.001', '--fidelity', 'l2'];
    const a = await json<{ runId: number; resultHash: string }>(...args);
    const b = await json<{ runId: number; resultHash: string }>(...args);
    expect(b.resultHash).toBe(a.resultHash);
    const cmp = await json<{ sameResult: boolean }>('backtest', 'compare', String(a.runId), String(b.runId));
    expect(cmp.sameResult).toBe(true);
    const list = await json<{ id: number }[]>('backtest', 'list');
    expect(list[0]!.id).toBe(b.runId);
    const show = await cli('backtest', 'show', String(a.runId), '--trades');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('fidelity     l2');
  });

  it('when the file is bad or a parameter is wrong then the command exits non-zero with the reason', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-02,1,2,0.5,1.5,1.4,100\n2020-01-01,1,2,0.5,1.5,1.4,100\n');
    const r1 = await cli('backtest', 'run', '--data', bad);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(`UNSORTED: ${bad}:3:`);
    const r2 = await cli('backtest', 'run', '--data', 'orcl', '--param', 'fast=40');
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('BAD_STRATEGY_PARAM');
    const r3 = await cli('backtest', 'run', '--data', 'no-such-series');
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('SERIES_NOT_FOUND');
  });

  it('when the look-ahead check runs then the SMA cross passes and a strategy reading the future fails', async () => {
    expect((await cli('backtest', 'lookahead', '--data', 'orcl')).code).toBe(0);
    const r = await cli('backtest', 'lookahead', '--data', 'orcl', '--strategy', 'peek-ahead');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('LOOKAHEAD_BIAS');
  });

  it('when the three fidelities run side by side then each is labelled and only l2 pays impact', async () => {
    const out = await json<{ fidelity: string; metrics: { costs: { impact: number; spread: number }; assumptions: { fidelity: string } } }[]>('backtest', 'fidelities', '--data', ORCL, '--commission', '0.001', '--haircut-bps', '5');
    expect(out.map((x) => x.fidelity)).toEqual(['bar', 'l1', 'l2']);
    expect(out.map((x) => x.metrics.assumptions.fidelity)).toEqual(['bar', 'l1', 'l2']);
    expect(out.map((x) => x.metrics.costs.impact > 0)).toEqual([false, false, true]);
    expect(out[1]!.metrics.costs.spread).toBeGreaterThan(0);
  });

  it('when a sweep runs on two workers then its table equals the inline one', async () => {
    const out = await json<{ rows: { params: Record<string, number>; finalValue: number }[]; done: number; workers: number }>('backtest', 'sweep', '--data', 'orcl', '--commission', '0.001', '--grid', 'fast=5,10', '--grid', 'slow=20:30:10', '--workers', '2', '--sort', 'index');
    const inline = await sweepInline({ ...spec, instrument: 'orcl', seed: 42 }, orcl, gridPoints({ fast: [5, 10], slow: [20, 30] }), kernelBarEngine);
    expect(out.done).toBe(4);
    expect(out.rows.map((r) => [r.params, r.finalValue])).toEqual(inline.map((r) => [r.params, r.finalValue]));
  });
});

describe('sweep worker pool', () => {
  it('when the same sweep runs on 1 and on 2 worker threads then the rows are identical to the inline run', { timeout: 60_000 }, async () => {
    const points = gridPoints({ fast: [5, 8, 10], slow: [20, 30] });
    const inline = await sweepInline(spec, orcl, points, kernelBarEngine);
    const one = await sweepOnWorkers(spec, orcl, points, { workers: 1 });
    const two = await sweepOnWorkers(spec, orcl, points, { workers: 2 });
    expect(JSON.stringify(one.rows)).toBe(JSON.stringify(inline));
    expect(JSON.stringify(two.rows)).toBe(JSON.stringify(inline));
    expect(two.workers).toBe(2);
  });

  it('when a sweep is cancelled then it stops and says so, keeping the rows finished', { timeout: 60_000 }, async () => {
    const ac = new AbortController();
    const points = gridPoints({ fast: [2, 3, 4, 5, 6, 7, 8, 9], slow: [20, 30, 40, 50] });
    const r = await sweepOnWorkers(spec, orcl, points, { workers: 1, signal: ac.signal, onProgress: ({ done }) => done === 2 && ac.abort() });
    expect(r.cancelled).toBe(true);
    expect(r.rows.length).toBeGreaterThanOrEqual(2);
    expect(r.rows.length).toBeLessThan(points.length);
  });
});
