import type { Urgency } from '../contract/dto.ts';
import { notionalUnits } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import { CircuitBreakers, DEFAULT_BREAKERS } from './circuit-breakers.ts';
import type { BreakerConfig, BreakerEvent, BreakerStatus } from './circuit-breakers.ts';
import { DAY_MS, EquityWatermarks, watermarksFromJson, watermarksToJson } from './drawdown.ts';
import type { LossView } from './drawdown.ts';
import { ExposureSlots } from './exposure-slots.ts';
import { FAST_PASS, StrictnessMemo, fastCleanPass } from './gate-fast.ts';
import type { FastInputs } from './gate-fast.ts';
import { EMPTY_LIMIT_BOOK, applyLimitCommand, defaultLimitBook, diffLimitBooks, parseLimitCommand, validateLimitBook } from './limits.ts';
import type { AppliedCommand, CheckName, LimitBook, LimitCommand } from './limits.ts';
import { OrderRateWindow } from './order-rate.ts';
import type { OrderRates } from './order-rate.ts';
import type { AuditMeta, RiskStorePort } from './ports.ts';
import { ProjectedStateCache, exposureOf, sideReduces } from './projected-state.ts';
import type { ExposureSource, InstrumentOf, ProjectedState } from './projected-state.ts';
import { CLEAN_PASS, DEFAULT_GATE_CONFIG, NO_CHECKS, blankDecision, evaluateOrder, frozenCopy, sharedChecked } from './risk-gate.ts';
import type { MarketView, RiskDecision, RiskGateConfig, RiskInputs, RiskOrder } from './risk-gate.ts';
import { effectiveLimitTable, strictnessFor } from './tiers.ts';
import type { EffectiveLimitRow, VolObservation } from './tiers.ts';
import { TradingState } from './trading-state.ts';
import type { StateCause, StateTransition, TradingMode, TransitionResult } from './trading-state.ts';

/**
 * L1 assembled: limits (persisted, audited), trading state (persisted, restored), circuit breakers,
 * equity watermarks and order rates around the pure gate. Everything comes in through ports and
 * arguments (no clock, no I/O of its own): the engine feeds observations and asks for decisions.
 */

export interface RiskMarketPort {
  /** Reference (mark) price. */
  ref(symbol: string): bigint | undefined;
  bid(symbol: string): bigint | undefined;
  ask(symbol: string): bigint | undefined;
  /** Current and baseline volatility; undefined: the regime is unknown (no scaling). */
  volatility?(symbol: string): VolObservation | undefined;
}

export interface RiskListener {
  stateChanged?(t: StateTransition): void;
  breaker?(e: BreakerEvent): void;
  limitsChanged?(book: LimitBook, meta: AuditMeta): void;
}

export interface RiskServiceDeps {
  store: RiskStorePort;
  instrumentOf: InstrumentOf;
  exposure: ExposureSource;
  market: RiskMarketPort;
  /** Seeded on the first start of a database (default: defaultLimitBook()). */
  defaults?: LimitBook;
  gate?: RiskGateConfig;
  breakers?: BreakerConfig;
  /** Trading day boundary offset from UTC midnight, ms. */
  dayOffsetMs?: number;
  /** Symbols limit updates may name (default: any). */
  isKnownSymbol?: (symbol: string) => boolean;
  listener?: RiskListener;
}

export interface RiskStatus {
  mode: TradingMode;
  since: number | null;
  cause: StateCause | null;
  resumeToken: string | null;
  breakers: BreakerStatus[];
  blocked: { symbol: string; cause: string }[];
  loss: LossView | null;
}

/** The inputs of a clean pass's notional, and the notional once read. */
interface LazyNotional {
  inst: Instrument | undefined;
  price: bigint;
  qty: bigint;
  value: bigint | null;
  ready: boolean;
}

/**
 * The decision with notionalUnits as an accessor: the fast path leaves the price and quantity,
 * the notional is their product when someone reads it (the same bigint notionalUnits() gives),
 * and the exact path writes it as before. It reads, spreads and serialises as a plain field.
 */
function lazyNotional(d: RiskDecision, n: LazyNotional): RiskDecision {
  Object.defineProperty(d, 'notionalUnits', {
    enumerable: true,
    configurable: true,
    get(): bigint | null {
      if (!n.ready) {
        n.value = notionalUnits(n.inst!, n.price, n.qty);
        n.ready = true;
      }
      return n.value;
    },
    set(v: bigint | null): void {
      n.value = v;
      n.ready = true;
    },
  });
  return d;
}

