import { AsyncLocalStorage } from 'node:async_hooks';
import type { Exchange } from 'ccxt';
import type { Clock } from '../../core/clock.ts';
import type { CcxtErrorClasses, Fault } from './errors.ts';
import { classifyError, isDisconnect, readRetryable } from './errors.ts';
import type { VenueConnection } from './port.ts';
import { VenueRequestError } from './port.ts';
import type { Redactor } from './redact.ts';
import type { Priority } from './throttle.ts';
import { PRIORITY, WeightThrottle } from './throttle.ts';

/** An operator-facing alert: the venue needs a human (a ban, bad keys) or lost something. */
export interface VenueAlert {
  level: 'warn' | 'error';
  code: string;
  message: string;
  ts: number;
}

/** A failed request, classified. Its message is already redacted. */
export class VenueFaultError extends VenueRequestError {
  readonly fault: Fault;
  constructor(fault: Fault) {
    super(fault.code, fault.message, 'unresolved');
    this.name = 'VenueFaultError';
    this.fault = fault;
  }
}

export interface SessionOptions {
  exchange: Exchange;
  errors: CcxtErrorClasses;
  clock: Clock;
  throttle: WeightThrottle;
  /** Exchange weight per ccxt cost unit (Binance: 5, since ccxt's cost = 0.2 × Binance weight). */
  weightPerCost: number;
  redact: Redactor;
  /** Read attempts before giving up (default 4). */
  readAttempts?: number;
  /** Backoff base and cap, ms (default 200 / 5000). */
  backoffMs?: { base: number; max: number };
  /** Pause after a 418 without Retry-After, ms (default 120 s: Binance bans start at two minutes). */
  banPauseMs?: number;
  random?: () => number;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

const priorityScope = new AsyncLocalStorage<Priority>();

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() === want) return Array.isArray(v) ? String(v[0]) : String(v);
  }
  return undefined;
}

/**
 * One exchange connection as Strata uses it: every request goes through the shared throttle at a
 * priority, is classified when it fails, and updates the connection state. Reads retry with
 * exponential backoff and jitter; creates are never retried here (the venue decides what a failed
 * create means). A 429/418 pauses every caller until its Retry-After; a 418 and a refused key raise
 * an operator alert; a refused key stops private requests until `resume()`.
 */
export class VenueSession {
  readonly exchange: Exchange;
  readonly throttle: WeightThrottle;
  readonly redact: Redactor;
  private readonly errors: CcxtErrorClasses;
  private readonly clock: Clock;
  private readonly opts: SessionOptions;
  private state: VenueConnection = 'connecting';
  private readonly connectionListeners = new Set<(c: VenueConnection) => void>();
  private readonly alertListeners = new Set<(a: VenueAlert) => void>();
  private haltReason: { code: string; message: string } | undefined;
  lastSuccessAt = 0;
  /** Consecutive 429s, for the backoff when the venue sends no Retry-After. */
  private throttledInRow = 0;

  constructor(opts: SessionOptions) {
    this.opts = opts;
    this.exchange = opts.exchange;
    this.errors = opts.errors;
    this.clock = opts.clock;
    this.throttle = opts.throttle;
    this.redact = opts.redact;
    const ex = this.exchange as unknown as {
      throttle: (cost?: number) => Promise<void>;
      onRestResponse: (status: number, statusText: string, url: string, method: string, headers: unknown, body: string) => string;
    };
    // ccxt calls throttle(cost) before every HTTP request: route it to the shared throttle at the
    // priority of the caller that started the request.
    ex.throttle = (cost?: number) => this.throttle.acquire((cost ?? 1) * opts.weightPerCost, priorityScope.getStore() ?? PRIORITY.check);
    // Seen before ccxt's error handling throws, so Retry-After and the used weight are never lost.
    ex.onRestResponse = (status, _text, _url, _method, headers, body) => {
      this.observeResponse(status, headers);
      return body.trim();
    };
  }

  connection(): VenueConnection {
    return this.state;
  }

  onConnection(listener: (c: VenueConnection) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  onAlert(listener: (a: VenueAlert) => void): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }

  /** Why private requests are stopped (a refused key), if they are. */
  halted(): { code: string; message: string } | undefined {
    return this.haltReason;
  }

  /** Lifts the stop after the operator fixed the keys (optionally giving the new ones). */
  resume(credentials?: { apiKey: string; secret: string }): void {
    if (credentials) {
      this.exchange.apiKey = credentials.apiKey;
      this.exchange.secret = credentials.secret;
    }
    this.haltReason = undefined;
  }

