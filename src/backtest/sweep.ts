import { createRng } from '../core/rng.ts';
import type { BarEngine, BarRunResult } from './bar-runner.ts';
import { barsBetween } from './data/series.ts';
import type { BarSeries } from './data/series.ts';
import { strategyDef } from './strategies/index.ts';
import { expectedMaxSharpe, moments, probabilisticSharpe, simpleReturns } from './metrics/metrics.ts';
import type { RunSpec } from './run-spec.ts';
import { configOf, runSpec } from './run-spec.ts';
import type { InstrumentSeries } from './strategies/target-runner.ts';

/**
 * Parameter sweeps: the points (a grid, or random draws from it with a seed), one run per point,
 * and the table. The points are independent, so an executor may run them anywhere (in this
 * thread, or on worker_threads: src/host/backtest-sweep.ts); rows are put back in point order, so
 * the table is the same whatever the number of workers.
 */
export type Grid = Readonly<Record<string, readonly number[]>>;

export interface SweepRow {
  index: number;
  params: Record<string, number>;
  finalValue: number;
  totalReturn: number;
  cagr: number | null;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: number;
  trades: number;
  winRate: number | null;
  /** Per-period Sharpe (for the deflated Sharpe of the sweep's best). */
  srPerPeriod: number | null;
  /** A run that could not be made (e.g. fast ≥ slow), with its reason. */
  error: string | null;
}

export interface SweepSummary {
  rows: SweepRow[];
  best: SweepRow | null;
  /** The best point's Sharpe deflated by the number of points tried and the spread of their Sharpes. */
  deflatedSharpe: number | null;
  probabilisticSharpe: number | null;
}

/** Every combination, the first key varying slowest (the order `--grid` flags were given). */
export function gridPoints(grid: Grid): Record<string, number>[] {
  let points: Record<string, number>[] = [{}];
  for (const [k, values] of Object.entries(grid)) {
    const next: Record<string, number>[] = [];
    for (const p of points) for (const v of values) next.push({ ...p, [k]: v });
    points = next;
  }
  return points;
}

/** `count` points drawn from the grid's values without replacement (all of them if fewer), by seed. */
export function randomPoints(grid: Grid, count: number, seed: number): Record<string, number>[] {
  const all = gridPoints(grid);
  const rng = createRng(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, Math.min(count, all.length));
}

/** What a row reads of a finished run (a bar run's result or a target run's). */
export type SweptRun = Pick<BarRunResult, 'finalValue' | 'metrics' | 'equity'>;

export function sweepRow(index: number, params: Record<string, number>, result: SweptRun | null, error: string | null): SweepRow {
  if (!result) return { index, params, finalValue: NaN, totalReturn: NaN, cagr: null, sharpe: null, sortino: null, maxDrawdown: NaN, trades: 0, winRate: null, srPerPeriod: null, error };
  const m = result.metrics;
  const r = moments(simpleReturns(result.equity, m.startEquity));
  return {
    index,
    params,
    finalValue: Number(result.finalValue),
    totalReturn: m.totalReturn,
    cagr: m.cagr,
    sharpe: m.sharpe,
    sortino: m.sortino,
    maxDrawdown: m.maxDrawdown,
    trades: m.trades,
    winRate: m.winRate,
    srPerPeriod: r.std > 0 ? r.mean / r.std : null,
    error: null,
  };
}

/** Runs one point of a sweep (what a worker does) on `engine`. */
export async function runPoint(base: RunSpec, bars: BarSeries, index: number, params: Record<string, number>, engine: BarEngine): Promise<SweepRow> {
  try {
    // The run alone: a sweep row needs no report (breakdowns, trade list), only the figures.
    const spec = { ...base, params: { ...base.params, ...params } };
    const window = barsBetween(bars, spec.fromMs, spec.toMs);
    const result = await engine(window, strategyDef(spec.strategy).create(spec.params), configOf(spec));
    return sweepRow(index, params, result, null);
  } catch (err) {
    return sweepRow(index, params, null, err instanceof Error ? err.message : String(err));
  }
}

/**
 * Runs one point of a target sweep (strategic, tactical, stat-model, l2 over several instruments):
 * `engine` runs the spec (the hosts pass the kernel's target run, src/kernel/backtest-targets.ts).
 */
export async function runTargetPoint(base: RunSpec, series: readonly InstrumentSeries[], index: number, params: Record<string, number>, engine: TargetSpecEngine): Promise<SweepRow> {
  try {
    return sweepRow(index, params, await engine({ ...base, params: { ...base.params, ...params } }, series), null);
  } catch (err) {
    return sweepRow(index, params, null, err instanceof Error ? err.message : String(err));
  }
}

/** Runs a target spec on its instruments (the window is the spec's). */
export type TargetSpecEngine = (spec: RunSpec, series: readonly InstrumentSeries[]) => Promise<SweptRun>;

/**
 * The table in point order, its best row by Sharpe, and that row's deflated Sharpe over all points
 * tried; `rerun` runs the best point again for its returns' skew and kurtosis.
 */
export async function summariseRows(rows: SweepRow[], rerun: (params: Record<string, number>) => Promise<SweptRun>): Promise<SweepSummary> {
  const sorted = [...rows].sort((a, b) => a.index - b.index);
  const ok = sorted.filter((r) => r.error === null && r.sharpe !== null);
  const best = ok.reduce<SweepRow | null>((b, r) => (b === null || r.sharpe! > b.sharpe! ? r : b), null);
  let dsr: number | null = null;
  let psr: number | null = null;
  if (best) {
    const srs = ok.map((r) => r.srPerPeriod!).filter((x) => x !== null);
    const sv = srs.length > 1 ? moments(srs).std ** 2 : 0;
    const result = await rerun(best.params);
    const m = moments(simpleReturns(result.equity, result.metrics.startEquity));
    const n = result.equity.length;
    psr = probabilisticSharpe(best.srPerPeriod!, 0, n, m.skew, m.kurtosis);
    dsr = probabilisticSharpe(best.srPerPeriod!, expectedMaxSharpe(ok.length, sv), n, m.skew, m.kurtosis);
  }
  return { rows: sorted, best, deflatedSharpe: dsr, probabilisticSharpe: psr };
}

/** summariseRows for a bar strategy's sweep on `bars`. */
export async function summarise(rows: SweepRow[], bars: BarSeries, base: RunSpec, engine: BarEngine): Promise<SweepSummary> {
  return summariseRows(rows, async (params) => (await runSpec({ ...base, params: { ...base.params, ...params } }, bars, engine)).result);
}

/** summariseRows for a target strategy's sweep on its instruments. */
export async function summariseTargets(rows: SweepRow[], series: readonly InstrumentSeries[], base: RunSpec, engine: TargetSpecEngine): Promise<SweepSummary> {
  return summariseRows(rows, (params) => engine({ ...base, params: { ...base.params, ...params } }, series));
}

/** Runs every point in this thread (tests, one core; the worker pool does the same per chunk). */
export async function sweepInline(base: RunSpec, bars: BarSeries, points: readonly Record<string, number>[], engine: BarEngine, onProgress?: (done: number, total: number) => void, cancelled?: () => boolean): Promise<SweepRow[]> {
  const rows: SweepRow[] = [];
  for (let i = 0; i < points.length; i++) {
    if (cancelled?.()) break;
    rows.push(await runPoint(base, bars, i, points[i]!, engine));
    onProgress?.(i + 1, points.length);
  }
  return rows;
}
