import { parentPort, workerData } from 'node:worker_threads';
import type { BarSeries, TradeTape } from '../backtest/data/series.ts';
import { runSpec } from '../backtest/run-spec.ts';
import type { RunSpec } from '../backtest/run-spec.ts';
import type { InstrumentSeries } from '../backtest/strategies/target-runner.ts';
import { kernelBarEngine } from '../kernel/backtest-bars.ts';
import type { RunProgressMessage } from './backtest-research.ts';

/**
 * One backtest off the engine's event loop (backtest.run from the UI): runs the spec on the bars
 * (or, at fidelity l3, the engine on the recorded tape) and posts the report with the equity curve,
 * or the error. The host keeps the run.
 */
const { spec, bars, tape, series } = workerData as { spec: RunSpec; bars?: BarSeries; tape?: TradeTape; series?: InstrumentSeries[] };

/** At most this often a run says how far it is (the host turns it into percent and ETA). */
const PROGRESS_EVERY_MS = 100;

/**
 * Posts `{progress, elapsedMs}` at most every `everyMs` of wall time: the fraction of bars played and
 * the time the run itself took so far (from after this worker loaded, so the ETA leaves out its start).
 */
function progressEvery(everyMs: number, t0: number): (index: number, bars: number) => void {
  let last = t0;
  return (index, n) => {
    const now = performance.now();
    if (now - last < everyMs || index === 0) return;
    last = now;
    const msg: RunProgressMessage = { kind: 'progress', progress: index / n, elapsedMs: now - t0 };
    parentPort!.postMessage(msg);
  };
}
try {
  const t0 = performance.now();
  if (spec.fidelity === 'l3') {
    if (!tape) throw new Error('an L3 run needs its trade tape');
    // Loaded only here: a bar run never pays for the tape venue's modules.
    const { runL3Spec } = await import('../kernel/backtest-l3.ts');
    const { run, report } = await runL3Spec(spec, tape, { onBar: progressEvery(PROGRESS_EVERY_MS, performance.now()) });
    parentPort!.postMessage({ ok: true, report, time: new Float64Array(run.result.time), equity: run.result.equity, seconds: (performance.now() - t0) / 1000 });
  } else if (spec.sizing.kind === 'target') {
    // A target strategy (the live alphas through the rebalancer) on the series the UI picked, its orders through the kernel.
    const { runTargetSpecOnKernel } = await import('../kernel/backtest-targets.ts');
    const onStep = progressEvery(PROGRESS_EVERY_MS, performance.now());
    const { result, report } = await runTargetSpecOnKernel(spec, series ?? [{ name: spec.instrument, bars: bars! }], { onStep });
    parentPort!.postMessage({ ok: true, report, time: new Float64Array(result.time), equity: result.equity, seconds: (performance.now() - t0) / 1000 });
  } else {
    const { result, report } = await runSpec(spec, bars!, kernelBarEngine);
    parentPort!.postMessage({ ok: true, report, time: new Float64Array(result.time), equity: result.equity, seconds: (performance.now() - t0) / 1000 });
  }
} catch (err) {
  const code = (err as { code?: unknown }).code;
  parentPort!.postMessage({ ok: false, error: `${typeof code === 'string' ? code + ': ' : ''}${err instanceof Error ? err.message : String(err)}` });
}
