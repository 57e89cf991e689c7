import { DEFAULT_ESCALATION, DEFAULT_FLAG_THRESHOLDS, checkThresholds } from './flags.ts';
import type { EscalationMatrix, EscalationOverrides, FlagThresholds } from './flags.ts';

/** The PMS monitor's configuration: windows, confidence levels, thresholds, escalation, scenarios. */

/** A hypothetical shock: `all` for every held instrument, `groups` by `PmsConfig.groups`, `shocks` by symbol (the most specific wins). */
export interface ScenarioSpec {
  name: string;
  all?: number;
  groups?: Readonly<Record<string, number>>;
  shocks?: Readonly<Record<string, number>>;
}

export interface PmsConfig {
  thresholds: FlagThresholds;
  escalation: EscalationMatrix | EscalationOverrides;
  /** Length of one return interval, ms (default 60,000: one-minute returns). */
  returnIntervalMs: number;
  /** Returns kept per instrument, the window of VaR, volatility and correlation (default 1,440: a day of minutes). */
  maxReturns: number;
  /** Aligned returns needed before VaR is reported (default 30). */
  minReturnsForVar: number;
  /** Return intervals in one day, T of the √T scaling to 1-day VaR (default 86,400,000 / returnIntervalMs: trading around the clock). */
  periodsPerDay: number;
  /** Days per year for annualised volatility (default 365: crypto trades every day). */
  daysPerYear: number;
  /** VaR confidence levels (default 0.95, 0.99). */
  confidenceLevels: readonly number[];
  /** The level whose VaR is checked against the var_breach thresholds (default 0.99). */
  varFlagConfidence: number;
  /** EWMA decay of the per-instrument volatility (default 0.94, RiskMetrics). */
  ewmaLambda: number;
  /** Returns in one rolling volatility of the regime (default 30). */
  volRegimeWindow: number;
  /** Earlier rolling volatilities the current one is ranked against (default 240). */
  volRegimeLookback: number;
  /** Rows of the current correlation window (default 60). */
  correlationWindow: number;
  /** Rows before the current window whose correlation is the baseline (default maxReturns − correlationWindow). */
  correlationBaselineRows: number;
  /** NAV history resolution: per bucket of this length the first/highest/lowest/last NAV are kept (default 60,000). */
  navSampleMs: number;
  /** NAV history points kept (default 150,000: over a month of minutes, for the monthly drawdown). */
  navHistoryCap: number;
  /** Points of the NAV chart in the metrics (default 300). */
  navChartPoints: number;
  /** Trading-day boundary offset from UTC midnight, ms (daily P&L, day/week/month drawdowns). */
  dayOffsetMs: number;
  /** Symbol → group ('crypto', 'equity'), for group scenarios. */
  groups: Readonly<Record<string, string>>;
  /** Hypothetical scenarios of every stress report. */
  scenarios: readonly ScenarioSpec[];
  /** Reverse stress targets, fractions of NAV (default 0.05, 0.1, 0.2). */
  lossFractions: readonly number[];
  /** Horizons of the historical stress, in days of loaded daily history (default 1 and 5). */
  stressHorizonsDays: readonly number[];
}

export const DEFAULT_SCENARIOS: readonly ScenarioSpec[] = [
  { name: 'all −10%', all: -0.1 },
  { name: 'crypto −30%', groups: { crypto: -0.3 } },
  { name: 'equity −20%', groups: { equity: -0.2 } },
];

