import type { Side } from '../contract/dto.ts';
import type { InstrumentRegistry } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import { ReservedCash, scanReservedCash } from './reserved-cash.ts';
import type { CashShare, ReserveFacts, UnitSums } from './reserved-cash.ts';
import { OpenParents, WorkingSumsIndex } from './working-sums.ts';
import type { SumsShare, WorkingSums } from './working-sums.ts';

const NO_ORDERS: readonly Order[] = Object.freeze([]);

/**
 * One working order and what it adds to the running figures (reserved-cash.ts, working-sums.ts):
 * one object per open order, found by id in one map, where the figures used to sit in four maps
 * keyed by order id (and the OMS's reserve prices in a fifth). Made when the order opens, dropped
 * when it closes; every field is set in the constructor (one hidden class).
 */
class OpenEntry implements CashShare, SumsShare {
  readonly order: Order;
  reservePrice: bigint | undefined;
  cash: bigint | undefined = undefined;
  units: bigint | undefined = undefined;
  unitSums: UnitSums | undefined = undefined;
  shareSums: WorkingSums | undefined = undefined;
  shareBuy = false;
  shareRem = 0n;
  sharePrice: bigint | null = null;

  constructor(order: Order, reservePrice: bigint | undefined) {
    this.order = order;
    this.reservePrice = reservePrice;
  }
}

/** Open entries' orders, for the readers that want orders (a map's values, mapped as they go). */
function* ordersOf(entries: Iterable<OpenEntry>): IterableIterator<Order> {
  for (const e of entries) yield e.order;
}

/**
 * The OMS's working orders and the running figures kept over them: the open set, its per-symbol
 * and per-parent indexes, the cash working buys reserve, L1's working-order sums and the open algo
 * parents and held triggers. The OMS decides when an order opens, changes and closes (oms.ts); this keeps
 * every index in step with those three calls, so readers (L1, the algos, the trigger book) get
 * their answer without walking every working order.
 */
export class OpenOrders {
  private readonly byId = new Map<string, OpenEntry>();
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

  /** An order starts working; `reservePrice`: the price its cash is reserved at, when L1 gave one (a buy's). */
  track(o: Order, reservePrice?: bigint): void {
    const was = this.byId.get(o.id);
    if (was !== undefined) {
      // Tracked again (recovery): its figures are counted once.
      this.reserved.drop(was);
      this.working.drop(was);
    }
    const e = new OpenEntry(o, reservePrice);
    this.byId.set(o.id, e);
    this.refreshEntry(e);
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
    const e = this.byId.get(o.id);
    if (e !== undefined) {
      this.byId.delete(o.id);
      this.reserved.drop(e);
      this.working.drop(e);
    }
    this.parents.drop(o);
    // An emptied symbol keeps its map (symbols are the instruments'): no new Map per order.
    this.bySymbol.get(o.symbol)?.delete(o.id);
    if (o.parentId !== null) this.childrenOf.get(o.parentId)?.delete(o.id);
  }

  /** Re-reads one order's figures after anything they depend on may have changed (quantity, fills, price, trigger, hold). */
  refresh(o: Order): void {
    const e = this.byId.get(o.id);
    // Not open: its figures went when it closed (untrack), and it never had an entry otherwise.
    if (e === undefined) this.parents.refresh(o, false);
    else this.refreshEntry(e);
  }

  private refreshEntry(e: OpenEntry): void {
    this.reserved.refresh(e, true);
    this.working.refresh(e, true);
    this.parents.refresh(e.order, true);
  }

  /** The reserve price of an open order changed (the venue showed a limit buy working after a restart). */
  setReservePrice(o: Order, reservePrice: bigint): void {
    const e = this.byId.get(o.id);
    if (e !== undefined) e.reservePrice = reservePrice;
  }

  /** An open order's reserve price, when L1 or the venue gave one. */
  reservePriceOf(id: string): bigint | undefined {
    return this.byId.get(id)?.reservePrice;
  }

  /** Recovery sets orders up outside the paths that keep the figures: read them afresh. */
  rebuild(): void {
    this.reserved.clear(this.byId.values());
    this.working.clear(this.byId.values());
    this.parents.clear();
    for (const e of this.byId.values()) this.refreshEntry(e);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): Order | undefined {
    return this.byId.get(id)?.order;
  }

  /** Every open order, live (the caller copies before changing the OMS). */
  values(): IterableIterator<Order> {
    return ordersOf(this.byId.values());
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
      const e = this.byId.get(id);
      if (e) out.push(e.order);
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
    return this.reserved.workingUnits(symbol, side, except, exceptId, exceptId !== null ? this.byId.get(exceptId) : undefined);
  }

  /** Cash held back for working buys (reserved-cash.ts). */
  reservedCash(except: Order | undefined): bigint {
    return this.reserved.total(except, except !== undefined ? this.byId.get(except.id) : undefined);
  }

  /** reservedCash() by a full scan of the working orders: what the running figure must equal (tests). */
  reservedCashByScan(except: Order | undefined): bigint {
    return scanReservedCash(this.values(), this.instruments, this.facts, except);
  }
}
