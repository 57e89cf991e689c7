import { CASH_DECIMALS } from '../core/instrument.ts';
import { groupMembers } from './limits.ts';
import type { LimitBook } from './limits.ts';
import { SUMS_SOURCE } from './projected-state.ts';
import type { AlgoParentView, ExposureBySymbol, ExposureSource, InstrumentOf, PositionView, PriceOf, ProjectedState, Sums, SymbolExposure, WorkingOrderView, WorkingSums } from './projected-state.ts';

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
/** Kept rather than written -MAX_BIG: negating a bigint makes a new one on every comparison. */
const MIN_BIG = -MAX_BIG;

// Columns of a slot.
export const POS = 0;
export const W_BUY = 1;
export const W_SELL = 2;
export const A_BUY = 3;
export const A_SELL = 4;
/** Cash of buys with a price of their own (at that price). */
const PRICED = 5;
/** Buy quantity with no price of its own (valued at the reference). */
const UNPRICED = 6;
/** 10^(cash - price - qty decimals) of the instrument; 0: unknown instrument (valued at 0). */
const SCALE = 7;
export const POS_VALUE = 8;
export const LONG_VALUE = 9;
export const SHORT_VALUE = 10;
export const GROSS_VALUE = 11;
/** pendingBuyCashUnits: PRICED plus UNPRICED at the reference. */
export const PENDING = 12;
/** 1 when every column above is an exact integer. */
const EXACT = 13;
/** 1 when the symbol is in the projected state (a position entry, or something working or unplaced). */
export const PRESENT = 14;
export const WIDTH = 16;

export const T_NAV = 0;
export const T_PROJECTED_CASH = 1;
export const T_GROSS = 2;
export const T_LONG = 3;
export const T_SHORT = 4;
/** The source's cash, as read at the last version change. */
const T_CASH = 5;

