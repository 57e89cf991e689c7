import type { Instrument } from '../../core/instrument.ts';
import type { MarketBook } from '../../core/ports.ts';
import { TemporaryImpact } from './market-impact.ts';
import type { ImpactParams } from './market-impact.ts';
import type { BookSide, MarketSource, SyntheticLevel } from './market-source.ts';
import type { SimVenueStore } from './sim-store.ts';
import { TakenLiquidity } from './taken-liquidity.ts';

export interface CrowdLevels {
  /** The source's levels as they would be untouched. */
  raw: SyntheticLevel[];
  /** Net of what our orders took. */
  net: SyntheticLevel[];
}

/**
 * One instrument's crowd market as our orders meet it: the source, our impact on it, the liquidity
 * we took out of its book, and the book and last price the venue published. The crowd's book is
 * centred on the source's reference price moved by our impact: centre = reference · e^I.
 */
export class SymbolMarket {
  readonly inst: Instrument;
  readonly source: MarketSource;
  readonly impact: TemporaryImpact;
  readonly taken = new TakenLiquidity();
  lastTradeUnits: bigint | undefined;
  book: MarketBook;
  /** Market time of the last step (refill and cancellations run on the time elapsed since). */
  steppedAt: number;
  /** Pending timer for the source's next own event (a recorded trade), and its time. */
  eventTimer: number | undefined;
  eventAt: number | undefined;
  /**
   * The crowd's levels last computed per side, reused while neither the source's levels nor what we
   * took changed. Keyed by the levels array, not the centre: a source returns the same array while
   * its book stands still (BookLevelsMemo), which it does across the small moves our impact makes.
   */
  private readonly cache: Record<BookSide, (CrowdLevels & { version: number }) | undefined> = { bid: undefined, ask: undefined };

  constructor(inst: Instrument, source: MarketSource, impact: ImpactParams, now: number) {
    this.inst = inst;
    this.source = source;
    this.impact = new TemporaryImpact(source.impactScale(), impact);
    this.book = { symbol: inst.symbol, bids: [], asks: [], ts: now };
    this.steppedAt = now;
  }

  get symbol(): string {
    return this.inst.symbol;
  }

  centre(now: number): number {
    return this.source.referencePrice() * this.impact.factor(now);
  }

  /** The crowd's levels on one side, best first, untouched and net of what we took. Read-only, and read at once: the next call may rewrite it. */
  levels(side: BookSide, now: number): CrowdLevels {
    const raw = this.source.levels(side, this.centre(now));
    const bid = side === 'bid';
    const cached = bid ? this.cache.bid : this.cache.ask;
    const version = bid ? this.taken.sideVersion.bid : this.taken.sideVersion.ask;
    if (cached && cached.raw === raw && cached.version === version) return cached;
    const net = this.taken.net(side, raw, this.inst.lotUnits);
    // The side's entry is rewritten, not replaced: callers read raw and net at once and keep
    // neither the entry nor a reference to it (the levels arrays themselves are never changed).
    if (cached) {
      cached.raw = raw;
      cached.net = net;
      cached.version = version;
      return cached;
    }
    const fresh = { raw, net, version };
    this.cache[side] = fresh;
    return fresh;
  }

  /** A recorded price moved by our current impact, on the tick grid (unchanged while we have none). */
  withImpact(priceUnits: bigint, now: number): bigint {
    const f = this.impact.factor(now);
    if (f === 1) return priceUnits;
    const ticks = BigInt(Math.max(1, Math.round((Number(priceUnits) * f) / Number(this.inst.tickUnits))));
    return ticks * this.inst.tickUnits;
  }

  /** Source state and impact in the venue's meta table (`mid:` is where older versions kept the model's mid). */
  restore(store: SimVenueStore): void {
    const saved = store.getMeta(`source:${this.symbol}`) ?? store.getMeta(`mid:${this.symbol}`);
    if (saved) this.source.restore(saved);
    const impact = store.getMeta(`impact:${this.symbol}`);
    if (impact) this.impact.restore(impact);
  }

  persist(store: SimVenueStore, now: number): void {
    const saved = this.source.save();
    if (saved) store.setMeta(`source:${this.symbol}`, saved);
    store.setMeta(`impact:${this.symbol}`, this.impact.save(now));
  }
}
