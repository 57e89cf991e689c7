import { utcDayStart } from '../marketdata/daily.ts';
import type { DailyBar } from '../marketdata/daily.ts';
import { DailyBarSync } from '../marketdata/daily-sync.ts';
import { BarHistory } from '../signals/bars.ts';
import type { EngineCore } from './context.ts';
import { priceOf } from './l2-assess.ts';
import type { Log } from './parts.ts';

/** Daily bars before the session (the kernel asks the market for them). */
export type DailyHistory = (endTime: number, endPrice: (symbol: string) => number | undefined) => Record<string, { bars: DailyBar[]; source: string }>;

/**
 * The daily bars L2's alphas read: the market's history up to the session's start, once, then each
 * UTC day that closes, aggregated from the hub's 1m candles.
 */
export class L2DailyBars {
  readonly history = new BarHistory();
  readonly #ctx: EngineCore;
  readonly #log: Log;
  readonly #before: DailyHistory | undefined;
  /** The daily bars held per symbol and when the next can have closed. */
  readonly #bars = new DailyBarSync();
  /** Where each symbol's daily history before the session came from (real, synthetic), for the operator. */
  readonly #sources = new Map<string, string>();
  #seeded = false;
  #appended = 0;

  constructor(ctx: EngineCore, log: Log, before: DailyHistory | undefined) {
    this.#ctx = ctx;
    this.#log = log;
    this.#before = before;
  }

  /** Bars appended so far: what the alphas read changed when it did (a quiet cycle compares it). */
  get appended(): number {
    return this.#appended;
  }

  sources(): Record<string, string> {
    return Object.fromEntries(this.#sources);
  }

  /**
   * Daily history up to the session's start, once: it ends with the day before today and at the
   * price today's first 1m candle opened at, so the live days continue it without a jump.
   */
  seed(): void {
    if (this.#seeded) return;
    this.#seeded = true;
    if (!this.#before) return;
    const now = this.#ctx.clock.now();
    const today = utcDayStart(now);
    const opened = (symbol: string): number | undefined => this.#ctx.hub.candles(symbol, '1m', 2000).find((c) => c.time >= today)?.open ?? priceOf(this.#ctx, symbol);
    let seeded: Record<string, { bars: DailyBar[]; source: string }>;
    try {
      seeded = this.#before(now, opened);
    } catch (err) {
      this.#log('warn', `daily history before the session not loaded: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    for (const [symbol, h] of Object.entries(seeded)) {
      if (!this.#ctx.instruments.get(symbol)) continue;
      try {
        for (const b of h.bars) {
          if (b.closeTime > today) continue;
          this.history.append(symbol, b);
          this.#appended++;
        }
        const last = h.bars.filter((b) => b.closeTime <= today).at(-1);
        if (last) this.#bars.held(symbol, last.closeTime);
        this.#sources.set(symbol, h.source);
      } catch (err) {
        this.#log('warn', `daily history of ${symbol} not used: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /**
   * Appends the UTC days that have closed since the last daily bar, aggregated from the hub's 1m
   * candles (today's bar stays out until midnight UTC). The hub keeps ~33 h of candles, so the
   * engine's own cycle (every minute by default) sees every day whole.
   */
  sync(): void {
    this.seed();
    const now = this.#ctx.clock.now();
    for (const i of this.#ctx.instruments.all()) {
      for (const b of this.#bars.next(i.symbol, now, () => this.#ctx.hub.candles(i.symbol, '1m', 2000))) {
        try {
          this.history.append(i.symbol, b);
          this.#appended++;
          this.#bars.held(i.symbol, b.closeTime);
        } catch (err) {
          this.#log('warn', `daily bar of ${i.symbol} at ${b.time} not used: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }
}