const WATERMARK_KEY = 'equity_watermarks';
/** Persist watermarks at most this often (ms) unless a period rolls over. */
const WATERMARK_PERSIST_MS = 5_000;

export type LimitUpdateResult = AppliedCommand;

export class RiskService {
  private readonly deps: RiskServiceDeps;
  private readonly gateConfig: RiskGateConfig;
  private book: LimitBook;
  private readonly state: TradingState;
  private readonly breakers: CircuitBreakers;
  private readonly watermarks: EquityWatermarks;
  private readonly rates = new OrderRateWindow();
  private readonly stateCache = new ProjectedStateCache();
  private lastPersist = -Infinity;
  private lastDayStart: number | undefined;
  /** The watermarks' change count at the last write (-1: nothing written by this instance yet). */
  private persistedChanges = -1;

  constructor(deps: RiskServiceDeps, now: number) {
    this.deps = deps;
    this.gateConfig = deps.gate ?? DEFAULT_GATE_CONFIG;
    this.breakers = new CircuitBreakers(deps.breakers ?? DEFAULT_BREAKERS);
    const loaded = deps.store.loadLimits();
    if (loaded) {
      this.book = loaded;
    } else {
      const defaults = deps.defaults ?? defaultLimitBook();
      const problems = validateLimitBook(defaults);
      if (problems.length > 0) throw new Error(`default limits are invalid: ${problems.map((p) => p.message).join('; ')}`);
      deps.store.commitLimitChanges(diffLimitBooks(EMPTY_LIMIT_BOOK, defaults), { at: now, actor: 'system', source: 'defaults', reason: 'first start: default limits' });
      this.book = defaults;
    }
    this.state = new TradingState(deps.store.lastStateTransition());
    const snap = deps.store.getMeta(WATERMARK_KEY);
    const restored = snap !== undefined ? watermarksFromJson(snap) : undefined;
    this.watermarks = new EquityWatermarks({ snapshot: restored, dayOffsetMs: deps.dayOffsetMs });
  }

  get limits(): LimitBook {
    return this.book;
  }

  get mode(): TradingMode {
    return this.state.mode;
  }

  /**
   * The projected state L1 checks against right now: rebuilt from the exposure port on every call,
   * unless the port has version(), then kept while the version is unchanged (moved reference
   * prices are still revalued on every call).
   */
  projectedState(): ProjectedState {
    return this.stateCache.get(this.deps.exposure, this.deps.instrumentOf, this.refOf);
  }

  /** The market port's reference price, bound once: a closure made per check was garbage per check. */
  private readonly refOf = (s: string): bigint | undefined => this.deps.market.ref(s);

  /**
   * Whether a working order already counted in the projected state (an algo parent's remainder)
   * only reduces its position, with every other order on its side: the trading guard's question,
   * answered by the same rule L1 applies to a new order (sideReduces).
   */
  reduces(symbol: string, side: 'buy' | 'sell'): boolean {
    // The slots when they can answer: check() keeps them current, and ProjectedStateCache, which
    // clean passes no longer touch, may be far behind (catching it up can be a full rebuild).
    // Exact slots beside the cash answer too: reduces() reads positions and working orders only.
    if (this.slots.sync(this.deps.exposure, this.deps.instrumentOf, this.refOf, this.book) || this.slots.exactBesideCash()) return this.slots.reduces(symbol, side);
    const e = exposureOf(this.projectedState(), symbol);
    return sideReduces(e.positionUnits, e, side);
  }

  /** Why new exposure in `symbol` is blocked by a breaker, or undefined. */
  blockOf(symbol: string): string | undefined {
    return this.breakers.blockOf(symbol);
  }

  /** How projectedState() has answered after a change: full rebuilds, or reading back the changed symbols only. */
  projectedStateStats(): { rebuilds: number; symbolReads: number } {
    return { ...this.stateCache.stats };
  }

  /**
   * Checks one order. Counts the attempt for the runaway breaker (which may halt trading) and, when
   * the verdict is pass, the order for the rate limits: call it once per order actually to be sent,
   * after the structural checks (checkOrder) passed.
   */
  check(order: RiskOrder, now: number): RiskDecision {
    const decision = this.fastCheck(order, now) ?? this.evaluate(order, now, this.passDecision, this.slotsReady, this.scratchFilled);
    this.handle(this.breakers.recordOrderAttempt(now), now);
    if (decision.verdict === 'pass') this.rates.record(now, order.symbol);
    return decision;
  }

