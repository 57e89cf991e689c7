import { z } from 'zod';
import { empty } from './common.ts';
import { URGENCIES } from '../dto.ts';

/**
 * Backtests from the UI: the imported series and strategies to pick from, a run (in a worker
 * thread of the host, never on the engine's event loop) with progress events, the kept runs, one
 * run's results (metrics, equity and drawdown, monthly returns, trades on the price chart), the
 * same run at each fidelity level side by side, parameter sweeps (progress, cancel, the table),
 * and cancel.
 */

export const BACKTEST_FIDELITIES = ['bar', 'l1', 'l2'] as const;

/**
 * What backtest.run takes: the bar-level fidelities, and L3 (the engine on the simulated venue
 * driven by a recorded trade tape), which runs only on an imported trade tape. A sweep stays on the
 * bar levels (BACKTEST_FIDELITIES).
 */
export const BACKTEST_RUN_FIDELITIES = ['bar', 'l1', 'l2', 'l3'] as const;

/** The venue's view of an L3 run's orders (what only fidelity l3 has). */
export interface BacktestL3StatsDto {
  /** Recorded trades in the run's window of the tape. */
  tapeTrades: number;
  venueFills: number;
  /** Orders the venue filled in more than one fill. */
  partiallyFilledOrders: number;
  /** Orders L1 or the OMS refused. */
  denied: number;
  /** The kernel's own cash at the end (it agrees with the run's ledger). */
  kernelCash: number;
  /** Denied orders by reason code (e.g. REDUCING_ONLY); absent in runs kept before it was recorded. */
  deniedBy?: Record<string, number>;
  /** The engine's trading-state changes during the run (a PMS escalation to REDUCING, a breaker's HALT): why later orders were denied. */
  tradingState?: { time: number; mode: string; code: string; message: string }[];
}

export interface BacktestSeriesDto {
  name: string;
  hash: string;
  kind: 'bars' | 'trades';
  rows: number;
  firstMs: number | null;
  lastMs: number | null;
}

export interface BacktestStrategyDto {
  name: string;
  description: string;
  defaults: Record<string, number>;
  /**
   * A target strategy (strategic, tactical, stat-model, l2): the live rebalancer sizes its orders
   * (the run's sizing does not apply), backtest.run takes it, backtest.fidelities and backtest.sweep
   * refuse it (the CLI's strata backtest fidelities runs its levels). Absent for a bar strategy.
   */
  target?: true;
}

export interface BacktestDataDto {
  series: BacktestSeriesDto[];
  strategies: BacktestStrategyDto[];
  /** The demo trade tape this host ships (binance_XRPETH_trades_20191011-13.csv), to import with backtest.import; absent when it has none. */
  demoTape?: string;
}

/** An imported file: the series as kept (by content hash: the same file again is not stored twice). */
export interface BacktestImportDto {
  series: BacktestSeriesDto;
  /** False when the same content was already stored under that name. */
  created: boolean;
}

export interface BacktestRunSummaryDto {
  id: number;
  createdAt: number;
  strategy: string;
  params: Record<string, number>;
  fidelity: string;
  dataName: string;
  finalValue: number;
  totalReturn: number;
  sharpe: number | null;
  maxDrawdown: number;
  /** The engine version and build (a hash of its source) that made the run; build null for a run kept before builds were recorded. */
  engineVersion: string;
  engineBuild: string | null;
}

export interface BacktestTradeDto {
  /** Bar times of the entry and exit, epoch ms (the chart's trade markers). */
  entryTime: number;
  exitTime: number | null;
  entryDate: string;
  exitDate: string | null;
  entryPrice: number;
  exitPrice: number | null;
  size: number;
  commission: number;
  pnl: number;
}

export interface BacktestRunDto {
  summary: BacktestRunSummaryDto;
  /** Metric, value (formatted), and the fidelity and fill assumption that produced it. */
  metrics: { name: string; value: string | null; fidelity: string; fills: string }[];
  /** Equity at each bar close, and its drawdown from the running peak (≤ 0). */
  equity: { time: number; value: number; drawdown: number }[];
  monthly: { period: string; return: number }[];
  trades: BacktestTradeDto[];
  finalValue: number;
  fills: number;
  bars: number;
  costs: string;
  /** Costs paid, in cash: fees, spread (or L1 haircut) and impact. */
  costSplit: BacktestCostsDto;
  /** The run's bars (its window of the series), for the price chart; null if the series is no longer stored. */
  prices: { time: number; open: number; high: number; low: number; close: number }[] | null;
  /** Fidelity l3: the venue's fills, partial fills and denials; absent at the other levels. */
  l3?: BacktestL3StatsDto;
  /** A target strategy's run (strategic, tactical, stat-model, l2): P&L per alpha and per instrument, and the rule that splits it. */
  attribution?: BacktestAlphaAttributionDto;
  /** What the run assumed besides its fidelity, from its kept spec (the run view and the comparison list them). */
  assumptions: BacktestAssumptionsDto;
}

