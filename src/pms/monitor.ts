import type { ExposureRowDto, ImpactDto, RiskFlagDto, RiskMetricsDto, StressDto } from '../contract/risk-dto.ts';
import { averagePairwiseCorrelation, covarianceToCorrelation } from './correlation.ts';
import type { Matrix } from './correlation.ts';
import { DEFAULT_ESCALATION, DEFAULT_FLAG_THRESHOLDS, checkThresholds, evaluateFlags, flagMetrics } from './flags.ts';
import type { EscalationMatrix, EscalationOverrides, FlagThresholds, RaisedFlag } from './flags.ts';
import { drawdownReport, portfolioMetrics, startOfDayNav } from './portfolio-metrics.ts';
import type { DrawdownReport } from './portfolio-metrics.ts';
import type { Observation, Panel } from './returns.ts';
import { applyScenario, historicalStress, reverseStress } from './stress.ts';
import type { ShockScenario } from './stress.ts';
import { historicalFromLosses, parametricVaR, scenarioPnl } from './var.ts';
import type { Positions, RiskEstimate } from './var.ts';
import { DEFAULT_EWMA_SEED, annualiseVolatility, ewmaVolatility, hasRegimeHistory, volatilityRegime } from './volatility.ts';
import type { VolatilityRegime } from './volatility.ts';

/**
 * The PMS monitor: the analytics of src/pms assembled into one cycle the engine runs on its own
 * interval, outside the order path. It keeps the state the pure functions need (sampled marks,
 * its own NAV history, loaded daily history, when each flag was first raised) and turns one
 * portfolio snapshot into the contract's metrics and flags.
 *
 * No clock and no I/O: every call says what time it is, so replays and tests drive it exactly.
 * Bad data never throws: a mark that is not a finite number > 0 is skipped, a non-finite amount
 * counts as 0, an analytic that cannot be computed (too few returns, NAV ≤ 0) comes back null or
 * empty, and what went wrong is kept in `diagnostics()`.
 *
 * How returns are built: marks are sampled into buckets of `returnIntervalMs` (the last mark of a
 * bucket is its price); a bucket counts once a later one has started. Returns are simple returns
 * between CONSECUTIVE buckets only, so a gap (engine stopped, no quote) drops the return across it
 * rather than passing a long move off as one interval. Several instruments are aligned on the
 * buckets they all have, so each row is the same interval for every instrument.
 *
 * VaR and ES are 1-day figures SCALED FROM INTRADAY RETURNS by √T, T = `periodsPerDay` (1,440
 * one-minute periods: crypto trades 24 hours). The square-root-of-time rule assumes i.i.d. returns;
 * it is exact for the normal parametric figures and an approximation for the historical ones
 * (the empirical quantile of one-minute losses × √1440).
 */

/** A hypothetical shock: `all` for every held instrument, `groups` by `PmsConfig.groups`, `shocks` by symbol (the most specific wins). */
/** Rows below which no correlation is shown at all (a matrix of a handful of returns is noise). */
const MIN_CORRELATION_ROWS = 20;

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
  try {
    checkThresholds(c.thresholds);
  } catch (e) {
    out.push(e instanceof Error ? e.message : String(e));
  }
  return out;
}

/** What a cycle needs of a position; `PositionDto` fits. `marketValue` is signed (short < 0). */
export interface PmsPosition {
  symbol: string;
  qty: number;
  marketValue: number;
  realizedPnl: number;
  unrealizedPnl: number;
}

/** One portfolio snapshot in account currency; `AccountDto` + `PositionDto[]` fit. */
export interface PmsPortfolio {
  cash: number;
  positions: readonly PmsPosition[];
  realizedPnl: number;
  unrealizedPnl: number;
}

export interface CycleResult {
  metrics: RiskMetricsDto;
  flags: RiskFlagDto[];
  /** The flag set (code, subject, severity) differs from the previous cycle's. */
  changed: boolean;
}

export interface StressOptions {
  lossFractions?: readonly number[];
  /** Extra scenarios, run after the configured ones. */
  scenarios?: readonly ScenarioSpec[];
}

/** The volatility subject of the portfolio's own P&L series in flags. */
export const PORTFOLIO_SUBJECT = 'portfolio';

interface Track {
  /** Bucket index (time / returnIntervalMs) of each sample, strictly increasing, and its price. */
  buckets: number[];
  prices: number[];
}

interface PanelEntry {
  key: string;
  panel: Panel;
  cov?: Matrix;
  corr?: { matrix: Matrix; current: number; baseline: number | null } | null;
}

interface SymbolStats {
  version: number;
  /** Annualised EWMA volatility; null with fewer than the EWMA seed's returns. */
  ewmaVol: number | null;
  regime: VolatilityRegime | null;
}

interface NavBucket {
  bucket: number;
  first: Observation;
  max: Observation;
  min: Observation;
  last: Observation;
}

