import { parentPort, workerData } from 'node:worker_threads';
import type { BarSeries } from '../backtest/data/series.ts';
import type { RunSpec } from '../backtest/run-spec.ts';
import { runPoint } from '../backtest/sweep.ts';
import { kernelBarEngine } from '../kernel/backtest-bars.ts';

/**
 * One sweep worker: holds the bars and the base spec, runs the points the pool sends it one by one
 * and answers each with its row. The pool hands out the next point when a row comes back, so a
 * slow point does not hold up a whole chunk, and cancelling is terminating.
 */
const { base, bars } = workerData as { base: RunSpec; bars: BarSeries };
// The pool sends one point at a time (the next when a row comes back): runs never overlap.
parentPort!.on('message', (msg: { index: number; params: Record<string, number> }) => {
  void runPoint(base, bars, msg.index, msg.params, kernelBarEngine).then((row) => parentPort!.postMessage(row));
});
