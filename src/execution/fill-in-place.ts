import type { Instrument } from '../core/instrument.ts';
import { notionalUnits } from '../core/instrument.ts';
import { applyFillToOrder } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import type { VenueFill } from '../core/ports.ts';

/**
 * A venue fill applied to its order (and a child's parent) in place, with what it takes to undo it.
 * The OMS used to clone the order and the parent per fill (some forty fields each, a large share of
 * a place → fill round trip, bench/kernel.ts row a) and copy the clones back once the journal took
 * the fill; now it applies the fill where it is and undoes it if the journal refuses or throws, so
 * the order in memory still never gets ahead of the journal.
 */

/** What applying a fill changes on an order (every field set at construction: one hidden class). */
class FillUndo {
  status: Order['status'] = 'NEW';
  updatedAt = 0;
  qtyUnits = 0n;
  filledUnits = 0n;
  filledNotionalUnits = 0n;
  feeUnits = 0n;
  venueOrderId: string | null = null;
}

/**
 * A fill applied in place and what undoes it. The OMS keeps one and reuses it for every fill (its
 * life ends when the journal has taken the fill, before the next fill can start); three objects
 * per fill were ~200 bytes of each round trip for the young-generation collector.
 */
export class AppliedFill {
  order: Order | undefined = undefined;
  parent: Order | undefined = undefined;
  readonly undoOrder = new FillUndo();
  readonly undoParent = new FillUndo();
}

/**
 * Applies `f` to `order`, and to `parent` when the order is a child (widening a parent the venue
 * overfilled, told through `anomaly`), noting the undo in `into` (overwritten). Returns a refusal
 * message when the fill does not fit the order (nothing changed); throws, with nothing changed,
 * when it does not fit the parent.
 */
export function applyFillInPlace(order: Order, parent: Order | undefined, f: VenueFill, inst: Instrument, anomaly: (m: string) => void, into: AppliedFill = new AppliedFill()): AppliedFill | string {
  snapshot(into.undoOrder, order);
  try {
    // An exchange stamps a trade with its own clock, often before we processed the order's
    // acceptance: an order's state time never goes backwards (views keep the newest update).
    applyFillToOrder(order, f.qtyUnits, notionalUnits(inst, f.priceUnits, f.qtyUnits), f.feeUnits, Math.max(f.ts, order.updatedAt));
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (order.venueOrderId === null) order.venueOrderId = f.venueOrderId;
  into.order = order;
  into.parent = parent;
  if (!parent) return into;
  snapshot(into.undoParent, parent);
  try {
    if (parent.filledUnits + f.qtyUnits > parent.qtyUnits) {
      // The venue executed it, so it stands: positions follow the venue. Widen the parent and say so.
      anomaly(`fill ${f.fillId} overfills parent ${parent.id} (${parent.filledUnits}+${f.qtyUnits} > ${parent.qtyUnits}); parent quantity raised`);
      parent.qtyUnits = parent.filledUnits + f.qtyUnits;
    }
    applyFillToOrder(parent, f.qtyUnits, notionalUnits(inst, f.priceUnits, f.qtyUnits), f.feeUnits, Math.max(f.ts, parent.updatedAt));
  } catch (err) {
    undoFill(into);
    throw err;
  }
  return into;
}

/** Puts the order (and parent) back as they were before applyFillInPlace. */
export function undoFill(a: AppliedFill): void {
  if (a.order) restore(a.order, a.undoOrder);
  if (a.parent) restore(a.parent, a.undoParent);
}

function snapshot(u: FillUndo, o: Order): void {
  u.status = o.status;
  u.updatedAt = o.updatedAt;
  u.qtyUnits = o.qtyUnits;
  u.filledUnits = o.filledUnits;
  u.filledNotionalUnits = o.filledNotionalUnits;
  u.feeUnits = o.feeUnits;
  u.venueOrderId = o.venueOrderId;
}
function restore(o: Order, u: FillUndo): void {
  o.status = u.status;
  o.updatedAt = u.updatedAt;
  o.qtyUnits = u.qtyUnits;
  o.filledUnits = u.filledUnits;
  o.filledNotionalUnits = u.filledNotionalUnits;
  o.feeUnits = u.feeUnits;
  o.venueOrderId = u.venueOrderId;
}