/**
 * A kept run's assumptions as its spec recorded them. deskGuards is null below L3 (the bar levels
 * have no desk guards to switch on); the tape-only fields are null on a bar series.
 */
export interface BacktestAssumptionsDto {
  /** Starting cash, decimal text, in `currency` (a tape's quote currency; null on a bar series, whose files name none). */
  cash: string;
  currency: string | null;
  /** Fraction of traded value. */
  commission: string;
  sizing: string;
  haircutBps: number;
  spreadBps: number | null;
  impactK: number | null;
  seed: number;
  deskGuards: boolean | null;
  instrument: string;
  urgency: string | null;
  barMs: number | null;
  latencyMs: number | null;
  fromMs: number | null;
  toMs: number | null;
}

export interface BacktestAlphaAttributionDto {
  rule: string;
  alphas: { alpha: string; pnl: number; returnContribution: number }[];
  instruments: { instrument: string; pnl: number; fees: number; fills: number; finalWeight: number }[];
}

export interface BacktestCostsDto {
  fees: number;
  spread: number;
  impact: number;
  total: number;
}

/** Fidelity levels a comparison shows: the textbook bar mode, then L1, L2 and L3. */
export type BacktestLevel = 'bar' | 'l1' | 'l2' | 'l3';

/**
 * Why a level of a comparison did not run: NO_TAPE (L3 drives the simulated venue from a recorded
 * trade tape, and the data is a bar series: L3 is never faked on bars), NO_VOLUME (L2 sizes impact
 * by bar volume), RUN_FAILED (the run itself failed; the text says how).
 */
export type FidelityNotRun = 'NO_TAPE' | 'NO_VOLUME' | 'RUN_FAILED';

/** One level of a fidelity comparison, or why it could not run on this data. */
export interface BacktestFidelityDto {
  fidelity: BacktestLevel;
  available: boolean;
  /** The typed reason the level did not run, else null. */
  reasonCode: FidelityNotRun | null;
  /** Why the level did not run (e.g. L3 needs a recorded trade tape), else null. */
  reason: string | null;
  /** How fills were assumed to happen, and the cost model, as the run's metrics label them. */
  fillAssumption: string;
  costModel: string;
  finalValue: number | null;
  totalReturn: number | null;
  sharpe: number | null;
  maxDrawdown: number | null;
  costs: BacktestCostsDto | null;
  fills: number | null;
  trades: number | null;
  /** Equity at each bar close (empty when not available). */
  equity: { time: number; value: number }[];
  /** L3 that ran: the venue's fills, partial fills and denials; absent at the other levels. */
  venue?: BacktestL3StatsDto;
}

/**
 * From one level to the next: the change in final value and how much of it each assumption
 * explains. fees + spread + impact are the differences in costs paid (negative when the next level
 * pays more); `rest` is what the fill price and timing explain (reference close vs next open,
 * participation caps, the different sizes those lead to). They sum to `change`.
 */
export interface BacktestAttributionDto {
  from: BacktestLevel;
  to: BacktestLevel;
  change: number;
  fees: number;
  spread: number;
  impact: number;
  rest: number;
}

export interface BacktestFidelitiesDto {
  levels: BacktestFidelityDto[];
  attribution: BacktestAttributionDto[];
}

export interface BacktestSweepRowDto {
  index: number;
  params: Record<string, number>;
  finalValue: number | null;
  totalReturn: number | null;
  sharpe: number | null;
  maxDrawdown: number | null;
  trades: number;
  winRate: number | null;
  /** A point that could not run (e.g. fast ≥ slow), with its reason. */
  error: string | null;
}

export interface BacktestSweepDto {
  jobId: string;
  status: 'done' | 'cancelled' | 'failed';
  /** The swept parameters, in the order given (the heatmap's axes are the first two). */
  keys: string[];
  points: number;
  rows: BacktestSweepRowDto[];
  best: BacktestSweepRowDto | null;
  deflatedSharpe: number | null;
  probabilisticSharpe: number | null;
  workers: number;
  seconds: number;
  fidelity: string;
  /** Why a failed sweep failed (e.g. INTERRUPTED: its host stopped before it finished), else null. */
  error: string | null;
}

export interface BacktestProgressDto {
  jobId: string;
  /** A single run (its result is a kept run, runId) or a sweep (backtest.sweepResult). */
  kind: 'run' | 'sweep';
  /** Points finished and in all (a run counts as one). */
  done: number;
  total: number;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  /** 0..1 */
  progress: number;
  /** Estimated wall ms left while running, else null. */
  etaMs: number | null;
  runId: number | null;
  /** Why it failed, `CODE: message`; null otherwise. */
  error: string | null;
  /** Wall ms from start to the end (done, failed or cancelled); absent while running. */
  elapsedMs?: number;
}

