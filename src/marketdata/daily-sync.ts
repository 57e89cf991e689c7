import { aggregateDaily, DAY_MS, utcDayStart } from './daily.ts';
import type { CandleLike, DailyBar } from './daily.ts';

/**
 * Which daily bars a symbol gains as UTC days close, asked every signal cycle (a minute). Reading
 * and aggregating the hub's ~2,000 one-minute candles is the cost: it is paid only when a new day
 * can have closed, i.e. a full day after the last bar held, and, when a look found no closed day
 * (no bar held yet, or a day without candles), not again before the next UTC midnight — candles
 * arrive in time order, so no earlier day can close in between. The bars returned are those a full
 * re-aggregation at the same moment would add.
 */
export class DailyBarSync {
  /** Close time of the last bar held per symbol. */
  readonly #last = new Map<string, number>();
  /** No closed day can appear before this time (the next UTC midnight after a look found none). */
  readonly #quietUntil = new Map<string, number>();

  /** The bar closing at `closeTime` is held (appended to the history). */
  held(symbol: string, closeTime: number): void {
    this.#last.set(symbol, closeTime);
  }

  /** The closed days after the last bar held, from `candles` (read only when a day can have closed). */
  next(symbol: string, now: number, candles: () => readonly CandleLike[]): DailyBar[] {
    const last = this.#last.get(symbol) ?? -Infinity;
    if (now - last < DAY_MS) return [];
    const quiet = this.#quietUntil.get(symbol);
    if (quiet !== undefined && now < quiet) return [];
    const bars = aggregateDaily(candles(), now, last);
    if (bars.length === 0) this.#quietUntil.set(symbol, utcDayStart(now) + DAY_MS);
    else this.#quietUntil.delete(symbol);
    return bars;
  }
}
