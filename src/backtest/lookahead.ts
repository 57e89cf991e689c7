import type { BarEngine, BarRunConfig } from './bar-runner.ts';
import { sliceBars } from './data/series.ts';
import type { BarSeries } from './data/series.ts';
import type { StrategyDef, StrategyParams } from './strategies/strategy.ts';

/**
 * The look-ahead check (freqtrade's lookahead analysis, on bars): run the strategy on the full
 * data, then on the data cut off at several points, and compare every decision made before each
 * cut. A strategy that reads only the past decides the same with or without the future; one that
 * peeks (a shifted column, a centred average, a normalisation over the whole series) does not.
 */
export interface LookaheadMismatch {
  cut: number;
  bar: number;
  time: number;
  full: number;
  truncated: number;
}

export interface LookaheadReport {
  strategy: string;
  params: StrategyParams;
  cuts: number[];
  decisionsCompared: number;
  biased: boolean;
  mismatches: LookaheadMismatch[];
}

export async function lookaheadCheck(bars: BarSeries, def: StrategyDef, params: StrategyParams, config: BarRunConfig, engine: BarEngine, cutFractions: readonly number[] = [0.3, 0.5, 0.7, 0.9]): Promise<LookaheadReport> {
  const n = bars.time.length;
  const full = (await engine(bars, def.create(params), config)).decisions;
  const cuts = [...new Set(cutFractions.map((f) => Math.max(2, Math.min(n - 1, Math.round(n * f)))))];
  const mismatches: LookaheadMismatch[] = [];
  let compared = 0;
  for (const cut of cuts) {
    const part = (await engine(sliceBars(bars, 0, cut), def.create(params), config)).decisions;
    for (let i = 0; i < cut; i++) {
      if (full[i] !== 0 || part[i] !== 0) compared++;
      if (full[i] !== part[i] && mismatches.length < 50) mismatches.push({ cut, bar: i, time: bars.time[i]!, full: full[i]!, truncated: part[i]! });
    }
  }
  return { strategy: def.name, params, cuts, decisionsCompared: compared, biased: mismatches.length > 0, mismatches };
}