  /**
   * The decision check() would give, without counting the order anywhere (no rate window, no
   * runaway-breaker attempt): the ticket's what-if.
   */
  preview(order: RiskOrder, now: number): RiskDecision {
    // The slots when they can serve (syncing counts nothing): ProjectedStateCache, which clean
    // passes no longer touch, may be many versions behind, and the ticket previews on every edit.
    const fromSlots = this.deps.instrumentOf(order.symbol) !== undefined && this.slots.sync(this.deps.exposure, this.deps.instrumentOf, this.refOf, this.book);
    return this.evaluate(order, now, undefined, fromSlots, false);
  }

  /** The clean pass's notional, computed when read (a bigint product is an allocation per check). */
  private readonly notional: LazyNotional = { inst: undefined, price: 0n, qty: 0n, value: null, ready: true };

  /**
   * check()'s decision for a clean pass, overwritten by the next check(): the steady-state check
   * (every limit holds) then allocates nothing. Callers read a check's decision at once (the order
   * path turns it into its verdict); preview() and every breach return a decision of their own.
   */
  private readonly passDecision: RiskDecision = lazyNotional(blankDecision(), this.notional);

  /** The projected state in doubles, updated in place, for the fast path (gate-fast.ts). */
  private readonly slots = new ExposureSlots();
  private readonly strictnessMemo = new StrictnessMemo();
  /** The slots were synced and exact for the order being checked: the exact path may read them (slots.state()). */
  private slotsReady = false;
  /** The fast path ran for the order being checked and put its quote and rates in the scratch. */
  private scratchFilled = false;
  private fastInputs: FastInputs | undefined;
  /** How check() decided: a clean pass settled by the fast path, or the exact path. For tests and benchmarks. */
  readonly checkStats = { fast: 0, exact: 0 };

  /**
   * check() on the fast path: a clean pass decided in doubles over the slots, into passDecision;
   * undefined when the fast path cannot be sure (every breach and denial among them), and the
   * exact path then decides.
   */
  private fastCheck(order: RiskOrder, now: number): RiskDecision | undefined {
    this.slotsReady = false;
    this.scratchFilled = false;
    const inst = this.deps.instrumentOf(order.symbol);
    if (!inst) return undefined;
    this.slotsReady = this.slots.sync(this.deps.exposure, this.deps.instrumentOf, this.refOf, this.book);
    // With a cash beyond exact doubles (an account over ~90M) the fast path still settles the
    // limits that read neither NAV nor cash and defers the rest; the exact path then reads the
    // cache, as the slots' state() needs the cash.
    if (!this.slotsReady && !this.slots.exactBesideCash()) {
      this.checkStats.exact++;
      return undefined;
    }
    const m = this.deps.market;
    const sc = this.scratch;
    sc.market.refPriceUnits = m.ref(order.symbol);
    sc.market.bidUnits = m.bid(order.symbol);
    sc.market.askUnits = m.ask(order.symbol);
    this.rates.ratesInto(now, order.symbol, sc.rates);
    this.scratchFilled = true;
    const strictness = this.strictnessMemo.get(order.urgency, m.volatility?.(order.symbol), this.gateConfig.tiers);
    const fi = (this.fastInputs ??= { slots: this.slots, limits: this.book, mode: this.state.mode, blocked: undefined, market: sc.market, rates: sc.rates, loss: undefined, strictness });
    fi.limits = this.book;
    fi.mode = this.state.mode;
    fi.blocked = this.breakers.blockedSymbols();
    fi.loss = this.watermarks.view();
    fi.strictness = strictness;
    if (!fastCleanPass(order, inst, fi)) {
      this.checkStats.exact++;
      return undefined;
    }
    this.checkStats.fast++;
    const price = FAST_PASS.price!;
    const d = this.passDecision;
    d.verdict = 'pass';
    d.code = null;
    d.message = CLEAN_PASS;
    // Only when there is something to drop: setting an array's length is a runtime call even to 0 from 0.
    if (d.breaches.length > 0) d.breaches.length = 0;
    d.confirmable = false;
    d.confirmed = false;
    d.reducing = FAST_PASS.reducing;
    d.priceUnits = price;
    const n = this.notional;
    n.inst = inst;
    n.price = price;
    n.qty = order.qtyUnits;
    n.ready = false;
    d.strictness = strictness;
    d.checked = sharedChecked(FAST_PASS.checked);
    const deferred = order.kind === 'parent' ? strictness.deferred : NO_CHECKS;
    d.deferred = (deferred.length === 0 ? NO_CHECKS : frozenCopy(deferred)) as CheckName[];
    return d;
  }

