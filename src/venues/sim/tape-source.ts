import type { Side } from '../../contract/dto.ts';
import type { Instrument } from '../../core/instrument.ts';
import { divRound, pow10, toUnits } from '../../core/precision.ts';
import type { BookSide, CrowdTrade, ImpactScale, MarketSource, MarketSourceFactory, SyntheticLevel } from './market-source.ts';
import { BookLevelsMemo } from './book-levels-memo.ts';
import { bestLevelUnits, qtyOf, tickSize } from './synthetic-book.ts';
import type { BookShape } from './synthetic-book.ts';

/**
 * A market driven by a recorded trade tape. Each recorded trade plays at its own timestamp on the
 * venue's clock and acts as a crowd aggressor at its recorded price: it fills our resting orders
 * priced at or better than it (after the queue ahead at that price) and prints on the tape. The tape
 * has no book, so one is synthesised around the implied mid with a spread and depth derived from the
 * tape itself (calibrateTape). Nothing is random: the same tape gives the same market.
 */

/** What the source reads of a recorded trade; `TradeRow` from `parseTradesCsv` (src/marketdata/csv.ts) fits. */
export interface TapeTrade {
  /** UTC epoch ms. */
  timestampMs: number;
  /** Aggressor (taker) side. */
  side: Side;
  /** Price and amount exactly as recorded, converted exactly (rounded to the tick / lot only if finer). */
  priceText: string;
  amountText: string;
}

export interface TapeOptions {
  /** Clock time (epoch ms) at which the first recorded trade plays; default its own timestamp. */
  startMs?: number;
  /** Overrides of the book derived from the tape (calibrateTape). */
  spreadTicks?: number;
  levelSpacingTicks?: number;
  /** Price levels per side (default 12, as the demo model). */
  levels?: number;
  /** The best level holds this many median trades (default 4: the touch absorbs a few typical trades). */
  levelTrades?: number;
  /** σ of log returns per √s for the impact law; default the tape's realised volatility. */
  volPerSqrtSecond?: number;
}

/** A recorded trade in instrument units, at its time on the venue's clock. */
export interface TapePrint {
  at: number;
  side: Side;
  priceUnits: bigint;
  qtyUnits: bigint;
}

export interface TapeCalibration {
  /** Roll (1984) spread estimate in ticks, ≥ 1 (2 when the tape shows no bid-ask bounce). */
  spreadTicks: number;
  /** Median trade size, base quantity. */
  medianQty: number;
  /** Realised σ of log returns per √s, last price sampled every 5 minutes. */
  volPerSqrtSecond: number;
  /** Σ size / tape duration, base quantity per second. */
  volumePerSecond: number;
}

const RV_SAMPLE_MS = 5 * 60_000;
const DEFAULT_LEVELS = 12;
const DEFAULT_LEVEL_TRADES = 4;
const FALLBACK_SPREAD_TICKS = 2;

export class TapeMarketSource implements MarketSource {
  readonly inst: Instrument;
  readonly prints: readonly TapePrint[];
  readonly calibration: TapeCalibration;
  readonly shape: BookShape;
  /** Between two recorded trades the tape's market stands still (market-source.ts). */
  readonly eventDriven = true;
  private readonly volPerSqrtSecond: number;
  private readonly book: BookLevelsMemo;
  /** Index of the next print to play. */
  private cursor = 0;

  constructor(inst: Instrument, trades: readonly TapeTrade[], opts: TapeOptions = {}) {
    if (trades.length === 0) throw new RangeError('a tape needs at least one trade');
    this.inst = inst;
    // Stable sort: trades sharing a timestamp (one taker order sweeping levels) keep file order.
    const sorted = [...trades].sort((a, b) => a.timestampMs - b.timestampMs);
    const shift = (opts.startMs ?? sorted[0]!.timestampMs) - sorted[0]!.timestampMs;
    this.prints = sorted.map((t) => ({
      at: t.timestampMs + shift,
      side: t.side,
      priceUnits: onGrid(t.priceText, inst.priceDecimals, inst.tickUnits),
      qtyUnits: onGrid(t.amountText, inst.qtyDecimals, inst.lotUnits),
    }));
    this.calibration = calibrateTape(inst, this.prints);
    const spreadTicks = opts.spreadTicks ?? this.calibration.spreadTicks;
    this.shape = {
      spreadTicks,
      // Levels half a spread apart (ticks): the 12 visible levels then span about six spreads a side,
      // and a market order of a few median trades walks one or two of them, as the demo book's do.
      levelSpacingTicks: opts.levelSpacingTicks ?? Math.max(1, Math.round(spreadTicks / 2)),
      levels: opts.levels ?? DEFAULT_LEVELS,
      levelQty: this.calibration.medianQty * (opts.levelTrades ?? DEFAULT_LEVEL_TRADES),
    };
    this.volPerSqrtSecond = opts.volPerSqrtSecond ?? this.calibration.volPerSqrtSecond;
    this.book = new BookLevelsMemo(inst, this.shape);
  }

  /** Time of the first and last recorded trade on the venue's clock. */
  get span(): { first: number; last: number } {
    return { first: this.prints[0]!.at, last: this.prints[this.prints.length - 1]!.at };
  }

  /**
   * The implied mid: a sell print happened at the bid and a buy print at the ask, so the mid is half
   * a spread above a sell's price and half a spread below a buy's. Then the synthetic best bid after
   * a sell print is exactly the printed price, and a bid joined there queues behind that level.
   */
  referencePrice(): number {
    const p = this.lastPrint();
    const half = (this.shape.spreadTicks * tickSize(this.inst)) / 2;
    const price = Number(p.priceUnits) / 10 ** this.inst.priceDecimals;
    return p.side === 'sell' ? price + half : price - half;
  }

