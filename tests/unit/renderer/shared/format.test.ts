import { afterEach, describe, expect, it } from 'vitest';
import { currencyDecimals, fmtMoney, fmtSigned, setMoneyCurrency } from '../../../../renderer/src/shared/format.ts';

describe('money follows the account currency', () => {
  afterEach(() => setMoneyCurrency('USD'));

  it('decimals: 2 for USD and dollar stablecoins, a fiat currency\u2019s minor units, 8 for BTC, 6 for other crypto', () => {
    expect(['USD', 'USDT', 'usdc', 'EUR', 'JPY', 'BTC', 'ETH', 'XRP', ''].map(currencyDecimals)).toEqual([2, 2, 2, 2, 0, 8, 6, 6, 2]);
  });

  it('an ETH account shows a P&L of 0.0004 ETH as such, not as \u22120.00; explicit precision still wins', () => {
    setMoneyCurrency('ETH');
    expect(fmtSigned(-0.0004)).toBe('\u22120.000400');
    expect(fmtMoney(12.5)).toBe('12.500000');
    expect(fmtMoney(12.5, 0)).toBe('13');
    setMoneyCurrency('USD');
    expect(fmtSigned(-0.0004)).toBe('0.00');
    expect(fmtMoney(1234.5)).toBe('1,234.50');
  });
});
