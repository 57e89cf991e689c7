import type { OrderType, Side, Urgency } from '../contract/dto.ts';
import { notionalUnits } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import { worksChildren } from '../core/order.ts';
import type { OrderRecord } from '../core/ports.ts';
import { absBig, divRound, maxBig, pow10 } from '../core/precision.ts';
import type { RiskCode } from './codes.ts';
import type { LossView, Period } from './drawdown.ts';
import { BPS_ONE, EXPOSURE_CHECKS, LIMIT_DEFS, PCT_ONE_HUNDRED, RATIO_ONE, UNIT_DECIMALS, describeValue, globalEntry, groupEntry, groupMembers, limitFor, scopeKey, sharedGroupsOf, symbolEntry } from './limits.ts';
import type { BreachLevel, CheckName, LimitBook, LimitEntry, LimitLevels, LimitName, LimitUnit } from './limits.ts';
import type { OrderRates } from './order-rate.ts';
import { exposureSums, projectSymbol, reducesWith } from './projected-state.ts';
import type { ProjectedState } from './projected-state.ts';
import { DEFAULT_TIERS, effectiveLevels, strictnessFor } from './tiers.ts';
import type { Strictness, TierConfig, VolObservation } from './tiers.ts';
import { permits } from './trading-state.ts';
import type { TradingMode } from './trading-state.ts';

/**
 * The L1 risk gate: is this order safe, given the projected state, the limits, the trading state,
 * the breakers and the market? It never asks whether the trade is good. A decision is data:
 *
 * - pass: no breach, or soft breaches the policy lets through (a confirmed manual order).
 * - soft_breach: only soft breaches and the operator may confirm (manual order without `confirm`):
 *   hold the order and ask; resubmit with `confirm: true` to send it. A child order is never held:
 *   it passes with its parent's confirmation (pass `confirm` from the parent) or is denied.
 * - deny: a hard breach, or soft breaches from a source that may not confirm (api/signal by default).
 *
 * Every breach found is listed (soft and hard), each with a reason code and a message. Exposure and
 * loss checks are skipped for an order that only reduces a position; fat-finger, spread and rate
 * checks apply to every order. Structural checks (lot, tick, min notional, cash account) stay in
 * pre-trade-gate.ts checkOrder, which runs first.
 */

export type { OrderSourceDto as OrderSource } from '../contract/risk-dto.ts';
import type { OrderSourceDto as OrderSource } from '../contract/risk-dto.ts';
export type SoftPolicy = 'confirm' | 'deny' | 'allow';

export interface RiskOrder {
  symbol: string;
  side: Side;
  qtyUnits: bigint;
  type: OrderType;
  /** Limit price; null for a market order. */
  limitPriceUnits: bigint | null;
  /** Expected average fill price of a market order (checkOrder's estimate); unused for limit orders. */
  estimatedPriceUnits?: bigint | null;
  urgency: Urgency;
  source: OrderSource;
  /** 'parent': an algo parent being admitted (its tier may defer some checks to its children). */
  kind: 'direct' | 'parent' | 'child';
  /** A child's parent: its quantity comes out of the parent's unplaced remainder. */
  parentId?: string | null;
  /** The operator confirmed the soft breaches. Children carry their parent's confirmation. */
  confirm?: boolean;
}

export interface MarketView {
  /** Reference (mark) price; the price band and valuations use it. */
  refPriceUnits: bigint | undefined;
  bidUnits: bigint | undefined;
  askUnits: bigint | undefined;
}

export interface RiskInputs {
  state: ProjectedState;
  limits: LimitBook;
  mode: TradingMode;
  /** Symbols where a breaker forbids new exposure, with the cause (CircuitBreakers.blockedSymbols()). */
  blocked?: ReadonlyMap<string, string>;
  market: MarketView;
  /** Orders already sent (OrderRateWindow.rates), this one not included. */
  rates: OrderRates;
  /** Loss since the day start and drawdowns (EquityWatermarks.view()); loss checks skip when undefined. */
  loss: LossView | undefined;
  /** The instrument's volatility against its baseline; the regime tightens some limits. */
  volatility?: VolObservation;
}

export interface RiskGateConfig {
  tiers: TierConfig;
  /** What a soft breach does per source: confirm (hold for the operator), deny, or allow (pass, listed). */
  softPolicy: Record<OrderSource, SoftPolicy>;
}

export const DEFAULT_GATE_CONFIG: RiskGateConfig = {
  tiers: DEFAULT_TIERS,
  softPolicy: { manual: 'confirm', api: 'deny', signal: 'deny' },
};

