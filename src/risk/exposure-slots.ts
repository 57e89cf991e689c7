import { CASH_DECIMALS } from '../core/instrument.ts';
import { groupMembers } from './limits.ts';
import type { LimitBook } from './limits.ts';
import type { AlgoParentView, ExposureBySymbol, ExposureSource, InstrumentOf, PriceOf } from './projected-state.ts';

/**
 * The projected state as the L1 fast path reads it (gate-fast.ts): one preallocated slot of doubles
 * per instrument, updated in place when a reference price moves or the source names a symbol as
 * changed, and the totals the gate needs (NAV, projected cash, gross/long/short over the book and
 * over each limit group) re-summed from the slots. Nothing is allocated once every instrument has
 * its slot, so a check does not feed the garbage collector.
 *
 * Doubles are exact only for integers up to 2^53: every value is checked as it is made, and a slot
 * or a total outside that range makes the slots inexact (exact() is false), so the gate falls back
 * to its bigint path (ProjectedStateCache and evaluateOrder), which stays the reference. The
 * arithmetic is projected-state.ts's (readSource, addWorking, addParent, finish), value for value.
 */

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_BIG = BigInt(MAX);

// Columns of a slot.
const POS = 0;
const W_BUY = 1;
const W_SELL = 2;
const A_BUY = 3;
const A_SELL = 4;
/** Cash of buys with a price of their own (at that price). */
const PRICED = 5;
/** Buy quantity with no price of its own (valued at the reference). */
const UNPRICED = 6;
/** 10^(cash - price - qty decimals) of the instrument; 0: unknown instrument (valued at 0). */
const SCALE = 7;
const POS_VALUE = 8;
const LONG_VALUE = 9;
const SHORT_VALUE = 10;
const GROSS_VALUE = 11;
/** pendingBuyCashUnits: PRICED plus UNPRICED at the reference. */
const PENDING = 12;
/** 1 when every column above is an exact integer. */
const EXACT = 13;
/** 1 when the symbol is in the projected state (a position entry, or something working or unplaced). */
const PRESENT = 14;
const WIDTH = 16;

/** How sync() found the source last time: nothing read yet. */
const UNSYNCED: unique symbol = Symbol('unsynced');
/** More changed symbols than this re-read everything (as ProjectedStateCache does). */
const MAX_CHANGED = 8;

/** A bigint as a double, or NaN when it is not exactly representable. */
function exactNumber(x: bigint): number {
  return x <= MAX_BIG && x >= -MAX_BIG ? Number(x) : Number.NaN;
}

/** Whether a double is an exact integer in range (NaN is not). */
function safe(x: number): boolean {
  return x <= MAX && x >= -MAX;
}

export class ExposureSlots {
  private readonly index = new Map<string, number>();
  private readonly symbols: string[] = [];
  /** The reference price each slot is valued at (the port's own bigints: kept, never made). */
  private readonly refs: (bigint | undefined)[] = [];
  private f = new Float64Array(WIDTH * 64);
  private version: unknown = UNSYNCED;
  /** Slots whose EXACT column is 0. */
  private inexactSlots = 0;
  private totalsExact = false;
  private cashExact = false;
  /** Parents as the source last gave them, by id (the gate moves a child's quantity out of its parent). */
  readonly parents = new Map<string, AlgoParentView>();
  /** Each symbol's parents in the source's order, for replacing them when the symbol changes. */
  private readonly parentsBySymbol = new Map<string, AlgoParentView[]>();
  private oldIds: string[] = [];
  private groupsBook: LimitBook | undefined;
  private groupIndex = new Map<string, number>();
  private groupLists: (readonly string[])[] = [];
  /** Per slot, the groups it belongs to (indexes into groupLists). */
  private slotGroups: number[][] = [];
  /** gross, long, short per group. */
  private groupSums = new Float64Array(0);

  cash = 0;
  nav = 0;
  projectedCash = 0;
  gross = 0;
  long = 0;
  short = 0;

  /** How often sync() read the whole source, for tests and benchmarks. */
  readonly stats = { fullReads: 0, symbolReads: 0 };

