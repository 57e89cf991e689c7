import type { BreakerCode } from './codes.ts';
import { PCT_DECIMALS, PCT_ONE_HUNDRED, describeValue } from './limits.ts';
import { MINUTE_MS, OrderRateWindow } from './order-rate.ts';
import { toUnits } from '../core/precision.ts';

/**
 * Circuit breakers: pure evaluators fed with observations and the clock time. Each trip and each
 * reset is an event (name, cause, time) with the action it asks of the caller; the breakers never
 * change the trading state themselves.
 *
 * - daily_drawdown: the day's drawdown reaches `haltPct` → HALTED. Latched: it trips once, and
 *   resets (re-arms, no action) when the drawdown is back under the threshold, e.g. on a new day.
 * - instrument_move: a price moves `movePct` or more from the lowest (or highest) price seen in the
 *   last `windowMs` → no new exposure in that symbol for `blockMs`. The block lifts (reset event)
 *   on the first observe/tick at or after its end; the price window restarts at the trip.
 * - venue_disconnect: the venue has been disconnected for more than `maxDisconnectedMs` → REDUCING
 *   (safe mode). Resets (no action) when the venue is connected again.
 * - order_rate: more than `maxPerMinute` order attempts (denied ones included) in the last minute →
 *   HALTED. Resets (no action) when the count is back at or under the threshold.
 *
 * Resets never loosen the trading state: leaving HALTED or REDUCING is the operator's resume.
 */

export type BreakerName = 'daily_drawdown' | 'instrument_move' | 'venue_disconnect' | 'order_rate';
export const BREAKER_NAMES: readonly BreakerName[] = ['daily_drawdown', 'instrument_move', 'venue_disconnect', 'order_rate'];

export interface BreakerConfig {
  dailyDrawdown: { enabled: boolean; haltPct: number };
  instrumentMove: { enabled: boolean; movePct: number; windowMs: number; blockMs: number };
  venueDisconnect: { enabled: boolean; maxDisconnectedMs: number };
  orderRate: { enabled: boolean; maxPerMinute: number };
}

/**
 * Defaults: a 5% daily drawdown halts (the gate already stops new exposure at the 3% limit);
 * 5% in 5 minutes blocks an instrument for 15 minutes; 30 s without the venue → safe mode;
 * 600 order attempts in a minute (well above the 240/min hard limit, denied ones count) is a runaway loop.
 */
export const DEFAULT_BREAKERS: BreakerConfig = {
  dailyDrawdown: { enabled: true, haltPct: 5 },
  instrumentMove: { enabled: true, movePct: 5, windowMs: 5 * MINUTE_MS, blockMs: 15 * MINUTE_MS },
  venueDisconnect: { enabled: true, maxDisconnectedMs: 30_000 },
  orderRate: { enabled: true, maxPerMinute: 600 },
};

export type BreakerAction =
  | { kind: 'trading_state'; to: 'HALTED' | 'REDUCING' }
  | { kind: 'block_symbol'; symbol: string; until: number }
  | { kind: 'unblock_symbol'; symbol: string }
  | { kind: 'none' };

export interface BreakerEvent {
  breaker: BreakerName;
  type: 'trip' | 'reset';
  at: number;
  code: BreakerCode;
  /** Human-readable cause: what was observed against which threshold. */
  cause: string;
  symbol?: string;
  action: BreakerAction;
}

export interface BreakerStatus {
  breaker: BreakerName;
  enabled: boolean;
  tripped: boolean;
  /** When the current trip happened. */
  since: number | null;
  /** Symbols blocked (instrument_move). */
  symbols?: { symbol: string; until: number; cause: string }[];
  thresholds: Record<string, number>;
}

const CODES: Record<BreakerName, BreakerCode> = {
  daily_drawdown: 'BREAKER_DAILY_DRAWDOWN',
  instrument_move: 'BREAKER_INSTRUMENT_MOVE',
  venue_disconnect: 'BREAKER_VENUE_DISCONNECT',
  order_rate: 'BREAKER_ORDER_RATE',
};

