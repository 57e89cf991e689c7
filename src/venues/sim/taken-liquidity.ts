import type { BookSide, SyntheticLevel } from './market-source.ts';

/** Fraction of taken liquidity that comes back per second (resilience of the crowd's book). */
export const REFILL_PER_SECOND = 0.5;
/** A level this close to whole counts as whole again. */
const WHOLE = 1e-6;

/**
 * Crowd liquidity our orders have taken, per side and per depth (0 = the best level), as the
 * fraction of that level that is gone. Keyed by depth rather than price so that it moves with the
 * book: when our buying (impact) or the market re-centres the book, the levels we emptied stay
 * empty instead of reappearing whole one tick further on; this is the gap near the touch that
 * refills over time in Obizhaeva & Wang's resilient book, at REFILL_PER_SECOND.
 */
export class TakenLiquidity {
  private readonly taken: Record<BookSide, Map<number, number>> = { bid: new Map(), ask: new Map() };
  /** Changes whenever what is taken changes (lets the venue reuse the levels it computed). */
  version = 0;
  /**
   * The same per side: taking from the asks leaves the bids' net levels as they were, so the venue
   * reuses that side (and the book side built from it) instead of rebuilding both after every fill.
   */
  readonly sideVersion: Record<BookSide, number> = { bid: 0, ask: 0 };

  get empty(): boolean {
    return this.taken.bid.size === 0 && this.taken.ask.size === 0;
  }

  /** The crowd's levels net of what was taken, on the lot grid. */
  net(side: BookSide, levels: SyntheticLevel[], lotUnits: bigint): SyntheticLevel[] {
    const t = this.taken[side];
    if (t.size === 0) return levels;
    // A loop, not map with a closure: this runs after every fill that took from the side.
    const out: SyntheticLevel[] = [];
    for (let depth = 0; depth < levels.length; depth++) {
      const l = levels[depth]!;
      const f = t.get(depth);
      if (f === undefined) out.push(l);
      else if (f >= 1) out.push({ priceUnits: l.priceUnits, qtyUnits: 0n });
      else {
        const lots = Math.floor(Number(l.qtyUnits / lotUnits) * (1 - f) + 1e-9);
        out.push({ priceUnits: l.priceUnits, qtyUnits: BigInt(Math.max(0, lots)) * lotUnits });
      }
    }
    return out;
  }

  /** Records `qtyUnits` taken out of the level at `depth` whose whole size is `levelUnits`. */
  take(side: BookSide, depth: number, qtyUnits: bigint, levelUnits: bigint): void {
    if (levelUnits <= 0n || qtyUnits <= 0n) return;
    const t = this.taken[side];
    t.set(depth, Math.min(1, (t.get(depth) ?? 0) + Number(qtyUnits) / Number(levelUnits)));
    this.version++;
    this.sideVersion[side]++;
  }

  refill(dtMs: number): void {
    if (this.empty || dtMs <= 0) return;
    this.version++;
    const keep = Math.pow(1 - REFILL_PER_SECOND, dtMs / 1000);
    for (const side of ['bid', 'ask'] as const) {
      const t = this.taken[side];
      if (t.size > 0) this.sideVersion[side]++;
      for (const [depth, f] of t) {
        const next = f * keep;
        if (next < WHOLE) t.delete(depth);
        else t.set(depth, next);
      }
    }
  }
}
