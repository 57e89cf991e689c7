import type { Side } from '../contract/dto.ts';
import { notionalUnits } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import { absBig, maxBig } from '../core/precision.ts';

/**
 * The projected state L1 checks against: positions plus everything already committed to change
 * them, i.e. working orders (direct orders and algo children) and the remaining quantity of working
 * algo parents not yet placed as children. Worst cases are kept per side: the long case assumes
 * every buy fills and no sell does, the short case the reverse.
 */

export interface PositionView {
  symbol: string;
  /** Signed quantity held, instrument units. */
  qtyUnits: bigint;
}

export interface WorkingOrderView {
  id: string;
  symbol: string;
  side: Side;
  /** Quantity still to fill, instrument units. */
  remainingUnits: bigint;
  /** Limit price, or the price a market order reserved cash at; null: valued at the reference price. */
  priceUnits: bigint | null;
  /** Set on algo children: their quantity is counted here, not in the parent's unplaced quantity. */
  parentId: string | null;
}

export interface AlgoParentView {
  id: string;
  symbol: string;
  side: Side;
  /**
   * Quantity of the parent neither filled nor currently working as a child, instrument units
   * (qty - filled - working children). Children in flight are reported as working orders.
   */
  unplacedUnits: bigint;
  limitPriceUnits: bigint | null;
}

/**
 * The port the engine implements over the ledger and the OMS. Called once per check; the order
 * being checked must not already be among the working orders or parents.
 */
export interface ExposureSource {
  cashUnits(): bigint;
  positions(): Iterable<PositionView>;
  workingOrders(): Iterable<WorkingOrderView>;
  algoParents(): Iterable<AlgoParentView>;
}

export interface SymbolExposure {
  symbol: string;
  positionUnits: bigint;
  /** Working direct orders and children. */
  workingBuyUnits: bigint;
  workingSellUnits: bigint;
  /** Unplaced remainders of algo parents. */
  algoBuyUnits: bigint;
  algoSellUnits: bigint;
  /** Reference (mark) price; undefined when the symbol has none. */
  refPriceUnits: bigint | undefined;
  /** Position if every buy fills and no sell: position + working buys + algo buys. */
  longCaseUnits: bigint;
  /** Position if every sell fills and no buy: position - working sells - algo sells. */
  shortCaseUnits: bigint;
  /** Values at the reference price (0 when there is none), cash units, signed. */
  positionValueUnits: bigint;
  longCaseValueUnits: bigint;
  shortCaseValueUnits: bigint;
  /** max(|long case|, |short case|) valued: the most this symbol can weigh. */
  grossValueUnits: bigint;
  /** Cash every buy of this symbol needs if it fills (at its limit price, else the reference). */
  pendingBuyCashUnits: bigint;
}

export interface ProjectedState {
  cashUnits: bigint;
  /** Net asset value: cash plus positions at the reference price. */
  navUnits: bigint;
  /** Cash left if every buy fills and no sell does. */
  projectedCashUnits: bigint;
  symbols: ReadonlyMap<string, SymbolExposure>;
  /** Unplaced remainder per working parent, for moving a child's quantity out of its parent. */
  parents: ReadonlyMap<string, AlgoParentView>;
  /** Symbols with exposure but no reference price: valued at 0, flagged for the caller. */
  unpriced: readonly string[];
}

export type InstrumentOf = (symbol: string) => Instrument | undefined;
export type PriceOf = (symbol: string) => bigint | undefined;

interface Raw {
  positionUnits: bigint;
  workingBuyUnits: bigint;
  workingSellUnits: bigint;
  algoBuyUnits: bigint;
  algoSellUnits: bigint;
  /** Working buys and algo buys with their price (null: the reference). */
  pendingBuyCashUnits: bigint;
  /** Buy quantity with no price of its own, valued at the reference when known. */
  unpricedBuyUnits: bigint;
}

function emptyRaw(): Raw {
  return { positionUnits: 0n, workingBuyUnits: 0n, workingSellUnits: 0n, algoBuyUnits: 0n, algoSellUnits: 0n, pendingBuyCashUnits: 0n, unpricedBuyUnits: 0n };
}

