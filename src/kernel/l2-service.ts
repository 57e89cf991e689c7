import { ApprovalQueue } from '../approval/queue.ts';
import type { QueueOptions } from '../approval/queue.ts';
import type { AlphaDto, FrontierDto, PortfolioTargetDto, ProposalDto, RebalanceDto, SignalCycleDto, SignalDto, SignalsDto } from '../contract/l2-dto.ts';
import { DomainError } from '../core/errors.ts';
import type { DomainErrorCode } from '../core/errors.ts';
import { BarHistory } from '../signals/bars.ts';
import { SignalCycle } from '../signals/cycle.ts';
import { SignalError } from '../signals/errors.ts';
import type { CycleRecord } from '../signals/journal.ts';
import { AlphaRegistry, defaultAlphaRegistry } from '../signals/registry.ts';
import type { AlphaInfo } from '../signals/registry.ts';
import type { JournaledSignal } from '../signals/signal.ts';
import { createAlphaView } from '../signals/view.ts';
import type { AlphaView } from '../signals/view.ts';
import type { EngineCore } from './context.ts';
import { assessOrder, priceOf, sendProposal } from './l2-assess.ts';
import { bookOf, computeFrontier, computeTargets, DEFAULT_PORTFOLIO_OPTIONS, planRebalance } from './l2-portfolio.ts';
import type { PortfolioOptions } from './l2-portfolio.ts';
import type { L2Stores, Log } from './parts.ts';

/**
 * L2 in the engine, on the engine clock: a signal cycle every `cycleEveryMs` (alphas read a view of
 * the market data hub's closed 1m bars and the ledger's weights) → aggregator → gate and sizing →
 * rebalancer → proposals in the approval queue, which sends what the operator approves through the
 * order intake (L1, then L3). A backtest or replay drives the same code by advancing its SimClock.
 */
export interface L2Options {
  /** Engine ms between signal cycles (default 60 s). */
  cycleEveryMs?: number;
  /** After a cycle in which an alpha ran, turn the targets into proposals (default true). */
  autoPropose?: boolean;
  /** Engine ms between expiry sweeps of the queue (default 1 s). */
  sweepEveryMs?: number;
  queue?: Partial<QueueOptions>;
  portfolio?: Partial<PortfolioOptions>;
}

export interface L2Publish {
  signals(c: SignalCycleDto): void;
  created(p: ProposalDto): void;
  updated(p: ProposalDto): void;
}

const BAR_MS = 60_000;
const SIGNAL_CODES: Record<string, DomainErrorCode> = { UNKNOWN_ALPHA: 'UNKNOWN_ALPHA', UNKNOWN_PARAM: 'UNKNOWN_PARAM', BAD_PARAM: 'BAD_PARAM', DUPLICATE_ALPHA: 'BAD_PARAM', BAD_INPUT: 'BAD_INPUT' };

function signalDto(s: JournaledSignal): SignalDto {
  return { ...s, inputs: Object.fromEntries(Object.entries(s.inputs).map(([k, v]) => [k, Array.isArray(v) ? [...(v as number[])] : (v as SignalDto['inputs'][string])])) };
}

function cycleDto(c: CycleRecord): SignalCycleDto {
  return { id: c.id, at: c.at, ran: [...c.ran], failed: c.failed.map((f) => ({ ...f })), signals: c.signals.map(signalDto) };
}

export class L2Service {
  readonly queue: ApprovalQueue;
  readonly registry: AlphaRegistry;
  readonly #ctx: EngineCore;
  readonly #stores: L2Stores;
  readonly #publish: L2Publish;
  readonly #log: Log;
  readonly #history = new BarHistory();
  readonly #view: AlphaView;
  readonly #cycle: SignalCycle;
  readonly #everyMs: number;
  readonly #sweepMs: number;
  readonly #autoPropose: boolean;
  readonly #portfolio: PortfolioOptions;
  readonly #lastRun = new Map<string, number>();
  readonly #lastBar = new Map<string, number>();
  #ranThisSession = false;
  #pinned: number | undefined;
  #timers: number[] = [];
  #running = false;

