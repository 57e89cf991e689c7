import type { AlgoKind, Liquidity, OrderSource, OrderStatus, OrderType, Side, TimeInForce, TriggerKind, TriggerSource, Urgency } from './enums.ts';

/**
 * Ports: what the order path needs from a venue and from durable storage. Level code depends on
 * these interfaces only; the simulated venue, ccxt and SQLite implement them.
 */

export interface VenueOrderRequest {
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  qtyUnits: bigint;
  priceUnits: bigint | null;
}

export type VenueOrderState = 'open' | 'filled' | 'cancelled' | 'rejected' | 'expired';

export interface VenueOrderStatus {
  clientOrderId: string;
  venueOrderId: string;
  state: VenueOrderState;
  filledUnits: bigint;
  reason?: { code: string; message: string };
}

export interface VenueFill {
  fillId: string;
  clientOrderId: string;
  venueOrderId: string;
  symbol: string;
  side: Side;
  priceUnits: bigint;
  qtyUnits: bigint;
  feeUnits: bigint;
  liquidity: Liquidity;
  ts: number;
}

/** What a venue reports about our orders, in the order it happened. */
export type VenueEvent =
  | { type: 'accepted'; clientOrderId: string; venueOrderId: string; ts: number }
  | { type: 'rejected'; clientOrderId: string; code: string; message: string; ts: number }
  | { type: 'fill'; fill: VenueFill }
  | { type: 'cancelled'; clientOrderId: string; ts: number }
  | { type: 'expired'; clientOrderId: string; ts: number }
  | { type: 'cancelRejected'; clientOrderId: string; code: string; message: string; ts: number }
  /**
   * The request may or may not have made the order (a create that timed out, a dropped connection,
   * a 5xx): the OMS shows it UNRESOLVED, never resends it, and waits for the venue's answer by
   * client order id (accepted, fills, an end, or rejected once the venue certainly has none).
   */
  | { type: 'unresolved'; clientOrderId: string; code: string; message: string; ts: number };

/** Market data a venue publishes, in exact units. */
export interface BookLevel {
  priceUnits: bigint;
  qtyUnits: bigint;
}
export interface MarketBook {
  symbol: string;
  bids: BookLevel[];
  asks: BookLevel[];
  ts: number;
}
export interface MarketTrade {
  symbol: string;
  id: string;
  priceUnits: bigint;
  qtyUnits: bigint;
  side: Side;
  ts: number;
}
export type MarketEvent = { type: 'book'; book: MarketBook } | { type: 'trade'; trade: MarketTrade };

export interface VenuePort {
  readonly name: string;
  /** Sends an order. Never throws for venue-side refusals: those arrive as 'rejected' events. */
  submit(req: VenueOrderRequest): void;
  cancel(clientOrderId: string, symbol: string): void;
  /**
   * Reconciliation after a restart or a timeout: what the venue knows of an order, if anything.
   * The symbol is given because exchanges key orders by symbol; a venue that does not need it ignores it.
   */
  fetchOrder(clientOrderId: string, symbol?: string): Promise<VenueOrderStatus | undefined>;
  fetchFills(clientOrderId: string, symbol?: string): Promise<VenueFill[]>;
  onEvent(listener: (e: VenueEvent) => void): () => void;
  onMarket(listener: (e: MarketEvent) => void): () => void;
  book(symbol: string): MarketBook | undefined;
  start(): void;
  stop(): void;
}

/**
 * A fill as the engine keeps it. Read-only: a fill never changes once made, so the OMS, the ledger
 * and the in-memory journal share one record (the type checker holds every reader to that).
 */
export interface FillRecord {
  readonly id: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly priceUnits: bigint;
  readonly qtyUnits: bigint;
  readonly feeUnits: bigint;
  readonly liquidity: Liquidity;
  readonly ts: number;
  /** Mid price when the fill happened, for splitting shortfall into impact and timing. */
  readonly midUnits: bigint | null;
}

/**
 * A position (or cash) that did not come from a fill: what the exchange account already held when
 * Strata met it (opening), or a difference reconciliation or the operator took over from the
 * exchange's balances (adjusting: a deposit, a withdrawal, a trade outside Strata). It moves the
 * position, never cash (cash moves only with a cash adjustment, `symbol` null). Journaled with its source.
 */
export interface PositionAdjustment {
  id: string;
  ts: number;
  /** The instrument whose position moves; null for the account currency (cash). */
  symbol: string | null;
  /** The asset as the exchange names it (the instrument's base, or the currency). */
  asset: string;
  /** Signed: the instrument's qty units, or cash units for cash. */
  qtyUnits: bigint;
  /** Price the quantity enters the cost basis at (the mark when it was taken over); null: at no cost. */
  priceUnits: bigint | null;
  source: 'opening' | 'reconciliation' | 'operator';
  detail: string;
}

