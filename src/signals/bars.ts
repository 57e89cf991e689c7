import { SignalError } from './errors.ts';

/**
 * The bar history alphas read: closed (or yet-to-close) OHLCV bars per instrument, in time order.
 *
 * A backtest may load a whole file up front; what an alpha may see is decided by the view on the
 * engine clock (see view.ts), never by what happens to be stored. Prices here are floats: alphas
 * compute statistics, and exact units stay in the ledger (src/core/precision.ts).
 */
export interface Bar {
  /** Open time, epoch ms. */
  time: number;
  /** Close time, epoch ms: the bar is final, and visible to alphas, from this instant on. */
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

class SymbolBars {
  readonly bars: Bar[] = [];
  /** closeTime of each bar, for the view's binary search. */
  readonly closeTimes: number[] = [];
  readonly closes: number[] = [];
}

export class BarHistory {
  readonly #bySymbol = new Map<string, SymbolBars>();

  /** Appends a bar; bars of a symbol must come in time order and be well formed. */
  append(symbol: string, bar: Bar): void {
    const { time, closeTime, open, high, low, close, volume } = bar;
    for (const [k, v] of Object.entries({ time, closeTime, open, high, low, close, volume })) {
      if (!Number.isFinite(v)) throw new SignalError('BAD_INPUT', `${symbol}: bar ${k} must be a finite number, got ${v}`);
    }
    if (!(close > 0 && open > 0 && high > 0 && low > 0)) throw new SignalError('BAD_INPUT', `${symbol}: bar prices must be positive (bar at ${time})`);
    if (closeTime <= time) throw new SignalError('BAD_INPUT', `${symbol}: bar closeTime ${closeTime} must be after its open time ${time}`);
    let s = this.#bySymbol.get(symbol);
    if (!s) {
      s = new SymbolBars();
      this.#bySymbol.set(symbol, s);
    }
    const lastClose = s.closeTimes[s.closeTimes.length - 1];
    if (lastClose !== undefined && closeTime <= lastClose) {
      throw new SignalError('BAD_INPUT', `${symbol}: bar closing at ${closeTime} is not after the previous bar's close ${lastClose}`);
    }
    s.bars.push(Object.freeze({ time, closeTime, open, high, low, close, volume }));
    s.closeTimes.push(closeTime);
    s.closes.push(close);
  }

  symbols(): string[] {
    return [...this.#bySymbol.keys()];
  }

  /** Internal arrays for the view; nothing outside this folder gets them. */
  series(symbol: string): SymbolBars | undefined {
    return this.#bySymbol.get(symbol);
  }
}

/** Number of bars whose closeTime ≤ now (closeTimes ascending). */
export function visibleCount(closeTimes: readonly number[], now: number): number {
  let lo = 0;
  let hi = closeTimes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (closeTimes[mid]! <= now) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