interface Held {
  /** Signed market value per held instrument (non-zero), account currency. */
  values: Record<string, number>;
  qty: Record<string, number>;
  cash: number;
  /** Symbols held, sorted (the cache key order). */
  symbols: string[];
}

const PANEL_CACHE = 6;

function finiteOr0(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

function intervalLabel(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export class PmsMonitor {
  readonly config: PmsConfig;
  private readonly tracks = new Map<string, Track>();
  private readonly daily = new Map<string, { series: Observation[]; source: string }>();
  /** Bucket of the latest time seen: samples of earlier buckets are final. */
  private clockBucket = Number.NEGATIVE_INFINITY;
  private latest = Number.NEGATIVE_INFINITY;
  /** Bumped whenever a final sample appears or changes: the key of every cache below. */
  private version = 0;
  private readonly panels: PanelEntry[] = [];
  private readonly stats = new Map<string, SymbolStats>();
  private readonly nav: Observation[] = [];
  private navBucket: NavBucket | null = null;
  private navTail = 0;
  private readonly since = new Map<string, number>();
  private lastFlagKeys = '';
  private lastFlags: RiskFlagDto[] = [];
  private problems: string[] = [];

  constructor(config: Partial<PmsConfig> = {}) {
    this.config = resolvePmsConfig(config);
  }

  // ---- inputs -----------------------------------------------------------------------------------

  /** Samples marks (symbol → price); anything but a finite price > 0 is skipped. */
  observePrices(now: number, prices: Readonly<Record<string, number>>): void {
    if (!Number.isFinite(now)) return;
    this.advance(now);
    const bucket = this.bucketOf(now);
    for (const [symbol, price] of Object.entries(prices)) {
      if (!(Number.isFinite(price) && price > 0)) continue;
      let t = this.tracks.get(symbol);
      if (!t) {
        t = { buckets: [], prices: [] };
        this.tracks.set(symbol, t);
      }
      const n = t.buckets.length;
      const lastBucket = n > 0 ? t.buckets[n - 1]! : Number.NEGATIVE_INFINITY;
      if (bucket === lastBucket) t.prices[n - 1] = price;
      else if (bucket > lastBucket) {
        t.buckets.push(bucket);
        t.prices.push(price);
        // The previous sample of this symbol may have been the open one of an earlier bucket.
        this.version++;
        this.trim(t);
      }
      // A mark older than the symbol's last sample is stale: ignored.
    }
  }

  /**
   * Loads earlier marks (e.g. one-minute candle closes at start), `time` inside the bucket it
   * prices (a bar's open time). Samples already held win over seeded ones for the same bucket.
   */
  seedPrices(symbol: string, series: readonly { time: number; price: number }[]): void {
    const merged = new Map<number, number>();
    for (const o of series) {
      if (!Number.isFinite(o.time) || !(Number.isFinite(o.price) && o.price > 0)) continue;
      merged.set(this.bucketOf(o.time), o.price); // the later of two in one bucket wins (input order)
    }
    const t = this.tracks.get(symbol);
    if (t) t.buckets.forEach((b, i) => merged.set(b, t.prices[i]!));
    const buckets = [...merged.keys()].sort((a, b) => a - b);
    const track: Track = { buckets, prices: buckets.map((b) => merged.get(b)!) };
    this.trim(track);
    this.tracks.set(symbol, track);
    this.version++;
  }

  /** Loads daily closes (any order; bad rows skipped) for the historical stress, with where they came from. */
  setDailyHistory(symbol: string, series: readonly { time: number; close: number }[], source: string): void {
    const byTime = new Map<number, number>();
    for (const o of series) if (Number.isFinite(o.time) && Number.isFinite(o.close) && o.close > 0) byTime.set(o.time, o.close);
    const obs = [...byTime.entries()].sort(([a], [b]) => a - b).map(([time, value]) => ({ time, value }));
    this.daily.set(symbol, { series: obs, source });
  }

  /** Loads an earlier NAV path (e.g. the day's start equity after a restart); points at or after the first held one are ignored. */
  seedNavHistory(points: readonly { time: number; nav: number }[]): void {
    const first = this.nav[0]?.time ?? Number.POSITIVE_INFINITY;
    const earlier = points
      .filter((p) => Number.isFinite(p.time) && Number.isFinite(p.nav) && p.time < first)
      .sort((a, b) => a.time - b.time)
      .filter((p, i, a) => i === 0 || p.time > a[i - 1]!.time)
      .map((p) => ({ time: p.time, value: p.nav }));
    this.nav.unshift(...earlier);
    this.trimNav();
  }

  /** What could not be computed in the last call, for the engine's log. */
  diagnostics(): readonly string[] {
    return this.problems;
  }

  /** The flags of the last cycle. */
  flags(): RiskFlagDto[] {
    return this.lastFlags;
  }

  // ---- the cycle --------------------------------------------------------------------------------

  /**
   * One monitoring cycle on a portfolio snapshot at `now`. `metrics.cycleMs` is 0: the monitor has
   * no clock, so the caller times the call and fills it in.
   */
  cycle(now: number, portfolio: PmsPortfolio): CycleResult {
    this.problems = [];
    if (Number.isFinite(now)) this.advance(now);
    const ts = this.timeOf(now);
    const held = this.heldOf(portfolio);

    const navNow = held.cash + Object.values(held.values).reduce((s, v) => s + v, 0);
    this.recordNav(ts, navNow);
    const sod = this.attempt('start-of-day NAV', () => startOfDayNav(this.nav, ts, this.config.dayOffsetMs), null);
    const pm = portfolioMetrics({
      cash: held.cash,
      positions: Object.entries(held.values).map(([symbol, marketValue]) => ({ symbol, marketValue })),
      startOfDayNav: sod ?? undefined,
    });
    const dd = this.nav.length > 0 ? this.attempt('drawdown', () => drawdownReport(this.nav, this.config.dayOffsetMs), null) : null;
    const nav = pm.nav;
    const positive = nav > 0;

    // Per-instrument volatility.
    const exposures: ExposureRowDto[] = [];
    const volFlags: { subject: string; percentile: number; current: number }[] = [];
    const rows = (portfolio.positions ?? [])
      .filter((p) => typeof p.symbol === 'string' && ((held.values[p.symbol] ?? 0) !== 0 || finiteOr0(p.qty) !== 0))
      .map((p) => p.symbol);
    const seen = new Set<string>();
    for (const symbol of rows) {
      if (seen.has(symbol)) continue;
      seen.add(symbol);
      const s = this.symbolStats(symbol);
      const mv = held.values[symbol] ?? 0;
      exposures.push({
        symbol,
        qty: held.qty[symbol] ?? 0,
        marketValue: mv,
        shareOfNav: positive ? Math.abs(mv) / nav : null,
        ewmaVol: s.ewmaVol,
        volPercentile: s.regime?.percentile ?? null,
        regime: s.regime?.label ?? 'unknown',
      });
      if (s.regime && mv !== 0) volFlags.push({ subject: symbol, percentile: s.regime.percentile, current: s.regime.current });
    }
    exposures.sort((a, b) => Math.abs(b.marketValue) - Math.abs(a.marketValue) || (a.symbol < b.symbol ? -1 : 1));

    // VaR / ES of the held book, and the regime of its P&L.
    const risk = this.portfolioRisk(held, nav);
    if (risk.regime) volFlags.push({ subject: PORTFOLIO_SUBJECT, percentile: risk.regime.percentile, current: risk.regime.current });

    // Correlation: of the instruments held; with fewer than two held, of every observed one (shown, never flagged).
    const corr = this.correlation(held.symbols.length >= 2 ? held.symbols : [...this.tracks.keys()].sort());
    const flaggedCorr = held.symbols.length >= 2 && corr.average !== null && corr.baseline !== null ? { current: corr.average, baseline: corr.baseline, change: corr.average - corr.baseline } : null;

    const flagVar = risk.estimates.filter((e) => e.confidence === this.config.varFlagConfidence && held.symbols.length > 0);
    const raised = this.attempt(
      'flags',
      () => {
        const fm = flagMetrics({ portfolio: pm, drawdowns: dd ?? undefined, volatility: volFlags, valueAtRisk: flagVar });
        fm.correlation = flaggedCorr;
        return evaluateFlags(fm, this.config.thresholds, this.config.escalation);
      },
      [] as RaisedFlag[],
    );
    const flags = this.trackFlags(ts, raised);
    const keys = flags.map((f) => `${f.code}|${f.subject ?? ''}|${f.severity}`).sort().join('\n');
    const changed = keys !== this.lastFlagKeys;
    this.lastFlagKeys = keys;
    this.lastFlags = flags;

    const metrics: RiskMetricsDto = {
      ts,
      nav,
      cash: pm.cash,
      grossExposure: pm.grossExposure,
      netExposure: pm.netExposure,
      longExposure: pm.longExposure,
      shortExposure: pm.shortExposure,
      leverage: pm.leverage,
      realizedPnl: finiteOr0(portfolio.realizedPnl),
      unrealizedPnl: finiteOr0(portfolio.unrealizedPnl),
      dailyPnl: pm.dailyPnl,
      dailyPnlPct: pm.dailyPnlPct,
      drawdown: drawdownDto(dd),
      exposures,
      var: risk.estimates.map((e) => ({ method: e.method, confidence: e.confidence, var: e.valueAtRisk, es: e.expectedShortfall, varPctNav: positive ? e.valueAtRisk / nav : null })),
      varBasis: risk.basis,
      correlation: corr,
      regime: risk.regime?.label ?? 'unknown',
      navHistory: this.navChart(),
      cycleMs: 0,
    };
    return { metrics, flags, changed };
  }

  // ---- stress -----------------------------------------------------------------------------------

  /** Historical (loaded daily history), hypothetical and reverse stress of the book at `now`. */
  stress(now: number, portfolio: PmsPortfolio, opts: StressOptions = {}): StressDto {
    this.problems = [];
    const held = this.heldOf(portfolio);
    const nav = held.cash + Object.values(held.values).reduce((s, v) => s + v, 0);
    const positions: Positions = held.values;

    const historical: StressDto['historical'] = [];
    const missingHistory: string[] = [];
    for (const symbol of held.symbols) {
      const d = this.daily.get(symbol);
      if (!d || d.series.length < 2) {
        missingHistory.push(symbol);
        continue;
      }
      const horizons = this.config.stressHorizonsDays.filter((h) => d.series.length >= h + 1);
      const one = { [symbol]: positions[symbol]! };
      const res = this.attempt(`historical stress ${symbol}`, () => historicalStress(one, { [symbol]: d.series }, horizons), []);
      for (const h of res) {
        for (const i of h.instruments) {
          historical.push({ symbol, position: i.position, horizonDays: h.horizon, worstMove: i.applied.move, from: i.applied.from, to: i.applied.to, pnl: i.pnl, source: d.source });
        }
      }
    }

    const specs = [...this.config.scenarios, ...(opts.scenarios ?? [])];
    const scenarios: StressDto['scenarios'] = [];
    for (const spec of specs) {
      const sc = this.shockOf(spec, held.symbols);
      const r = this.attempt(`scenario ${spec.name}`, () => applyScenario(positions, sc, nav > 0 ? nav : undefined), null);
      if (r) scenarios.push({ name: r.name, pnl: r.pnl, pnlPctNav: r.pnlPctNav, instruments: r.instruments });
    }

    const reverse: StressDto['reverse'] = [];
    if (nav > 0) {
      for (const f of opts.lossFractions ?? this.config.lossFractions) {
        if (!(f > 0 && Number.isFinite(f))) continue;
        const r = reverseStress(positions, nav, f);
        reverse.push({
          lossFraction: f,
          loss: r.loss,
          uniformMove: r.uniform.move,
          feasible: r.uniform.feasible,
          instruments: r.instruments.map((i) => ({ symbol: i.symbol, position: i.position, move: i.move, feasible: i.feasible })),
        });
      }
    }
    return { ts: this.timeOf(now), nav, historical, scenarios, reverse, missingHistory };
  }

  // ---- what-if ----------------------------------------------------------------------------------

  /**
   * The book before and after a hypothetical fill of `deltaQty` (signed: a sell is negative) of
   * `symbol` at `price`, fees ignored: cash pays Δ·price and the position gains Δ·price of value,
   * so NAV is unchanged and only exposure moves. VaR is the 1-day 99% parametric figure on the
   * current sample covariance; null until every instrument involved has enough aligned returns.
   * A bad quantity or price leaves the book unchanged.
   */
  impact(portfolio: PmsPortfolio, symbol: string, deltaQty: number, price: number): { before: ImpactDto; after: ImpactDto } {
    this.problems = [];
    const held = this.heldOf(portfolio);
    const before = this.impactOf(held, symbol);
    const ok = Number.isFinite(deltaQty) && Number.isFinite(price) && price > 0;
    if (!ok || deltaQty === 0) return { before, after: { ...before } };
    const notional = deltaQty * price;
    const values = { ...held.values };
    const mv = (values[symbol] ?? 0) + notional;
    if (mv === 0) delete values[symbol];
    else values[symbol] = mv;
    const after: Held = {
      values,
      qty: { ...held.qty, [symbol]: (held.qty[symbol] ?? 0) + deltaQty },
      cash: held.cash - notional,
      symbols: Object.keys(values).sort(),
    };
    return { before, after: this.impactOf(after, symbol) };
  }

  // ---- internals --------------------------------------------------------------------------------

  /** `now`, or the latest time seen when `now` is not a number (0 before any). */
  private timeOf(now: number): number {
    if (Number.isFinite(now)) return now;
    return Number.isFinite(this.latest) ? this.latest : 0;
  }

  private bucketOf(time: number): number {
    return Math.floor(time / this.config.returnIntervalMs);
  }

  private advance(now: number): void {
    if (now > this.latest) this.latest = now;
    const b = this.bucketOf(this.latest);
    if (b > this.clockBucket) {
      this.clockBucket = b;
      this.version++;
    }
  }

  /** Keeps the samples a full window needs (maxReturns returns from final samples, plus the open one). */
  private trim(t: Track): void {
    const keep = this.config.maxReturns + 2;
    // Trimming in batches keeps the amortised cost per sample O(1).
    if (t.buckets.length > keep + 64) {
      t.buckets.splice(0, t.buckets.length - keep);
      t.prices.splice(0, t.prices.length - keep);
    }
  }

  private attempt<T>(what: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (e) {
      this.problems.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
      return fallback;
    }
  }

  private heldOf(p: PmsPortfolio): Held {
    const values: Record<string, number> = {};
    const qty: Record<string, number> = {};
    for (const pos of p.positions ?? []) {
      if (typeof pos?.symbol !== 'string') continue;
      if (!Number.isFinite(pos.marketValue)) this.problems.push(`market value of ${pos.symbol} is not a finite number: counted as 0`);
      const v = (values[pos.symbol] ?? 0) + finiteOr0(pos.marketValue);
      if (v !== 0) values[pos.symbol] = v;
      else delete values[pos.symbol];
      qty[pos.symbol] = (qty[pos.symbol] ?? 0) + finiteOr0(pos.qty);
    }
    if (!Number.isFinite(p.cash)) this.problems.push('cash is not a finite number: counted as 0');
    return { values, qty, cash: finiteOr0(p.cash), symbols: Object.keys(values).sort() };
  }

  /**
   * Aligned returns of `symbols` (sorted) over the window: rows of the final buckets all of them
   * have, a return only between consecutive buckets, at most maxReturns rows. Cached per version.
   */
  private panelOf(symbols: readonly string[]): PanelEntry {
    const key = `${this.version}\u0001${symbols.join('\u0000')}`;
    const hit = this.panels.find((p) => p.key === key);
    if (hit) return hit;
    const entry: PanelEntry = { key, panel: this.buildPanel(symbols) };
    this.panels.unshift(entry);
    if (this.panels.length > PANEL_CACHE) this.panels.pop();
    return entry;
  }

  /** The final samples of a track inside the window: indices [start, end). */
  private windowOf(t: Track): { start: number; end: number } {
    let end = t.buckets.length;
    while (end > 0 && t.buckets[end - 1]! >= this.clockBucket) end--;
    // The window: maxReturns intervals ending at the last final bucket.
    const lo = this.clockBucket - 1 - this.config.maxReturns;
    let a = 0;
    let b = end;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (t.buckets[mid]! < lo) a = mid + 1;
      else b = mid;
    }
    return { start: a, end };
  }

  private buildPanel(symbols: readonly string[]): Panel {
    const k = symbols.length;
    const empty: Panel = { symbols: [...symbols], times: [], values: [] };
    if (k === 0) return empty;
    const tracks: Track[] = [];
    const wins: { start: number; end: number }[] = [];
    for (const s of symbols) {
      const t = this.tracks.get(s);
      if (!t) return empty;
      const w = this.windowOf(t);
      if (w.end - w.start < 2) return empty;
      tracks.push(t);
      wins.push(w);
    }
    const interval = this.config.returnIntervalMs;
    // Fast path, the usual one: every instrument has every bucket of the same unbroken range.
    const w0 = wins[0]!;
    const first = tracks[0]!.buckets[w0.start]!;
    const last = tracks[0]!.buckets[w0.end - 1]!;
    const len = w0.end - w0.start;
    if (
      last - first + 1 === len &&
      tracks.every((t, j) => wins[j]!.end - wins[j]!.start === len && t.buckets[wins[j]!.start] === first && t.buckets[wins[j]!.end - 1] === last)
    ) {
      const times: number[] = [];
      const values: number[][] = [];
      for (let r = 1; r < len; r++) {
        const row = new Array<number>(k);
        for (let j = 0; j < k; j++) {
          const p = tracks[j]!.prices;
          const i = wins[j]!.start + r;
          row[j] = p[i]! / p[i - 1]! - 1;
        }
        times.push((first + r + 1) * interval);
        values.push(row);
      }
      return { symbols: [...symbols], times, values };
    }
    const idx = wins.map((w) => w.end - 1);
    const lo = this.clockBucket - 1 - this.config.maxReturns;
    const rowBuckets: number[] = [];
    const rowPrices: number[][] = [];
    // k-way intersection of the bucket lists, walking back from the newest.
    outer: for (;;) {
      let target = Number.POSITIVE_INFINITY;
      for (let j = 0; j < k; j++) {
        const b = tracks[j]!.buckets[idx[j]!]!;
        if (b < target) target = b;
      }
      if (target < lo) break;
      let all = true;
      for (let j = 0; j < k; j++) {
        const bs = tracks[j]!.buckets;
        let i = idx[j]!;
        while (i >= 0 && bs[i]! > target) i--;
        if (i < 0) break outer;
        idx[j] = i;
        if (bs[i] !== target) all = false;
      }
      if (all) {
        rowBuckets.push(target);
        rowPrices.push(tracks.map((t, j) => t.prices[idx[j]!]!));
        for (let j = 0; j < k; j++) {
          idx[j]!--;
          if (idx[j]! < 0) break outer;
        }
      }
    }
    const times: number[] = [];
    const values: number[][] = [];
    for (let r = rowBuckets.length - 1; r > 0; r--) {
      const b = rowBuckets[r - 1]!;
      if (b !== rowBuckets[r]! + 1) continue; // a gap: no one-interval return across it
      const prev = rowPrices[r]!;
      const cur = rowPrices[r - 1]!;
      const row = new Array<number>(k);
      for (let j = 0; j < k; j++) row[j] = cur[j]! / prev[j]! - 1;
      times.push((b + 1) * interval);
      values.push(row);
    }
    return { symbols: [...symbols], times, values };
  }

  private covarianceOf(entry: PanelEntry): Matrix {
    return this.analyse(entry).cov;
  }

  /**
   * The sample covariance of the whole panel (VaR) and the correlations of the current window and
   * of its baseline, from one pass over the rows: co-moments of the two segments are computed once
   * and merged for the whole (Chan's pairwise update), which equals sampleCovarianceMatrix up to
   * rounding at half the cost of computing both separately.
   */
  private analyse(entry: PanelEntry): { cov: Matrix; corr: PanelEntry['corr'] } {
    if (entry.cov !== undefined && entry.corr !== undefined) return { cov: entry.cov, corr: entry.corr };
    const rows = entry.panel.values;
    const k = entry.panel.symbols.length;
    const n = rows.length;
    const { correlationWindow: w, correlationBaselineRows: b } = this.config;
    if (n < 2) throw new RangeError(`covariance needs at least 2 returns, got ${n}`);
    if (n < 2 * w) {
      // Too short for a baseline: the correlation of every row so far is shown, and never flagged.
      const all = comoments(rows, 0, n, k);
      entry.cov = toCovariance(all, k);
      const corr = covarianceToCorrelation(entry.cov);
      entry.corr = k >= 2 && n >= MIN_CORRELATION_ROWS ? { matrix: corr, current: averagePairwiseCorrelation(corr), baseline: null } : null;
    } else {
      const from = Math.max(0, n - w - b);
      const base = comoments(rows, from, n - w, k);
      const cur = comoments(rows, n - w, n, k);
      const all = from === 0 ? mergeComoments(base, cur, k) : comoments(rows, 0, n, k);
      entry.cov = toCovariance(all, k);
      const curCorr = covarianceToCorrelation(toCovariance(cur, k));
      entry.corr = k >= 2 ? { matrix: curCorr, current: averagePairwiseCorrelation(curCorr), baseline: averagePairwiseCorrelation(covarianceToCorrelation(toCovariance(base, k))) } : null;
    }
    return { cov: entry.cov, corr: entry.corr };
  }

  private symbolStats(symbol: string): SymbolStats {
    const cached = this.stats.get(symbol);
    if (cached && cached.version === this.version) return cached;
    const returns = this.ownReturns(symbol);
    const c = this.config;
    const ewmaVol =
      returns.length >= DEFAULT_EWMA_SEED
        ? this.attempt(`EWMA volatility ${symbol}`, () => annualiseVolatility(ewmaVolatility(returns, { lambda: c.ewmaLambda }), c.periodsPerDay * c.daysPerYear), null)
        : null;
    const regime = this.regimeOf(returns, `volatility regime ${symbol}`);
    const s: SymbolStats = { version: this.version, ewmaVol, regime };
    this.stats.set(symbol, s);
    return s;
  }

  /** One instrument's own returns over the window (consecutive final buckets only). */
  private ownReturns(symbol: string): number[] {
    const t = this.tracks.get(symbol);
    if (!t) return [];
    const { start, end } = this.windowOf(t);
    const out: number[] = [];
    for (let i = start + 1; i < end; i++) if (t.buckets[i] === t.buckets[i - 1]! + 1) out.push(t.prices[i]! / t.prices[i - 1]! - 1);
    return out;
  }

  private regimeOf(series: readonly number[], what: string): VolatilityRegime | null {
    const { volRegimeWindow: w, volRegimeLookback: lookback } = this.config;
    if (!hasRegimeHistory(series.length, w, lookback)) return null;
    // Only the returns the ranked windows cover: the rolling cost stays bounded by the lookback.
    const tail = series.slice(-(w + lookback));
    return this.attempt(what, () => volatilityRegime(tail, w, { lookback }), null);
  }

  private portfolioRisk(held: Held, nav: number): { estimates: (RiskEstimate & { method: 'historical' | 'parametric' })[]; basis: RiskMetricsDto['varBasis']; regime: VolatilityRegime | null } {
    const c = this.config;
    const interval = intervalLabel(c.returnIntervalMs);
    const scale = Math.sqrt(c.periodsPerDay);
    const scaling = `1-day = ${interval} figure × √${Number(c.periodsPerDay.toFixed(4))} (square root of time, i.i.d. returns)`;
    if (held.symbols.length === 0) {
      // A flat book has no market risk: zero, not unknown.
      const estimates = c.confidenceLevels.flatMap((a) => (['historical', 'parametric'] as const).map((method) => ({ method, confidence: a, valueAtRisk: 0, expectedShortfall: 0 })));
      return { estimates, basis: { interval, samples: 0, scaling: `${scaling}; no positions` }, regime: null };
    }
    const entry = this.panelOf(held.symbols);
    const n = entry.panel.values.length;
    if (n < c.minReturnsForVar) {
      const missing = held.symbols.filter((s) => !this.tracks.has(s));
      const why = missing.length > 0 ? `no marks for ${missing.join(', ')}` : `${n} aligned returns, ${c.minReturnsForVar} needed`;
      return { estimates: [], basis: { interval, samples: n, scaling: `${scaling}; not reported: ${why}` }, regime: null };
    }
    const result = this.attempt(
      'VaR',
      () => {
        const pnl = scenarioPnl(held.values, entry.panel);
        const losses = pnl.map((p) => -p);
        const cov = { symbols: entry.panel.symbols, matrix: this.covarianceOf(entry) };
        const estimates: (RiskEstimate & { method: 'historical' | 'parametric' })[] = [];
        for (const a of c.confidenceLevels) {
          const h = historicalFromLosses(losses, a);
          estimates.push({ method: 'historical', confidence: a, valueAtRisk: h.valueAtRisk * scale, expectedShortfall: h.expectedShortfall * scale });
        }
        for (const a of c.confidenceLevels) {
          const p = parametricVaR(held.values, cov, a);
          estimates.push({ method: 'parametric', confidence: a, valueAtRisk: p.valueAtRisk * scale, expectedShortfall: p.expectedShortfall * scale });
        }
        return { estimates, pnl };
      },
      null,
    );
    if (!result) return { estimates: [], basis: { interval, samples: n, scaling: `${scaling}; not reported: ${this.problems[this.problems.length - 1] ?? 'error'}` }, regime: null };
    // The P&L path of today's book over the window: its volatility regime is the portfolio's.
    const regime = nav > 0 ? this.regimeOf(result.pnl, 'portfolio volatility regime') : null;
    return { estimates: result.estimates, basis: { interval, samples: n, scaling }, regime };
  }

  /**
   * Average pairwise sample correlation of the last `correlationWindow` rows against its baseline,
   * the correlation of up to `correlationBaselineRows` rows before them. One baseline window instead
   * of correlationSpike's sliding mean: that one costs O(rows·k²·window) per cycle, too slow for a
   * hundred instruments; a long single window is the steadier baseline anyway.
   */
  private correlation(symbols: readonly string[]): RiskMetricsDto['correlation'] {
    const none = { symbols: [...symbols], matrix: [] as number[][], average: null, baseline: null };
    if (symbols.length < 2) return none;
    const entry = this.panelOf(symbols);
    const corr = entry.panel.values.length >= 2 ? this.attempt('correlation', () => this.analyse(entry).corr, null) : null;
    if (!corr) return none;
    return { symbols: [...symbols], matrix: corr.matrix, average: corr.current, baseline: corr.baseline };
  }

  private impactOf(h: Held, symbol: string): ImpactDto {
    let gross = 0;
    let net = 0;
    for (const v of Object.values(h.values)) {
      gross += Math.abs(v);
      net += v;
    }
    const nav = h.cash + net;
    const positive = nav > 0;
    let var99: number | null = null;
    if (h.symbols.length === 0) var99 = 0;
    else {
      const entry = this.panelOf(h.symbols);
      if (entry.panel.values.length >= this.config.minReturnsForVar) {
        var99 = this.attempt(
          'impact VaR',
          () => parametricVaR(h.values, { symbols: entry.panel.symbols, matrix: this.covarianceOf(entry) }, 0.99).valueAtRisk * Math.sqrt(this.config.periodsPerDay),
          null,
        );
      }
    }
    return {
      positionQty: h.qty[symbol] ?? 0,
      positionPctNav: positive ? Math.abs(h.values[symbol] ?? 0) / nav : null,
      grossExposure: gross,
      leverage: positive ? gross / nav : null,
      var99,
    };
  }

  private shockOf(spec: ScenarioSpec, symbols: readonly string[]): ShockScenario {
    const shocks: Record<string, number> = {};
    for (const s of symbols) {
      const own = spec.shocks?.[s];
      const group = this.config.groups[s];
      const byGroup = group !== undefined ? spec.groups?.[group] : undefined;
      const x = own ?? byGroup;
      if (x !== undefined) shocks[s] = x;
    }
    const out: ShockScenario = { name: spec.name, shocks };
    if (spec.all !== undefined) out.all = spec.all;
    return out;
  }

  /**
   * NAV history at `navSampleMs` resolution: per bucket the first, highest, lowest and last NAV are
   * kept (at their times), so the peaks and troughs the drawdowns need survive the thinning, and the
   * last value before a day's start is there for the daily P&L.
   */
  private recordNav(time: number, value: number): void {
    if (!Number.isFinite(time) || !Number.isFinite(value)) return;
    const cur = this.navBucket;
    if (cur && time <= cur.last.time) return; // time must advance (a repeated or late snapshot is not history)
    if (!cur && this.nav.length > 0 && time <= this.nav[this.nav.length - 1]!.time) return;
    const o = { time, value };
    const bucket = Math.floor(time / this.config.navSampleMs);
    if (!cur || bucket !== cur.bucket) {
      this.navBucket = { bucket, first: o, max: o, min: o, last: o };
      this.nav.push(o);
      this.navTail = 1;
    } else {
      cur.last = o;
      if (value > cur.max.value) cur.max = o;
      if (value < cur.min.value) cur.min = o;
      const pts = [...new Set([cur.first, cur.max, cur.min, cur.last])].sort((a, b) => a.time - b.time);
      this.nav.splice(this.nav.length - this.navTail, this.navTail, ...pts);
      this.navTail = pts.length;
    }
    this.trimNav();
  }

  private trimNav(): void {
    const cap = this.config.navHistoryCap;
    if (this.nav.length > cap + Math.ceil(cap / 16)) this.nav.splice(0, this.nav.length - cap);
  }

  /** The NAV path downsampled to ≤ navChartPoints points (the last always kept), with the drawdown from the running peak. */
  private navChart(): RiskMetricsDto['navHistory'] {
    const h = this.nav;
    const n = h.length;
    const max = this.config.navChartPoints;
    const step = n <= max ? 1 : (n - 1) / (max - 1);
    const picks = new Set<number>();
    for (let i = 0; i < Math.min(n, max); i++) picks.add(Math.round(i * step));
    const out: RiskMetricsDto['navHistory'] = [];
    let peak = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const o = h[i]!;
      if (o.value > peak) peak = o.value;
      if (picks.has(i)) out.push({ time: o.time, nav: o.value, drawdown: peak > 0 ? Math.max(0, peak - o.value) / peak : 0 });
    }
    return out;
  }

  private trackFlags(now: number, raised: readonly RaisedFlag[]): RiskFlagDto[] {
    const next = new Map<string, number>();
    const out = raised.map((f): RiskFlagDto => {
      const key = `${f.code}|${f.subject ?? ''}`;
      const since = this.since.get(key) ?? now;
      next.set(key, since);
      const instrument = (f.code === 'concentration' || f.code === 'volatility_regime_high') && f.subject !== null && f.subject !== PORTFOLIO_SUBJECT;
      return {
        code: f.code,
        severity: f.severity,
        subject: f.subject,
        symbol: instrument ? f.subject : null,
        // JSON has no Infinity (leverage with NAV ≤ 0): the largest double keeps "beyond every threshold".
        value: Number.isFinite(f.value) ? f.value : Number.MAX_VALUE,
        threshold: f.threshold,
        action: f.action,
        message: f.message,
        since,
      };
    });
    this.since.clear();
    for (const [k, v] of next) this.since.set(k, v);
    return out;
  }
}

