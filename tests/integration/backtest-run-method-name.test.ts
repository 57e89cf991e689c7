import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CONSTRUCTION_METHODS } from '../../src/contract/api/portfolio.ts';
import type { RunSpec } from '../../src/backtest/run-spec.ts';
import { runTargetSpec } from '../../src/backtest/run-spec.ts';
import { SqliteBacktestRunStore } from '../../src/store/sqlite/backtest-run-store.ts';
import { stockBars } from '../fixtures/backtest/stocks.ts';

/** A target run's construction method is kept by name in backtests.db; runs kept with its index are renamed by the store's migration. */
describe('kept target runs name their construction method', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const hrp = CONSTRUCTION_METHODS.indexOf('hrp');
  const spec: RunSpec = { strategy: 'strategic', params: { method: hrp }, fidelity: 'bar', cash: '100000', commission: '0.001', sizing: { kind: 'target' }, haircutBps: 0, seed: 42, instrument: 'AAPL+GE', instruments: ['AAPL', 'GE'] };
  const keep = (store: SqliteBacktestRunStore) => {
    const { result, report } = runTargetSpec(spec, stockBars(['AAPL', 'GE'], '2007-01-01', '2008-12-31'));
    return store.save({ createdAt: 1, engineVersion: 'test', dataName: 'AAPL+GE', dataHash: 'h', spec, report, resultHash: 'r', time: result.time, equity: result.equity });
  };
  const raw = (path: string) => {
    const db = new Database(path);
    try {
      return db.prepare('SELECT spec, report FROM runs').get() as { spec: string; report: string };
    } finally {
      db.close();
    }
  };

  it('when a target run is kept then the record says method "hrp", and reading it back gives the run its method again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-method-'));
    dirs.push(dir);
    const path = join(dir, 'backtests.db');
    const store = new SqliteBacktestRunStore(path);
    const id = keep(store).id;
    expect(store.get(id)!.spec.params['method']).toBe(hrp);
    expect(store.get(id)!.report.spec.params['method']).toBe(hrp);
    expect(store.list(5)[0]!.params['method']).toBe(hrp);
    store.close();
    const r = raw(path);
    expect(JSON.parse(r.spec).params.method).toBe('hrp');
    expect(JSON.parse(r.report).spec.params.method).toBe('hrp');
  });

  it('when a database kept runs with the method as an index then opening it renames them, and they read as before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-method-'));
    dirs.push(dir);
    const path = join(dir, 'backtests.db');
    const store = new SqliteBacktestRunStore(path);
    const id = keep(store).id;
    store.close();
    // As a build before the rename kept it: the index, at schema version 3.
    const db = new Database(path);
    db.prepare(`UPDATE runs SET spec = json_set(spec, '$.params.method', ${hrp}), report = json_set(report, '$.spec.params.method', ${hrp})`).run();
    db.pragma('user_version = 3');
    db.close();
    expect(JSON.parse(raw(path).spec).params.method).toBe(hrp);
    const reopened = new SqliteBacktestRunStore(path);
    expect(reopened.get(id)!.spec.params['method']).toBe(hrp);
    reopened.close();
    const r = raw(path);
    expect(JSON.parse(r.spec).params.method).toBe('hrp');
    expect(JSON.parse(r.report).spec.params.method).toBe('hrp');
  });
});
