import { getCompileCacheDir } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { BacktestFidelitiesDto, BacktestFidelityDto, FidelityNotRun, BacktestLevel, BacktestProgressDto, BacktestSweepDto, BacktestSweepRowDto, Params } from '../contract/api.ts';
import { barsBetween } from '../backtest/data/series.ts';
import type { BarSeries, TradeTape } from '../backtest/data/series.ts';
import { attribute } from '../backtest/fidelity-attribution.ts';
import type { BacktestReport, RunSpec } from '../backtest/run-spec.ts';
import { gridPoints, randomPoints, summarise, summariseTargets } from '../backtest/sweep.ts';
import type { TargetSpecEngine } from '../backtest/sweep.ts';
import type { InstrumentSeries } from '../backtest/strategies/target-runner.ts';
import type { SweepRow } from '../backtest/sweep.ts';
import type { SweepOutcome, SweepRecord } from '../backtest/runs.ts';
import { sweepOnWorkers } from './backtest-sweep.ts';
import { kernelBarEngine } from '../kernel/backtest-bars.ts';

/**
 * The research jobs a serving host runs for the Backtest screen, off the engine's event loop: the
 * same run at each fidelity level side by side (one worker thread per level), and parameter sweeps
 * on the sweep worker pool (src/host/backtest-sweep.ts) with throttled progress, ETA and cancel.
 */

/** What decides a run besides its fidelity (the shared fields of backtest.run, .fidelities, .sweep). */
export type RunSettings = Params<'backtest.fidelities'>;

export type WorkerReply = { ok: true; report: BacktestReport; time: Float64Array; equity: Float64Array; seconds: number } | { ok: false; error: string };

/** A run worker's word while it runs (an L3 run only: the bar levels end before one would matter). */
export interface RunProgressMessage {
  kind: 'progress';
  /** Bars played / bars in all. */
  progress: number;
  /** Wall ms the run itself has taken so far. */
  elapsedMs: number;
}

/** A target sweep's best point, run again through the kernel (imported on first use: a bar sweep does not load it). */
const targetEngine: TargetSpecEngine = async (spec, series) => (await (await import('../kernel/backtest-targets.ts')).runTargetSpecOnKernel(spec, series)).result;

/** At most this often a sweep pushes its progress (a 10,000-point sweep would otherwise flood the socket). */
const PROGRESS_EVERY_MS = 100;

/**
 * One spec on a worker thread (src/host/backtest-run-worker.ts, then backtest-spec-worker.ts); the
 * worker ends with its reply. A spec at fidelity l3 runs on `data` as a trade tape; the others on bars.
 */
export function runOnWorker(spec: RunSpec, data: BarSeries | TradeTape | readonly InstrumentSeries[], onProgress?: (p: RunProgressMessage) => void): { worker: Worker; reply: Promise<WorkerReply> } {
  const input = Array.isArray(data) ? { series: data } : (data as BarSeries | TradeTape).kind === 'trades' ? { tape: data } : { bars: data };
  const worker = new Worker(new URL('./backtest-run-worker.ts', import.meta.url), { workerData: { spec, ...input, compileCacheDir: getCompileCacheDir() } });
  const reply = new Promise<WorkerReply>((resolve) => {
    const onMessage = (m: WorkerReply | RunProgressMessage): void => {
      if ('kind' in m) return onProgress?.(m);
      worker.off('message', onMessage);
      void worker.terminate();
      resolve(m);
    };
    worker.on('message', onMessage);
    worker.once('error', (err) => resolve({ ok: false, error: err.message }));
    // Terminated (cancelled) before it answered; a promise resolves once, so after a reply this is a no-op.
    worker.once('exit', () => resolve({ ok: false, error: 'CANCELLED: the run was stopped' }));
  });
  return { worker, reply };
}

/** Stated for a level that does not run here, so the comparison says what it would assume. */
const L3_ASSUMPTION = 'simulated venue driven by a recorded tape: queue position, partial fills, latency, the real execution algos';

