
/**
 * The L1 risk and PMS side of the contract: limits, trading state, breakers, flags, metrics,
 * stress and the ticket's what-if. Amounts are account currency as JSON numbers for display;
 * limit levels also come as the exact decimal text the engine compares with.
 */

export { ORDER_SOURCES, TRADING_MODES } from '../core/enums.ts';
export type { OrderSource as OrderSourceDto, TradingMode as TradingModeDto } from '../core/enums.ts';
import type { OrderSource as OrderSourceDto, Side, TradingMode as TradingModeDto, Urgency } from '../core/enums.ts';

export type RiskVerdict = 'pass' | 'soft_breach' | 'deny';

export interface RiskBreachDto {
  code: string;
  level: 'soft' | 'hard';
  /** The check that found it: order_size, price_band, spread, order_rate, position, exposure, leverage, cash_buffer, loss, trading_state, instrument_block, reference. */
  check: string;
  limit: string | null;
  /** 'global', 'symbol:BTC/USDT', 'group:crypto'; null for state and block breaches. */
  scope: string | null;
  observed: string | null;
  threshold: string | null;
  /** Strictness factor applied to the level (1: none). */
  factor: number;
  message: string;
}

/** L1's answer for one order: pass, soft breach (the operator may confirm) or deny. */
export interface RiskCheckDto {
  verdict: RiskVerdict;
  code: string | null;
  message: string;
  breaches: RiskBreachDto[];
  confirmable: boolean;
  confirmed: boolean;
  /** The order only reduces a position (exempt from exposure and loss checks). */
  reducing: boolean;
  tier: string;
  volRegime: 'normal' | 'high' | 'unknown';
  volRatio: number | null;
  checked: string[];
  /** Checks deferred to the children of a parent. */
  deferred: string[];
}

export interface LimitRowDto {
  name: string;
  label: string;
  unit: 'money' | 'qty' | 'pct' | 'bps' | 'ratio' | 'count' | 'ticks';
  direction: 'max' | 'min';
  check: string;
  scope: string;
  /** Exact decimal text of the levels (what `risk limits set` takes). */
  hard: string;
  soft: string | null;
  /** Current value of what the limit measures, same unit, when it is observable without an order. */
  used: number | null;
  /** used / hard for a max limit (1 = at the hard level), hard / used for a min limit; null when not observable; capped at 999 (a hard level of 0 with something used). */
  usage: number | null;
  description: string;
}

export interface LimitDefDto {
  name: string;
  label: string;
  unit: LimitRowDto['unit'];
  direction: 'max' | 'min';
  scopes: ('global' | 'symbol' | 'group')[];
  description: string;
}

export interface LimitsDto {
  limits: LimitRowDto[];
  groups: Record<string, string[]>;
  /** Every limit that can be set, for editors. */
  catalogue: LimitDefDto[];
}

export interface LimitAuditDto {
  seq: number;
  at: number;
  actor: string;
  source: string;
  reason: string | null;
  /** Limit name, or `group:NAME` for a group change. */
  name: string;
  scope: string;
  before: string | null;
  after: string | null;
}

export interface StateCauseDto {
  source: 'operator' | 'breaker' | 'system' | 'api';
  code: string;
  message: string;
  actor?: string;
}

export interface TradingStateDto {
  mode: TradingModeDto;
  since: number | null;
  cause: StateCauseDto | null;
  /** What a resume must quote; null when ACTIVE. */
  resumeToken: string | null;
  /** The engine's check that every cancel of the last kill switch reached a final state; null before any. */
  killSwitchCheck: KillSwitchCheckDto | null;
}

/**
 * After the kill switch the engine verifies that every order it cancelled is final at the venue,
 * re-sending cancels and asking the venue about what is not, for a few rounds; what is still open
 * after the last round is escalated ('unconfirmed') with its ids.
 */
export interface KillSwitchCheckDto {
  status: 'verifying' | 'confirmed' | 'unconfirmed';
  startedAt: number;
  checkedAt: number;
  rounds: number;
  /** Orders (and algo parents) still open at the last check. */
  pending: string[];
}

/** Something the operator must see now (the order watchdog, the kill-switch check). */
export interface EngineAlertDto {
  code: string;
  severity: 'warn' | 'error';
  message: string;
  orderId: string | null;
  at: number;
}

export interface StateTransitionDto {
  seq: number;
  from: TradingModeDto;
  to: TradingModeDto;
  at: number;
  cause: StateCauseDto;
  killSwitch: boolean;
}

export interface BreakerStatusDto {
  breaker: string;
  enabled: boolean;
  tripped: boolean;
  since: number | null;
  symbols?: { symbol: string; until: number; cause: string }[];
  thresholds: Record<string, number>;
}

export interface BreakerEventDto {
  breaker: string;
  type: 'trip' | 'reset';
  at: number;
  code: string;
  cause: string;
  symbol?: string;
  /** What the trip did: 'HALTED', 'REDUCING', 'block BTC/USDT until …', 'unblock …', 'none'. */
  action: string;
}

export interface TierDto {
  urgency: Urgency;
  name: string;
  deferred: string[];
  factors: Record<string, number>;
  description: string;
}

