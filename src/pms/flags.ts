import type { CorrelationSpike } from './correlation.ts';
import type { DrawdownReport, PortfolioMetrics } from './portfolio-metrics.ts';
import type { RiskEstimate } from './var.ts';
import type { VolatilityRegime } from './volatility.ts';

/**
 * PMS flags: each flag compares one metric with per-severity thresholds and, when raised, carries
 * the action an escalation matrix assigns to (flag, severity). `evaluateFlags` is pure: metrics and
 * configuration in, raised flags out; the monitor loop acts on them (alert → force_reduce → halt).
 *
 * Convention: a flag is raised at the HIGHEST severity whose threshold the value reaches (value ≥
 * threshold); a severity without a threshold is skipped; a flag without thresholds is off.
 */

export const FLAG_CODES = [
  'pnl_breach',
  'exposure_breach',
  'drawdown_warning',
  'concentration',
  'correlation_spike',
  'volatility_regime_high',
  'var_breach',
] as const;
export type FlagCode = (typeof FLAG_CODES)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Escalating actions, mildest first. */
export const FLAG_ACTIONS = ['alert', 'force_reduce', 'halt'] as const;
export type FlagAction = (typeof FLAG_ACTIONS)[number];

export type EscalationMatrix = Readonly<Record<FlagCode, Readonly<Record<Severity, FlagAction>>>>;
export type EscalationOverrides = Partial<Record<FlagCode, Partial<Record<Severity, FlagAction>>>>;

/** Default escalation: hard P&L, exposure and drawdown limits can halt; model-driven flags at most reduce, the volatility regime only alerts. */
export const DEFAULT_ESCALATION: EscalationMatrix = {
  pnl_breach: { info: 'alert', warning: 'force_reduce', critical: 'halt' },
  exposure_breach: { info: 'alert', warning: 'force_reduce', critical: 'halt' },
  drawdown_warning: { info: 'alert', warning: 'force_reduce', critical: 'halt' },
  concentration: { info: 'alert', warning: 'alert', critical: 'force_reduce' },
  correlation_spike: { info: 'alert', warning: 'alert', critical: 'force_reduce' },
  // A volatility percentile reaches 0.99 by chance in any long enough calm stretch, and L1 already
  // tightens size limits in a high regime: on its own it only alerts.
  volatility_regime_high: { info: 'alert', warning: 'alert', critical: 'alert' },
  var_breach: { info: 'alert', warning: 'alert', critical: 'force_reduce' },
};

/** The default matrix with some cells replaced. */
export function escalationMatrix(overrides: EscalationOverrides = {}): EscalationMatrix {
  const out = {} as Record<FlagCode, Record<Severity, FlagAction>>;
  for (const code of FLAG_CODES) out[code] = { ...DEFAULT_ESCALATION[code], ...overrides[code] };
  return out;
}

/** Thresholds per severity; each defined one must be ≥ the milder defined ones. */
export interface Levels {
  info?: number;
  warning?: number;
  critical?: number;
}

export type DrawdownSpan = 'sinceInception' | 'day' | 'week' | 'month';
export const DRAWDOWN_SPANS: readonly DrawdownSpan[] = ['sinceInception', 'day', 'week', 'month'];

/** Per flag, the thresholds of its metric (fractions: 0.02 = 2%). A missing entry turns the flag off. */
export interface FlagThresholds {
  /** pnl_breach: daily loss as a share of start-of-day NAV (−dailyPnlPct). */
  dailyLoss?: Levels;
  /** exposure_breach: leverage, gross exposure / NAV. */
  leverage?: Levels;
  /** drawdown_warning: drawdown fraction per span. */
  drawdown?: Partial<Record<DrawdownSpan, Levels>>;
  /** concentration: |market value| / NAV of one instrument. */
  concentration?: Levels;
  /** correlation_spike: rise of the average pairwise correlation over its baseline (correlation points). */
  correlationChange?: Levels;
  /** volatility_regime_high: percentile of the current volatility in its history (0..1). */
  volatilityPercentile?: Levels;
  /** var_breach: VaR / NAV. */
  varToNav?: Levels;
}

export const DEFAULT_FLAG_THRESHOLDS: FlagThresholds = {
  dailyLoss: { info: 0.01, warning: 0.02, critical: 0.05 },
  leverage: { warning: 2, critical: 3 },
  drawdown: {
    sinceInception: { info: 0.05, warning: 0.1, critical: 0.2 },
    day: { warning: 0.03, critical: 0.05 },
    week: { warning: 0.05, critical: 0.08 },
    month: { warning: 0.08, critical: 0.12 },
  },
  concentration: { info: 0.25, warning: 0.4, critical: 0.6 },
  correlationChange: { info: 0.1, warning: 0.2, critical: 0.35 },
  volatilityPercentile: { info: 0.8, warning: 0.9, critical: 0.99 },
  varToNav: { warning: 0.05, critical: 0.1 },
};

