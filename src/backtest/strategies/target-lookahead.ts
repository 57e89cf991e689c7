import { sliceBars } from '../data/series.ts';
import type { StrategyParams } from './strategy.ts';
import type { TargetStrategyDef } from './target.ts';
import type { InstrumentSeries, TargetOrderRoute, TargetRunConfig, TargetRunResult } from './target-runner.ts';
import { runTargets } from './target-runner.ts';

/**
 * The look-ahead check for target strategies (as src/backtest/lookahead.ts for bar strategies):
 * run on the full data, then with every instrument cut off at several clock times, and compare
 * every target decided before each cut (the time and the weights, to 1e-12). Only past bars may
 * decide a target, so a strategy that reads only the past decides the same with or without the
 * future; the book's weights the alphas also read depend only on fills before the decision.
 */
export interface TargetLookaheadMismatch {
  cutTime: number;
  time: number;
  full: Record<string, number> | null;
  truncated: Record<string, number> | null;
}

export interface TargetLookaheadReport {
  strategy: string;
  params: StrategyParams;
  cuts: number[];
  decisionsCompared: number;
  biased: boolean;
  mismatches: TargetLookaheadMismatch[];
}

const same = (a: Record<string, number>, b: Record<string, number>): boolean => {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && Math.abs(a[k]! - b[k]!) <= 1e-12);
};

export type TargetEngine = (series: readonly InstrumentSeries[], def: TargetStrategyDef, params: StrategyParams, config: TargetRunConfig, route?: TargetOrderRoute) => TargetRunResult | Promise<TargetRunResult>;

export async function targetLookahead(series: readonly InstrumentSeries[], def: TargetStrategyDef, params: StrategyParams, config: TargetRunConfig, engine: TargetEngine = runTargets, cutFractions: readonly number[] = [0.3, 0.5, 0.7, 0.9]): Promise<TargetLookaheadReport> {
  const full = await engine(series, def, params, config);
  const time = full.time;
  const n = time.length;
  const cuts = [...new Set(cutFractions.map((f) => time[Math.max(2, Math.min(n - 1, Math.round(n * f)))]!))];
  const mismatches: TargetLookaheadMismatch[] = [];
  let compared = 0;
  for (const cut of cuts) {
    // Every instrument keeps its bars before the cut time (none, for one that starts later: still
    // listed, so a strategy sized on the number of instruments sees the same universe).
    const part = series.map((s) => {
      let m = 0;
      while (m < s.bars.time.length && s.bars.time[m]! < cut) m++;
      return { name: s.name, bars: sliceBars(s.bars, 0, m) };
    });
    const truncated = (await engine(part, def, params, config)).targetLog;
    const before = full.targetLog.filter((d) => d.time < cut);
    const byTime = new Map(truncated.map((d) => [d.time, d.weights]));
    for (const d of before) {
      compared++;
      const t = byTime.get(d.time) ?? null;
      if ((t === null || !same(d.weights, t)) && mismatches.length < 50) mismatches.push({ cutTime: cut, time: d.time, full: d.weights, truncated: t });
      byTime.delete(d.time);
    }
    for (const [t, w] of byTime) if (mismatches.length < 50) mismatches.push({ cutTime: cut, time: t, full: null, truncated: w });
  }
  return { strategy: def.name, params, cuts, decisionsCompared: compared, biased: mismatches.length > 0, mismatches };
}
