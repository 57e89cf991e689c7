import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewRun } from '../../src/backtest/runs.ts';
import { SqliteBacktestRunStore } from '../../src/store/sqlite/backtest-run-store.ts';

/**
 * Kept runs record the engine build beside its version; a backtests.db written before builds were
 * recorded (schema version 2) opens, its runs and sweeps read with build null, and new runs keep theirs.
 */
const SPEC = { strategy: 'sma-cross', params: { fast: 10, slow: 30 }, fidelity: 'bar', cash: '100000', commission: '0', sizing: { kind: 'all-in' }, haircutBps: 0, seed: 42, instrument: 'ORCL' } as const;

describe('kept runs and the engine build', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('when a backtests.db from before builds were recorded is opened then its run and sweep read with build null, and a new run keeps its build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-runs-'));
    dirs.push(dir);
    const path = join(dir, 'backtests.db');
    // The file as the previous schema (version 2) left it, with one run and one sweep.
    const old = new Database(path);
    old.exec(`CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL, engine_version TEXT NOT NULL, data_name TEXT NOT NULL, data_hash TEXT NOT NULL, seed INTEGER NOT NULL, spec TEXT NOT NULL, report TEXT NOT NULL, result_hash TEXT NOT NULL, time BLOB NOT NULL, equity BLOB NOT NULL);
      CREATE TABLE sweeps (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL, engine_version TEXT NOT NULL, data_name TEXT NOT NULL, data_hash TEXT NOT NULL, seed INTEGER NOT NULL, spec TEXT NOT NULL, grid TEXT NOT NULL, random INTEGER, status TEXT NOT NULL, outcome TEXT);`);
    const report = { finalValue: 100000, metrics: { totalReturn: 0, sharpe: null, maxDrawdown: 0 } };
    old.prepare(`INSERT INTO runs (created_at, engine_version, data_name, data_hash, seed, spec, report, result_hash, time, equity) VALUES (1, '0.1.0', 'ORCL', 'h', 42, ?, ?, 'r', ?, ?)`).run(JSON.stringify(SPEC), JSON.stringify(report), Buffer.from(new Float64Array([1]).buffer), Buffer.from(new Float64Array([100000]).buffer));
    old.prepare(`INSERT INTO sweeps (created_at, engine_version, data_name, data_hash, seed, spec, grid, random, status) VALUES (1, '0.1.0', 'ORCL', 'h', 42, ?, '{"fast":[5]}', NULL, 'running')`).run(JSON.stringify(SPEC));
    old.pragma('user_version = 2');
    old.close();

    const store = new SqliteBacktestRunStore(path);
    try {
      expect(store.get(1)).toMatchObject({ engineVersion: '0.1.0', engineBuild: null, dataName: 'ORCL' });
      expect(store.list(10)).toEqual([expect.objectContaining({ id: 1, engineVersion: '0.1.0', engineBuild: null })]);
      expect(store.getSweep(1)).toMatchObject({ engineVersion: '0.1.0', engineBuild: null });

      const kept = store.get(1)!;
      const next: NewRun = { createdAt: 2, engineVersion: '0.1.0', engineBuild: '1a2b3c4d5e6f', dataName: kept.dataName, dataHash: kept.dataHash, spec: kept.spec, report: kept.report, resultHash: 'r2', time: kept.time, equity: kept.equity };
      expect(store.save(next)).toMatchObject({ id: 2, engineBuild: '1a2b3c4d5e6f' });
      expect(store.get(2)?.engineBuild).toBe('1a2b3c4d5e6f');
      expect(store.list(10).map((r) => [r.id, r.engineBuild])).toEqual([
        [2, '1a2b3c4d5e6f'],
        [1, null],
      ]);
      expect(store.startSweep({ createdAt: 3, engineVersion: '0.1.0', engineBuild: 'ffffffffffff', dataName: 'ORCL', dataHash: 'h', spec: kept.spec, grid: { fast: [5] }, random: null }).engineBuild).toBe('ffffffffffff');
      expect(store.getSweep(2)?.engineBuild).toBe('ffffffffffff');
    } finally {
      store.close();
    }
  });
});
