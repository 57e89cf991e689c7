import type { Params } from '../contract/api.ts';
import type { ImpactDto, RiskFlagDto, RiskMetricsDto, StressDto } from '../contract/risk-dto.ts';
import type { Clock } from '../core/clock.ts';
import { flagVerdict } from '../risk/trading-guard.ts';
import type { GuardLink, GuardVerdict, GuardedOrder } from '../risk/trading-guard.ts';
import { PmsMonitor } from './monitor.ts';
import type { PmsConfig, PmsPortfolio } from './monitor.ts';

/**
 * The PMS monitor in the engine: samples marks every second and runs a cycle on its own interval
 * (default 2 s) from the engine clock, outside the order path. It publishes metrics and, when they
 * change, flags; the escalation matrix turns a flag's action into a trading-state change (force
 * reduce → REDUCING, halt → HALTED) through L1, which is what stops the book. The loop is also the
 * PMS link of the TradingGuard chain (src/risk/trading-guard.ts): algos ask it before every child,
 * and the kernel has the chain enforce at once whenever the flags change (`publish.flags`).
 */

export interface PmsLoopOptions {
  intervalMs?: number;
  config?: Partial<PmsConfig>;
  /** Apply force_reduce / halt escalations to the trading state (default true). */
  escalate?: boolean;
  /** Alerts at this severity or above slow algos that add exposure (default: alerts only alert). */
  slowOn?: 'info' | 'warning' | 'critical' | null;
  /** Daily closes per symbol for historical stress, with where they come from. */
  dailyHistory?: Record<string, { series: { time: number; close: number }[]; source: string }>;
}

export interface PmsLoopDeps {
  clock: Clock;
  symbols: () => readonly string[];
  markOf: (symbol: string) => number | undefined;
  portfolio: () => PmsPortfolio;
  /**
   * Everything `portfolio` reads besides the marks (cash, the P&L totals, each position's figures),
   * as values compared with Object.is. With it, a cycle whose key and marks are those of the last
   * reuses that snapshot instead of building it again (every 2 s of engine time, mostly unchanged).
   */
  portfolioKey?: () => readonly unknown[];
  /** Earlier 1-minute closes per symbol (the hub's candles) to start with. */
  seed: (symbol: string) => { time: number; price: number }[];
  escalate: (action: 'force_reduce' | 'halt', flag: RiskFlagDto) => void;
  /**
   * `metrics` is the domain output: a function of the engine clock and the book only (cycleMs 0), so
   * two identical runs publish equal metrics. What a cycle cost in wall time is a diagnostic beside it
   * (`cycleMs`, measured with `stopwatch`), which the host may add at its edge.
   */
  publish: { metrics(m: RiskMetricsDto, diagnostics: PmsCycleDiagnostics): void; flags(f: RiskFlagDto[]): void };
  /** A wall-time reading in ms (performance.now) for the cycle diagnostic; without it nothing is measured. */
  stopwatch?: () => number;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  options?: PmsLoopOptions;
}

/** What a PMS cycle cost, outside the domain output: wall time is not repeatable from run to run. */
export interface PmsCycleDiagnostics {
  /** Wall-clock ms of the last cycle, 0 when no stopwatch was given. */
  cycleMs: number;
}

export class PmsLoop implements GuardLink {
  readonly name = 'PMS flags';
  readonly monitor: PmsMonitor;
  private readonly d: PmsLoopDeps;
  private readonly intervalMs: number;
  private timer: number | undefined;
  /** When the pending cycle timer is due. */
  private timerAt = 0;
  private last: RiskMetricsDto | undefined;
  private lastDiagnostics: PmsCycleDiagnostics = { cycleMs: 0 };
  private flags: RiskFlagDto[] = [];
  private snap: { key: readonly unknown[]; portfolio: PmsPortfolio } | undefined;
  private lastSample: { version: number; bucket: number; symbols: string[]; marks: (number | undefined)[] } | undefined;

