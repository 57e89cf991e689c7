import type { BacktestReport, RunSpec } from './run-spec.ts';

/**
 * Kept runs: config, data name and content hash, seed, engine version, the report, the equity
 * curve, and a hash of the report (same inputs → same hash, bit for bit). Implementations: SQLite
 * (src/store/sqlite/backtest-run-store.ts) and in memory (src/store/memory/backtest-run-store.ts).
 */
export interface RunRecord {
  id: number;
  createdAt: number;
  engineVersion: string;
  dataName: string;
  dataHash: string;
  spec: RunSpec;
  report: BacktestReport;
  /** sha256 of the report's JSON. */
  resultHash: string;
  time: Float64Array;
  equity: Float64Array;
}

export type NewRun = Omit<RunRecord, 'id'>;

export interface RunSummary {
  id: number;
  createdAt: number;
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

export interface BacktestRunStore {
  save(run: NewRun): RunRecord;
  get(id: number): RunRecord | undefined;
  /** Newest first. */
  list(limit: number): RunSummary[];
  close(): void;
}

export function summaryOf(r: Pick<RunRecord, 'id' | 'createdAt' | 'dataName' | 'dataHash' | 'spec' | 'report' | 'resultHash'>): RunSummary {
  return {
    id: r.id,
    createdAt: r.createdAt,
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
