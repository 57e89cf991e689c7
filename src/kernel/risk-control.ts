import type { Params } from '../contract/api.ts';
import type { Urgency } from '../contract/dto.ts';
import { DomainError } from '../core/errors.ts';
import type {
  BreakerEventDto,
  LimitAuditDto,
  LimitRowDto,
  LimitsDto,
  RiskCheckDto,
  RiskStatusDto,
  StateTransitionDto,
  TradingStateDto,
} from '../contract/risk-dto.ts';
import type { Clock } from '../core/clock.ts';
import { CASH_DECIMALS } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import { remainingUnits } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import type { OrderRecord, PreTradeDecision } from '../core/ports.ts';
import type { GuardVerdict } from '../execution/algos/types.ts';
import type { Oms } from '../execution/oms.ts';
import type { BreakerEvent } from '../risk/circuit-breakers.ts';
import type { LossView } from '../risk/drawdown.ts';
import { LIMIT_DEFS, LIMIT_NAMES, PCT_ONE_HUNDRED, RATIO_ONE, UNIT_DECIMALS, formatLimitValue, isLimitName, normalizeLimitName, parseLimitValue, scopeKey } from '../risk/limits.ts';
import type { LimitBook, LimitCommand, LimitEntry, LimitLevels, LimitScope } from '../risk/limits.ts';
import { exposureOf, grossExposure, netExposure } from '../risk/projected-state.ts';
import type { AlgoParentView, ExposureSource, PositionView, ProjectedState, WorkingOrderView } from '../risk/projected-state.ts';
import { DEFAULT_GATE_CONFIG, riskOrderFromRecord } from '../risk/risk-gate.ts';
import type { RiskDecision, RiskGateConfig, RiskOrder } from '../risk/risk-gate.ts';
import type { RiskMarketPort } from '../risk/risk-service.ts';
import { RiskService } from '../risk/risk-service.ts';
import type { BreakerConfig } from '../risk/circuit-breakers.ts';
import type { StateCause, StateTransition, TradingMode } from '../risk/trading-state.ts';
import type { VolObservation } from '../risk/tiers.ts';
import type { RiskStorePort } from '../risk/ports.ts';

/**
 * L1 in the engine: the RiskService fed from the OMS, the ledger and the market data hub. Every
 * order (direct, parent, child) passes `check` before it is journaled; the algo runner asks `guard`
 * before every child; breakers are fed once a second by `tick`. The trading state and the limits are
 * persisted in the engine database through SqliteRiskStore.
 */

export interface RiskControlOptions {
  limits?: LimitBook;
  gate?: RiskGateConfig;
  breakers?: BreakerConfig;
}

export interface RiskControlDeps {
  clock: Clock;
  store: RiskStorePort;
  oms: () => Oms;
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
  symbols: () => readonly string[];
  venueConnected: () => boolean;
  /** Parent ids of running algos (to pause them when trading halts). */
  runningParents: () => readonly string[];
  pauseParent: (id: string, reason: string) => void;
  /** Cancels every working order and algo (the kill switch). */
  cancelAll: () => string[];
  publish: {
    state(s: TradingStateDto): void;
    breaker(e: BreakerEventDto): void;
    limits(l: LimitsDto): void;
  };
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  options?: RiskControlOptions;
}

/** What a top-level request adds to the order L1 sees (who sent it, whether soft breaches were confirmed). */
export interface RequestContext {
  source: 'manual' | 'api' | 'signal';
  confirm: boolean;
}

/** Minutes of short-term volatility kept as the baseline the volatility regime compares against. */
const VOL_BASELINE_SAMPLES = 3600;
const VOL_MIN_BASELINE_SAMPLES = 300;

const num = (units: bigint, decimals: number): number => Number(units) / 10 ** decimals;

/** JSON has no Infinity: a limit with a hard level of 0 and something used reports this usage. */
const USAGE_CAP = 999;

