import { WallClock } from '../../core/clock.ts';
import type { Clock } from '../../core/clock.ts';
import type { KernelParts } from '../parts.ts';
import type { SimMarket } from './markets.ts';
import { simSessionParts } from './session.ts';
import { openStores } from './stores.ts';
import type { SimSessionOptions } from './session.ts';

/**
 * Paper trading: the wall clock, the simulated venue on the demo market (or a given one), the
 * SQLite journal at `full` durability with group commit.
 */
export interface PaperOptions extends SimSessionOptions {
  /** Defaults to the wall clock; tests pass a SimClock to drive the same session deterministically. */
  clock?: Clock;
  market?: SimMarket;
}

export function paperParts(o: PaperOptions): KernelParts {
  const clock = o.clock ?? new WallClock();
  // Grouping needs concurrent arrivals on real time; a simulated clock runs synchronously.
  return simSessionParts('paper', clock, o.market ?? { kind: 'demo' }, o, { durability: 'full', groupCommit: clock instanceof WallClock }, openStores);
}
