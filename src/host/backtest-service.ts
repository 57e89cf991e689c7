import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_SWEEP_POINTS } from '../contract/api.ts';
import type { BacktestDataDto, BacktestFidelitiesDto, BacktestImportDto, BacktestProgressDto, BacktestRunDto, BacktestRunSummaryDto, BacktestSweepDto, Params } from '../contract/api.ts';
import { DataError } from '../backtest/data/errors.ts';
import { detectFormat, parseSeries } from '../backtest/data/formats.ts';
import { barsBetween } from '../backtest/data/series.ts';
import type { BarSeries, TradeTape } from '../backtest/data/series.ts';
import type { SeriesInfo } from '../backtest/data/series-store.ts';
import { metricRows } from '../backtest/metrics/metrics.ts';
import type { RunSpec } from '../backtest/run-spec.ts';
import type { InstrumentSeries } from '../backtest/strategies/target-runner.ts';
import { sizingArg } from '../backtest/run-spec.ts';
import type { RunRecord, RunSummary } from '../backtest/runs.ts';
import { STRATEGIES, TARGET_STRATEGIES } from '../backtest/strategies/index.ts';
import { DomainError } from '../core/errors.ts';
import { alignedFrom, l3Bars, tapeRows } from '../kernel/backtest-l3.ts';
import { symbolFromFileName } from '../marketdata/recording.ts';
import { engineBuild } from '../kernel/build-id.ts';
import { ENGINE_VERSION } from '../kernel/version.ts';
import { SqliteBacktestRunStore } from '../store/sqlite/backtest-run-store.ts';
import { SqliteSeriesStore } from '../store/sqlite/series-store.ts';
import { assumptionsOf, codedError } from './backtest-assumptions.ts';
import { compareFidelities, runOnWorker, startSweep, sweepDto } from './backtest-research.ts';
import type { RunSettings } from './backtest-research.ts';

/**
 * backtest.* for a serving host: the data directory's imported series (series.db) and kept runs
 * (backtests.db), the same files `strata data` and `strata backtest` use. A run goes to a worker
 * thread, so the engine's event loop (orders, market data) never waits on it; its progress is
 * pushed as `backtest.progress`, and the finished run is kept like a CLI run.
 */

interface Job {
  cancel(): void;
  /** Wall ms at start (a run's): a cancel says how long it ran. */
  startedAt?: number;
  kind: BacktestProgressDto['kind'];
}

/** The file name of the recorded trade tape the product ships with its demo (assets/demo; packaged, resources/demo). */
export const DEMO_TAPE_FILE = 'binance_XRPETH_trades_20191011-13.csv';
/** The demo tape in a checkout (a serving host from a checkout has it). A literal URL: bundlers read these statically. */
export const DEMO_TAPE = fileURLToPath(new URL('../../assets/demo/binance_XRPETH_trades_20191011-13.csv', import.meta.url));

export class BacktestService {
  private readonly dataDir: string;
  private readonly publish: (p: BacktestProgressDto) => void;
  private readonly demoTape: string | undefined;
  private readonly jobs = new Map<string, Job>();
  private seq = 0;

  /** `demoTape`: the demo tape's path on this host (default the checkout's assets/demo copy, when present). */
  constructor(dataDir: string, publish: (p: BacktestProgressDto) => void, demoTape: string | undefined = existsSync(DEMO_TAPE) ? DEMO_TAPE : undefined) {
    this.dataDir = dataDir;
    this.publish = publish;
    this.demoTape = demoTape;
  }

  data(): BacktestDataDto {
    const store = new SqliteSeriesStore(join(this.dataDir, 'series.db'));
    try {
      return {
        series: store.list().map(seriesDto),
        // The target strategies (the live L2 alphas through the rebalancer) run on the picked series from backtest.run; several instruments: strata backtest run --data A --data B.
        strategies: [
          ...Object.values(STRATEGIES).map((d) => ({ name: d.name, description: d.description, defaults: { ...d.defaults } })),
          // Flagged so the screen sizes them as the host does and does not offer what the host refuses for them.
          ...Object.values(TARGET_STRATEGIES).map((d) => ({ name: d.name, description: d.description, defaults: { ...d.defaults }, target: true as const })),
        ],
        ...(this.demoTape !== undefined ? { demoTape: this.demoTape } : {}),
      };
    } finally {
      store.close();
    }
  }

