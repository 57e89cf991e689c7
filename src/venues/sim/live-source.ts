import type { Instrument } from '../../core/instrument.ts';
import type { MarketBook, MarketEvent } from '../../core/ports.ts';
import { fromUnits, pow10 } from '../../core/precision.ts';
import type { BookSide, CrowdTrade, ImpactScale, MarketSource, MarketSourceFactory, SyntheticLevel } from './market-source.ts';

/** What a live market feed offers the paper venue: the latest book per symbol and a stream of events. */
export interface LiveMarketFeed {
  book(symbol: string): MarketBook | undefined;
  onMarket(listener: (e: MarketEvent) => void): () => void;
}

/** A conservative volatility for the impact law when nothing better is known (≈ 50% a year). */
const DEFAULT_VOL_PER_SQRT_SECOND = 0.5 / Math.sqrt(365 * 24 * 3600);
/** Window over which the crowd's traded volume per second is measured. */
const VOLUME_WINDOW_MS = 5 * 60_000;

/**
 * Paper trading on live data (freqtrade's dry run, without its optimistic fills): the simulated
 * venue's crowd is the live market. Its resting liquidity is the live book (moved by our own impact,
 * like the demo's), its aggressive trades are the live trades, so a paper limit order waits in the
 * queue behind the live size at its price and fills only when live trades reach it, and a paper
 * market order walks the live book.
 */
export class LiveMarketSource implements MarketSource {
  readonly inst: Instrument;
  private readonly feed: LiveMarketFeed;
  private readonly pending: CrowdTrade[] = [];
  private readonly recent: { ts: number; qty: number }[] = [];
  private lastPrice: number | undefined;

  constructor(inst: Instrument, feed: LiveMarketFeed) {
    this.inst = inst;
    this.feed = feed;
  }

  /** A live trade: the crowd's aggressive order at the printed price. */
  push(e: { priceUnits: bigint; qtyUnits: bigint; side: 'buy' | 'sell'; ts: number }): void {
    this.pending.push({ side: e.side, qtyUnits: e.qtyUnits, priceUnits: e.priceUnits, ts: e.ts });
    this.lastPrice = fromUnits(e.priceUnits, this.inst.priceDecimals);
    this.recent.push({ ts: e.ts, qty: fromUnits(e.qtyUnits, this.inst.qtyDecimals) });
    while (this.recent.length > 0 && this.recent[0]!.ts < e.ts - VOLUME_WINDOW_MS) this.recent.shift();
  }

  referencePrice(): number {
    const b = this.feed.book(this.inst.symbol);
    const bid = b?.bids[0]?.priceUnits;
    const ask = b?.asks[0]?.priceUnits;
    if (bid !== undefined && ask !== undefined) return fromUnits(bid + ask, this.inst.priceDecimals) / 2;
    return this.lastPrice ?? fromUnits(bid ?? ask ?? 0n, this.inst.priceDecimals);
  }

  skipTo(): void {
    // Live data has no past to skip: the next advance returns what arrived since.
  }

  advance(toMs: number): CrowdTrade[] {
    if (this.pending.length === 0) return [];
    // Trades stamped after the step stay for the next one (the exchange's clock may run ahead of ours).
    const due = this.pending.filter((t) => (t.ts ?? 0) <= toMs);
    if (due.length === this.pending.length) this.pending.length = 0;
    else this.pending.splice(0, this.pending.length, ...this.pending.filter((t) => (t.ts ?? 0) > toMs));
    return due.map((t) => ({ ...t, ts: Math.min(t.ts ?? toMs, toMs) }));
  }

  nextEventAt(): number | undefined {
    return undefined;
  }

  levels(side: BookSide, centre: number): SyntheticLevel[] {
    const b = this.feed.book(this.inst.symbol);
    if (!b) return [];
    const live = side === 'bid' ? b.bids : b.asks;
    // Our own impact moved the centre away from the live mid: the crowd's book moves with it.
    const ref = this.referencePrice();
    const shift = ref > 0 ? BigInt(Math.round((centre - ref) * Number(pow10(this.inst.priceDecimals)))) : 0n;
    const snap = (p: bigint) => (p / this.inst.tickUnits) * this.inst.tickUnits;
    return live.filter((l) => l.qtyUnits > 0n).map((l) => ({ priceUnits: snap(l.priceUnits + shift), qtyUnits: l.qtyUnits })).filter((l) => l.priceUnits > 0n);
  }

  impactScale(): ImpactScale {
    const span = this.recent.length > 1 ? (this.recent[this.recent.length - 1]!.ts - this.recent[0]!.ts) / 1000 : 0;
    const volume = this.recent.reduce((s, r) => s + r.qty, 0);
    // Until a few minutes of trades are seen, assume a thin market: our impact is overstated, never understated.
    const perSecond = span >= 60 ? volume / span : Math.max(volume / 300, fromUnits(this.inst.lotUnits, this.inst.qtyDecimals));
    return { volPerSqrtSecond: DEFAULT_VOL_PER_SQRT_SECOND, volumePerSecond: perSecond };
  }

  save(): string {
    // The live market is not ours to persist: after a restart it is whatever it is then.
    return '{}';
  }

  restore(): void {}
}

/** One factory per symbol, all fed by one listener on the live feed. */
export function liveSources(feed: LiveMarketFeed, symbols: readonly string[]): { factories: Record<string, MarketSourceFactory>; close(): void } {
  const sources = new Map<string, LiveMarketSource>();
  const off = feed.onMarket((e) => {
    if (e.type === 'trade') sources.get(e.trade.symbol)?.push(e.trade);
  });
  const factories: Record<string, MarketSourceFactory> = {};
  for (const s of symbols) {
    factories[s] = (inst) => {
      const src = new LiveMarketSource(inst, feed);
      sources.set(s, src);
      return src;
    };
  }
  return { factories, close: off };
}
