import type { Urgency } from '../contract/dto.ts';
import type { BarEngine, BarRunConfig, BarRunResult, Sizing } from './bar-runner.ts';
import { BacktestConfigError } from './bar-runner.ts';
import { barsBetween } from './data/series.ts';
import type { BarSeries } from './data/series.ts';
import type { PeriodReturn } from './metrics/metrics.ts';
import { periodReturns } from './metrics/metrics.ts';
import { strategyDef, targetStrategyDef } from './strategies/index.ts';
import { StrategyParamError } from './strategies/strategy.ts';
import { runTargets, runTargetsAsync } from './strategies/target-runner.ts';
import type { TargetStrategyDef } from './strategies/target.ts';
import type { InstrumentSeries, TargetAttribution, TargetOrderRoute, TargetRunConfig, TargetRunResult } from './strategies/target-runner.ts';
import type { Fidelity, RoundTrip } from './types.ts';

/** `--sizing target`: the strategy's target weights through the rebalancer (several instruments). */
export interface TargetSizing {
  kind: 'target';
}

/**
 * One backtest as data: everything that decides its result (with the data's content hash), so a
 * run can be stored, shown, compared and repeated bit for bit. JSON-safe.
 */
export interface RunSpec {
  strategy: string;
  params: Record<string, number>;
  fidelity: Fidelity;
  cash: string;
  commission: string;
  sizing: Sizing | TargetSizing;
  haircutBps: number;
  spreadBps?: number;
  impactK?: number;
  urgency?: Urgency;
  participationCap?: number;
  /** Inclusive bounds on bar time, epoch ms. */
  fromMs?: number;
  toMs?: number;
  /** Recorded with the run; the bar strategies are deterministic and do not draw from it. */
  seed: number;
  /** One instrument's name; with several (a target run), their names joined by '+'. */
  instrument: string;
  /** A target run's instruments, in the order given (absent: the one `instrument`). */
  instruments?: string[];
  /** L3: the bar length the strategy decides on, built from the tape (ms). */
  barMs?: number;
  /** L3: the venue's median message latency (ms). */
  latencyMs?: number;
  /**
   * L3: the desk's own guards as live money has them (PMS escalation, circuit breakers); see
   * L3Options.deskGuards in src/kernel/backtest-l3.ts. Only written when on, so the specs (and
   * result hashes) of runs kept without it are unchanged.
   */
  deskGuards?: true;
}

/** What only an L3 run has: the venue's view of the orders (src/kernel/backtest-l3.ts). */
export interface L3Stats {
  /** Recorded trades in the run's window of the tape. */
  tapeTrades: number;
  venueFills: number;
  /** Orders the venue filled in more than one fill. */
  partiallyFilledOrders: number;
  /** Orders L1 or the OMS refused. */
  denied: number;
  /** The kernel's own cash at the end, to check against the runner's ledger. */
  kernelCash: number;
  /** Denied orders by reason code (e.g. REDUCING_ONLY); absent in runs kept before it was recorded. */
  deniedBy?: Record<string, number>;
  /** The engine's trading-state changes during the run (a PMS escalation to REDUCING, a breaker's HALT): why later orders were denied. */
  tradingState?: { time: number; mode: string; code: string; message: string }[];
}

export interface TradeOut {
  entryDate: string;
  exitDate: string | null;
  entryPrice: number;
  exitPrice: number | null;
  size: number;
  commission: number;
  pnl: number;
  exitReason: string | null;
}

/** What `backtest run --json` prints and the runs store keeps (without timing). */
export interface BacktestReport {
  spec: RunSpec;
  bars: number;
  firstBar: string | null;
  lastBar: string | null;
  finalValue: number;
  finalCash: number;
  /** Exact decimal text of the two above. */
  finalValueExact: string;
  finalCashExact: string;
  position: Record<string, number>;
  fills: number;
  refused: number;
  trades: TradeOut[];
  metrics: BarRunResult['metrics'];
  periods: { month: PeriodReturn[]; year: PeriodReturn[] };
  /** Only at fidelity l3. */
  l3?: L3Stats;
  /** Only for a target run (--sizing target): per-alpha and per-instrument P&L, and the rule. */
  attribution?: TargetAttribution;
  /** A target run: alpha failures and rebalancer refusals, each once. */
  notes?: string[];
}

const day = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().slice(0, ms % 86_400_000 === 0 ? 10 : 19));

export function sizingArg(text: string): Sizing {
  if (text === 'all-in') return { kind: 'all-in' };
  const m = /^fixed:(\d+(?:\.\d+)?)$/.exec(text);
  if (!m) throw new BacktestConfigError(`sizing must be all-in or fixed:N${text === 'target' ? ' for a bar strategy (target sizing is for strategic, tactical, stat-model and l2)' : ''}, got "${text}"`);
  return { kind: 'fixed', qty: m[1]! };
}

export function configOf(spec: RunSpec): BarRunConfig {
  if (spec.sizing.kind === 'target') throw new BacktestConfigError(`${spec.strategy} with --sizing target runs on the target runner (runTargetSpec), not the bar runner`);
  const costs: BarRunConfig['costs'] = { haircutBps: spec.haircutBps };
  if (spec.spreadBps !== undefined) costs.spreadBps = spec.spreadBps;
  if (spec.impactK !== undefined) costs.impactK = spec.impactK;
  if (spec.urgency !== undefined) costs.urgency = spec.urgency;
  if (spec.participationCap !== undefined) costs.participationCap = spec.participationCap;
  return { instrument: spec.instrument, fidelity: spec.fidelity, cash: spec.cash, commission: spec.commission, sizing: spec.sizing, costs };
}

