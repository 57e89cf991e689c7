import { getCompileCacheDir } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BarSeries } from '../backtest/data/series.ts';
import type { RunSpec } from '../backtest/run-spec.ts';
import type { SweepRow } from '../backtest/sweep.ts';
import type { InstrumentSeries } from '../backtest/strategies/target-runner.ts';

export interface SweepProgress {
  done: number;
  total: number;
}

export interface PoolResult {
  rows: SweepRow[];
  cancelled: boolean;
  workers: number;
}

/**
 * Runs sweep points on worker_threads (one per core by default). Rows come back in any order and
 * are sorted by point index, so the table does not depend on the number of workers. `signal`
 * cancels: the workers are terminated and the rows finished so far are returned. `bars`: one
 * series for a bar strategy, or a target strategy's instruments (each worker runs its points through
 * the kernel's target run).
 */
export async function sweepOnWorkers(base: RunSpec, bars: BarSeries | readonly InstrumentSeries[], points: readonly Record<string, number>[], opts: { workers?: number; signal?: AbortSignal; onProgress?: (p: SweepProgress) => void } = {}): Promise<PoolResult> {
  const total = points.length;
  const count = Math.max(1, Math.min(opts.workers ?? availableParallelism(), total || 1));
  const rows: SweepRow[] = [];
  if (total === 0) return { rows, cancelled: false, workers: 0 };
  const workers: Worker[] = [];
  let next = 0;
  let cancelled = false;
  await new Promise<void>((resolve, reject) => {
    let finished = false;
    const finish = (err?: unknown) => {
      if (finished) return;
      finished = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void Promise.all(workers.map((w) => w.terminate())).then(() => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
    };
    const onAbort = () => {
      cancelled = true;
      finish();
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort);
    const feed = (w: Worker) => {
      if (next < total) {
        const index = next++;
        w.postMessage({ index, params: points[index] });
      }
    };
    for (let k = 0; k < count; k++) {
      const w = new Worker(new URL('./backtest-worker.ts', import.meta.url), { workerData: { base, bars, compileCacheDir: getCompileCacheDir() } });
      workers.push(w);
      w.on('message', (row: SweepRow) => {
        rows.push(row);
        opts.onProgress?.({ done: rows.length, total });
        if (rows.length === total) finish();
        else feed(w);
      });
      w.on('error', (err) => finish(err));
      feed(w);
    }
  });
  rows.sort((a, b) => a.index - b.index);
  return { rows, cancelled, workers: count };
}
