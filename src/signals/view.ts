import type { Bar, BarHistory } from './bars.ts';
import { visibleCount } from './bars.ts';

/**
 * What an alpha sees: bars on the engine clock and the current portfolio weights, read-only.
 *
 * The view cannot show a bar before its close: every read cuts the history at the last bar whose
 * closeTime ≤ clock.now(), so a backtest that loaded a whole file, or a live bar still forming,
 * leaks nothing. Reads return copies (frozen bars, fresh arrays), so an alpha cannot change what
 * the next alpha sees. An alpha never reads the wall clock: `now()` is the engine's time.
 */
export interface AlphaView {
  /** Engine time, epoch ms. */
  now(): number;
  /** Instruments with at least one closed bar, in the order the history first saw them. */
  symbols(): readonly string[];
  /** Number of closed bars of `symbol` (0 if unknown). */
  barCount(symbol: string): number;
  /** The last `count` closed closes (all if omitted), oldest first. */
  closes(symbol: string, count?: number): readonly number[];
  /** The last `count` closed bars (all if omitted), oldest first. */
  bars(symbol: string, count?: number): readonly Bar[];
  lastBar(symbol: string): Bar | undefined;
  /** Current weights of NAV per instrument (CASH included), as the portfolio state reports them. */
  weights(): Readonly<Record<string, number>>;
}

/** The engine clock as far as the view needs it (src/core/clock.ts Clock satisfies it). */
export interface ViewClock {
  now(): number;
}

/** Where the view reads current holdings from; the engine's PortfolioState later, a fixed map in tests. */
export type WeightsSource = () => Readonly<Record<string, number>>;

const NO_WEIGHTS: WeightsSource = () => ({});

export function createAlphaView(history: BarHistory, clock: ViewClock, weights: WeightsSource = NO_WEIGHTS): AlphaView {
  const visible = (symbol: string): { n: number; s: ReturnType<BarHistory['series']> } => {
    const s = history.series(symbol);
    return { n: s ? visibleCount(s.closeTimes, clock.now()) : 0, s };
  };
  const from = (n: number, count: number | undefined): number => (count === undefined ? 0 : Math.max(0, n - Math.max(0, Math.floor(count))));
  return {
    now: () => clock.now(),
    symbols: () => history.symbols().filter((sym) => visible(sym).n > 0),
    barCount: (symbol) => visible(symbol).n,
    closes(symbol, count) {
      const { n, s } = visible(symbol);
      return s ? s.closes.slice(from(n, count), n) : [];
    },
    bars(symbol, count) {
      const { n, s } = visible(symbol);
      // Bars are frozen when stored, so handing out the same objects is safe.
      return s ? s.bars.slice(from(n, count), n) : [];
    },
    lastBar(symbol) {
      const { n, s } = visible(symbol);
      return n > 0 ? s!.bars[n - 1] : undefined;
    },
    weights: () => Object.freeze({ ...weights() }),
  };
}
