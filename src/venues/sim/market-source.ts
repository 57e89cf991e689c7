import type { Side } from '../../contract/dto.ts';
import type { Instrument } from '../../core/instrument.ts';
import type { Rng } from '../../core/rng.ts';

/**
 * The seam between the simulated venue and what drives its market. A source decides *what the
 * crowd does* for one instrument: where the reference price is, which aggressive trades the crowd
 * sends, and how much crowd liquidity rests around a given centre. Matching against our orders,
 * latency, fees, queue position and our market impact live in SimVenue and are the same for every
 * source. Two sources exist: the demo's stochastic MarketModel and a recorded TapeMarketSource.
 */

export type BookSide = 'bid' | 'ask';

/** One aggressive crowd order. */
export interface CrowdTrade {
  /** The aggressor's side. */
  side: Side;
  qtyUnits: bigint;
  /**
   * A recorded print's price (before our impact). Absent: the crowd order walks the crowd book
   * like a market order (the model); present: it trades at this price (the tape).
   */
  priceUnits?: bigint;
  /** When it happened (epoch ms on the venue's clock). Absent: at the step's time. */
  ts?: number;
}

export interface SyntheticLevel {
  priceUnits: bigint;
  qtyUnits: bigint;
}

/**
 * How big and how volatile the crowd's market is, for the square-root impact law
 * (see market-impact.ts). Both per second so that the horizon cancels:
 * σ_T·√(Q/V_T) = σ_s·√T·√(Q/(v_s·T)) = σ_s·√(Q/v_s) for any horizon T (a day, a session).
 */
export interface ImpactScale {
  /** σ of log returns per √second (dimensionless per √s). */
  volPerSqrtSecond: number;
  /** The crowd's traded volume per second, in base quantity (e.g. ETH/s, shares/s). */
  volumePerSecond: number;
}

export interface MarketSource {
  readonly inst: Instrument;
  /** Reference (fair) price in quote currency before our impact: the model's mid, the tape's implied mid. */
  referencePrice(): number;
  /**
   * Positions the source at `atMs` without producing trades (the venue's first step time, or the
   * start of warm-up history). May move backwards; for a stochastic source only the time is reset.
   */
  skipTo(atMs: number): void;
  /** Moves the source forward to `toMs` and returns the crowd's aggressive trades in (previous, toMs], in order. */
  advance(toMs: number): CrowdTrade[];
  /** Time of the source's next own event (a recorded trade) after its current time; undefined for a source that only steps. */
  nextEventAt(): number | undefined;
  /**
   * True for a source whose market only changes at its own events (a recorded tape): between them
   * the venue need not step it at all unless our orders, impact or taken liquidity are in play
   * there (SimVenue steps on the grid only then). Absent or false: the source moves with time and
   * is stepped on the grid (the stochastic model, a live feed).
   */
  readonly eventDriven?: boolean;
  /**
   * The crowd's resting liquidity on one side, best first, for a book centred on `centre` (quote per
   * base). A pure function of its arguments: the venue reuses the result while the centre stays put.
   */
  levels(side: BookSide, centre: number): SyntheticLevel[];
  /**
   * The price of the first level of `levels(side, centre)` that has a size (the side's best),
   * without building them; optional (a lazily built book then builds the side to answer).
   */
  bestPrice?(side: BookSide, centre: number): bigint | undefined;
  impactScale(): ImpactScale;
  /** State to persist across venue restarts (opaque text), and its restore. */
  save(): string;
  restore(saved: string): void;
}

/** Builds a source for an instrument; the venue passes a seeded stream of its own so a seed fixes the market. */
export type MarketSourceFactory = (inst: Instrument, rng: Rng) => MarketSource;