  /**
   * The gate's inputs, reused from one check to the next: evaluateOrder reads them and keeps none
   * of them in its decision, and a check allocates nothing it does not have to.
   */
  private readonly scratch: { market: MarketView; rates: OrderRates; inputs: RiskInputs | undefined } = {
    market: { refPriceUnits: undefined, bidUnits: undefined, askUnits: undefined },
    rates: { minute: 0, hour: 0, symbolMinute: 0, symbolHour: 0 },
    inputs: undefined,
  };

  /**
   * The exact gate. fromSlots: the state is the slots' (synced and exact for this order);
   * filled: the fast path has put this order's quote and rates in the scratch already.
   */
  private evaluate(order: RiskOrder, now: number, reuse: RiskDecision | undefined, fromSlots: boolean, filled: boolean): RiskDecision {
    const inst = this.deps.instrumentOf(order.symbol);
    if (!inst) throw new RangeError(`unknown instrument ${order.symbol}`);
    const m = this.deps.market;
    const sc = this.scratch;
    if (!filled) {
      sc.market.refPriceUnits = m.ref(order.symbol);
      sc.market.bidUnits = m.bid(order.symbol);
      sc.market.askUnits = m.ask(order.symbol);
      this.rates.ratesInto(now, order.symbol, sc.rates);
    }
    // Synced slots are the state (ProjectedStateCache may be many versions behind after a run of
    // clean passes); a port without version() or a book beyond exact doubles uses the cache.
    const state = fromSlots ? this.slots.state() : this.projectedState();
    const inputs = (sc.inputs ??= { state, limits: this.book, mode: this.state.mode, market: sc.market, rates: sc.rates, loss: undefined });
    inputs.state = state;
    inputs.limits = this.book;
    inputs.mode = this.state.mode;
    inputs.blocked = this.breakers.blockedSymbols();
    inputs.loss = this.watermarks.view();
    inputs.volatility = m.volatility?.(order.symbol);
    return evaluateOrder(order, inst, inputs, this.gateConfig, reuse);
  }

  /** Orders already sent in each window for a symbol (what the rate limits see). */
  orderRates(symbol: string, now: number): OrderRates {
    return this.rates.rates(now, symbol);
  }

  /** Records an order sent without check() (e.g. replayed from the journal at start for the rate windows). */
  recordSent(symbol: string, at: number): void {
    this.rates.record(at, symbol);
  }

  /** Parses and applies `set NAME VALUE [--symbol S]`-style text; persisted with its audit entry. */
  updateLimits(command: string | LimitCommand, meta: AuditMeta): LimitUpdateResult {
    let cmd: LimitCommand;
    if (typeof command === 'string') {
      const parsed = parseLimitCommand(command);
      if (!parsed.ok) return parsed;
      cmd = parsed.command;
    } else cmd = command;
    if (meta.reason === null && cmd.reason !== null) meta = { ...meta, reason: cmd.reason };
    const applied = applyLimitCommand(this.book, cmd, { isKnownSymbol: this.deps.isKnownSymbol });
    if (!applied.ok || applied.changes.length === 0) return applied;
    // Never save a book that would then fail: a problem the change introduces refuses the change.
    const known = new Set(validateLimitBook(this.book).map((p) => p.message));
    const introduced = validateLimitBook(applied.book).find((p) => !known.has(p.message));
    if (introduced) return { ok: false, error: introduced };
    this.deps.store.commitLimitChanges(applied.changes, meta);
    this.book = applied.book;
    this.deps.listener?.limitsChanged?.(this.book, meta);
    return applied;
  }

  /** Every limit governing orders in a symbol, with tier and volatility scaling, for the UI. */
  effectiveLimits(symbol: string, urgency: Urgency): EffectiveLimitRow[] {
    const s = strictnessFor(urgency, this.deps.market.volatility?.(symbol), this.gateConfig.tiers);
    return effectiveLimitTable(this.book, symbol, s);
  }

