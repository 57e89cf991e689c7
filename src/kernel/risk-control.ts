import type { Params } from '../contract/api.ts';
import { DomainError } from '../core/errors.ts';
import type { BreakerEventDto, LimitAuditDto, LimitsDto, RiskStatusDto, StateTransitionDto, TradingStateDto } from '../contract/risk-dto.ts';
import type { Clock } from '../core/clock.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import type { OrderRecord, PreTradeDecision } from '../core/ports.ts';
import type { Oms } from '../execution/oms.ts';
import { LIMIT_NAMES, isLimitName, normalizeLimitName, parseLimitValue } from '../risk/limits.ts';
import type { LimitBook, LimitCommand, LimitScope } from '../risk/limits.ts';
import type { ExposureSource, PositionView } from '../risk/projected-state.ts';
import { DEFAULT_GATE_CONFIG, riskOrderFromRecord } from '../risk/risk-gate.ts';
import type { RiskDecision, RiskGateConfig, RiskOrder } from '../risk/risk-gate.ts';
import type { RiskMarketPort } from '../risk/risk-service.ts';
import { RiskService } from '../risk/risk-service.ts';
import type { BreakerConfig } from '../risk/circuit-breakers.ts';
import type { StateCause, StateTransition, TradingMode } from '../risk/trading-state.ts';
import type { VolObservation } from '../risk/tiers.ts';
import type { RiskStorePort } from '../risk/ports.ts';
import { KillSwitchCheck } from './kill-switch-check.ts';
import { HeldPosition, PASSED, algoParentViews, recordExtra, workingOrderViews } from './exposure-views.ts';
import type { RecordExtra } from './exposure-views.ts';
import { RollingMean } from './rolling-mean.ts';

/**
 * L1 in the engine: the RiskService fed from the OMS, the ledger and the market data hub. Every
 * order (direct, parent, child) passes `check` before it is journaled; breakers are fed once a
 * second by `tick`. Working algos ask the TradingGuard chain (src/risk/trading-guard.ts), which the
 * kernel assembles from the trading state, the breakers and the PMS flags; L1 tells it when the
 * state or a breaker changed (`guardChanged`) so it acts at once. The trading state and the limits are
 * persisted in the engine database through SqliteRiskStore.
 */

/** What L1 reads of the OMS: its working orders (whole book and per symbol), and what the kill-switch check re-sends. */
export type OmsOrderView = Pick<Oms, 'openOrders' | 'openValuesOf' | 'openParentsOf' | 'openChildren' | 'workingSumsOf' | 'cancel' | 'settle'>;

export interface RiskControlOptions {
  limits?: LimitBook;
  gate?: RiskGateConfig;
  breakers?: BreakerConfig;
}