function finish(symbol: string, r: Raw, inst: Instrument | undefined, ref: bigint | undefined): SymbolExposure {
  const longCase = r.positionUnits + r.workingBuyUnits + r.algoBuyUnits;
  const shortCase = r.positionUnits - r.workingSellUnits - r.algoSellUnits;
  const value = (q: bigint): bigint => (inst && ref !== undefined ? notionalUnits(inst, ref, q) : 0n);
  const longValue = value(longCase);
  const shortValue = value(shortCase);
  return {
    symbol,
    positionUnits: r.positionUnits,
    workingBuyUnits: r.workingBuyUnits,
    workingSellUnits: r.workingSellUnits,
    algoBuyUnits: r.algoBuyUnits,
    algoSellUnits: r.algoSellUnits,
    refPriceUnits: ref,
    longCaseUnits: longCase,
    shortCaseUnits: shortCase,
    positionValueUnits: value(r.positionUnits),
    longCaseValueUnits: longValue,
    shortCaseValueUnits: shortValue,
    grossValueUnits: maxBig(absBig(longValue), absBig(shortValue)),
    pendingBuyCashUnits: r.pendingBuyCashUnits + value(r.unpricedBuyUnits),
  };
}

/** Back to raw sums; pendingBuyCash already includes the part valued at the reference. */
function toRaw(e: SymbolExposure): Raw {
  return {
    positionUnits: e.positionUnits,
    workingBuyUnits: e.workingBuyUnits,
    workingSellUnits: e.workingSellUnits,
    algoBuyUnits: e.algoBuyUnits,
    algoSellUnits: e.algoSellUnits,
    pendingBuyCashUnits: e.pendingBuyCashUnits,
    unpricedBuyUnits: 0n,
  };
}

function addBuyCash(r: Raw, inst: Instrument | undefined, qty: bigint, price: bigint | null): void {
  if (price !== null && inst) r.pendingBuyCashUnits += notionalUnits(inst, price, qty);
  else r.unpricedBuyUnits += qty;
}

