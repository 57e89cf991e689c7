import { isPending } from '../approval/proposal.ts';
import { ApprovalQueue } from '../approval/queue.ts';
import type { QueueOptions } from '../approval/queue.ts';
import type { AlphaDto, FrontierDto, PortfolioTargetDto, ProposalDto, RebalanceDto, SignalCycleDto, SignalsDto } from '../contract/l2-dto.ts';
import { DomainError } from '../core/errors.ts';
import { UNIT_DECIMALS } from '../risk/limits.ts';
import type { DomainErrorCode } from '../core/errors.ts';
import { cycleIdOf, SignalCycle } from '../signals/cycle.ts';
import { SignalError } from '../signals/errors.ts';
import type { CycleRecord } from '../signals/journal.ts';
import { AlphaRegistry, defaultAlphaRegistry } from '../signals/registry.ts';
import type { AlphaInfo } from '../signals/registry.ts';
import { createAlphaView } from '../signals/view.ts';
import type { AlphaView } from '../signals/view.ts';
import type { EngineCore } from './context.ts';
import { assessOrder, priceOf, sendProposal, settleInterrupted } from './l2-assess.ts';
import { L2DailyBars } from './l2-daily.ts';
import { QuietCycles } from './l2-quiet.ts';
import type { CycleBuilt } from './l2-quiet.ts';
import { cycleDto, signalDto } from './l2-signal-dto.ts';
import type { DailyHistory } from './l2-daily.ts';
import type { PortfolioConfigureInput, PortfolioSettingsDto } from '../contract/api/portfolio.ts';
import { PortfolioError } from '../portfolio/errors.ts';
import { construct } from './l2-construct.ts';
import type { Constructed } from './l2-construct.ts';
import { bookOf, computeFrontier, computeTargets, DEFAULT_PORTFOLIO_OPTIONS, dropCycleBook, holdCycleBook, planRebalance } from './l2-portfolio.ts';
import type { Construction, PortfolioOptions } from './l2-portfolio.ts';
import { defaultSettings, loadSettings, mergeSettings, validateSettings } from './l2-settings.ts';
import type { L2Stores, Log } from './parts.ts';

/**
 * L2 in the engine, on the engine clock: a signal cycle every `cycleEveryMs` (alphas read a view of
 * daily bars — the market's history before the session, then each UTC day aggregated from the hub's
 * 1m candles — and the ledger's weights) → aggregator → gate and sizing → rebalancer → proposals
 * in the approval queue, which sends what the operator approves through the order intake (L1, then L3). A backtest or replay drives the same code by advancing its SimClock.
 */
export interface L2Options {
  /** Engine ms between signal cycles (default 60 s; 0: cycles only on request — portfolio.target / rebalance). */
  cycleEveryMs?: number;
  /** After a cycle in which an alpha ran, turn the targets into proposals (default true). */
  autoPropose?: boolean;
  /** Engine ms between expiry sweeps of the queue (default 1 s). */
  sweepEveryMs?: number;
  queue?: Partial<QueueOptions>;
  portfolio?: Partial<PortfolioOptions>;
  /** Daily bars before the session (the kernel asks the market for them); absent: daily bars only from the live market. */
  dailyHistory?: DailyHistory;
  /** Repeat a timer cycle whose inputs did not change instead of running and journaling it (default true; see l2-quiet.ts). */
  quietCycles?: boolean;
}

export interface L2Publish {
  signals(c: SignalCycleDto): void;
  /** Whether anyone takes `signals` now (default yes); with no one, the cycle's DTO (a copy of every signal) is not built. */
  wantsSignals?(): boolean;
  created(p: ProposalDto): void;
  updated(p: ProposalDto): void;
}

const SIGNAL_CODES: Record<string, DomainErrorCode> = { UNKNOWN_ALPHA: 'UNKNOWN_ALPHA', UNKNOWN_PARAM: 'UNKNOWN_PARAM', BAD_PARAM: 'BAD_PARAM', DUPLICATE_ALPHA: 'BAD_PARAM', BAD_INPUT: 'BAD_INPUT' };