export interface Breach {
  code: RiskCode;
  level: BreachLevel;
  check: CheckName | 'trading_state' | 'instrument_block' | 'reference';
  limit: LimitName | null;
  /** 'global', 'symbol:BTC/USDT', 'group:crypto'; null for state and block breaches. */
  scope: string | null;
  /** Observed value and the level it breached (after tier/volatility scaling), with units. */
  observed: string | null;
  threshold: string | null;
  /** Strictness factor applied to the level (1: none). */
  factor: number;
  message: string;
}

export type Verdict = 'pass' | 'soft_breach' | 'deny';

export interface RiskDecision {
  verdict: Verdict;
  /** The breach that decided (first hard, else first soft); null on a clean pass. */
  code: RiskCode | null;
  message: string;
  breaches: Breach[];
  /** soft_breach only: resubmitting with confirm sends it. */
  confirmable: boolean;
  /** pass with soft breaches the operator confirmed. */
  confirmed: boolean;
  /** The order only reduces a position (exempt from exposure and loss checks). */
  reducing: boolean;
  /** Price the order was valued at (limit, estimate or reference); null if none. */
  priceUnits: bigint | null;
  notionalUnits: bigint | null;
  strictness: Strictness;
  checked: CheckName[];
  /** Checks deferred to the children of this parent. */
  deferred: CheckName[];
}

function ceilDiv(n: bigint, d: bigint): bigint {
  return n <= 0n ? 0n : (n + d - 1n) / d;
}

function scopeLabel(scope: string): string {
  return scope === 'global' ? '' : ` for ${scope.replace(/^symbol:/, '').replace(/^group:/, 'group ')}`;
}

/** The gate's only per-order allocations are the decision and what a breach needs: shared empties otherwise. */
const NO_CHECKS: readonly CheckName[] = Object.freeze([]);
const DRAWDOWNS: readonly (readonly [LimitName, Period])[] = [
  ['max_drawdown_daily_pct', 'daily'],
  ['max_drawdown_weekly_pct', 'weekly'],
  ['max_drawdown_monthly_pct', 'monthly'],
];
const NAV_NOT_POSITIVE = 'n/a (NAV <= 0)';

function runs(deferred: readonly CheckName[], c: CheckName): boolean {
  return deferred.length === 0 || !deferred.includes(c);
}

/**
 * A limit's levels under a strictness. Strictness objects of the unscaled tiers are shared and
 * frozen, so their scaled levels are kept per entry (books are replaced, never edited): the
 * steady-state check scales nothing.
 */
const scaledLevels = new WeakMap<Readonly<Record<LimitName, number>>, Map<LimitEntry, LimitLevels>>();

function levelsOf(entry: LimitEntry, s: Strictness): LimitLevels {
  if (s.factors[entry.name] === 1) return entry;
  if (!Object.isFrozen(s.factors)) return effectiveLevels(entry, s);
  let m = scaledLevels.get(s.factors);
  if (!m) scaledLevels.set(s.factors, (m = new Map()));
  let l = m.get(entry);
  if (!l) m.set(entry, (l = effectiveLevels(entry, s)));
  return l;
}

/** Whether num/den (den null: 1) is beyond `level` in the limit's direction, exactly (no division). */
function beyondLevel(max: boolean, num: bigint, den: bigint | null, level: bigint): boolean {
  const bound = den === null ? level : den * level;
  return max ? num > bound : num < bound;
}

