import { remainingUnits, worksChildren } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import type { WorkingSums } from '../core/working-sums.ts';

export type { WorkingSums };

/**
 * What one working order adds to its symbol's sums (kept to take it back out when the order
 * changes), on the order's own entry in the open set (open-orders.ts), not in a map by order id:
 * see CashShare in reserved-cash.ts. `shareSums` undefined: it adds nothing.
 */
export interface SumsShare {
  readonly order: Order;
  shareSums: WorkingSums | undefined;
  shareBuy: boolean;
  shareRem: bigint;
  sharePrice: bigint | null;
}

function emptySums(): WorkingSums {
  return { count: 0, buyUnits: 0n, sellUnits: 0n, buyPricedUnits: 0n, buyPriceQty: 0n };
}

function apply(s: WorkingSums, buy: boolean, rem: bigint, price: bigint | null, sign: 1 | -1): void {
  const q = sign === 1 ? rem : -rem;
  s.count += sign;
  if (!buy) {
    s.sellUnits += q;
    return;
  }
  s.buyUnits += q;
  if (price !== null) {
    s.buyPricedUnits += q;
    s.buyPriceQty += price * q;
  }
}

/**
 * The sums of one symbol's open orders by a full scan: what the running figures must equal (tests).
 * The same selection as L1's working-order views (src/kernel/exposure-views.ts): not a parent or
 * held trigger, quantity left.
 */
export function scanWorkingSums(open: Iterable<Order>): WorkingSums {
  const s = emptySums();
  for (const o of open) {
    if (worksChildren(o)) continue;
    const rem = remainingUnits(o);
    if (rem > 0n) apply(s, o.side === 'buy', rem, o.priceUnits, 1);
  }
  return s;
}

/**
 * The running figures of scanWorkingSums per symbol. The OMS calls `refresh` wherever it calls
 * ReservedCash.refresh (opened, filled, persisted after a change, replaced, recovered: everything
 * these read), and `drop` when an order closes; each order's share is taken out and put back, so a
 * refresh too many is harmless.
 */
export class WorkingSumsIndex {
  private readonly bySymbol = new Map<string, WorkingSums>();

  /** Recomputes one order's share (`open`: whether the OMS holds it as working). */
  refresh(e: SumsShare, open: boolean): void {
    const o = e.order;
    const rem = open && !worksChildren(o) ? remainingUnits(o) : 0n;
    const had = e.shareSums;
    if (rem <= 0n) {
      if (had !== undefined) this.drop(e);
      return;
    }
    const buy = o.side === 'buy';
    const price = o.priceUnits;
    if (had !== undefined) {
      // Unchanged (the usual refresh of a parent-less order persisted again): nothing to move.
      if (e.shareRem === rem && e.sharePrice === price && e.shareBuy === buy) return;
      apply(had, e.shareBuy, e.shareRem, e.sharePrice, -1);
      e.shareBuy = buy;
      e.shareRem = rem;
      e.sharePrice = price;
      apply(had, buy, rem, price, 1);
      return;
    }
    let sums = this.bySymbol.get(o.symbol);
    if (!sums) this.bySymbol.set(o.symbol, (sums = emptySums()));
    apply(sums, buy, rem, price, 1);
    e.shareSums = sums;
    e.shareBuy = buy;
    e.shareRem = rem;
    e.sharePrice = price;
  }

  drop(e: SumsShare): void {
    const had = e.shareSums;
    if (had === undefined) return;
    apply(had, e.shareBuy, e.shareRem, e.sharePrice, -1);
    e.shareSums = undefined;
  }

  /** Forgets every figure, the shares kept on `entries` too (recovery reads them afresh). */
  clear(entries: Iterable<SumsShare>): void {
    for (const e of entries) e.shareSums = undefined;
    this.bySymbol.clear();
  }

  /** The symbol's sums, read in place (the caller must not keep or change them). */
  of(symbol: string): Readonly<WorkingSums> | undefined {
    return this.bySymbol.get(symbol);
  }
}

const NO_PARENTS: ReadonlySet<Order> = new Set();

/**
 * The open orders Strata works itself (algo parents and held triggers: worksChildren), per symbol,
 * in the order they opened. L1 reads one symbol's parents on every check of it and the trigger
 * book looks for a waiting trigger on every book and trade of it; walking all the symbol's open
 * orders for those few made each O(working orders). Refreshed where WorkingSumsIndex is; an order's
 * algo or trigger is set before the OMS first tracks it, and a refresh too many is harmless.
 */
export class OpenParents {
  private readonly bySymbol = new Map<string, Set<Order>>();

  refresh(o: Order, open: boolean): void {
    let set = this.bySymbol.get(o.symbol);
    if (open && worksChildren(o)) {
      if (!set) this.bySymbol.set(o.symbol, (set = new Set()));
      set.add(o);
    } else set?.delete(o);
  }

  drop(o: Order): void {
    this.bySymbol.get(o.symbol)?.delete(o);
  }

  clear(): void {
    this.bySymbol.clear();
  }

  /** The symbol's open parents and held triggers, in the order the OMS first tracked them; live, read in place. */
  of(symbol: string): ReadonlySet<Order> {
    return this.bySymbol.get(symbol) ?? NO_PARENTS;
  }
}