function unavailable(fidelity: BacktestLevel, reasonCode: FidelityNotRun, reason: string, fillAssumption: string): BacktestFidelityDto {
  return { fidelity, available: false, reasonCode, reason, fillAssumption, costModel: '', finalValue: null, totalReturn: null, sharpe: null, maxDrawdown: null, costs: null, fills: null, trades: null, equity: [] };
}

/**
 * bar, L1 and L2 on the same data and settings (L2 needs bar volume to size impact), each on a
 * worker thread. On a trade tape, `bars` are the bars built from it (src/kernel/backtest-l3.ts
 * l3Bars) and L3 runs too, on its own worker: the same strategy deciding on those same bars, its
 * orders through the engine on the simulated venue driven by the tape. On a bar series L3 is listed
 * with the reason it did not run (NO_TAPE): it is never faked on bars.
 */
export async function compareFidelities(base: RunSpec, bars: BarSeries, dataName: string, tape?: TradeTape): Promise<BacktestFidelitiesDto> {
  const window = barsBetween(bars, base.fromMs, base.toMs);
  const hasVolume = window.volume.some((v) => v > 0);
  const runnable: BacktestLevel[] = (['bar', 'l1', 'l2'] as const).filter((f) => f !== 'l2' || hasVolume);
  if (tape) runnable.push('l3');
  const replies = await Promise.all(runnable.map((fidelity) => runOnWorker({ ...base, fidelity }, fidelity === 'l3' ? tape! : bars).reply.then((r) => ({ fidelity, r }))));
  const levels: BacktestFidelityDto[] = [];
  for (const { fidelity, r } of replies) {
    if (!r.ok) {
      levels.push(unavailable(fidelity, 'RUN_FAILED', r.error, ''));
      continue;
    }
    const m = r.report.metrics;
    const equity: BacktestFidelityDto['equity'] = [];
    for (let i = 0; i < r.time.length; i++) equity.push({ time: r.time[i]!, value: r.equity[i]! });
    levels.push({
      fidelity,
      available: true,
      reasonCode: null,
      reason: null,
      fillAssumption: m.assumptions.fills,
      costModel: m.assumptions.costs,
      finalValue: r.report.finalValue,
      totalReturn: m.totalReturn,
      sharpe: m.sharpe,
      maxDrawdown: m.maxDrawdown,
      costs: { ...m.costs },
      fills: r.report.fills,
      trades: r.report.trades.length,
      equity,
      ...(r.report.l3 ? { venue: { ...r.report.l3 } } : {}),
    });
  }
  if (!hasVolume) levels.splice(levels.findIndex((l) => l.fidelity === 'l1') + 1, 0, unavailable('l2', 'NO_VOLUME', `${dataName} has no volume: L2 sizes impact and participation by bar volume`, 'next bar open, worse by half the spread and impact k·urgency·√(size / bar volume)'));
  if (!tape) levels.push(unavailable('l3', 'NO_TAPE', `${dataName} is a bar series: L3 needs a recorded trade tape (and the book where the file has it)`, L3_ASSUMPTION));
  const ran = levels.filter((l) => l.available && l.finalValue !== null && l.costs !== null).map((l) => ({ fidelity: l.fidelity, finalValue: l.finalValue!, costs: l.costs! }));
  return { levels, attribution: attribute(ran) };
}

function rowDto(r: SweepRow): BacktestSweepRowDto {
  // A kept row read back from JSON has null where the run had a non-finite figure.
  const finite = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : x);
  return { index: r.index, params: r.params, finalValue: finite(r.finalValue), totalReturn: finite(r.totalReturn), sharpe: finite(r.sharpe), maxDrawdown: finite(r.maxDrawdown), trades: r.trades, winRate: finite(r.winRate), error: r.error };
}

/**
 * A kept sweep as backtest.sweepResult answers it. One still marked running that no job of this
 * host runs was cut short by a host stop: it reads as failed, interrupted (its rows were not kept).
 */