  constructor(ctx: EngineCore, stores: L2Stores, publish: L2Publish, log: Log, o: L2Options = {}) {
    this.#ctx = ctx;
    this.#stores = stores;
    this.#publish = publish;
    this.#log = log;
    this.#everyMs = o.cycleEveryMs ?? 60_000;
    this.#sweepMs = o.sweepEveryMs ?? 1000;
    this.#autoPropose = o.autoPropose ?? true;
    this.#portfolio = { ...DEFAULT_PORTFOLIO_OPTIONS, ...o.portfolio };
    this.registry = defaultAlphaRegistry();
    const saved = stores.signals.loadAlphaConfig();
    if (saved) {
      try {
        this.registry.importConfig(saved);
      } catch (err) {
        log('warn', `saved alpha configuration refused (${err instanceof Error ? err.message : String(err)}); using the defaults`);
        this.registry = new AlphaRegistry();
        this.registry.importConfig(defaultAlphaRegistry().exportConfig());
      }
    }
    // A cycle sees one instant: on the wall clock time moves while alphas run, and a signal must
    // carry the cycle's time (SignalCycle refuses one that does not).
    this.#view = createAlphaView(this.#history, { now: () => this.#pinned ?? ctx.clock.now() }, () => {
      const b = bookOf(ctx);
      return b.nav > 0 ? { ...b.weights, CASH: b.cash / b.nav } : {};
    });
    this.#cycle = new SignalCycle(this.registry, this.#view, stores.signals);
    this.queue = new ApprovalQueue({
      now: () => ctx.clock.now(),
      store: stores.approvals,
      assess: (order) => assessOrder(ctx, order),
      send: (p) => sendProposal(ctx, p),
      price: (s) => priceOf(ctx, s),
      frozen: () => {
        const st = ctx.risk.stateDto();
        if (st.mode !== 'HALTED') return null;
        return `trading is HALTED${st.cause ? ` (${st.cause.code}: ${st.cause.message})` : ''}`;
      },
      onCreated: (p) => publish.created(p),
      onUpdated: (p) => publish.updated(p),
      options: o.queue,
    });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const clock = this.#ctx.clock;
    const cycleTick = (): void => {
      this.#guarded('signal cycle', () => this.runCycle(this.#autoPropose));
      this.#timers[0] = clock.schedule(clock.now() + this.#everyMs, cycleTick);
    };
    const sweepTick = (): void => {
      this.#guarded('approval expiry sweep', () => this.queue.expireDue());
      this.#timers[1] = clock.schedule(clock.now() + this.#sweepMs, sweepTick);
    };
    this.#timers = [clock.schedule(clock.now() + this.#everyMs, cycleTick), clock.schedule(clock.now() + this.#sweepMs, sweepTick)];
  }

  stop(): void {
    this.#running = false;
    for (const t of this.#timers) this.#ctx.clock.cancel(t);
    this.#timers = [];
  }

  /** One cycle now: new closed bars in, due alphas run, the cycle journaled; proposals if asked. */
  runCycle(propose: boolean): CycleRecord {
    this.#syncBars();
    this.#pinned = this.#ctx.clock.now();
    let rec: CycleRecord;
    try {
      rec = this.#cycle.run();
    } finally {
      this.#pinned = undefined;
    }
    this.#ranThisSession = true;
    for (const a of rec.ran) this.#lastRun.set(a, rec.at);
    if (rec.signals.length > 0) this.#publish.signals(cycleDto(rec));
    for (const f of rec.failed) this.#log('warn', `alpha ${f.alpha} failed in ${rec.id}: ${f.code} ${f.message}`);
    if (propose && rec.ran.length > 0) this.rebalance(false);
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
  target(): PortfolioTargetDto {
    if (!this.#ranThisSession) this.runCycle(false);
    const drawdown = (this.#ctx.risk.status().loss?.drawdownPct.daily ?? 0) / 100;
    return computeTargets(this.#ctx, this.#cycle.current(), this.#view, Math.max(0, drawdown), this.#stores.signals.lastCycle()?.id ?? null, this.#portfolio);
  }

  rebalance(dryRun: boolean): RebalanceDto {
    const t = this.target();
    const { plan, drafts } = planRebalance(this.#ctx, t, this.#busySymbols(), this.#portfolio);
    const made = this.queue.propose(drafts, { dryRun });
    return { dryRun, batchId: made.batchId, due: plan.due, nav: plan.nav, turnover: plan.turnover, notes: plan.notes, warnings: plan.warnings, proposals: made.proposals };
  }

  async frontier(points: number, riskFreeRate: number): Promise<FrontierDto> {
    this.#syncBars();
    const t = this.target();
    const current = Object.fromEntries(t.rows.map((r) => [r.symbol, r.currentWeight]));
    const target = Object.fromEntries(t.rows.map((r) => [r.symbol, r.targetWeight]));
    return computeFrontier(this.#view, this.#ctx.instruments.all().map((i) => i.symbol), current, target, points, riskFreeRate);
  }

  /** Symbols with a proposal waiting or a signal order still working: not proposed again. */
  #busySymbols(): Set<string> {
    const busy = this.queue.pendingSymbols();
    for (const o of this.#ctx.oms.openOrders()) if (o.source === 'signal' && o.parentId === null) busy.add(o.symbol);
    return busy;
  }

  /** Appends the hub's newly closed 1m bars (the forming bar stays out until it closes). */
  #syncBars(): void {
    const now = this.#ctx.clock.now();
    for (const i of this.#ctx.instruments.all()) {
      const last = this.#lastBar.get(i.symbol) ?? -Infinity;
      for (const c of this.#ctx.hub.candles(i.symbol, '1m', 2000)) {
        const closeTime = c.time + BAR_MS;
        if (closeTime <= last || closeTime > now) continue;
        try {
          this.#history.append(i.symbol, { time: c.time, closeTime, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume });
          this.#lastBar.set(i.symbol, closeTime);
        } catch (err) {
          this.#log('warn', `bar of ${i.symbol} at ${c.time} not used: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
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
