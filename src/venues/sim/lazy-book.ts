import type { BookLevel, MarketBook } from '../../core/ports.ts';
import type { BookSide, SyntheticLevel } from './market-source.ts';
import { crowdSide } from './book-sides.ts';

/** What builds the crowd's levels of one side around a centre (MarketSource.levels: a pure function of both). */
export interface LevelsAt {
  levels(side: BookSide, centre: number): SyntheticLevel[];
  bestPrice?(side: BookSide, centre: number): bigint | undefined;
}

/**
 * A published book whose sides are built on first read. A replay publishes a book after every
 * recorded trade, each around a new centre (the synthetic levels are rebuilt for most prints: 12
 * bigint levels a side), and in a quiet replay nothing reads them before the next one replaces it
 * (marks and the breakers read the last trade). The venue hands out this form only while the book
 * is a pure function of the centre it captured: nothing of ours rests in it and nothing we took is
 * missing from it (SimVenue.publishBook); then a later read gives the very levels an eager build
 * would have (same prices and sizes), whatever the venue did meanwhile.
 *
 * A class with getters on the prototype (cheap to make; an object literal with getters is not), so
 * toJSON lists the sides as a plain book does. Published books are read-only (book-sides.ts).
 */
export class LazyBook implements MarketBook {
  readonly symbol: string;
  readonly ts: number;
  readonly #source: LevelsAt;
  readonly #centre: number;
  #bids: BookLevel[] | undefined;
  #asks: BookLevel[] | undefined;

  constructor(symbol: string, ts: number, centre: number, source: LevelsAt) {
    this.symbol = symbol;
    this.ts = ts;
    this.#centre = centre;
    this.#source = source;
  }

  get bids(): BookLevel[] {
    return (this.#bids ??= crowdSide(this.#source.levels('bid', this.#centre)));
  }

  get asks(): BookLevel[] {
    return (this.#asks ??= crowdSide(this.#source.levels('ask', this.#centre)));
  }

  /**
   * The best price of a side (what `bids[0]` / `asks[0]` hold) without building it when the source
   * can tell (the hub's mid: the L2 cycle prices every instrument each minute). The hub finds this
   * method by name (BookTop in src/marketdata/market-data-hub.ts).
   */
  bestPrice(side: BookSide): bigint | undefined {
    const built = side === 'bid' ? this.#bids : this.#asks;
    if (built === undefined && this.#source.bestPrice !== undefined) return this.#source.bestPrice(side, this.#centre);
    return (side === 'bid' ? this.bids : this.asks)[0]?.priceUnits;
  }

  toJSON(): MarketBook {
    return { symbol: this.symbol, bids: this.bids, asks: this.asks, ts: this.ts };
  }
}