export function checkDto(d: RiskDecision): RiskCheckDto {
  return {
    verdict: d.verdict,
    code: d.code,
    message: d.message,
    breaches: d.breaches.map((b) => ({ code: b.code, level: b.level, check: b.check, limit: b.limit, scope: b.scope, observed: b.observed, threshold: b.threshold, factor: b.factor, message: b.message })),
    confirmable: d.confirmable,
    confirmed: d.confirmed,
    reducing: d.reducing,
    tier: d.strictness.tier,
    volRegime: d.strictness.vol.regime,
    volRatio: d.strictness.vol.ratio,
    checked: [...d.checked],
    deferred: [...d.deferred],
  };
}

function stateCauseDto(c: StateCause): TradingStateDto['cause'] {
  return c.actor !== undefined ? { source: c.source, code: c.code, message: c.message, actor: c.actor } : { source: c.source, code: c.code, message: c.message };
}

export function transitionDto(t: StateTransition): StateTransitionDto {
  return { seq: t.seq, from: t.from, to: t.to, at: t.at, cause: stateCauseDto(t.cause)!, killSwitch: t.killSwitch };
}

export function breakerEventDto(e: BreakerEvent): BreakerEventDto {
  const a = e.action;
  const action = a.kind === 'trading_state' ? a.to : a.kind === 'block_symbol' ? `block ${a.symbol} until ${new Date(a.until).toISOString()}` : a.kind === 'unblock_symbol' ? `unblock ${a.symbol}` : 'none';
  const out: BreakerEventDto = { breaker: e.breaker, type: e.type, at: e.at, code: e.code, cause: e.cause, action };
  if (e.symbol !== undefined) out.symbol = e.symbol;
  return out;
}

export class RiskControl {
  readonly service: RiskService;
  private readonly d: RiskControlDeps;
  private readonly gate: RiskGateConfig;
  /** Set by the execution service around a top-level placement; children use their parent's. */
  private ctx: RequestContext | undefined;
  private readonly volSamples = new Map<string, number[]>();

