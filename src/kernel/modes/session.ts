import type { Clock } from '../../core/clock.ts';
import type { Durability, EngineMode } from '../../core/enums.ts';
import type { KernelParts, Log } from '../parts.ts';
import { simMarket } from './markets.ts';
import type { SimMarket } from './markets.ts';
import { resolveIds } from './memory-stores.ts';
import type { OpenStores } from './memory-stores.ts';

/** What every simulated-venue mode (paper, replay, backtest) is told. */
export interface SimSessionOptions {
  /** Where the SQLite files live; not needed with `memory` durability. */
  dataDir?: string;
  seed?: number;
  durability?: Durability;
  /** Prefix of client order ids for a new journal (default random); simulations fix it so a seed reproduces every id. */
  idPrefix?: string;
  initialCash?: string;
  /** Median venue message latency in ms (default 4; 0 for benchmarks of the engine alone). */
  venueLatencyMs?: number;
  log?: Log;
}

export const stderrLog: Log = (level, msg) => process.stderr.write(`[strata ${level}] ${msg}\n`);

/**
 * The parts of a session on the simulated venue: stores at the durability asked, ids, venue and
 * market data. The stores come from `open`, so a mode that runs in memory loads no SQLite module.
 */
export function simSessionParts(mode: EngineMode, clock: Clock, market: SimMarket, o: SimSessionOptions, defaults: { durability: Durability; groupCommit: boolean }, open: OpenStores): KernelParts {
  const durability = o.durability ?? defaults.durability;
  const stores = open(durability, o.dataDir, defaults.groupCommit);
  const ids = resolveIds(stores.journal, o);
  const { venue, marketData } = simMarket(market, { clock, store: stores.venueStore, seed: o.seed ?? 42, latencyMs: o.venueLatencyMs });
  return { mode, clock, venue, marketData, ...stores, ids, log: o.log ?? stderrLog, durability };
}
