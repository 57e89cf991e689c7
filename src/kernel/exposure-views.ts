import { remainingUnits } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import type { Oms } from '../execution/oms.ts';
import type { AlgoParentView, WorkingOrderView } from '../risk/projected-state.ts';

/** What L1's exposure port reads from the OMS's open orders. */

/** Direct orders and algo children among `open` (the OMS's open orders, or one symbol's). */
export function* workingOrderViews(open: Iterable<Order>): Iterable<WorkingOrderView> {
  for (const o of open) {
    if (o.algo !== null) continue;
    const rem = remainingUnits(o);
    if (rem <= 0n) continue;
    yield { id: o.id, symbol: o.symbol, side: o.side, remainingUnits: rem, priceUnits: o.priceUnits, parentId: o.parentId };
  }
}

/** Algo parents among `open`, with what their working children do not already cover. */
export function* algoParentViews(open: Iterable<Order>, oms: Pick<Oms, 'openChildren'>): Iterable<AlgoParentView> {
  for (const o of open) {
    if (o.algo === null) continue;
    let working = 0n;
    for (const c of oms.openChildren(o.id)) working += remainingUnits(c);
    const unplaced = remainingUnits(o) - working;
    yield { id: o.id, symbol: o.symbol, side: o.side, unplacedUnits: unplaced > 0n ? unplaced : 0n, limitPriceUnits: o.priceUnits };
  }
}
