import { CONSTRUCTION_METHODS } from '../contract/api/portfolio.ts';
import type { BacktestReport, RunSpec } from './run-spec.ts';
import type { SweepRow } from './sweep.ts';

/**
 * Kept runs: config, data name and content hash, seed, engine version and build, the report, the
 * equity curve, and a hash of the report (same inputs → same hash, bit for bit). Implementations: SQLite
 * (src/store/sqlite/backtest-run-store.ts) and in memory (src/store/memory/backtest-run-store.ts).
 */
export interface RunRecord {
  id: number;
  createdAt: number;
  engineVersion: string;
  /**
   * The engine build that made it (src/kernel/build-id.ts: a hash of the engine's source), so runs of
   * two builds of one version can be told apart; null for a run kept before builds were recorded.
   */
  engineBuild: string | null;
  dataName: string;
  dataHash: string;
  spec: RunSpec;
  report: BacktestReport;
  /** sha256 of the report's JSON. */
  resultHash: string;
  time: Float64Array;
  equity: Float64Array;
}

/** A run to keep; without engineBuild it is kept as not recorded (null). */
export type NewRun = Omit<RunRecord, 'id' | 'engineBuild'> & { engineBuild?: string };

export interface RunSummary {
  id: number;
  createdAt: number;
  engineVersion: string;
  engineBuild: string | null;
  strategy: string;
  params: Record<string, number>;
  fidelity: string;
  dataName: string;
  dataHash: string;
  finalValue: number;
  totalReturn: number;
  sharpe: number | null;
  maxDrawdown: number;
  resultHash: string;
}

/**
 * A kept parameter sweep: what it ran (the base spec, the grid, random draws), on which data, and
 * once it ended its table (every point's metrics, in point order), the best point and its deflated
 * Sharpe. A host keeps the sweep from its start (status running), so its id is its job id and
 * survives a restart; one that was running when its host stopped stays "running" in the file and is
 * read as interrupted.
 */
export interface SweepRecord {
  id: number;
  createdAt: number;
  engineVersion: string;
  /** As RunRecord.engineBuild. */
  engineBuild: string | null;
  dataName: string;
  dataHash: string;
  spec: RunSpec;
  grid: Record<string, number[]>;
  random: number | null;
  status: 'running' | SweepOutcome['status'];
  outcome: SweepOutcome | null;
}

export type NewSweep = Omit<SweepRecord, 'id' | 'status' | 'outcome' | 'engineBuild'> & { engineBuild?: string };

/**
 * How a sweep ended. Rows are kept as JSON: a non-finite figure (a Sharpe of a flat run) reads back
 * as null.
 */
export interface SweepOutcome {
  status: 'done' | 'cancelled' | 'failed';
  /** Points in all, and the rows finished (all of them unless cancelled or failed). */
  points: number;
  rows: SweepRow[];
  best: SweepRow | null;
  deflatedSharpe: number | null;
  probabilisticSharpe: number | null;
  workers: number;
  seconds: number;
  error: string | null;
}

export interface SweepSummaryRow {
  id: number;
  createdAt: number;
  strategy: string;
  keys: string[];
  points: number;
  fidelity: string;
  dataName: string;
  status: SweepRecord['status'];
  bestParams: Record<string, number> | null;
  bestSharpe: number | null;
  deflatedSharpe: number | null;
}

export interface BacktestRunStore {
  save(run: NewRun): RunRecord;
  get(id: number): RunRecord | undefined;
  /** Newest first. */
  list(limit: number): RunSummary[];
  /** Keeps a sweep that starts now (status running); `finishSweep` adds how it ended. */
  startSweep(sweep: NewSweep): SweepRecord;
  finishSweep(id: number, outcome: SweepOutcome): void;
  getSweep(id: number): SweepRecord | undefined;
  /** Newest first. */
  listSweeps(limit: number): SweepSummaryRow[];
  close(): void;
}

/** The points a sweep's grid and random draws make (for a sweep still running or interrupted). */
export function sweepPoints(r: Pick<SweepRecord, 'grid' | 'random'>): number {
  const size = Object.values(r.grid).reduce((n, v) => n * v.length, 1);
  return r.random === null ? size : Math.min(size, r.random);
}

export function sweepSummaryOf(r: SweepRecord): SweepSummaryRow {
  const best = r.outcome?.best ?? null;
  return {
    id: r.id,
    createdAt: r.createdAt,
    strategy: r.spec.strategy,
    keys: Object.keys(r.grid),
    points: r.outcome?.points ?? sweepPoints(r),
    fidelity: r.spec.fidelity,
    dataName: r.dataName,
    status: r.status,
    bestParams: best ? best.params : null,
    bestSharpe: best ? best.sharpe : null,
    deflatedSharpe: r.outcome?.deflatedSharpe ?? null,
  };
}

export function summaryOf(r: Pick<RunRecord, 'id' | 'createdAt' | 'engineVersion' | 'engineBuild' | 'dataName' | 'dataHash' | 'spec' | 'report' | 'resultHash'>): RunSummary {
  return {
    id: r.id,
    createdAt: r.createdAt,
    engineVersion: r.engineVersion,
    engineBuild: r.engineBuild,
    strategy: r.spec.strategy,
    params: r.spec.params,
    fidelity: r.spec.fidelity,
    dataName: r.dataName,
    dataHash: r.dataHash,
    finalValue: r.report.finalValue,
    totalReturn: r.report.metrics.totalReturn,
    sharpe: r.report.metrics.sharpe,
    maxDrawdown: r.report.metrics.maxDrawdown,
    resultHash: r.resultHash,
  };
}

/**
 * A spec as a run record keeps it: a target strategy's construction `method` by name. In memory
 * params are numbers and the method its index into CONSTRUCTION_METHODS; kept as an index, a run
 * would read as another method once that list changed. Records kept before hold the index: the
 * runs store's migration renames them, and specFromStored reads either.
 */
export type StoredSpec = Omit<RunSpec, 'params'> & { params: Record<string, number | string> };

export function specToStored(spec: RunSpec): StoredSpec {
  const m = spec?.params?.['method'];
  const name = m !== undefined ? CONSTRUCTION_METHODS[m] : undefined;
  return name === undefined ? spec : { ...spec, params: { ...spec.params, method: name } };
}

export function specFromStored(x: StoredSpec): RunSpec {
  // A record read as kept, whatever it lacks (a minimal report from an old build has no spec).
  const m = x?.params?.['method'];
  if (typeof m !== 'string') return x as RunSpec;
  const i = (CONSTRUCTION_METHODS as readonly string[]).indexOf(m);
  // A name this build does not know stays readable: the run shows it, and a rerun refuses it.
  return { ...x, params: { ...x.params, method: i >= 0 ? i : Number.NaN } };
}