export class L2Service {
  readonly queue: ApprovalQueue;
  /** Built on first use: a session that never asks (a bar backtest) does not pay to validate every alpha's defaults. */
  #registry: AlphaRegistry | undefined;
  readonly #ctx: EngineCore;
  readonly #stores: L2Stores;
  readonly #publish: L2Publish;
  readonly #log: Log;
  readonly #view: AlphaView;
  #cycleOnce: SignalCycle | undefined;
  readonly #everyMs: number;
  readonly #sweepMs: number;
  readonly #autoPropose: boolean;
  readonly #portfolio: PortfolioOptions;
  /** The operator's construction settings (portfolio.configure), journaled in the engine database. */
  #settings: PortfolioSettingsDto;
  /** Engine time of the last rebalance that was due (for the daily/weekly/monthly cadences), journaled. */
  #lastRebalanceAt: number | null = null;
  readonly #lastRun = new Map<string, number>();
  /** L2's daily bars: the history before the session, then each closed UTC day from the hub's 1m candles. */
  readonly #daily: L2DailyBars;
  /** Registry version the last cycle ran with (-1: none this session). */
  #ranVersion = -1;
  #pinned: number | undefined;
  #timers: number[] = [];
  #running = false;
  /**
   * The expiry sweep runs on the grid start + k·sweepMs, as a periodic timer would, but only while
   * proposals wait: with none it idles (a replay or backtest without proposals would otherwise pay
   * a timer and a store scan every simulated second) and is re-armed at the next grid time when one
   * is created or becomes pending again, so a proposal expires at the same engine time.
   */
  #sweepOrigin = 0;
  #lastSweepAt = -Infinity;
  readonly quiet: QuietCycles;

