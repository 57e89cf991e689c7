import { notionalUnits } from '../core/instrument.ts';
import type { InstrumentRegistry } from '../core/instrument.ts';
import { remainingUnits } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import type { Side } from '../contract/dto.ts';
import { divRound } from '../core/precision.ts';

/** What a reserve reads of the OMS besides the order: its reserve price and whether it is a held replacement. */
export interface ReserveFacts {
  reservePrice(id: string): bigint | undefined;
  awaiting(id: string): boolean;
}

/**
 * Cash one working order holds back: a direct buy or an algo parent (not a child: its parent's
 * remainder covers it), not a replacement held until its predecessor is done; remaining quantity at
 * the reserve price (limit price, or the gate's estimate for market orders) plus the taker fee.
 * Undefined when the order holds nothing back.
 */
export function cashHeldBy(o: Order, instruments: InstrumentRegistry, facts: ReserveFacts): bigint | undefined {
  return cashHeldAt(o, instruments, facts, facts.reservePrice(o.id));
}

/** cashHeldBy with the order's reserve price already in hand (the running figure keeps it on the order's entry). */
function cashHeldAt(o: Order, instruments: InstrumentRegistry, facts: ReserveFacts, reserve: bigint | undefined): bigint | undefined {
  if (o.side !== 'buy' || o.parentId !== null || facts.awaiting(o.id)) return undefined;
  const inst = instruments.get(o.symbol);
  const px = reserve ?? o.priceUnits ?? o.trigger?.stopPriceUnits;
  if (!inst || px === undefined || px === null) return undefined;
  const n = notionalUnits(inst, px, remainingUnits(o));
  return n + divRound(n * BigInt(Math.round(inst.takerFeeBps * 100)), 1_000_000n);
}

/**
 * Total of cashHeldBy over `open`, one-cancels-other members counting once (the largest); `except`
 * (an order being checked, or the parent of a child being checked) leaves itself and its whole
 * group out. The full scan: ReservedCash keeps the same figure incrementally, and tests hold the
 * two equal.
 */
export function scanReservedCash(open: Iterable<Order>, instruments: InstrumentRegistry, facts: ReserveFacts, except: Order | undefined): bigint {
  let sum = 0n;
  const exceptGroup = except?.ocoGroup ?? null;
  let groups: Map<string, bigint> | undefined;
  for (const o of open) {
    if (o.id === except?.id) continue;
    const cash = cashHeldBy(o, instruments, facts);
    if (cash === undefined) continue;
    if (o.ocoGroup === null) sum += cash;
    else if (o.ocoGroup !== exceptGroup && cash > ((groups ??= new Map()).get(o.ocoGroup) ?? 0n)) groups.set(o.ocoGroup, cash);
  }
  if (groups) for (const v of groups.values()) sum += v;
  return sum;
}

/**
 * Remaining quantity of working orders on one side among `open` (one symbol's), a working algo
 * counted by its parent's whole remainder (its children are part of it, not in addition to it).
 * One-cancels-other members count once (the largest), and a member being checked (or its child)
 * leaves its whole group out: a bracket's take-profit and stop-loss close one position.
 */
export function scanWorkingUnits(open: Iterable<Order>, side: Side, except: Order | undefined, exceptId: string | null, facts: ReserveFacts): bigint {
  let sum = 0n;
  const exceptGroup = except?.ocoGroup ?? null;
  let groups: Map<string, bigint> | undefined; // built only when a group is met (this runs per order)
  for (const o of open) {
    if (o.parentId !== null || o.id === exceptId || o.side !== side || facts.awaiting(o.id)) continue;
    const rem = remainingUnits(o);
    if (o.ocoGroup === null) sum += rem;
    else if (o.ocoGroup !== exceptGroup && rem > ((groups ??= new Map()).get(o.ocoGroup) ?? 0n)) groups.set(o.ocoGroup, rem);
  }
  if (groups) for (const v of groups.values()) sum += v;
  return sum;
}

/** Running sums of remaining units per symbol and side. */
export interface UnitSums {
  buy: bigint;
  sell: bigint;
}

/**
 * What one working order adds to ReservedCash's running figures, kept on the order's own entry
 * in the open set (open-orders.ts) rather than in maps keyed by order id: an order opening and
 * closing set and deleted a key in three such maps, and a map emptied by its delete shrinks (a new
 * table) and grows again at the next order, ~500 bytes per round trip (bench/kernel.ts row a).
 */
export interface CashShare {
  readonly order: Order;
  /** The price its cash is reserved at when L1 gave one (a market buy's estimate, a limit price). */
  reservePrice: bigint | undefined;
  /** Cash it holds outside a one-cancels-other group (counted in the flat sum). */
  cash: bigint | undefined;
  /** Remaining units it adds to its symbol's side (outside a group), and the sums it was added to. */
  units: bigint | undefined;
  unitSums: UnitSums | undefined;
}