/** Problems in a breaker configuration; empty when valid. */
export function validateBreakerConfig(c: BreakerConfig): string[] {
  const out: string[] = [];
  const pos = (v: number, what: string): void => {
    if (!(v > 0) || !Number.isFinite(v)) out.push(`${what} must be a positive number`);
  };
  pos(c.dailyDrawdown.haltPct, 'dailyDrawdown.haltPct');
  if (c.dailyDrawdown.haltPct > 100) out.push('dailyDrawdown.haltPct must be at most 100');
  pos(c.instrumentMove.movePct, 'instrumentMove.movePct');
  pos(c.instrumentMove.windowMs, 'instrumentMove.windowMs');
  pos(c.instrumentMove.blockMs, 'instrumentMove.blockMs');
  pos(c.venueDisconnect.maxDisconnectedMs, 'venueDisconnect.maxDisconnectedMs');
  pos(c.orderRate.maxPerMinute, 'orderRate.maxPerMinute');
  return out;
}

function pctUnits(p: number): bigint {
  return toUnits(p.toFixed(PCT_DECIMALS), PCT_DECIMALS);
}

/** Monotonic deques over a time window of prices: O(1) amortized min and max. */
class PriceWindow {
  private samples: { t: number; p: bigint }[] = [];
  private head = 0;
  private minQ: number[] = [];
  private maxQ: number[] = [];
  private minHead = 0;
  private maxHead = 0;

  push(t: number, p: bigint, windowMs: number): void {
    const i = this.samples.length;
    this.samples.push({ t, p });
    while (this.minQ.length > this.minHead && this.samples[this.minQ[this.minQ.length - 1]!]!.p >= p) this.minQ.pop();
    this.minQ.push(i);
    while (this.maxQ.length > this.maxHead && this.samples[this.maxQ[this.maxQ.length - 1]!]!.p <= p) this.maxQ.pop();
    this.maxQ.push(i);
    const cutoff = t - windowMs;
    while (this.head < this.samples.length && this.samples[this.head]!.t < cutoff) this.head++;
    while (this.minHead < this.minQ.length && this.minQ[this.minHead]! < this.head) this.minHead++;
    while (this.maxHead < this.maxQ.length && this.maxQ[this.maxHead]! < this.head) this.maxHead++;
    if (this.head > 4096 && this.head * 2 > this.samples.length) this.compact();
  }

  min(): bigint | undefined {
    const i = this.minQ[this.minHead];
    return i === undefined ? undefined : this.samples[i]!.p;
  }

  max(): bigint | undefined {
    const i = this.maxQ[this.maxHead];
    return i === undefined ? undefined : this.samples[i]!.p;
  }

  clear(): void {
    this.samples = [];
    this.minQ = [];
    this.maxQ = [];
    this.head = this.minHead = this.maxHead = 0;
  }

  private compact(): void {
    const shift = this.head;
    this.samples = this.samples.slice(shift);
    this.minQ = this.minQ.slice(this.minHead).map((i) => i - shift);
    this.maxQ = this.maxQ.slice(this.maxHead).map((i) => i - shift);
    this.head = this.minHead = this.maxHead = 0;
  }
}

/** No events: shared, frozen (callers only read the list). */
const NO_EVENTS: BreakerEvent[] = Object.freeze([]) as unknown as BreakerEvent[];

export class CircuitBreakers {
  readonly config: BreakerConfig;
  private readonly haltPctUnits: bigint;
  private readonly movePctUnits: bigint;
  private drawdownTrip: BreakerEvent | null = null;
  private readonly windows = new Map<string, PriceWindow>();
  private readonly blocks = new Map<string, { until: number; trip: BreakerEvent }>();
  private disconnectedSince: number | null = null;
  private disconnectTrip: BreakerEvent | null = null;
  private readonly attempts = new OrderRateWindow(MINUTE_MS);
  private rateTrip: BreakerEvent | null = null;
  /** blockedSymbols() until a block starts or ends: the gate asks for it on every order. */
  private blockedView: ReadonlyMap<string, string> | undefined;

  constructor(config: BreakerConfig = DEFAULT_BREAKERS) {
    const problems = validateBreakerConfig(config);
    if (problems.length > 0) throw new RangeError(`breaker configuration: ${problems.join('; ')}`);
    this.config = config;
    this.haltPctUnits = pctUnits(config.dailyDrawdown.haltPct);
    this.movePctUnits = pctUnits(config.instrumentMove.movePct);
  }