export interface RiskControlDeps {
  clock: Clock;
  store: RiskStorePort;
  /**
   * The OMS's working orders as L1 reads them, handed over built: the kernel builds the OMS first and
   * L1 after it, so L1 holds no getter. (The OMS asks L1 through its `check` port, only when it
   * drafts an order, which no construction does.)
   */
  oms: OmsOrderView;
  instrumentOf: (symbol: string) => Instrument | undefined;
  positions: () => Iterable<PositionView>;
  /** Signed quantity held in one symbol, 0 when flat or never traded; without it one symbol's position is found among all. */
  positionUnits?: (symbol: string) => bigint;
  cashUnits: () => bigint;
  /** Changes whenever an order, a parent, a fill or cash changes: L1 reuses its projected state while it holds. */
  exposureVersion: () => number;
  /**
   * The symbols whose orders or positions changed since exposureVersion() returned `since`, or
   * 'all' (see ExposureBySymbol.changedSince): L1 then reads back only those symbols. Without it,
   * every version change rebuilds the projected state.
   */
  exposureChangedSince?: (since: unknown) => readonly string[] | 'all';
  equityUnits: () => bigint;
  market: { ref(s: string): bigint | undefined; bid(s: string): bigint | undefined; ask(s: string): bigint | undefined; shortTermVol(s: string): number };
  /**
   * Whether a symbol's volatility is known by the one shared rule (src/core/volatility-known.ts, as the
   * PMS applies it to its return history): while it is not, the regime is 'unknown' whatever the
   * short-term samples say, as the PMS then raises no volatility flag. Without it, the samples decide.
   */
  volatilityKnown?: (symbol: string) => boolean;
  symbols: () => readonly string[];
  venueConnected: () => boolean;
  /** The trading state changed or a breaker tripped: the guard chain re-asks every working algo now. */
  guardChanged?: () => void;
  /** Cancels every working order and algo (the kill switch). */
  cancelAll: (reason: { code: string; message: string }) => string[];
  publish: {
    state(s: TradingStateDto): void;
    breaker(e: BreakerEventDto): void;
    limits(l: LimitsDto): void;
  };
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** Something the operator must see now (the kill-switch check's escalation). */
  alert?: (code: string, message: string) => void;
  options?: RiskControlOptions;
}

/** Minutes of short-term volatility kept as the baseline the volatility regime compares against. */
const VOL_BASELINE_SAMPLES = 3600;
const VOL_MIN_BASELINE_SAMPLES = 300;

export { breakerEventDto, checkDto, transitionDto } from './risk-views.ts';
import { breakerEventDto, limitAuditDto, limitsDto, riskStatusDto, stateCauseDto, transitionDto } from './risk-views.ts';

export class RiskControl {
  readonly service: RiskService;
  private readonly d: RiskControlDeps;
  private readonly gate: RiskGateConfig;
  private readonly volSamples = new Map<string, RollingMean>();
  /** Mean of each symbol's samples, recomputed when a sample is added (once a second), read per order. */
  private readonly volBaseline = new Map<string, number>();
  private readonly killCheck: KillSwitchCheck;

  constructor(deps: RiskControlDeps) {
    this.d = deps;
    this.killCheck = new KillSwitchCheck({
      clock: deps.clock,
      openOrders: () => this.d.oms.openOrders(),
      cancelAgain: (id) => this.d.oms.cancel(id),
      settle: (id) => this.d.oms.settle(id, false),
      publish: () => this.d.publish.state(this.stateDto()),
      log: deps.log,
      alert: (code, message) => deps.alert?.(code, message),
    });
    this.gate = deps.options?.gate ?? DEFAULT_GATE_CONFIG;
    const exposure: ExposureSource = {
      cashUnits: () => deps.cashUnits(),
      positions: () => deps.positions(),
      workingOrders: () => workingOrderViews(this.d.oms.openOrders()),
      algoParents: () => algoParentViews(this.d.oms.openOrders(), this.d.oms),
      version: () => deps.exposureVersion(),
    };
    const changedSince = deps.exposureChangedSince;
    if (changedSince) {
      exposure.bySymbol = {
        changedSince: (since) => changedSince(since),
        positions: (s) => this.positionsOf(s),
        // The OMS's own per-symbol index, read in place (no copy): the views are built synchronously.
        workingOrders: (s) => workingOrderViews(this.d.oms.openValuesOf(s)),
        algoParents: (s) => algoParentViews(this.d.oms.openParentsOf(s), this.d.oms),
        workingSums: (s) => this.d.oms.workingSumsOf(s),
      };
    }
    const market: RiskMarketPort = {
      ref: (s) => deps.market.ref(s),
      bid: (s) => deps.market.bid(s),
      ask: (s) => deps.market.ask(s),
      volatility: (s) => this.volatility(s),
    };
    this.service = new RiskService(
      {
        store: deps.store,
        instrumentOf: deps.instrumentOf,
        exposure,
        market,
        defaults: deps.options?.limits,
        gate: this.gate,
        breakers: deps.options?.breakers,
        isKnownSymbol: (s) => deps.instrumentOf(s) !== undefined,
        listener: {
          stateChanged: (t) => this.onStateChanged(t),
          breaker: (e) => {
            deps.publish.breaker(breakerEventDto(e));
            // An instrument block acts on the algos adding to it now (a state change does through stateChanged).
            if (e.action.kind === 'block_symbol') deps.guardChanged?.();
          },
          limitsChanged: () => deps.publish.limits(this.limitsDto()),
        },
      },
      deps.clock.now(),
    );
  }

