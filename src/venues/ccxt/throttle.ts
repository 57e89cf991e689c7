import type { Clock } from '../../core/clock.ts';
import { VenueRequestError } from './port.ts';

/**
 * One request throttle per exchange account, shared by every caller (orders, order checks, market
 * data, reconciliation). It keeps a log of the weight admitted and admits a request only while the
 * weight admitted in the last `windowMs + guardMs` stays within `limit`: a sliding window, so no
 * window of the exchange's length (fixed or sliding, as the venue counts it) can exceed the budget.
 * The guard widens our window by the jitter of the network between our admission and the venue's
 * arrival time. A 429 or 418 pauses every caller until its Retry-After.
 *
 * Lower priority numbers go first: orders and cancels (0) never queue behind market data (2).
 */
export type Priority = 0 | 1 | 2;

export const PRIORITY = { order: 0, check: 1, data: 2 } as const satisfies Record<string, Priority>;

export interface ThrottleOptions {
  clock: Clock;
  /** Weight admitted per window. */
  limit: number;
  windowMs: number;
  /** Extra window length covering network jitter (default 250 ms). */
  guardMs?: number;
}

interface Waiter {
  weight: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class WeightThrottle {
  readonly limit: number;
  readonly windowMs: number;
  private readonly span: number;
  private readonly clock: Clock;
  /** Admissions, oldest first. */
  private readonly log: { at: number; weight: number }[] = [];
  private readonly queues: Waiter[][] = [[], [], []];
  private timer: number | undefined;
  private timerAt = Infinity;
  private pause: { until: number; reason: string } | undefined;
  private closed: string | undefined;
  /** Largest weight ever admitted within one span, for reports. */
  peak = 0;

  constructor(opts: ThrottleOptions) {
    if (!(opts.limit > 0) || !(opts.windowMs > 0)) throw new RangeError('throttle limit and window must be positive');
    this.clock = opts.clock;
    this.limit = opts.limit;
    this.windowMs = opts.windowMs;
    this.span = opts.windowMs + (opts.guardMs ?? 250);
  }

  /** Resolves when `weight` may be spent now. */
  acquire(weight: number, priority: Priority = PRIORITY.check): Promise<void> {
    if (this.closed !== undefined) return Promise.reject(new VenueRequestError('VENUE_STOPPED', this.closed, 'retry'));
    const w = Number.isFinite(weight) && weight > 0 ? weight : 0;
    return new Promise<void>((resolve, reject) => {
      this.queues[priority]!.push({ weight: w, resolve, reject });
      this.pump();
    });
  }

  /** Stops admitting anything until `until` (a 429's or 418's Retry-After); never shortens a pause. */
  pauseUntil(until: number, reason: string): void {
    if (this.pause && this.pause.until >= until) return;
    this.pause = { until, reason };
    this.pump();
  }

  pausedUntil(): { until: number; reason: string } | undefined {
    if (this.pause && this.pause.until <= this.clock.now()) this.pause = undefined;
    return this.pause;
  }

  /**
   * The venue said how much weight this IP used (Binance: X-MBX-USED-WEIGHT-1M). When that is
   * more than we admitted (another process on the same IP), count the difference as spent now.
   */
  observeUsed(usedWeight: number): void {
    if (!Number.isFinite(usedWeight)) return;
    const now = this.clock.now();
    const ours = this.usedAt(now);
    if (usedWeight > ours) this.record(now, usedWeight - ours);
  }

  /** Weight admitted in the span ending now. */
  used(): number {
    return this.usedAt(this.clock.now());
  }

  pending(): number {
    return this.queues.reduce((n, q) => n + q.length, 0);
  }

  /** Refuses every waiting and future request (the venue stopped). */
  close(reason: string): void {
    this.closed = reason;
    if (this.timer !== undefined) this.clock.cancel(this.timer);
    this.timer = undefined;
    for (const q of this.queues) for (const w of q.splice(0)) w.reject(new VenueRequestError('VENUE_STOPPED', reason, 'retry'));
  }

  private usedAt(now: number): number {
    this.expire(now);
    let s = 0;
    for (const e of this.log) s += e.weight;
    return s;
  }

  private expire(now: number): void {
    while (this.log.length > 0 && this.log[0]!.at <= now - this.span) this.log.shift();
  }

  private record(at: number, weight: number): void {
    this.log.push({ at, weight });
    const u = this.usedAt(at);
    if (u > this.peak) this.peak = u;
  }

  private pump(): void {
    for (;;) {
      const now = this.clock.now();
      const q = this.queues.find((x) => x.length > 0);
      if (!q) return;
      const pause = this.pausedUntil();
      if (pause) return this.wake(pause.until);
      const head = q[0]!;
      const at = this.admissibleAt(head.weight, now);
      if (at > now) return this.wake(at);
      q.shift();
      if (head.weight > 0) this.record(now, head.weight);
      head.resolve();
    }
  }

  /** Earliest time the weight fits: when enough of the oldest admissions have left the span. */
  private admissibleAt(weight: number, now: number): number {
    let used = this.usedAt(now);
    if (used === 0 || used + weight <= this.limit) return now;
    for (const e of this.log) {
      used -= e.weight;
      // A request heavier than the whole budget goes alone into an empty window.
      if (used === 0 || used + weight <= this.limit) return e.at + this.span;
    }
    return now;
  }

  private wake(at: number): void {
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) this.clock.cancel(this.timer);
    this.timerAt = at;
    this.timer = this.clock.schedule(at, () => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    });
  }
}
