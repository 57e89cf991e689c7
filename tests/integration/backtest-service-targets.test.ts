import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeries } from '../../src/backtest/data/formats.ts';
import { DomainError } from '../../src/core/errors.ts';
import { BacktestService } from '../../src/host/backtest-service.ts';
import { SqliteBacktestRunStore } from '../../src/store/sqlite/backtest-run-store.ts';
import { SqliteSeriesStore } from '../../src/store/sqlite/series-store.ts';
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

  it('when a target strategy is asked for a sweep or the fidelity comparison from the screen then it is refused BAD_REQUEST with where to run it', () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof DomainError ? err.code : 'other';
      }
      return 'accepted';
    };
    const base = { data: 'ORCL', strategy: 'l2', params: {}, cash: '100000', commission: 0, haircutBps: 0, sizing: 'all-in' };
    expect(refused(() => svc.sweep({ ...base, fidelity: 'bar', grid: { strategic: [1, 2] } }))).toBe('BAD_REQUEST');
    expect(refused(() => svc.fidelities(base))).toBe('BAD_REQUEST');
    expect(refused(() => svc.run({ ...base, fidelity: 'bar', params: { lot: 0 } }))).toBe('BAD_REQUEST');
  });
});
