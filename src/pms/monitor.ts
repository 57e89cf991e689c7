import type { ExposureRowDto, ImpactDto, RiskFlagDto, RiskMetricsDto, StressDto } from '../contract/risk-dto.ts';
import { analysePanel } from './covariance.ts';
import { flagEvaluator, flagMetrics } from './flags.ts';
import type { FlagMetrics, RaisedFlag } from './flags.ts';
import { finiteOr0, heldOf, navOf } from './held.ts';
import type { Held, PmsPortfolio } from './held.ts';
import { resolvePmsConfig } from './monitor-config.ts';
import type { PmsConfig } from './monitor-config.ts';
import { NavHistory } from './nav-history.ts';
import { DrawdownTracker } from './drawdown-tracker.ts';
import { portfolioMetrics } from './portfolio-metrics.ts';
import type { DrawdownReport } from './portfolio-metrics.ts';
import { MS_PER_DAY, dayStart } from './periods.ts';
import { PriceHistory } from './price-history.ts';
import type { Observation } from './returns.ts';
import { stressReport } from './stress-report.ts';
import type { StressOptions } from './stress-report.ts';
import { historicalFromSorted, parametricVaR, scenarioPnl, sortedLossesOfOne, sortLosses } from './var.ts';
import type { RiskEstimate } from './var.ts';
import { DEFAULT_EWMA_SEED, annualiseVolatility, ewmaVolatility, hasRegimeHistory, volatilityRegime } from './volatility.ts';
import type { VolatilityRegime } from './volatility.ts';
import { bookImpact } from './what-if.ts';

export { DEFAULT_SCENARIOS, resolvePmsConfig, validatePmsConfig } from './monitor-config.ts';
export type { PmsConfig, ScenarioSpec } from './monitor-config.ts';
export type { PmsPortfolio, PmsPosition } from './held.ts';
export type { StressOptions } from './stress-report.ts';

/**
 * The PMS monitor: the analytics of src/pms assembled into one cycle the engine runs on its own
 * interval, outside the order path. It keeps the state the pure functions need (sampled marks,
 * its own NAV history, loaded daily history, when each flag was first raised) and turns one
 * portfolio snapshot into the contract's metrics and flags.
 *
 * It is split by what it computes: the sampled marks and their aligned returns (price-history.ts),
 * covariance and correlation (covariance.ts), the NAV path (nav-history.ts), the book snapshot
 * (held.ts), stress (stress-report.ts) and the ticket's what-if (what-if.ts); this file runs the
 * cycle over them: metrics, VaR/ES, flags.
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

export interface CycleResult {
  metrics: RiskMetricsDto;
  flags: RiskFlagDto[];
  /** The flag set (code, subject, severity) differs from the previous cycle's. */
  changed: boolean;
}

/** The volatility subject of the portfolio's own P&L series in flags. */
export const PORTFOLIO_SUBJECT = 'portfolio';

interface SymbolStats {
  version: number;
  /** Annualised EWMA volatility; null with fewer than the EWMA seed's returns. */
  ewmaVol: number | null;
  regime: VolatilityRegime | null;
}

