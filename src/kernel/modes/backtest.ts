import type { SimClock } from '../../core/clock.ts';
import type { KernelParts } from '../parts.ts';
import type { SimMarket } from './markets.ts';
import { simSessionParts } from './session.ts';
import type { SimSessionOptions } from './session.ts';

/**
 * Backtest: a historical market on a simulated clock run as fast as it goes, the simulated venue,
 * and `memory` durability by default: nothing touches the filesystem, so a run is a pure function
 * of its seed and inputs.
 */
export interface BacktestOptions extends SimSessionOptions {
  clock: SimClock;
  market: SimMarket;
}

export function backtestParts(o: BacktestOptions): KernelParts {
  return simSessionParts('backtest', o.clock, o.market, o, { durability: 'memory', groupCommit: false });
}
