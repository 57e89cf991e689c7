import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeries } from '../../src/backtest/data/formats.ts';
import { DomainError } from '../../src/core/errors.ts';
import { BacktestService } from '../../src/host/backtest-service.ts';
import { SqliteBacktestRunStore } from '../../src/store/sqlite/backtest-run-store.ts';
import { SqliteSeriesStore } from '../../src/store/sqlite/series-store.ts';
import { stockCsv } from '../fixtures/backtest/stocks.ts';
import { ProgressLog, ROOT, tempDataDir } from './harness.ts';

/** The Backtest screen's picker offers the target strategies; backtest.run runs one on the picked series through the kernel and keeps its attribution. */
const ORCL = join(ROOT, 'tests/fixtures/data/backtrader/orcl-1995-2014.txt');

describe('BacktestService with target strategies (host)', () => {
  let dir: string;
  let svc: BacktestService;
  const progress = new ProgressLog();

  beforeAll(() => {
    dir = tempDataDir('backtest-service-targets');
    const store = new SqliteSeriesStore(join(dir, 'series.db'));
    store.put('ORCL', parseSeries(readFileSync(ORCL, 'utf8')), { format: 'backtrader', source: ORCL, importedAt: 0 });
    for (const t of ['AAPL', 'GE', 'XOM']) store.put(t, parseSeries(stockCsv(t, '2006-01-01', '2009-12-31')), { format: 'generic', source: `${t}.csv`, importedAt: 0 });
    store.close();
    svc = new BacktestService(dir, progress.push);
  });
  afterAll(() => {
    svc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the screen asks for its data then the strategies include strategic, tactical, stat-model and l2', () => {
    expect(svc.data().strategies.map((s) => s.name)).toEqual(['sma-cross', 'peek-ahead', 'strategic', 'tactical', 'stat-model', 'l2']);
  });

  it('when the screen asks for its data then only the target strategies are flagged target (the screen sizes them as the host does)', () => {
    expect(svc.data().strategies.filter((s) => s.target === true).map((s) => s.name)).toEqual(['strategic', 'tactical', 'stat-model', 'l2']);
  });

  it('when tactical runs from the screen then it is done, kept with its per-alpha attribution, and its fills are the kernel\'s', async () => {
    const started = svc.run({ data: 'ORCL', strategy: 'tactical', params: {}, cash: '100000', commission: 0.001, haircutBps: 0, sizing: 'all-in', fidelity: 'l2', toMs: Date.parse('2004-12-31T00:00:00Z') });
    const end = await progress.when((p) => p.jobId === started.jobId && p.status !== 'running');
    expect(end, end.error ?? '').toMatchObject({ kind: 'run', status: 'done' });
    const run = svc.show(end.runId!);
    expect(run.summary.strategy).toBe('tactical');
    // The screen's Attribution table reads these.
    expect(run.attribution!.alphas.map((a) => a.alpha)).toEqual(['tactical']);
    expect(run.attribution!.instruments.map((x) => x.instrument)).toEqual(['ORCL']);
    expect(run.attribution!.rule).toMatch(/contribution/);
    const store = new SqliteBacktestRunStore(join(dir, 'backtests.db'));
    try {
      const kept = store.get(end.runId!)!;
      expect(kept.spec.sizing).toEqual({ kind: 'target' });
      expect(kept.report.attribution!.alphas.map((a) => a.alpha)).toEqual(['tactical']);
      expect(kept.report.attribution!.alphas[0]!.pnl).toBeCloseTo(kept.report.finalValue - 100000, 6);
      expect(kept.report.metrics.costs.impact).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  });

  it('when several series are picked for a target strategy then the run holds them all, reports its progress, and is kept under their joined name; a bar strategy takes one', async () => {
    const started = svc.run({ data: ['AAPL', 'GE', 'XOM'], strategy: 'strategic', params: { method: 2 }, cash: '100000', commission: 0.001, haircutBps: 0, sizing: 'all-in', fidelity: 'bar' });
    const end = await progress.when((p) => p.jobId === started.jobId && p.status !== 'running');
    expect(end, end.error ?? '').toMatchObject({ kind: 'run', status: 'done' });
    // The target run said how far it was while it ran (percent and ETA), as an L3 run does.
    const ticks = progress.events.filter((p) => p.jobId === started.jobId && p.status === 'running' && p.progress > 0);
    for (const t of ticks) expect(t.etaMs).not.toBeNull();
    const run = svc.show(end.runId!);
    expect(run.attribution!.instruments.map((x) => x.instrument)).toEqual(['AAPL', 'GE', 'XOM']);
    const store = new SqliteBacktestRunStore(join(dir, 'backtests.db'));
    try {
      const kept = store.get(end.runId!)!;
      expect(kept.dataName).toBe('AAPL+GE+XOM');
      expect(kept.spec.instruments).toEqual(['AAPL', 'GE', 'XOM']);
      expect(kept.report.metrics.assumptions.fills).toContain('construction inverse-vol');
    } finally {
      store.close();
    }
    expect(() => svc.run({ data: ['ORCL', 'GE'], strategy: 'sma-cross', params: {}, cash: '100000', commission: 0, haircutBps: 0, sizing: 'all-in', fidelity: 'bar' })).toThrow(/one instrument/);
    expect(() => svc.run({ data: ['AAPL', 'NOPE'], strategy: 'strategic', params: {}, cash: '100000', commission: 0, haircutBps: 0, sizing: 'all-in', fidelity: 'bar' })).toThrow(/NOPE/);
  });

  it('when a target strategy is swept from the screen then every point runs through the kernel on the picked series and the best has a deflated Sharpe', async () => {
    const started = svc.sweep({ data: ['AAPL', 'GE', 'XOM'], strategy: 'strategic', params: {}, cash: '100000', commission: 0.001, haircutBps: 0, sizing: 'all-in', fidelity: 'bar', grid: { method: [1, 2], driftThreshold: [0.01, 0.05] }, workers: 2 });
    const end = await progress.when((p) => p.jobId === started.jobId && p.status !== 'running');
    expect(end, end.error ?? '').toMatchObject({ kind: 'sweep', status: 'done' });
    const r = svc.sweepResult(started.jobId);
    expect(r.rows).toHaveLength(4);
    expect(r.rows.every((x) => x.error === null)).toBe(true);
    expect(new Set(r.rows.map((x) => x.finalValue)).size).toBe(4);
    expect(r.deflatedSharpe).not.toBeNull();
  });

  it('when a target strategy is asked for the fidelity comparison from the screen then it is refused BAD_REQUEST with where to run it', () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof DomainError ? err.code : 'other';
      }
      return 'accepted';
    };
    const base = { data: 'ORCL', strategy: 'l2', params: {}, cash: '100000', commission: 0, haircutBps: 0, sizing: 'all-in' };
    expect(refused(() => svc.fidelities(base))).toBe('BAD_REQUEST');
    expect(refused(() => svc.run({ ...base, fidelity: 'bar', params: { lot: 0 } }))).toBe('BAD_REQUEST');
  });
});
