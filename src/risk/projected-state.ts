import type { Side } from '../contract/dto.ts';
import { CASH_DECIMALS, notionalUnits } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import { absBig, maxBig, pow10 } from '../core/precision.ts';
import { OrderedExposures, OverlayMap } from './exposure-maps.ts';
import type { WorkingSums } from '../core/working-sums.ts';

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
  /**
   * Optional: a value that changes (!==) whenever cash, a position, a working order or a parent
   * changes. With it, ProjectedStateCache reuses the last state while it is unchanged and only
   * revalues the symbols whose reference price moved; without it, every check rebuilds.
   */
  version?(): unknown;
  /**
   * Optional, used only with version(): what changed between two versions and the book of one
   * symbol. With it, a version change that touched a few symbols recomputes only those; without
   * it, a version change rebuilds the whole state.
   */
  bySymbol?: ExposureBySymbol;
}

/**
 * Per-symbol reads of an ExposureSource. Each read returns exactly what the full read returns for
 * that symbol. The full algoParents() must keep a stable order (a parent that stays keeps its
 * place relative to the others, as in a Map's insertion order): the cache keeps its parents map in
 * the order of the last full read and only updates, removes or (through a rebuild) adds entries.
 */
export interface ExposureBySymbol {
  /**
   * Every symbol whose positions, working orders or algo parents may differ from when version()
   * returned `since` (naming more is harmless; naming fewer leaves the cache wrong), or 'all' when
   * the source cannot tell (e.g. `since` is older than what it remembers). Cash needs no naming:
   * it is re-read on every version change.
   */
  changedSince(since: unknown): readonly string[] | 'all';
  positions(symbol: string): Iterable<PositionView>;
  workingOrders(symbol: string): Iterable<WorkingOrderView>;
  algoParents(symbol: string): Iterable<AlgoParentView>;
  /**
   * Optional: workingOrders(symbol) summed, kept by the source as orders change (the OMS's
   * running figures), so the fast path's read of a changed symbol does not walk every working
   * order of it. Must equal summing workingOrders(symbol); undefined: nothing working there.
   */
  workingSums?(symbol: string): Readonly<WorkingSums> | undefined;
}

/** workingOrders(symbol) summed by a scan: what ExposureBySymbol.workingSums must return (undefined: nothing working). */
export function sumWorkingViews(views: Iterable<WorkingOrderView>): WorkingSums | undefined {
  const s: WorkingSums = { count: 0, buyUnits: 0n, sellUnits: 0n, buyPricedUnits: 0n, buyPriceQty: 0n };
  for (const o of views) {
    if (o.remainingUnits <= 0n) continue;
    s.count++;
    if (o.side === 'sell') s.sellUnits += o.remainingUnits;
    else {
      s.buyUnits += o.remainingUnits;
      if (o.priceUnits !== null) {
        s.buyPricedUnits += o.remainingUnits;
        s.buyPriceQty += o.priceUnits * o.remainingUnits;
      }
    }
  }
  return s.count > 0 ? s : undefined;
}

/** workingOrders(symbol) summed (ExposureBySymbol.workingSums). */
export type { WorkingSums };

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
  /**
   * Net asset value: cash plus positions at the reference price. The account's valuation is
   * PortfolioValuation (src/kernel/valuation.ts); this copy is moved per changed symbol so the check
   * allocates nothing, and equals it whenever every held symbol has a mark (an unmarked one is 0 here
   * and listed in `unpriced`, at cost there).
   */
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
  // Bigint arithmetic allocates: a symbol with nothing working (the usual case) skips the sums
  // and values its position once; notionalUnits(inst, ref, q) multiplies the price side once.
  const idle = r.workingBuyUnits === 0n && r.algoBuyUnits === 0n && r.workingSellUnits === 0n && r.algoSellUnits === 0n;
  const longCase = idle ? r.positionUnits : r.positionUnits + r.workingBuyUnits + r.algoBuyUnits;
  const shortCase = idle ? r.positionUnits : r.positionUnits - r.workingSellUnits - r.algoSellUnits;
  const unit = inst && ref !== undefined ? ref * pow10(CASH_DECIMALS - inst.priceDecimals - inst.qtyDecimals) : 0n;
  const value = (q: bigint): bigint => (q === 0n ? 0n : unit * q);
  const positionValue = value(r.positionUnits);
  const longValue = idle ? positionValue : value(longCase);
  const shortValue = idle ? positionValue : value(shortCase);
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
    positionValueUnits: positionValue,
    longCaseValueUnits: longValue,
    shortCaseValueUnits: shortValue,
    grossValueUnits: idle ? absBig(positionValue) : maxBig(absBig(longValue), absBig(shortValue)),
    pendingBuyCashUnits: r.unpricedBuyUnits === 0n ? r.pendingBuyCashUnits : r.pendingBuyCashUnits + value(r.unpricedBuyUnits),
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

