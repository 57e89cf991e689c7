import type { Params } from '../contract/api.ts';
import type { VenueConfigDto } from '../contract/api/venue.ts';
import type { AlgoKind, ExecQualityConfigDto } from '../contract/dto.ts';
import type { Clock, ClockPace } from '../core/clock.ts';
import type { Durability, EngineMode } from '../core/enums.ts';
import type { Instrument, InstrumentRegistry } from '../core/instrument.ts';
import type { JournalPort, VenuePort } from '../core/ports.ts';
import type { ExecAlgo } from '../execution/algos/types.ts';
import type { WatchdogOptions } from '../execution/order-watchdog.ts';
import type { ApprovalStorePort } from '../approval/store.ts';
import type { RiskStorePort } from '../risk/ports.ts';
import type { ReconcileInput } from '../venues/ccxt/reconcile.ts';
import type { JournalSnapshot } from '../venues/ccxt/reconcile-run.ts';
import type { SignalJournalPort } from '../signals/journal.ts';
import type { RiskControlOptions } from './risk-control.ts';
import type { L2Options } from './l2-service.ts';
import type { DailyBar } from '../marketdata/daily.ts';
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
  /**
   * Daily bars before the session (L2 reads daily bars), if the market has them: the demo market
   * lays real daily returns where it has them and a calibrated synthetic path where it has not.
   */
  dailyHistory?(o: DailyHistoryRequest): Record<string, { bars: DailyBar[]; source: string }>;
}

export interface DailyHistoryRequest {
  /** The session's start: the history ends with the day before it. */
  endTime: number;
  /** The price each symbol's history must end at (the session's opening price), if known. */
  endPrice(symbol: string): number | undefined;
  /** Real daily closes per symbol (the host loads assets/demo/history). */
  real: Readonly<Record<string, { series: readonly { time: number; close: number }[]; source: string }>>;
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

/** A venue alert the operator must see (a ban, refused keys, a lost order). */
export interface VenueAlertPart {
  level: 'warn' | 'error';
  code: string;
  message: string;
  ts: number;
}

/**
 * What a session on a real exchange adds to the venue port: its connection state (the
 * venue-disconnect breaker reads it), its alerts, and the reads reconciliation compares with the
 * journal. Paper-on-live sessions have the connection of their market feed and nothing to reconcile.
 */
export interface VenueLink {
  /** e.g. "binance" */
  exchangeId: string;
  /** Whose account, shown to the operator ("binance · key …7f3a", "paper on binance"). */
  account: string;
  /** The real mode at the exchange: live orders, or paper orders against live data. */
  venueMode: 'live' | 'paper';
  apiUrl: string | null;
  symbols: string[];
  connection(): 'connected' | 'connecting' | 'disconnected';
  onAlert(listener: (a: VenueAlertPart) => void): () => void;
  /** Live only: what reconciliation compares (the journal side given). */
  gather?(journal: JournalSnapshot): Promise<ReconcileInput>;
  /** Live only: tells the venue to follow an order it has open (an adopted external order). */
  follow?(clientOrderId: string, symbol: string): Promise<void>;
  /** Live only: the mark read at connect (price units), the cost basis of opening positions. */
  openingPrice?(symbol: string): bigint | undefined;
}

/** Where the live book's portfolio-construction settings are journaled (JSON; validated on load). */
export interface PortfolioSettingsPort {
  load(): unknown;
  save(settings: unknown): void;
  /** Engine time of the last due rebalance, so a daily/weekly/monthly cadence holds across a restart. */
  lastRebalanceAt(): number | null;
  saveLastRebalanceAt(t: number): void;
}

/** L2's stores: the signal journal (cycles, signals, alpha configuration), the approval journal, the portfolio settings. */
export interface L2Stores {
  signals: SignalJournalPort & Closable;
  approvals: ApprovalStorePort & Closable;
  /** Absent: the settings live for the session only. */
  portfolio?: PortfolioSettingsPort;
}

export interface KernelParts {
  /** Present for sessions on a real exchange (live, or paper on its live data). */
  venueLink?: VenueLink;
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
  /** How engine time moves against wall time (a replay's driver); default: 1× on a wall clock, as fast as driven on a SimClock. */
  pace?: ClockPace;
  /**
   * `off`: the PMS loop neither samples prices nor reviews the book on its timer; it reviews only
   * when asked (risk.metrics, risk.stress). It is beside the order path, so a mode whose run never
   * reads it (a bar backtest: breakers off, flags not escalated) sets this. Default: on.
   */
  pms?: 'off';
  /**
   * `off`: no once-a-second tick (clock feed, account and position pushes, L1's equity watermarks,
   * breaker feeds, the volatility baseline). For a mode whose run reads none of them: a bar backtest
   * with breakers and the PMS off and no loss limit, whose clock jumps from order to order. Default: on.
   */
  tick?: 'off';
}

/**
 * The host's side of the venue contract: the configuration in the data directory and the key vault
 * (both outside the engine, which only runs what it was built with). Absent: those methods refuse.
 */
export interface VenueAdmin {
  getConfig(): VenueConfigDto;
  setConfig(p: Params<'venue.config.set'>): VenueConfigDto | Promise<VenueConfigDto>;
  /** Stores the keys (encrypted) and hands them to the running venue; never returns or logs them. */
  setKeys(p: Params<'venue.keys.set'>): void | Promise<void>;
}

/** What the kernel does with its parts: seeds, L1 and PMS configuration, the algorithms. */
export interface KernelConfig {
  venueAdmin?: VenueAdmin;
  /** Period of reconciliation with a live exchange, ms (default 60 s; 0: only at start and on request). */
  reconcileEveryMs?: number;
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
  /** Execution-quality deterioration band (bps), minimum parents before it can fire, recent window. */
  execQuality?: Partial<ExecQualityConfigDto>;
}

/** Journal meta key of the balances a journal started from on its exchange (written by the live mode, read by the kernel). */
export const VENUE_BASELINE_KEY = 'venue_baseline';
