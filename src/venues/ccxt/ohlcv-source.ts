/**
 * Public candles from an exchange through ccxt, for `strata data download`: the exchange built by
 * the same factory as the live venue (no keys: candles are public), every request through one
 * VenueSession, so the download shares the venue's rate limiting and retry rules: the sliding-window
 * weight throttle (Binance: 6,000 weight a minute, of which this uses `rateLimitFactor`), a 429's or
 * 418's Retry-After pausing every request, and reads retried with exponential backoff and full jitter
 * on network errors, timeouts, 5xx and rate limits, a bounded number of times. A failure after the
 * last attempt is a VenueFaultError with Strata's code (VENUE_UNAVAILABLE, VENUE_RATE_LIMITED, …).
 * Importing this file does not load ccxt; opening a source does.
 */
import { WallClock } from '../../core/clock.ts';
import type { Clock } from '../../core/clock.ts';
import type { Candle, OhlcvPageSource } from '../../marketdata/download.ts';
import type { CcxtErrorClasses } from './errors.ts';
import { createExchange } from './exchange-factory.ts';
import { loadCcxt } from './load.ts';
import { VenueRequestError } from './port.ts';
import { createRedactor } from './redact.ts';
import { VenueSession } from './session.ts';
import { PRIORITY, WeightThrottle } from './throttle.ts';

export interface OhlcvSourceOptions {
  exchangeId: string;
  /** API base URL override (a gateway, the loopback exchange on 127.0.0.1). */
  apiUrl?: string;
  timeoutMs?: number;
  /** Attempts per page before the download fails (default 5). */
  attempts?: number;
  /** Backoff base and cap, ms (default 500 / 15,000). */
  backoffMs?: { base: number; max: number };
  /** Share of the exchange's weight budget used (default 0.5: a download must leave room for a running engine on the same IP). */
  rateLimitFactor?: number;
  clock?: Clock;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

export interface OhlcvSource extends OhlcvPageSource {
  readonly exchangeId: string;
  /** Requests sent (each attempt counts). */
  readonly requests: number;
  close(): void;
}

const BINANCE = { limit: 6000, windowMs: 60_000, weightPerCost: 5 };

/** Opens the exchange (one markets request) and checks that it has `symbol` and serves candles at `timeframe`. */
export async function openOhlcvSource(o: OhlcvSourceOptions, symbol: string, timeframe: string): Promise<OhlcvSource> {
  const ccxt = await loadCcxt();
  const exchange = await createExchange({ exchangeId: o.exchangeId, ...(o.apiUrl ? { apiUrl: o.apiUrl } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) }, ccxt);
  if (!exchange.has['fetchOHLCV']) throw new VenueRequestError('VENUE_NOT_SUPPORTED', `${exchange.id} has no candle history through ccxt (fetchOHLCV)`, 'rejected');
  const timeframes = (exchange.timeframes ?? {}) as Record<string, unknown>;
  if (Object.keys(timeframes).length > 0 && !Object.hasOwn(timeframes, timeframe)) {
    throw new VenueRequestError('BAD_TIMEFRAME', `${exchange.id} has no ${timeframe} candles (it has ${Object.keys(timeframes).join(', ')})`, 'rejected');
  }
  const binance = exchange.id === 'binance' || exchange.id === 'binanceus';
  const budget = binance ? BINANCE : { limit: 60_000 / (exchange.rateLimit || 1000), windowMs: 60_000, weightPerCost: 1 };
  const factor = o.rateLimitFactor ?? 0.5;
  if (!(factor > 0 && factor <= 1)) throw new RangeError(`rateLimitFactor must be in (0, 1], got ${factor}`);
  const clock = o.clock ?? new WallClock();
  const throttle = new WeightThrottle({ clock, limit: budget.limit * factor, windowMs: budget.windowMs });
  let requests = 0;
  const session = new VenueSession({
    exchange,
    errors: ccxt as unknown as CcxtErrorClasses,
    clock,
    throttle,
    weightPerCost: budget.weightPerCost,
    redact: createRedactor([]),
    readAttempts: o.attempts ?? 5,
    backoffMs: o.backoffMs ?? { base: 500, max: 15_000 },
    ...(o.log ? { log: o.log } : {}),
  });
  const read = <T>(fn: Parameters<VenueSession['read']>[1]) => session.read(PRIORITY.data, (ex) => {
    requests++;
    return fn(ex) as Promise<T>;
  });
  await read(async (ex) => ex.loadMarkets());
  if (!exchange.markets?.[symbol]) throw new VenueRequestError('UNKNOWN_SYMBOL', `${exchange.id} lists no market ${symbol}`, 'rejected');
  return {
    exchangeId: exchange.id,
    get requests() {
      return requests;
    },
    async fetchPage(since: number, until: number, limit: number): Promise<Candle[]> {
      // `until` is ccxt's unified end parameter (Binance: endTime), so the last page stops at the window's end.
      const rows = await read<(number | undefined)[][]>((ex) => ex.fetchOHLCV(symbol, timeframe, since, limit, { until }));
      return rows.map((r) => ({ time: Number(r[0]), open: Number(r[1]), high: Number(r[2]), low: Number(r[3]), close: Number(r[4]), volume: Number(r[5] ?? 0) }));
    },
    close() {
      throttle.close('download finished');
      if (clock instanceof WallClock) clock.dispose();
    },
  };
}