/**
 * The symbols in localeCompare order. Sorting is a large share of a rebuild and the symbol set
 * rarely changes between two builds, so the last order is reused when the set is the same.
 */
let lastOrder: readonly string[] = [];

function symbolOrder(raw: ReadonlyMap<string, unknown>): readonly string[] {
  if (raw.size === lastOrder.length && lastOrder.every((s) => raw.has(s))) return lastOrder;
  lastOrder = [...raw.keys()].sort((a, b) => a.localeCompare(b));
  return lastOrder;
}

interface RawBook {
  raw: Map<string, Raw>;
  parents: Map<string, AlgoParentView>;
  /** Symbols in the state's order (localeCompare). */
  order: readonly string[];
}

/** Adds a working order's remainder (the caller skips orders with nothing remaining). */
function addWorking(r: Raw, o: WorkingOrderView, inst: Instrument | undefined): void {
  if (o.side === 'buy') {
    r.workingBuyUnits += o.remainingUnits;
    addBuyCash(r, inst, o.remainingUnits, o.priceUnits);
  } else r.workingSellUnits += o.remainingUnits;
}

/**
 * addWorking over every working order of a symbol, from their sums: notionalUnits is price × qty
 * × one scale per instrument, so the pending cash of the priced buys is that scale times their
 * summed price × qty, exactly.
 */
function addWorkingSums(r: Raw, s: Readonly<WorkingSums>, inst: Instrument | undefined): void {
  r.workingBuyUnits += s.buyUnits;
  r.workingSellUnits += s.sellUnits;
  if (inst) {
    r.pendingBuyCashUnits += s.buyPriceQty * pow10(CASH_DECIMALS - inst.priceDecimals - inst.qtyDecimals);
    r.unpricedBuyUnits += s.buyUnits - s.buyPricedUnits;
  } else r.unpricedBuyUnits += s.buyUnits;
}

/** Adds a parent's unplaced remainder (the caller skips parents with nothing unplaced). */
function addParent(r: Raw, p: AlgoParentView, inst: Instrument | undefined): void {
  if (p.side === 'buy') {
    r.algoBuyUnits += p.unplacedUnits;
    addBuyCash(r, inst, p.unplacedUnits, p.limitPriceUnits);
  } else r.algoSellUnits += p.unplacedUnits;
}

function readSource(source: ExposureSource, instrumentOf: InstrumentOf): RawBook {
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
    if (o.remainingUnits > 0n) addWorking(at(o.symbol), o, instrumentOf(o.symbol));
  }
  const parents = new Map<string, AlgoParentView>();
  for (const p of source.algoParents()) {
    parents.set(p.id, p);
    if (p.unplacedUnits > 0n) addParent(at(p.symbol), p, instrumentOf(p.symbol));
  }
  return { raw, parents, order: symbolOrder(raw) };
}

const sameParent = (a: AlgoParentView, b: AlgoParentView): boolean =>
  a.id === b.id && a.symbol === b.symbol && a.side === b.side && a.unplacedUnits === b.unplacedUnits && a.limitPriceUnits === b.limitPriceUnits;

