import type { Instrument } from '../../core/instrument.ts';
import type { Rng } from '../../core/rng.ts';
import { MarketModel } from '../sim/market-model.ts';
import type { MarketModelParams } from '../sim/market-model.ts';
import type { BookSide, CrowdTrade, ImpactScale, MarketSource, MarketSourceFactory, SyntheticLevel } from '../sim/market-source.ts';

/**
 * The demo market model plus trades the loopback's operator (a test) injects: an injected crowd
 * trade at a price meets resting orders at that price or better at the next market step, so a test
 * can fill a resting order partly, then fully, exactly when it wants. With zero volatility and no
 * background trades the book stands still and only injected trades happen.
 */
export class ControlledSource implements MarketSource {
  readonly inst: Instrument;
  private readonly model: MarketModel;
  private readonly injected: CrowdTrade[] = [];

  constructor(inst: Instrument, params: MarketModelParams, rng: Rng) {
    this.inst = inst;
    this.model = new MarketModel(inst, params, rng);
  }

  inject(trade: CrowdTrade): void {
    this.injected.push(trade);
  }

  referencePrice(): number {
    return this.model.referencePrice();
  }

  skipTo(atMs: number): void {
    this.model.skipTo(atMs);
  }

  advance(toMs: number): CrowdTrade[] {
    const out = this.model.advance(toMs);
    if (this.injected.length > 0) out.push(...this.injected.splice(0).map((t) => ({ ...t, ts: toMs })));
    return out;
  }

  nextEventAt(): number | undefined {
    return undefined;
  }

  levels(side: BookSide, centre: number): SyntheticLevel[] {
    return this.model.levels(side, centre);
  }

  impactScale(): ImpactScale {
    return this.model.impactScale();
  }

  save(): string {
    return this.model.save();
  }

  restore(saved: string): void {
    this.model.restore(saved);
  }
}

/** A factory that also hands the created sources back, so the exchange can inject into them. */
export function controlledSources(params: Record<string, MarketModelParams>, out: Map<string, ControlledSource>): Record<string, MarketSourceFactory> {
  const factories: Record<string, MarketSourceFactory> = {};
  for (const [symbol, p] of Object.entries(params)) {
    factories[symbol] = (inst, rng) => {
      const s = new ControlledSource(inst, p, rng);
      out.set(symbol, s);
      return s;
    };
  }
  return factories;
}
