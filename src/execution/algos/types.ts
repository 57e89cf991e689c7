import type { AlgoSchedule, ScheduleParams } from './schedule.ts';
import type { AlgoKind, Side, Urgency } from '../../contract/dto.ts';

/**
 * The execution-algorithm contract. An algorithm works one parent order by placing and cancelling
 * child orders. It decides from the parent's progress (filled, working) and the market, never from
 * memory alone, so after a restart it resumes from the journal with nothing duplicated: a decision
 * that was already acted on shows up as filled or working quantity.
 */

/** Parameters of an algorithm, JSON-safe (bigints as decimal strings of units). */
export interface AlgoParams {
  startAt: number;
  endAt: number;
  /** Number of slices for scheduled algorithms (TWAP, VWAP, adaptive). */
  slices?: number;
  /** TWAP: each slice time moves by up to ± this fraction of the slice interval. */
  jitterPct?: number;
  /** POV: target share of market volume, 0 < p ≤ 0.5. */
  participation?: number;
  minChildUnits?: string;
  maxChildUnits?: string;
  /** Iceberg: largest quantity ever shown, and ± size jitter as a fraction of it. */
  displayUnits?: string;
  displayJitterPct?: number;
  /** VWAP: share of volume per bucket of the day (UTC), and the bucket length. */
  volumeProfile?: number[];
  profileBucketMinutes?: number;
  /** Seeds jitter so a run is reproducible. */
  seed: number;
}

/** What an algorithm keeps between decisions (persisted with the parent). */
export type AlgoState = Record<string, number | string | boolean | null>;

export interface ChildView {
  id: string;
  qtyUnits: bigint;
  filledUnits: bigint;
  priceUnits: bigint | null;
  type: 'market' | 'limit';
  tif: 'gtc' | 'ioc';
  cancelRequested: boolean;
  createdAt: number;
}

export interface ChildSpec {
  qtyUnits: bigint;
  type: 'market' | 'limit';
  priceUnits?: bigint | null;
  tif: 'gtc' | 'ioc';
}

export interface MarketView {
  bestBid(): bigint | undefined;
  bestAsk(): bigint | undefined;
  /** Quantity at the best level on each side. */
  bestBidQty(): bigint;
  bestAskQty(): bigint;
  last(): bigint | undefined;
  /** Market volume traded (others only) since the parent arrived, qty units. */
  volumeSinceArrival(): bigint;
  /** Short-term volatility of the mid, as a fraction per √second (0 if unknown). */
  shortTermVol(): number;
}

/** Why an algorithm should hold off: the TradingGuard chain's verdict, read before each child. */
export type { GuardVerdict } from '../../risk/trading-guard.ts';
import type { GuardVerdict } from '../../risk/trading-guard.ts';

export interface AlgoContext {
  readonly parentId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly urgency: Urgency;
  readonly qtyUnits: bigint;
  readonly filledUnits: bigint;
  /** Price cap: never buy above / sell below. */
  readonly limitUnits: bigint | null;
  readonly params: AlgoParams;
  readonly state: AlgoState;
  readonly lotUnits: bigint;
  readonly tickUnits: bigint;
  /** Smallest child quantity that passes the venue's minimum notional at price p. */
  minChildUnits(priceUnits: bigint): bigint;
  now(): number;
  market: MarketView;
  working(): ChildView[];
  /** Sum of working children's unfilled quantity. */
  workingUnits(): bigint;
  /** Places a child; returns its id, or the denial reason (the runner pauses the parent on denial). */
  placeChild(spec: ChildSpec): { ok: true; id: string } | { ok: false; code: string; message: string };
  cancelChild(id: string): void;
  /**
   * Asks for a decision at time t (timers are not persisted: the runner re-arms on restart). The
   * runner keeps one timer per parent and re-arms it after every decision at the earliest wakeAt
   * of that decision (else the end time), so an algorithm asks again on every decision — market
   * ones included — for the next time it needs.
   */
  wakeAt(t: number): void;
  guard(): GuardVerdict;
  /** A deterministic random number in [0, 1) for decision n of this parent. */
  random(n: number): number;
}

export type DecisionReason = 'start' | 'timer' | 'market' | 'child';

export interface ExecAlgo {
  readonly kind: AlgoKind;
  /** Does it need a decision on every market update (passive repricing, POV, adaptive)? */
  readonly marketDriven: boolean;
  decide(ctx: AlgoContext, reason: DecisionReason): void;
  /**
   * Scheduled algorithms (TWAP, VWAP, adaptive): their one schedule, used by their own decisions,
   * the runner's progress marker, the preview and (through the preview DTO) the ticket.
   */
  schedule?(params: ScheduleParams, random: (k: number) => number): AlgoSchedule;
}
