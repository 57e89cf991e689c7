import type { Instrument } from '../../core/instrument.ts';
import type { BookSide, SyntheticLevel } from './market-source.ts';
import { bidTicksAt, bookLevels, halfSpread, tickSize } from './synthetic-book.ts';
import type { BookShape } from './synthetic-book.ts';

/** Books kept per side: enough for a centre that swings between neighbouring ticks (buys then sells). */
const SLOTS = 4;

/**
 * The synthetic book's levels (synthetic-book.ts) depend on the centre only through the best bid:
 * sizes hash each level's price. So they are rebuilt only when the best bid moves to a price not
 * seen lately. Our impact moves the centre a little with every aggressive order (up after a buy,
 * down after a sell) and decays continuously, while the best bid stays on, or swings between, a
 * few ticks: rebuilding per call was the venue's largest cost per order (bench/kernel.ts row a).
 * The arrays returned are shared and read-only, as the venue treats them (SymbolMarket.levels).
 */
export class BookLevelsMemo {
  private readonly inst: Instrument;
  private readonly shape: BookShape;
  /** Most recently used first, per side (two fields, not a record read with the side as key: this runs several times per order). */
  private readonly bids: { bid: number; levels: SyntheticLevel[] }[] = [];
  private readonly asks: { bid: number; levels: SyntheticLevel[] }[] = [];
  /** The tick and half the spread as bestBidTicks computes them (the same doubles), once: a bigint to number and a power per call otherwise. */
  private readonly tick: number;
  private readonly half: number;

  constructor(inst: Instrument, shape: BookShape) {
    this.inst = inst;
    this.shape = shape;
    this.tick = tickSize(inst);
    this.half = halfSpread(shape, this.tick);
  }

  levels(centre: number, side: BookSide): SyntheticLevel[] {
    const bid = bidTicksAt(this.tick, this.half, centre);
    const recent = side === 'bid' ? this.bids : this.asks;
    for (let i = 0; i < recent.length; i++) {
      const e = recent[i]!;
      if (e.bid !== bid) continue;
      // Moved to the front in place: splice and unshift built an array per hit, and a centre
      // swinging between two ticks (a buy, then a sell) hits the second slot on every order.
      for (let j = i; j > 0; j--) recent[j] = recent[j - 1]!;
      recent[0] = e;
      return e.levels;
    }
    const levels = bookLevels(this.inst, this.shape, centre, side);
    recent.unshift({ bid, levels });
    if (recent.length > SLOTS) recent.pop();
    return levels;
  }
}
