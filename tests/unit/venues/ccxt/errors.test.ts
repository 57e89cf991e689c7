import { beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from 'ccxt';
import type { CcxtErrorClasses, FaultKind } from '../../../../src/venues/ccxt/errors.ts';
import { classifyError, createVerdict, readRetryable } from '../../../../src/venues/ccxt/errors.ts';
import type { CreateVerdict } from '../../../../src/venues/ccxt/errors.ts';
import { createExchange } from '../../../../src/venues/ccxt/exchange-factory.ts';
import type { CcxtModule } from '../../../../src/venues/ccxt/load.ts';
import { loadCcxt } from '../../../../src/venues/ccxt/load.ts';
import { createRedactor } from '../../../../src/venues/ccxt/redact.ts';

/**
 * Error classification against the classes the REAL ccxt binance client throws, through its
 * fetchImplementation seam: ccxt keeps the production URLs, so its spot error table applies as it
 * does live. Each row is one line of the fault table in issue 13.
 */
const KEY = 'unit-key-0123456789abcdef';
const SECRET = 'unit-secret-fedcba9876543210';

const EXCHANGE_INFO = {
  serverTime: 1,
  rateLimits: [],
  symbols: [
    {
      symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', baseAssetPrecision: 8, quotePrecision: 8, quoteAssetPrecision: 8,
      orderTypes: ['LIMIT', 'MARKET'], isSpotTradingAllowed: true, permissionSets: [['SPOT']],
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '0.01', maxPrice: '1000000', tickSize: '0.01' },
        { filterType: 'LOT_SIZE', minQty: '0.00001', maxQty: '9000', stepSize: '0.00001' },
        { filterType: 'NOTIONAL', minNotional: '5' },
      ],
    },
  ],
};

type Reply = { status: number; body?: unknown; text?: string; headers?: Record<string, string> } | 'timeout' | 'refused';

let ccxt: CcxtModule;
let ex: Exchange;
let next: Reply = { status: 200, body: {} };
let lastUrl = '';