export interface RiskStatusDto {
  state: TradingStateDto;
  breakers: BreakerStatusDto[];
  blocked: { symbol: string; cause: string }[];
  /** Loss since the day start and drawdowns from the period peaks (% of peak equity). */
  loss: { equity: number; dayStartEquity: number; dayPnl: number; dailyLoss: number; drawdownPct: { daily: number; weekly: number; monthly: number } } | null;
  tiers: TierDto[];
  volatilityScaling: { highRatio: number; minFactor: number; appliesTo: string[] };
  softPolicy: Record<OrderSourceDto, 'confirm' | 'deny' | 'allow'>;
}

export type FlagSeverity = 'info' | 'warning' | 'critical';
export type FlagActionDto = 'alert' | 'force_reduce' | 'halt';

export interface RiskFlagDto {
  code: string;
  severity: FlagSeverity;
  subject: string | null;
  /** The instrument the flag is about, when it is about one (blotter rows show it inline). */
  symbol: string | null;
  value: number;
  threshold: number;
  action: FlagActionDto;
  message: string;
  /** When this flag (code + subject) was first raised without interruption. */
  since: number;
}

export interface VarEstimateDto {
  method: 'historical' | 'parametric';
  confidence: number;
  /** 1-day value at risk and expected shortfall, positive = loss, account currency. */
  var: number;
  es: number;
  varPctNav: number | null;
}

export interface ExposureRowDto {
  symbol: string;
  qty: number;
  marketValue: number;
  shareOfNav: number | null;
  /** EWMA volatility, annualised fraction. */
  ewmaVol: number | null;
  /** Percentile of the current volatility in its rolling history (0..1). */
  volPercentile: number | null;
  regime: 'low' | 'normal' | 'high' | 'unknown';
}

export interface RiskMetricsDto {
  ts: number;
  nav: number;
  cash: number;
  grossExposure: number;
  netExposure: number;
  longExposure: number;
  shortExposure: number;
  leverage: number | null;
  realizedPnl: number;
  unrealizedPnl: number;
  dailyPnl: number | null;
  dailyPnlPct: number | null;
  /** Drawdown fractions from the peak of each span. */
  drawdown: { current: number; max: number; day: number | null; week: number | null; month: number | null };
  exposures: ExposureRowDto[];
  var: VarEstimateDto[];
  /** How the VaR inputs were built (return interval, samples, scaling to one day). */
  varBasis: { interval: string; samples: number; scaling: string };
  correlation: { symbols: string[]; matrix: number[][]; average: number | null; baseline: number | null };
  /** Portfolio-level volatility regime. */
  regime: 'low' | 'normal' | 'high' | 'unknown';
  /** NAV path for the drawdown chart (downsampled). */
  navHistory: { time: number; nav: number; drawdown: number }[];
  /** Time one PMS cycle took, ms. */
  cycleMs: number;
}

export interface StressDto {
  ts: number;
  nav: number;
  /** Worst fall and rise per held instrument over 1 and 5 days of its loaded history, applied to the position now. */
  historical: { symbol: string; position: number; horizonDays: number; worstMove: number; from: number; to: number; pnl: number; source: string }[];
  scenarios: { name: string; pnl: number; pnlPctNav: number | null; instruments: { symbol: string; position: number; shock: number; pnl: number }[] }[];
  reverse: { lossFraction: number; loss: number; uniformMove: number | null; feasible: boolean; instruments: { symbol: string; position: number; move: number | null; feasible: boolean }[] }[];
  /** Instruments without loaded daily history (no historical stress for them). */
  missingHistory: string[];
}

/** Portfolio numbers before and after a hypothetical fill of the whole order. */
export interface ImpactDto {
  positionQty: number;
  positionPctNav: number | null;
  grossExposure: number;
  leverage: number | null;
  /** 1-day 99% VaR (null while no history covers the book); how it was measured is `varBasis`. */
  var99: number | null;
  /**
   * How `var99` was measured, when a caller says so (the approval queue does): the PMS's parametric
   * figure on its one-minute returns scaled to a day, or — while the PMS has fewer returns than it
   * needs — historical VaR on L2's daily closes.
   */
  varBasis?: VarBasisDto;
}

export interface VarBasisDto {
  method: 'parametric' | 'historical';
  /** The returns it was measured on. */
  source: 'pms-1m-returns' | 'daily-closes';
  /** Always a one-day VaR. */
  horizon: '1d';
  /** Return observations used (null: the PMS's own window). */
  observations: number | null;
}

export interface WhatIfDto {
  symbol: string;
  side: Side;
  qty: number;
  check: RiskCheckDto;
  before: ImpactDto;
  after: ImpactDto;
}

/**
 * What L1's limits and loss view measure now (limit usage, loss and drawdown, breakers): pushed as
 * `risk.usage` when it changed, at most every few seconds of engine time, so a risk view never
 * polls risk.status and risk.limits.get for it.
 */
export interface RiskUsageDto {
  /** Engine time of the reading. */
  at: number;
  limits: LimitsDto;
  status: RiskStatusDto;
}
