import { describe, expect, it } from 'vitest';
import { replayCashCurrency } from '../../../../renderer/src/state/replay.ts';

const DEMO = '/srv/strata/assets/demo/binance_XRPETH_trades_20191011-13.csv';

describe('the replay form’s Cash currency', () => {
  it('when no file is loaded then the currency is the quote the file name says, as the engine reads it', () => {
    expect(replayCashCurrency(DEMO, null)).toEqual({ currency: 'ETH', from: 'the quote of XRP/ETH, read from the file name' });
    expect(replayCashCurrency('C:\\tapes\\BTCUSDT-trades.csv', null).currency).toBe('USDT');
  });

  it('when the file name names no instrument then no currency is claimed and the form says it comes once loaded', () => {
    expect(replayCashCurrency('/tmp/session.jsonl', null)).toEqual({ currency: null, from: 'the recording’s quote currency, named once it is loaded' });
    expect(replayCashCurrency('', null).currency).toBeNull();
  });

  it('when the file is loaded then the loaded instruments’ quote names it; another path typed reads that path', () => {
    const loaded = { loaded: true, file: '/tmp/session.jsonl', symbols: ['BTC/USDT', 'ETH/USDT'] };
    expect(replayCashCurrency('/tmp/session.jsonl', loaded)).toEqual({ currency: 'USDT', from: 'the quote of BTC/USDT, ETH/USDT' });
    expect(replayCashCurrency(DEMO, loaded).currency).toBe('ETH');
  });
});
