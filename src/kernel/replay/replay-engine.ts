import type { Clock } from '../../core/clock.ts';
import type { ReplaySpeed } from '../../contract/api/replay.ts';
import type { LoadedMarket } from '../../marketdata/recording.ts';
import type { PmsLoopOptions } from '../../pms/loop.ts';
import { createEngine } from '../engine.ts';
import type { Engine } from '../engine.ts';
import type { Log } from '../parts.ts';
import type { RiskControlOptions } from '../risk-control.ts';

export interface ReplaySessionOptions {
  market: LoadedMarket;
  /** The file as the operator named it (shown in the status). */
  file: string;
  seed?: number;
  speed?: ReplaySpeed;
  /** Start here (epoch ms) instead of the first recorded trade; the recording before it plays at full speed. */
  from?: number;
  initialCash?: string;
  risk?: RiskControlOptions;
  pms?: PmsLoopOptions;
  /** Median venue latency in ms (default 4). */
  venueLatencyMs?: number;
  log?: Log;
  /** Wall clock for pacing (tests inject one); default performance.now. */
  wallNow?: () => number;
  /** Wall ms between two pacing steps (default 20). */
  tickMs?: number;
  /** Full-speed runs jump the kernel's tick over idle seconds (default true; false steps each, for tests). */
  idleJumps?: boolean;
  /** L2 repeats a signal cycle whose inputs did not change instead of running it (default true; false runs each, for tests). */
  quietCycles?: boolean;
}

/**
 * The PMS cycle of a replay, every 10 s of SIMULATED time (live and paper: 2 s of wall time). At
 * full speed the 2 s cycle was a quarter of a replay's time: 1,800 cycles per simulated hour, most
 * on a book and marks that had not moved. The cadence is on the replay's clock, the same at every
 * speed, so a seek and a play to the same time still give the same state; the PMS buckets returns
 * and NAV by the minute, so a cycle every 10 s still sees every bucket. `pms.intervalMs` overrides.
 */
const REPLAY_PMS_INTERVAL_MS = 10_000;

/** The replay's engine on `clock`: the whole kernel in memory, on the recorded tapes. */
export function createReplayEngine(o: ReplaySessionOptions, clock: Clock, market: LoadedMarket): Engine {
  return createEngine({
    mode: 'replay',
    durability: 'memory',
    clock,
    seed: o.seed ?? 42,
    // Fixed: the same actions give the same order ids on every rebuild.
    idPrefix: 'RPL',
    warmUpMinutes: 0,
    venueLatencyMs: o.venueLatencyMs,
    market: { kind: 'tapes', tapes: market.tapes, currency: market.currency },
    ...(o.initialCash !== undefined ? { initialCash: o.initialCash } : {}),
    ...(o.risk ? { risk: o.risk } : {}),
    pms: { intervalMs: REPLAY_PMS_INTERVAL_MS, ...o.pms },
    ...(o.quietCycles !== undefined ? { l2: { quietCycles: o.quietCycles } } : {}),
    log: o.log ?? (() => undefined),
  });
}
