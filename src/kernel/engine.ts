import type { AlgoKind, ExecQualityConfigDto } from '../contract/dto.ts';
import type { Clock, ClockPace } from '../core/clock.ts';
import { SimClock } from '../core/clock.ts';
import type { Durability } from '../core/enums.ts';
import type { ExecAlgo } from '../execution/algos/types.ts';
import type { WatchdogOptions } from '../execution/order-watchdog.ts';
import { buildKernel } from './kernel.ts';
import type { Engine } from './kernel.ts';
import { backtestParts } from './modes/backtest.ts';
import type { SimMarket } from './modes/markets.ts';
import { paperParts } from './modes/paper.ts';
import { replayParts } from './modes/replay.ts';
import { openStores } from './modes/stores.ts';
import type { L2Options } from './l2-service.ts';
import type { KernelParts, Log, VenueAdmin } from './parts.ts';
import type { PmsLoopOptions } from '../pms/loop.ts';
import type { RiskControlOptions } from './risk-control.ts';

export { ENGINE_VERSION } from './version.ts';
export type { Engine } from './kernel.ts';
export { buildKernel } from './kernel.ts';

/**
 * One-call construction for hosts and tests on the simulated venue: picks the mode's parts
 * (src/kernel/modes) from these options and builds the kernel. A live session builds its parts
 * with liveParts() and calls buildKernel() directly.
 */
export interface EngineOptions {
  /** Where the SQLite files live; optional with `memory` durability. */
  dataDir?: string;
  seed?: number;
  /** Defaults to the wall clock (paper mode). Replay and backtests pass a SimClock. */
  clock?: Clock;
  initialCash?: string;
  /** Minutes of demo market history generated at start (default 60; 0 for none). */
  warmUpMinutes?: number;
  /**
   * What drives the simulated venue: the demo market (default), or a recorded trade tape for one
   * instrument (replay, `strata exec simulate`), played on the engine's clock.
   */
  market?: SimMarket;
  /**
   * The session's mode. Default: `replay` for a tape, `paper` otherwise. `backtest` needs a
   * SimClock and defaults to `memory` durability.
   */
  mode?: 'paper' | 'replay' | 'backtest';
  /** Default `full` (SQLite, synchronous=FULL; commits grouped on a wall clock); `memory` needs no dataDir. */
  durability?: Durability;
  /**
   * L1 configuration: limits seeded on the first start of a data directory (later starts use the
   * stored ones), tiers and soft-breach policy, breaker thresholds.
   */
  risk?: RiskControlOptions;
  /** The PMS monitor: interval, thresholds, escalation, daily history for historical stress. */
  pms?: PmsLoopOptions;
  /**
   * Prefix of client order ids for a new data directory (default: random, so two installs never
   * collide at a venue). Simulations fix it so that a seed reproduces every id.
   */
  idPrefix?: string;
  /** Builds the algorithm for a parent (default: the real ones); benchmarks wrap it to time decisions. */
  createAlgo?: (kind: AlgoKind) => ExecAlgo;
  /** Median venue message latency in ms (default 4; 0 for benchmarks of the engine alone). */
  venueLatencyMs?: number;
  /**
   * The order watchdog (orders not acknowledged, cancels not confirmed). On by default on the wall
   * clock, where messages can stall; off on a SimClock, whose venue cannot stall (and whose runs
   * must stay a pure function of their inputs). `false` turns it off.
   */
  watchdog?: WatchdogOptions | false;
  /** The host's venue configuration and key vault (strata serve); absent, those methods refuse. */
  venueAdmin?: VenueAdmin;
  /** L2: signal cycle cadence, auto-proposals, the queue's TTL and price band, sizing. */
  l2?: L2Options;
  /** Execution-quality deterioration band (bps), minimum parents before it can fire, recent window. */
  execQuality?: Partial<ExecQualityConfigDto>;
  /** Receives anomalies and internal errors; defaults to stderr. */
  log?: Log;
  /** How engine time moves against wall time (a replay's SimClockDriver): pushed to clients in `clock`. */
  pace?: ClockPace;
}

/** The parts the options describe. */
export function engineParts(opts: EngineOptions): KernelParts {
  const market = opts.market ?? { kind: 'demo' };
  const mode = opts.mode ?? (market.kind !== 'demo' ? 'replay' : 'paper');
  if (mode === 'backtest') {
    if (!(opts.clock instanceof SimClock)) throw new Error('a backtest runs on a SimClock');
    return backtestParts({ ...opts, clock: opts.clock, market }, openStores);
  }
  if (mode === 'replay') {
    if (!opts.clock) throw new Error('a replay runs on a simulated clock');
    return replayParts({ ...opts, durability: opts.durability ?? 'full', clock: opts.clock, market });
  }
  return paperParts({ ...opts, market });
}

export function createEngine(opts: EngineOptions): Engine {
  const parts = engineParts(opts);
  return buildKernel(opts.pace ? { ...parts, pace: opts.pace } : parts, opts);
}