/** Builds the projected state from the engine's port. Pure: reads the port, returns data. */
export function buildProjectedState(source: ExposureSource, instrumentOf: InstrumentOf, priceOf: PriceOf): ProjectedState {
  const raw = new Map<string, Raw>();
  const at = (s: string): Raw => {
    let r = raw.get(s);
    if (!r) {
      r = emptyRaw();
      raw.set(s, r);
    }
    return r;
  };
  for (const p of source.positions()) at(p.symbol).positionUnits += p.qtyUnits;
  for (const o of source.workingOrders()) {
    if (o.remainingUnits <= 0n) continue;
    const r = at(o.symbol);
    if (o.side === 'buy') {
      r.workingBuyUnits += o.remainingUnits;
      addBuyCash(r, instrumentOf(o.symbol), o.remainingUnits, o.priceUnits);
    } else r.workingSellUnits += o.remainingUnits;
  }
  const parents = new Map<string, AlgoParentView>();
  for (const p of source.algoParents()) {
    parents.set(p.id, p);
    if (p.unplacedUnits <= 0n) continue;
    const r = at(p.symbol);
    if (p.side === 'buy') {
      r.algoBuyUnits += p.unplacedUnits;
      addBuyCash(r, instrumentOf(p.symbol), p.unplacedUnits, p.limitPriceUnits);
    } else r.algoSellUnits += p.unplacedUnits;
  }
  const symbols = new Map<string, SymbolExposure>();
  const unpriced: string[] = [];
  for (const [s, r] of [...raw.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const ref = priceOf(s);
    const e = finish(s, r, instrumentOf(s), ref);
    if (ref === undefined && (e.longCaseUnits !== 0n || e.shortCaseUnits !== 0n)) unpriced.push(s);
    symbols.set(s, e);
  }
  return assemble(source.cashUnits(), symbols, parents, unpriced);
}

function assemble(cash: bigint, symbols: ReadonlyMap<string, SymbolExposure>, parents: ReadonlyMap<string, AlgoParentView>, unpriced: readonly string[]): ProjectedState {
  let nav = cash;
  let pending = 0n;
  for (const e of symbols.values()) {
    nav += e.positionValueUnits;
    pending += e.pendingBuyCashUnits;
  }
  return { cashUnits: cash, navUnits: nav, projectedCashUnits: cash - pending, symbols, parents, unpriced };
}

/** The order whose effect is projected: direct, an algo parent, or a child of a working parent. */
export interface ProjectedOrder {
  symbol: string;
  side: Side;
  qtyUnits: bigint;
  /** Price for the cash a buy needs (limit or estimated fill); null: the reference price. */
  priceUnits: bigint | null;
  /** 'parent': the order is an algo parent (counted as unplaced remainder). */
  kind: 'direct' | 'parent' | 'child';
  /** For a child: its parent, whose unplaced quantity it takes. */
  parentId?: string | null;
}

/**
 * The state as it would be with `order` working. A child takes its quantity out of its parent's
 * unplaced remainder first, so a child never counts twice; any excess is new exposure.
 */
export function withOrder(state: ProjectedState, order: ProjectedOrder, inst: Instrument | undefined, refPriceUnits?: bigint): ProjectedState {
  const current = state.symbols.get(order.symbol);
  const ref = current?.refPriceUnits ?? refPriceUnits;
  const r = current ? toRaw(current) : emptyRaw();
  const parents = new Map(state.parents);
  const buy = order.side === 'buy';
  const add = (qty: bigint, price: bigint | null, asAlgo: boolean): void => {
    if (qty <= 0n) return;
    if (buy) {
      if (asAlgo) r.algoBuyUnits += qty;
      else r.workingBuyUnits += qty;
      addBuyCash(r, inst, qty, price);
    } else if (asAlgo) r.algoSellUnits += qty;
    else r.workingSellUnits += qty;
  };
  let qty = order.qtyUnits;
  if (order.kind === 'child' && order.parentId) {
    const parent = parents.get(order.parentId);
    if (parent && parent.symbol === order.symbol && parent.side === order.side && parent.unplacedUnits > 0n) {
      const take = qty < parent.unplacedUnits ? qty : parent.unplacedUnits;
      parents.set(parent.id, { ...parent, unplacedUnits: parent.unplacedUnits - take });
      if (buy) {
        r.algoBuyUnits -= take;
        r.workingBuyUnits += take;
        // Cash: the parent's share at its price moves to the child's price.
        const parentPrice = parent.limitPriceUnits ?? ref ?? null;
        if (inst && parentPrice !== null) r.pendingBuyCashUnits -= notionalUnits(inst, parentPrice, take);
        addBuyCash(r, inst, take, order.priceUnits);
      } else {
        r.algoSellUnits -= take;
        r.workingSellUnits += take;
      }
      qty -= take;
    }
  }
  add(qty, order.priceUnits, order.kind === 'parent');
  const symbols = new Map(state.symbols);
  const e = finish(order.symbol, r, inst, ref);
  symbols.set(order.symbol, e);
  const unpriced = state.unpriced.includes(order.symbol) || ref !== undefined ? state.unpriced : [...state.unpriced, order.symbol];
  return assemble(state.cashUnits, symbols, parents, unpriced);
}

/** The symbol's exposure in a state; zero when the symbol has none. */
export function exposureOf(state: ProjectedState, symbol: string): SymbolExposure {
  return (
    state.symbols.get(symbol) ?? {
      symbol,
      positionUnits: 0n,
      workingBuyUnits: 0n,
      workingSellUnits: 0n,
      algoBuyUnits: 0n,
      algoSellUnits: 0n,
      refPriceUnits: undefined,
      longCaseUnits: 0n,
      shortCaseUnits: 0n,
      positionValueUnits: 0n,
      longCaseValueUnits: 0n,
      shortCaseValueUnits: 0n,
      grossValueUnits: 0n,
      pendingBuyCashUnits: 0n,
    }
  );
}

/**
 * Whether an order only reduces the position: a sell of a long (or a buy of a short) that cannot
 * take the position through zero even if every working order on its side (and it) filled.
 * `after` is withOrder(state, order).
 */
export function isReducing(before: ProjectedState, after: ProjectedState, order: Pick<ProjectedOrder, 'symbol' | 'side' | 'qtyUnits'>): boolean {
  if (order.qtyUnits <= 0n) return false;
  const pos = exposureOf(before, order.symbol).positionUnits;
  const a = exposureOf(after, order.symbol);
  return order.side === 'sell' ? pos > 0n && a.shortCaseUnits >= 0n : pos < 0n && a.longCaseUnits <= 0n;
}

/** Gross exposure (sum of each symbol's worst case), optionally over some symbols only. */
export function grossExposure(state: ProjectedState, only?: readonly string[]): bigint {
  let sum = 0n;
  for (const e of state.symbols.values()) if (!only || only.includes(e.symbol)) sum += e.grossValueUnits;
  return sum;
}

/** The larger |net exposure| of the two worst cases: every buy fills, or every sell fills. */
export function netExposure(state: ProjectedState, only?: readonly string[]): bigint {
  let long = 0n;
  let short = 0n;
  for (const e of state.symbols.values()) {
    if (only && !only.includes(e.symbol)) continue;
    long += e.longCaseValueUnits;
    short += e.shortCaseValueUnits;
  }
  return maxBig(absBig(long), absBig(short));
}