function drawdownDto(d: DrawdownReport | null): RiskMetricsDto['drawdown'] {
  if (!d) return { current: 0, max: 0, day: null, week: null, month: null };
  return { current: d.sinceInception.fraction ?? 0, max: d.max.fraction ?? 0, day: d.day.fraction, week: d.week.fraction, month: d.month.fraction };
}

interface Comoments {
  n: number;
  mean: Float64Array;
  /** Σ (x_a − mean_a)(x_b − mean_b), upper triangle of a k×k row-major matrix. */
  m2: Float64Array;
}

/** Means and co-moments of rows [from, to), two-pass (means first) as sampleCovarianceMatrix. */
function comoments(rows: readonly (readonly number[])[], from: number, to: number, k: number): Comoments {
  const n = to - from;
  const mean = new Float64Array(k);
  for (let r = from; r < to; r++) {
    const row = rows[r]!;
    for (let j = 0; j < k; j++) mean[j]! += row[j]!;
  }
  for (let j = 0; j < k; j++) mean[j]! /= n;
  const m2 = new Float64Array(k * k);
  const d = new Float64Array(k);
  for (let r = from; r < to; r++) {
    const row = rows[r]!;
    for (let j = 0; j < k; j++) d[j] = row[j]! - mean[j]!;
    for (let a = 0; a < k; a++) {
      const da = d[a]!;
      if (da === 0) continue;
      const base = a * k;
      for (let b = a; b < k; b++) m2[base + b]! += da * d[b]!;
    }
  }
  return { n, mean, m2 };
}

/** Co-moments of two consecutive segments merged into those of the whole. */
function mergeComoments(x: Comoments, y: Comoments, k: number): Comoments {
  const n = x.n + y.n;
  const mean = new Float64Array(k);
  const delta = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    delta[j] = y.mean[j]! - x.mean[j]!;
    mean[j] = x.mean[j]! + (delta[j]! * y.n) / n;
  }
  const f = (x.n * y.n) / n;
  const m2 = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    const base = a * k;
    for (let b = a; b < k; b++) m2[base + b] = x.m2[base + b]! + y.m2[base + b]! + delta[a]! * delta[b]! * f;
  }
  return { n, mean, m2 };
}

/** Co-moments → sample covariance matrix (n − 1 divisor), symmetric. */
function toCovariance(m: Comoments, k: number): Matrix {
  const cov: Matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const div = m.n - 1;
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const v = m.m2[a * k + b]! / div;
      cov[a]![b] = v;
      cov[b]![a] = v;
    }
  }
  return cov;
}