  /**
   * Brings the slots up to the source and the prices; false when they cannot serve the check
   * (the source has no version(), or a value is beyond exact doubles): the caller then takes the
   * exact path.
   */
  sync(source: ExposureSource, instrumentOf: InstrumentOf, priceOf: PriceOf, book: LimitBook): boolean {
    const v = source.version?.();
    if (v === undefined) return false;
    let dirty = false;
    if (v !== this.version) {
      const by = source.bySymbol;
      const named = by !== undefined && this.version !== UNSYNCED ? by.changedSince(this.version) : 'all';
      if (named === 'all' || named.length > MAX_CHANGED || !this.readNamed(by!, named, instrumentOf)) this.readAll(source, instrumentOf, book);
      else this.stats.symbolReads++;
      const cash = source.cashUnits();
      this.cash = exactNumber(cash);
      this.cashExact = safe(this.cash);
      this.version = v;
      dirty = true;
    }
    if (book !== this.groupsBook) {
      this.indexGroups(book);
      dirty = true;
    }
    const f = this.f;
    for (let k = 0; k < this.symbols.length; k++) {
      const ref = priceOf(this.symbols[k]!);
      if (ref !== this.refs[k] || f[k * WIDTH + EXACT] === -1) {
        this.refs[k] = ref;
        this.revalue(k);
        dirty = true;
      }
    }
    if (dirty) this.sumTotals();
    return this.exact();
  }

  /** Whether every slot and total is an exact integer (the fast path may decide). */
  exact(): boolean {
    return this.inexactSlots === 0 && this.totalsExact && this.cashExact;
  }

  /** The slot of a symbol, or -1. */
  slotOf(symbol: string): number {
    const k = this.index.get(symbol);
    return k === undefined ? -1 : k;
  }

  present(k: number): boolean {
    return this.f[k * WIDTH + PRESENT] === 1;
  }

  ref(k: number): bigint | undefined {
    return this.refs[k];
  }

  /** Column readers for the gate (slot k must exist). */
  position(k: number): number {
    return this.f[k * WIDTH + POS]!;
  }
  workingBuy(k: number): number {
    return this.f[k * WIDTH + W_BUY]!;
  }
  workingSell(k: number): number {
    return this.f[k * WIDTH + W_SELL]!;
  }
  algoBuy(k: number): number {
    return this.f[k * WIDTH + A_BUY]!;
  }
  algoSell(k: number): number {
    return this.f[k * WIDTH + A_SELL]!;
  }
  pendingBuyCash(k: number): number {
    return this.f[k * WIDTH + PENDING]!;
  }
  longValue(k: number): number {
    return this.f[k * WIDTH + LONG_VALUE]!;
  }
  shortValue(k: number): number {
    return this.f[k * WIDTH + SHORT_VALUE]!;
  }
  grossValue(k: number): number {
    return this.f[k * WIDTH + GROSS_VALUE]!;
  }

  /** The index of a limit group of the current book, or -1. */
  groupOf(group: string): number {
    const g = this.groupIndex.get(group);
    return g === undefined ? -1 : g;
  }
  groupGross(g: number): number {
    return this.groupSums[g * 3]!;
  }
  groupLong(g: number): number {
    return this.groupSums[g * 3 + 1]!;
  }
  groupShort(g: number): number {
    return this.groupSums[g * 3 + 2]!;
  }

  private slotFor(symbol: string, instrumentOf: InstrumentOf): number {
    let k = this.index.get(symbol);
    if (k !== undefined) return k;
    k = this.symbols.length;
    if ((k + 1) * WIDTH > this.f.length) {
      const next = new Float64Array(this.f.length * 2);
      next.set(this.f);
      this.f = next;
    }
    this.index.set(symbol, k);
    this.symbols.push(symbol);
    this.refs.push(undefined);
    const inst = instrumentOf(symbol);
    const base = k * WIDTH;
    this.f.fill(0, base, base + WIDTH);
    this.f[base + SCALE] = inst ? 10 ** (CASH_DECIMALS - inst.priceDecimals - inst.qtyDecimals) : 0;
    // Not yet valued: the price loop of sync() values it.
    this.f[base + EXACT] = -1;
    this.inexactSlots++;
    this.slotGroups.push(this.groupsBook ? this.groupsOfSymbol(symbol) : []);
    return k;
  }

  private clearRaw(k: number): void {
    const base = k * WIDTH;
    for (let c = POS; c <= UNPRICED; c++) this.f[base + c] = 0;
    this.f[base + PRESENT] = 0;
    this.setExact(k, -1);
  }

  private setExact(k: number, e: number): void {
    const at = k * WIDTH + EXACT;
    const was = this.f[at]!;
    if (was === 1 && e !== 1) this.inexactSlots++;
    else if (was !== 1 && e === 1) this.inexactSlots--;
    this.f[at] = e;
  }