  /** The day's drawdown in pct units (EquityWatermarks.view().drawdownPct.daily). */
  observeDrawdown(dailyDrawdownPctUnits: bigint, now: number): BreakerEvent[] {
    const c = this.config.dailyDrawdown;
    if (!c.enabled) return this.tick(now);
    const out: BreakerEvent[] = [];
    // The messages are formatted only for a trip or a reset: this runs once a second.
    const shown = (): string => describeValue('pct', dailyDrawdownPctUnits);
    const limit = (): string => describeValue('pct', this.haltPctUnits);
    if (this.drawdownTrip === null && dailyDrawdownPctUnits >= this.haltPctUnits) {
      this.drawdownTrip = this.event('daily_drawdown', 'trip', now, `daily drawdown ${shown()} reached ${limit()}`, { kind: 'trading_state', to: 'HALTED' });
      out.push(this.drawdownTrip);
    } else if (this.drawdownTrip !== null && dailyDrawdownPctUnits < this.haltPctUnits) {
      this.drawdownTrip = null;
      out.push(this.event('daily_drawdown', 'reset', now, `daily drawdown ${shown()} is back under ${limit()}`, { kind: 'none' }));
    }
    return [...this.tick(now), ...out];
  }

  /** A price of an instrument (trade or mid). */
  observePrice(symbol: string, priceUnits: bigint, now: number): BreakerEvent[] {
    const out = this.tick(now);
    const c = this.config.instrumentMove;
    if (!c.enabled || priceUnits <= 0n) return out;
    let w = this.windows.get(symbol);
    if (!w) {
      w = new PriceWindow();
      this.windows.set(symbol, w);
    }
    w.push(now, priceUnits, c.windowMs);
    if (this.blocks.has(symbol)) return out;
    const lo = w.min()!;
    const hi = w.max()!;
    // (p - lo) / lo >= z  ⇔  (p - lo) * 100% >= lo * z, exactly.
    const up = (priceUnits - lo) * PCT_ONE_HUNDRED >= lo * this.movePctUnits;
    const down = (hi - priceUnits) * PCT_ONE_HUNDRED >= hi * this.movePctUnits;
    if (up || down) {
      const from = up ? lo : hi;
      const moved = ((up ? priceUnits - lo : hi - priceUnits) * PCT_ONE_HUNDRED) / from;
      const until = now + c.blockMs;
      const trip = this.event(
        'instrument_move',
        'trip',
        now,
        `${symbol} moved ${up ? '+' : '-'}${describeValue('pct', moved)} within ${c.windowMs / MINUTE_MS} min (threshold ${describeValue('pct', this.movePctUnits)})`,
        { kind: 'block_symbol', symbol, until },
        symbol,
      );
      this.blocks.set(symbol, { until, trip });
      this.blockedView = undefined;
      w.clear();
      // tick()'s list may be the shared empty one: a new list for the trip.
      return [...out, trip];
    }
    return out;
  }

  /** Venue connectivity as last seen. */
  observeVenue(connected: boolean, now: number): BreakerEvent[] {
    const out: BreakerEvent[] = [];
    if (connected) {
      this.disconnectedSince = null;
      if (this.disconnectTrip !== null) {
        this.disconnectTrip = null;
        out.push(this.event('venue_disconnect', 'reset', now, 'venue connected again', { kind: 'none' }));
      }
    } else if (this.disconnectedSince === null) this.disconnectedSince = now;
    return [...out, ...this.tick(now)];
  }

  /** An order attempt (sent or denied): the runaway-loop detector counts attempts, not fills. */
  recordOrderAttempt(now: number): BreakerEvent[] {
    this.attempts.record(now);
    return this.tick(now);
  }

