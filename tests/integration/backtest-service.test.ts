import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Params } from '../../src/contract/api.ts';
import { parseSeries } from '../../src/backtest/data/formats.ts';
import { DomainError } from '../../src/core/errors.ts';
import { BacktestService } from '../../src/host/backtest-service.ts';
import { SqliteSeriesStore } from '../../src/store/sqlite/series-store.ts';
import { ProgressLog, ROOT, tempDataDir } from './harness.ts';

/**
 * backtest.* as the serving host answers it for the Backtest screen, on real SQLite files and real
 * worker threads: the fidelity comparison, sweeps with progress and cancel, a run's price bars and
 * trade times for the chart's markers.
 */

const ORCL = join(ROOT, 'tests/fixtures/data/backtrader/orcl-1995-2014.txt');
const settings = { data: 'ORCL', strategy: 'sma-cross', params: { fast: 10, slow: 30 }, cash: '100000', commission: 0.001, haircutBps: 5, sizing: 'all-in' } satisfies Partial<Params<'backtest.fidelities'>>;

describe('BacktestService (host)', () => {
  let dir: string;
  let svc: BacktestService;
  const progress = new ProgressLog();

  beforeAll(() => {
    dir = tempDataDir('backtest-service');
    const store = new SqliteSeriesStore(join(dir, 'series.db'));
    store.put('ORCL', parseSeries(readFileSync(ORCL, 'utf8')), { format: 'backtrader', source: ORCL, importedAt: 0 });
    store.close();
    svc = new BacktestService(dir, progress.push);
  });
  afterAll(() => {
    svc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the same run is compared across fidelities then bar, L1 and L2 run, L3 says why not, L1 costs ≤ L2 costs and each step’s parts sum to its change', async () => {
    const r = await svc.fidelities(settings);
    expect(r.levels.map((l) => [l.fidelity, l.available])).toEqual([['bar', true], ['l1', true], ['l2', true], ['l3', false]]);
    const [bar, l1, l2, l3] = r.levels;
    expect(l3!.reason).toMatch(/trade tape/);
    expect(l1!.costs!.total).toBeLessThanOrEqual(l2!.costs!.total);
    expect(bar!.costs!.spread).toBe(0);
    expect(l2!.costs!.impact).toBeGreaterThan(0);
    for (const l of [bar, l1, l2]) {
      expect(l!.fillAssumption).not.toBe('');
      expect(l!.equity).toHaveLength(5036);
      expect(l!.fills).toBeGreaterThan(0);
    }
    expect(r.attribution.map((s) => `${s.from}>${s.to}`)).toEqual(['bar>l1', 'l1>l2']);
    for (const s of r.attribution) expect(s.fees + s.spread + s.impact + s.rest).toBeCloseTo(s.change, 6);
    expect(r.attribution[1]!.change).toBeCloseTo(l2!.finalValue! - l1!.finalValue!, 6);
  });

  it('when a bar series is compared across fidelities then L3 is not run with the typed reason NO_TAPE and no figures (never faked on bars)', async () => {
    const r = await svc.fidelities({ ...settings, params: { fast: 10, slow: 30 } });
    const l3 = r.levels.find((l) => l.fidelity === 'l3')!;
    expect(l3).toMatchObject({ available: false, reasonCode: 'NO_TAPE', finalValue: null, costs: null, fills: null, equity: [] });
    for (const l of r.levels.filter((x) => x.available)) expect(l.reasonCode).toBeNull();
    expect(r.attribution.some((s) => s.to === 'l3' || s.from === 'l3')).toBe(false);
  });

  it('when a sweep runs then progress ends done and the result has every point in grid order, the best by Sharpe and its deflated Sharpe', async () => {
    const started = svc.sweep({ ...settings, fidelity: 'bar', grid: { fast: [5, 10, 15], slow: [20, 30] }, workers: 2 });
    expect(started).toMatchObject({ kind: 'sweep', status: 'running', total: 6 });
    const end = await progress.when((p) => p.jobId === started.jobId && p.status !== 'running');
    expect(end).toMatchObject({ status: 'done', done: 6, total: 6, progress: 1 });
    const r = svc.sweepResult(started.jobId);
    expect(r.keys).toEqual(['fast', 'slow']);
    expect(r.rows.map((x) => x.params)).toEqual([
      { fast: 5, slow: 20 }, { fast: 5, slow: 30 }, { fast: 10, slow: 20 }, { fast: 10, slow: 30 }, { fast: 15, slow: 20 }, { fast: 15, slow: 30 },
    ]);
    const best = Math.max(...r.rows.map((x) => x.sharpe ?? -Infinity));
    expect(r.best!.sharpe).toBe(best);
    expect(r.deflatedSharpe).not.toBeNull();
    // The progress a client sees never goes back.
    const mine = progress.events.filter((p) => p.jobId === started.jobId).map((p) => p.done);
    expect([...mine].sort((a, b) => a - b)).toEqual(mine);
  });

  it('when a running sweep is cancelled then it ends cancelled with the rows finished so far readable', async () => {
    const fast = Array.from({ length: 40 }, (_, i) => i + 2);
    const slow = Array.from({ length: 40 }, (_, i) => i + 45);
    const started = svc.sweep({ ...settings, fidelity: 'l2', grid: { fast, slow }, workers: 1 });
    await progress.when((p) => p.jobId === started.jobId && p.status === 'running' && p.done > 0);
    expect(svc.cancel(started.jobId)).toMatchObject({ status: 'cancelled' });
    const end = await progress.when((p) => p.jobId === started.jobId && p.status !== 'running');
    expect(end.status).toBe('cancelled');
    const r = svc.sweepResult(started.jobId);
    expect(r.status).toBe('cancelled');
    expect(r.rows.length).toBe(end.done);
    expect(r.rows.length).toBeGreaterThan(0);
    expect(r.rows.length).toBeLessThan(1600);
  });

  it('when a sweep names a parameter the strategy lacks, or too many points, then it is refused with BAD_REQUEST and no job starts', () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof DomainError ? err.code : 'other';
      }
      return 'none';
    };
    expect(refused(() => svc.sweep({ ...settings, fidelity: 'bar', grid: { nope: [1, 2] } }))).toBe('BAD_REQUEST');
    const many = Array.from({ length: 101 }, (_, i) => i + 1);
    expect(refused(() => svc.sweep({ ...settings, fidelity: 'bar', grid: { fast: many, slow: many } }))).toBe('BAD_REQUEST');
    expect(refused(() => svc.sweepResult('SW999'))).toBe('BACKTEST_NOT_FOUND');
  });

  it('when a run is kept then show gives its price bars and trades whose entry and exit times are bars of the chart', async () => {
    const started = svc.run({ ...settings, fidelity: 'bar' });
    const end = await progress.when((p) => p.jobId === started.jobId && p.status !== 'running');
    expect(end).toMatchObject({ kind: 'run', status: 'done', done: 1 });
    const run = svc.show(end.runId!);
    expect(run.prices).toHaveLength(5036);
    const times = new Set(run.prices!.map((p) => p.time));
    expect(run.trades.length).toBeGreaterThan(10);
    for (const t of run.trades) {
      expect(times.has(t.entryTime)).toBe(true);
      if (t.exitTime !== null) expect(times.has(t.exitTime)).toBe(true);
    }
    expect(run.costSplit.fees).toBeGreaterThan(0);
    expect(run.costSplit.total).toBeCloseTo(run.costSplit.fees + run.costSplit.spread + run.costSplit.impact, 6);
  });
});
