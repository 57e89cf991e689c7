import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BacktestDataDto, BacktestProgressDto, BacktestRunDto, BacktestRunSummaryDto, Params } from '../contract/api.ts';
import type { BarSeries } from '../backtest/data/series.ts';
import { metricRows } from '../backtest/metrics/metrics.ts';
import type { BacktestReport, RunSpec } from '../backtest/run-spec.ts';
import { sizingArg } from '../backtest/run-spec.ts';
import type { RunRecord, RunSummary } from '../backtest/runs.ts';
import { STRATEGIES } from '../backtest/strategies/index.ts';
import { DomainError } from '../core/errors.ts';
import { ENGINE_VERSION } from '../kernel/version.ts';
import { SqliteBacktestRunStore } from '../store/sqlite/backtest-run-store.ts';
import { SqliteSeriesStore } from '../store/sqlite/series-store.ts';

/**
 * backtest.* for a serving host: the data directory's imported series (series.db) and kept runs
 * (backtests.db), the same files `strata data` and `strata backtest` use. A run goes to a worker
 * thread, so the engine's event loop (orders, market data) never waits on it; its progress is
 * pushed as `backtest.progress`, and the finished run is kept like a CLI run.
 */

type WorkerReply = { ok: true; report: BacktestReport; time: Float64Array; equity: Float64Array; seconds: number } | { ok: false; error: string };

interface Job {
  worker: Worker;
  startedAt: number;
}

export class BacktestService {
  private readonly dataDir: string;
  private readonly publish: (p: BacktestProgressDto) => void;
  private readonly jobs = new Map<string, Job>();
  private seq = 0;

  constructor(dataDir: string, publish: (p: BacktestProgressDto) => void) {
    this.dataDir = dataDir;
    this.publish = publish;
  }

  data(): BacktestDataDto {
    const store = new SqliteSeriesStore(join(this.dataDir, 'series.db'));
    try {
      return {
        series: store.list().map((i) => ({ name: i.name, hash: i.hash, kind: i.kind, rows: i.rows, firstMs: i.firstMs, lastMs: i.lastMs })),
        strategies: Object.values(STRATEGIES).map((d) => ({ name: d.name, description: d.description, defaults: { ...d.defaults } })),
      };
    } finally {
      store.close();
    }
  }

  run(p: Params<'backtest.run'>): BacktestProgressDto {
    const def = STRATEGIES[p.strategy];
    if (!def) throw new DomainError('BAD_REQUEST', `unknown strategy "${p.strategy}" (${Object.keys(STRATEGIES).join(', ')})`);
    const params = { ...def.defaults, ...p.params };
    try {
      def.create(params);
    } catch (err) {
      throw new DomainError('BAD_REQUEST', err instanceof Error ? err.message : String(err));
    }
    const store = new SqliteSeriesStore(join(this.dataDir, 'series.db'));
    let got;
    try {
      got = store.get(p.data);
    } finally {
      store.close();
    }
    if (!got) throw new DomainError('BAD_REQUEST', `no imported series named "${p.data}" (strata data import FILE)`);
    if (got.series.kind !== 'bars') throw new DomainError('BAD_REQUEST', `${p.data} is a trade tape: a backtest runs on bars (replay the tape instead)`);
    const spec: RunSpec = {
      strategy: p.strategy,
      params,
      fidelity: p.fidelity,
      cash: p.cash,
      commission: String(p.commission),
      sizing: sizingArg(p.sizing),
      haircutBps: p.haircutBps,
      ...(p.spreadBps !== undefined ? { spreadBps: p.spreadBps } : {}),
      ...(p.impactK !== undefined ? { impactK: p.impactK } : {}),
      seed: 42,
      instrument: got.info.name,
    };
    const jobId = `BT${++this.seq}`;
    const info = got.info;
    const worker = new Worker(new URL('./backtest-run-worker.ts', import.meta.url), { workerData: { spec, bars: got.series as BarSeries } });
    this.jobs.set(jobId, { worker, startedAt: performance.now() });
    const progress = (x: Partial<BacktestProgressDto>): BacktestProgressDto => ({ jobId, status: 'running', progress: 0, etaMs: null, runId: null, error: null, ...x });
    worker.once('message', (r: WorkerReply) => {
      this.jobs.delete(jobId);
      void worker.terminate();
      if (!r.ok) return this.publish(progress({ status: 'failed', error: r.error }));
      const runs = new SqliteBacktestRunStore(join(this.dataDir, 'backtests.db'));
      try {
        const equity = new Float64Array(r.equity);
        const resultHash = createHash('sha256').update(JSON.stringify(r.report)).update(Buffer.from(equity.buffer, equity.byteOffset, equity.byteLength)).digest('hex');
        const saved = runs.save({ createdAt: Date.now(), engineVersion: ENGINE_VERSION, dataName: info.name, dataHash: info.hash, spec, report: r.report, resultHash, time: new Float64Array(r.time), equity });
        this.publish(progress({ status: 'done', progress: 1, runId: saved.id }));
      } catch (err) {
        this.publish(progress({ status: 'failed', error: err instanceof Error ? err.message : String(err) }));
      } finally {
        runs.close();
      }
    });
    worker.once('error', (err) => {
      this.jobs.delete(jobId);
      this.publish(progress({ status: 'failed', error: err.message }));
    });
    const started = progress({});
    this.publish(started);
    return started;
  }

  cancel(jobId: string): BacktestProgressDto {
    const job = this.jobs.get(jobId);
    if (!job) throw new DomainError('BACKTEST_NOT_FOUND', `no running backtest ${jobId}`);
    this.jobs.delete(jobId);
    void job.worker.terminate();
    const out: BacktestProgressDto = { jobId, status: 'cancelled', progress: 0, etaMs: null, runId: null, error: null };
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
      summary: summaryDto({ id: r.id, createdAt: r.createdAt, strategy: r.spec.strategy, params: r.spec.params, fidelity: r.spec.fidelity, dataName: r.dataName, dataHash: r.dataHash, finalValue: r.report.finalValue, totalReturn: m.totalReturn, sharpe: m.sharpe, maxDrawdown: m.maxDrawdown, resultHash: r.resultHash }),
      metrics: metricRows(m).map(([name, value, fidelity, fills]) => ({ name, value, fidelity, fills })),
      equity,
      monthly: r.report.periods.month.map((x) => ({ period: x.period, return: x.return })),
      trades: r.report.trades.map((t) => ({ entryDate: t.entryDate, exitDate: t.exitDate, entryPrice: t.entryPrice, exitPrice: t.exitPrice, size: t.size, commission: t.commission, pnl: t.pnl })),
      finalValue: r.report.finalValue,
      fills: r.report.fills,
      bars: r.report.bars,
      costs: m.assumptions.costs,
    };
  }

  /** Stops running jobs (host shutdown). */
  close(): void {
    for (const j of this.jobs.values()) void j.worker.terminate();
    this.jobs.clear();
  }
}

function summaryDto(s: RunSummary): BacktestRunSummaryDto {
  return { id: s.id, createdAt: s.createdAt, strategy: s.strategy, params: s.params, fidelity: s.fidelity, dataName: s.dataName, finalValue: s.finalValue, totalReturn: s.totalReturn, sharpe: s.sharpe, maxDrawdown: s.maxDrawdown };
}
