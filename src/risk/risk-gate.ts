import type { OrderType, Side, Urgency } from '../contract/dto.ts';
import { CASH_DECIMALS, notionalUnits } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import { worksChildren } from '../core/order.ts';
import type { OrderRecord } from '../core/ports.ts';
import { divRound, pow10 } from '../core/precision.ts';
import type { RiskCode } from './codes.ts';
import type { LossView } from './drawdown.ts';
import { BPS_ONE, CHECK_NAMES, EXPOSURE_CHECKS, LIMIT_DEFS, PCT_ONE_HUNDRED, RATIO_ONE, UNIT_DECIMALS, describeValue, globalEntry, groupEntry, groupMembers, limitFor, scopeKey, sharedGroupsOf, symbolEntry } from './limits.ts';
import type { BreachLevel, CheckName, LimitBook, LimitEntry, LimitLevels, LimitName, LimitUnit } from './limits.ts';
import type { OrderRates } from './order-rate.ts';
import { exposureSums } from './projected-state.ts';
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
export const NO_CHECKS: readonly CheckName[] = Object.freeze([]);
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

export function levelsOf(entry: LimitEntry, s: Strictness): LimitLevels {
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

/**
 * What one evaluation keeps between its limit tests. evaluateOrder is synchronous and calls out to
 * nothing that could evaluate again, so one module-level record serves every call: the clean path
 * builds no closure and no context object per order.
 */
const RUN: { strictness: Strictness; breaches: Breach[] | undefined } = { strictness: undefined as unknown as Strictness, breaches: undefined };

/**
 * Tests one entry against the observation num/den in `unit` (den null: 1; den <= 0: a ratio to a
 * NAV that is not positive, breached by any growth). Compared exactly, without division; only a
 * breach formats anything (breachOf). Small enough to be inlined: the bigints it is handed stay
 * unboxed in the optimised gate, so a limit that holds allocates nothing.
 */
function test(entry: LimitEntry | undefined, unit: LimitUnit, num: bigint, den: bigint | null): void {
  if (entry === undefined) return;
  const eff = levelsOf(entry, RUN.strictness);
  const max = LIMIT_DEFS[entry.name].direction === 'max';
  const navless = den !== null && den <= 0n;
  if (!navless && !beyondLevel(max, num, den, eff.hard) && (eff.soft === null || !beyondLevel(max, num, den, eff.soft))) return;
  (RUN.breaches ??= []).push(breachOf(entry, eff, unit, num, den, navless, max));
}

/** The breach a failed test() records, with its values formatted for people. The code is the limit's own or its group code. */
function breachOf(entry: LimitEntry, eff: LimitLevels, unit: LimitUnit, num: bigint, den: bigint | null, navless: boolean, max: boolean): Breach {
  const strictness = RUN.strictness;
  const def = LIMIT_DEFS[entry.name];
  const level: BreachLevel = navless || beyondLevel(max, num, den, eff.hard) ? 'hard' : 'soft';
  const threshold = describeValue(def.unit, level === 'hard' ? eff.hard : eff.soft!);
  const scope = scopeKey(entry.scope);
  const factor = strictness.factors[entry.name];
  const code = entry.scope.kind === 'group' && def.groupCode ? def.groupCode : def.code;
  const verb = max ? 'exceeds' : 'is below';
  const scaled = factor !== 1 ? `, x${Number(factor.toFixed(4))} for ${strictness.tier}${strictness.vol.regime === 'high' ? ' in high volatility' : ''}` : '';
  const observed = navless ? NAV_NOT_POSITIVE : describeValue(unit, den === null ? num : ceilDiv(num, den));
  return {
    code,
    level,
    check: def.check,
    limit: entry.name,
    scope,
    observed,
    threshold,
    factor,
    message: `${def.label}: ${observed} ${verb} the ${level} limit ${threshold} (${entry.name}${scopeLabel(scope)}${scaled})`,
  };
}

/** The checks in the order the gate runs them; `checked` is kept as a bit mask of this list while the gate runs. */
const CHECK_ORDER: readonly CheckName[] = CHECK_NAMES;
export const CHECK_BIT = Object.fromEntries(CHECK_ORDER.map((c, i) => [c, 1 << i])) as Readonly<Record<CheckName, number>>;

/** The checks of a mask, in the order they ran (a new array). */
function checkedList(mask: number): CheckName[] {
  const out: CheckName[] = [];
  for (let i = 0; i < CHECK_ORDER.length; i++) if ((mask & (1 << i)) !== 0) out.push(CHECK_ORDER[i]!);
  return out;
}

/** One frozen list per mask, shared by the decisions reused for a clean pass (nobody writes to a decision's lists). */
const CHECKED_BY_MASK: (readonly CheckName[] | undefined)[] = [];

export function sharedChecked(mask: number): CheckName[] {
  return (CHECKED_BY_MASK[mask] ??= Object.freeze(checkedList(mask))) as CheckName[];
}

/**
 * The gate. Everything an order that passes cleanly needs is computed in local bigints (the
 * order's symbol after the order is projected inline, as projectSymbol does, rather than built as
 * an object), limit tests are small inlined functions and the checks run are a bit mask, so a
 * clean pass allocates nothing but its decision; with `reuse` (RiskService.check's own decision,
 * valid until its next check) not even that. A breach, a denial or a soft breach builds a fresh
 * decision with its messages.
 */
export function evaluateOrder(order: RiskOrder, inst: Instrument, inputs: RiskInputs, config: RiskGateConfig = DEFAULT_GATE_CONFIG, reuse?: RiskDecision): RiskDecision {
  const state = inputs.state;
  const book = inputs.limits;
  const market = inputs.market;
  const sym = order.symbol;
  const strictness = strictnessFor(order.urgency, inputs.volatility, config.tiers);
  const deferred: readonly CheckName[] = order.kind === 'parent' ? strictness.deferred : NO_CHECKS;
  const current = state.symbols.get(sym);
  const ref = market.refPriceUnits ?? current?.refPriceUnits;
  const est = order.type === 'market' ? (order.estimatedPriceUnits ?? null) : null;
  const price = order.limitPriceUnits ?? est ?? ref ?? null;
  const buy = order.side === 'buy';

  // The order's symbol after it (projectSymbol's arithmetic, in locals): totals and the reducing
  // test follow from it and the state's cached sums, so no derived state is built per check.
  const aRef = current?.refPriceUnits ?? ref ?? price ?? undefined;
  const pos = current === undefined ? 0n : current.positionUnits;
  let wBuy = current === undefined ? 0n : current.workingBuyUnits;
  let wSell = current === undefined ? 0n : current.workingSellUnits;
  let aBuy = current === undefined ? 0n : current.algoBuyUnits;
  let aSell = current === undefined ? 0n : current.algoSellUnits;
  let pendingBuy = current === undefined ? 0n : current.pendingBuyCashUnits;
  let unpricedBuy = 0n;
  let qty = order.qtyUnits;
  const parent = order.kind === 'child' && order.parentId ? state.parents.get(order.parentId) : undefined;
  if (parent !== undefined && parent.symbol === sym && parent.side === order.side && parent.unplacedUnits > 0n) {
    const take = qty < parent.unplacedUnits ? qty : parent.unplacedUnits;
    if (buy) {
      aBuy -= take;
      wBuy += take;
      // Cash: the parent's share at its price moves to the child's price.
      const parentPrice = parent.limitPriceUnits ?? aRef ?? null;
      if (parentPrice !== null) pendingBuy -= notionalUnits(inst, parentPrice, take);
      if (price !== null) pendingBuy += notionalUnits(inst, price, take);
      else unpricedBuy += take;
    } else {
      aSell -= take;
      wSell += take;
    }
    qty -= take;
  }
  if (qty > 0n) {
    const asAlgo = order.kind === 'parent';
    if (buy) {
      if (asAlgo) aBuy += qty;
      else wBuy += qty;
      if (price !== null) pendingBuy += notionalUnits(inst, price, qty);
      else unpricedBuy += qty;
    } else if (asAlgo) aSell += qty;
    else wSell += qty;
  }
  const idle = wBuy === 0n && aBuy === 0n && wSell === 0n && aSell === 0n;
  const longCase = idle ? pos : pos + wBuy + aBuy;
  const shortCase = idle ? pos : pos - wSell - aSell;
  const unit = aRef !== undefined ? aRef * pow10(CASH_DECIMALS - inst.priceDecimals - inst.qtyDecimals) : 0n;
  const posValue = pos === 0n ? 0n : unit * pos;
  const longValue = idle ? posValue : longCase === 0n ? 0n : unit * longCase;
  const shortValue = idle ? posValue : shortCase === 0n ? 0n : unit * shortCase;
  const absLong = longValue < 0n ? -longValue : longValue;
  const absShort = shortValue < 0n ? -shortValue : shortValue;
  const grossAfter = absLong > absShort ? absLong : absShort;
  const pendingAfter = unpricedBuy === 0n ? pendingBuy : pendingBuy + unit * unpricedBuy;
  // reducesWith: a sell of a long (a buy of a short) that cannot take the position through zero.
  const reducing = order.qtyUnits > 0n && (buy ? pos < 0n && longCase <= 0n : pos > 0n && shortCase >= 0n);
  const notional = price !== null ? notionalUnits(inst, price, order.qtyUnits) : null;

  const perm = permits(inputs.mode, reducing ? NEW_REDUCING : NEW_ADDING);
  if (!perm.ok) return denied({ code: perm.code, level: 'hard', check: 'trading_state', limit: null, scope: null, observed: inputs.mode, threshold: null, factor: 1, message: perm.message }, reducing, price, notional, strictness, deferred);
  const block = inputs.blocked?.get(sym);
  if (block !== undefined && !reducing) {
    return denied({ code: 'INSTRUMENT_BLOCKED', level: 'hard', check: 'instrument_block', limit: null, scope: `symbol:${sym}`, observed: null, threshold: null, factor: 1, message: `no new exposure in ${sym}: ${block}` }, reducing, price, notional, strictness, deferred);
  }
  if (price === null || notional === null) {
    return denied({ code: 'NO_REFERENCE_PRICE', level: 'hard', check: 'reference', limit: null, scope: `symbol:${sym}`, observed: null, threshold: null, factor: 1, message: `no reference price for ${sym} to value the order` }, reducing, price, notional, strictness, deferred);
  }

  RUN.strictness = strictness;
  RUN.breaches = undefined;
  let checked = 0;

  // Fat finger: size.
  if (runs(deferred, 'order_size')) {
    checked |= CHECK_BIT.order_size;
    const qtyEntry = limitFor(book, 'max_order_qty', sym);
    if (qtyEntry) test(qtyEntry, 'qty', order.qtyUnits * pow10(UNIT_DECIMALS.qty - inst.qtyDecimals), null);
    test(limitFor(book, 'max_order_notional', sym), 'money', notional, null);
  }

  // Fat finger: price through the reference on the aggressive side.
  const bandPrice = order.limitPriceUnits ?? est;
  if (runs(deferred, 'price_band') && bandPrice !== null) {
    checked |= CHECK_BIT.price_band;
    const pctEntry = limitFor(book, 'price_band_pct', sym);
    const tickEntry = limitFor(book, 'price_band_ticks', sym);
    if ((pctEntry || tickEntry) && ref === undefined) {
      (RUN.breaches ??= []).push({ code: 'NO_REFERENCE_PRICE', level: 'hard', check: 'reference', limit: null, scope: `symbol:${sym}`, observed: null, threshold: null, factor: 1, message: `no reference price for ${sym} to check the price band` });
    } else if (ref !== undefined && ref > 0n) {
      const dev = buy ? bandPrice - ref : ref - bandPrice;
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
      (order.limitPriceUnits !== null && (buy ? ask !== undefined && order.limitPriceUnits >= ask : bid !== undefined && order.limitPriceUnits <= bid));
    const entry = limitFor(book, 'max_spread_bps', sym);
    if (aggressive && entry) {
      checked |= CHECK_BIT.spread;
      if (bid === undefined || ask === undefined || bid + ask <= 0n) {
        (RUN.breaches ??= []).push({ code: 'MAX_SPREAD', level: 'hard', check: 'spread', limit: 'max_spread_bps', scope: scopeKey(entry.scope), observed: null, threshold: null, factor: 1, message: `no two-sided quote in ${sym}: the spread an aggressive order crosses is unknown` });
      } else {
        test(entry, 'bps', (ask - bid) * SPREAD_SCALE, ask + bid);
      }
    }
  }

  // Runaway-loop guard: orders in the window, this one included.
  if (runs(deferred, 'order_rate')) {
    checked |= CHECK_BIT.order_rate;
    const r = inputs.rates;
    testCount(globalEntry(book, 'max_orders_per_minute'), r.minute);
    testCount(symbolEntry(book, 'max_orders_per_minute', sym), r.symbolMinute);
    testCount(globalEntry(book, 'max_orders_per_hour'), r.hour);
    testCount(symbolEntry(book, 'max_orders_per_hour', sym), r.symbolHour);
  }

  if (!reducing) {
    const nav = state.navUnits;
    const grossDelta = grossAfter - (current === undefined ? 0n : current.grossValueUnits);

    if (runs(deferred, 'position')) {
      checked |= CHECK_BIT.position;
      if (grossDelta > 0n) {
        const pctEntry = limitFor(book, 'max_position_pct_nav', sym);
        if (pctEntry) test(pctEntry, 'pct', grossAfter * PCT_ONE_HUNDRED, nav);
        test(limitFor(book, 'max_position_notional', sym), 'money', grossAfter, null);
      }
    }

    // Every scope the symbol is in changes by the symbol's own change: before + delta. The global
    // scope first (g = -1), then each group the symbol shares, in a loop rather than a closure.
    if (runs(deferred, 'exposure')) {
      checked |= CHECK_BIT.exposure;
      const longDelta = longValue - (current === undefined ? 0n : current.longCaseValueUnits);
      const shortDelta = shortValue - (current === undefined ? 0n : current.shortCaseValueUnits);
      const groups = sharedGroupsOf(book, sym);
      for (let g = -1; g < groups.length; g++) {
        const group = g < 0 ? undefined : groups[g]!;
        const gross = group === undefined ? globalEntry(book, 'max_gross_exposure') : groupEntry(book, 'max_gross_exposure', group);
        const grossPct = group === undefined ? globalEntry(book, 'max_gross_exposure_pct_nav') : groupEntry(book, 'max_gross_exposure_pct_nav', group);
        const net = group === undefined ? globalEntry(book, 'max_net_exposure') : groupEntry(book, 'max_net_exposure', group);
        const netPct = group === undefined ? globalEntry(book, 'max_net_exposure_pct_nav') : groupEntry(book, 'max_net_exposure_pct_nav', group);
        if (!gross && !grossPct && !net && !netPct) continue;
        const sums = exposureSums(state, group === undefined ? undefined : groupMembers(book, group));
        if (grossDelta > 0n && (gross || grossPct)) {
          const ga = sums.gross + grossDelta;
          if (grossPct) test(grossPct, 'pct', ga * PCT_ONE_HUNDRED, nav);
          test(gross, 'money', ga, null);
        }
        if (net || netPct) {
          const lb = sums.long < 0n ? -sums.long : sums.long;
          const sb = sums.short < 0n ? -sums.short : sums.short;
          const la = sums.long + longDelta;
          const sa = sums.short + shortDelta;
          const laAbs = la < 0n ? -la : la;
          const saAbs = sa < 0n ? -sa : sa;
          const nb = lb > sb ? lb : sb;
          const na = laAbs > saAbs ? laAbs : saAbs;
          if (na > nb) {
            if (netPct) test(netPct, 'pct', na * PCT_ONE_HUNDRED, nav);
            test(net, 'money', na, null);
          }
        }
      }
    }

    if (runs(deferred, 'leverage') && grossDelta > 0n) {
      checked |= CHECK_BIT.leverage;
      const entry = globalEntry(book, 'max_leverage');
      if (entry) test(entry, 'ratio', (exposureSums(state).gross + grossDelta) * RATIO_ONE, nav);
    }

    if (runs(deferred, 'cash_buffer') && buy) {
      checked |= CHECK_BIT.cash_buffer;
      const entry = globalEntry(book, 'min_cash_buffer');
      if (entry) {
        const fee = divRound(notional * BigInt(Math.round(inst.takerFeeBps * 100)), 1_000_000n);
        const cashAfter = state.projectedCashUnits + (current === undefined ? 0n : current.pendingBuyCashUnits) - pendingAfter - fee;
        if (cashAfter < state.projectedCashUnits) test(entry, 'money', cashAfter, null);
      }
    }

    if (runs(deferred, 'loss') && inputs.loss) {
      checked |= CHECK_BIT.loss;
      const loss = inputs.loss;
      test(globalEntry(book, 'max_daily_loss'), 'money', loss.dailyLossUnits, null);
      test(globalEntry(book, 'max_drawdown_daily_pct'), 'pct', loss.drawdownPct.daily, null);
      test(globalEntry(book, 'max_drawdown_weekly_pct'), 'pct', loss.drawdownPct.weekly, null);
      test(globalEntry(book, 'max_drawdown_monthly_pct'), 'pct', loss.drawdownPct.monthly, null);
    }
  }

  const found = RUN.breaches;
  RUN.breaches = undefined;
  if (found === undefined && reuse !== undefined) {
    // A clean pass into the caller's decision: nothing is built.
    reuse.verdict = 'pass';
    reuse.code = null;
    reuse.message = CLEAN_PASS;
    reuse.breaches.length = 0;
    reuse.confirmable = false;
    reuse.confirmed = false;
    reuse.reducing = reducing;
    reuse.priceUnits = price;
    reuse.notionalUnits = notional;
    reuse.strictness = strictness;
    // Shared, frozen lists: refilling the decision's own arrays reallocated their storage.
    reuse.checked = sharedChecked(checked);
    reuse.deferred = (deferred.length === 0 ? NO_CHECKS : frozenCopy(deferred)) as CheckName[];
    return reuse;
  }
  return decide(order, found, checkedList(checked), reducing, price, notional, strictness, deferred, config);
}

/** A tier's deferred list, frozen once (in its own order): a reused decision hands it out without copying. */
const frozenLists = new WeakMap<readonly CheckName[], readonly CheckName[]>();

export function frozenCopy(list: readonly CheckName[]): readonly CheckName[] {
  if (Object.isFrozen(list)) return list;
  let f = frozenLists.get(list);
  if (!f) frozenLists.set(list, (f = Object.freeze([...list])));
  return f;
}

/** A rate limit: the orders already in the window plus this one. */
function testCount(entry: LimitEntry | undefined, n: number): void {
  if (entry !== undefined) test(entry, 'count', BigInt(n + 1), null);
}

/** A decision the caller may overwrite (RiskService.check's), before its first use. */
export function blankDecision(): RiskDecision {
  return { verdict: 'pass', code: null, message: CLEAN_PASS, breaches: [], confirmable: false, confirmed: false, reducing: false, priceUnits: null, notionalUnits: null, strictness: strictnessFor('immediate', undefined), checked: [], deferred: [] };
}

export const CLEAN_PASS = 'within every limit';

/** A denial before any limit is tested (trading state, instrument block, no price). */
function denied(b: Breach, reducing: boolean, priceUnits: bigint | null, notionalUnits: bigint | null, strictness: Strictness, deferred: readonly CheckName[]): RiskDecision {
  return { reducing, priceUnits, notionalUnits, strictness, deferred: [...deferred], verdict: 'deny', code: b.code, message: b.message, breaches: [b], confirmable: false, confirmed: false, checked: [] };
}

/** (ask - bid) * 2 * 10,000 bps in the bps unit: the spread over the mid, compared against (ask + bid). */
export const SPREAD_SCALE = 2n * 10_000n * BPS_ONE;
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
  if (!found) return out('pass', null, CLEAN_PASS, false, false);
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