function intervalLabel(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export class PmsMonitor {
  readonly config: PmsConfig;
  private readonly prices: PriceHistory;
  private readonly navs: NavHistory;
  private readonly daily = new Map<string, { series: Observation[]; source: string }>();
  private readonly stats = new Map<string, SymbolStats>();
  private readonly known = new Map<string, { version: number; known: boolean }>();
  private readonly since = new Map<string, number>();
  /** Drawdowns and the day's opening NAV of `navs`, kept incrementally (a cycle ran them over the whole path). */
  private readonly drawdowns: DrawdownTracker;
  private evaluator:
    | { thresholds: PmsConfig['thresholds']; escalation: PmsConfig['escalation']; evaluate: (fm: FlagMetrics) => RaisedFlag[]; last: { fm: FlagMetrics; raised: RaisedFlag[] } | undefined }
    | undefined;
  private lastRaised: RaisedFlag[] | undefined;
  private riskMemo: { version: number; positive: boolean; values: Record<string, number>; result: ReturnType<PmsMonitor['portfolioRisk']>; problems: string[] } | undefined;
  private labels: { ms: number; periods: number; interval: string; scaling: string } | undefined;
  private lastFlagKeys = '';
  private lastFlags: RiskFlagDto[] = [];
  private problems: string[] = [];
  /**
   * The last cycle without the chart, for the next one: on the same portfolio snapshot (the loop
   * hands the same object while neither the book nor a mark moved), the same sampled prices, in the
   * same NAV bucket and day, every figure is a function of the same inputs, so the cycle only notes
   * the time (the NAV path's last point, the metrics' ts). Most PMS cycles of a quiet replay.
   */
  private repeat: { portfolio: PmsPortfolio; version: number; navBucket: number; day: number; ts: number; nav: number; metrics: RiskMetricsDto; problems: string[] } | undefined;
  /** Tests turn the repeat off to compare against full cycles. */
  reuseRepeats = true;
  /** Cycles answered as a repeat of the last (diagnostics, tests). */
  repeatedCycles = 0;

  constructor(config: Partial<PmsConfig> = {}) {
    this.config = resolvePmsConfig(config);
    this.prices = new PriceHistory(this.config);
    this.navs = new NavHistory(this.config);
    this.drawdowns = new DrawdownTracker(this.config.dayOffsetMs);
  }

  // ---- inputs -----------------------------------------------------------------------------------

  /** Samples marks (symbol → price); anything but a finite price > 0 is skipped. */
  observePrices(now: number, prices: Readonly<Record<string, number>>): void {
    this.prices.observe(now, prices);
  }

  /**
   * Moves the sampling clock to `now` without a sample: what observePrices does when every mark is
   * the one already sampled in now's bucket (the caller checks that with `sampleKey`).
   */
  observeTime(now: number): void {
    if (Number.isFinite(now)) this.prices.advance(now);
  }

  /** Changes whenever a sample could land differently: a new return bucket or a seed (the prices' version), or a new bucket of `now`. */
  sampleKey(now: number): string {
    return `${this.sampleVersion}|${this.sampleBucket(now)}`;
  }

  /** The two parts of `sampleKey`, as numbers: the loop compares them every second without building a string. */
  get sampleVersion(): number {
    return this.prices.version;
  }

  sampleBucket(now: number): number {
    return Math.floor(now / this.config.returnIntervalMs);
  }

  /**
   * Loads earlier marks (e.g. one-minute candle closes at start), `time` inside the bucket it
   * prices (a bar's open time). Samples already held win over seeded ones for the same bucket.
   */
  seedPrices(symbol: string, series: readonly { time: number; price: number }[]): void {
    this.prices.seed(symbol, series);
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
    this.navs.seed(points);
  }

  /**
   * Whether `symbol`'s volatility is known (the shared rule of src/core/volatility-known.ts on the
   * returns held): exactly when its regime, and so its volatility flag, can exist. L1 asks this too.
   */
  volatilityKnown(symbol: string): boolean {
    // Asked on every order: counted once per change of the price history, not per call.
    const v = this.prices.version;
    const hit = this.known.get(symbol);
    if (hit && hit.version === v) return hit.known;
    const known = hasRegimeHistory(this.prices.ownReturns(symbol).length, this.config.volRegimeWindow, this.config.volRegimeLookback);
    this.known.set(symbol, { version: v, known });
    return known;
  }

  /** What could not be computed in the last call, for the engine's log. */
  diagnostics(): readonly string[] {
    return this.problems;
  }

  /** The flags of the last cycle. */
  flags(): RiskFlagDto[] {
    return this.lastFlags;
  }

  /** The NAV path for the metrics chart, as the last cycle left it. */
  navChart(): RiskMetricsDto['navHistory'] {
    return this.navs.chart();
  }

  // ---- the cycle --------------------------------------------------------------------------------

  /**
   * The time before which a cycle on `portfolio` (with no sample in between) is answered as a repeat
   * of the last: the sampled prices keep their version until the return bucket of the latest time
   * ends, and the NAV bucket and day of the last cycle end. -Infinity when the next cycle would not
   * be a repeat. The loop's idle jump runs only the last of such cycles (their other effects are
   * the time noted, which the last notes again, and the count, `skippedRepeats`).
   */
  repeatsUntil(portfolio: () => PmsPortfolio): number {
    const last = this.repeat;
    // The snapshot last: the loop builds its key to answer.
    if (!this.reuseRepeats || last === undefined || last.version !== this.prices.version || last.portfolio !== portfolio()) return Number.NEGATIVE_INFINITY;
    return Math.min(this.prices.bucketEnd(), (last.navBucket + 1) * this.config.navSampleMs, last.day + MS_PER_DAY);
  }

  /** Counts repeats the loop's idle jump covered without running them (see repeatsUntil). */
  skippedRepeats(n: number): void {
    this.repeatedCycles += n;
  }

  /**
   * One monitoring cycle on a portfolio snapshot at `now`. `metrics.cycleMs` is 0: the monitor has
   * no clock, so the caller times the call and fills it in.
   */
  cycle(now: number, portfolio: PmsPortfolio, opts: { chart?: boolean } = {}): CycleResult {
    this.problems = [];
    let changed = false;
    if (Number.isFinite(now)) this.prices.advance(now);
    const ts = this.prices.timeOf(now);
    const navBucket = Math.floor(ts / this.config.navSampleMs);
    const day = dayStart(ts, this.config.dayOffsetMs);
    const last = this.repeat;
    if (opts.chart === false && this.reuseRepeats && last !== undefined && last.portfolio === portfolio && last.version === this.prices.version && last.navBucket === navBucket && last.day === day && ts > last.ts) {
      this.navs.record(ts, last.nav);
      this.problems = last.problems.slice();
      last.ts = ts;
      this.repeatedCycles++;
      return { metrics: { ...last.metrics, ts, cycleMs: 0 }, flags: this.lastFlags, changed: false };
    }
    this.repeat = undefined;
    const held = heldOf(portfolio, this.problems);

    const navPoint = navOf(held);
    this.navs.record(ts, navPoint);
    const sod = this.attempt('start-of-day NAV', () => this.drawdowns.startOfDay(this.navs, ts), null);
    const pm = portfolioMetrics({
      cash: held.cash,
      positions: Object.entries(held.values).map(([symbol, marketValue]) => ({ symbol, marketValue })),
      startOfDayNav: sod ?? undefined,
    });
    const dd = this.navs.points.length > 0 ? this.attempt('drawdown', () => this.drawdowns.report(this.navs), null) : null;
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
    const risk = this.portfolioRiskOf(held, nav);
    if (risk.regime) volFlags.push({ subject: PORTFOLIO_SUBJECT, percentile: risk.regime.percentile, current: risk.regime.current });

    // Correlation: of the instruments held; with fewer than two held, of every observed one (shown, never flagged).
    const corr = this.correlation(held.symbols.length >= 2 ? held.symbols : this.prices.symbols().sort());
    const flaggedCorr = held.symbols.length >= 2 && corr.average !== null && corr.baseline !== null ? { current: corr.average, baseline: corr.baseline, change: corr.average - corr.baseline } : null;

    const flagVar = risk.estimates.filter((e) => e.confidence === this.config.varFlagConfidence && held.symbols.length > 0);
    const raised = this.attempt(
      'flags',
      () => {
        const fm = flagMetrics({ portfolio: pm, drawdowns: dd ?? undefined, volatility: volFlags, valueAtRisk: flagVar });
        fm.correlation = flaggedCorr;
        return this.evaluateFlags(fm);
      },
      [] as RaisedFlag[],
    );
    // The same raised flags as last cycle (the evaluation was reused): the same flags, since unchanged.
    const flags = raised === this.lastRaised ? this.lastFlags : this.trackFlags(ts, raised);
    this.lastRaised = raised;
    if (flags !== this.lastFlags) {
      const keys = flags.map((f) => `${f.code}|${f.subject ?? ''}|${f.severity}`).sort().join('\n');
      changed = keys !== this.lastFlagKeys;
      this.lastFlagKeys = keys;
      this.lastFlags = flags;
    }

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
      // The chart walks the whole NAV path: a caller that publishes without it (the loop) skips it.
      navHistory: opts.chart === false ? [] : this.navs.chart(),
      cycleMs: 0,
    };
    if (opts.chart === false) this.repeat = { portfolio, version: this.prices.version, navBucket, day, ts, nav: navPoint, metrics, problems: this.problems.slice() };
    return { metrics, flags, changed };
  }

  // ---- stress and what-if -----------------------------------------------------------------------

  /** Historical (loaded daily history), hypothetical and reverse stress of the book at `now`. */
  stress(now: number, portfolio: PmsPortfolio, opts: StressOptions = {}): StressDto {
    this.problems = [];
    const held = heldOf(portfolio, this.problems);
    return stressReport(this.prices.timeOf(now), held, this.daily, this.config, opts, (what, fn, fallback) => this.attempt(what, fn, fallback));
  }

  /**
   * The book before and after a hypothetical fill of `deltaQty` (signed: a sell is negative) of
   * `symbol` at `price` (what-if.ts). VaR is the 1-day 99% parametric figure on the current sample
   * covariance; null until every instrument involved has enough aligned returns.
   */
  impact(portfolio: PmsPortfolio, symbol: string, deltaQty: number, price: number): { before: ImpactDto; after: ImpactDto } {
    this.problems = [];
    return bookImpact(heldOf(portfolio, this.problems), symbol, deltaQty, price, (h) => this.var99(h));
  }

  // ---- internals --------------------------------------------------------------------------------

  /** Flags of `fm` under the configuration, checked once per configuration (not every cycle). */
  private evaluateFlags(fm: FlagMetrics): RaisedFlag[] {
    const { thresholds, escalation } = this.config;
    let e = this.evaluator;
    if (e === undefined || e.thresholds !== thresholds || e.escalation !== escalation) {
      // A bad configuration throws here, every cycle, as before: the cycle reports it.
      e = { thresholds, escalation, evaluate: flagEvaluator(thresholds, escalation), last: undefined };
      this.evaluator = e;
    }
    // The same metrics as last cycle (a book and marks that did not move): the same flags, without
    // formatting their messages again.
    if (e.last !== undefined && sameData(e.last.fm, fm)) return e.last.raised;
    const raised = e.evaluate(fm);
    e.last = { fm, raised };
    return raised;
  }

  private attempt<T>(what: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (e) {
      this.problems.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
      return fallback;
    }
  }

  /** 1-day 99% parametric VaR of a held book (what-if), null without enough aligned returns. */
  private var99(h: Held): number | null {
    const entry = this.prices.panelOf(h.symbols);
    if (entry.panel.values.length < this.config.minReturnsForVar) return null;
    return this.attempt(
      'impact VaR',
      () => parametricVaR(h.values, { symbols: entry.panel.symbols, matrix: analysePanel(entry, this.config).cov }, 0.99).valueAtRisk * Math.sqrt(this.config.periodsPerDay),
      null,
    );
  }

  private symbolStats(symbol: string): SymbolStats {
    const cached = this.stats.get(symbol);
    if (cached && cached.version === this.prices.version) return cached;
    const returns = this.prices.ownReturns(symbol);
    const c = this.config;
    const ewmaVol =
      returns.length >= DEFAULT_EWMA_SEED
        ? this.attempt(`EWMA volatility ${symbol}`, () => annualiseVolatility(ewmaVolatility(returns, { lambda: c.ewmaLambda }), c.periodsPerDay * c.daysPerYear), null)
        : null;
    const regime = this.regimeOf(returns, `volatility regime ${symbol}`);
    const s: SymbolStats = { version: this.prices.version, ewmaVol, regime };
    this.stats.set(symbol, s);
    return s;
  }

  private regimeOf(series: readonly number[], what: string): VolatilityRegime | null {
    const { volRegimeWindow: w, volRegimeLookback: lookback } = this.config;
    if (!hasRegimeHistory(series.length, w, lookback)) return null;
    // Only the returns the ranked windows cover: the rolling cost stays bounded by the lookback.
    const tail = series.slice(-(w + lookback));
    return this.attempt(what, () => volatilityRegime(tail, w, { lookback }), null);
  }

  /** The VaR basis labels of the configuration, formatted once. */
  private varLabels(): { interval: string; scaling: string } {
    const c = this.config;
    if (this.labels === undefined || this.labels.ms !== c.returnIntervalMs || this.labels.periods !== c.periodsPerDay) {
      const interval = intervalLabel(c.returnIntervalMs);
      const scaling = `1-day = ${interval} figure × √${Number(c.periodsPerDay.toFixed(4))} (square root of time, i.i.d. returns)`;
      this.labels = { ms: c.returnIntervalMs, periods: c.periodsPerDay, interval, scaling };
    }
    return this.labels;
  }

  /**
   * portfolioRisk, reused while its inputs stand still: the same sampled returns (prices.version),
   * the same held values and the same sign of NAV. Between two marks that moved, the PMS cycled
   * every 2 s on exactly the same inputs. What it reported as problems is reported again.
   */
  private portfolioRiskOf(held: Held, nav: number): ReturnType<PmsMonitor['portfolioRisk']> {
    const positive = nav > 0;
    const m = this.riskMemo;
    if (m !== undefined && m.version === this.prices.version && m.positive === positive && sameData(m.values, held.values)) {
      this.problems.push(...m.problems);
      return m.result;
    }
    const before = this.problems.length;
    const result = this.portfolioRisk(held, nav);
    this.riskMemo = { version: this.prices.version, positive, values: { ...held.values }, result, problems: this.problems.slice(before) };
    return result;
  }

  private portfolioRisk(held: Held, nav: number): { estimates: (RiskEstimate & { method: 'historical' | 'parametric' })[]; basis: RiskMetricsDto['varBasis']; regime: VolatilityRegime | null } {
    const c = this.config;
    const { interval, scaling } = this.varLabels();
    const scale = Math.sqrt(c.periodsPerDay);
    if (held.symbols.length === 0) {
      // A flat book has no market risk: zero, not unknown.
      const estimates = c.confidenceLevels.flatMap((a) => (['historical', 'parametric'] as const).map((method) => ({ method, confidence: a, valueAtRisk: 0, expectedShortfall: 0 })));
      return { estimates, basis: { interval, samples: 0, scaling: `${scaling}; no positions` }, regime: null };
    }
    const entry = this.prices.panelOf(held.symbols);
    const n = entry.panel.values.length;
    if (n < c.minReturnsForVar) {
      const missing = held.symbols.filter((s) => !this.prices.has(s));
      const why = missing.length > 0 ? `no marks for ${missing.join(', ')}` : `${n} aligned returns, ${c.minReturnsForVar} needed`;
      return { estimates: [], basis: { interval, samples: n, scaling: `${scaling}; not reported: ${why}` }, regime: null };
    }
    const result = this.attempt(
      'VaR',
      () => {
        const pnl = scenarioPnl(held.values, entry.panel);
        const losses = pnl.map((p) => -p);
        const cov = { symbols: entry.panel.symbols, matrix: analysePanel(entry, this.config).cov };
        const estimates: (RiskEstimate & { method: 'historical' | 'parametric' })[] = [];
        // One holding: its losses in order from the panel's sorted returns (sorted once per sample).
        const one = entry.panel.symbols.length === 1 ? entry.panel.symbols[0]! : undefined;
        const sorted = one === undefined ? sortLosses(losses) : sortedLossesOfOne(held.values[one] ?? 0, (entry.sortedReturns ??= Float64Array.from(entry.panel.values, (row) => row[0]!).sort()));
        for (const a of c.confidenceLevels) {
          const h = historicalFromSorted(sorted, a);
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
    const entry = this.prices.panelOf(symbols);
    const corr = entry.panel.values.length >= 2 ? this.attempt('correlation', () => analysePanel(entry, this.config).corr, null) : null;
    if (!corr) return none;
    return { symbols: [...symbols], matrix: corr.matrix, average: corr.current, baseline: corr.baseline };
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

/** Plain data (numbers, strings, null, arrays, records) equal in every leaf; numbers by Object.is (so -0 ≠ 0, NaN = NaN). */
export function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k) || !sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function drawdownDto(d: DrawdownReport | null): RiskMetricsDto['drawdown'] {
  if (!d) return { current: 0, max: 0, day: null, week: null, month: null };
  return { current: d.sinceInception.fraction ?? 0, max: d.max.fraction ?? 0, day: d.day.fraction, week: d.week.fraction, month: d.month.fraction };
}