const num = (min: number, max: number) => z.number().min(min).max(max);

/** What decides a run besides its fidelity: the data, the strategy and its parameters, the costs. */
const settings = {
  /**
   * Name or hash of an imported series (strata data import FILE); a target strategy (strategic,
   * tactical, stat-model, l2) takes a list of them, several instruments on one clock.
   */
  data: z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(32)]),
  strategy: z.string().min(1).max(64),
  params: z.record(z.string().max(64), z.number().finite()).default({}),
  cash: z.string().regex(/^\d{1,15}(\.\d{1,8})?$/).default('100000'),
  commission: num(0, 0.5).default(0),
  haircutBps: num(0, 10_000).default(0),
  spreadBps: num(0, 10_000).optional(),
  impactK: num(0, 100).optional(),
  sizing: z.string().regex(/^(all-in|fixed:\d+(\.\d+)?)$/).default('all-in'),
  /**
   * On a trade tape: the bar length the strategy decides on (bars are built from the tape), ms
   * (default one minute); the tape's instrument, BASE/QUOTE (default: from its name, e.g.
   * binance_XRPETH_… → XRP/ETH). L3 also takes the orders' urgency (routing picks the algorithm;
   * default immediate, and L2 prices impact at the same urgency) and the venue's median latency, ms
   * (default 4). On a bar series they are refused where they would be ignored.
   */
  /** The window, inclusive, epoch ms: bar times on a bar series, trade times on a tape (default all of it). */
  fromMs: z.number().int().min(0).optional(),
  toMs: z.number().int().min(0).optional(),
  barMs: z.number().int().min(1_000).max(86_400_000).optional(),
  symbol: z.string().regex(/^[A-Z0-9]{1,12}\/[A-Z0-9]{1,12}$/).optional(),
  urgency: z.enum(URGENCIES).optional(),
  latencyMs: num(0, 60_000).optional(),
  /**
   * L3: the desk's own guards as live money has them (the PMS escalating a daily loss to REDUCING,
   * the circuit breakers); off by default, as at the bar levels. Kept in the run's spec. Refused on
   * a bar-level run, where it would be ignored.
   */
  deskGuards: z.boolean().optional(),
};

/** The most points one sweep may have: a 100 × 100 grid. */
export const MAX_SWEEP_POINTS = 10_000;

export const backtestSchemas = {
  'backtest.data': empty,
  /**
   * Imports a data file on the host (a candle CSV or a trade tape, format detected) into the data
   * directory's series.db, as `strata data import FILE` does; a bad file is refused BAD_FILE with
   * its file, line and reason. `name` defaults to the file's name.
   */
  'backtest.import': z.strictObject({ path: z.string().min(1).max(4096), name: z.string().min(1).max(200).optional() }),
  'backtest.run': z.strictObject({ ...settings, fidelity: z.enum(BACKTEST_RUN_FIDELITIES).default('bar') }),
  /** The same run at every fidelity level the data allows, side by side (L3 on a trade tape). */
  'backtest.fidelities': z.strictObject(settings),
  /** A grid of parameters (every combination, or `random` points of it), on the host's worker pool. */
  'backtest.sweep': z.strictObject({
    ...settings,
    fidelity: z.enum(BACKTEST_FIDELITIES).default('bar'),
    grid: z
      .record(z.string().min(1).max(64), z.array(z.number().finite()).min(1).max(1000))
      .refine((g) => Object.keys(g).length >= 1 && Object.keys(g).length <= 4, 'give 1 to 4 parameters to sweep'),
    random: z.number().int().min(1).max(MAX_SWEEP_POINTS).optional(),
    workers: z.number().int().min(1).max(64).optional(),
  }),
  /** A sweep by its job id (SW<n>, n its id in backtests.db): kept, so readable after a restart. */
  'backtest.sweepResult': z.strictObject({ jobId: z.string().min(1).max(64) }),
  'backtest.list': z.strictObject({ limit: z.number().int().min(1).max(1000).default(50) }),
  'backtest.show': z.strictObject({ id: z.number().int().positive() }),
  'backtest.cancel': z.strictObject({ jobId: z.string().min(1).max(64) }),
} as const;

export interface BacktestResults {
  'backtest.data': BacktestDataDto;
  'backtest.import': BacktestImportDto;
  'backtest.run': BacktestProgressDto;
  'backtest.fidelities': BacktestFidelitiesDto;
  'backtest.sweep': BacktestProgressDto;
  'backtest.sweepResult': BacktestSweepDto;
  'backtest.list': BacktestRunSummaryDto[];
  'backtest.show': BacktestRunDto;
  'backtest.cancel': BacktestProgressDto;
}

export interface BacktestEvents {
  'backtest.progress': BacktestProgressDto;
}
