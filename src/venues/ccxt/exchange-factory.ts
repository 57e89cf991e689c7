import type { Exchange } from 'ccxt';
import type { CcxtModule } from './load.ts';
import { loadCcxt } from './load.ts';

/** How to build one ccxt exchange instance. */
export interface ExchangeConfig {
  /** Any ccxt exchange id ("binance", "kraken", …). Binance spot is the one tested end to end. */
  exchangeId: string;
  apiKey?: string;
  secret?: string;
  /**
   * Replaces scheme and host of every `urls.api` entry and keeps the paths: a testnet, a gateway,
   * or the loopback exchange (http://127.0.0.1:PORT). A path on it is put before each original path.
   */
  apiUrl?: string;
  /** Request timeout, ms (ccxt's default is 10 s). */
  timeoutMs?: number;
  /** Extra ccxt options, merged over the defaults below. */
  options?: Record<string, unknown>;
  /** ccxt's verbose mode prints request headers, the API key among them: refused on a keyed instance. */
  verbose?: boolean;
}

export class ExchangeConfigError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ExchangeConfigError';
    this.code = code;
  }
}

/**
 * Binance-family defaults: spot markets only, no currency and margin look-ups, so that
 * loadMarkets makes one request (with ccxt's defaults and keys it makes seven, and any of them
 * failing fails the whole load). The trades poll uses /api/v3/trades, which carries trade ids.
 */
const BINANCE_OPTIONS = {
  fetchMarkets: { types: ['spot'] },
  fetchCurrencies: false,
  fetchMargins: false,
  fetchTradesMethod: 'publicGetTrades',
  // One signed account read, not the sapi funding wallet.
  fetchBalance: { type: 'spot' },
  // Reconciliation wants every open order in one request (weight 80), not one per symbol.
  fetchOpenOrders: { warnWithoutSymbol: false },
  warnOnFetchOpenOrdersWithoutSymbol: false,
};

const BINANCE_IDS = new Set(['binance', 'binanceus']);

/** Rewrites scheme and host of every URL string in a (nested) urls.api value. */
export function rewriteApiUrls<T>(api: T, apiUrl: string): T {
  const m = /^(https?):\/\/([^/?#]+)(\/[^?#]*)?$/i.exec(apiUrl.trim());
  if (!m) throw new ExchangeConfigError('BAD_API_URL', `API URL override must look like http(s)://host[:port][/path], got "${apiUrl}"`);
  const scheme = m[1]!.toLowerCase();
  const host = m[2]!;
  const prefix = (m[3] ?? '').replace(/\/+$/, '');
  const wsScheme = scheme === 'https' ? 'wss' : 'ws';
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const u = /^(https?|wss?):\/\/[^/?#]+(.*)$/i.exec(v);
      if (!u) return v;
      const s = u[1]!.toLowerCase().startsWith('ws') ? wsScheme : scheme;
      return `${s}://${host}${prefix}${u[2]!}`;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(api) as T;
}

/**
 * Builds a ccxt exchange. Loads ccxt lazily (or uses the module given). ccxt's own retries
 * (`maxRetriesOnFailure`) stay off: they would resend a timed-out create.
 */
export async function createExchange(config: ExchangeConfig, module?: CcxtModule): Promise<Exchange> {
  const ccxt = module ?? (await loadCcxt());
  const id = config.exchangeId.trim().toLowerCase();
  const Ctor = (ccxt as unknown as Record<string, unknown>)[id];
  if (!Object.prototype.hasOwnProperty.call(ccxt.exchanges, id) || typeof Ctor !== 'function') {
    throw new ExchangeConfigError('UNKNOWN_EXCHANGE', `"${config.exchangeId}" is not a ccxt exchange id (e.g. binance, kraken, okx)`);
  }
  const keyed = Boolean(config.apiKey) || Boolean(config.secret);
  if (config.verbose && keyed) {
    throw new ExchangeConfigError('VERBOSE_WITH_KEYS', 'verbose mode prints the API key header: it is refused on an exchange with keys');
  }
  const userOptions = config.options ?? {};
  if (Number(userOptions['maxRetriesOnFailure'] ?? 0) > 0) {
    throw new ExchangeConfigError('RETRIES_REFUSED', 'maxRetriesOnFailure would resend timed-out creates: it must stay 0');
  }
  const options = { ...(BINANCE_IDS.has(id) ? BINANCE_OPTIONS : {}), ...userOptions, maxRetriesOnFailure: 0 };
  const args: Record<string, unknown> = { enableRateLimit: true, options };
  if (config.apiKey) args['apiKey'] = config.apiKey;
  if (config.secret) args['secret'] = config.secret;
  if (config.timeoutMs !== undefined) args['timeout'] = config.timeoutMs;
  const ex = new (Ctor as new (a: Record<string, unknown>) => Exchange)(args);
  ex.verbose = Boolean(config.verbose) && !keyed;
  if (config.apiUrl) ex.urls['api'] = rewriteApiUrls(ex.urls['api'], config.apiUrl);
  return ex;
}