/** What `evaluateFlags` looks at; every field but `nav` is optional (missing = not evaluated). */
export interface FlagMetrics {
  nav: number;
  /** Daily P&L / start-of-day NAV (negative = loss). */
  dailyPnlPct?: number | null;
  /** Gross / NAV; null means NAV ≤ 0, which breaches every leverage level when there is exposure. */
  leverage?: number | null;
  grossExposure?: number;
  /** Drawdown fractions per span (null = undefined, skipped). */
  drawdown?: Partial<Record<DrawdownSpan, number | null>>;
  concentration?: readonly { symbol: string; shareOfNav: number | null }[];
  correlation?: Pick<CorrelationSpike, 'current' | 'baseline' | 'change'> | null;
  /** One entry per volatility series watched (an instrument or the portfolio). */
  volatility?: readonly { subject: string; percentile: number; current?: number }[];
  /** VaR estimates; each is checked against varToNav, named by `label` (e.g. 'historical 99%'). */
  valueAtRisk?: readonly (Pick<RiskEstimate, 'confidence' | 'valueAtRisk'> & { label?: string })[];
}

export interface RaisedFlag {
  code: FlagCode;
  severity: Severity;
  /** What the flag is about when a flag can be raised several times: a symbol, a span, a VaR. */
  subject: string | null;
  /** The metric's value (Infinity for leverage when NAV ≤ 0). */
  value: number;
  /** The threshold it reached. */
  threshold: number;
  action: FlagAction;
  message: string;
}

/** Builds `FlagMetrics` from the outputs of the other PMS modules. */
export function flagMetrics(input: {
  portfolio: PortfolioMetrics;
  drawdowns?: DrawdownReport;
  correlation?: CorrelationSpike | null;
  volatility?: readonly ({ subject: string } & Pick<VolatilityRegime, 'percentile' | 'current'>)[];
  valueAtRisk?: readonly (RiskEstimate & { method?: string })[];
}): FlagMetrics {
  const { portfolio: p, drawdowns: d } = input;
  const out: FlagMetrics = {
    nav: p.nav,
    dailyPnlPct: p.dailyPnlPct,
    leverage: p.leverage,
    grossExposure: p.grossExposure,
    concentration: p.concentration,
  };
  if (d) out.drawdown = { sinceInception: d.sinceInception.fraction, day: d.day.fraction, week: d.week.fraction, month: d.month.fraction };
  if (input.correlation !== undefined) out.correlation = input.correlation;
  if (input.volatility) out.volatility = input.volatility;
  if (input.valueAtRisk) {
    out.valueAtRisk = input.valueAtRisk.map((v) => ({ ...v, label: `${v.method ? `${v.method} ` : ''}${pct(v.confidence, 0)}` }));
  }
  return out;
}

function pct(x: number, digits = 2): string {
  return `${(x * 100).toFixed(digits)}%`;
}

function checkLevels(levels: Levels, what: string): void {
  let prev: number | undefined;
  for (const s of SEVERITIES) {
    const t = levels[s];
    if (t === undefined) continue;
    if (Number.isNaN(t)) throw new RangeError(`${what}.${s} is not a number`);
    if (prev !== undefined && t < prev) throw new RangeError(`${what}: ${s} threshold ${t} is below a milder severity's ${prev}`);
    prev = t;
  }
}

/** Validates every level set of a threshold configuration (thresholds must not decrease with severity). */
export function checkThresholds(thresholds: FlagThresholds): void {
  const { drawdown, ...flat } = thresholds;
  for (const [k, v] of Object.entries(flat)) if (v) checkLevels(v, k);
  for (const span of DRAWDOWN_SPANS) {
    const l = drawdown?.[span];
    if (l) checkLevels(l, `drawdown.${span}`);
  }
}

/** The highest severity whose threshold `value` reaches, or undefined. */
export function severityOf(value: number, levels: Levels): { severity: Severity; threshold: number } | undefined {
  for (let i = SEVERITIES.length - 1; i >= 0; i--) {
    const s = SEVERITIES[i]!;
    const t = levels[s];
    if (t !== undefined && value >= t) return { severity: s, threshold: t };
  }
  return undefined;
}

const ACTION_RANK: Record<FlagAction, number> = { alert: 0, force_reduce: 1, halt: 2 };
const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Evaluates every configured flag on the metrics and returns the raised ones, the strongest action
 * first (then the highest severity, then FLAG_CODES order). Each (flag, subject) is raised at most once.
 */
export function evaluateFlags(
  metrics: FlagMetrics,
  thresholds: FlagThresholds = DEFAULT_FLAG_THRESHOLDS,
  escalation: EscalationMatrix | EscalationOverrides = DEFAULT_ESCALATION,
): RaisedFlag[] {
  return flagEvaluator(thresholds, escalation)(metrics);
}