/** One changed symbol read back from the source. */
interface SymbolRead {
  symbol: string;
  /** undefined: the symbol has nothing (no position entry, nothing working or unplaced). */
  raw: Raw | undefined;
  /** Its parents now, in the source's order. */
  parents: AlgoParentView[];
}

function stateOfRaw(book: RawBook, cash: bigint, instrumentOf: InstrumentOf, priceOf: PriceOf): ProjectedState {
  const symbols = new Map<string, SymbolExposure>();
  const unpriced: string[] = [];
  for (const s of book.order) {
    const ref = priceOf(s);
    const e = finish(s, book.raw.get(s)!, instrumentOf(s), ref);
    if (ref === undefined && (e.longCaseUnits !== 0n || e.shortCaseUnits !== 0n)) unpriced.push(s);
    symbols.set(s, e);
  }
  return assemble(cash, symbols, book.parents, unpriced);
}

/** Builds the projected state from the engine's port. Pure: reads the port, returns data. */
export function buildProjectedState(source: ExposureSource, instrumentOf: InstrumentOf, priceOf: PriceOf): ProjectedState {
  return stateOfRaw(readSource(source, instrumentOf), source.cashUnits(), instrumentOf, priceOf);
}

/** More changed symbols than this since the cached version rebuild: reading back that many saves little. */
const MAX_CHANGED_SYMBOLS = 8;
const NO_SYMBOLS: readonly string[] = [];

/**
 * buildProjectedState for a caller that asks once per order: while the source's version() is
 * unchanged, the raw sums are kept and only the symbols whose reference price moved are revalued;
 * when nothing moved at all, the same state object comes back (its exposure sums stay cached).
 * When the version changed and the source has bySymbol, only the symbols it names are read again
 * (with their parents and the cash); a symbol entering or leaving the book, a new parent, 'all' or
 * more than MAX_CHANGED_SYMBOLS symbols rebuild. Equal, field for field, to a fresh
 * buildProjectedState. A source without version() rebuilds on every call.
 */
export class ProjectedStateCache {
  private version: unknown;
  private book: RawBook | undefined;
  private state: ProjectedState | undefined;
  /** The reference price each symbol of book.order is valued at. */
  private refs: (bigint | undefined)[] = [];
  /** The cached state's exposures, in book.order; never written once a state holds it. */
  private exposures: readonly SymbolExposure[] = [];
  /** Position of each symbol in book.order (a new map whenever book.order changes: states share it). */
  private indexOf: ReadonlyMap<string, number> = new Map();
  private indexedOrder: readonly string[] | undefined;
  /** Ids of the parents map's entries per symbol; kept only when the last rebuild's source had bySymbol. */
  private parentIds = new Map<string, string[]>();
  private symbolIndex = false;
  /** How get() answered: a full rebuild, or reading back only the changed symbols. For tests and benchmarks. */
  readonly stats = { rebuilds: 0, symbolReads: 0 };

