import type { BookLevel } from '../../core/ports.ts';
import type { BookSide, SyntheticLevel } from './market-source.ts';
import type { SimOrder } from './sim-store.ts';

/** Levels a side of the public book shows. */
const DEPTH = 20;
/** oursOf() of a side with nothing of ours (shared, read-only: no map per question). */
const NONE_OF_OURS: ReadonlyMap<bigint, bigint> = new Map();

/**
 * One side of a symbol's public book: the crowd's levels (net of what we took) plus our resting
 * orders at their prices, best first, DEPTH levels. Published books are read-only, so a side with
 * none of ours in it is the crowd's level objects as they are, and the very list last published
 * while the crowd's levels did not change: after a fill only the side we took from is rebuilt
 * (rebuilding both per book was a large share of a round trip, bench/kernel.ts row a).
 */
export class BookSides {
  private readonly last = new Map<string, Record<BookSide, { net: SyntheticLevel[]; levels: BookLevel[] } | undefined>>();
  /** What our resting orders leave, per symbol and side, by price: kept as they rest, fill and end (not a scan of every resting order per book). */
  private readonly ours = new Map<string, Record<BookSide, Map<bigint, bigint>>>();

  /** One of our resting orders adds `qtyUnits` at its price (negative: it filled or ended). */
  addOurs(o: Pick<SimOrder, 'symbol' | 'side' | 'priceUnits'>, qtyUnits: bigint): void {
    if (o.priceUnits === null || qtyUnits === 0n) return;
    let sides = this.ours.get(o.symbol);
    if (!sides) this.ours.set(o.symbol, (sides = { bid: new Map(), ask: new Map() }));
    const at = sides[o.side === 'buy' ? 'bid' : 'ask'];
    const q = (at.get(o.priceUnits) ?? 0n) + qtyUnits;
    if (q === 0n) at.delete(o.priceUnits);
    else at.set(o.priceUnits, q);
  }

  /** What our resting orders leave on one side of a symbol, by price (read by tests against the orders themselves). */
  oursOf(symbol: string, s: BookSide): ReadonlyMap<bigint, bigint> {
    return this.ours.get(symbol)?.[s] ?? NONE_OF_OURS;
  }

  compose(symbol: string, s: BookSide, net: SyntheticLevel[]): BookLevel[] {
    const ours = this.ours.get(symbol)?.[s];
    if (ours !== undefined && ours.size > 0) return merged(s, net, ours);
    let sides = this.last.get(symbol);
    const last = sides?.[s];
    if (last !== undefined && last.net === net) return last.levels;
    const out = crowdSide(net);
    if (!sides) this.last.set(symbol, (sides = { bid: undefined, ask: undefined }));
    sides[s] = { net, levels: out };
    return out;
  }
}

/** A side with none of ours in it: the crowd's levels with something left, best first, DEPTH of them (the list itself when it has nothing to drop). */
export function crowdSide(net: SyntheticLevel[]): BookLevel[] {
  let cut = net.length > DEPTH;
  for (let i = 0; !cut && i < net.length; i++) if (net[i]!.qtyUnits <= 0n) cut = true;
  if (!cut) return net;
  const out: BookLevel[] = [];
  for (const l of net) if (l.qtyUnits > 0n && out.length < DEPTH) out.push(l);
  return out;
}

/** The crowd's levels with what our resting orders leave at each price merged in (copies: our quantities are added to them). */
function merged(s: BookSide, net: SyntheticLevel[], ours: ReadonlyMap<bigint, bigint>): BookLevel[] {
  // The crowd's levels come sorted best first; our few prices are merged into them.
  const levels: BookLevel[] = [];
  for (const l of net) if (l.qtyUnits > 0n) levels.push({ priceUnits: l.priceUnits, qtyUnits: l.qtyUnits });
  let unsorted = false;
  for (const [priceUnits, left] of ours) {
    const at = levels.find((l) => l.priceUnits === priceUnits);
    if (at) at.qtyUnits += left;
    else {
      levels.push({ priceUnits, qtyUnits: left });
      unsorted = true;
    }
  }
  if (unsorted) levels.sort((a, b) => (s === 'bid' ? cmp(b.priceUnits, a.priceUnits) : cmp(a.priceUnits, b.priceUnits)));
  return levels.length > DEPTH ? levels.slice(0, DEPTH) : levels;
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