  alert(level: VenueAlert['level'], code: string, message: string): void {
    const a: VenueAlert = { level, code, message: this.redact(message), ts: this.clock.now() };
    this.opts.log?.(level === 'error' ? 'error' : 'warn', `${code}: ${a.message}`);
    for (const l of this.alertListeners) l(a);
  }

  /** One attempt. Throws a VenueFaultError (classified, redacted) on failure. */
  async once<T>(priority: Priority, fn: (ex: Exchange) => Promise<T>, opts: { private?: boolean } = {}): Promise<T> {
    if (opts.private && this.haltReason) throw new VenueRequestError(this.haltReason.code, this.haltReason.message, 'rejected');
    try {
      const out = await priorityScope.run(priority, () => fn(this.exchange));
      this.succeeded();
      return out;
    } catch (err) {
      if (err instanceof VenueRequestError) throw err;
      const fault = classifyError(err, this.errors, this.redact);
      this.failed(fault, Boolean(opts.private));
      throw new VenueFaultError(fault);
    }
  }

  /** A read: retried with backoff and jitter while the fault allows; the clock is resynced on a nonce error. */
  async read<T>(priority: Priority, fn: (ex: Exchange) => Promise<T>, opts: { private?: boolean; attempts?: number } = {}): Promise<T> {
    const attempts = opts.attempts ?? this.opts.readAttempts ?? 4;
    for (let i = 1; ; i++) {
      try {
        return await this.once(priority, fn, opts);
      } catch (err) {
        if (!(err instanceof VenueFaultError) || i >= attempts || !readRetryable(err.fault)) throw err;
        if (err.fault.kind === 'clock_skew') await this.resyncClock();
        // Rate limits wait in the throttle (paused until Retry-After); the backoff adds to that.
        await this.sleep(this.backoff(i));
      }
    }
  }

  /** Re-measures the offset between our clock and the venue's (Binance -1021). */
  async resyncClock(): Promise<void> {
    const ex = this.exchange as unknown as { loadTimeDifference?: () => Promise<unknown>; has: Record<string, unknown> };
    if (typeof ex.loadTimeDifference !== 'function' || !ex.has['fetchTime']) return;
    await this.once(PRIORITY.order, () => ex.loadTimeDifference!() as Promise<unknown>);
    this.opts.log?.('warn', `clock offset to the venue resynced: ${String(this.exchange.options['timeDifference'] ?? 0)} ms`);
  }

  backoff(attempt: number): number {
    const { base, max } = this.opts.backoffMs ?? { base: 200, max: 5_000 };
    const cap = Math.min(max, base * 2 ** (attempt - 1));
    // Full jitter: callers that failed together do not come back together.
    return Math.round(cap / 2 + (this.opts.random ?? Math.random)() * (cap / 2));
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.schedule(this.clock.now() + ms, resolve));
  }

  private succeeded(): void {
    this.lastSuccessAt = this.clock.now();
    this.throttledInRow = 0;
    this.setState('connected');
  }

  private failed(fault: Fault, isPrivate: boolean): void {
    if (isDisconnect(fault)) this.setState('disconnected');
    else if (fault.kind !== 'auth') this.setState('connected');
    if (fault.kind === 'auth' && isPrivate && !this.haltReason) {
      this.haltReason = { code: fault.code, message: `trading stopped on ${this.exchange.id}: the exchange refused the API key or signature (${fault.message}); fix the keys and resume` };
      this.alert('error', fault.code, this.haltReason.message);
    }
  }

  private setState(s: VenueConnection): void {
    if (s === this.state) return;
    this.state = s;
    for (const l of this.connectionListeners) l(s);
  }

  private observeResponse(status: number, headers: unknown): void {
    const used = header(headers, 'x-mbx-used-weight-1m');
    if (used !== undefined && status < 400) this.throttle.observeUsed(Number(used));
    if (status !== 429 && status !== 418) return;
    const retryAfter = Number(header(headers, 'retry-after'));
    const now = this.clock.now();
    if (status === 418) {
      const ms = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : (this.opts.banPauseMs ?? 120_000);
      this.throttle.pauseUntil(now + ms, 'IP banned (418)');
      this.alert('error', 'VENUE_IP_BANNED', `${this.exchange.id} banned this IP (HTTP 418) for ${Math.round(ms / 1000)} s: every request is paused until ${new Date(now + ms).toISOString()}`);
      return;
    }
    this.throttledInRow++;
    const ms = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(60_000, 1000 * 2 ** (this.throttledInRow - 1));
    this.throttle.pauseUntil(now + ms, 'rate limited (429)');
    this.opts.log?.('warn', `${this.exchange.id} answered 429: all requests paused for ${ms} ms`);
  }
}
