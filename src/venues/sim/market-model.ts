import type { Instrument } from '../../core/instrument.ts';
import type { Rng } from '../../core/rng.ts';

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

export interface CrowdTrade {
  side: 'buy' | 'sell';
  qtyUnits: bigint;
}

export interface SyntheticLevel {
  priceUnits: bigint;
  qtyUnits: bigint;
}

export class MarketModel {
  mid: number;
  private readonly inst: Instrument;
  private readonly p: MarketModelParams;
  private readonly rng: Rng;
  private readonly tick: number;
  private readonly lot: number;

  constructor(inst: Instrument, params: MarketModelParams, rng: Rng, startMid?: number) {
    this.inst = inst;
    this.p = params;
    this.rng = rng;
    this.mid = startMid ?? params.startPrice;
    this.tick = Number(inst.tickUnits) / 10 ** inst.priceDecimals;
    this.lot = Number(inst.lotUnits) / 10 ** inst.qtyDecimals;
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
      trades.push({ side, qtyUnits: this.toQtyUnits(qty) });
    }
    return trades;
  }

  /** Best bid in price units; the ask is spreadTicks above it. */
  bestBidUnits(): bigint {
    const half = (this.p.spreadTicks * this.tick) / 2;
    const ticks = Math.floor((this.mid - half) / this.tick + 1e-9);
    return BigInt(Math.max(1, ticks)) * this.inst.tickUnits;
  }

  bestAskUnits(): bigint {
    return this.bestBidUnits() + BigInt(this.p.spreadTicks) * this.inst.tickUnits;
  }

  /**
   * The crowd's resting liquidity on one side, best first. Sizes grow with depth and vary by
   * price level deterministically (a hash of the price), so a level keeps its size while the
   * market stays around it instead of flickering every step.
   */
  levels(side: 'bid' | 'ask'): SyntheticLevel[] {
    const out: SyntheticLevel[] = [];
    const best = side === 'bid' ? this.bestBidUnits() : this.bestAskUnits();
    const step = BigInt(this.p.levelSpacingTicks) * this.inst.tickUnits;
    for (let i = 0; i < this.p.levels; i++) {
      const price = side === 'bid' ? best - BigInt(i) * step : best + BigInt(i) * step;
      if (price <= 0n) break;
      const qty = this.p.levelQty * (1 + 0.35 * i) * (0.5 + hashUnit(price));
      out.push({ priceUnits: price, qtyUnits: this.toQtyUnits(qty) });
    }
    return out;
  }

  private toQtyUnits(qty: number): bigint {
    const lots = Math.max(1, Math.round(qty / this.lot));
    return BigInt(lots) * this.inst.lotUnits;
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

/** A stable pseudo-random number in [0, 1) for a price level. */
function hashUnit(price: bigint): number {
  let h = Number(price % 2147483647n) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