  /**
   * A file on this host into series.db, as `strata data import FILE` does (format detected, stored
   * once by content hash). A file that cannot be read or parsed is refused BAD_FILE with the file,
   * line and reason; nothing is stored then.
   */
  import(path: string, name?: string): BacktestImportDto {
    const file = resolve(path);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new DomainError('BAD_FILE', `${file}: cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
    let series;
    let format;
    try {
      format = detectFormat(text, file);
      series = parseSeries(text, file, format);
    } catch (err) {
      if (err instanceof DataError) throw new DomainError('BAD_FILE', err.message, [{ path: err.code, message: err.reason }]);
      throw err;
    }
    const store = new SqliteSeriesStore(join(this.dataDir, 'series.db'));
    try {
      const { info, created } = store.put(name ?? basename(file), series, { format, source: file, importedAt: Date.now() });
      return { series: seriesDto(info), created };
    } finally {
      store.close();
    }
  }

  /**
   * The request's strategy checked, its bars loaded, and the spec every level or point starts from.
   * On a trade tape the bars are built from it (p.barMs, one minute by default) exactly as an L3 run
   * builds them, the instrument is the tape's (p.symbol, or read from its name), and `tape` is kept
   * for L3; the spec records the bar length, urgency and latency so a kept run can be repeated.
   */
  private prepare(p: RunSettings, fidelity: RunSpec['fidelity']): { spec: RunSpec; bars: BarSeries | InstrumentSeries[]; info: SeriesInfo; tape: TradeTape | null } {
    const def = STRATEGIES[p.strategy];
    const target = TARGET_STRATEGIES[p.strategy];
    if (!def && !target) throw new DomainError('BAD_REQUEST', `unknown strategy "${p.strategy}" (${[...Object.keys(STRATEGIES), ...Object.keys(TARGET_STRATEGIES)].join(', ')})`);
    if (p.fromMs !== undefined && p.toMs !== undefined && p.fromMs > p.toMs) throw new DomainError('BAD_REQUEST', `the window starts after it ends (fromMs ${p.fromMs} > toMs ${p.toMs})`, [{ path: 'fromMs', message: 'must not exceed toMs' }]);
    const params = { ...(def ?? target)!.defaults, ...p.params };
    try {
      // A target strategy's alpha parameters are checked when its run starts (on the worker); its rebalancer's here.
      if (def) def.create(params);
      else target!.rebalance(params);
    } catch (err) {
      throw new DomainError('BAD_REQUEST', err instanceof Error ? err.message : String(err));
    }
    const names = typeof p.data === 'string' ? [p.data] : p.data;
    if (!target && names.length !== 1) throw new DomainError('BAD_REQUEST', `${p.strategy} trades one instrument: pick one series (several are for the target strategies: strategic, tactical, stat-model, l2)`, [{ path: 'data', message: 'one series' }]);
    const store = new SqliteSeriesStore(join(this.dataDir, 'series.db'));
    let all;
    try {
      all = names.map((n) => store.get(n));
    } finally {
      store.close();
    }
    const missing = names.filter((_, i) => !all[i]);
    if (missing.length > 0) throw new DomainError('BAD_REQUEST', `no imported series named "${missing.join('", "')}" (strata data import FILE)`);
    if (all.length > 1) return this.prepareSeveral(p, fidelity, params, all.map((x) => x!));
    const got = all[0]!;
    if (got.series.kind === 'bars') {
      if (fidelity === 'l3') throw noTape(got.info.name);
      const tapeOnly = (['barMs', 'symbol', 'latencyMs'] as const).filter((k) => p[k] !== undefined);
      if (tapeOnly.length > 0) throw new DomainError('BAD_REQUEST', `${tapeOnly.join(', ')} apply to a trade tape; ${got.info.name} is a bar series`, tapeOnly.map((k) => ({ path: k, message: 'only on a trade tape' })));
      if (p.deskGuards === true) throw new DomainError('BAD_REQUEST', `deskGuards applies to L3 on a trade tape; ${got.info.name} is a bar series`, [{ path: 'deskGuards', message: 'only on a trade tape' }]);
    }
    const spec: RunSpec = {
      strategy: p.strategy,
      params,
      fidelity,
      cash: p.cash,
      commission: String(p.commission),
      // A target strategy's weights go through the rebalancer whatever the bar sizing says.
      sizing: target ? { kind: 'target' } : sizingArg(p.sizing),
      haircutBps: p.haircutBps,
      ...(p.spreadBps !== undefined ? { spreadBps: p.spreadBps } : {}),
      ...(p.impactK !== undefined ? { impactK: p.impactK } : {}),
      seed: 42,
      instrument: got.info.name,
      ...(p.urgency !== undefined ? { urgency: p.urgency } : {}),
      ...(p.fromMs !== undefined ? { fromMs: p.fromMs } : {}),
      ...(p.toMs !== undefined ? { toMs: p.toMs } : {}),
      // Only written when on: the bar levels ignore it, L3 (run, or the fidelities' L3 row) reads it.
      ...(p.deskGuards === true ? { deskGuards: true as const } : {}),
    };
    if (got.series.kind === 'bars') return { spec, bars: got.series, info: got.info, tape: null };
    if (target) throw new DomainError('BAD_REQUEST', `${p.strategy} is a target strategy: it runs on bar series (fidelity bar, l1, l2), and ${got.info.name} is a trade tape`);
    const tape = got.series;
    const symbol = p.symbol ?? symbolFromFileName(got.info.name) ?? symbolFromFileName(basename(got.info.source));
    if (!symbol) throw new DomainError('BAD_REQUEST', `cannot tell the instrument of ${got.info.name} from its name; give symbol BASE/QUOTE`, [{ path: 'symbol', message: 'required for this tape' }]);
    const barMs = p.barMs ?? 60_000;
    // L2 and L3 at the same urgency: L2 scales its impact by it, L3's routing picks the algorithm by it.
    const tapeSpec: RunSpec = { ...spec, instrument: symbol, barMs, urgency: p.urgency ?? 'immediate', latencyMs: p.latencyMs ?? 4, ...alignedFrom(spec.fromMs, barMs) };
    const rows = tapeRows(tape, tapeSpec.fromMs, tapeSpec.toMs);
    if (rows.length < 2) throw new DomainError('BAD_REQUEST', `${got.info.name} holds ${rows.length} recorded trade(s) in the window; a backtest needs more`);
    return { spec: tapeSpec, bars: l3Bars(rows, symbol, barMs), info: got.info, tape };
  }

  /**
   * A target strategy on several series: each a bar series with its own name, on one clock (the
   * runner aligns them); the kept run's data is their names joined by '+' and the hash of their
   * hashes in order, as `strata backtest run --data A --data B` keeps it.
   */
  private prepareSeveral(p: RunSettings, fidelity: RunSpec['fidelity'], params: Record<string, number>, all: readonly { info: SeriesInfo; series: BarSeries | TradeTape }[]): { spec: RunSpec; bars: InstrumentSeries[]; info: SeriesInfo; tape: null } {
    const tape = all.find((x) => x.series.kind !== 'bars');
    if (tape) throw new DomainError('BAD_REQUEST', `${p.strategy} is a target strategy: it runs on bar series (fidelity bar, l1, l2), and ${tape.info.name} is a trade tape`);
    if (fidelity === 'l3') throw noTape(all.map((x) => x.info.name).join('+'));
    const names = all.map((x) => x.info.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new DomainError('BAD_REQUEST', `the series ${dup} is picked twice`, [{ path: 'data', message: 'each series once' }]);
    const tapeOnly = (['barMs', 'symbol', 'latencyMs', 'deskGuards'] as const).filter((k) => p[k] !== undefined);
    if (tapeOnly.length > 0) throw new DomainError('BAD_REQUEST', `${tapeOnly.join(', ')} apply to a trade tape; a target run takes bar series`, tapeOnly.map((k) => ({ path: k, message: 'only on a trade tape' })));
    const spec: RunSpec = {
      strategy: p.strategy,
      params,
      fidelity,
      cash: p.cash,
      commission: String(p.commission),
      sizing: { kind: 'target' },
      haircutBps: p.haircutBps,
      ...(p.spreadBps !== undefined ? { spreadBps: p.spreadBps } : {}),
      ...(p.impactK !== undefined ? { impactK: p.impactK } : {}),
      seed: 42,
      instrument: names.join('+'),
      instruments: names,
      ...(p.urgency !== undefined ? { urgency: p.urgency } : {}),
      ...(p.fromMs !== undefined ? { fromMs: p.fromMs } : {}),
      ...(p.toMs !== undefined ? { toMs: p.toMs } : {}),
    };
    const hash = createHash('sha256').update(all.map((x) => x.info.hash).join('\n')).digest('hex');
    const info: SeriesInfo = { ...all[0]!.info, name: names.join('+'), hash };
    return { spec, bars: all.map((x) => ({ name: x.info.name, bars: x.series as BarSeries })), info, tape: null };
  }

  run(p: Params<'backtest.run'>): BacktestProgressDto {
    if (p.deskGuards === true && p.fidelity !== 'l3') throw new DomainError('BAD_REQUEST', `deskGuards applies to fidelity l3 (the engine's PMS and breakers); the ${p.fidelity} level runs without them`, [{ path: 'deskGuards', message: 'only at fidelity l3' }]);
    const { spec, bars, info, tape } = this.prepare(p, p.fidelity);
    const jobId = `BT${++this.seq}`;
    const startedAt = Date.now();
    const progress = (x: Partial<BacktestProgressDto>): BacktestProgressDto => ({ jobId, kind: 'run', status: 'running', progress: 0, done: 0, total: 1, etaMs: null, runId: null, error: null, ...x });
    // How long it took, wall time, for the screen's "finished in N s" once the bar is gone.
    const ended = (x: Partial<BacktestProgressDto>): BacktestProgressDto => progress({ ...x, elapsedMs: Date.now() - startedAt });
    // The ETA from the run's own pace so far (the worker's start-up left out).
    const { worker, reply } = runOnWorker(spec, spec.fidelity === 'l3' ? tape! : bars, (m) => {
      if (!this.jobs.has(jobId) || !(m.progress > 0)) return;
      this.publish(progress({ progress: m.progress, etaMs: Math.round((m.elapsedMs / m.progress) * (1 - m.progress)) }));
    });
    this.jobs.set(jobId, { kind: 'run', startedAt, cancel: () => void worker.terminate() });
    void reply.then((r) => {
      // Cancelled: cancel() answered and published already.
      if (!this.jobs.delete(jobId)) return;
      if (!r.ok) return this.publish(ended({ status: 'failed', error: codedError(r.error) }));
      const runs = new SqliteBacktestRunStore(join(this.dataDir, 'backtests.db'));
      try {
        const equity = new Float64Array(r.equity);
        const resultHash = createHash('sha256').update(JSON.stringify(r.report)).update(Buffer.from(equity.buffer, equity.byteOffset, equity.byteLength)).digest('hex');
        const saved = runs.save({ createdAt: Date.now(), engineVersion: ENGINE_VERSION, engineBuild: engineBuild(), dataName: info.name, dataHash: info.hash, spec, report: r.report, resultHash, time: new Float64Array(r.time), equity });
        this.publish(ended({ status: 'done', progress: 1, done: 1, runId: saved.id }));
      } catch (err) {
        this.publish(ended({ status: 'failed', error: `STORE_FAILED: ${err instanceof Error ? err.message : String(err)}` }));
      } finally {
        runs.close();
      }
    });
    const started = progress({});
    this.publish(started);
    return started;
  }

  /** The same run at bar, L1, L2 (and L3 on a trade tape), each on its own worker thread. */
  fidelities(p: Params<'backtest.fidelities'>): Promise<BacktestFidelitiesDto> {
    if (TARGET_STRATEGIES[p.strategy]) throw new DomainError('BAD_REQUEST', `${p.strategy} is a target strategy: compare its fidelities with strata backtest fidelities --strategy ${p.strategy}`);
    const { spec, bars, info, tape } = this.prepare(p, 'bar');
    // A bar strategy takes one series (prepare refuses several); a target strategy was refused above.
    return compareFidelities(spec, bars as BarSeries, info.name, tape ?? undefined);
  }

  sweep(p: Params<'backtest.sweep'>): BacktestProgressDto {
    if (p.deskGuards === true) throw new DomainError('BAD_REQUEST', 'deskGuards applies to fidelity l3; a sweep runs at bar, l1 or l2', [{ path: 'deskGuards', message: 'only at fidelity l3' }]);
    const { spec, bars: one, info } = this.prepare(p, p.fidelity);
    // A target strategy sweeps over its instruments, each point through the kernel's target run;
    // a point whose params it refuses is a row with its reason.
    const target = TARGET_STRATEGIES[p.strategy];
    const bars = target && !Array.isArray(one) ? [{ name: spec.instrument, bars: one as BarSeries }] : one;
    const known = target ? null : Object.keys(STRATEGIES[p.strategy]!.defaults);
    const unknown = known ? Object.keys(p.grid).filter((k) => !known.includes(k)) : [];
    if (unknown.length > 0) throw new DomainError('BAD_REQUEST', `${p.strategy} has no parameter ${unknown.join(', ')} (it has ${known!.join(', ')})`);
    const size = Object.values(p.grid).reduce((n, v) => n * v.length, 1);
    // Random draws shuffle the whole grid, so even then the grid itself is bounded.
    if (size > (p.random !== undefined ? 100 * MAX_SWEEP_POINTS : MAX_SWEEP_POINTS)) throw new DomainError('BAD_REQUEST', `the grid has ${size} points; a sweep takes at most ${MAX_SWEEP_POINTS} (narrow it, or draw some with random)`);
    // Kept from its start: its id in backtests.db is its job id, so the result outlives this host.
    const kept = this.withRuns((runs) => runs.startSweep({ createdAt: Date.now(), engineVersion: ENGINE_VERSION, engineBuild: engineBuild(), dataName: info.name, dataHash: info.hash, spec, grid: p.grid, random: p.random ?? null }));
    const jobId = `SW${kept.id}`;
    const job = startSweep(jobId, spec, bars, p, this.publish, (outcome) => {
      this.jobs.delete(jobId);
      try {
        this.withRuns((runs) => runs.finishSweep(kept.id, outcome));
      } catch (err) {
        // The table could not be kept (the file went away): say so; the sweep itself is over.
        this.publish({ jobId, kind: 'sweep', status: 'failed', progress: 1, done: outcome.rows.length, total: outcome.points, etaMs: null, runId: null, error: `STORE_FAILED: ${err instanceof Error ? err.message : String(err)}` });
      }
    });
    this.jobs.set(jobId, { kind: 'sweep', cancel: job.cancel });
    return job.started;
  }

  sweepResult(jobId: string): BacktestSweepDto {
    const m = /^SW(\d+)$/.exec(jobId);
    const r = m ? this.withRuns((runs) => runs.getSweep(Number(m[1]))) : undefined;
    if (!r) throw new DomainError('BACKTEST_NOT_FOUND', `no sweep ${jobId} (a sweep's job id is SW and its number in backtests.db)`);
    if (r.status === 'running' && this.jobs.has(jobId)) throw new DomainError('BACKTEST_RUNNING', `sweep ${jobId} is still running (wait for its backtest.progress done)`);
    return sweepDto(jobId, r);
  }

  private withRuns<T>(fn: (runs: SqliteBacktestRunStore) => T): T {
    const runs = new SqliteBacktestRunStore(join(this.dataDir, 'backtests.db'));
    try {
      return fn(runs);
    } finally {
      runs.close();
    }
  }

  cancel(jobId: string): BacktestProgressDto {
    const job = this.jobs.get(jobId);
    if (!job) throw new DomainError('BACKTEST_NOT_FOUND', `no running backtest ${jobId}`);
    if (job.kind === 'sweep') {
      // The pool stops and keeps the rows finished so far; its own progress says "cancelled" once
      // that partial table can be read.
      job.cancel();
      return { jobId, kind: 'sweep', status: 'cancelled', progress: 0, done: 0, total: 0, etaMs: null, runId: null, error: null };
    }
    this.jobs.delete(jobId);
    job.cancel();
    const out: BacktestProgressDto = { jobId, kind: 'run', status: 'cancelled', progress: 0, done: 0, total: 1, etaMs: null, runId: null, error: null, ...(job.startedAt !== undefined ? { elapsedMs: Date.now() - job.startedAt } : {}) };
    this.publish(out);
    return out;
  }

  list(limit: number): BacktestRunSummaryDto[] {
    const runs = new SqliteBacktestRunStore(join(this.dataDir, 'backtests.db'));
    try {
      return runs.list(limit).map(summaryDto);
    } finally {
      runs.close();
    }
  }

  show(id: number): BacktestRunDto {
    const runs = new SqliteBacktestRunStore(join(this.dataDir, 'backtests.db'));
    let r: RunRecord | undefined;
    try {
      r = runs.get(id);
    } finally {
      runs.close();
    }
    if (!r) throw new DomainError('BACKTEST_NOT_FOUND', `no kept backtest run ${id}`);
    let peak = -Infinity;
    const equity: BacktestRunDto['equity'] = [];
    for (let i = 0; i < r.time.length; i++) {
      const v = r.equity[i]!;
      peak = Math.max(peak, v);
      equity.push({ time: r.time[i]!, value: v, drawdown: peak > 0 ? v / peak - 1 : 0 });
    }
    const m = r.report.metrics;
    return {
      summary: summaryDto({ id: r.id, createdAt: r.createdAt, engineVersion: r.engineVersion, engineBuild: r.engineBuild, strategy: r.spec.strategy, params: r.spec.params, fidelity: r.spec.fidelity, dataName: r.dataName, dataHash: r.dataHash, finalValue: r.report.finalValue, totalReturn: m.totalReturn, sharpe: m.sharpe, maxDrawdown: m.maxDrawdown, resultHash: r.resultHash }),
      metrics: metricRows(m).map(([name, value, fidelity, fills]) => ({ name, value, fidelity, fills })),
      equity,
      monthly: r.report.periods.month.map((x) => ({ period: x.period, return: x.return })),
      trades: r.report.trades.map((t) => ({ entryTime: dateMs(t.entryDate), exitTime: t.exitDate === null ? null : dateMs(t.exitDate), entryDate: t.entryDate, exitDate: t.exitDate, entryPrice: t.entryPrice, exitPrice: t.exitPrice, size: t.size, commission: t.commission, pnl: t.pnl })),
      finalValue: r.report.finalValue,
      fills: r.report.fills,
      bars: r.report.bars,
      costs: m.assumptions.costs,
      costSplit: { ...m.costs },
      prices: this.prices(r.dataHash, r.spec),
      assumptions: assumptionsOf(r.spec),
      ...(r.report.l3 ? { l3: { ...r.report.l3 } } : {}),
      ...(r.report.attribution
        ? {
            attribution: {
              rule: r.report.attribution.rule,
              alphas: r.report.attribution.alphas.map((a) => ({ alpha: a.alpha, pnl: a.pnl, returnContribution: a.returnContribution })),
              instruments: r.report.attribution.instruments.map((x) => ({ instrument: x.instrument, pnl: x.pnl, fees: x.fees, fills: x.fills, finalWeight: x.finalWeight })),
            },
          }
        : {}),
    };
  }

  /** The run's window of its series, by content hash (the name may since point at other data). */
  private prices(hash: string, spec: RunSpec): BacktestRunDto['prices'] {
    const store = new SqliteSeriesStore(join(this.dataDir, 'series.db'));
    let got;
    try {
      got = store.get(hash);
    } finally {
      store.close();
    }
    if (!got) return null;
    let b: BarSeries;
    if (got.series.kind === 'bars') b = barsBetween(got.series, spec.fromMs, spec.toMs);
    // A run on a tape decided on bars built from it: the same bars, rebuilt.
    else if (spec.barMs !== undefined) b = l3Bars(tapeRows(got.series, spec.fromMs, spec.toMs), spec.instrument, spec.barMs);
    else return null;
    const out: NonNullable<BacktestRunDto['prices']> = [];
    for (let i = 0; i < b.time.length; i++) out.push({ time: b.time[i]!, open: b.open[i]!, high: b.high[i]!, low: b.low[i]!, close: b.close[i]! });
    return out;
  }

  /** Stops running jobs (host shutdown). */
  close(): void {
    for (const j of this.jobs.values()) j.cancel();
    this.jobs.clear();
  }
}

/** L3 asked of a bar series: refused with its reason code, never run on bars in its place. */
function noTape(name: string): DomainError {
  const message = `${name} is a bar series: L3 drives the simulated venue from a recorded trade tape (import one, e.g. assets/demo/binance_XRPETH_trades_20191011-13.csv, with strata data import FILE)`;
  return new DomainError('BAD_REQUEST', `NO_TAPE: ${message}`, [{ path: 'NO_TAPE', message }]);
}

/** A report's trade date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS for intraday bars, both UTC) as epoch ms. */
function dateMs(d: string): number {
  return Date.parse(d.length === 10 ? `${d}T00:00:00Z` : `${d}Z`);
}

function seriesDto(i: SeriesInfo): BacktestDataDto['series'][number] {
  return { name: i.name, hash: i.hash, kind: i.kind, rows: i.rows, firstMs: i.firstMs, lastMs: i.lastMs };
}

function summaryDto(s: RunSummary): BacktestRunSummaryDto {
  return { id: s.id, createdAt: s.createdAt, strategy: s.strategy, params: s.params, fidelity: s.fidelity, dataName: s.dataName, finalValue: s.finalValue, totalReturn: s.totalReturn, sharpe: s.sharpe, maxDrawdown: s.maxDrawdown, engineVersion: s.engineVersion, engineBuild: s.engineBuild };
}
