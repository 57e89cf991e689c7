import type {
  MarketBook,
  MarketEvent,
  VenueEvent,
  VenueFill,
  VenueOrderRequest,
  VenueOrderStatus,
} from '../../core/ports.ts';

/**
 * The venue port as the reshaped kernel (issue 9) will define it in src/core/ports.ts. Declared
 * here until that lands so the ccxt venue can be built against it; at merge the import switches
 * to core and this file goes away. Differences from today's VenuePort:
 * - submit and cancel may return a promise; a rejected one carries a VenueRequestError;
 * - fetchOrder / fetchFills take the symbol (exchanges key orders by symbol);
 * - fetchOpenOrders lists what the venue has open (reconciliation finds external orders with it);
 * - connection() is the real connection state that feeds the venue-disconnect breaker.
 */

export type VenueConnection = 'connected' | 'connecting' | 'disconnected';

/**
 * What a failed request means for the order it carried:
 * - 'rejected': never sent, or refused for certain; the order does not exist at the venue;
 * - 'unresolved': it may exist (timeout, disconnect, 5xx on create). The OMS marks it UNRESOLVED
 *   and settles it by client order id; it is never resent blindly;
 * - 'retry': nothing happened at the venue (throttled or paused before sending, 429 refused before
 *   processing); the caller may send the same request again later.
 */
export type VenueRequestOutcome = 'rejected' | 'unresolved' | 'retry';

export class VenueRequestError extends Error {
  readonly code: string;
  readonly outcome: VenueRequestOutcome;
  constructor(code: string, message: string, outcome: VenueRequestOutcome) {
    super(message);
    this.name = 'VenueRequestError';
    this.code = code;
    this.outcome = outcome;
  }
}

/** A venue's open order as the venue reports it, with enough to adopt an order Strata did not place. */
export interface VenueOpenOrder extends VenueOrderStatus {
  symbol: string;
  side: VenueOrderRequest['side'];
  type: VenueOrderRequest['type'];
  tif: VenueOrderRequest['tif'];
  qtyUnits: bigint;
  priceUnits: bigint | null;
  createdAt: number;
}

export interface LiveVenuePort {
  readonly name: string;
  /**
   * Sends an order. Venue-side refusals (insufficient funds, a filter) arrive as 'rejected' events
   * and the promise resolves; a rejected promise means the request itself failed (see the outcome).
   */
  submit(req: VenueOrderRequest): void | Promise<void>;
  cancel(clientOrderId: string, symbol: string): void | Promise<void>;
  /** What the venue knows of an order, by client order id; undefined only when it certainly has none. */
  fetchOrder(clientOrderId: string, symbol: string): Promise<VenueOrderStatus | undefined>;
  fetchFills(clientOrderId: string, symbol: string): Promise<VenueFill[]>;
  fetchOpenOrders(): Promise<VenueOpenOrder[]>;
  connection(): VenueConnection;
  onEvent(listener: (e: VenueEvent) => void): () => void;
  onMarket(listener: (e: MarketEvent) => void): () => void;
  book(symbol: string): MarketBook | undefined;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}