beforeAll(async () => {
  ccxt = await loadCcxt();
  ex = await createExchange({ exchangeId: 'binance', apiKey: KEY, secret: SECRET, timeoutMs: 200 }, ccxt);
  (ex as unknown as { fetchImplementation: unknown }).fetchImplementation = (url: string, init: { signal?: AbortSignal }) => {
    lastUrl = url;
    if (url.includes('/exchangeInfo')) return Promise.resolve(new Response(JSON.stringify(EXCHANGE_INFO), { status: 200 }));
    const r = next;
    if (r === 'refused') return Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') }));
    if (r === 'timeout') {
      return new Promise((_res, rej) => init.signal?.addEventListener('abort', () => rej(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    }
    return Promise.resolve(new Response(r.text ?? JSON.stringify(r.body), { status: r.status, headers: r.headers ?? {} }));
  };
  await ex.loadMarkets();
});

async function thrown(reply: Reply, call: (e: Exchange) => Promise<unknown>): Promise<unknown> {
  next = reply;
  try {
    await call(ex);
  } catch (err) {
    return err;
  }
  throw new Error('expected ccxt to throw');
}

const create = (e: Exchange) => e.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60000, { clientOrderId: 'U-000001' });
const cancel = (e: Exchange) => e.cancelOrder('', 'BTC/USDT', { clientOrderId: 'U-000001' });
const err = (code: number, msg: string) => ({ code, msg });

const ROWS: { what: string; reply: Reply; call: (e: Exchange) => Promise<unknown>; ccxtClass: string; kind: FaultKind; verdict: CreateVerdict }[] = [
  { what: '429', reply: { status: 429, body: err(-1003, 'Too much request weight used'), headers: { 'Retry-After': '3' } }, call: create, ccxtClass: 'DDoSProtection', kind: 'rate_limited', verdict: 'retry' },
  { what: '418', reply: { status: 418, body: err(-1003, 'Way too much request weight used; IP banned'), headers: { 'Retry-After': '120' } }, call: create, ccxtClass: 'DDoSProtection', kind: 'banned', verdict: 'retry' },
  { what: '503', reply: { status: 503, text: 'Service Unavailable' }, call: create, ccxtClass: 'ExchangeNotAvailable', kind: 'unavailable', verdict: 'unresolved' },
  { what: '502', reply: { status: 502, text: 'Bad Gateway' }, call: create, ccxtClass: 'ExchangeNotAvailable', kind: 'unavailable', verdict: 'unresolved' },
  { what: 'no reply', reply: 'timeout', call: create, ccxtClass: 'RequestTimeout', kind: 'timeout', verdict: 'unresolved' },
  { what: 'connection refused', reply: 'refused', call: create, ccxtClass: 'NetworkError', kind: 'network', verdict: 'retry' },
  { what: '-2010 insufficient balance', reply: { status: 400, body: err(-2010, 'Account has insufficient balance for requested action.') }, call: create, ccxtClass: 'InsufficientFunds', kind: 'insufficient_funds', verdict: 'refused' },
  { what: '-1013 LOT_SIZE', reply: { status: 400, body: err(-1013, 'Filter failure: LOT_SIZE') }, call: create, ccxtClass: 'InvalidOrder', kind: 'invalid_order', verdict: 'refused' },
  { what: '-1013 NOTIONAL', reply: { status: 400, body: err(-1013, 'Filter failure: NOTIONAL') }, call: create, ccxtClass: 'BadRequest', kind: 'bad_request', verdict: 'refused' },
  { what: '-2010 duplicate', reply: { status: 400, body: err(-2010, 'Duplicate order sent.') }, call: create, ccxtClass: 'InvalidOrder', kind: 'duplicate_client_id', verdict: 'adopt' },
  { what: '-1021 timestamp', reply: { status: 400, body: err(-1021, 'Timestamp for this request is outside of the recvWindow.') }, call: create, ccxtClass: 'InvalidNonce', kind: 'clock_skew', verdict: 'resync' },
  { what: '-1022 signature', reply: { status: 400, body: err(-1022, 'Signature for this request is not valid.') }, call: create, ccxtClass: 'AuthenticationError', kind: 'auth', verdict: 'rejected' },
  { what: '-2015 key', reply: { status: 401, body: err(-2015, 'Invalid API-key, IP, or permissions for action.') }, call: create, ccxtClass: 'AuthenticationError', kind: 'auth', verdict: 'rejected' },
  { what: '-2011 unknown order on cancel', reply: { status: 400, body: err(-2011, 'Unknown order sent.') }, call: cancel, ccxtClass: 'OrderNotFound', kind: 'order_not_found', verdict: 'refused' },
  { what: '-2013 order does not exist', reply: { status: 400, body: err(-2013, 'Order does not exist.') }, call: (e) => e.fetchOrder('', 'BTC/USDT', { clientOrderId: 'U-1' }), ccxtClass: 'OrderNotFound', kind: 'order_not_found', verdict: 'refused' },
];

describe('classifyError with the real ccxt binance client', () => {
  for (const row of ROWS) {
    it(`when the exchange answers ${row.what} then ccxt throws ${row.ccxtClass} and Strata reads ${row.kind} (create: ${row.verdict})`, async () => {
      const e = await thrown(row.reply, row.call);
      expect((e as Error).constructor.name).toBe(row.ccxtClass);
      const f = classifyError(e, ccxt as unknown as CcxtErrorClasses);
      expect(f.kind).toBe(row.kind);
      expect(f.ccxtClass).toBe(row.ccxtClass);
      expect(createVerdict(f, (e as Error).message)).toBe(row.verdict);
    });
  }

  it('when OrderNotFound is thrown then it is not mistaken for its parent InvalidOrder', async () => {
    const e = await thrown({ status: 400, body: err(-2011, 'Unknown order sent.') }, cancel);
    expect(e).toBeInstanceOf(ccxt.InvalidOrder);
    expect(classifyError(e, ccxt as unknown as CcxtErrorClasses).kind).toBe('order_not_found');
  });

  it('when a reply carries the exchange code then the reason names it', async () => {
    const e = await thrown({ status: 400, body: err(-1013, 'Filter failure: NOTIONAL') }, create);
    const f = classifyError(e, ccxt as unknown as CcxtErrorClasses);
    expect(f.venueCode).toBe('-1013');
    expect(f.message).toBe('-1013: Filter failure: NOTIONAL');
    expect(f.code).toBe('VENUE_BAD_REQUEST');
  });

  it('when a network error carries the signed URL then the classified message has no signature and no key', async () => {
    const e = await thrown('timeout', (x) => x.fetchBalance());
    expect(lastUrl).toContain('signature=');
    const raw = (e as Error).message;
    const f = classifyError(e, ccxt as unknown as CcxtErrorClasses, createRedactor([KEY, SECRET]));
    expect(raw).toMatch(/signature=[0-9a-f]{64}/);
    expect(f.message).not.toMatch(/signature=[0-9a-f]/);
    expect(f.message).not.toContain(KEY);
    expect(f.message).not.toContain(SECRET);
  });

  it('when faults are transient then reads retry them; when the venue proved a refusal they do not', () => {
    const kinds: FaultKind[] = ['rate_limited', 'banned', 'unavailable', 'timeout', 'network', 'clock_skew', 'bad_response'];
    for (const kind of kinds) expect(readRetryable({ kind, code: '', message: '', ccxtClass: '' })).toBe(true);
    for (const kind of ['auth', 'insufficient_funds', 'invalid_order', 'order_not_found', 'bad_request'] as FaultKind[]) {
      expect(readRetryable({ kind, code: '', message: '', ccxtClass: '' })).toBe(false);
    }
  });

  it('when something that is not an error is thrown then it is unknown and a create stays unresolved', () => {
    const f = classifyError('boom', ccxt as unknown as CcxtErrorClasses);
    expect(f.kind).toBe('unknown');
    expect(createVerdict(f)).toBe('unresolved');
  });
});
