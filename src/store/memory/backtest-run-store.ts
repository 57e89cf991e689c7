import type { BacktestRunStore, NewRun, RunRecord, RunSummary } from '../../backtest/runs.ts';
import { summaryOf } from '../../backtest/runs.ts';

/** Kept runs in memory (tests, sweeps that keep nothing): same contract as the SQLite store. */
export class MemoryBacktestRunStore implements BacktestRunStore {
  private readonly runs: RunRecord[] = [];

  save(run: NewRun): RunRecord {
    const r = { ...run, id: this.runs.length + 1 };
    this.runs.push(r);
    return r;
  }

  get(id: number): RunRecord | undefined {
    return this.runs[id - 1];
  }

  list(limit: number): RunSummary[] {
    return this.runs.slice().reverse().slice(0, limit).map(summaryOf);
  }

  close(): void {}
}
