import type { Side } from '../contract/dto.ts';
import type { InstrumentRegistry } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import { ReservedCash, scanReservedCash } from './reserved-cash.ts';
import type { ReserveFacts } from './reserved-cash.ts';
import { OpenParents, WorkingSumsIndex } from './working-sums.ts';
import type { WorkingSums } from './working-sums.ts';

const NO_ORDERS: readonly Order[] = Object.freeze([]);

/**
 * The OMS's working orders and the running figures kept over them: the open set, its per-symbol
 * and per-parent indexes, the cash working buys reserve, L1's working-order sums and the open algo
 * parents and held triggers. The OMS decides when an order opens, changes and closes (oms.ts); this keeps
 * every index in step with those three calls, so readers (L1, the algos, the trigger book) get
 * their answer without walking every working order.
 */
export class OpenOrders {
  private readonly byId = new Map<string, Order>();
  /** Open orders per symbol, in the order they opened: L1 reads one symbol's book after a change. */
  private readonly bySymbol = new Map<string, Map<string, Order>>();
  /** Working children per parent: algorithms ask for them on every decision. */
  private readonly childrenOf = new Map<string, Set<string>>();
  /** The running figure of reservedCash(), kept per order as orders change. */
  private readonly reserved: ReservedCash;
  /** L1's working-order sums per symbol, kept beside the reserved cash (same refresh points). */
  private readonly working = new WorkingSumsIndex();
  /** Open algo parents and held triggers per symbol (L1's parent views, the trigger book's market check), kept the same way. */
  private readonly parents = new OpenParents();
  private readonly instruments: InstrumentRegistry;
  private readonly facts: ReserveFacts;

  constructor(instruments: InstrumentRegistry, facts: ReserveFacts) {
    this.instruments = instruments;
    this.facts = facts;
    this.reserved = new ReservedCash(instruments, facts);
  }

  /** An order starts working (the reserve price, if any, is already known: the reserve reads it). */
  track(o: Order): void {
    this.byId.set(o.id, o);
    this.refresh(o);
    let bySymbol = this.bySymbol.get(o.symbol);
    if (!bySymbol) {
      bySymbol = new Map();
      this.bySymbol.set(o.symbol, bySymbol);
    }
    bySymbol.set(o.id, o);
    if (o.parentId === null) return;
    let set = this.childrenOf.get(o.parentId);
    if (!set) {
      set = new Set();
      this.childrenOf.set(o.parentId, set);
    }
    set.add(o.id);
  }

  /** An order stops working. */
  untrack(o: Order): void {
    this.byId.delete(o.id);
    this.reserved.drop(o.id);
    this.working.drop(o.id);
    this.parents.drop(o);
    // An emptied symbol keeps its map (symbols are the instruments'): no new Map per order.
    this.bySymbol.get(o.symbol)?.delete(o.id);
    if (o.parentId !== null) this.childrenOf.get(o.parentId)?.delete(o.id);
  }

  /** Re-reads one order's figures after anything they depend on may have changed (quantity, fills, price, trigger, hold). */
  refresh(o: Order): void {
    const open = this.byId.has(o.id);
    this.reserved.refresh(o, open);
    this.working.refresh(o, open);
    this.parents.refresh(o, open);
  }

  /** Recovery sets orders up outside the paths that keep the figures: read them afresh. */
  rebuild(): void {
    this.reserved.clear();
    this.working.clear();
    this.parents.clear();
    for (const o of this.byId.values()) this.refresh(o);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): Order | undefined {
    return this.byId.get(id);
  }

  /** Every open order, live (the caller copies before changing the OMS). */
  values(): IterableIterator<Order> {
    return this.byId.values();
  }

  /** One symbol's open orders, in the order they opened; live, not a copy. */
  valuesOf(symbol: string): Iterable<Order> {
    return this.bySymbol.get(symbol)?.values() ?? NO_ORDERS;
  }

  /** Working (open) children of a parent, oldest first; O(working), not O(all children). */
  children(parentId: string): Order[] {
    const ids = this.childrenOf.get(parentId);
    if (!ids) return [];
    const out: Order[] = [];
    for (const id of ids) {
      const o = this.byId.get(id);
      if (o) out.push(o);
    }
    return out;
  }

  /** The symbol's open algo parents and held triggers, in the order they opened (working-sums.ts); live, read in place. */
  parentsOf(symbol: string): Iterable<Order> {
    return this.parents.of(symbol);
  }

  /** One symbol's working direct orders and children, summed (working-sums.ts); live, read in place. */
  sumsOf(symbol: string): Readonly<WorkingSums> | undefined {
    return this.working.of(symbol);
  }

  /** Remaining quantity working on one side of an instrument (reserved-cash.ts). */
  workingUnits(symbol: string, side: Side, except: Order | undefined, exceptId: string | null): bigint {
    return this.reserved.workingUnits(symbol, side, except, exceptId);
  }

  /** Cash held back for working buys (reserved-cash.ts). */
  reservedCash(except: Order | undefined): bigint {
    return this.reserved.total(except);
  }

  /** reservedCash() by a full scan of the working orders: what the running figure must equal (tests). */
  reservedCashByScan(except: Order | undefined): bigint {
    return scanReservedCash(this.byId.values(), this.instruments, this.facts, except);
  }
}
