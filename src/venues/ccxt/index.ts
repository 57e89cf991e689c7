/**
 * Opening a live venue: load ccxt (lazily), build the exchange, one shared throttle, load the
 * markets (one request on Binance) and resolve them into instruments. Importing this file does not
 * load ccxt; calling openCcxtVenue does.
 */
import type { Clock } from '../../core/clock.ts';
import { CcxtVenue } from './ccxt-venue.ts';
import type { CcxtVenueOptions } from './ccxt-venue.ts';
import type { CcxtErrorClasses } from './errors.ts';
import type { ExchangeConfig } from './exchange-factory.ts';
import { createExchange } from './exchange-factory.ts';
import { loadCcxt } from './load.ts';
import { instrumentsFromMarkets } from './markets.ts';
import { createRedactor } from './redact.ts';
import { VenueSession } from './session.ts';
import { PRIORITY, WeightThrottle } from './throttle.ts';

export { CcxtVenue } from './ccxt-venue.ts';
export type { LiveVenuePort, VenueConnection, VenueOpenOrder, VenueRequestOutcome } from './port.ts';
export { VenueRequestError } from './port.ts';
import { VenueRequestError } from './port.ts';
export type { VenueAlert } from './session.ts';

export interface CcxtVenueConfig extends ExchangeConfig {
  clock: Clock;
  /** Watched symbols (book and trades polled), e.g. ["BTC/USDT"]. */
  symbols: string[];
  /**
   * The exchange's request-weight budget per window. Default: Binance's 6000 per minute; other
   * exchanges: ccxt's own sustained rate (one cost unit per `rateLimit` ms).
   */
  weightBudget?: { limit: number; windowMs: number };
  /** Exchange weight per ccxt cost unit (default Binance 5, others 1). */
  weightPerCost?: number;
  /** Share of the budget Strata may use (default 0.8): room for the operator's other tools on the same IP. */
  rateLimitFactor?: number;
  currency?: string;
  pollMs?: CcxtVenueOptions['pollMs'];
  notFoundLimit?: number;
  inFlightMs?: number;
  backoffMs?: { base: number; max: number };
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

const BINANCE_BUDGET = { limit: 6000, windowMs: 60_000, weightPerCost: 5 };

export async function openCcxtVenue(config: CcxtVenueConfig): Promise<CcxtVenue> {
  const ccxt = await loadCcxt();
  const exchange = await createExchange(config, ccxt);
  const binance = exchange.id === 'binance' || exchange.id === 'binanceus';
  const budget = config.weightBudget ?? (binance ? BINANCE_BUDGET : { limit: 60_000 / (exchange.rateLimit ?? 1000), windowMs: 60_000 });
  const weightPerCost = config.weightPerCost ?? (binance ? BINANCE_BUDGET.weightPerCost : 1);
  const factor = config.rateLimitFactor ?? 0.8;
  if (!(factor > 0 && factor <= 1)) throw new RangeError(`rateLimitFactor must be in (0, 1], got ${factor}`);
  const throttle = new WeightThrottle({ clock: config.clock, limit: budget.limit * factor, windowMs: budget.windowMs });
  const session = new VenueSession({
    exchange,
    errors: ccxt as unknown as CcxtErrorClasses,
    clock: config.clock,
    throttle,
    weightPerCost,
    redact: createRedactor([config.apiKey, config.secret]),
    ...(config.backoffMs ? { backoffMs: config.backoffMs } : {}),
    ...(config.log ? { log: config.log } : {}),
  });
  const markets = await session.read(PRIORITY.check, (ex) => ex.loadMarkets().then(() => Object.values(ex.markets ?? {})));
  const { specs, skipped } = instrumentsFromMarkets(markets, exchange.precisionMode ?? 4);
  const unknown = config.symbols.filter((s) => !specs.some((i) => i.symbol === s));
  if (unknown.length > 0) {
    const why = unknown.map((s) => skipped.find((k) => k.symbol === s)?.reason ?? 'not listed').join('; ');
    throw new VenueRequestError('UNKNOWN_SYMBOL', `${exchange.id} cannot trade ${unknown.join(', ')}: ${why}`, 'rejected');
  }
  const opts: CcxtVenueOptions = { session, clock: config.clock, instruments: specs, skipped, symbols: config.symbols };
  if (config.currency) opts.currency = config.currency;
  if (config.pollMs) opts.pollMs = config.pollMs;
  if (config.notFoundLimit !== undefined) opts.notFoundLimit = config.notFoundLimit;
  if (config.inFlightMs !== undefined) opts.inFlightMs = config.inFlightMs;
  if (config.log) opts.log = config.log;
  return new CcxtVenue(opts);
}
