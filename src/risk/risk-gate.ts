import type { OrderType, Side, Urgency } from '../contract/dto.ts';
import { notionalUnits } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import { worksChildren } from '../core/order.ts';
import type { OrderRecord } from '../core/ports.ts';
import { divRound, pow10 } from '../core/precision.ts';
import type { RiskCode } from './codes.ts';
import type { LossView, Period } from './drawdown.ts';
import { BPS_ONE, EXPOSURE_CHECKS, LIMIT_DEFS, PCT_ONE_HUNDRED, RATIO_ONE, UNIT_DECIMALS, describeValue, getEntry, groupMembers, groupsOf, limitFor, scopeKey } from './limits.ts';
import type { BreachLevel, CheckName, LimitBook, LimitEntry, LimitLevels, LimitName } from './limits.ts';
import type { OrderRates } from './order-rate.ts';
import { exposureOf, grossExposure, isReducing, netExposure, withOrder } from './projected-state.ts';
import type { ProjectedOrder, ProjectedState } from './projected-state.ts';
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

export function evaluateOrder(order: RiskOrder, inst: Instrument, inputs: RiskInputs, config: RiskGateConfig = DEFAULT_GATE_CONFIG): RiskDecision {
  const { state, limits: book, market } = inputs;
  const strictness = strictnessFor(order.urgency, inputs.volatility, config.tiers);
  const deferred = order.kind === 'parent' ? [...strictness.deferred] : [];
  const runs = (c: CheckName): boolean => !deferred.includes(c);
  const ref = market.refPriceUnits ?? exposureOf(state, order.symbol).refPriceUnits;
  const est = order.type === 'market' ? (order.estimatedPriceUnits ?? null) : null;
  const price = order.limitPriceUnits ?? est ?? ref ?? null;

  const projected: ProjectedOrder = { symbol: order.symbol, side: order.side, qtyUnits: order.qtyUnits, priceUnits: price, kind: order.kind, parentId: order.parentId ?? null };
  const after = withOrder(state, projected, inst, ref ?? price ?? undefined);
  const reducing = isReducing(state, after, order);
  const notional = price !== null ? notionalUnits(inst, price, order.qtyUnits) : null;
  const base = { reducing, priceUnits: price, notionalUnits: notional, strictness, deferred };

  const stop = (b: Breach): RiskDecision => ({ ...base, verdict: 'deny', code: b.code, message: b.message, breaches: [b], confirmable: false, confirmed: false, checked: [] });
  const perm = permits(inputs.mode, { kind: 'new', reducing });
  if (!perm.ok) return stop({ code: perm.code, level: 'hard', check: 'trading_state', limit: null, scope: null, observed: inputs.mode, threshold: null, factor: 1, message: perm.message });
  const block = inputs.blocked?.get(order.symbol);
  if (block !== undefined && !reducing) {
    return stop({ code: 'INSTRUMENT_BLOCKED', level: 'hard', check: 'instrument_block', limit: null, scope: `symbol:${order.symbol}`, observed: null, threshold: null, factor: 1, message: `no new exposure in ${order.symbol}: ${block}` });
  }
  if (price === null || notional === null) {
    return stop({ code: 'NO_REFERENCE_PRICE', level: 'hard', check: 'reference', limit: null, scope: `symbol:${order.symbol}`, observed: null, threshold: null, factor: 1, message: `no reference price for ${order.symbol} to value the order` });
  }

  const breaches: Breach[] = [];
  const checked: CheckName[] = [];

  /**
   * Tests one entry. `over(level)` says whether the observation is beyond a level (in the limit's
   * direction, exactly); `shown` formats the value shown, only for a breach (formatting every
   * observation cost more than the comparisons). The code is the limit's own or its group code.
   */
  const test = (entry: LimitEntry | undefined, over: (level: bigint) => boolean, shown: () => string): void => {
    if (!entry) return;
    const def = LIMIT_DEFS[entry.name];
    const eff: LimitLevels = effectiveLevels(entry, strictness);
    const level: BreachLevel | null = over(eff.hard) ? 'hard' : eff.soft !== null && over(eff.soft) ? 'soft' : null;
    if (level === null) return;
    const threshold = describeValue(def.unit, level === 'hard' ? eff.hard : eff.soft!);
    const scope = scopeKey(entry.scope);
    const factor = strictness.factors[entry.name];
    const code = entry.scope.kind === 'group' && def.groupCode ? def.groupCode : def.code;
    const verb = def.direction === 'max' ? 'exceeds' : 'is below';
    const scaled = factor !== 1 ? `, x${Number(factor.toFixed(4))} for ${strictness.tier}${strictness.vol.regime === 'high' ? ' in high volatility' : ''}` : '';
    const observed = shown();
    breaches.push({
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
  const money = (u: bigint): string => describeValue('money', u);
  const pctOf = (num: bigint, den: bigint): string => (den > 0n ? describeValue('pct', ceilDiv(num * PCT_ONE_HUNDRED, den)) : 'n/a (NAV <= 0)');
  const sym = order.symbol;

  // Fat finger: size.
  if (runs('order_size')) {
    checked.push('order_size');
    const q = order.qtyUnits * pow10(UNIT_DECIMALS.qty - inst.qtyDecimals);
    test(limitFor(book, 'max_order_qty', sym), (l) => q > l, () => describeValue('qty', q));
    test(limitFor(book, 'max_order_notional', sym), (l) => notional > l, () => money(notional));
  }

  // Fat finger: price through the reference on the aggressive side.
  const bandPrice = order.limitPriceUnits ?? est;
  if (runs('price_band') && bandPrice !== null) {
    checked.push('price_band');
    const pctEntry = limitFor(book, 'price_band_pct', sym);
    const tickEntry = limitFor(book, 'price_band_ticks', sym);
    if ((pctEntry || tickEntry) && ref === undefined) {
      breaches.push({ code: 'NO_REFERENCE_PRICE', level: 'hard', check: 'reference', limit: null, scope: `symbol:${sym}`, observed: null, threshold: null, factor: 1, message: `no reference price for ${sym} to check the price band` });
    } else if (ref !== undefined && ref > 0n) {
      const dev = order.side === 'buy' ? bandPrice - ref : ref - bandPrice;
      const d = dev > 0n ? dev : 0n;
      test(pctEntry, (l) => d * PCT_ONE_HUNDRED > ref * l, () => describeValue('pct', ceilDiv(d * PCT_ONE_HUNDRED, ref)));
      test(tickEntry, (l) => d > l * inst.tickUnits, () => describeValue('ticks', ceilDiv(d, inst.tickUnits)));
    }
  }

  // Spread an aggressive order would cross.
  if (runs('spread')) {
    const { bidUnits: bid, askUnits: ask } = market;
    const aggressive =
      order.type === 'market' ||
      (order.limitPriceUnits !== null && (order.side === 'buy' ? ask !== undefined && order.limitPriceUnits >= ask : bid !== undefined && order.limitPriceUnits <= bid));
    const entry = limitFor(book, 'max_spread_bps', sym);
    if (aggressive && entry) {
      checked.push('spread');
      if (bid === undefined || ask === undefined || bid + ask <= 0n) {
        breaches.push({ code: 'MAX_SPREAD', level: 'hard', check: 'spread', limit: 'max_spread_bps', scope: scopeKey(entry.scope), observed: null, threshold: null, factor: 1, message: `no two-sided quote in ${sym}: the spread an aggressive order crosses is unknown` });
      } else {
        const spread = ask - bid;
        const scaled = spread * 2n * 10_000n * BPS_ONE;
        test(entry, (l) => scaled > (ask + bid) * l, () => describeValue('bps', ceilDiv(scaled, ask + bid)));
      }
    }
  }

  // Runaway-loop guard: orders in the window, this one included.
  if (runs('order_rate')) {
    checked.push('order_rate');
    const r = inputs.rates;
    const count = (n: number): bigint => BigInt(n + 1);
    test(getEntry(book, 'max_orders_per_minute', { kind: 'global' }), (l) => count(r.minute) > l, () => String(r.minute + 1));
    test(getEntry(book, 'max_orders_per_minute', { kind: 'symbol', symbol: sym }), (l) => count(r.symbolMinute) > l, () => String(r.symbolMinute + 1));
    test(getEntry(book, 'max_orders_per_hour', { kind: 'global' }), (l) => count(r.hour) > l, () => String(r.hour + 1));
    test(getEntry(book, 'max_orders_per_hour', { kind: 'symbol', symbol: sym }), (l) => count(r.symbolHour) > l, () => String(r.symbolHour + 1));
  }

  if (!reducing) {
    const nav = state.navUnits;
    // A % of NAV limit is breached by any growth when NAV is not positive.
    const overPct = (value: bigint, l: bigint): boolean => nav <= 0n || value * PCT_ONE_HUNDRED > nav * l;

    if (runs('position')) {
      checked.push('position');
      const b = exposureOf(state, sym).grossValueUnits;
      const a = exposureOf(after, sym).grossValueUnits;
      if (a > b) {
        test(limitFor(book, 'max_position_pct_nav', sym), (l) => overPct(a, l), () => pctOf(a, nav));
        test(limitFor(book, 'max_position_notional', sym), (l) => a > l, () => money(a));
      }
    }

    const grossBefore = grossExposure(state);
    const grossAfter = grossExposure(after);
    if (runs('exposure')) {
      checked.push('exposure');
      const scopes: { members: readonly string[] | undefined; scope: { kind: 'global' } | { kind: 'group'; group: string } }[] = [
        { members: undefined, scope: { kind: 'global' } },
        ...groupsOf(book, sym).map((g) => ({ members: groupMembers(book, g)!, scope: { kind: 'group' as const, group: g } })),
      ];
      for (const { members, scope } of scopes) {
        const gb = members ? grossExposure(state, members) : grossBefore;
        const ga = members ? grossExposure(after, members) : grossAfter;
        if (ga > gb) {
          test(getEntry(book, 'max_gross_exposure_pct_nav', scope), (l) => overPct(ga, l), () => pctOf(ga, nav));
          test(getEntry(book, 'max_gross_exposure', scope), (l) => ga > l, () => money(ga));
        }
        const nb = netExposure(state, members);
        const na = netExposure(after, members);
        if (na > nb) {
          test(getEntry(book, 'max_net_exposure_pct_nav', scope), (l) => overPct(na, l), () => pctOf(na, nav));
          test(getEntry(book, 'max_net_exposure', scope), (l) => na > l, () => money(na));
        }
      }
    }

    if (runs('leverage') && grossAfter > grossBefore) {
      checked.push('leverage');
      const shown = (): string => (nav > 0n ? describeValue('ratio', ceilDiv(grossAfter * RATIO_ONE, nav)) : 'n/a (NAV <= 0)');
      test(getEntry(book, 'max_leverage', { kind: 'global' }), (l) => nav <= 0n || grossAfter * RATIO_ONE > nav * l, shown);
    }

    if (runs('cash_buffer') && order.side === 'buy') {
      checked.push('cash_buffer');
      const fee = divRound(notional * BigInt(Math.round(inst.takerFeeBps * 100)), 1_000_000n);
      const cashAfter = after.projectedCashUnits - fee;
      if (cashAfter < state.projectedCashUnits) test(getEntry(book, 'min_cash_buffer', { kind: 'global' }), (l) => cashAfter < l, () => money(cashAfter));
    }

    if (runs('loss') && inputs.loss) {
      checked.push('loss');
      const loss = inputs.loss;
      test(getEntry(book, 'max_daily_loss', { kind: 'global' }), (l) => loss.dailyLossUnits > l, () => money(loss.dailyLossUnits));
      const dd: [LimitName, Period][] = [
        ['max_drawdown_daily_pct', 'daily'],
        ['max_drawdown_weekly_pct', 'weekly'],
        ['max_drawdown_monthly_pct', 'monthly'],
      ];
      for (const [name, p] of dd) test(getEntry(book, name, { kind: 'global' }), (l) => loss.drawdownPct[p] > l, () => describeValue('pct', loss.drawdownPct[p]));
    }
  }

  return decide(order, breaches, checked, base, config);
}

function decide(
  order: RiskOrder,
  breaches: Breach[],
  checked: CheckName[],
  base: Pick<RiskDecision, 'reducing' | 'priceUnits' | 'notionalUnits' | 'strictness' | 'deferred'>,
  config: RiskGateConfig,
): RiskDecision {
  const common = { ...base, breaches, checked };
  const hard = breaches.find((b) => b.level === 'hard');
  if (hard) return { ...common, verdict: 'deny', code: hard.code, message: hard.message, confirmable: false, confirmed: false };
  const soft = breaches[0];
  if (!soft) return { ...common, verdict: 'pass', code: null, message: 'within every limit', confirmable: false, confirmed: false };
  const list = breaches.map((b) => b.code).join(', ');
  const policy = config.softPolicy[order.source];
  if (policy === 'allow') return { ...common, verdict: 'pass', code: null, message: `soft limits breached, allowed for ${order.source} orders: ${list}`, confirmable: false, confirmed: false };
  if (policy === 'confirm') {
    if (order.confirm === true) return { ...common, verdict: 'pass', code: null, message: `soft limits breached and confirmed: ${list}`, confirmable: false, confirmed: true };
    // Nobody can be asked about a child mid-schedule: without its parent's confirmation it is denied.
    if (order.kind === 'child') return { ...common, verdict: 'deny', code: soft.code, message: `${soft.message}; a child order cannot wait for confirmation (its parent was not confirmed)`, confirmable: false, confirmed: false };
    return { ...common, verdict: 'soft_breach', code: soft.code, message: `confirm to send: ${soft.message}${breaches.length > 1 ? ` (and ${breaches.length - 1} more)` : ''}`, confirmable: true, confirmed: false };
  }
  return { ...common, verdict: 'deny', code: soft.code, message: `${soft.message}; soft limits cannot be confirmed for ${order.source} orders`, confirmable: false, confirmed: false };
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
