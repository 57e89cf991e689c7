import type { BacktestProgressDto } from '../../../src/contract/index.ts';
import type { SliceDef } from './slice.ts';
import { set } from './store.ts';

/** Backtests started from this terminal: the latest progress of each job (pushed as backtest.progress). */
export interface BacktestSlice {
  backtestJobs: Record<string, BacktestProgressDto>;
}

export function backtestInitial(): BacktestSlice {
  return { backtestJobs: {} };
}

function onProgress(p: BacktestProgressDto): void {
  set((s) => ({ backtestJobs: { ...s.backtestJobs, [p.jobId]: p } }));
}

export const backtestSlice: SliceDef = {
  name: 'backtest',
  events: { 'backtest.progress': onProgress },
};