  // -- exposure port ------------------------------------------------------------------------

  private readonly held = new HeldPosition();

  private positionsOf(symbol: string): Iterable<PositionView> {
    const q = this.d.positionUnits?.(symbol);
    if (q !== undefined && q !== 0n) return this.held.of(symbol, q);
    // Flat and never traded look alike by quantity, but a flat position still puts the symbol in the book.
    const out: PositionView[] = [];
    for (const p of this.d.positions()) if (p.symbol === symbol) out.push(p);
    return out;
  }

  private volatility(symbol: string): VolObservation | undefined {
    // One rule for L1 and the PMS flag (src/core/volatility-known.ts): unknown to one, unknown to both.
    if (this.d.volatilityKnown && !this.d.volatilityKnown(symbol)) return undefined;
    const baseline = this.volBaseline.get(symbol);
    if (baseline === undefined) return undefined;
    const current = this.d.market.shortTermVol(symbol);
    if (!(current > 0)) return undefined;
    // One observation rewritten per call: L1 asks on every order and only reads the two numbers
    // (strictnessFor keeps the ratio, never the object).
    const v = this.volScratch;
    v.baseline = baseline;
    v.current = current;
    return v;
  }

  private readonly volScratch: VolObservation = { baseline: 0, current: 0 };

  /** riskOrderFromRecord's extra fields, rewritten per check (it copies them into the order it builds). */
  private readonly recordExtra: RecordExtra = { estimatedPriceUnits: null, confirm: false, source: 'api' };

  // -- order path -----------------------------------------------------------------------------

  /**
   * L1 on an order about to be journaled (after the structural checks passed). The verdict is data:
   * soft breaches the operator may still confirm come back `held` (nothing is journaled; the
   * intake returns them and the contract edge asks for confirmation). Who sent the order and
   * whether the operator confirmed are the order's own columns (a child has its parent's), so no
   * request context travels beside it.
   */
  check(order: OrderRecord, estimatedPriceUnits: bigint | null): PreTradeDecision | { ok: true } {
    const ro: RiskOrder = riskOrderFromRecord(order, recordExtra(this.recordExtra, estimatedPriceUnits, order));
    const d = this.service.check(ro, this.d.clock.now());
    if (d.verdict === 'pass') return PASSED;
    if (d.verdict === 'soft_breach') return { ok: false, code: d.code ?? 'RISK_SOFT_BREACH', message: d.message, held: d.breaches.map((b) => ({ code: b.code, message: b.message })) };
    return { ok: false, code: d.code ?? 'RISK_DENIED', message: d.message };
  }

  /**
   * A working algo asked to grow (modify up) or to resume: the increase is checked as a new parent
   * order of the difference, with the parent's confirmation; resuming is checked against the trading
   * state. Throws RISK_DENIED with the breaches; a smaller or equal quantity always passes.
   */
  checkAmend(parent: Order, newQtyUnits: bigint | null, touchUnits: bigint | undefined): void {
    const mode = this.service.mode;
    if (newQtyUnits === null) {
      if (mode === 'HALTED' || (mode === 'REDUCING' && !this.reduces(parent))) {
        const code = mode === 'HALTED' ? 'TRADING_HALTED' : 'REDUCING_ONLY';
        throw new DomainError('RISK_DENIED', `${code}: trading is ${mode}; the algo stays paused`, [{ path: code, message: `trading is ${mode}` }]);
      }
      return;
    }
    if (newQtyUnits <= parent.qtyUnits) return;
    const ro: RiskOrder = {
      symbol: parent.symbol,
      side: parent.side,
      qtyUnits: newQtyUnits - parent.qtyUnits,
      type: parent.priceUnits === null ? 'market' : 'limit',
      limitPriceUnits: parent.priceUnits,
      estimatedPriceUnits: touchUnits ?? null,
      urgency: parent.urgency,
      source: parent.source,
      kind: 'parent',
      parentId: null,
      confirm: parent.riskConfirmed,
    };
    const d = this.service.check(ro, this.d.clock.now());
    if (d.verdict === 'pass') return;
    throw new DomainError(
      'RISK_DENIED',
      `${d.code ?? 'RISK_DENIED'}: ${d.message}`,
      d.breaches.map((b) => ({ path: b.code, message: b.message })),
    );
  }

