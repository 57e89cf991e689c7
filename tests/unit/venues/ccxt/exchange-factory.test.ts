import { beforeAll, describe, expect, it } from 'vitest';
import { ExchangeConfigError, createExchange, rewriteApiUrls } from '../../../../src/venues/ccxt/exchange-factory.ts';
import type { CcxtModule } from '../../../../src/venues/ccxt/load.ts';
import { loadCcxt } from '../../../../src/venues/ccxt/load.ts';

let ccxt: CcxtModule;
beforeAll(async () => {
  ccxt = await loadCcxt();
});

describe('createExchange', () => {
  it('when an API URL override is given then every urls.api entry gets its host and keeps its path', async () => {
    const plain = await createExchange({ exchangeId: 'binance' }, ccxt);
    const ex = await createExchange({ exchangeId: 'binance', apiUrl: 'http://127.0.0.1:9999' }, ccxt);
    const before = plain.urls['api'] as Record<string, string>;
    const after = ex.urls['api'] as Record<string, string>;
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const [k, url] of Object.entries(before)) {
      const path = new URL(url).pathname;
      expect(after[k]).toBe(`http://127.0.0.1:9999${path}`);
    }
  });

  it('when the override has a path then it is put before each original path, and websockets follow the scheme', () => {
    expect(rewriteApiUrls({ a: 'https://api.x.com/api/v3', ws: 'wss://stream.x.com/ws', n: { b: 'https://y.com/v1' } }, 'https://gw.local/binance/')).toEqual({
      a: 'https://gw.local/binance/api/v3',
      ws: 'wss://gw.local/binance/ws',
      n: { b: 'https://gw.local/binance/v1' },
    });
    expect(() => rewriteApiUrls({}, 'ftp://nope')).toThrow(ExchangeConfigError);
  });

  it('when verbose is asked on an instance with keys then it is refused; without keys it is allowed', async () => {
    await expect(createExchange({ exchangeId: 'binance', apiKey: 'k', secret: 's', verbose: true }, ccxt)).rejects.toMatchObject({ code: 'VERBOSE_WITH_KEYS' });
    const ex = await createExchange({ exchangeId: 'binance', verbose: true }, ccxt);
    expect(ex.verbose).toBe(true);
  });

  it('when built then ccxt never retries by itself and Binance loads spot markets only', async () => {
    const ex = await createExchange({ exchangeId: 'binance', apiKey: 'k', secret: 's' }, ccxt);
    expect(ex.options['maxRetriesOnFailure']).toBe(0);
    expect(ex.options['fetchMarkets']).toMatchObject({ types: ['spot'] });
    expect(ex.options['fetchCurrencies']).toBe(false);
    expect(ex.verbose).toBe(false);
    await expect(createExchange({ exchangeId: 'binance', options: { maxRetriesOnFailure: 2 } }, ccxt)).rejects.toMatchObject({ code: 'RETRIES_REFUSED' });
  });

  it('when the exchange id is not a ccxt exchange then the error says so', async () => {
    await expect(createExchange({ exchangeId: 'nosuchexchange' }, ccxt)).rejects.toMatchObject({ code: 'UNKNOWN_EXCHANGE' });
    const kraken = await createExchange({ exchangeId: 'Kraken' }, ccxt);
    expect(kraken.id).toBe('kraken');
  });
});