  /** Time-driven evaluation: disconnect duration, block expiry, order-rate reset. Call about once a second. */
  tick(now: number): BreakerEvent[] {
    // Called on every order attempt: allocates only when something happens.
    let out: BreakerEvent[] | undefined;
    for (const [symbol, b] of this.blocks) {
      if (now >= b.until) {
        // Deleting the entry being visited is safe in a Map iteration.
        this.blocks.delete(symbol);
        this.blockedView = undefined;
        (out ??= []).push(this.event('instrument_move', 'reset', now, `${symbol} block ended`, { kind: 'unblock_symbol', symbol }, symbol));
      }
    }
    const d = this.config.venueDisconnect;
    if (d.enabled && this.disconnectedSince !== null && this.disconnectTrip === null && now - this.disconnectedSince > d.maxDisconnectedMs) {
      this.disconnectTrip = this.event('venue_disconnect', 'trip', now, `venue disconnected for ${Math.round((now - this.disconnectedSince) / 1000)} s (threshold ${d.maxDisconnectedMs / 1000} s)`, { kind: 'trading_state', to: 'REDUCING' });
      (out ??= []).push(this.disconnectTrip);
    }
    const r = this.config.orderRate;
    if (r.enabled) {
      const n = this.attempts.count(now, MINUTE_MS);
      if (this.rateTrip === null && n > r.maxPerMinute) {
        this.rateTrip = this.event('order_rate', 'trip', now, `${n} order attempts in the last minute (threshold ${r.maxPerMinute})`, { kind: 'trading_state', to: 'HALTED' });
        (out ??= []).push(this.rateTrip);
      } else if (this.rateTrip !== null && n <= r.maxPerMinute) {
        this.rateTrip = null;
        (out ??= []).push(this.event('order_rate', 'reset', now, `${n} order attempts in the last minute, back within ${r.maxPerMinute}`, { kind: 'none' }));
      }
    }
    return out ?? NO_EVENTS;
  }

  /**
   * After a round of observations at `now` (drawdown, every symbol's price, venue, tick): the time
   * before which the same observations again (same drawdown, prices and venue state, no order
   * attempt) can neither trip nor reset anything. A block ends at its `until`; a disconnection trips
   * once it lasts longer than the threshold; a tripped order-rate breaker may reset any time. A
   * price seen again cannot trip the move breaker: the window only loses older prices, so its low
   * only rises and its high only falls while the price stays inside (the kernel's idle jump).
   */
  quietUntil(now: number): number {
    let q = Number.POSITIVE_INFINITY;
    for (const b of this.blocks.values()) if (b.until < q) q = b.until;
    const d = this.config.venueDisconnect;
    if (d.enabled && this.disconnectedSince !== null && this.disconnectTrip === null) q = Math.min(q, this.disconnectedSince + d.maxDisconnectedMs);
    if (this.config.orderRate.enabled && this.rateTrip !== null) q = now;
    return q;
  }

  /** Why new exposure in one symbol is blocked, or undefined (the trading guard asks per child: no map built). */
  blockOf(symbol: string): string | undefined {
    return this.blocks.get(symbol)?.trip.cause;
  }

  /** Symbols where new exposure is blocked, with the cause: feed RiskInputs.blocked. */
  blockedSymbols(): ReadonlyMap<string, string> {
    return (this.blockedView ??= new Map([...this.blocks.entries()].map(([s, b]) => [s, b.trip.cause])));
  }

  status(): BreakerStatus[] {
    const c = this.config;
    return [
      { breaker: 'daily_drawdown', enabled: c.dailyDrawdown.enabled, tripped: this.drawdownTrip !== null, since: this.drawdownTrip?.at ?? null, thresholds: { haltPct: c.dailyDrawdown.haltPct } },
      {
        breaker: 'instrument_move',
        enabled: c.instrumentMove.enabled,
        tripped: this.blocks.size > 0,
        since: this.blocks.size > 0 ? Math.min(...[...this.blocks.values()].map((b) => b.trip.at)) : null,
        symbols: [...this.blocks.entries()].map(([symbol, b]) => ({ symbol, until: b.until, cause: b.trip.cause })).sort((a, b) => a.symbol.localeCompare(b.symbol)),
        thresholds: { movePct: c.instrumentMove.movePct, windowMs: c.instrumentMove.windowMs, blockMs: c.instrumentMove.blockMs },
      },
      { breaker: 'venue_disconnect', enabled: c.venueDisconnect.enabled, tripped: this.disconnectTrip !== null, since: this.disconnectTrip?.at ?? null, thresholds: { maxDisconnectedMs: c.venueDisconnect.maxDisconnectedMs } },
      { breaker: 'order_rate', enabled: c.orderRate.enabled, tripped: this.rateTrip !== null, since: this.rateTrip?.at ?? null, thresholds: { maxPerMinute: c.orderRate.maxPerMinute } },
    ];
  }

  private event(breaker: BreakerName, type: 'trip' | 'reset', at: number, cause: string, action: BreakerAction, symbol?: string): BreakerEvent {
    const e: BreakerEvent = { breaker, type, at, code: CODES[breaker], cause, action };
    if (symbol !== undefined) e.symbol = symbol;
    return e;
  }
}