  /** The gate's verdict on a hypothetical order, without counting it anywhere (what-if). */
  evaluate(ro: RiskOrder): RiskDecision {
    return this.service.preview(ro, this.d.clock.now());
  }

  /** Whether a working parent only reduces its position (the guard chain's and resume's rule). */
  reduces(parent: Pick<Order, 'symbol' | 'side'>): boolean {
    return this.service.reduces(parent.symbol, parent.side);
  }

  // -- feeds ----------------------------------------------------------------------------------

  /** Once a second: equity for the drawdown breaker, marks for the move breaker, the venue, the volatility baseline. */
  tick(): void {
    const now = this.d.clock.now();
    this.service.onEquity(this.d.equityUnits(), now);
    for (const s of this.d.symbols()) {
      const px = this.d.market.ref(s);
      if (px !== undefined) this.service.onPrice(s, px, now);
      const v = this.d.market.shortTermVol(s);
      if (v > 0) {
        let samples = this.volSamples.get(s);
        if (!samples) this.volSamples.set(s, (samples = new RollingMean(VOL_BASELINE_SAMPLES)));
        samples.push(v);
        // O(1) a second: a replay or backtest ticks this a few hundred thousand times.
        if (samples.count >= VOL_MIN_BASELINE_SAMPLES) this.volBaseline.set(s, samples.mean());
      }
    }
    this.service.onVenue(this.d.venueConnected(), now);
    this.service.tick(now);
  }

  /**
   * The kernel's idle jump (periodic-tick.ts): after tick() at `now`, ticks in idle seconds (the
   * same equity, marks, volatility and venue state) before this time only note the time, which the
   * next real tick notes again, and feed the volatility baseline (`idle`).
   */
  quietUntil(now: number): number {
    return this.service.quietUntil(now);
  }

  /** What `n` idle ticks add: the same short-term volatility, n more times, to each baseline. */
  idle(n: number): void {
    for (const s of this.d.symbols()) {
      const v = this.d.market.shortTermVol(s);
      const samples = this.volSamples.get(s);
      if (!(v > 0) || samples === undefined) continue;
      for (let i = 0; i < n; i++) samples.push(v);
      if (samples.count >= VOL_MIN_BASELINE_SAMPLES) this.volBaseline.set(s, samples.mean());
    }
  }

  private onStateChanged(t: StateTransition): void {
    this.d.log(t.to === 'ACTIVE' ? 'info' : 'warn', `trading state ${t.from} → ${t.to} (${t.cause.code}: ${t.cause.message})`);
    this.d.publish.state(this.stateDto());
    // Algos stop at once, not at their next child: the guard pauses them and pulls their children.
    if (t.to === 'HALTED' || t.to === 'REDUCING') this.d.guardChanged?.();
  }

  // -- contract ---------------------------------------------------------------------------------

  stateDto(): TradingStateDto {
    const s = this.service.status();
    return { mode: s.mode, since: s.since, cause: s.cause ? stateCauseDto(s.cause) : null, resumeToken: s.resumeToken, killSwitchCheck: this.killCheck.dto() };
  }

  status(): RiskStatusDto {
    return riskStatusDto(this.service, this.gate, this.stateDto());
  }

