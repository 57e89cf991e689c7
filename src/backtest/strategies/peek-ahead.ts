import type { BarSeries } from '../data/series.ts';
import type { Strategy, StrategyDef } from './strategy.ts';
import { StrategyParamError } from './strategy.ts';

/**
 * A deliberately broken strategy for the look-ahead check (and its tests): it buys when the close
 * `lead` bars AHEAD is higher than today's, the mistake a shifted column makes in a vectorised
 * backtest. It looks brilliant and must be caught by `strata backtest lookahead`.
 */
class PeekAhead implements Strategy {
  readonly name = 'peek-ahead';
  readonly warmup = 0;
  private readonly lead: number;
  private up: Int8Array = new Int8Array(0);
  constructor(lead: number) {
    this.lead = lead;
  }
  prepare(bars: BarSeries): void {
    const n = bars.close.length;
    this.up = new Int8Array(n);
    for (let i = 0; i + this.lead < n; i++) this.up[i] = bars.close[i + this.lead]! > bars.close[i]! ? 1 : -1;
  }
  decide(i: number, long: boolean): 1 | 0 | null {
    const u = this.up[i]!;
    if (!long && u > 0) return 1;
    if (long && u < 0) return 0;
    return null;
  }
}

export const peekAhead: StrategyDef = {
  name: 'peek-ahead',
  description: 'a strategy that reads the future (for the look-ahead check); never trade it',
  defaults: { lead: 1 },
  create(params) {
    const lead = params['lead'] ?? 1;
    if (!Number.isInteger(lead) || lead < 1) throw new StrategyParamError(`peek-ahead: lead must be an integer ≥ 1, got ${lead}`);
    return new PeekAhead(lead);
  },
};