  /** Equity now (cash + positions at mark): updates watermarks and the drawdown breaker. */
  onEquity(equityUnits: bigint, now: number): BreakerEvent[] {
    const view = this.watermarks.observe(equityUnits, now);
    // Written only when the marks or the equity moved since the last write (a flat equity, most
    // seconds of a replay or an idle account, costs no write), and then at most every few seconds
    // unless a period rolled over; a change held back is written at the first call past the wait.
    const changes = this.watermarks.changeCount;
    if (changes !== this.persistedChanges) {
      const snap = this.watermarks.snapshot()!;
      const dayStart = snap.marks.daily.start;
      if (dayStart !== this.lastDayStart || now - this.lastPersist >= WATERMARK_PERSIST_MS) {
        this.deps.store.setMeta(WATERMARK_KEY, watermarksToJson(snap));
        this.lastPersist = now;
        this.lastDayStart = dayStart;
        this.persistedChanges = changes;
      }
    }
    return this.handle(this.breakers.observeDrawdown(view.drawdownPct.daily, now), now);
  }

  /**
   * After onEquity, onPrice for every symbol, onVenue and tick at `now` (the kernel's tick): the
   * time before which the same calls with the same equity, prices and venue state change nothing
   * but the times they note (see CircuitBreakers.quietUntil): within the day of the last
   * observation, with no watermark write held back.
   */
  quietUntil(now: number): number {
    const snap = this.watermarks.snapshot();
    if (snap === undefined || this.watermarks.changeCount !== this.persistedChanges) return now;
    return Math.min(snap.marks.daily.start + DAY_MS, this.breakers.quietUntil(now));
  }

  onPrice(symbol: string, priceUnits: bigint, now: number): BreakerEvent[] {
    return this.handle(this.breakers.observePrice(symbol, priceUnits, now), now);
  }

  onVenue(connected: boolean, now: number): BreakerEvent[] {
    return this.handle(this.breakers.observeVenue(connected, now), now);
  }

  /** Time-driven breaker work; call about once a second. */
  tick(now: number): BreakerEvent[] {
    return this.handle(this.breakers.tick(now), now);
  }

  /** Halts at once; the caller must then cancel every working order and pause every algo. */
  killSwitch(cause: StateCause, now: number): { transition: StateTransition | null; cancelAll: true } {
    const r = this.state.killSwitch(cause, now);
    if (r.transition) this.logTransition(r.transition);
    return r;
  }

  /** ACTIVE → REDUCING, anything → HALTED. */
  tighten(to: TradingMode, cause: StateCause, now: number): TransitionResult {
    const r = this.state.tighten(to, cause, now);
    if (r.ok && r.transition) this.logTransition(r.transition);
    return r;
  }

  /** What moved the trading state last (a reason code), or undefined at a fresh start. */
  stateCauseCode(): string | undefined {
    return this.state.current?.cause.code;
  }

  resumeToken(): string | null {
    return this.state.resumeToken();
  }

  resume(to: TradingMode, confirm: string | undefined, cause: StateCause, now: number): TransitionResult {
    const r = this.state.resume(to, confirm, cause, now);
    if (r.ok && r.transition) this.logTransition(r.transition);
    return r;
  }

  /** The loss view (day P&L, drawdowns) as of the last equity observed; what status().loss holds, without building the rest. */
  get loss(): LossView | undefined {
    return this.watermarks.view();
  }

  status(): RiskStatus {
    const t = this.state.current;
    return {
      mode: this.state.mode,
      since: t?.at ?? null,
      cause: t?.cause ?? null,
      resumeToken: this.state.resumeToken(),
      breakers: this.breakers.status(),
      blocked: [...this.breakers.blockedSymbols()].map(([symbol, cause]) => ({ symbol, cause })),
      loss: this.watermarks.view() ?? null,
    };
  }

  private handle(events: BreakerEvent[], now: number): BreakerEvent[] {
    // Indexed: called on every check, almost always with the shared empty list.
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      this.deps.store.appendBreakerEvent(e);
      this.deps.listener?.breaker?.(e);
      if (e.type === 'trip' && e.action.kind === 'trading_state') {
        const r = this.state.tighten(e.action.to, { source: 'breaker', code: e.code, message: e.cause }, now);
        if (r.ok && r.transition) this.logTransition(r.transition);
      }
    }
    return events;
  }

  private logTransition(t: StateTransition): void {
    this.deps.store.appendStateTransition(t);
    this.deps.listener?.stateChanged?.(t);
  }
}
