/**
 * An insertion-ordered list with an index by key, mutated in place so that applying one pushed event
 * is O(1). The store keeps a revision number next to it; components re-render on the revision and
 * read rows by position (newest first), which is what a virtualised grid needs.
 *
 * Capped: once it holds twice `cap` items it drops the oldest down to `cap`, except items that
 * `keep` says must stay (e.g. open orders). Amortised O(1) per insert.
 */
export class KeyedList<T> {
  private items: T[] = [];
  private index = new Map<string, number>();
  private readonly keyOf: (t: T) => string;
  private readonly cap: number;
  private readonly keep: (t: T) => boolean;

  constructor(keyOf: (t: T) => string, cap: number, keep: (t: T) => boolean = () => false) {
    this.keyOf = keyOf;
    this.cap = cap;
    this.keep = keep;
  }

  get size(): number {
    return this.items.length;
  }

  /** The i-th newest item (0 = newest). */
  newest(i: number): T | undefined {
    return this.items[this.items.length - 1 - i];
  }

  get(key: string): T | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.items[i];
  }

  /** Newest-first position of a key (0 = newest), or -1. */
  positionOf(key: string): number {
    const i = this.index.get(key);
    return i === undefined ? -1 : this.items.length - 1 - i;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /**
   * Inserts or replaces by key. `accept(old, incoming)` decides whether an update replaces the
   * stored item (e.g. to ignore stale out-of-order updates). Returns true when something changed.
   */
  upsert(item: T, accept: (old: T, incoming: T) => boolean = () => true): boolean {
    const key = this.keyOf(item);
    const i = this.index.get(key);
    if (i !== undefined) {
      const old = this.items[i] as T;
      if (!accept(old, item)) return false;
      this.items[i] = item;
      return true;
    }
    this.index.set(key, this.items.length);
    this.items.push(item);
    if (this.items.length >= this.cap * 2) this.compact();
    return true;
  }

  /** Replaces everything with `items` (already in oldest-first order). */
  reset(items: T[]): void {
    this.items = items.slice();
    this.rebuild();
    if (this.items.length > this.cap) this.compact();
  }

  /** Oldest-first copy, for merges and tests. */
  toArray(): T[] {
    return this.items.slice();
  }

  /** Items satisfying `pred`, newest first. O(n): for user actions, not per event. */
  filterNewest(pred: (t: T) => boolean, limit = Infinity): T[] {
    const out: T[] = [];
    for (let i = this.items.length - 1; i >= 0 && out.length < limit; i--) {
      const t = this.items[i] as T;
      if (pred(t)) out.push(t);
    }
    return out;
  }

  clear(): void {
    this.items = [];
    this.index.clear();
  }

  private compact(): void {
    const n = this.items.length;
    const cut = n - this.cap;
    this.items = this.items.filter((t, i) => i >= cut || this.keep(t));
    this.rebuild();
  }

  private rebuild(): void {
    this.index.clear();
    this.items.forEach((t, i) => this.index.set(this.keyOf(t), i));
  }
}