  get(source: ExposureSource, instrumentOf: InstrumentOf, priceOf: PriceOf): ProjectedState {
    const v = source.version?.();
    if (v === undefined || !this.book || !this.state) return this.rebuild(source, v, instrumentOf, priceOf);
    const prev = this.state;
    const book = this.book;
    let reads: SymbolRead[] | undefined;
    let cash = prev.cashUnits;
    let parents = book.parents;
    if (v !== this.version) {
      reads = source.bySymbol && this.symbolIndex ? this.readChanged(source.bySymbol, instrumentOf) : undefined;
      if (!reads) return this.rebuild(source, v, instrumentOf, priceOf);
      // Everything read is consistent with the cached book: only now is the book changed.
      for (const r of reads) {
        if (r.raw) book.raw.set(r.symbol, r.raw);
        parents = this.replaceParents(parents, r);
      }
      book.parents = parents;
      cash = source.cashUnits();
      this.version = v;
      this.stats.symbolReads++;
    }
    const order = book.order;
    let changed: string[] | undefined;
    let changedRefs: (bigint | undefined)[] | undefined;
    for (let i = 0; i < order.length; i++) {
      const ref = priceOf(order[i]!);
      if (ref !== this.refs[i]) {
        (changed ??= []).push(order[i]!);
        (changedRefs ??= []).push(ref);
        this.refs[i] = ref;
      }
    }
    if (reads) {
      for (const r of reads) {
        if (!r.raw || changed?.includes(r.symbol)) continue;
        (changed ??= []).push(r.symbol);
        (changedRefs ??= []).push(this.refs[this.indexOf.get(r.symbol)!]);
      }
    }
    if ((!changed || !changedRefs) && cash === prev.cashUnits && parents === prev.parents) return prev;
    changed ??= [];
    changedRefs ??= [];
    let nav = prev.navUnits + (cash - prev.cashUnits);
    let projectedCash = prev.projectedCashUnits + (cash - prev.cashUnits);
    let symbols = prev.symbols;
    if (changed.length > 0) {
      // The previous state keeps its array: copying pointers is cheaper than any map of 100 symbols.
      const exposures = this.exposures.slice();
      for (let i = 0; i < changed.length; i++) {
        const s = changed[i]!;
        const k = this.indexOf.get(s)!;
        const old = exposures[k]!;
        const e = finish(s, book.raw.get(s)!, instrumentOf(s), changedRefs[i]);
        exposures[k] = e;
        nav += e.positionValueUnits - old.positionValueUnits;
        projectedCash -= e.pendingBuyCashUnits - old.pendingBuyCashUnits;
      }
      this.exposures = exposures;
      symbols = new OrderedExposures(order, this.indexOf, exposures);
    }
    const isUnpriced = (e: SymbolExposure): boolean => e.refPriceUnits === undefined && (e.longCaseUnits !== 0n || e.shortCaseUnits !== 0n);
    let unpriced = prev.unpriced;
    if (changed.some((s) => isUnpriced(prev.symbols.get(s)!) !== isUnpriced(symbols.get(s)!))) unpriced = order.filter((s) => isUnpriced(symbols.get(s)!));
    const next: ProjectedState = { cashUnits: cash, navUnits: nav, projectedCashUnits: projectedCash, symbols, parents, unpriced };
    // Sums carried over now rather than through derivedFrom: a chain of revaluations would keep every earlier state alive.
    carrySums(prev, next, changed);
    this.state = next;
    return next;
  }

  private rebuild(source: ExposureSource, v: unknown, instrumentOf: InstrumentOf, priceOf: PriceOf): ProjectedState {
    const book = readSource(source, instrumentOf);
    const state = stateOfRaw(book, source.cashUnits(), instrumentOf, priceOf);
    this.book = book;
    this.state = state;
    this.version = v;
    this.stats.rebuilds++;
    this.symbolIndex = v !== undefined && source.bySymbol !== undefined;
    if (v !== undefined) {
      this.exposures = book.order.map((s) => state.symbols.get(s)!);
      this.refs = this.exposures.map((e) => e.refPriceUnits);
      if (book.order !== this.indexedOrder) {
        this.indexOf = new Map(book.order.map((s, i) => [s, i]));
        this.indexedOrder = book.order;
      }
      if (this.symbolIndex) {
        this.parentIds.clear();
        for (const p of book.parents.values()) {
          const ids = this.parentIds.get(p.symbol);
          if (ids) ids.push(p.id);
          else this.parentIds.set(p.symbol, [p.id]);
        }
      }
    }
    return state;
  }

