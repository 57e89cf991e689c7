import type { Balances, Market, Trade } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { resolveInstrument } from '../../../../src/core/instrument.ts';
import { PRECISION_MODE, accountFromBalances, instrumentsFromMarkets, plainDecimal, venueUnits } from '../../../../src/venues/ccxt/markets.ts';
import { OrderTracker } from '../../../../src/venues/ccxt/order-tracker.ts';

type MarketPrecision = NonNullable<Market>['precision'];
const market = (over: Partial<Market>): Market => ({ id: 'BTCUSDT', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', spot: true, type: 'spot', active: true, precision: { amount: 0.00001, price: 0.01 }, limits: { cost: { min: 5 } }, maker: 0.001, taker: 0.001, ...over }) as unknown as Market;

describe('markets → instruments', () => {
  it('when ccxt gives tick sizes then tick, lot, min notional and fees become an instrument spec', () => {
    const { specs, skipped } = instrumentsFromMarkets([market({})], PRECISION_MODE.TICK_SIZE);
    expect(skipped).toEqual([]);
    expect(specs).toEqual([{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', kind: 'crypto', tickSize: '0.01', lotSize: '0.00001', minNotional: '5', makerFeeBps: 10, takerFeeBps: 10, tradable: true }]);
    expect(resolveInstrument(specs[0]!).lotUnits).toBe(1n);
  });

  it('when ccxt gives decimal places then they become steps', () => {
    const { specs } = instrumentsFromMarkets([market({ precision: { amount: 3, price: 2 } as MarketPrecision })], PRECISION_MODE.DECIMAL_PLACES);
    expect(specs[0]).toMatchObject({ tickSize: '0.01', lotSize: '0.001' });
  });

  it('when a market needs more decimals than the cash scale, or is not spot, then it is skipped with the reason', () => {
    const { specs, skipped } = instrumentsFromMarkets([market({ symbol: 'SHIB/USDT', precision: { amount: 0.0001, price: 1e-8 } as MarketPrecision }), market({ symbol: 'BTC/USDT:USDT', spot: false, type: 'swap' })], PRECISION_MODE.TICK_SIZE);
    expect(specs).toEqual([]);
    expect(skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/more than 8 decimals/), expect.stringMatching(/not a spot market/)]);
  });

  it('when a venue number carries float noise then it is rounded to the unit, exact numbers stay exact', () => {
    expect(venueUnits(0.30000000000000004, 8)).toBe(30_000_000n);
    expect(venueUnits('64000.01', 2)).toBe(6_400_001n);
    expect(plainDecimal(1e-8)).toBe('0.00000001');
  });

  it('when balances are read then cash is the account currency and positions are whole lots with the dust reported', () => {
    const inst = resolveInstrument({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', kind: 'crypto', tickSize: '0.01', lotSize: '0.00001', minNotional: '5', makerFeeBps: 10, takerFeeBps: 10, tradable: true });
    const b = { total: { USDT: 1000.5, BTC: 0.123456789, BNB: 0.1 }, free: { USDT: 900.5, BTC: 0.1 }, used: { USDT: 100, BTC: 0.023456789 } } as unknown as Balances;
    const a = accountFromBalances(b, 'USDT', [inst]);
    expect(a.cashUnits).toBe(100_050_000_000n);
    expect(a.freeCashUnits).toBe(90_050_000_000n);
    expect(a.holdings).toEqual([{ symbol: 'BTC/USDT', qtyUnits: 12_345n, lockedUnits: 2_345n, dust: '0.000006789' }]);
    expect(a.otherAssets).toEqual([{ asset: 'BNB', total: '0.1' }]);
  });
});

describe('fees in cash units', () => {
  const inst = resolveInstrument({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', kind: 'crypto', tickSize: '0.01', lotSize: '0.00001', minNotional: '5', makerFeeBps: 10, takerFeeBps: 10, tradable: true });
  const warnings: string[] = [];
  const tracker = new OrderTracker({ venueName: 'binance', instrument: () => inst, emit: () => undefined, now: () => 0, priceInQuote: (a) => (a === 'BNB' ? 60_000_000_000n : undefined), warn: (m) => warnings.push(m) });
  const trade = (fee: { cost: number; currency: string }) => ({ id: '1', price: 64000, amount: 0.01, fee }) as unknown as Trade;

  it('when the fee is in the quote, the base or a third asset then it is valued in quote cash units', () => {
    expect(tracker.feeUnits(trade({ cost: 0.64, currency: 'USDT' }), inst, 6_400_000n)).toBe(64_000_000n);
    // 0.00001 BTC at 64000 = 0.64 USDT.
    expect(tracker.feeUnits(trade({ cost: 0.00001, currency: 'BTC' }), inst, 6_400_000n)).toBe(64_000_000n);
    // 0.001 BNB at 600 = 0.6 USDT.
    expect(tracker.feeUnits(trade({ cost: 0.001, currency: 'BNB' }), inst, 6_400_000n)).toBe(60_000_000n);
  });

  it('when the fee asset has no known price then it is recorded as 0 and reported', () => {
    expect(tracker.feeUnits(trade({ cost: 1, currency: 'XYZ' }), inst, 6_400_000n)).toBe(0n);
    expect(warnings.join()).toMatch(/XYZ/);
  });
});