  skipTo(atMs: number): void {
    // First print strictly after atMs (binary search; prints are sorted by time).
    let lo = 0;
    let hi = this.prints.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.prints[mid]!.at <= atMs) lo = mid + 1;
      else hi = mid;
    }
    this.cursor = lo;
  }

  advance(toMs: number): CrowdTrade[] {
    const out: CrowdTrade[] = [];
    while (this.cursor < this.prints.length && this.prints[this.cursor]!.at <= toMs) {
      const p = this.prints[this.cursor++]!;
      out.push({ side: p.side, qtyUnits: p.qtyUnits, priceUnits: p.priceUnits, ts: p.at });
    }
    return out;
  }

  nextEventAt(): number | undefined {
    return this.prints[this.cursor]?.at;
  }

  levels(side: BookSide, centre: number): SyntheticLevel[] {
    return this.book.levels(centre, side);
  }

  bestPrice(side: BookSide, centre: number): bigint | undefined {
    return bestLevelUnits(this.inst, this.shape, centre, side);
  }

  impactScale(): ImpactScale {
    return { volPerSqrtSecond: this.volPerSqrtSecond, volumePerSecond: this.calibration.volumePerSecond };
  }

  /** Nothing to keep: the tape's position follows the clock (skipTo at the venue's first step). */
  save(): string {
    return '';
  }

  restore(): void {}

  /** The last print played; before the first one plays, the first (the book waits around it). After the tape ends, the market stays quiet there. */
  private lastPrint(): TapePrint {
    return this.prints[Math.max(0, this.cursor - 1)]!;
  }
}

/** A venue source factory for a tape: `sources: { 'XRP/ETH': tapeSource(parseTradesCsv(text)) }`. */
export function tapeSource(trades: readonly TapeTrade[], opts: TapeOptions = {}): MarketSourceFactory {
  return (inst) => new TapeMarketSource(inst, trades, opts);
}

/**
 * What the synthetic book and the impact law take from a tape:
 * - spread: Roll's (1984) estimator s = 2·√(−Cov(Δp_t, Δp_{t−1})) on consecutive trade-price changes
 *   in ticks (bid-ask bounce makes successive changes negatively correlated); rounded, ≥ 1 tick, and
 *   FALLBACK_SPREAD_TICKS when the covariance is not negative. On the XRP/ETH tape: ~109 ticks of
 *   1e-8 ETH, about 8 bps at 0.0014 ETH.
 * - median trade size: sizes the book (TapeOptions.levelTrades).
 * - volatility: realised variance of the last price sampled on a 5-minute grid, Σr²/(n·300 s) — the
 *   usual sampling to keep bid-ask bounce out of realised volatility; tick by tick when the tape is
 *   shorter than two samples.
 * - volume per second: Σ size / (last − first timestamp).
 */
export function calibrateTape(inst: Instrument, prints: readonly TapePrint[]): TapeCalibration {
  const tick = Number(inst.tickUnits);
  const dp: number[] = [];
  for (let i = 1; i < prints.length; i++) dp.push(Number(prints[i]!.priceUnits - prints[i - 1]!.priceUnits) / tick);
  let cov = 0;
  if (dp.length >= 2) {
    const mean = dp.reduce((a, b) => a + b, 0) / dp.length;
    for (let i = 1; i < dp.length; i++) cov += (dp[i]! - mean) * (dp[i - 1]! - mean);
    cov /= dp.length - 1;
  }
  const spreadTicks = cov < 0 ? Math.max(1, Math.round(2 * Math.sqrt(-cov))) : FALLBACK_SPREAD_TICKS;

  const sizes = prints.map((p) => qtyOf(inst, p.qtyUnits)).sort((a, b) => a - b);
  const medianQty = sizes.length % 2 === 1 ? sizes[sizes.length >> 1]! : (sizes[sizes.length / 2 - 1]! + sizes[sizes.length / 2]!) / 2;

  const first = prints[0]!.at;
  const last = prints[prints.length - 1]!.at;
  const seconds = (last - first) / 1000;
  const volume = sizes.reduce((a, b) => a + b, 0);
  const volumePerSecond = seconds > 0 ? volume / seconds : 0;

  return { spreadTicks, medianQty, volPerSqrtSecond: realisedVol(prints, first, last), volumePerSecond };
}

function realisedVol(prints: readonly TapePrint[], first: number, last: number): number {
  const log = (p: TapePrint): number => Math.log(Number(p.priceUnits));
  let sum = 0;
  let n = 0;
  if (last - first >= 2 * RV_SAMPLE_MS) {
    let j = 0;
    let prev = log(prints[0]!);
    let cur = prev;
    for (let at = first + RV_SAMPLE_MS; at <= last; at += RV_SAMPLE_MS) {
      while (j < prints.length && prints[j]!.at <= at) cur = log(prints[j++]!);
      sum += (cur - prev) ** 2;
      prev = cur;
      n++;
    }
    return Math.sqrt(sum / ((n * RV_SAMPLE_MS) / 1000));
  }
  for (let i = 1; i < prints.length; i++) sum += (log(prints[i]!) - log(prints[i - 1]!)) ** 2;
  const seconds = (last - first) / 1000;
  return seconds > 0 ? Math.sqrt(sum / seconds) : 0;
}

/** Exact units of a recorded decimal; rounded half away from zero to the grid (tick or lot) when finer, at least one step. */
function onGrid(text: string, decimals: number, step: bigint): bigint {
  const fine = 18;
  const units = divRound(toUnits(text, fine), pow10(fine - decimals));
  const snapped = divRound(units, step) * step;
  return snapped > 0n ? snapped : step;
}