  /**
   * Reads back the symbols changed since the cached version, without touching the cache;
   * undefined when the change cannot be applied symbol by symbol.
   */
  private readChanged(by: ExposureBySymbol, instrumentOf: InstrumentOf): SymbolRead[] | undefined {
    const named = by.changedSince(this.version);
    if (named === 'all' || named.length > MAX_CHANGED_SYMBOLS) return undefined;
    const book = this.book!;
    const reads: SymbolRead[] = [];
    for (const symbol of named.length > 1 ? new Set(named) : named) {
      const inst = instrumentOf(symbol);
      const r = emptyRaw();
      let present = false;
      for (const p of by.positions(symbol)) {
        r.positionUnits += p.qtyUnits;
        present = true;
      }
      if (by.workingSums !== undefined) {
        // The source's running sums: the same figures without a view per working order.
        const sums = by.workingSums(symbol);
        if (sums !== undefined && sums.count > 0) {
          addWorkingSums(r, sums, inst);
          present = true;
        }
      } else {
        for (const o of by.workingOrders(symbol)) {
          if (o.remainingUnits <= 0n) continue;
          addWorking(r, o, inst);
          present = true;
        }
      }
      const parents: AlgoParentView[] = [];
      for (const p of by.algoParents(symbol)) {
        // A parent new to the cached map: where it goes in the map's order only a full read says.
        if (book.parents.get(p.id)?.symbol !== symbol) return undefined;
        parents.push(p);
        if (p.unplacedUnits <= 0n) continue;
        addParent(r, p, inst);
        present = true;
      }
      // A symbol entering or leaving the book changes the symbol order: rebuild.
      if (present !== book.raw.has(symbol)) return undefined;
      reads.push({ symbol, raw: present ? r : undefined, parents });
    }
    return reads;
  }

  /** The parents map with one symbol's parents replaced; the same map when they did not change. */
  private replaceParents(parents: Map<string, AlgoParentView>, read: SymbolRead): Map<string, AlgoParentView> {
    const oldIds = this.parentIds.get(read.symbol) ?? NO_SYMBOLS;
    if (oldIds.length === read.parents.length && read.parents.every((p) => sameParent(p, parents.get(p.id)!))) return parents;
    // States handed out keep their maps: copy, then update in place (an existing key keeps its place).
    const next = parents === this.state!.parents ? new Map(parents) : parents;
    const ids: string[] = [];
    for (const p of read.parents) {
      next.set(p.id, p);
      ids.push(p.id);
    }
    for (const id of oldIds) if (!ids.includes(id)) next.delete(id);
    if (ids.length > 0) this.parentIds.set(read.symbol, ids);
    else this.parentIds.delete(read.symbol);
    return next;
  }
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
  const e = projectSymbol(state, order, order.priceUnits, inst, refPriceUnits);
  let parents: Map<string, AlgoParentView> | undefined;
  const parent = childsParent(state, order);
  if (parent) {
    const take = order.qtyUnits < parent.unplacedUnits ? order.qtyUnits : parent.unplacedUnits;
    parents = new Map(state.parents);
    parents.set(parent.id, { ...parent, unplacedUnits: parent.unplacedUnits - take });
  }
  // One symbol changes: overlay it on the state's map and adjust the totals, rather than copying
  // and re-summing every symbol (this runs once per order checked).
  const symbols = new OverlayMap(state.symbols, order.symbol, e);
  const unpriced = state.unpriced.includes(order.symbol) || e.refPriceUnits !== undefined ? state.unpriced : [...state.unpriced, order.symbol];
  const oldValue = current?.positionValueUnits ?? 0n;
  const oldPending = current?.pendingBuyCashUnits ?? 0n;
  const next: ProjectedState = {
    cashUnits: state.cashUnits,
    navUnits: state.navUnits - oldValue + e.positionValueUnits,
    projectedCashUnits: state.projectedCashUnits + oldPending - e.pendingBuyCashUnits,
    symbols,
    parents: parents ?? state.parents,
    unpriced,
  };
  derivedFrom.set(next, { base: state, changed: [order.symbol] });
  return next;
}

/** The working parent a child order takes its quantity from, if it has unplaced quantity on the same side. */
function childsParent(state: ProjectedState, order: Pick<ProjectedOrder, 'symbol' | 'side' | 'kind' | 'parentId'>): AlgoParentView | undefined {
  if (order.kind !== 'child' || !order.parentId) return undefined;
  const parent = state.parents.get(order.parentId);
  return parent && parent.symbol === order.symbol && parent.side === order.side && parent.unplacedUnits > 0n ? parent : undefined;
}