/** How sync() found the source last time: nothing read yet. */
const UNSYNCED: unique symbol = Symbol('unsynced');
/** More changed symbols than this re-read everything (as ProjectedStateCache does). */
const MAX_CHANGED = 8;

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
  private cashRead: bigint | undefined;
  /** The totals must be summed again from the slots (they could not follow a change exactly). */
  private needSum = true;
  /** state() until the slots change. */
  private asState: ProjectedState | undefined;
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

  /**
   * NAV, projected cash and the book's gross/long/short (T_NAV ...), and per group gross, long,
   * short (groupSums): typed arrays, so the gate reads them as raw doubles (a double read from an
   * object field or returned from a call may be boxed).
   */
  readonly totals = new Float64Array(6);

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
      // Converted when it changes: Number() of a bigint beyond 2^30 makes a heap number, and the
      // version moves with every order while the cash moves with fills only.
      if (cash !== this.cashRead) {
        this.cashRead = cash;
        this.needSum = true;
        this.cashExact = cash <= MAX_BIG && cash >= MIN_BIG;
        // A cash beyond exact doubles is left out of the totals (see exactBesideCash).
        this.totals[T_CASH] = this.cashExact ? Number(cash) : 0;
      }
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
    if (dirty) {
      if (this.needSum) this.sumTotals();
      this.asState = undefined;
    }
    return this.exact();
  }

  /**
   * The slots as a ProjectedState (exact() must be true), for the exact gate when the fast path
   * could not decide: equal, value for value, to what ProjectedStateCache would build from the same
   * source and prices, with the exposure sums already known. Made once per change of the slots
   * (a breach allocates; a clean pass never asks), so the exact path does not have to bring a
   * cache that fell behind over many clean passes up to date.
   */
  state(): ProjectedState {
    if (this.asState) return this.asState;
    const t = this.totals;
    return (this.asState = new SlotState(this, this.cashRead ?? 0n, BigInt(t[T_NAV]!), BigInt(t[T_PROJECTED_CASH]!), new SlotExposures(this, this.index)));
  }

  /** The book's sums (only undefined) or a group's (only: the book's own member list), as bigints. */
  sumsOf(only: readonly string[] | undefined): Sums | undefined {
    let at: number;
    let a: Float64Array;
    if (only === undefined) {
      a = this.totals;
      at = T_GROSS;
    } else {
      const g = this.groupLists.indexOf(only);
      if (g < 0) return undefined;
      a = this.groupSums;
      at = g * 3;
    }
    return { gross: BigInt(a[at]!), long: BigInt(a[at + 1]!), short: BigInt(a[at + 2]!) };
  }

  /** Present symbols with exposure and no reference price (ProjectedState.unpriced). */
  unpricedSymbols(): string[] {
    const f = this.f;
    const out: string[] = [];
    for (let k = 0; k < this.symbols.length; k++) {
      const base = k * WIDTH;
      if (f[base + PRESENT] !== 1 || this.refs[k] !== undefined) continue;
      const pos = f[base + POS]!;
      if (pos + f[base + W_BUY]! + f[base + A_BUY]! !== 0 || pos - f[base + W_SELL]! - f[base + A_SELL]! !== 0) out.push(this.symbols[k]!);
    }
    return out;
  }

  /** Slot k as projected-state.ts's finish() makes it (slot k present and exact). */
  exposureAt(k: number): SymbolExposure {
    const f = this.f;
    const base = k * WIDTH;
    const pos = f[base + POS]!;
    return {
      symbol: this.symbols[k]!,
      positionUnits: BigInt(pos),
      workingBuyUnits: BigInt(f[base + W_BUY]!),
      workingSellUnits: BigInt(f[base + W_SELL]!),
      algoBuyUnits: BigInt(f[base + A_BUY]!),
      algoSellUnits: BigInt(f[base + A_SELL]!),
      refPriceUnits: this.refs[k],
      longCaseUnits: BigInt(pos + f[base + W_BUY]! + f[base + A_BUY]!),
      shortCaseUnits: BigInt(pos - f[base + W_SELL]! - f[base + A_SELL]!),
      positionValueUnits: BigInt(f[base + POS_VALUE]!),
      longCaseValueUnits: BigInt(f[base + LONG_VALUE]!),
      shortCaseValueUnits: BigInt(f[base + SHORT_VALUE]!),
      grossValueUnits: BigInt(f[base + GROSS_VALUE]!),
      pendingBuyCashUnits: BigInt(f[base + PENDING]!),
    };
  }

  /** sideReduces() for a symbol as it stands (exact() must be true): false when the symbol has nothing. */
  reduces(symbol: string, side: 'buy' | 'sell'): boolean {
    const k = this.slotOf(symbol);
    if (k < 0 || !this.present(k)) return false;
    const f = this.f;
    const base = k * WIDTH;
    const pos = f[base + POS]!;
    return side === 'sell' ? pos > 0 && pos - f[base + W_SELL]! - f[base + A_SELL]! >= 0 : pos < 0 && pos + f[base + W_BUY]! + f[base + A_BUY]! <= 0;
  }

  /** Symbols of the present slots, in slot order. */
  presentSymbols(): string[] {
    const out: string[] = [];
    for (let k = 0; k < this.symbols.length; k++) if (this.f[k * WIDTH + PRESENT] === 1) out.push(this.symbols[k]!);
    return out;
  }

  /** Whether every slot and total is an exact integer (the fast path may decide). */
  exact(): boolean {
    return this.inexactSlots === 0 && this.totalsExact && this.cashExact;
  }

  /**
   * exact() but for the cash: every slot and the exposure sums are exact integers, while the cash
   * may be beyond 2^53 units (an account over ~90M at 8 cash decimals). The totals then leave the
   * cash out (T_NAV and T_PROJECTED_CASH are not the account's), so the fast path may decide only
   * where it reads neither (cashKnown() false: it defers every NAV or cash-buffer limit).
   */
  exactBesideCash(): boolean {
    return this.inexactSlots === 0 && this.totalsExact;
  }

  /** Whether the cash, and so NAV and projected cash in the totals, are exact. */
  cashKnown(): boolean {
    return this.cashExact;
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

  /** The slots, WIDTH columns each (POS, W_BUY, ...): the gate reads them in place. */
  get columns(): Float64Array {
    return this.f;
  }

  /** The index of a limit group of the current book, or -1. */
  groupOf(group: string): number {
    const g = this.groupIndex.get(group);
    return g === undefined ? -1 : g;
  }
  /** Gross, long and short of group g at g x 3 + 0, 1, 2. */
  get groups(): Float64Array {
    return this.groupSums;
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
    // Doubles stay local (no helper returns one: it would be boxed); NaN marks a bigint beyond 2^53.
    const q = qty <= MAX_BIG && qty >= MIN_BIG ? Number(qty) : Number.NaN;
    const v = f[base + col]! + q;
    f[base + col] = v;
    let ok = v <= MAX && v >= -MAX;
    if (buy) {
      const scale = f[base + SCALE]!;
      if (price !== null && scale > 0) {
        const cash = (price <= MAX_BIG && price >= MIN_BIG ? Number(price) : Number.NaN) * q * scale;
        const p = f[base + PRICED]! + cash;
        f[base + PRICED] = p;
        ok = ok && cash <= MAX && cash >= -MAX && p <= MAX && p >= -MAX;
      } else {
        const u = f[base + UNPRICED]! + q;
        f[base + UNPRICED] = u;
        ok = ok && u <= MAX && u >= -MAX;
      }
    }
    // An inexact raw sum stays inexact until the symbol is read again (revalue keeps -2).
    if (!ok) this.setExact(k, -2);
    else if (f[base + EXACT] !== -2) this.setExact(k, -1);
  }

  /** Reads everything again (readSource), every slot then revalued. */
  private readAll(source: ExposureSource, instrumentOf: InstrumentOf, book: LimitBook): void {
    this.stats.fullReads++;
    this.needSum = true;
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
      // Arrays (the usual answer) are walked by index: for..of made an iterator per list.
      const positions = by.positions(symbol);
      if (Array.isArray(positions)) for (let j = 0; j < positions.length; j++) this.addPosition(k, positions[j] as PositionView);
      else for (const p of positions) this.addPosition(k, p);
      if (by.workingSums !== undefined) {
        const sums = by.workingSums(symbol);
        if (sums !== undefined && sums.count > 0) this.addWorkingSums(k, sums);
      } else {
        const working = by.workingOrders(symbol);
        if (Array.isArray(working)) for (let j = 0; j < working.length; j++) this.addWorking(k, working[j] as WorkingOrderView);
        else for (const o of working) this.addWorking(k, o);
      }
      if (!this.readParents(by, symbol, k)) return false;
    }
    return true;
  }

  private addPosition(k: number, p: PositionView): void {
    this.add(k, POS, p.qtyUnits, false, null);
    this.f[k * WIDTH + PRESENT] = 1;
  }

  private addWorking(k: number, o: WorkingOrderView): void {
    if (o.remainingUnits <= 0n) return;
    const buy = o.side === 'buy';
    this.add(k, buy ? W_BUY : W_SELL, o.remainingUnits, buy, o.priceUnits);
    this.f[k * WIDTH + PRESENT] = 1;
  }

  /**
   * addWorking over every working order of the symbol, from the source's sums: the same columns.
   * Every share is a positive integer, so the sums are exact exactly when every running sum of the
   * one-by-one adds was, and then equal to them.
   */
  private addWorkingSums(k: number, s: Readonly<WorkingSums>): void {
    const f = this.f;
    const base = k * WIDTH;
    const sell = s.sellUnits <= MAX_BIG ? Number(s.sellUnits) : Number.NaN;
    const buy = s.buyUnits <= MAX_BIG ? Number(s.buyUnits) : Number.NaN;
    const ws = f[base + W_SELL]! + sell;
    const wb = f[base + W_BUY]! + buy;
    f[base + W_SELL] = ws;
    f[base + W_BUY] = wb;
    let ok = ws <= MAX && ws >= -MAX && wb <= MAX && wb >= -MAX;
    const scale = f[base + SCALE]!;
    // A buy with no price, or any buy of an instrument with no scale, counts as unpriced (add()).
    const unpricedUnits = scale > 0 ? s.buyUnits - s.buyPricedUnits : s.buyUnits;
    const unpriced = unpricedUnits <= MAX_BIG ? Number(unpricedUnits) : Number.NaN;
    const u = f[base + UNPRICED]! + unpriced;
    f[base + UNPRICED] = u;
    ok = ok && u <= MAX && u >= -MAX;
    if (scale > 0) {
      const cash = (s.buyPriceQty <= MAX_BIG ? Number(s.buyPriceQty) : Number.NaN) * scale;
      const p = f[base + PRICED]! + cash;
      f[base + PRICED] = p;
      ok = ok && cash <= MAX && cash >= -MAX && p <= MAX && p >= -MAX;
    }
    f[base + PRESENT] = 1;
    if (!ok) this.setExact(k, -2);
    else if (f[base + EXACT] !== -2) this.setExact(k, -1);
  }

  /** One symbol's parents replaced in the parents map, in place (a parent that stays keeps its key). */
  private readParents(by: ExposureBySymbol, symbol: string, k: number): boolean {
    let list = this.parentsBySymbol.get(symbol);
    if (!list) this.parentsBySymbol.set(symbol, (list = []));
    const before = list.length;
    const old = this.oldIds;
    for (let i = 0; i < before; i++) old[i] = list[i]!.id;
    let n = 0;
    const read = by.algoParents(symbol);
    const arr = Array.isArray(read) ? (read as readonly AlgoParentView[]) : [...read];
    for (let j = 0; j < arr.length; j++) {
      const p = arr[j]!;
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
    if (f[base + EXACT] === -2) {
      this.needSum = true;
      return;
    }
    const ref = this.refs[k];
    const scale = f[base + SCALE]!;
    // A reference beyond 2^53 makes the unit NaN: the slot is then inexact.
    const unit = scale > 0 && ref !== undefined ? (ref <= MAX_BIG && ref >= MIN_BIG ? Number(ref) : Number.NaN) * scale : 0;
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
    const gross = absLong > absShort ? absLong : absShort;
    const ok =
      unit <= MAX && unit >= -MAX && longCase <= MAX && longCase >= -MAX && shortCase <= MAX && shortCase >= -MAX && posValue <= MAX && posValue >= -MAX &&
      longValue <= MAX && longValue >= -MAX && shortValue <= MAX && shortValue >= -MAX && unpricedCash <= MAX && unpricedCash >= -MAX && pending <= MAX && pending >= -MAX;
    // The totals follow the slot by its change (old values out, new in) while every step stays an
    // exact integer; otherwise sync() sums them again from the slots.
    if (ok && !this.needSum) {
      const t = this.totals;
      this.needSum = !(
        this.shift(t, T_NAV, f[base + POS_VALUE]!, posValue) &&
        this.shift(t, T_PROJECTED_CASH, -f[base + PENDING]!, -pending) &&
        this.shift(t, T_GROSS, f[base + GROSS_VALUE]!, gross) &&
        this.shift(t, T_LONG, f[base + LONG_VALUE]!, longValue) &&
        this.shift(t, T_SHORT, f[base + SHORT_VALUE]!, shortValue)
      );
      const groups = this.slotGroups[k]!;
      const gs = this.groupSums;
      for (let i = 0; i < groups.length && !this.needSum; i++) {
        const at = groups[i]! * 3;
        this.needSum = !(this.shift(gs, at, f[base + GROSS_VALUE]!, gross) && this.shift(gs, at + 1, f[base + LONG_VALUE]!, longValue) && this.shift(gs, at + 2, f[base + SHORT_VALUE]!, shortValue));
      }
    } else this.needSum = true;
    f[base + POS_VALUE] = posValue;
    f[base + LONG_VALUE] = longValue;
    f[base + SHORT_VALUE] = shortValue;
    f[base + GROSS_VALUE] = gross;
    f[base + PENDING] = pending;
    this.setExact(k, ok ? 1 : 0);
  }

  /** a[i] - old + now, in place; false when a step leaves exact integers (a[i] is then unusable). */
  private shift(a: Float64Array, i: number, old: number, now: number): boolean {
    const out = a[i]! - old;
    const back = out + now;
    a[i] = back;
    return out <= MAX && out >= -MAX && back <= MAX && back >= -MAX;
  }

  /** NAV, projected cash and the exposure sums, re-summed from the slots (order-free: exact integers). */
  private sumTotals(): void {
    const f = this.f;
    const gs = this.groupSums;
    gs.fill(0);
    const cash = this.totals[T_CASH]!;
    let nav = cash;
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
      ok = ok && nav <= MAX && nav >= -MAX && pending <= MAX && pending >= -MAX && gross <= MAX && long <= MAX && long >= -MAX && short <= MAX && short >= -MAX;
      const groups = this.slotGroups[k]!;
      for (let i = 0; i < groups.length; i++) {
        const at = groups[i]! * 3;
        const ga = gs[at]! + g;
        const la = gs[at + 1]! + l;
        const sa = gs[at + 2]! + s;
        gs[at] = ga;
        gs[at + 1] = la;
        gs[at + 2] = sa;
        ok = ok && ga <= MAX && la <= MAX && la >= -MAX && sa <= MAX && sa >= -MAX;
      }
    }
    const projectedCash = cash - pending;
    const t = this.totals;
    t[T_NAV] = nav;
    t[T_PROJECTED_CASH] = projectedCash;
    t[T_GROSS] = gross;
    t[T_LONG] = long;
    t[T_SHORT] = short;
    this.totalsExact = ok && projectedCash <= MAX && projectedCash >= -MAX;
    this.needSum = !this.totalsExact;
  }

  private indexGroups(book: LimitBook): void {
    this.groupsBook = book;
    this.needSum = true;
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

/**
 * ExposureSlots.state(): the exact gate's state for one check, dropped when the slots change. Its
 * parents are the slots' live map, its sums come from the slots' totals, its unpriced list is made
 * when read (the gate does not read it).
 */
class SlotState implements ProjectedState {
  readonly cashUnits: bigint;
  readonly navUnits: bigint;
  readonly projectedCashUnits: bigint;
  readonly symbols: ReadonlyMap<string, SymbolExposure>;
  readonly parents: ReadonlyMap<string, AlgoParentView>;
  private readonly slots: ExposureSlots;
  private unpricedList: readonly string[] | undefined;

  constructor(slots: ExposureSlots, cash: bigint, nav: bigint, projectedCash: bigint, symbols: ReadonlyMap<string, SymbolExposure>) {
    this.slots = slots;
    this.cashUnits = cash;
    this.navUnits = nav;
    this.projectedCashUnits = projectedCash;
    this.symbols = symbols;
    this.parents = slots.parents;
  }

  get unpriced(): readonly string[] {
    return (this.unpricedList ??= this.slots.unpricedSymbols());
  }

  [SUMS_SOURCE](only: readonly string[] | undefined): Sums | undefined {
    return this.slots.sumsOf(only);
  }
}

/**
 * The symbols map of ExposureSlots.state(): each present slot's exposure, made when first asked
 * for. The slots do not change while the state is in use (it is dropped at their next change);
 * the state copies nothing else.
 */
class SlotExposures implements ReadonlyMap<string, SymbolExposure> {
  private readonly slots: ExposureSlots;
  private readonly index: ReadonlyMap<string, number>;
  /** The order's symbol is usually the only one asked for: one entry before a map. */
  private lastKey: string | undefined;
  private lastMade: SymbolExposure | undefined;
  private made: Map<string, SymbolExposure> | undefined;
  private order: string[] | undefined;

  constructor(slots: ExposureSlots, index: ReadonlyMap<string, number>) {
    this.slots = slots;
    this.index = index;
  }

  private keysInOrder(): string[] {
    return (this.order ??= this.slots.presentSymbols());
  }

  get size(): number {
    return this.keysInOrder().length;
  }

  get(k: string): SymbolExposure | undefined {
    if (k === this.lastKey) return this.lastMade;
    let e = this.made?.get(k);
    if (e !== undefined) return e;
    const i = this.index.get(k);
    if (i === undefined || !this.slots.present(i)) return undefined;
    e = this.slots.exposureAt(i);
    if (this.lastKey !== undefined) (this.made ??= new Map()).set(this.lastKey, this.lastMade!);
    this.lastKey = k;
    this.lastMade = e;
    return e;
  }

  has(k: string): boolean {
    const i = this.index.get(k);
    return i !== undefined && this.slots.present(i);
  }

  forEach(fn: (value: SymbolExposure, key: string, map: ReadonlyMap<string, SymbolExposure>) => void, thisArg?: unknown): void {
    for (const k of this.keysInOrder()) fn.call(thisArg, this.get(k)!, k, this);
  }

  *entries(): MapIterator<[string, SymbolExposure]> {
    for (const k of this.keysInOrder()) yield [k, this.get(k)!];
  }

  *keys(): MapIterator<string> {
    yield* this.keysInOrder();
  }

  *values(): MapIterator<SymbolExposure> {
    for (const k of this.keysInOrder()) yield this.get(k)!;
  }

  [Symbol.iterator](): MapIterator<[string, SymbolExposure]> {
    return this.entries();
  }
}
