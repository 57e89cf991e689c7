import type Database from 'better-sqlite3';
import type { BacktestReport } from '../../backtest/run-spec.ts';
import type { BacktestRunStore, StoredSpec, NewRun, NewSweep, RunRecord, RunSummary, SweepOutcome, SweepRecord, SweepSummaryRow } from '../../backtest/runs.ts';
import { specFromStored, specToStored, summaryOf, sweepSummaryOf } from '../../backtest/runs.ts';
import { openDb } from './db.ts';
import type { Db } from './db.ts';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL, engine_version TEXT NOT NULL,
    data_name TEXT NOT NULL, data_hash TEXT NOT NULL, seed INTEGER NOT NULL,
    spec TEXT NOT NULL, report TEXT NOT NULL, result_hash TEXT NOT NULL,
    time BLOB NOT NULL, equity BLOB NOT NULL
  );
  `,
  `
  CREATE TABLE sweeps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL, engine_version TEXT NOT NULL,
    data_name TEXT NOT NULL, data_hash TEXT NOT NULL, seed INTEGER NOT NULL,
    spec TEXT NOT NULL, grid TEXT NOT NULL, random INTEGER,
    status TEXT NOT NULL, outcome TEXT
  );
  `,
  // The engine build (a hash of its source) beside its version; NULL for what was kept before.
  `
  ALTER TABLE runs ADD COLUMN engine_build TEXT;
  ALTER TABLE sweeps ADD COLUMN engine_build TEXT;
  `,
  // A target run's construction method by name, not its index into the list of methods (which
  // would name another method once the list changed): kept runs and sweeps renamed, here once.
  `
  UPDATE runs SET spec = json_set(spec, '$.params.method', CASE json_extract(spec, '$.params.method') WHEN 0 THEN 'signal-weighted' WHEN 1 THEN 'equal' WHEN 2 THEN 'inverse-vol' WHEN 3 THEN 'risk-parity' WHEN 4 THEN 'hrp' WHEN 5 THEN 'min-volatility' WHEN 6 THEN 'max-sharpe' END)
    WHERE json_extract(spec, '$.sizing.kind') = 'target' AND json_type(spec, '$.params.method') = 'integer' AND json_extract(spec, '$.params.method') BETWEEN 0 AND 6;
  UPDATE runs SET report = json_set(report, '$.spec.params.method', CASE json_extract(report, '$.spec.params.method') WHEN 0 THEN 'signal-weighted' WHEN 1 THEN 'equal' WHEN 2 THEN 'inverse-vol' WHEN 3 THEN 'risk-parity' WHEN 4 THEN 'hrp' WHEN 5 THEN 'min-volatility' WHEN 6 THEN 'max-sharpe' END)
    WHERE json_extract(report, '$.spec.sizing.kind') = 'target' AND json_type(report, '$.spec.params.method') = 'integer' AND json_extract(report, '$.spec.params.method') BETWEEN 0 AND 6;
  UPDATE sweeps SET spec = json_set(spec, '$.params.method', CASE json_extract(spec, '$.params.method') WHEN 0 THEN 'signal-weighted' WHEN 1 THEN 'equal' WHEN 2 THEN 'inverse-vol' WHEN 3 THEN 'risk-parity' WHEN 4 THEN 'hrp' WHEN 5 THEN 'min-volatility' WHEN 6 THEN 'max-sharpe' END)
    WHERE json_extract(spec, '$.sizing.kind') = 'target' AND json_type(spec, '$.params.method') = 'integer' AND json_extract(spec, '$.params.method') BETWEEN 0 AND 6;
  `,
];

interface SweepRow {
  id: number;
  created_at: number;
  engine_version: string;
  engine_build: string | null;
  data_name: string;
  data_hash: string;
  spec: string;
  grid: string;
  random: number | null;
  status: string;
  outcome: string | null;
}

function toSweep(r: SweepRow): SweepRecord {
  return {
    id: r.id,
    createdAt: r.created_at,
    engineVersion: r.engine_version,
    engineBuild: r.engine_build,
    dataName: r.data_name,
    dataHash: r.data_hash,
    spec: specFromStored(JSON.parse(r.spec) as StoredSpec),
    grid: JSON.parse(r.grid) as Record<string, number[]>,
    random: r.random,
    status: r.status as SweepRecord['status'],
    outcome: r.outcome === null ? null : (JSON.parse(r.outcome) as SweepOutcome),
  };
}

/** A kept report, its spec's method read back as the in-memory index. */
function reportFromStored(text: string): BacktestReport {
  const r = JSON.parse(text) as Omit<BacktestReport, 'spec'> & { spec: StoredSpec };
  return { ...r, spec: specFromStored(r.spec) };
}

interface Row {
  id: number;
  created_at: number;
  engine_version: string;
  engine_build: string | null;
  data_name: string;
  data_hash: string;
  seed: number;
  spec: string;
  report: string;
  result_hash: string;
  time: Buffer;
  equity: Buffer;
}

const f64 = (b: Buffer) => {
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return new Float64Array(copy.buffer);
};
const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function toRecord(r: Row): RunRecord {
  return {
    id: r.id,
    createdAt: r.created_at,
    engineVersion: r.engine_version,
    engineBuild: r.engine_build,
    dataName: r.data_name,
    dataHash: r.data_hash,
    spec: specFromStored(JSON.parse(r.spec) as StoredSpec),
    report: reportFromStored(r.report),
    resultHash: r.result_hash,
    time: f64(r.time),
    equity: f64(r.equity),
  };
}

/** Kept backtest runs and sweeps (`backtests.db`). synchronous=NORMAL: a lost run is rerun, not lost money. */
export class SqliteBacktestRunStore implements BacktestRunStore {
  private readonly db: Db;
  private readonly stmts: Record<'insert' | 'get' | 'list' | 'insertSweep' | 'finishSweep' | 'getSweep' | 'listSweeps', Database.Statement>;

  constructor(path: string) {
    this.db = openDb(path, MIGRATIONS, { synchronous: 'NORMAL' });
    this.stmts = {
      insert: this.db.prepare(`INSERT INTO runs (created_at, engine_version, engine_build, data_name, data_hash, seed, spec, report, result_hash, time, equity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      get: this.db.prepare(`SELECT * FROM runs WHERE id = ?`),
      list: this.db.prepare(`SELECT id, created_at, engine_version, engine_build, data_name, data_hash, seed, spec, report, result_hash FROM runs ORDER BY id DESC LIMIT ?`),
      insertSweep: this.db.prepare(`INSERT INTO sweeps (created_at, engine_version, engine_build, data_name, data_hash, seed, spec, grid, random, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')`),
      finishSweep: this.db.prepare(`UPDATE sweeps SET status = ?, outcome = ? WHERE id = ?`),
      getSweep: this.db.prepare(`SELECT * FROM sweeps WHERE id = ?`),
      listSweeps: this.db.prepare(`SELECT * FROM sweeps ORDER BY id DESC LIMIT ?`),
    };
  }

  save(run: NewRun): RunRecord {
    const engineBuild = run.engineBuild ?? null;
    const info = this.stmts.insert.run(run.createdAt, run.engineVersion, engineBuild, run.dataName, run.dataHash, run.spec.seed, JSON.stringify(specToStored(run.spec)), JSON.stringify({ ...run.report, spec: specToStored(run.report.spec) }), run.resultHash, bytes(run.time), bytes(run.equity));
    return { ...run, engineBuild, id: Number(info.lastInsertRowid) };
  }

  get(id: number): RunRecord | undefined {
    const r = this.stmts.get.get(id) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  list(limit: number): RunSummary[] {
    return (this.stmts.list.all(limit) as Omit<Row, 'time' | 'equity'>[]).map((r) =>
      summaryOf({ id: r.id, createdAt: r.created_at, engineVersion: r.engine_version, engineBuild: r.engine_build, dataName: r.data_name, dataHash: r.data_hash, spec: specFromStored(JSON.parse(r.spec) as StoredSpec), report: reportFromStored(r.report), resultHash: r.result_hash }),
    );
  }

  startSweep(s: NewSweep): SweepRecord {
    const engineBuild = s.engineBuild ?? null;
    const info = this.stmts.insertSweep.run(s.createdAt, s.engineVersion, engineBuild, s.dataName, s.dataHash, s.spec.seed, JSON.stringify(specToStored(s.spec)), JSON.stringify(s.grid), s.random);
    return { ...s, engineBuild, id: Number(info.lastInsertRowid), status: 'running', outcome: null };
  }

  finishSweep(id: number, outcome: SweepOutcome): void {
    this.stmts.finishSweep.run(outcome.status, JSON.stringify(outcome), id);
  }

  getSweep(id: number): SweepRecord | undefined {
    const r = this.stmts.getSweep.get(id) as SweepRow | undefined;
    return r ? toSweep(r) : undefined;
  }

  listSweeps(limit: number): SweepSummaryRow[] {
    return (this.stmts.listSweeps.all(limit) as SweepRow[]).map((r) => sweepSummaryOf(toSweep(r)));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