export function sweepDto(jobId: string, r: SweepRecord): BacktestSweepDto {
  const o: SweepOutcome = r.outcome ?? { status: 'failed', points: 0, rows: [], best: null, deflatedSharpe: null, probabilisticSharpe: null, workers: 0, seconds: 0, error: 'INTERRUPTED: the host stopped before the sweep finished; run it again' };
  const points = Object.values(r.grid).reduce((n, v) => n * v.length, 1);
  return {
    jobId,
    status: o.status,
    keys: Object.keys(r.grid),
    points: r.outcome ? o.points : r.random === null ? points : Math.min(points, r.random),
    rows: o.rows.map(rowDto),
    best: o.best ? rowDto(o.best) : null,
    deflatedSharpe: o.deflatedSharpe,
    probabilisticSharpe: o.probabilisticSharpe,
    workers: o.workers,
    seconds: o.seconds,
    fidelity: r.spec.fidelity,
    error: o.error,
  };
}

/**
 * Starts a sweep on the worker pool. Progress goes out at most every PROGRESS_EVERY_MS with an ETA
 * from the pace so far; `cancel` stops the pool, and the rows finished by then are kept as a
 * cancelled result. `finished` stores the result before the last progress is pushed, so a client
 * that reads it on that event finds it.
 */
export function startSweep(
  jobId: string,
  spec: RunSpec,
  bars: BarSeries | readonly InstrumentSeries[],
  p: Pick<Params<'backtest.sweep'>, 'grid' | 'random' | 'workers'>,
  publish: (x: BacktestProgressDto) => void,
  finished: (r: SweepOutcome) => void,
): { started: BacktestProgressDto; cancel: () => void } {
  const points = p.random !== undefined ? randomPoints(p.grid, p.random, spec.seed) : gridPoints(p.grid);
  const total = points.length;
  const progress = (x: Partial<BacktestProgressDto>): BacktestProgressDto => ({ jobId, kind: 'sweep', status: 'running', progress: 0, done: 0, total, etaMs: null, runId: null, error: null, ...x });
  const ac = new AbortController();
  const t0 = performance.now();
  let lastPush = 0;
  const work = async (): Promise<void> => {
    const r = await sweepOnWorkers(spec, bars, points, {
      ...(p.workers !== undefined ? { workers: p.workers } : {}),
      signal: ac.signal,
      onProgress: ({ done }) => {
        const now = performance.now();
        if (done === total || now - lastPush < PROGRESS_EVERY_MS) return;
        lastPush = now;
        publish(progress({ progress: done / total, done, etaMs: Math.round(((now - t0) / done) * (total - done)) }));
      },
    });
    // The best point is rerun once here for its return moments (the deflated Sharpe): one run, not
    // the sweep, on this thread.
    const s = Array.isArray(bars) ? await summariseTargets(r.rows, bars, spec, targetEngine) : await summarise(r.rows, barsBetween(bars as BarSeries, spec.fromMs, spec.toMs), spec, kernelBarEngine);
    const status = r.cancelled ? 'cancelled' : 'done';
    finished({ status, points: total, rows: s.rows, best: s.best, deflatedSharpe: s.deflatedSharpe, probabilisticSharpe: s.probabilisticSharpe, workers: r.workers, seconds: (performance.now() - t0) / 1000, error: null });
    publish(progress({ status, progress: r.rows.length / (total || 1), done: r.rows.length, etaMs: null }));
  };
  // A failure anywhere (a worker crashing, the summary) ends the job as failed, never the host.
  work().catch((err: unknown) => {
    const error = err instanceof Error ? err.message : String(err);
    finished({ status: 'failed', points: total, rows: [], best: null, deflatedSharpe: null, probabilisticSharpe: null, workers: 0, seconds: (performance.now() - t0) / 1000, error });
    publish(progress({ status: 'failed', error }));
  });
  const started = progress({});
  publish(started);
  return { started, cancel: () => ac.abort() };
}
