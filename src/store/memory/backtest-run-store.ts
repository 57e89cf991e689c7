import type { BacktestRunStore, NewRun, NewSweep, RunRecord, RunSummary, SweepOutcome, SweepRecord, SweepSummaryRow } from '../../backtest/runs.ts';
import { summaryOf, sweepSummaryOf } from '../../backtest/runs.ts';

/** Kept runs in memory (tests, sweeps that keep nothing): same contract as the SQLite store. */
export class MemoryBacktestRunStore implements BacktestRunStore {
  private readonly runs: RunRecord[] = [];
  private readonly sweeps: SweepRecord[] = [];

  save(run: NewRun): RunRecord {
    const r: RunRecord = { ...run, engineBuild: run.engineBuild ?? null, id: this.runs.length + 1 };
    this.runs.push(r);
    return r;
  }

  get(id: number): RunRecord | undefined {
    return this.runs[id - 1];
  }

  list(limit: number): RunSummary[] {
    return this.runs.slice().reverse().slice(0, limit).map(summaryOf);
  }

  startSweep(s: NewSweep): SweepRecord {
    const r: SweepRecord = { ...s, engineBuild: s.engineBuild ?? null, id: this.sweeps.length + 1, status: 'running', outcome: null };
    this.sweeps.push(r);
    return r;
  }

  finishSweep(id: number, outcome: SweepOutcome): void {
    const r = this.sweeps[id - 1];
    if (r) this.sweeps[id - 1] = { ...r, status: outcome.status, outcome };
  }

  getSweep(id: number): SweepRecord | undefined {
    return this.sweeps[id - 1];
  }

  listSweeps(limit: number): SweepSummaryRow[] {
    return this.sweeps.slice().reverse().slice(0, limit).map(sweepSummaryOf);
  }

  close(): void {}
}