  setState(p: Params<'risk.state.set'>, actor: string): TradingStateDto {
    const now = this.d.clock.now();
    const cause: StateCause = { source: 'operator', code: p.mode === 'ACTIVE' ? 'OPERATOR_RESUME' : 'OPERATOR', message: p.reason ?? `set to ${p.mode} by the operator`, actor };
    const order: Record<TradingMode, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };
    const r = order[p.mode] >= order[this.service.mode] ? this.service.tighten(p.mode, cause, now) : this.service.resume(p.mode, p.confirm, cause, now);
    if (!r.ok) throw new DomainError('STATE_REJECTED', `${r.code}: ${r.message}`, [{ path: r.code, message: r.message }]);
    return this.stateDto();
  }

  killSwitch(reason: string | undefined, actor: string): { state: TradingStateDto; cancelled: string[] } {
    const message = reason ?? 'kill switch';
    this.service.killSwitch({ source: 'operator', code: 'KILL_SWITCH', message, actor }, this.d.clock.now());
    const cancelled = this.d.cancelAll({ code: 'KILL_SWITCH', message });
    this.d.log('warn', `kill switch: trading HALTED, ${cancelled.length} order(s) and algo(s) cancelled`);
    this.killCheck.begin();
    return { state: this.stateDto(), cancelled };
  }

  stateLog(limit: number): StateTransitionDto[] {
    return this.d.store.stateLog(limit).map(transitionDto).reverse();
  }

  breakerLog(limit: number): BreakerEventDto[] {
    return this.d.store.breakerLog(limit).map(breakerEventDto).reverse();
  }

  private scopeOf(p: { symbol?: string; group?: string }): LimitScope {
    if (p.symbol !== undefined) {
      if (!this.d.instrumentOf(p.symbol)) throw new DomainError('UNKNOWN_SYMBOL', `unknown symbol "${p.symbol}"`);
      return { kind: 'symbol', symbol: p.symbol };
    }
    if (p.group !== undefined) return { kind: 'group', group: p.group };
    return { kind: 'global' };
  }

  private limitName(raw: string): (typeof LIMIT_NAMES)[number] {
    const n = normalizeLimitName(raw);
    if (!isLimitName(n)) throw new DomainError('LIMIT_REJECTED', `UNKNOWN_LIMIT: no limit named "${raw}" (known: ${LIMIT_NAMES.join(', ')})`, [{ path: 'UNKNOWN_LIMIT', message: `no limit named "${raw}"` }]);
    return n;
  }

  private level(name: (typeof LIMIT_NAMES)[number], text: string): bigint {
    const v = parseLimitValue(name, text);
    if (!v.ok) throw new DomainError('LIMIT_REJECTED', `${v.error.code}: ${v.error.message}`, [{ path: v.error.code, message: v.error.message }]);
    return v.units;
  }

  setLimit(p: Params<'risk.limits.set'>, actor: string, source: string): LimitsDto {
    const name = this.limitName(p.name);
    const cmd: LimitCommand = { op: 'set', name, scope: this.scopeOf(p), reason: p.reason ?? null };
    if (p.hard !== undefined) cmd.hard = this.level(name, p.hard);
    if (p.soft !== undefined) cmd.soft = p.soft.toLowerCase() === 'none' ? null : this.level(name, p.soft);
    return this.apply(cmd, actor, source);
  }

  unsetLimit(p: Params<'risk.limits.unset'>, actor: string, source: string): LimitsDto {
    const name = this.limitName(p.name);
    return this.apply({ op: 'unset', name, scope: this.scopeOf(p), reason: p.reason ?? null }, actor, source);
  }

  private apply(cmd: LimitCommand, actor: string, source: string): LimitsDto {
    const r = this.service.updateLimits(cmd, { at: this.d.clock.now(), actor, source, reason: cmd.reason });
    if (!r.ok) throw new DomainError('LIMIT_REJECTED', `${r.error.code}: ${r.error.message}`, [{ path: r.error.code, message: r.error.message }]);
    return this.limitsDto();
  }

  audit(limit: number): LimitAuditDto[] {
    return this.d.store.limitAudit({ limit }).map(limitAuditDto);
  }

  /** Limits with what each one measures now (usage), for the panel and the CLI. */
  limitsDto(): LimitsDto {
    return limitsDto(this.service, this.d.symbols(), this.d.clock.now());
  }
}
