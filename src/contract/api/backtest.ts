import { z } from 'zod';
import { empty } from './common.ts';

/**
 * Backtests from the UI: the imported series and strategies to pick from, a run (in a worker
 * thread of the host, never on the engine's event loop) with progress events, the kept runs, one
 * run's results (metrics, equity and drawdown, monthly returns, trades), and cancel.
 */

export const BACKTEST_FIDELITIES = ['bar', 'l1', 'l2'] as const;

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
}

export interface BacktestDataDto {
  series: BacktestSeriesDto[];
  strategies: BacktestStrategyDto[];
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
}

export interface BacktestTradeDto {
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
}

export interface BacktestProgressDto {
  jobId: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  /** 0..1 */
  progress: number;
  /** Estimated wall ms left while running, else null. */
  etaMs: number | null;
  runId: number | null;
  error: string | null;
}

const num = (min: number, max: number) => z.number().min(min).max(max);

export const backtestSchemas = {
  'backtest.data': empty,
  'backtest.run': z.strictObject({
    /** Name or hash of an imported series (strata data import FILE). */
    data: z.string().min(1).max(200),
    strategy: z.string().min(1).max(64),
    params: z.record(z.string().max(64), z.number().finite()).default({}),
    fidelity: z.enum(BACKTEST_FIDELITIES).default('bar'),
    cash: z.string().regex(/^\d{1,15}(\.\d{1,8})?$/).default('100000'),
    commission: num(0, 0.5).default(0),
    haircutBps: num(0, 10_000).default(0),
    spreadBps: num(0, 10_000).optional(),
    impactK: num(0, 100).optional(),
    sizing: z.string().regex(/^(all-in|fixed:\d+(\.\d+)?)$/).default('all-in'),
  }),
  'backtest.list': z.strictObject({ limit: z.number().int().min(1).max(1000).default(50) }),
  'backtest.show': z.strictObject({ id: z.number().int().positive() }),
  'backtest.cancel': z.strictObject({ jobId: z.string().min(1).max(64) }),
} as const;

export interface BacktestResults {
  'backtest.data': BacktestDataDto;
  'backtest.run': BacktestProgressDto;
  'backtest.list': BacktestRunSummaryDto[];
  'backtest.show': BacktestRunDto;
  'backtest.cancel': BacktestProgressDto;
}

export interface BacktestEvents {
  'backtest.progress': BacktestProgressDto;
}