export function evaluateOrder(order: RiskOrder, inst: Instrument, inputs: RiskInputs, config: RiskGateConfig = DEFAULT_GATE_CONFIG): RiskDecision {
  const { state, limits: book, market } = inputs;
  const sym = order.symbol;
  const strictness = strictnessFor(order.urgency, inputs.volatility, config.tiers);
  const deferred: readonly CheckName[] = order.kind === 'parent' ? strictness.deferred : NO_CHECKS;
  const current = state.symbols.get(sym);
  const ref = market.refPriceUnits ?? current?.refPriceUnits;
  const est = order.type === 'market' ? (order.estimatedPriceUnits ?? null) : null;
  const price = order.limitPriceUnits ?? est ?? ref ?? null;

  // The order's symbol after it, and from it every total: no derived state is built per check.
  const after = projectSymbol(state, order, price, inst, ref ?? price ?? undefined);
  const reducing = reducesWith(state, after, order);
  const notional = price !== null ? notionalUnits(inst, price, order.qtyUnits) : null;

  const stop = (b: Breach): RiskDecision => ({ reducing, priceUnits: price, notionalUnits: notional, strictness, deferred: [...deferred], verdict: 'deny', code: b.code, message: b.message, breaches: [b], confirmable: false, confirmed: false, checked: [] });
  const perm = permits(inputs.mode, reducing ? NEW_REDUCING : NEW_ADDING);
  if (!perm.ok) return stop({ code: perm.code, level: 'hard', check: 'trading_state', limit: null, scope: null, observed: inputs.mode, threshold: null, factor: 1, message: perm.message });
  const block = inputs.blocked?.get(sym);
  if (block !== undefined && !reducing) {
    return stop({ code: 'INSTRUMENT_BLOCKED', level: 'hard', check: 'instrument_block', limit: null, scope: `symbol:${sym}`, observed: null, threshold: null, factor: 1, message: `no new exposure in ${sym}: ${block}` });
  }
  if (price === null || notional === null) {
    return stop({ code: 'NO_REFERENCE_PRICE', level: 'hard', check: 'reference', limit: null, scope: `symbol:${sym}`, observed: null, threshold: null, factor: 1, message: `no reference price for ${sym} to value the order` });
  }

  let breaches: Breach[] | undefined;
  const checked: CheckName[] = [];

  /**
   * Tests one entry against the observation num/den in `unit` (den null: 1; den <= 0: a ratio to a
   * NAV that is not positive, breached by any growth). Compared exactly, without division; the
   * value shown is formatted only for a breach (formatting every observation cost more than the
   * comparisons). One closure per check, no closure per limit: the ok path allocates only what
   * bigint arithmetic must. The code is the limit's own or its group code.
   */
  const test = (entry: LimitEntry | undefined, unit: LimitUnit, num: bigint, den: bigint | null = null): void => {
    if (!entry) return;
    const def = LIMIT_DEFS[entry.name];
    const eff = levelsOf(entry, strictness);
    const max = def.direction === 'max';
    const navless = den !== null && den <= 0n;
    const level: BreachLevel | null = navless || beyondLevel(max, num, den, eff.hard) ? 'hard' : eff.soft !== null && beyondLevel(max, num, den, eff.soft) ? 'soft' : null;
    if (level === null) return;
    const threshold = describeValue(def.unit, level === 'hard' ? eff.hard : eff.soft!);
    const scope = scopeKey(entry.scope);
    const factor = strictness.factors[entry.name];
    const code = entry.scope.kind === 'group' && def.groupCode ? def.groupCode : def.code;
    const verb = max ? 'exceeds' : 'is below';
    const scaled = factor !== 1 ? `, x${Number(factor.toFixed(4))} for ${strictness.tier}${strictness.vol.regime === 'high' ? ' in high volatility' : ''}` : '';
    const observed = navless ? NAV_NOT_POSITIVE : describeValue(unit, den === null ? num : ceilDiv(num, den));
    (breaches ??= []).push({
      code,
      level,
      check: def.check,
      limit: entry.name,
      scope,
      observed,
      threshold,
      factor,
      message: `${def.label}: ${observed} ${verb} the ${level} limit ${threshold} (${entry.name}${scopeLabel(scope)}${scaled})`,
    });
  };

  // Fat finger: size.
  if (runs(deferred, 'order_size')) {
    checked.push('order_size');
    const qtyEntry = limitFor(book, 'max_order_qty', sym);
    if (qtyEntry) test(qtyEntry, 'qty', order.qtyUnits * pow10(UNIT_DECIMALS.qty - inst.qtyDecimals));
    test(limitFor(book, 'max_order_notional', sym), 'money', notional);
  }

  // Fat finger: price through the reference on the aggressive side.
  const bandPrice = order.limitPriceUnits ?? est;
  if (runs(deferred, 'price_band') && bandPrice !== null) {
    checked.push('price_band');
    const pctEntry = limitFor(book, 'price_band_pct', sym);
    const tickEntry = limitFor(book, 'price_band_ticks', sym);
    if ((pctEntry || tickEntry) && ref === undefined) {
      (breaches ??= []).push({ code: 'NO_REFERENCE_PRICE', level: 'hard', check: 'reference', limit: null, scope: `symbol:${sym}`, observed: null, threshold: null, factor: 1, message: `no reference price for ${sym} to check the price band` });
    } else if (ref !== undefined && ref > 0n) {
      const dev = order.side === 'buy' ? bandPrice - ref : ref - bandPrice;
      const d = dev > 0n ? dev : 0n;
      if (pctEntry) test(pctEntry, 'pct', d * PCT_ONE_HUNDRED, ref);
      test(tickEntry, 'ticks', d, inst.tickUnits);
    }
  }

  // Spread an aggressive order would cross.
  if (runs(deferred, 'spread')) {
    const bid = market.bidUnits;
    const ask = market.askUnits;
    const aggressive =
      order.type === 'market' ||
      (order.limitPriceUnits !== null && (order.side === 'buy' ? ask !== undefined && order.limitPriceUnits >= ask : bid !== undefined && order.limitPriceUnits <= bid));
    const entry = limitFor(book, 'max_spread_bps', sym);
    if (aggressive && entry) {
      checked.push('spread');
      if (bid === undefined || ask === undefined || bid + ask <= 0n) {
        (breaches ??= []).push({ code: 'MAX_SPREAD', level: 'hard', check: 'spread', limit: 'max_spread_bps', scope: scopeKey(entry.scope), observed: null, threshold: null, factor: 1, message: `no two-sided quote in ${sym}: the spread an aggressive order crosses is unknown` });
      } else {
        test(entry, 'bps', (ask - bid) * SPREAD_SCALE, ask + bid);
      }
    }
  }

  // Runaway-loop guard: orders in the window, this one included.
  if (runs(deferred, 'order_rate')) {
    checked.push('order_rate');
    const r = inputs.rates;
    const rate = (entry: LimitEntry | undefined, n: number): void => {
      if (entry) test(entry, 'count', BigInt(n + 1));
    };
    rate(globalEntry(book, 'max_orders_per_minute'), r.minute);
    rate(symbolEntry(book, 'max_orders_per_minute', sym), r.symbolMinute);
    rate(globalEntry(book, 'max_orders_per_hour'), r.hour);
    rate(symbolEntry(book, 'max_orders_per_hour', sym), r.symbolHour);
  }

  if (!reducing) {
    const nav = state.navUnits;
    const grossBefore = current?.grossValueUnits ?? 0n;
    const grossDelta = after.grossValueUnits - grossBefore;

    if (runs(deferred, 'position')) {
      checked.push('position');
      const a = after.grossValueUnits;
      if (grossDelta > 0n) {
        const pctEntry = limitFor(book, 'max_position_pct_nav', sym);
        if (pctEntry) test(pctEntry, 'pct', a * PCT_ONE_HUNDRED, nav);
        test(limitFor(book, 'max_position_notional', sym), 'money', a);
      }
    }

    // Every scope the symbol is in changes by the symbol's own change: before + delta.
    const longDelta = after.longCaseValueUnits - (current?.longCaseValueUnits ?? 0n);
    const shortDelta = after.shortCaseValueUnits - (current?.shortCaseValueUnits ?? 0n);
    const scoped = (members: readonly string[] | undefined, gross: LimitEntry | undefined, grossPct: LimitEntry | undefined, net: LimitEntry | undefined, netPct: LimitEntry | undefined): void => {
      if (!gross && !grossPct && !net && !netPct) return;
      const sums = exposureSums(state, members);
      if (grossDelta > 0n && (gross || grossPct)) {
        const ga = sums.gross + grossDelta;
        if (grossPct) test(grossPct, 'pct', ga * PCT_ONE_HUNDRED, nav);
        test(gross, 'money', ga);
      }
      if (net || netPct) {
        const nb = maxBig(absBig(sums.long), absBig(sums.short));
        const na = maxBig(absBig(sums.long + longDelta), absBig(sums.short + shortDelta));
        if (na > nb) {
          if (netPct) test(netPct, 'pct', na * PCT_ONE_HUNDRED, nav);
          test(net, 'money', na);
        }
      }
    };
    if (runs(deferred, 'exposure')) {
      checked.push('exposure');
      scoped(undefined, globalEntry(book, 'max_gross_exposure'), globalEntry(book, 'max_gross_exposure_pct_nav'), globalEntry(book, 'max_net_exposure'), globalEntry(book, 'max_net_exposure_pct_nav'));
      for (const g of sharedGroupsOf(book, sym)) {
        scoped(groupMembers(book, g), groupEntry(book, 'max_gross_exposure', g), groupEntry(book, 'max_gross_exposure_pct_nav', g), groupEntry(book, 'max_net_exposure', g), groupEntry(book, 'max_net_exposure_pct_nav', g));
      }
    }

    if (runs(deferred, 'leverage') && grossDelta > 0n) {
      checked.push('leverage');
      const entry = globalEntry(book, 'max_leverage');
      if (entry) test(entry, 'ratio', (exposureSums(state).gross + grossDelta) * RATIO_ONE, nav);
    }

    if (runs(deferred, 'cash_buffer') && order.side === 'buy') {
      checked.push('cash_buffer');
      const entry = globalEntry(book, 'min_cash_buffer');
      if (entry) {
        const fee = divRound(notional * BigInt(Math.round(inst.takerFeeBps * 100)), 1_000_000n);
        const cashAfter = state.projectedCashUnits + (current?.pendingBuyCashUnits ?? 0n) - after.pendingBuyCashUnits - fee;
        if (cashAfter < state.projectedCashUnits) test(entry, 'money', cashAfter);
      }
    }

    if (runs(deferred, 'loss') && inputs.loss) {
      checked.push('loss');
      const loss = inputs.loss;
      test(globalEntry(book, 'max_daily_loss'), 'money', loss.dailyLossUnits);
      for (const [name, p] of DRAWDOWNS) test(globalEntry(book, name), 'pct', loss.drawdownPct[p]);
    }
  }

  return decide(order, breaches, checked, reducing, price, notional, strictness, deferred, config);
}