  constructor(deps: RiskControlDeps) {
    this.d = deps;
    this.gate = deps.options?.gate ?? DEFAULT_GATE_CONFIG;
    const exposure: ExposureSource = {
      cashUnits: () => deps.cashUnits(),
      positions: () => deps.positions(),
      workingOrders: () => this.workingOrders(this.d.oms().openOrders()),
      algoParents: () => this.algoParents(this.d.oms().openOrders()),
      version: () => deps.exposureVersion(),
    };
    const changedSince = deps.exposureChangedSince;
    if (changedSince) {
      exposure.bySymbol = {
        changedSince: (since) => changedSince(since),
        positions: (s) => this.positionsOf(s),
        workingOrders: (s) => this.workingOrders(this.d.oms().openOrdersOf(s)),
        algoParents: (s) => this.algoParents(this.d.oms().openOrdersOf(s)),
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
          breaker: (e) => deps.publish.breaker(breakerEventDto(e)),
          limitsChanged: () => deps.publish.limits(this.limitsDto()),
        },
      },
      deps.clock.now(),
    );
  }

  // -- exposure port ------------------------------------------------------------------------

  /** Direct orders and algo children among `open` (the OMS's open orders, or one symbol's). */
  private *workingOrders(open: Iterable<Order>): Iterable<WorkingOrderView> {
    for (const o of open) {
      if (o.algo !== null) continue;
      const rem = remainingUnits(o);
      if (rem <= 0n) continue;
      yield { id: o.id, symbol: o.symbol, side: o.side, remainingUnits: rem, priceUnits: o.priceUnits, parentId: o.parentId };
    }
  }

  /** Algo parents among `open`, with what their working children do not already cover. */
  private *algoParents(open: Iterable<Order>): Iterable<AlgoParentView> {
    const oms = this.d.oms();
    for (const o of open) {
      if (o.algo === null) continue;
      let working = 0n;
      for (const c of oms.openChildren(o.id)) working += remainingUnits(c);
      const unplaced = remainingUnits(o) - working;
      yield { id: o.id, symbol: o.symbol, side: o.side, unplacedUnits: unplaced > 0n ? unplaced : 0n, limitPriceUnits: o.priceUnits };
    }
  }

  private positionsOf(symbol: string): Iterable<PositionView> {
    const q = this.d.positionUnits?.(symbol);
    if (q !== undefined && q !== 0n) return [{ symbol, qtyUnits: q }];
    // Flat and never traded look alike by quantity, but a flat position still puts the symbol in the book.
    const out: PositionView[] = [];
    for (const p of this.d.positions()) if (p.symbol === symbol) out.push(p);
    return out;
  }

  private volatility(symbol: string): VolObservation | undefined {
    const samples = this.volSamples.get(symbol);
    if (!samples || samples.length < VOL_MIN_BASELINE_SAMPLES) return undefined;
    const current = this.d.market.shortTermVol(symbol);
    if (!(current > 0)) return undefined;
    let sum = 0;
    for (const v of samples) sum += v;
    return { baseline: sum / samples.length, current };
  }

  // -- order path -----------------------------------------------------------------------------

  /** Runs `fn` (a top-level placement) with the request's source and confirmation. */
  withRequest<T>(ctx: RequestContext, fn: () => T): T {
    const prev = this.ctx;
    this.ctx = ctx;
    try {
      return fn();
    } finally {
      this.ctx = prev;
    }
  }

  /**
   * L1 on an order about to be journaled (after the structural checks passed). A soft breach on a
   * manual order without confirmation throws RISK_CONFIRM_REQUIRED: nothing is journaled, the ticket
   * asks the operator and resubmits with confirm.
   */
  check(order: OrderRecord, estimatedPriceUnits: bigint | null): PreTradeDecision | { ok: true } {
    const parent = order.parentId !== null ? this.d.oms().get(order.parentId) : undefined;
    const confirm = parent ? parentConfirmed(parent) : (this.ctx?.confirm ?? false);
    const source = parent ? parent.source : (this.ctx?.source ?? order.source);
    const ro: RiskOrder = riskOrderFromRecord(order, { estimatedPriceUnits, confirm, source });
    const d = this.service.check(ro, this.d.clock.now());
    if (d.verdict === 'pass') return { ok: true };
    if (d.verdict === 'soft_breach') {
      throw new DomainError(
        'RISK_CONFIRM_REQUIRED',
        d.message,
        d.breaches.map((b) => ({ path: b.code, message: b.message })),
      );
    }
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
      if (mode === 'HALTED' || (mode === 'REDUCING' && !this.parentReduces(parent))) {
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
      confirm: parentConfirmed(parent),
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

  /** Before each child: the trading state and the instrument's block decide whether the algo may go on. */
  guard(parent: Order): GuardVerdict {
    const mode = this.service.mode;
    if (mode === 'HALTED') return { ok: false, action: 'pause', reason: 'trading is HALTED: algo paused' };
    if (mode === 'REDUCING' && !this.parentReduces(parent)) return { ok: false, action: 'pause', reason: 'trading is REDUCING and this algo adds exposure: paused' };
    const flag = this.flagGuard?.(parent);
    if (flag && !flag.ok) return flag;
    return { ok: true };
  }

  /** PMS flags the guard also reads (set by the PMS loop). */
  flagGuard: ((parent: Order) => GuardVerdict | undefined) | undefined;

  parentReduces(parent: Order): boolean {
    let pos = 0n;
    for (const p of this.d.positions()) if (p.symbol === parent.symbol) pos = p.qtyUnits;
    const rem = remainingUnits(parent);
    return parent.side === 'sell' ? pos > 0n && rem <= pos : pos < 0n && rem <= -pos;
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
        let list = this.volSamples.get(s);
        if (!list) this.volSamples.set(s, (list = []));
        list.push(v);
        if (list.length > VOL_BASELINE_SAMPLES) list.splice(0, list.length - VOL_BASELINE_SAMPLES);
      }
    }
    this.service.onVenue(this.d.venueConnected(), now);
    this.service.tick(now);
  }

  private onStateChanged(t: StateTransition): void {
    this.d.log(t.to === 'ACTIVE' ? 'info' : 'warn', `trading state ${t.from} → ${t.to} (${t.cause.code}: ${t.cause.message})`);
    this.d.publish.state(this.stateDto());
    if (t.to === 'HALTED' || t.to === 'REDUCING') {
      // Algos stop at once, not at their next child: pausing cancels their working children.
      for (const id of this.d.runningParents()) {
        const p = this.d.oms().get(id);
        if (!p || p.paused) continue;
        if (t.to === 'REDUCING' && this.parentReduces(p)) continue;
        this.d.pauseParent(id, `trading ${t.to}: ${t.cause.code}`);
      }
    }
  }

  // -- contract ---------------------------------------------------------------------------------

  stateDto(): TradingStateDto {
    const s = this.service.status();
    return { mode: s.mode, since: s.since, cause: s.cause ? stateCauseDto(s.cause) : null, resumeToken: s.resumeToken };
  }

  status(): RiskStatusDto {
    const s = this.service.status();
    const dec = CASH_DECIMALS;
    const pct = UNIT_DECIMALS.pct;
    const tiers = this.gate.tiers;
    return {
      state: this.stateDto(),
      breakers: s.breakers.map((b) => ({ ...b, symbols: b.symbols?.map((x) => ({ ...x })), thresholds: { ...b.thresholds } })),
      blocked: s.blocked,
      loss: s.loss
        ? {
            equity: num(s.loss.equityUnits, dec),
            dayStartEquity: num(s.loss.dayStartEquityUnits, dec),
            dayPnl: num(s.loss.dayPnlUnits, dec),
            dailyLoss: num(s.loss.dailyLossUnits, dec),
            drawdownPct: { daily: num(s.loss.drawdownPct.daily, pct), weekly: num(s.loss.drawdownPct.weekly, pct), monthly: num(s.loss.drawdownPct.monthly, pct) },
          }
        : null,
      tiers: (Object.keys(tiers.byUrgency) as Urgency[]).map((u) => {
        const t = tiers.byUrgency[u];
        return { urgency: u, name: t.name, deferred: [...t.deferred], factors: { ...t.factors } as Record<string, number>, description: t.description };
      }),
      volatilityScaling: { highRatio: tiers.volatility.highRatio, minFactor: tiers.volatility.minFactor, appliesTo: [...tiers.volatility.appliesTo] },
      softPolicy: { ...this.gate.softPolicy },
    };
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
    this.service.killSwitch({ source: 'operator', code: 'KILL_SWITCH', message: reason ?? 'kill switch', actor }, this.d.clock.now());
    const cancelled = this.d.cancelAll();
    this.d.log('warn', `kill switch: trading HALTED, ${cancelled.length} order(s) and algo(s) cancelled`);
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
    return this.d.store.limitAudit({ limit }).map((e) => {
      const c = e.change;
      const base = { seq: e.seq, at: e.at, actor: e.actor, source: e.source, reason: e.reason };
      if (c.kind === 'group') return { ...base, name: `group:${c.group}`, scope: `group:${c.group}`, before: c.before ? c.before.join(',') : null, after: c.after ? c.after.join(',') : null };
      const text = (l: LimitLevels | null): string | null => (l ? `${formatLimitValue(c.name, l.hard)}${l.soft !== null ? ` (soft ${formatLimitValue(c.name, l.soft)})` : ''}` : null);
      return { ...base, name: c.name, scope: scopeKey(c.scope), before: text(c.before), after: text(c.after) };
    });
  }

  /** Limits with what each one measures now (usage), for the panel and the CLI. */
  limitsDto(): LimitsDto {
    const book = this.service.limits;
    const state = this.service.projectedState();
    const now = this.d.clock.now();
    const loss = this.service.status().loss ?? undefined;
    const limits: LimitRowDto[] = book.entries.map((e) => {
      const def = LIMIT_DEFS[e.name];
      const dec = UNIT_DECIMALS[def.unit];
      const used = this.usedUnits(e, book, state, now, loss);
      const hard = num(e.hard, dec);
      const usedNum = used === null ? null : num(used, dec);
      const usage = usedNum === null ? null : def.direction === 'max' ? (hard > 0 ? usedNum / hard : usedNum > 0 ? Infinity : 0) : usedNum > 0 ? hard / usedNum : null;
      return {
        name: e.name,
        label: def.label,
        unit: def.unit,
        direction: def.direction,
        check: def.check,
        scope: scopeKey(e.scope),
        hard: formatLimitValue(e.name, e.hard),
        soft: e.soft === null ? null : formatLimitValue(e.name, e.soft),
        used: usedNum,
        usage: usage === null ? null : Math.min(usage, USAGE_CAP),
        description: def.description,
      };
    });
    const groups: Record<string, string[]> = {};
    for (const [g, members] of Object.entries(book.groups)) groups[g] = [...members];
    return {
      limits,
      groups,
      catalogue: LIMIT_NAMES.map((n) => {
        const d = LIMIT_DEFS[n];
        return { name: n, label: d.label, unit: d.unit, direction: d.direction, scopes: [...d.scopes], description: d.description };
      }),
    };
  }

  /** The current value a limit measures, in its units; null for order-level limits (they measure an order). */
  private usedUnits(e: LimitEntry, book: LimitBook, state: ProjectedState, now: number, loss: LossView | undefined): bigint | null {
    const nav = state.navUnits;
    const pctOfNav = (v: bigint): bigint | null => (nav > 0n ? (v * PCT_ONE_HUNDRED) / nav : null);
    const members = (): string[] | undefined => (e.scope.kind === 'group' ? [...(book.groups[e.scope.group] ?? [])] : undefined);
    const maxPosition = (): bigint => {
      if (e.scope.kind === 'symbol') return exposureOf(state, e.scope.symbol).grossValueUnits;
      let m = 0n;
      for (const [sym, x] of state.symbols) {
        // A symbol with its own entry is governed by it, not by the global one.
        if (book.entries.some((o) => o.name === e.name && o.scope.kind === 'symbol' && o.scope.symbol === sym)) continue;
        if (x.grossValueUnits > m) m = x.grossValueUnits;
      }
      return m;
    };
    const abs = (v: bigint): bigint => (v < 0n ? -v : v);
    switch (e.name) {
      case 'max_position_pct_nav':
        return pctOfNav(maxPosition());
      case 'max_position_notional':
        return maxPosition();
      case 'max_gross_exposure_pct_nav':
        return pctOfNav(grossExposure(state, members()));
      case 'max_gross_exposure':
        return grossExposure(state, members());
      case 'max_net_exposure_pct_nav':
        return pctOfNav(abs(netExposure(state, members())));
      case 'max_net_exposure':
        return abs(netExposure(state, members()));
      case 'max_leverage':
        return nav > 0n ? (grossExposure(state) * RATIO_ONE) / nav : null;
      case 'min_cash_buffer':
        return state.projectedCashUnits;
      case 'max_orders_per_minute':
      case 'max_orders_per_hour': {
        const sym = e.scope.kind === 'symbol' ? e.scope.symbol : (this.d.symbols()[0] ?? '');
        const r = this.service.orderRates(sym, now);
        const perMin = e.name === 'max_orders_per_minute';
        return BigInt(e.scope.kind === 'symbol' ? (perMin ? r.symbolMinute : r.symbolHour) : perMin ? r.minute : r.hour);
      }
      case 'max_daily_loss':
        return loss ? loss.dailyLossUnits : 0n;
      case 'max_drawdown_daily_pct':
      case 'max_drawdown_weekly_pct':
      case 'max_drawdown_monthly_pct': {
        if (!loss) return 0n;
        const p = e.name === 'max_drawdown_daily_pct' ? 'daily' : e.name === 'max_drawdown_weekly_pct' ? 'weekly' : 'monthly';
        return loss.drawdownPct[p];
      }
      default:
        return null;
    }
  }
}

/** A parent carries its operator confirmation in its journaled parameters, so children (and restarts) keep it. */
export function parentConfirmed(parent: Order): boolean {
  if (parent.algoParams === null) return false;
  try {
    const p = JSON.parse(parent.algoParams) as { riskConfirmed?: unknown };
    return p.riskConfirmed === true;
  } catch {
    return false;
  }
}