/**
 * `evaluateFlags` with the configuration checked and the escalation matrix built once (the PMS
 * evaluates the same configuration every cycle). Throws here what evaluateFlags would throw.
 */
export function flagEvaluator(
  thresholds: FlagThresholds = DEFAULT_FLAG_THRESHOLDS,
  escalation: EscalationMatrix | EscalationOverrides = DEFAULT_ESCALATION,
): (metrics: FlagMetrics) => RaisedFlag[] {
  checkThresholds(thresholds);
  const matrix = escalationMatrix(escalation);
  return (metrics) => raiseFlags(metrics, thresholds, matrix);
}

function raiseFlags(metrics: FlagMetrics, thresholds: FlagThresholds, matrix: EscalationMatrix): RaisedFlag[] {
  const out: RaisedFlag[] = [];
  const raise = (code: FlagCode, subject: string | null, value: number, levels: Levels | undefined, describe: (v: string, t: string) => string, fmt: (x: number) => string): void => {
    if (!levels || Number.isNaN(value)) return;
    const hit = severityOf(value, levels);
    if (!hit) return;
    const action = matrix[code][hit.severity];
    out.push({
      code,
      severity: hit.severity,
      subject,
      value,
      threshold: hit.threshold,
      action,
      message: `${describe(fmt(value), fmt(hit.threshold))} (${hit.severity}: ${action})`,
    });
  };

  const dailyPnlPct = metrics.dailyPnlPct;
  if (dailyPnlPct !== undefined && dailyPnlPct !== null) {
    raise('pnl_breach', null, -dailyPnlPct, thresholds.dailyLoss, (v, t) => `daily loss ${v} of start-of-day NAV reached ${t}`, pct);
  }

  if (metrics.leverage !== undefined) {
    if (metrics.leverage === null) {
      if ((metrics.grossExposure ?? 0) > 0) {
        const nav = metrics.nav.toFixed(2);
        raise('exposure_breach', null, Number.POSITIVE_INFINITY, thresholds.leverage, (_v, t) => `NAV is ${nav} (≤ 0) with open exposure: leverage unbounded, limit ${t}`, (x) => `${x.toFixed(2)}×`);
      }
    } else {
      raise('exposure_breach', null, metrics.leverage, thresholds.leverage, (v, t) => `leverage ${v} (gross / NAV) reached ${t}`, (x) => `${x.toFixed(2)}×`);
    }
  }

  for (const span of DRAWDOWN_SPANS) {
    const dd = metrics.drawdown?.[span];
    if (dd === undefined || dd === null) continue;
    const label = span === 'sinceInception' ? 'from the high-water mark' : `from this ${span}'s peak`;
    raise('drawdown_warning', span, dd, thresholds.drawdown?.[span], (v, t) => `drawdown ${v} ${label} reached ${t}`, pct);
  }

  for (const c of metrics.concentration ?? []) {
    if (c.shareOfNav === null) continue;
    raise('concentration', c.symbol, c.shareOfNav, thresholds.concentration, (v, t) => `${c.symbol} is ${v} of NAV, reached ${t}`, pct);
  }

  const corr = metrics.correlation;
  if (corr) {
    raise(
      'correlation_spike',
      null,
      corr.change,
      thresholds.correlationChange,
      (v, t) => `average pairwise correlation ${corr.current.toFixed(2)} is ${v} above its baseline ${corr.baseline.toFixed(2)}, reached ${t}`,
      (x) => x.toFixed(2),
    );
  }

  for (const v of metrics.volatility ?? []) {
    raise('volatility_regime_high', v.subject, v.percentile, thresholds.volatilityPercentile, (p, t) => `${v.subject} volatility is at the ${p} percentile of its history, reached ${t}`, (x) => pct(x, 0));
  }

  if (metrics.nav > 0) {
    for (const e of metrics.valueAtRisk ?? []) {
      const label = e.label ?? `VaR ${pct(e.confidence, 0)}`;
      raise('var_breach', label, e.valueAtRisk / metrics.nav, thresholds.varToNav, (v, t) => `${label} VaR ${e.valueAtRisk.toFixed(2)} is ${v} of NAV, reached ${t}`, pct);
    }
  }

  const order = (c: FlagCode): number => FLAG_CODES.indexOf(c);
  return out.sort(
    (a, b) =>
      ACTION_RANK[b.action] - ACTION_RANK[a.action] ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      order(a.code) - order(b.code) ||
      (a.subject ?? '').localeCompare(b.subject ?? ''),
  );
}

/** The strongest action among raised flags (halt > force_reduce > alert), or null when none. */
export function strongestAction(flags: readonly RaisedFlag[]): FlagAction | null {
  let best: FlagAction | null = null;
  for (const f of flags) if (best === null || ACTION_RANK[f.action] > ACTION_RANK[best]) best = f.action;
  return best;
}
