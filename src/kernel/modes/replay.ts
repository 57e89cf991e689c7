import type { Clock } from '../../core/clock.ts';
import type { KernelParts } from '../parts.ts';
import type { SimMarket } from './markets.ts';
import { simSessionParts } from './session.ts';
import { openStores } from './stores.ts';
import type { SimSessionOptions } from './session.ts';

/**
 * Replay: a recorded market played on a simulated clock (play, pause, speed, seek are the clock's),
 * against the simulated venue. `fast` durability by default: a replay is resumable after a crash
 * of the process, and does not pay an fsync per order.
 */
export interface ReplayOptions extends SimSessionOptions {
  clock: Clock;
  market: SimMarket;
}

export function replayParts(o: ReplayOptions): KernelParts {
  return simSessionParts('replay', o.clock, o.market, o, { durability: 'fast', groupCommit: false }, openStores);
}