  constructor(ctx: EngineCore, stores: L2Stores, publish: L2Publish, log: Log, o: L2Options = {}) {
    this.#ctx = ctx;
    this.#stores = stores;
    this.#publish = publish;
    this.#log = log;
    this.#everyMs = o.cycleEveryMs ?? 60_000;
    this.#sweepMs = o.sweepEveryMs ?? 1000;
    this.#autoPropose = o.autoPropose ?? true;
    this.#daily = new L2DailyBars(ctx, log, o.dailyHistory);
    this.quiet = new QuietCycles(ctx, o.quietCycles ?? true, () => ({ registryVersion: this.registry.version, dailyBars: this.#daily.appended, pending: this.queue.pendingSymbols().size }));
    this.#portfolio = { ...DEFAULT_PORTFOLIO_OPTIONS, ...o.portfolio };
    const loaded = loadSettings(stores.portfolio?.load(), defaultSettings(this.#portfolio), (sym) => ctx.instruments.get(sym) !== undefined);
    if (loaded.refused !== null) log('warn', `saved portfolio settings refused (${loaded.refused}); using the defaults`);
    this.#settings = loaded.settings;
    this.#lastRebalanceAt = stores.portfolio?.lastRebalanceAt() ?? null;
    // A cycle sees one instant: on the wall clock time moves while alphas run, and a signal must
    // carry the cycle's time (SignalCycle refuses one that does not).
    this.#view = createAlphaView(this.#daily.history, { now: () => this.#pinned ?? ctx.clock.now() }, () => {
      const b = bookOf(ctx);
      return b.nav > 0 ? { ...b.weights, CASH: b.cash / b.nav } : {};
    });
    this.queue = new ApprovalQueue({
      now: () => ctx.clock.now(),
      store: stores.approvals,
      assess: (order) => assessOrder(ctx, order, this.#view),
      // The approver (the operator, or auto:<alpha>) travels with the order into the intake's journal.
      send: (p) => sendProposal(ctx, p, p.decidedBy ?? 'operator'),
      price: (s) => priceOf(ctx, s),
      position: (s) => ctx.valuation.qty(s),
      frozen: () => {
        const st = ctx.risk.stateDto();
        if (st.mode !== 'HALTED') return null;
        return `trading is HALTED${st.cause ? ` (${st.cause.code}: ${st.cause.message})` : ''}`;
      },
      onCreated: (p) => {
        if (isPending(p.status)) this.#armSweep();
        publish.created(p);
      },
      onUpdated: (p) => {
        if (isPending(p.status)) this.#armSweep();
        publish.updated(p);
      },
      options: o.queue,
    });
  }

  get registry(): AlphaRegistry {
    if (this.#registry) return this.#registry;
    let r = defaultAlphaRegistry();
    const saved = this.#stores.signals.loadAlphaConfig();
    if (saved) {
      try {
        r.importConfig(saved);
      } catch (err) {
        this.#log('warn', `saved alpha configuration refused (${err instanceof Error ? err.message : String(err)}); using the defaults`);
        r = new AlphaRegistry();
        r.importConfig(defaultAlphaRegistry().exportConfig());
      }
    }
    return (this.#registry = r);
  }

  get #cycle(): SignalCycle {
    return (this.#cycleOnce ??= new SignalCycle(this.registry, this.#view, this.#stores.signals));
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#guarded('settling interrupted approvals', () => settleInterrupted(this.#ctx, this.queue, this.#log));
    this.#daily.seed();
    const clock = this.#ctx.clock;
    const cycleTick = (): void => {
      this.#guarded('signal cycle', () => this.#timerCycle());
      this.#timers[0] = clock.schedule(clock.now() + this.#everyMs, cycleTick);
    };
    this.#sweepOrigin = clock.now();
    this.#lastSweepAt = -Infinity;
    // The first sweep runs whatever the queue holds: proposals may wait from before a restart.
    this.#timers = [this.#everyMs > 0 ? clock.schedule(clock.now() + this.#everyMs, cycleTick) : -1, clock.schedule(clock.now() + this.#sweepMs, this.#sweepTick)];
  }

  readonly #sweepTick = (): void => {
    const clock = this.#ctx.clock;
    this.#timers[1] = -1;
    this.#lastSweepAt = clock.now();
    let waiting = 1;
    this.#guarded('approval expiry sweep', () => (waiting = this.queue.sweep().waiting));
    if (waiting > 0 && this.#running && this.#timers[1] === -1) this.#timers[1] = clock.schedule(clock.now() + this.#sweepMs, this.#sweepTick);
  };

  /** Re-arms an idle sweep at the next grid time it has not yet run at. */
  #armSweep(): void {
    if (!this.#running || this.#timers[1] !== -1) return;
    const clock = this.#ctx.clock;
    const now = clock.now();
    const step = this.#sweepMs;
    let at = this.#sweepOrigin + Math.max(1, Math.ceil((now - this.#sweepOrigin) / step)) * step;
    if (at <= this.#lastSweepAt) at += step;
    this.#timers[1] = clock.schedule(at, this.#sweepTick);
  }

  stop(): void {
    this.#running = false;
    for (const t of this.#timers) if (t >= 0) this.#ctx.clock.cancel(t);
    this.#timers = [];
  }

  /** The timer's cycle: repeated when quiet (see l2-quiet.ts), else run, and its outcome noted for the next. */
  #timerCycle(): void {
    this.#daily.sync();
    if (this.#autoPropose && this.quiet.quiet(this.#cycle)) for (const a of this.#cycle.repeat()) this.#lastRun.set(a, this.#ctx.clock.now());
    else this.runCycle(this.#autoPropose, (built) => this.quiet.noteCycle(built, this.#settings.rebalance.cadence === 'on-drift'));
  }

  /** One cycle now: new closed bars in, due alphas run, the cycle journaled; proposals if asked (`built` hears what they were built from). */
  runCycle(propose: boolean, built?: (b: CycleBuilt) => void): CycleRecord {
    holdCycleBook(this.#ctx);
    try {
      return this.#runCycle(propose, built);
    } finally {
      dropCycleBook(this.#ctx);
    }
  }

  #runCycle(propose: boolean, built?: (b: CycleBuilt) => void): CycleRecord {
    this.#daily.sync();
    this.#pinned = this.#ctx.clock.now();
    let rec: CycleRecord;
    try {
      rec = this.#cycle.run();
    } finally {
      this.#pinned = undefined;
    }
    this.#ranVersion = this.registry.version;
    for (const a of rec.ran) this.#lastRun.set(a, rec.at);
    if (rec.signals.length > 0 && (this.#publish.wantsSignals?.() ?? true)) this.#publish.signals(cycleDto(rec));
    for (const f of rec.failed) this.#log('warn', `alpha ${f.alpha} failed in ${rec.id}: ${f.code} ${f.message}`);
    if (propose && rec.ran.length > 0) {
      const t = this.target();
      if (t instanceof Promise) {
        built?.(undefined);
        t.then((x) => this.#rebalanceFrom(x, false)).catch((err: unknown) => this.#log('error', `rebalance after ${rec.id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
      } else built?.({ target: t, rebalance: this.#rebalanceFrom(t, false) });
    } else built?.(rec.failed.length === 0 ? null : undefined);
    return rec;
  }

  // ── signals.* ──
  signals(limit: number): SignalsDto {
    const last = this.#stores.signals.lastCycle();
    return { alphas: this.registry.list().map((a) => this.#alphaDto(a)), recent: this.#stores.signals.signals({ limit }).map(signalDto), lastCycle: last ? cycleDto(last) : null, cycleEveryMs: this.#everyMs };
  }

  enable(name: string): AlphaDto {
    return this.#change(() => this.registry.enable(name));
  }

  disable(name: string): AlphaDto {
    return this.#change(() => this.registry.disable(name));
  }

  set(name: string, key: string, value: unknown): AlphaDto {
    return this.#change(() => this.registry.set(name, key, value));
  }

  // ── portfolio.* ──
  settings(): PortfolioSettingsDto {
    return structuredClone(this.#settings);
  }

  /** Validates and journals new settings; the next cycle (or portfolio.target) builds with them. */
  configure(change: PortfolioConfigureInput): PortfolioSettingsDto {
    const next = mergeSettings(this.#settings, change);
    validateSettings(next, (sym) => this.#ctx.instruments.get(sym) !== undefined);
    this.#stores.portfolio?.save(next);
    this.#settings = next;
    this.quiet.forget();
    this.#log('info', `portfolio settings: method ${next.method}, ${JSON.stringify(next.constraints)}, sizing ${next.sizing}, rebalance ${JSON.stringify(next.rebalance)}`);
    return this.settings();
  }

  /** The engine's PortfolioOptions with the operator's settings laid over them. */
  #options(): PortfolioOptions {
    const s = this.#settings;
    return { ...this.#portfolio, driftThreshold: s.rebalance.driftThreshold, cashBuffer: s.constraints.cashBuffer, maxTradeWeight: s.rebalance.maxTradeWeight };
  }

  /**
   * The sized target. Synchronous for every method but the QP optimisers (min-volatility,
   * max-sharpe), so that the default path (and a backtest's cycle on its SimClock) proposes in the
   * same timer callback as before; a failed construction keeps every weight and reports why.
   */
  target(): PortfolioTargetDto | Promise<PortfolioTargetDto> {
    // No cycle yet this session, or alphas changed since: run one so the target reflects them now.
    if (this.#ranVersion !== this.registry.version) this.runCycle(false);
    // The daily drawdown as risk.status reports it (percent, from pct units), read without building
    // that whole DTO: an auto-proposing cycle asks for the target every minute.
    const dd = this.#ctx.risk.service.loss?.drawdownPct.daily;
    const drawdown = (dd === undefined ? 0 : Number(dd) / 10 ** UNIT_DECIMALS.pct) / 100;
    const agg = this.#cycle.current();
    const settings = this.#settings;
    const options = this.#options();
    // The newest cycle's id from its sequence number: decoding the whole cycle (its ~200 signals) to
    // read the id cost more than the rest of target() on an auto-proposing minute cycle.
    const lastSeq = this.#stores.signals.nextCycleSeq() - 1;
    const cycleId = lastSeq >= 1 ? cycleIdOf(lastSeq) : null;
    const dynamicSizing = settings.sizing === 'dynamic';
    const build = (k: Construction): PortfolioTargetDto => computeTargets(this.#ctx, agg, this.#view, Math.max(0, drawdown), cycleId, options, k);
    const built = (c: Constructed | null): PortfolioTargetDto => build({ weights: c?.weights ?? null, dynamicSizing });
    const failed = (err: unknown): PortfolioTargetDto => {
      if (!(err instanceof PortfolioError || err instanceof DomainError)) throw err;
      const code = err.code === 'INFEASIBLE' ? 'INFEASIBLE' : 'BAD_INPUT';
      this.#log('warn', `portfolio construction (${settings.method}) failed: ${code} ${err.message}; nothing proposed`);
      return build({ weights: null, dynamicSizing, error: { code, message: `${settings.method}: ${err.message}` } });
    };
    let c: ReturnType<typeof construct>;
    try {
      const book = bookOf(this.#ctx);
      c = construct(this.#ctx, this.#view, agg, book.weights, settings);
    } catch (err) {
      return failed(err);
    }
    return c instanceof Promise ? c.then(built, failed) : built(c);
  }

  rebalance(dryRun: boolean): RebalanceDto | Promise<RebalanceDto> {
    const t = this.target();
    return t instanceof Promise ? t.then((x) => this.#rebalanceFrom(x, dryRun)) : this.#rebalanceFrom(t, dryRun);
  }

  #rebalanceFrom(t: PortfolioTargetDto, dryRun: boolean): RebalanceDto {
    if (t.constructionError) {
      const e = t.constructionError;
      return { dryRun, batchId: null, due: false, nav: t.nav, turnover: 0, notes: [], warnings: [`portfolio construction failed (${e.code}): ${e.message}; nothing proposed`], proposals: [], constructionError: e };
    }
    const s = this.#settings;
    const groups = Object.keys(s.constraints.groupCaps).length > 0 ? { of: s.constraints.groups, caps: s.constraints.groupCaps } : undefined;
    const { plan, drafts } = planRebalance(this.#ctx, t, this.#busySymbols(), this.#options(), {
      minTradeValue: s.rebalance.minTradeValue,
      turnoverCap: s.rebalance.turnoverCap,
      cadence: s.rebalance.cadence,
      lastRebalanceAt: this.#lastRebalanceAt,
      ...(groups ? { groups } : {}),
    });
    // Proposing may send orders (auto-approval): the cycle's book is not held past here.
    dropCycleBook(this.#ctx);
    const made = this.queue.propose(drafts, { dryRun });
    if (!dryRun && plan.due) {
      this.#lastRebalanceAt = this.#ctx.clock.now();
      // Journaled: after a restart a daily/weekly/monthly cadence is not due again in the same period.
      this.#stores.portfolio?.saveLastRebalanceAt(this.#lastRebalanceAt);
    }
    return { dryRun, batchId: made.batchId, due: plan.due, nav: plan.nav, turnover: plan.turnover, notes: plan.notes, warnings: plan.warnings, proposals: made.proposals };
  }

  async frontier(points: number, riskFreeRate: number): Promise<FrontierDto> {
    this.#daily.sync();
    const t = await this.target();
    const current = Object.fromEntries(t.rows.map((r) => [r.symbol, r.currentWeight]));
    const target = Object.fromEntries(t.rows.map((r) => [r.symbol, r.targetWeight]));
    return computeFrontier(this.#ctx, this.#view, this.#ctx.instruments.all().map((i) => i.symbol), current, target, points, riskFreeRate);
  }

  /** Symbols with a proposal waiting or a signal order still working: not proposed again. */
  #busySymbols(): Set<string> {
    const busy = this.queue.pendingSymbols();
    for (const o of this.#ctx.oms.openOrders()) if (o.source === 'signal' && o.parentId === null) busy.add(o.symbol);
    return busy;
  }

  /** Where each symbol's daily history before the session came from. */
  dailySources(): Record<string, string> {
    return this.#daily.sources();
  }

  #alphaDto(a: AlphaInfo): AlphaDto {
    return { name: a.name, kind: a.kind, description: a.description, enabled: a.enabled, weight: a.weight, cadence: a.cadence, params: { ...a.params }, diagnostics: a.diagnostics ? { ...a.diagnostics } : null, lastRunAt: this.#lastRun.get(a.name) ?? null };
  }

  #change(fn: () => AlphaInfo): AlphaDto {
    let info: AlphaInfo;
    try {
      info = fn();
    } catch (err) {
      if (err instanceof SignalError) throw new DomainError(SIGNAL_CODES[err.code] ?? 'BAD_PARAM', err.message, err.issues.map((i) => ({ ...i })));
      throw err;
    }
    this.#stores.signals.saveAlphaConfig(this.registry.exportConfig());
    return this.#alphaDto(info);
  }

  #guarded(what: string, fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.#log('error', `${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
}