/**
 * The running figure of scanReservedCash over the OMS's open orders. L1's structural check reads it
 * for every order; a scan of every working order per order was O(n²) over a burst of resting limit
 * orders (bench/kernel.ts row b). The OMS calls `refresh` whenever something cashHeldBy reads may
 * have changed (opened, closed, filled, persisted after a change, reserve price or hold changed);
 * orders outside a one-cancels-other group are kept as a sum (each one's share on its CashShare),
 * group members (few) are scanned.
 */
export class ReservedCash {
  private flatSum = 0n;
  private readonly grouped = new Map<string, { cash: bigint; group: string }>();
  /** The same for scanWorkingUnits (structural check, per order): sums per symbol and side outside one-cancels-other groups, and the group members apart. */
  private readonly unitSums = new Map<string, UnitSums>();
  private readonly groupedUnits = new Map<string, Order>();

  private readonly instruments: InstrumentRegistry;
  private readonly facts: ReserveFacts;

  constructor(instruments: InstrumentRegistry, facts: ReserveFacts) {
    this.instruments = instruments;
    this.facts = facts;
  }

  /** Recomputes one order's share (`open`: whether the OMS holds it as working). */
  refresh(e: CashShare, open: boolean): void {
    this.drop(e);
    if (!open) return;
    const o = e.order;
    if (o.parentId === null && !this.facts.awaiting(o.id)) {
      if (o.ocoGroup !== null) this.groupedUnits.set(o.id, o);
      else {
        const rem = remainingUnits(o);
        let sums = this.unitSums.get(o.symbol);
        if (!sums) this.unitSums.set(o.symbol, (sums = { buy: 0n, sell: 0n }));
        sums[o.side] += rem;
        e.units = rem;
        e.unitSums = sums;
      }
    }
    const cash = cashHeldAt(o, this.instruments, this.facts, e.reservePrice);
    if (cash === undefined) return;
    if (o.ocoGroup === null) {
      e.cash = cash;
      this.flatSum += cash;
    } else this.grouped.set(o.id, { cash, group: o.ocoGroup });
  }

  drop(e: CashShare): void {
    if (e.cash !== undefined) {
      this.flatSum -= e.cash;
      e.cash = undefined;
    }
    // One-cancels-other members are few and usually none: no hash lookup per order closed then.
    if (this.grouped.size > 0) this.grouped.delete(e.order.id);
    if (this.groupedUnits.size > 0) this.groupedUnits.delete(e.order.id);
    if (e.units !== undefined) {
      e.unitSums![e.order.side] -= e.units;
      e.units = undefined;
      e.unitSums = undefined;
    }
  }

  /** Forgets every figure, the shares kept on `entries` too (recovery reads them afresh). */
  clear(entries: Iterable<CashShare>): void {
    for (const e of entries) {
      e.cash = undefined;
      e.units = undefined;
      e.unitSums = undefined;
    }
    this.grouped.clear();
    this.flatSum = 0n;
    this.unitSums.clear();
    this.groupedUnits.clear();
  }

  /** scanWorkingUnits over one symbol's open orders, from the running sums; `exceptShare`: the open entry of `exceptId`, if it has one. */
  workingUnits(symbol: string, side: Side, except: Order | undefined, exceptId: string | null, exceptShare: CashShare | undefined): bigint {
    let sum = this.unitSums.get(symbol)?.[side] ?? 0n;
    if (exceptShare?.units !== undefined && exceptShare.order.symbol === symbol && exceptShare.order.side === side) sum -= exceptShare.units;
    if (this.groupedUnits.size === 0) return sum;
    const members: Order[] = [];
    for (const o of this.groupedUnits.values()) if (o.symbol === symbol && o.side === side && o.id !== exceptId) members.push(o);
    return sum + scanWorkingUnits(members, side, except, exceptId, this.facts);
  }

  /** `exceptShare`: the open entry of `except`, if it has one. */
  total(except: Order | undefined, exceptShare: CashShare | undefined): bigint {
    let sum = this.flatSum;
    if (exceptShare?.cash !== undefined) sum -= exceptShare.cash;
    if (this.grouped.size === 0) return sum;
    const exceptGroup = except?.ocoGroup ?? null;
    const groups = new Map<string, bigint>();
    for (const [id, { cash, group }] of this.grouped) {
      if (id === except?.id || group === exceptGroup) continue;
      if (cash > (groups.get(group) ?? 0n)) groups.set(group, cash);
    }
    for (const v of groups.values()) sum += v;
    return sum;
  }
}
