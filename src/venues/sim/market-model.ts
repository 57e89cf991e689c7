import type { Instrument } from '../../core/instrument.ts';
import type { Rng } from '../../core/rng.ts';
import type { BookSide, CrowdTrade, ImpactScale, MarketSource, SyntheticLevel } from './market-source.ts';
import { BookLevelsMemo } from './book-levels-memo.ts';
import { bestBidUnits, tickSize, toLots } from './synthetic-book.ts';
import type { BookShape } from './synthetic-book.ts';

export type { CrowdTrade, SyntheticLevel } from './market-source.ts';

/**
 * The demo market's stochastic model for one instrument: a geometric Brownian mid price, a
 * synthetic limit order book around it, and Poisson background trades with lognormal sizes.
 * It only decides *what the crowd does*; matching against our orders lives in SimVenue.
 */
export interface MarketModelParams {
  startPrice: number;
  /** σ of log returns per √second (calibrated from real data). */
  volPerSqrtSecond: number;
  /** Poisson rate of background trades per second. */
  tradesPerSecond: number;
  /** σ of ln(trade size) (calibrated); the median is set per instrument. */
  tradeSizeLogSd: number;
  medianTradeQty: number;
  /** Typical quantity resting at the best level; deeper levels hold more. */
  levelQty: number;
  levels: number;
  spreadTicks: number;
  levelSpacingTicks: number;
}

export class MarketModel implements MarketSource {
  mid: number;
  readonly inst: Instrument;
  private readonly p: MarketModelParams;
  private readonly rng: Rng;
  private readonly tick: number;
  private readonly shape: BookShape;
  private readonly book: BookLevelsMemo;
  /** Model time of the last step; undefined until positioned. */
  private at: number | undefined;

  constructor(inst: Instrument, params: MarketModelParams, rng: Rng, startMid?: number) {
    this.inst = inst;
    this.p = params;
    this.rng = rng;
    this.mid = startMid ?? params.startPrice;
    this.tick = tickSize(inst);
    this.shape = { spreadTicks: params.spreadTicks, levelSpacingTicks: params.levelSpacingTicks, levels: params.levels, levelQty: params.levelQty };
    this.book = new BookLevelsMemo(inst, this.shape);
  }

  /** Advances the mid by dt and returns the crowd's trades in that interval. */
  step(dtMs: number): CrowdTrade[] {
    const dt = dtMs / 1000;
    const sigma = this.p.volPerSqrtSecond;
    this.mid *= Math.exp(sigma * Math.sqrt(dt) * this.rng.normal() - 0.5 * sigma * sigma * dt);
    // Keep the mid a sane number of ticks above zero whatever the path does.
    if (this.mid < this.tick * 100) this.mid = this.tick * 100;
    const trades: CrowdTrade[] = [];
    const n = this.poisson(this.p.tradesPerSecond * dt);
    for (let i = 0; i < n; i++) {
      const side = this.rng.next() < 0.5 ? 'buy' : 'sell';
      const qty = this.p.medianTradeQty * Math.exp(this.p.tradeSizeLogSd * this.rng.normal());
      trades.push({ side, qtyUnits: toLots(this.inst, qty) });
    }
    return trades;
  }

  // ---- MarketSource ----

  referencePrice(): number {
    return this.mid;
  }

  skipTo(atMs: number): void {
    this.at = atMs;
  }

  /**
   * Steps by the time elapsed since the last call. The venue calls it on its fixed step grid, so the
   * model always advances by whole steps and a seed gives one path whatever the wall clock does.
   */
  advance(toMs: number): CrowdTrade[] {
    const dt = this.at === undefined ? 0 : toMs - this.at;
    this.at = toMs;
    return dt > 0 ? this.step(dt) : [];
  }

  nextEventAt(): undefined {
    return undefined;
  }

  /**
   * Volume per second is the trade rate times the *mean* lognormal size, median·exp(σ²/2): that is
   * the expected volume (the median alone would understate it ~6× at the crypto dispersion σ ≈ 1.9).
   */
  impactScale(): ImpactScale {
    const meanQty = this.p.medianTradeQty * Math.exp((this.p.tradeSizeLogSd * this.p.tradeSizeLogSd) / 2);
    return { volPerSqrtSecond: this.p.volPerSqrtSecond, volumePerSecond: this.p.tradesPerSecond * meanQty };
  }

  /** The mid, as text; a restart continues from it with a fresh random stream. */
  save(): string {
    return String(this.mid);
  }

  restore(saved: string): void {
    const mid = Number(saved);
    if (Number.isFinite(mid) && mid > 0) this.mid = mid;
  }

  // ---- book ----

  /** Best bid in price units (around the mid unless another centre is given); the ask is spreadTicks above it. */
  bestBidUnits(centre: number = this.mid): bigint {
    return bestBidUnits(this.inst, this.shape, centre);
  }

  bestAskUnits(centre: number = this.mid): bigint {
    return this.bestBidUnits(centre) + BigInt(this.p.spreadTicks) * this.inst.tickUnits;
  }

  /** The crowd's resting liquidity on one side, best first (see synthetic-book.ts for the shape). Shared: read-only. */
  levels(side: BookSide, centre: number = this.mid): SyntheticLevel[] {
    return this.book.levels(centre, side);
  }

  private poisson(lambda: number): number {
    // Knuth's method is fine for the small per-step rates used here.
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    for (;;) {
      p *= this.rng.next();
      if (p <= l) return k;
      k++;
    }
  }
}
