import type { BarSeries } from './data/series.ts';
import { barsBetween, sliceBars } from './data/series.ts';
import { computeMetrics } from './metrics/metrics.ts';
import type { RunSpec } from './run-spec.ts';
import { configOf } from './run-spec.ts';
import type { BarEngine } from './bar-runner.ts';
import { strategyDef } from './strategies/index.ts';
import type { Grid, SweepRow, SweptRun } from './sweep.ts';
import { gridPoints, runTargetPoint, sweepInline } from './sweep.ts';
import type { InstrumentSeries } from './strategies/target-runner.ts';
import type { FillAssumptions, RoundTrip } from './types.ts';

/**
 * Walk-forward: rolling windows of `inSample` bars on which the grid is swept and the best point
 * (by Sharpe) chosen, each followed by `outOfSample` bars on which that point is traded untouched.
 * Out-of-sample windows follow each other without overlap; their returns chain into the figure a
 * trader can believe. In an out-of-sample window the strategy warms up on the bars before it
 * (the in-sample ones) but may not trade there.
 */
export interface WalkForwardWindow {
  inSample: { from: number; to: number };
  outOfSample: { from: number; to: number };
  best: Record<string, number> | null;
  inSampleSharpe: number | null;
  outOfSampleReturn: number;
  outOfSampleSharpe: number | null;
  outOfSampleTrades: number;
}

export interface WalkForwardReport {
  windows: WalkForwardWindow[];
  /** Compounded out-of-sample return over all windows. */
  outOfSampleReturn: number;
}

export async function walkForward(
  base: RunSpec,
  all: BarSeries,
  grid: Grid,
  inSample: number,
  outOfSample: number,
  engine: BarEngine,
  sweep: (spec: RunSpec, bars: BarSeries, points: Record<string, number>[]) => Promise<SweepRow[]> = (s, b, p) => sweepInline(s, b, p, engine),
): Promise<WalkForwardReport> {
  const bars = barsBetween(all, base.fromMs, base.toMs);
  const spec: RunSpec = { ...base };
  delete spec.fromMs;
  delete spec.toMs;
  const n = bars.time.length;
  const points = gridPoints(grid);
  const windows: WalkForwardWindow[] = [];
  let chained = 1;
  for (let start = 0; start + inSample + 1 < n; start += outOfSample) {
    const isBars = sliceBars(bars, start, start + inSample);
    const rows = (await sweep(spec, isBars, points)).filter((r) => r.error === null && r.sharpe !== null);
    const best = rows.reduce<SweepRow | null>((b, r) => (b === null || r.sharpe! > b.sharpe! ? r : b), null);
    const oosEnd = Math.min(n, start + inSample + outOfSample);
    const w: WalkForwardWindow = {
      inSample: { from: bars.time[start]!, to: bars.time[start + inSample - 1]! },
      outOfSample: { from: bars.time[start + inSample]!, to: bars.time[oosEnd - 1]! },
      best: best ? best.params : null,
      inSampleSharpe: best ? best.sharpe : null,
      outOfSampleReturn: 0,
      outOfSampleSharpe: null,
      outOfSampleTrades: 0,
    };
    if (best) {
      const params = { ...spec.params, ...best.params };
      const window = sliceBars(bars, start, oosEnd);
      const result = await engine(window, strategyDef(spec.strategy).create(params), { ...configOf({ ...spec, params }), tradeFrom: inSample });
      const eq = result.equity.subarray(inSample - 1);
      const m = computeMetrics({ time: window.time.subarray(inSample), equity: eq.subarray(1), initialEquity: eq[0]!, exposure: new Float64Array(eq.length - 1), fills: [], trades: result.trades.filter((t) => t.entryBar >= inSample), assumptions: result.assumptions });
      w.outOfSampleReturn = m.totalReturn;
      w.outOfSampleSharpe = m.sharpe;
      w.outOfSampleTrades = m.trades;
      chained *= 1 + m.totalReturn;
    }
    windows.push(w);
    if (oosEnd >= n) break;
  }
  return { windows, outOfSampleReturn: chained - 1 };
}

/** A target run for a walk-forward: the spec on its instruments, no decision before `tradeFromMs`. */
export type TargetWindowEngine = (spec: RunSpec, series: readonly InstrumentSeries[], tradeFromMs?: number) => Promise<SweptRun & { time: Float64Array; trades: RoundTrip[]; assumptions: FillAssumptions }>;

/**
 * Walk-forward for a target strategy over several instruments: the windows count steps of their
 * common clock (every time any instrument has a bar, in the spec's window). Each in-sample window
 * is swept as a spec cut to it; the best point then trades the out-of-sample window, its alphas
 * warmed up on the in-sample bars before it (no decision there: the run starts in cash).
 */
export async function walkForwardTargets(
  base: RunSpec,
  all: readonly InstrumentSeries[],
  grid: Grid,
  inSample: number,
  outOfSample: number,
  engine: TargetWindowEngine,
  sweep: (spec: RunSpec, series: readonly InstrumentSeries[], points: Record<string, number>[]) => Promise<SweepRow[]> = async (s, x, p) => {
    const rows: SweepRow[] = [];
    for (let i = 0; i < p.length; i++) rows.push(await runTargetPoint(s, x, i, p[i]!, (spec, y) => engine(spec, y)));
    return rows;
  },
): Promise<WalkForwardReport> {
  const steps = new Set<number>();
  for (const x of all) for (const t of barsBetween(x.bars, base.fromMs, base.toMs).time) steps.add(t);
  const time = [...steps].sort((a, b) => a - b);
  const n = time.length;
  const points = gridPoints(grid);
  const windows: WalkForwardWindow[] = [];
  let chained = 1;
  for (let start = 0; start + inSample + 1 < n; start += outOfSample) {
    const isSpec: RunSpec = { ...base, fromMs: time[start]!, toMs: time[start + inSample - 1]! };
    const rows = (await sweep(isSpec, all, points)).filter((r) => r.error === null && r.sharpe !== null);
    const best = rows.reduce<SweepRow | null>((b, r) => (b === null || r.sharpe! > b.sharpe! ? r : b), null);
    const oosEnd = Math.min(n, start + inSample + outOfSample);
    const from = time[start + inSample]!;
    const w: WalkForwardWindow = {
      inSample: { from: time[start]!, to: time[start + inSample - 1]! },
      outOfSample: { from, to: time[oosEnd - 1]! },
      best: best ? best.params : null,
      inSampleSharpe: best ? best.sharpe : null,
      outOfSampleReturn: 0,
      outOfSampleSharpe: null,
      outOfSampleTrades: 0,
    };
    if (best) {
      const params = { ...base.params, ...best.params };
      const result = await engine({ ...base, params, fromMs: time[start]!, toMs: time[oosEnd - 1]! }, all, from);
      const i0 = result.time.findIndex((t) => t >= from);
      const eq = result.equity.subarray(i0 - 1);
      const m = computeMetrics({ time: result.time.subarray(i0), equity: eq.subarray(1), initialEquity: eq[0]!, exposure: new Float64Array(eq.length - 1), fills: [], trades: result.trades.filter((t) => t.entryTime >= from), assumptions: result.assumptions });
      w.outOfSampleReturn = m.totalReturn;
      w.outOfSampleSharpe = m.sharpe;
      w.outOfSampleTrades = m.trades;
      chained *= 1 + m.totalReturn;
    }
    windows.push(w);
    if (oosEnd >= n) break;
  }
  return { windows, outOfSampleReturn: chained - 1 };
}