/**
 * The exposure of the order's symbol with `order` working: what withOrder puts in its state for
 * that symbol, without building the state. L1 runs this once per order and derives everything else
 * (totals, the reducing test) from it and the state's cached sums, so a check leaves no derived
 * state, map or cache entry behind.
 */
export function projectSymbol(
  state: ProjectedState,
  order: Pick<ProjectedOrder, 'symbol' | 'side' | 'qtyUnits' | 'kind' | 'parentId'>,
  priceUnits: bigint | null,
  inst: Instrument | undefined,
  refPriceUnits?: bigint,
): SymbolExposure {
  const current = state.symbols.get(order.symbol);
  const ref = current?.refPriceUnits ?? refPriceUnits;
  const r = current ? toRaw(current) : emptyRaw();
  const buy = order.side === 'buy';
  let qty = order.qtyUnits;
  const parent = childsParent(state, order);
  if (parent) {
    const take = qty < parent.unplacedUnits ? qty : parent.unplacedUnits;
    if (buy) {
      r.algoBuyUnits -= take;
      r.workingBuyUnits += take;
      // Cash: the parent's share at its price moves to the child's price.
      const parentPrice = parent.limitPriceUnits ?? ref ?? null;
      if (inst && parentPrice !== null) r.pendingBuyCashUnits -= notionalUnits(inst, parentPrice, take);
      addBuyCash(r, inst, take, priceUnits);
    } else {
      r.algoSellUnits -= take;
      r.workingSellUnits += take;
    }
    qty -= take;
  }
  if (qty > 0n) {
    const asAlgo = order.kind === 'parent';
    if (buy) {
      if (asAlgo) r.algoBuyUnits += qty;
      else r.workingBuyUnits += qty;
      addBuyCash(r, inst, qty, priceUnits);
    } else if (asAlgo) r.algoSellUnits += qty;
    else r.workingSellUnits += qty;
  }
  return finish(order.symbol, r, inst, ref);
}

/** isReducing for a state and its symbol's exposure after the order (projectSymbol). */
export function reducesWith(before: ProjectedState, after: SymbolExposure, order: Pick<ProjectedOrder, 'symbol' | 'side' | 'qtyUnits'>): boolean {
  if (order.qtyUnits <= 0n) return false;
  const pos = before.symbols.get(order.symbol)?.positionUnits ?? 0n;
  return order.side === 'sell' ? pos > 0n && after.shortCaseUnits >= 0n : pos < 0n && after.longCaseUnits <= 0n;
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
  return sideReduces(exposureOf(before, order.symbol).positionUnits, exposureOf(after, order.symbol), order.side);
}

/**
 * The one rule of "reducing": from a position `side` reduces, every order counted in `e` on that
 * side filling at once leaves the position on its side of zero (or at zero). L1 applies it to the
 * state with a new order added (isReducing); the trading guard to the state as it stands, where a
 * working algo's remainder is already counted.
 */
export function sideReduces(positionUnits: bigint, e: Pick<SymbolExposure, 'longCaseUnits' | 'shortCaseUnits'>, side: 'buy' | 'sell'): boolean {
  return side === 'sell' ? positionUnits > 0n && e.shortCaseUnits >= 0n : positionUnits < 0n && e.longCaseUnits <= 0n;
}

export interface Sums {
  gross: bigint;
  long: bigint;
  short: bigint;
}

/**
 * Σ gross value and the two worst-case net values over `only` (all symbols without it), cached per
 * state: never write to the result.
 */
export function exposureSums(state: ProjectedState, only?: readonly string[]): Readonly<Sums> {
  return sumsOf(state, only);
}

/** States made from another by changing a few symbols (withOrder, a revaluation): their sums follow from the base's. */
const derivedFrom = new WeakMap<ProjectedState, { base: ProjectedState; changed: readonly string[] }>();
const ALL: readonly string[] = [];
/** Exposure sums per state and symbol list (by identity: a book's group lists are not rewritten). */
const sumsCache = new WeakMap<ProjectedState, Map<readonly string[], Sums>>();
/** Beyond this many lists cached on one state (a caller passing fresh arrays), start over. */
const SUMS_PER_STATE = 16;