/** (ask - bid) * 2 * 10,000 bps in the bps unit: the spread over the mid, compared against (ask + bid). */
const SPREAD_SCALE = 2n * 10_000n * BPS_ONE;
const NEW_REDUCING = { kind: 'new', reducing: true } as const;
const NEW_ADDING = { kind: 'new', reducing: false } as const;

function decide(
  order: RiskOrder,
  found: Breach[] | undefined,
  checked: CheckName[],
  reducing: boolean,
  priceUnits: bigint | null,
  notionalUnits: bigint | null,
  strictness: Strictness,
  deferredChecks: readonly CheckName[],
  config: RiskGateConfig,
): RiskDecision {
  const deferred = deferredChecks.length === 0 ? [] : [...deferredChecks];
  const breaches = found ?? [];
  const out = (verdict: Verdict, code: RiskCode | null, message: string, confirmable: boolean, confirmed: boolean): RiskDecision => ({
    verdict,
    code,
    message,
    breaches,
    confirmable,
    confirmed,
    reducing,
    priceUnits,
    notionalUnits,
    strictness,
    checked,
    deferred,
  });
  if (!found) return out('pass', null, 'within every limit', false, false);
  const hard = breaches.find((b) => b.level === 'hard');
  if (hard) return out('deny', hard.code, hard.message, false, false);
  const soft = breaches[0]!;
  const list = breaches.map((b) => b.code).join(', ');
  const policy = config.softPolicy[order.source];
  if (policy === 'allow') return out('pass', null, `soft limits breached, allowed for ${order.source} orders: ${list}`, false, false);
  if (policy === 'confirm') {
    if (order.confirm === true) return out('pass', null, `soft limits breached and confirmed: ${list}`, false, true);
    // Nobody can be asked about a child mid-schedule: without its parent's confirmation it is denied.
    if (order.kind === 'child') return out('deny', soft.code, `${soft.message}; a child order cannot wait for confirmation (its parent was not confirmed)`, false, false);
    return out('soft_breach', soft.code, `confirm to send: ${soft.message}${breaches.length > 1 ? ` (and ${breaches.length - 1} more)` : ''}`, true, false);
  }
  return out('deny', soft.code, `${soft.message}; soft limits cannot be confirmed for ${order.source} orders`, false, false);
}

/** Whether a breach is about exposure or losses (what a reducing order is exempt from). */
export function isExposureBreach(b: Breach): boolean {
  return (EXPOSURE_CHECKS as readonly string[]).includes(b.check);
}

/**
 * The gate's view of a journaled order: a child if it has a parent, a parent if an algorithm works
 * it, else direct. `estimatedPriceUnits` is checkOrder's estimate for market orders; `confirm` the
 * operator's confirmation (for a child: its parent's).
 */
export function riskOrderFromRecord(o: OrderRecord, extra: { estimatedPriceUnits?: bigint | null; confirm?: boolean; source?: OrderSource } = {}): RiskOrder {
  return {
    symbol: o.symbol,
    side: o.side,
    qtyUnits: o.qtyUnits - o.filledUnits,
    type: o.type,
    limitPriceUnits: o.type === 'limit' ? o.priceUnits : null,
    estimatedPriceUnits: extra.estimatedPriceUnits ?? null,
    urgency: o.urgency,
    source: extra.source ?? o.source,
    kind: o.parentId !== null ? 'child' : worksChildren(o) ? 'parent' : 'direct',
    parentId: o.parentId,
    confirm: extra.confirm ?? false,
  };
}
