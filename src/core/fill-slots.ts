/** A handle further than this past the highest filed stays out of the slots (V8 would turn the arrays into dictionaries). */
const MAX_SLOT_GAP = 1024;

/**
 * Fills per order by integer handle (the OMS: the order's journal sequence number; the sim venue:
 * the n of its venue order id V<n>). Each round trip files the fills of an order never seen before:
 * in a Map of every order ever filled, keyed by order id, that lookup misses and walks a bucket
 * chain through memory the cache no longer holds, ~1.5% of the in-memory round trip for each of the
 * two (a Map keyed by the order object measured no better); a new order's slot sits next to the
 * previous one. `owners` says which order a slot holds: an order with no slot (no handle, a handle
 * another order already holds, or none given) keeps its fills by order id.
 */
export class FillSlots<O, F> {
  private readonly lists: (F[] | undefined)[] = [];
  private readonly owners: (O | undefined)[] = [];
  private readonly byId = new Map<string, F[]>();
  /**
   * The first handle filed is slot 0: a session on a long journal starts numbering where it left
   * off, far past what a dense array may skip. A handle below it has no slot.
   */
  private base = -1;

  /** The slot of a handle, or -1. */
  private slotOf(handle: number, filing: boolean): number {
    if (!Number.isInteger(handle) || handle < 0) return -1;
    if (this.base < 0) {
      if (!filing) return -1;
      this.base = handle;
    }
    return handle >= this.base ? handle - this.base : -1;
  }

  /** `handle`: a non-negative integer, or -1 for none. */
  add(f: F, orderId: string, order: O | undefined, handle: number): void {
    // An order whose fills went by id keeps them all there (none usually: no lookup then).
    if (this.byId.size > 0) {
      const l = this.byId.get(orderId);
      if (l) {
        l.push(f);
        return;
      }
    }
    const k = order !== undefined ? this.slotOf(handle, true) : -1;
    if (k >= 0) {
      const owner = this.owners[k];
      if (owner === order) {
        this.lists[k]!.push(f);
        return;
      }
      if (owner === undefined && k <= this.owners.length + MAX_SLOT_GAP) {
        this.owners[k] = order;
        // Most orders fill once: a one-element list, not [] then push (which reserves 16 slots,
        // kept as long as the list: ~150 bytes per order).
        this.lists[k] = [f];
        return;
      }
    }
    this.byId.set(orderId, [f]);
  }

  /** The order's fills in arrival order, live (undefined: none); `order` is the one `add` was given for that id, if any. */
  of(orderId: string, order: O | undefined, handle: number): F[] | undefined {
    const k = order !== undefined ? this.slotOf(handle, false) : -1;
    if (k >= 0 && this.owners[k] === order) return this.lists[k];
    return this.byId.get(orderId);
  }
}