function addTo(acc: Sums, e: SymbolExposure | undefined, sign: 1 | -1): void {
  if (!e) return;
  if (sign > 0) {
    acc.gross += e.grossValueUnits;
    acc.long += e.longCaseValueUnits;
    acc.short += e.shortCaseValueUnits;
  } else {
    acc.gross -= e.grossValueUnits;
    acc.long -= e.longCaseValueUnits;
    acc.short -= e.shortCaseValueUnits;
  }
}

/**
 * Σ gross value and the two worst-case net values over the symbols of `only` (all without it).
 * Cached per state; a derived state adjusts its base's sums by the symbols that changed. Bigint
 * sums are exact, so every route gives the same numbers as summing afresh.
 */
function sumsOf(state: ProjectedState, only: readonly string[] | undefined): Sums {
  // A state that knows its sums answers first (and leaves nothing in the cache).
  const known = (state as { [SUMS_SOURCE]?: SumsSource })[SUMS_SOURCE]?.call(state, only);
  if (known) return known;
  const key = only ?? ALL;
  let perState = sumsCache.get(state);
  if (!perState) {
    perState = new Map();
    sumsCache.set(state, perState);
  }
  const hit = perState.get(key);
  if (hit) return hit;
  let out: Sums;
  const d = derivedFrom.get(state);
  if (d) {
    out = adjusted(sumsOf(d.base, only), d.base, state, d.changed, only);
  } else {
    out = { gross: 0n, long: 0n, short: 0n };
    if (only) {
      // Walk the members, not every symbol: a group is usually smaller than the book.
      for (const s of new Set(only)) addTo(out, state.symbols.get(s), 1);
    } else for (const e of state.symbols.values()) addTo(out, e, 1);
  }
  if (perState.size >= SUMS_PER_STATE) perState.clear();
  perState.set(key, out);
  return out;
}

function adjusted(base: Sums, from: ProjectedState, to: ProjectedState, changed: readonly string[], only: readonly string[] | undefined): Sums {
  const out = { ...base };
  for (const s of changed) {
    if (only && !only.includes(s)) continue;
    addTo(out, from.symbols.get(s), -1);
    addTo(out, to.symbols.get(s), 1);
  }
  return out;
}

/** Where a state built elsewhere (ExposureSlots.state()) finds sums it already knows, asked on a miss. */
export type SumsSource = (only: readonly string[] | undefined) => Sums | undefined;
/**
 * A state that knows its sums (ExposureSlots' state, a class) answers exposureSums() through a
 * method under this key, by the list asked with (the book's own group lists, by identity;
 * undefined for the whole book), without walking the symbols; a list it does not know (undefined
 * back) is summed as usual. On the state itself: a WeakMap entry per state cost more than the sums.
 */
export const SUMS_SOURCE: unique symbol = Symbol('sumsSource');

/** Gives `to` every sum already known for `from`, adjusted for the symbols that changed. */
function carrySums(from: ProjectedState, to: ProjectedState, changed: readonly string[]): void {
  const known = sumsCache.get(from);
  if (!known) return;
  const m = new Map<readonly string[], Sums>();
  for (const [key, sums] of known) m.set(key, adjusted(sums, from, to, changed, key === ALL ? undefined : key));
  sumsCache.set(to, m);
}

/** Gross exposure (sum of each symbol's worst case), optionally over some symbols only. */
export function grossExposure(state: ProjectedState, only?: readonly string[]): bigint {
  return sumsOf(state, only).gross;
}

/** The larger |net exposure| of the two worst cases: every buy fills, or every sell fills. */
export function netExposure(state: ProjectedState, only?: readonly string[]): bigint {
  const s = sumsOf(state, only);
  return maxBig(absBig(s.long), absBig(s.short));
}
