import { parentPort, workerData } from 'node:worker_threads';
import type { BarSeries } from '../backtest/data/series.ts';
import { runSpec } from '../backtest/run-spec.ts';
import type { RunSpec } from '../backtest/run-spec.ts';
import { kernelBarEngine } from '../kernel/backtest-bars.ts';

/**
 * One backtest off the engine's event loop (backtest.run from the UI): runs the spec on the bars
 * and posts the report with the equity curve, or the error. The host keeps the run.
 */
const { spec, bars } = workerData as { spec: RunSpec; bars: BarSeries };
try {
  const t0 = performance.now();
  const { result, report } = await runSpec(spec, bars, kernelBarEngine);
  parentPort!.postMessage({ ok: true, report, time: new Float64Array(result.time), equity: result.equity, seconds: (performance.now() - t0) / 1000 });
} catch (err) {
  const code = (err as { code?: unknown }).code;
  parentPort!.postMessage({ ok: false, error: `${typeof code === 'string' ? code + ': ' : ''}${err instanceof Error ? err.message : String(err)}` });
}