/**
 * The order journal: the durable record of every order and fill. Writes return only once the
 * data is committed, so "journal before send" is a plain call before venue.submit().
 */
export interface JournalPort {
  nextOrderSeq(): number;
  insertOrder(order: OrderRecord, event: string): void;
  updateOrder(order: OrderRecord, event: string, detail?: string): void;
  /** Records a fill with the order's (and its parent's) new state in one transaction; false if the fill id is known. */
  recordFill(fill: FillRecord, order: OrderRecord, parent?: OrderRecord): boolean;
  saveTca(parentId: string, json: string, ts: number): void;
  loadTca(parentId: string): string | undefined;
  /** Every saved TCA (JSON), oldest update first: the execution-quality history. */
  loadAllTca(): string[];
  loadOrders(): OrderRecord[];
  loadFills(): FillRecord[];
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  /** Records a position adjustment once (false if its id is known). */
  recordAdjustment(a: PositionAdjustment): boolean;
  loadAdjustments(): PositionAdjustment[];
}

/** Stored shape of an order (same fields as core/order Order, kept here to keep ports self-contained). */
export interface OrderRecord {
  id: string;
  seq: number;
  venueOrderId: string | null;
  symbol: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  qtyUnits: bigint;
  priceUnits: bigint | null;
  requestedQty: string;
  requestedPrice: string | null;
  filledUnits: bigint;
  filledNotionalUnits: bigint;
  feeUnits: bigint;
  status: OrderStatus;
  reason: { code: string; message: string } | null;
  cancelRequested: boolean;
  source: OrderSource;
  createdAt: number;
  updatedAt: number;
  /** Set on child orders of an execution algorithm. */
  parentId: string | null;
  urgency: Urgency;
  /** Parents only: the algorithm working the order (parents never go to a venue themselves). */
  algo: AlgoKind | null;
  /** Parents only: JSON of the algorithm's parameters and of its persisted progress. */
  algoParams: string | null;
  algoState: string | null;
  paused: boolean;
  /** Price and time when the trader (or signal) decided, and when the order reached L3 (TCA). */
  decisionPriceUnits: bigint | null;
  decisionTs: number | null;
  arrivalPriceUnits: bigint | null;
  arrivalTs: number | null;
  /**
   * How the order entered (src/execution/intake.ts). `source` above is its origin (manual, api,
   * signal); a signal order approved by the operator names who approved it and the proposal it
   * came from. `riskConfirmed`: the operator confirmed its soft limit breaches (manual orders only);
   * children carry their parent's, so L1 checks them with it after a restart too.
   */
  approvedBy: string | null;
  proposalId: string | null;
  riskConfirmed: boolean;
  /** Held by Strata until it triggers (stops, a bracket's exits); null for orders the venue or an algo works. */
  trigger: TriggerRecord | null;
  /** One-cancels-other group: a bracket's take-profit and stop-loss. */
  ocoGroup: string | null;
  /** Cancel/replace lineage: the order this one replaced, and the chain's first order (null: none). */
  replacesId: string | null;
  rootId: string | null;
}

/**
 * A trigger Strata holds because the venue has none. The order record's `type` and `priceUnits`
 * describe the child it sends when triggered (market, or limit at the price); `qtyUnits` is what
 * it may send in all (a bracket exit's grows with its entry's fills).
 */
export interface TriggerRecord {
  kind: TriggerKind;
  by: TriggerSource;
  /** Current stop price; a trailing stop ratchets it. Null for a take-profit (it rests at its limit). */
  stopPriceUnits: bigint | null;
  /** Trailing distance: percent of the reference price, or price units. */
  trailPercent: number | null;
  trailUnits: bigint | null;
  /** When it triggered; a take-profit triggers at its entry's first fill. */
  triggeredAt: number | null;
  /** A bracket exit: the entry whose fills size and activate it, and its role. */
  entryId: string | null;
  role: 'take-profit' | 'stop-loss' | null;
}

/**
 * L1's answer for one order, as the order path sees it. `held`: only soft breaches that the
 * operator may still confirm (a manual order without confirmation): nothing is journaled and the
 * intake hands the breaches back as data; resubmitting with confirmation sends it.
 */
export type PreTradeDecision =
  | { ok: true; reservePriceUnits: bigint }
  | { ok: false; code: string; message: string; held?: readonly { code: string; message: string }[] };
/** `exceptId`: an order the checked one replaces (cancel/replace), left out of what is already working. */
export type PreTradeCheck = (order: OrderRecord, exceptId?: string | null) => PreTradeDecision;
