import type { MarketBook, MarketEvent, VenueEvent, VenueFill, VenueOrderRequest, VenueOrderStatus, VenuePort } from '../../core/ports.ts';
import type { Clock } from '../../core/clock.ts';
import type { CcxtVenue } from './ccxt-venue.ts';
import { VenueRequestError } from './port.ts';

/** Attempts of a create whose request never left (throttled or paused before sending). */
const RETRY_ATTEMPTS = 3;
/** Attempts of a reconciliation read that got "not visible yet" or a transient fault. */
const READ_ATTEMPTS = 5;

/**
 * The ccxt venue behind the kernel's VenuePort, which the OMS already speaks: `submit` and `cancel`
 * return at once and their outcomes arrive as events. What a failed request means is decided here,
 * once:
 * - 'rejected' (never sent, or refused for certain): a `rejected` event, the OMS ends the order;
 * - 'retry' (nothing reached the venue): sent again with the same client order id, after a backoff;
 *   a duplicate at the venue would be adopted, never doubled;
 * - 'unresolved' (timeout, disconnect, 5xx on create): nothing is resent. An `unresolved` event makes
 *   the order UNRESOLVED in the OMS (possibly working) while the venue's order poll settles it by
 *   client order id: found → the usual accepted/fill events; absent after several checks → rejected
 *   UNKNOWN_AT_VENUE.
 */
export class CcxtVenuePort implements VenuePort {
  readonly venue: CcxtVenue;
  private readonly listeners = new Set<(e: VenueEvent) => void>();
  private readonly symbolOf = new Map<string, string>();
  private readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  private readonly off: () => void;
  private readonly clock: Clock;

  constructor(venue: CcxtVenue, clock: Clock, log: (level: 'info' | 'warn' | 'error', msg: string) => void = () => undefined) {
    this.venue = venue;
    this.clock = clock;
    this.log = log;
    this.off = venue.onEvent((e) => this.emit(e));
  }

  get name(): string {
    return this.venue.name;
  }

  submit(req: VenueOrderRequest): void {
    this.symbolOf.set(req.clientOrderId, req.symbol);
    void this.send(req, 1);
  }

  cancel(clientOrderId: string, symbol: string): void {
    this.symbolOf.set(clientOrderId, symbol);
    this.venue.cancel(clientOrderId, symbol).catch((err: unknown) => {
      // CcxtVenue.cancel reports its own failures as cancelRejected; anything else is a defect.
      this.log('error', `cancel ${clientOrderId} failed: ${err instanceof Error ? err.message : String(err)}`);
      this.emit({ type: 'cancelRejected', clientOrderId, code: 'VENUE_ERROR', message: err instanceof Error ? err.message : String(err), ts: this.clock.now() });
    });
  }

  async fetchOrder(clientOrderId: string, symbol?: string): Promise<VenueOrderStatus | undefined> {
    for (const s of this.symbolsFor(clientOrderId, symbol)) {
      const status = await this.read(() => this.venue.fetchOrder(clientOrderId, s));
      if (status) return status;
    }
    return undefined;
  }

  async fetchFills(clientOrderId: string, symbol?: string): Promise<VenueFill[]> {
    for (const s of this.symbolsFor(clientOrderId, symbol)) {
      const fills = await this.read(() => this.venue.fetchFills(clientOrderId, s));
      if (fills.length > 0) return fills;
    }
    return [];
  }

  onEvent(listener: (e: VenueEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onMarket(listener: (e: MarketEvent) => void): () => void {
    return this.venue.onMarket(listener);
  }

  book(symbol: string): MarketBook | undefined {
    return this.venue.book(symbol);
  }

  start(): void {
    this.venue.start();
  }

  stop(): void {
    this.venue.stop();
  }

  /** Stops forwarding events and closes the venue's throttle (pending requests fail). */
  close(reason: string): void {
    this.off();
    this.venue.stop();
    this.venue.session.throttle.close(reason);
  }

  private emit(e: VenueEvent): void {
    for (const l of this.listeners) l(e);
  }

  private symbolsFor(clientOrderId: string, symbol: string | undefined): string[] {
    const s = symbol ?? this.symbolOf.get(clientOrderId);
    return s ? [s] : this.venue.instruments().map((i) => i.symbol);
  }

  /**
   * A reconciliation read. "Not visible yet" and transient faults are asked again after a backoff:
   * an order's fate must not be decided on a read that failed. The last failure is thrown.
   */
  private async read<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof VenueRequestError) || err.outcome === 'rejected' || attempt >= READ_ATTEMPTS) throw err;
        await this.venue.session.sleep(this.venue.session.backoff(attempt + 1));
      }
    }
  }

  private async send(req: VenueOrderRequest, attempt: number): Promise<void> {
    try {
      await this.venue.submit(req);
    } catch (err) {
      if (!(err instanceof VenueRequestError)) {
        this.emit({ type: 'rejected', clientOrderId: req.clientOrderId, code: 'VENUE_ERROR', message: err instanceof Error ? err.message : String(err), ts: this.clock.now() });
        return;
      }
      if (err.outcome === 'retry' && attempt < RETRY_ATTEMPTS) {
        await this.venue.session.sleep(this.venue.session.backoff(attempt + 1));
        return this.send(req, attempt + 1);
      }
      if (err.outcome === 'unresolved') {
        this.log('warn', `order ${req.clientOrderId} UNRESOLVED (${err.code}: ${err.message}): settling it by client order id, never resending`);
        this.emit({ type: 'unresolved', clientOrderId: req.clientOrderId, code: err.code, message: err.message, ts: this.clock.now() });
        return;
      }
      this.emit({ type: 'rejected', clientOrderId: req.clientOrderId, code: err.code, message: err.message, ts: this.clock.now() });
    }
  }
}
