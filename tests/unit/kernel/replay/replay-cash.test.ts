import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT_CASH, defaultReplayCash, limitsForCash, medianTradeNotional, oneSignificant } from '../../../../src/kernel/replay/replay-cash.ts';
import { loadMarketFile } from '../../../../src/marketdata/recording.ts';
import type { LoadedMarket } from '../../../../src/marketdata/recording.ts';
import { defaultLimitBook } from '../../../../src/risk/limits.ts';

const TAPE = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_trades_20191011-13.csv');

function market(currency: string, trades: [string, string][]): LoadedMarket {
  const t = trades.map(([p, q], i) => ({ timestampMs: 1000 + i, tradeId: String(i), side: 'buy' as const, priceText: p, amountText: q }));
  return { format: 'recording', currency, tapes: [{ instrument: { symbol: `X/${currency}` } as LoadedMarket['tapes'][number]['instrument'], trades: t }], start: 1000, end: 1000 + t.length - 1, events: t.length };
}

describe('replay account cash', () => {
  it('when the quote is fiat or a stablecoin then the account keeps the demo size and the default limits as they are', () => {
    expect(defaultReplayCash(market('USD', [['100', '1']]))).toBe(DEMO_ACCOUNT_CASH);
    expect(defaultReplayCash(market('usdt', [['100', '1']]))).toBe(DEMO_ACCOUNT_CASH);
    expect(limitsForCash(DEMO_ACCOUNT_CASH)).toEqual(defaultLimitBook());
  });

  it('when the XRP/ETH tape is loaded then its account holds 100 ETH: 1,000 x its median trade of 0.1006 ETH', () => {
    const m = loadMarketFile(readFileSync(TAPE, 'utf8'), TAPE);
    expect(m.currency).toBe('ETH');
    expect(medianTradeNotional(m)).toBeCloseTo(0.10062216, 8);
    expect(defaultReplayCash(m)).toBe('100');
  });

  it('when the median is taken then an even count averages the middle two', () => {
    expect(medianTradeNotional(market('BTC', [['1', '1'], ['2', '1'], ['3', '1'], ['10', '1']]))).toBe(2.5);
    expect(defaultReplayCash(market('BTC', [['0.00002', '10']]))).toBe('0.2');
  });

  it('when an amount is rounded to one significant digit then it is the nearest and plain decimal text', () => {
    expect(oneSignificant(100.6)).toBe('100');
    expect(oneSignificant(96)).toBe('100');
    expect(oneSignificant(349)).toBe('300');
    expect(oneSignificant(0.0347)).toBe('0.03');
    expect(oneSignificant(7)).toBe('7');
    expect(oneSignificant(1e-12)).toBe('0.00000001');
    expect(() => oneSignificant(0)).toThrow(RangeError);
  });

  it('when the account is 100 then every money level of the default book is scaled by 1e-4 and the others are untouched', () => {
    const base = defaultLimitBook();
    const scaled = limitsForCash('100');
    const by = (b: typeof base, name: string) => b.entries.find((e) => e.name === name && e.scope.kind === 'global')!;
    // min_cash_buffer 50,000 / 100,000 on a 1,000,000 account: 5 / 10 on a 100 one.
    expect(by(scaled, 'min_cash_buffer').hard * 10_000n).toBe(by(base, 'min_cash_buffer').hard);
    expect(by(scaled, 'max_order_notional').soft! * 10_000n).toBe(by(base, 'max_order_notional').soft!);
    expect(by(scaled, 'max_daily_loss').hard * 10_000n).toBe(by(base, 'max_daily_loss').hard);
    expect(by(scaled, 'max_position_pct_nav')).toEqual(by(base, 'max_position_pct_nav'));
    expect(by(scaled, 'max_orders_per_minute')).toEqual(by(base, 'max_orders_per_minute'));
    expect(scaled.groups).toEqual(base.groups);
  });
});