export function resolvePmsConfig(over: Partial<PmsConfig> = {}): PmsConfig {
  const returnIntervalMs = over.returnIntervalMs ?? 60_000;
  const maxReturns = over.maxReturns ?? 1440;
  const correlationWindow = over.correlationWindow ?? 60;
  const cfg: PmsConfig = {
    thresholds: over.thresholds ?? DEFAULT_FLAG_THRESHOLDS,
    escalation: over.escalation ?? DEFAULT_ESCALATION,
    returnIntervalMs,
    maxReturns,
    minReturnsForVar: over.minReturnsForVar ?? 30,
    periodsPerDay: over.periodsPerDay ?? 86_400_000 / returnIntervalMs,
    daysPerYear: over.daysPerYear ?? 365,
    confidenceLevels: over.confidenceLevels ?? [0.95, 0.99],
    varFlagConfidence: over.varFlagConfidence ?? 0.99,
    ewmaLambda: over.ewmaLambda ?? 0.94,
    volRegimeWindow: over.volRegimeWindow ?? 30,
    volRegimeLookback: over.volRegimeLookback ?? 240,
    correlationWindow,
    correlationBaselineRows: over.correlationBaselineRows ?? Math.max(correlationWindow, maxReturns - correlationWindow),
    navSampleMs: over.navSampleMs ?? 60_000,
    navHistoryCap: over.navHistoryCap ?? 150_000,
    navChartPoints: over.navChartPoints ?? 300,
    dayOffsetMs: over.dayOffsetMs ?? 0,
    groups: over.groups ?? {},
    scenarios: over.scenarios ?? DEFAULT_SCENARIOS,
    lossFractions: over.lossFractions ?? [0.05, 0.1, 0.2],
    stressHorizonsDays: over.stressHorizonsDays ?? [1, 5],
  };
  const problems = validatePmsConfig(cfg);
  if (problems.length > 0) throw new RangeError(`invalid PMS config: ${problems.join('; ')}`);
  return cfg;
}

/** Problems in a configuration; empty when valid. */
export function validatePmsConfig(c: PmsConfig): string[] {
  const out: string[] = [];
  const int = (v: number, min: number, name: string): void => {
    if (!Number.isInteger(v) || v < min) out.push(`${name} must be an integer ≥ ${min}, got ${v}`);
  };
  int(c.returnIntervalMs, 1, 'returnIntervalMs');
  int(c.maxReturns, 2, 'maxReturns');
  int(c.minReturnsForVar, 2, 'minReturnsForVar');
  int(c.volRegimeWindow, 2, 'volRegimeWindow');
  int(c.volRegimeLookback, 1, 'volRegimeLookback');
  int(c.correlationWindow, 3, 'correlationWindow');
  int(c.correlationBaselineRows, 3, 'correlationBaselineRows');
  int(c.navSampleMs, 1, 'navSampleMs');
  int(c.navHistoryCap, 10, 'navHistoryCap');
  int(c.navChartPoints, 2, 'navChartPoints');
  if (!(c.periodsPerDay > 0 && Number.isFinite(c.periodsPerDay))) out.push(`periodsPerDay must be > 0, got ${c.periodsPerDay}`);
  if (!(c.daysPerYear > 0 && Number.isFinite(c.daysPerYear))) out.push(`daysPerYear must be > 0, got ${c.daysPerYear}`);
  if (!(c.ewmaLambda > 0 && c.ewmaLambda < 1)) out.push(`ewmaLambda must be in (0, 1), got ${c.ewmaLambda}`);
  if (!Number.isFinite(c.dayOffsetMs)) out.push('dayOffsetMs must be finite');
  for (const a of [...c.confidenceLevels, c.varFlagConfidence]) if (!(a > 0 && a < 1)) out.push(`confidence levels must be in (0, 1), got ${a}`);
  for (const f of c.lossFractions) if (!(f > 0 && Number.isFinite(f))) out.push(`loss fractions must be > 0, got ${f}`);
  for (const h of c.stressHorizonsDays) int(h, 1, 'stress horizon');
  // The defaults are checked once, when this module loads (below): every kernel builds a PMS monitor,
  // a backtest's too although its PMS is off, and re-checking the same table each time was ~0.2% of a daily-bar run.
  if (c.thresholds !== DEFAULT_FLAG_THRESHOLDS) {
    try {
      checkThresholds(c.thresholds);
    } catch (e) {
      out.push(e instanceof Error ? e.message : String(e));
    }
  }
  return out;
}

// Fails the process at load, not a session at start, should the defaults ever be edited into an invalid table.
checkThresholds(DEFAULT_FLAG_THRESHOLDS);