  constructor(deps: PmsLoopDeps) {
    this.d = deps;
    this.intervalMs = deps.options?.intervalMs ?? 2_000;
    this.monitor = new PmsMonitor(deps.options?.config);
    for (const [symbol, h] of Object.entries(deps.options?.dailyHistory ?? {})) this.monitor.setDailyHistory(symbol, h.series, h.source);
  }

  start(): void {
    for (const s of this.d.symbols()) {
      const series = this.d.seed(s);
      if (series.length > 0) this.monitor.seedPrices(s, series);
    }
    this.runCycle();
  }

  stop(): void {
    if (this.timer !== undefined) this.d.clock.cancel(this.timer);
    this.timer = undefined;
  }

  private arm(at: number): void {
    this.timerAt = at;
    this.timer = this.d.clock.schedule(at, () => this.runCycle());
  }

  /** Called once a second by the engine's periodic tick. */
  sample(): void {
    const now = this.d.clock.now();
    const symbols = this.d.symbols();
    const version = this.monitor.sampleVersion;
    const bucket = this.monitor.sampleBucket(now);
    const last = this.lastSample;
    // The same marks in the same return bucket, nothing seeded since: the sample would change
    // nothing but the sampling clock (the marks move on prints; this runs every second, so the
    // check allocates nothing and stops at the first difference).
    if (last !== undefined && last.version === version && last.bucket === bucket && last.symbols.length === symbols.length) {
      let same = true;
      for (let i = 0; same && i < symbols.length; i++) same = last.symbols[i] === symbols[i] && Object.is(last.marks[i], this.d.markOf(symbols[i]!));
      if (same) {
        this.monitor.observeTime(now);
        return;
      }
    }
    const marks = symbols.map((s) => this.d.markOf(s));
    const prices: Record<string, number> = {};
    symbols.forEach((s, i) => {
      const p = marks[i];
      if (p !== undefined && p > 0) prices[s] = p;
    });
    this.monitor.observePrices(now, prices);
    this.lastSample = { version: this.monitor.sampleVersion, bucket: this.monitor.sampleBucket(now), symbols: [...symbols], marks };
  }

  /**
   * The kernel's idle jump: after sample() at `now`, samples in idle seconds (the same marks) only
   * move the sampling clock, which the next sample moves again, until the return bucket ends. The
   * cycle timer (which the jump looks past, `covers`) bounds it too, unless the cycles due in the
   * idle seconds would all repeat the last one (monitor.repeatsUntil): those `idle` covers.
   */
  quietUntil(now: number): number {
    const last = this.lastSample;
    if (last === undefined || last.version !== this.monitor.sampleVersion || last.bucket !== this.monitor.sampleBucket(now)) return now;
    const samples = (last.bucket + 1) * this.monitor.config.returnIntervalMs;
    if (this.timer === undefined) return samples;
    const at = this.timerAt;
    if (samples <= at) return samples;
    const repeats = this.monitor.repeatsUntil(() => this.portfolio());
    return Math.min(samples, repeats > at ? repeats : at);
  }

  /** The pending cycle timer: the idle jump may pass it (see quietUntil and idle). */
  covers(): number | undefined {
    return this.timer;
  }

  /**
   * Idle samples leave nothing for the next sample to do (see quietUntil). The cycles due by `to`,
   * the last idle second, are repeats of the last (quietUntil bounds the jump so): each would note
   * its time, which the last notes again, so only the last runs, now, at its own time, and the timer
   * moves to the cycle after it. Created here, before the tick's next timer, as the step-by-step
   * run creates it after every timer then pending (at the skipped cycle before it).
   */
  idle(_n: number, to = Number.NEGATIVE_INFINITY): void {
    if (this.timer === undefined || this.timerAt > to) return;
    const m = Math.floor((to - this.timerAt) / this.intervalMs) + 1;
    const at = this.timerAt + (m - 1) * this.intervalMs;
    this.d.clock.cancel(this.timer);
    this.timer = undefined;
    this.monitor.skippedRepeats(m - 1);
    this.cycleAt(at);
    this.arm(at + this.intervalMs);
  }

