import type { AlgoKind } from '../contract/dto.ts';
import type { Clock } from '../core/clock.ts';
import type { Durability, EngineMode } from '../core/enums.ts';
import type { Instrument, InstrumentRegistry } from '../core/instrument.ts';
import type { JournalPort, VenuePort } from '../core/ports.ts';
import type { ExecAlgo } from '../execution/algos/types.ts';
import type { WatchdogOptions } from '../execution/order-watchdog.ts';
import type { ApprovalStorePort } from '../approval/store.ts';
import type { RiskStorePort } from '../risk/ports.ts';
import type { SignalJournalPort } from '../signals/journal.ts';
import type { RiskControlOptions } from './risk-control.ts';
import type { L2Options } from './l2-service.ts';
import type { PmsLoopOptions } from '../pms/loop.ts';

/**
 * What a kernel is built from. A mode (src/kernel/modes/*) is a small function that picks these;
 * nothing inside the kernel or a domain module asks which mode it runs in.
 */

export type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

/** A store the kernel closes when it stops (SQLite closes its file; memory stores do nothing). */
export interface Closable {
  close(): void;
}

/** Where market data comes from and what the account is valued in. */
export interface MarketDataPart {
  instruments: InstrumentRegistry;
  /** The account currency. */
  currency: string;
  /** Intraday volume profile for VWAP schedules, when the market has one. */
  volumeProfile(i: Instrument): { profile: number[]; bucketMinutes: number } | undefined;
  /** Generates or replays history before the session starts (the simulated venue), if the market can. */
  warmUp?(ms: number): void;
}

/** Facts fixed at the first start of a journal, so later defaults never rewrite history. */
export interface IdsPart {
  /** Prefix of client order ids (unique per install so two installs never collide at a venue). */
  prefix: string;
  /** The account's starting cash, decimal text. */
  initialCash: string;
}

/**
 * Holds venue traffic until the journal has committed what it describes (group commit), and tells
 * the contract edge when a request's writes are durable. `none` for journals that commit each write.
 */
export interface CommitBarrier {
  /** Runs `fn` once everything journaled so far is committed (at once if nothing is pending). */
  afterCommit(fn: () => void): void;
  /** Resolves when everything journaled so far is committed; undefined if nothing is pending. */
  committed(): Promise<void> | undefined;
  /** Commits whatever is pending now (before another connection writes, and at stop). */
  flush(): void;
}

/** L2's stores: the signal journal (cycles, signals, alpha configuration) and the approval journal. */
export interface L2Stores {
  signals: SignalJournalPort & Closable;
  approvals: ApprovalStorePort & Closable;
}

export interface KernelParts {
  mode: EngineMode;
  clock: Clock;
  venue: VenuePort;
  marketData: MarketDataPart;
  journal: JournalPort & Closable;
  riskStore: RiskStorePort & Closable;
  venueStore: Closable;
  ids: IdsPart;
  log: Log;
  durability: Durability;
  /** Present when the journal groups commits (`full` durability on a wall clock). */
  commits?: CommitBarrier;
  /** L2's stores; absent: kept in memory for the session. */
  l2?: L2Stores;
}

/** What the kernel does with its parts: seeds, L1 and PMS configuration, the algorithms. */
export interface KernelConfig {
  seed?: number;
  risk?: RiskControlOptions;
  pms?: PmsLoopOptions;
  /** Minutes of history generated at start (default 60; 0 for none). */
  warmUpMinutes?: number;
  /** Builds the algorithm for a parent (default: the real ones); benchmarks wrap it to time decisions. */
  createAlgo?: (kind: AlgoKind) => ExecAlgo;
  /** The order watchdog: default on for a wall clock, off on a SimClock; `false` turns it off. */
  watchdog?: WatchdogOptions | false;
  /** L2: signal cycle cadence, auto-proposals, the queue's TTL and price band, sizing. */
  l2?: L2Options;
}
