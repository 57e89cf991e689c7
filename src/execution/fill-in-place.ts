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

/** What applying a fill changes on an order. */
interface FillUndo {
  status: Order['status'];
  updatedAt: number;
  qtyUnits: bigint;
  filledUnits: bigint;
  filledNotionalUnits: bigint;
  feeUnits: bigint;
  venueOrderId: string | null;
}

export interface AppliedFill {
  order: Order;
  parent: Order | undefined;
  undoOrder: FillUndo;
  undoParent: FillUndo | undefined;
}

/**
 * Applies `f` to `order`, and to `parent` when the order is a child (widening a parent the venue
 * overfilled, told through `anomaly`). Returns a refusal message when the fill does not fit the
 * order (nothing changed); throws, with nothing changed, when it does not fit the parent.
 */
export function applyFillInPlace(order: Order, parent: Order | undefined, f: VenueFill, inst: Instrument, anomaly: (m: string) => void): AppliedFill | string {
  const undoOrder = snapshot(order);
  try {
    // An exchange stamps a trade with its own clock, often before we processed the order's
    // acceptance: an order's state time never goes backwards (views keep the newest update).
    applyFillToOrder(order, f.qtyUnits, notionalUnits(inst, f.priceUnits, f.qtyUnits), f.feeUnits, Math.max(f.ts, order.updatedAt));
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (order.venueOrderId === null) order.venueOrderId = f.venueOrderId;
  const applied: AppliedFill = { order, parent, undoOrder, undoParent: parent ? snapshot(parent) : undefined };
  if (!parent) return applied;
  try {
    if (parent.filledUnits + f.qtyUnits > parent.qtyUnits) {
      // The venue executed it, so it stands: positions follow the venue. Widen the parent and say so.
      anomaly(`fill ${f.fillId} overfills parent ${parent.id} (${parent.filledUnits}+${f.qtyUnits} > ${parent.qtyUnits}); parent quantity raised`);
      parent.qtyUnits = parent.filledUnits + f.qtyUnits;
    }
    applyFillToOrder(parent, f.qtyUnits, notionalUnits(inst, f.priceUnits, f.qtyUnits), f.feeUnits, Math.max(f.ts, parent.updatedAt));
  } catch (err) {
    undoFill(applied);
    throw err;
  }
  return applied;
}

/** Puts the order (and parent) back as they were before applyFillInPlace. */
export function undoFill(a: AppliedFill): void {
  restore(a.order, a.undoOrder);
  if (a.parent && a.undoParent) restore(a.parent, a.undoParent);
}

function snapshot(o: Order): FillUndo {
  return { status: o.status, updatedAt: o.updatedAt, qtyUnits: o.qtyUnits, filledUnits: o.filledUnits, filledNotionalUnits: o.filledNotionalUnits, feeUnits: o.feeUnits, venueOrderId: o.venueOrderId };
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