  private runCycle(): void {
    const now = this.d.clock.now();
    this.cycleAt(now);
    this.arm(now + this.intervalMs);
  }

  private cycleAt(now: number): void {
    try {
      this.cycle(now);
    } catch (err) {
      // The monitor watches; it must never take the engine down with it.
      this.d.log('error', `PMS cycle failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }

  cycle(now = this.d.clock.now()): RiskMetricsDto {
    const watch = this.d.stopwatch;
    const t0 = watch?.() ?? 0;
    // Published without the NAV chart (every 2 s of engine time, it would walk the whole path each
    // time); risk.metrics asks for it (metrics()).
    const r = this.monitor.cycle(now, this.portfolio(), { chart: false });
    this.lastDiagnostics = { cycleMs: watch ? watch() - t0 : 0 };
    this.last = r.metrics;
    this.d.publish.metrics(r.metrics, this.lastDiagnostics);
    if (r.changed) {
      const raisedNow = r.flags.filter((f) => !this.flags.some((o) => o.code === f.code && o.subject === f.subject && o.severity === f.severity));
      this.flags = r.flags;
      this.d.publish.flags(r.flags);
      for (const f of raisedNow) {
        this.d.log(f.severity === 'critical' ? 'warn' : 'info', `PMS flag ${f.code} ${f.severity}${f.subject ? ` (${f.subject})` : ''}: ${f.message}`);
        // A flag about one instrument acts on that instrument (the guard pauses algos adding to it);
        // only a flag about the whole book moves the book's trading state.
        if ((this.d.options?.escalate ?? true) && f.symbol === null && (f.action === 'halt' || f.action === 'force_reduce')) this.d.escalate(f.action, f);
      }
    }
    return r.metrics;
  }

  /** The portfolio snapshot; the last one again when neither the book nor a mark moved since. */
  private portfolio(): PmsPortfolio {
    const book = this.d.portfolioKey?.();
    if (book === undefined) return this.d.portfolio();
    const key = [...book, ...this.d.symbols().map((s) => this.d.markOf(s))];
    const last = this.snap;
    if (last !== undefined && last.key.length === key.length && last.key.every((k, i) => Object.is(k, key[i]))) return last.portfolio;
    const portfolio = this.d.portfolio();
    this.snap = { key, portfolio };
    return portfolio;
  }

  metrics(): RiskMetricsDto {
    const m = this.last ?? this.cycle();
    return { ...m, navHistory: this.monitor.navChart() };
  }

  /** The last cycle's wall-time cost (not part of the metrics: see PmsLoopDeps.publish). */
  diagnostics(): PmsCycleDiagnostics {
    return this.lastDiagnostics;
  }

  currentFlags(): RiskFlagDto[] {
    return this.flags;
  }

  stress(p: Params<'risk.stress'>): StressDto {
    return this.monitor.stress(this.d.clock.now(), this.d.portfolio(), { lossFractions: p.lossFractions, scenarios: p.scenarios });
  }

  impact(symbol: string, deltaQty: number, price: number): { before: ImpactDto; after: ImpactDto } {
    return this.monitor.impact(this.d.portfolio(), symbol, deltaQty, price);
  }

  /**
   * The guard link: a force_reduce or halt flag on the parent's instrument or on the whole book
   * pauses an algo that adds exposure (it resumes only by the operator); with `slowOn` set, an alert
   * at that severity or above makes it wait before its next child. `reduces` is asked only when a
   * flag concerns the order.
   */
  ask(parent: GuardedOrder, reduces: () => boolean): GuardVerdict | undefined {
    if (this.flags.length === 0) return undefined;
    const v = flagVerdict(this.flags, parent.symbol, this.d.options?.slowOn ?? null);
    return v === undefined || reduces() ? undefined : v;
  }

  guard(parent: GuardedOrder, reduces: boolean): GuardVerdict | undefined {
    return this.ask(parent, () => reduces);
  }
}