  /** Adds quantities of a position, a working order or a parent's remainder (addWorking, addParent). */
  private add(k: number, col: number, qty: bigint, buy: boolean, price: bigint | null): void {
    const f = this.f;
    const base = k * WIDTH;
    const q = exactNumber(qty);
    const v = f[base + col]! + q;
    f[base + col] = v;
    let ok = safe(v);
    if (buy) {
      const scale = f[base + SCALE]!;
      if (price !== null && scale > 0) {
        const cash = exactNumber(price) * q * scale;
        const p = f[base + PRICED]! + cash;
        f[base + PRICED] = p;
        ok = ok && safe(cash) && safe(p);
      } else {
        const u = f[base + UNPRICED]! + q;
        f[base + UNPRICED] = u;
        ok = ok && safe(u);
      }
    }
    // An inexact raw sum stays inexact until the symbol is read again (revalue keeps -2).
    if (!ok) this.setExact(k, -2);
    else if (f[base + EXACT] !== -2) this.setExact(k, -1);
  }

  /** Reads everything again (readSource), every slot then revalued. */
  private readAll(source: ExposureSource, instrumentOf: InstrumentOf, book: LimitBook): void {
    this.stats.fullReads++;
    if (book !== this.groupsBook) this.indexGroups(book);
    for (let k = 0; k < this.symbols.length; k++) this.clearRaw(k);
    for (const p of source.positions()) {
      const k = this.slotFor(p.symbol, instrumentOf);
      this.add(k, POS, p.qtyUnits, false, null);
      this.f[k * WIDTH + PRESENT] = 1;
    }
    for (const o of source.workingOrders()) {
      if (o.remainingUnits <= 0n) continue;
      const k = this.slotFor(o.symbol, instrumentOf);
      const buy = o.side === 'buy';
      this.add(k, buy ? W_BUY : W_SELL, o.remainingUnits, buy, o.priceUnits);
      this.f[k * WIDTH + PRESENT] = 1;
    }
    this.parents.clear();
    for (const l of this.parentsBySymbol.values()) l.length = 0;
    for (const p of source.algoParents()) {
      this.parents.set(p.id, p);
      let l = this.parentsBySymbol.get(p.symbol);
      if (!l) this.parentsBySymbol.set(p.symbol, (l = []));
      l.push(p);
      if (p.unplacedUnits <= 0n) continue;
      const k = this.slotFor(p.symbol, instrumentOf);
      const buy = p.side === 'buy';
      this.add(k, buy ? A_BUY : A_SELL, p.unplacedUnits, buy, p.limitPriceUnits);
      this.f[k * WIDTH + PRESENT] = 1;
    }
    // Every slot read is left at -1 (or -2: inexact sums) and valued again by sync()'s price loop.
  }

  /** Reads back the named symbols in place; false when a parent moved between symbols (then readAll). */
  private readNamed(by: ExposureBySymbol, named: readonly string[], instrumentOf: InstrumentOf): boolean {
    for (let i = 0; i < named.length; i++) {
      const symbol = named[i]!;
      const k = this.slotFor(symbol, instrumentOf);
      this.clearRaw(k);
      const f = this.f;
      for (const p of by.positions(symbol)) {
        this.add(k, POS, p.qtyUnits, false, null);
        f[k * WIDTH + PRESENT] = 1;
      }
      for (const o of by.workingOrders(symbol)) {
        if (o.remainingUnits <= 0n) continue;
        const buy = o.side === 'buy';
        this.add(k, buy ? W_BUY : W_SELL, o.remainingUnits, buy, o.priceUnits);
        f[k * WIDTH + PRESENT] = 1;
      }
      if (!this.readParents(by, symbol, k)) return false;
    }
    return true;
  }

