import type { PortfolioSettingsDto } from '../contract/api/portfolio.ts';
import { calendarOf } from '../marketdata/daily.ts';
import { constructWeights } from '../portfolio/construction.ts';
import type { ConstructResult } from '../portfolio/construction.ts';
import { CASH } from '../signals/signal.ts';
import type { Aggregate } from '../signals/aggregator.ts';
import type { AlphaView } from '../signals/view.ts';
import type { EngineCore } from './context.ts';

export { capWeights } from '../portfolio/construction.ts';
export type { Constructed } from '../portfolio/construction.ts';

/**
 * The live construction step (src/portfolio/construction.ts holds the method, caps and bounds, so
 * the backtest's target strategies build their book with the same code): the aggregator's combined
 * targets of the engine's instruments, long-only, each instrument's calendar from its kind.
 */
export function construct(ctx: EngineCore, view: AlphaView, agg: Aggregate, current: Readonly<Record<string, number>>, s: PortfolioSettingsDto): ConstructResult {
  const wanted: { symbol: string; w: number }[] = [];
  for (const t of agg.targets) {
    if (t.instrument === CASH || !ctx.instruments.get(t.instrument)) continue;
    wanted.push({ symbol: t.instrument, w: Math.max(0, t.target ?? (current[t.instrument] ?? 0) + t.delta) });
  }
  return constructWeights(wanted, view, current, s, (x) => calendarOf(ctx.instruments.get(x)?.kind ?? 'equity'));
}

