import { parentPort, workerData } from 'node:worker_threads';
import type { BarSeries } from '../backtest/data/series.ts';
import type { RunSpec } from '../backtest/run-spec.ts';
import { runPoint, runTargetPoint } from '../backtest/sweep.ts';
import type { TargetSpecEngine } from '../backtest/sweep.ts';
import type { InstrumentSeries } from '../backtest/strategies/target-runner.ts';
import { kernelBarEngine } from '../kernel/backtest-bars.ts';

/**
 * One sweep worker: holds the bars and the base spec, runs the points the pool sends it one by one
 * and answers each with its row. The pool hands out the next point when a row comes back, so a
 * slow point does not hold up a whole chunk, and cancelling is terminating.
 */
const { base, bars } = workerData as { base: RunSpec; bars: BarSeries | InstrumentSeries[] };
/**
 * A target strategy's point: its orders through the kernel, as backtest run sends them. Imported
 * on first use, so a bar sweep's workers do not load the alphas and the target runner.
 */
const targetEngine: TargetSpecEngine = async (spec, series) => (await (await import('../kernel/backtest-targets.ts')).runTargetSpecOnKernel(spec, series)).result;
// The pool sends one point at a time (the next when a row comes back): runs never overlap.
parentPort!.on('message', (msg: { index: number; params: Record<string, number> }) => {
  const row = Array.isArray(bars) ? runTargetPoint(base, bars, msg.index, msg.params, targetEngine) : runPoint(base, bars as BarSeries, msg.index, msg.params, kernelBarEngine);
  void row.then((r) => parentPort!.postMessage(r));
});
