import { remainingUnits, worksChildren } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import type { Oms } from '../execution/oms.ts';
import type { OrderSource } from '../core/enums.ts';
import type { AlgoParentView, PositionView, WorkingOrderView } from '../risk/projected-state.ts';

/**
 * What L1's exposure port reads from the OMS's open orders. L1 reads these on every order it
 * checks, so they are plain arrays built in one pass (generators cost an iterator result per item)
 * and nothing is allocated for a symbol with no working order.
 */

const NONE: readonly never[] = Object.freeze([]);

/** Direct orders and algo children among `open` (the OMS's open orders, or one symbol's). */
export function workingOrderViews(open: Iterable<Order>): readonly WorkingOrderView[] {
  let out: WorkingOrderView[] | undefined;
  for (const o of open) {
    if (worksChildren(o)) continue;
    const rem = remainingUnits(o);
    if (rem <= 0n) continue;
    (out ??= []).push({ id: o.id, symbol: o.symbol, side: o.side, remainingUnits: rem, priceUnits: o.priceUnits, parentId: o.parentId });
  }
  return out ?? NONE;
}

/**
 * Algo parents and held triggers among `open`, with what their working children do not already
 * cover. One-cancels-other members close one position: together they count as the largest of them
 * (working children included), handed out in journal order.
 */
export function algoParentViews(open: Iterable<Order>, oms: Pick<Oms, 'openChildren'>): readonly AlgoParentView[] {
  let parents: { o: Order; working: bigint }[] | undefined;
  let groups: Map<string, { max: bigint; working: bigint }> | undefined;
  for (const o of open) {
    if (!worksChildren(o)) continue;
    let working = 0n;
    for (const c of oms.openChildren(o.id)) working += remainingUnits(c);
    (parents ??= []).push({ o, working });
    if (o.ocoGroup !== null) {
      groups ??= new Map();
      const g = groups.get(o.ocoGroup) ?? { max: 0n, working: 0n };
      const rem = remainingUnits(o);
      if (rem > g.max) g.max = rem;
      g.working += working;
      groups.set(o.ocoGroup, g);
    }
  }
  if (!parents) return NONE;
  const budget = new Map<string, bigint>();
  if (groups) for (const [k, g] of groups) budget.set(k, g.max > g.working ? g.max - g.working : 0n);
  const out: AlgoParentView[] = [];
  for (const { o, working } of parents) {
    let unplaced = remainingUnits(o) - working;
    if (unplaced < 0n) unplaced = 0n;
    if (o.ocoGroup !== null) {
      const left = budget.get(o.ocoGroup) ?? 0n;
      if (unplaced > left) unplaced = left;
      budget.set(o.ocoGroup, left - unplaced);
    }
    out.push({ id: o.id, symbol: o.symbol, side: o.side, unplacedUnits: unplaced, limitPriceUnits: o.priceUnits });
  }
  return out;
}

/**
 * A held position as the exposure port's one-element answer, rewritten per read: L1 reads a changed
 * symbol's position once per order checked and sums it at once (its readers keep no view).
 */
export class HeldPosition {
  private readonly view: PositionView = { symbol: '', qtyUnits: 0n };
  private readonly list: readonly PositionView[] = [this.view];

  of(symbol: string, qtyUnits: bigint): readonly PositionView[] {
    this.view.symbol = symbol;
    this.view.qtyUnits = qtyUnits;
    return this.list;
  }
}

/** L1's verdict on an order that passed (shared: callers only read it). */
export const PASSED: { readonly ok: true } = Object.freeze({ ok: true });

/** What L1 adds to a journaled order to check it (riskOrderFromRecord's extra fields, all given). */
export interface RecordExtra {
  estimatedPriceUnits: bigint | null;
  confirm: boolean;
  source: OrderSource;
}

/** `x` rewritten for one order: its estimate, and its own confirmation and origin columns. */
export function recordExtra(x: RecordExtra, estimatedPriceUnits: bigint | null, order: { riskConfirmed: boolean; source: OrderSource }): RecordExtra {
  x.estimatedPriceUnits = estimatedPriceUnits;
  x.confirm = order.riskConfirmed;
  x.source = order.source;
  return x;
}