/** The target runner's config of a spec: its fidelity, cash, commission and costs as the bar runner reads them. */
export function configOfTarget(spec: RunSpec): TargetRunConfig {
  const costs = configOf({ ...spec, sizing: { kind: 'all-in' } }).costs;
  return { fidelity: spec.fidelity, cash: spec.cash, commission: spec.commission, ...(costs ? { costs } : {}) };
}

/** A target spec's instruments cut to its window (at least 2 clock steps). */
function targetWindow(spec: RunSpec, all: readonly InstrumentSeries[]): { def: TargetStrategyDef; series: InstrumentSeries[] } {
  const def = targetStrategyDef(spec.strategy);
  if (!def) throw new StrategyParamError(`${spec.strategy} is not a target strategy (strategic, tactical, stat-model, l2)`);
  if (spec.sizing.kind !== 'target') throw new BacktestConfigError(`${spec.strategy} produces target weights: run it with --sizing target`);
  const series = all.map((s) => ({ name: s.name, bars: barsBetween(s.bars, spec.fromMs, spec.toMs) }));
  const steps = new Set<number>();
  for (const s of series) for (const t of s.bars.time) steps.add(t);
  if (steps.size < 2) throw new BacktestConfigError(`the window has ${steps.size} bar(s); a backtest needs at least 2`);
  return { def, series };
}

const targetReport = (spec: RunSpec, result: TargetRunResult): { result: TargetRunResult; report: BacktestReport } => ({ result, report: { ...reportFromTime(spec, result.time, result), attribution: result.attribution, notes: result.notes } });

/**
 * Runs a target spec (strategic, tactical, stat-model, l2 with --sizing target) on several
 * instruments: each cut to the window, aligned on one clock, the live alphas and rebalancer
 * (src/backtest/strategies/target-runner.ts); `route` sends each order through the kernel. The
 * QP construction methods (min-volatility, max-sharpe) are refused here (QP_ASYNC): runTargetSpecAsync runs them.
 */
export function runTargetSpec(spec: RunSpec, all: readonly InstrumentSeries[], route?: TargetOrderRoute): { result: TargetRunResult; report: BacktestReport } {
  const { def, series } = targetWindow(spec, all);
  return targetReport(spec, runTargets(series, def, spec.params, configOfTarget(spec), route));
}

/**
 * runTargetSpec that awaits the construction where it solves asynchronously (every method; the
 * others run as fast as runTargetSpec). `tradeFromMs`: no decision before it (a walk-forward's warm-up);
 * `onStep`: progress.
 */
export async function runTargetSpecAsync(spec: RunSpec, all: readonly InstrumentSeries[], route?: TargetOrderRoute, opts: Pick<TargetRunConfig, 'tradeFromMs' | 'onStep'> = {}): Promise<{ result: TargetRunResult; report: BacktestReport }> {
  const { def, series } = targetWindow(spec, all);
  return targetReport(spec, await runTargetsAsync(series, def, spec.params, { ...configOfTarget(spec), ...opts }, route));
}

export function tradeOut(t: RoundTrip): TradeOut {
  return { entryDate: day(t.entryTime)!, exitDate: day(t.exitTime), entryPrice: t.entryPrice, exitPrice: t.exitPrice, size: t.size, commission: t.commission, pnl: t.pnl, exitReason: t.exitReason };
}

/**
 * Runs a spec on a bar series: the window, the strategy, the run on `engine` (the hosts pass the
 * kernel's, src/kernel/backtest-bars.ts, whose orders pass L1 and the OMS), the report.
 */
export async function runSpec(spec: RunSpec, all: BarSeries, engine: BarEngine, trials?: { count: number; sharpeVariance: number }): Promise<{ result: BarRunResult; report: BacktestReport }> {
  const bars = barsBetween(all, spec.fromMs, spec.toMs);
  if (bars.time.length < 2) throw new BacktestConfigError(`the window has ${bars.time.length} bar(s); a backtest needs at least 2`);
  const strategy = strategyDef(spec.strategy).create(spec.params);
  const result = await engine(bars, strategy, { ...configOf(spec), ...(trials ? { trials } : {}) });
  return { result, report: reportOf(spec, bars, result) };
}

/** The report of a finished run on `bars` (the run's window), at any fidelity. */
export function reportOf(spec: RunSpec, bars: BarSeries, result: BarRunResult): BacktestReport {
  return reportFromTime(spec, bars.time, result);
}

type Reported = Pick<BarRunResult, 'finalValue' | 'finalCash' | 'position' | 'fills' | 'refused' | 'trades' | 'metrics' | 'equity'>;

/** The report of a run over the clock `time` (one series' bars, or several aligned). */
function reportFromTime(spec: RunSpec, time: Float64Array, result: Reported): BacktestReport {
  const n = time.length;
  const bars = { time };
  return {
    spec,
    bars: n,
    firstBar: day(n > 0 ? bars.time[0]! : null),
    lastBar: day(n > 0 ? bars.time[n - 1]! : null),
    finalValue: Number(result.finalValue),
    finalCash: Number(result.finalCash),
    finalValueExact: result.finalValue,
    finalCashExact: result.finalCash,
    position: Object.fromEntries(Object.entries(result.position).map(([k, v]) => [k, Number(v)])),
    fills: result.fills.length,
    refused: result.refused,
    trades: result.trades.map(tradeOut),
    metrics: result.metrics,
    periods: {
      month: periodReturns(bars.time, result.equity, result.metrics.startEquity, 'month'),
      year: periodReturns(bars.time, result.equity, result.metrics.startEquity, 'year'),
    },
  };
}