  /** One symbol's parents replaced in the parents map, in place (a parent that stays keeps its key). */
  private readParents(by: ExposureBySymbol, symbol: string, k: number): boolean {
    let list = this.parentsBySymbol.get(symbol);
    if (!list) this.parentsBySymbol.set(symbol, (list = []));
    const before = list.length;
    const old = this.oldIds;
    for (let i = 0; i < before; i++) old[i] = list[i]!.id;
    let n = 0;
    for (const p of by.algoParents(symbol)) {
      if (p.symbol !== symbol) return false;
      const known = this.parents.get(p.id);
      if (known !== undefined && known.symbol !== symbol) return false;
      this.parents.set(p.id, p);
      if (n < list.length) list[n] = p;
      else list.push(p);
      n++;
      if (p.unplacedUnits <= 0n) continue;
      const buy = p.side === 'buy';
      this.add(k, buy ? A_BUY : A_SELL, p.unplacedUnits, buy, p.limitPriceUnits);
      this.f[k * WIDTH + PRESENT] = 1;
    }
    if (n < before) list.length = n;
    // Parents gone from the symbol leave the map.
    for (let i = 0; i < before; i++) {
      const id = old[i]!;
      let kept = false;
      for (let j = 0; j < n && !kept; j++) kept = list[j]!.id === id;
      if (!kept) this.parents.delete(id);
    }
    return true;
  }

  /** finish(): the slot's values at its reference price. */
  private revalue(k: number): void {
    const f = this.f;
    const base = k * WIDTH;
    if (f[base + EXACT] === -2) return;
    const ref = this.refs[k];
    const scale = f[base + SCALE]!;
    const unit = scale > 0 && ref !== undefined ? exactNumber(ref) * scale : 0;
    const pos = f[base + POS]!;
    const longCase = pos + f[base + W_BUY]! + f[base + A_BUY]!;
    const shortCase = pos - f[base + W_SELL]! - f[base + A_SELL]!;
    const posValue = unit * pos;
    const longValue = unit * longCase;
    const shortValue = unit * shortCase;
    const absLong = longValue < 0 ? -longValue : longValue;
    const absShort = shortValue < 0 ? -shortValue : shortValue;
    const unpricedCash = unit * f[base + UNPRICED]!;
    const pending = f[base + PRICED]! + unpricedCash;
    f[base + POS_VALUE] = posValue;
    f[base + LONG_VALUE] = longValue;
    f[base + SHORT_VALUE] = shortValue;
    f[base + GROSS_VALUE] = absLong > absShort ? absLong : absShort;
    f[base + PENDING] = pending;
    const ok = safe(unit) && safe(longCase) && safe(shortCase) && safe(posValue) && safe(longValue) && safe(shortValue) && safe(unpricedCash) && safe(pending);
    this.setExact(k, ok ? 1 : 0);
  }

  /** NAV, projected cash and the exposure sums, re-summed from the slots (order-free: exact integers). */
  private sumTotals(): void {
    const f = this.f;
    const gs = this.groupSums;
    gs.fill(0);
    let nav = this.cash;
    let pending = 0;
    let gross = 0;
    let long = 0;
    let short = 0;
    let ok = true;
    for (let k = 0; k < this.symbols.length; k++) {
      const base = k * WIDTH;
      const g = f[base + GROSS_VALUE]!;
      const l = f[base + LONG_VALUE]!;
      const s = f[base + SHORT_VALUE]!;
      nav += f[base + POS_VALUE]!;
      pending += f[base + PENDING]!;
      gross += g;
      long += l;
      short += s;
      ok = ok && safe(nav) && safe(pending) && safe(gross) && safe(long) && safe(short);
      const groups = this.slotGroups[k]!;
      for (let i = 0; i < groups.length; i++) {
        const at = groups[i]! * 3;
        gs[at] = gs[at]! + g;
        gs[at + 1] = gs[at + 1]! + l;
        gs[at + 2] = gs[at + 2]! + s;
        ok = ok && safe(gs[at]!) && safe(gs[at + 1]!) && safe(gs[at + 2]!);
      }
    }
    const projectedCash = this.cash - pending;
    this.nav = nav;
    this.projectedCash = projectedCash;
    this.gross = gross;
    this.long = long;
    this.short = short;
    this.totalsExact = ok && safe(projectedCash);
  }

  private indexGroups(book: LimitBook): void {
    this.groupsBook = book;
    const names = Object.keys(book.groups);
    this.groupIndex = new Map(names.map((g, i) => [g, i]));
    this.groupLists = names.map((g) => groupMembers(book, g) ?? []);
    this.groupSums = new Float64Array(names.length * 3);
    this.slotGroups = this.symbols.map((s) => this.groupsOfSymbol(s));
  }

  private groupsOfSymbol(symbol: string): number[] {
    const out: number[] = [];
    for (let g = 0; g < this.groupLists.length; g++) if (this.groupLists[g]!.includes(symbol)) out.push(g);
    return out;
  }
}
