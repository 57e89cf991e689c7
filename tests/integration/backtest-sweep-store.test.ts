import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestProgressDto, BacktestSweepDto } from '../../src/contract/api.ts';
import { parseSeries } from '../../src/backtest/data/formats.ts';
import { SimClock } from '../../src/core/clock.ts';
import { BacktestService } from '../../src/host/backtest-service.ts';
import { EngineSwitch } from '../../src/host/engine-switch.ts';
import { createEngine } from '../../src/kernel/engine.ts';
import { SqliteBacktestRunStore } from '../../src/store/sqlite/backtest-run-store.ts';
import { SqliteSeriesStore } from '../../src/store/sqlite/series-store.ts';
import { ProgressLog, ROOT, strataCli, tempDataDir } from './harness.ts';

/**
 * Sweeps are kept in backtests.db: the grid, every point's metrics, the best point and its deflated
 * Sharpe. A sweep started over the contract is read back over the contract by a host started
 * afterwards on the same data directory (the restart), and by the CLI; one cut short by a stop reads
 * as interrupted; a CLI sweep is readable over the contract.
 */

const ORCL = join(ROOT, 'tests/fixtures/data/backtrader/orcl-1995-2014.txt');
const settings = { data: 'ORCL', strategy: 'sma-cross', params: {}, cash: '100000', commission: 0.001, haircutBps: 0, sizing: 'all-in' };

/** A serving host's contract surface (EngineSwitch) on the data directory, as `strata serve` builds it. */
async function host(dir: string) {
  const paper = createEngine({ durability: 'memory', clock: new SimClock(Date.UTC(2026, 0, 5)), seed: 7, warmUpMinutes: 0, log: () => undefined });
  await paper.start();
  const sw = new EngineSwitch({ paper, seed: 7, backtests: (publish) => new BacktestService(dir, publish) });
  const progress = new ProgressLog();
  sw.feed.subscribe((_type, data) => progress.push(data as BacktestProgressDto), ['backtest.progress']);
  return { h: sw.handlers, ended: (jobId: string) => progress.ended(jobId), close: () => sw.close() };
}

describe('kept sweeps', () => {
  let dir: string;
  const { cli } = strataCli(() => dir);

  beforeAll(() => {
    dir = tempDataDir('backtest-sweep-store');
    const store = new SqliteSeriesStore(join(dir, 'series.db'));
    store.put('ORCL', parseSeries(readFileSync(ORCL, 'utf8')), { format: 'backtrader', source: ORCL, importedAt: 0 });
    store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when a sweep finishes and the host restarts then backtest.sweepResult gives the same grid, rows, best point and deflated Sharpe, and the CLI shows it', { timeout: 120_000 }, async () => {
    const a = await host(dir);
    let before: BacktestSweepDto;
    let jobId: string;
    try {
      const started = await a.h['backtest.sweep']({ ...settings, fidelity: 'bar', grid: { fast: [5, 10, 15], slow: [20, 30] }, workers: 2 });
      jobId = started.jobId;
      expect(jobId).toMatch(/^SW\d+$/);
      expect(await a.ended(jobId)).toMatchObject({ status: 'done', done: 6 });
      before = await a.h['backtest.sweepResult']({ jobId });
      expect(before.rows).toHaveLength(6);
      expect(before.deflatedSharpe).not.toBeNull();
    } finally {
      await a.close();
    }

    const b = await host(dir);
    try {
      const after = await b.h['backtest.sweepResult']({ jobId });
      expect(after).toEqual(before);
      expect(after).toMatchObject({ status: 'done', keys: ['fast', 'slow'], points: 6, error: null });
      // A new sweep on the restarted host gets a new id: job ids are the store's, not a per-process counter.
      const next = await b.h['backtest.sweep']({ ...settings, fidelity: 'bar', grid: { fast: [5] }, workers: 1 });
      expect(next.jobId).not.toBe(jobId);
      await b.ended(next.jobId);
      await expect(Promise.resolve().then(() => b.h['backtest.sweepResult']({ jobId: 'SW999' }))).rejects.toMatchObject({ code: 'BACKTEST_NOT_FOUND' });
    } finally {
      await b.close();
    }

    const shown = await cli('backtest', 'sweep-result', jobId, '--sort', 'index', '--json');
    expect(shown.code, shown.stderr).toBe(0);
    const out = JSON.parse(shown.stdout) as { status: string; grid: Record<string, number[]>; rows: { params: Record<string, number>; finalValue: number; sharpe: number | null }[]; deflatedSharpe: number; best: { params: Record<string, number> } };
    expect(out.status).toBe('done');
    expect(out.grid).toEqual({ fast: [5, 10, 15], slow: [20, 30] });
    expect(out.rows.map((r) => [r.params, r.finalValue, r.sharpe])).toEqual(before.rows.map((r) => [r.params, r.finalValue, r.sharpe]));
    expect(out.deflatedSharpe).toBe(before.deflatedSharpe);
    expect(out.best.params).toEqual(before.best!.params);
    const list = await cli('backtest', 'sweeps');
    expect(list.stdout).toContain(jobId);
  });

  it('when a CLI sweep is kept then the contract reads it, and a sweep whose process stopped mid-way reads as interrupted', { timeout: 120_000 }, async () => {
    const r = await cli('backtest', 'sweep', '--data', 'ORCL', '--commission', '0.001', '--grid', 'fast=5,10', '--grid', 'slow=30', '--workers', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const swept = JSON.parse(r.stdout) as { jobId: string; deflatedSharpe: number; rows: { finalValue: number }[] };

    // A sweep kept at its start whose process died before it ended.
    const store = new SqliteBacktestRunStore(join(dir, 'backtests.db'));
    const orphan = store.startSweep({ createdAt: 0, engineVersion: 'test', dataName: 'ORCL', dataHash: 'x', spec: { strategy: 'sma-cross', params: { fast: 10, slow: 30 }, fidelity: 'bar', cash: '100000', commission: '0', sizing: { kind: 'all-in' }, haircutBps: 0, seed: 42, instrument: 'ORCL' }, grid: { fast: [5, 10] }, random: null });
    store.close();

    const h = await host(dir);
    try {
      const got = await h.h['backtest.sweepResult']({ jobId: swept.jobId });
      expect(got.status).toBe('done');
      expect(got.deflatedSharpe).toBe(swept.deflatedSharpe);
      expect(got.rows.map((x) => x.finalValue).sort()).toEqual(swept.rows.map((x) => x.finalValue).sort());
      const cut = await h.h['backtest.sweepResult']({ jobId: `SW${orphan.id}` });
      expect(cut).toMatchObject({ status: 'failed', rows: [], points: 2 });
      expect(cut.error).toMatch(/^INTERRUPTED/);
    } finally {
      await h.close();
    }
  });
});
