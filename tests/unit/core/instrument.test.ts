import { describe, expect, it } from 'vitest';
import { CASH_DECIMALS, InstrumentRegistry, notionalUnits, resolveInstrument } from '../../../src/core/instrument.ts';
import type { InstrumentSpec } from '../../../src/core/instrument.ts';
import { cash, TEST_SPECS, testInstrument } from '../../fixtures/engine/instruments.ts';

const base: InstrumentSpec = {
  symbol: 'X',
  base: 'X',
  quote: 'USD',
  kind: 'crypto',
  tickSize: '0.01',
  lotSize: '0.00001',
  minNotional: '5',
  makerFeeBps: 1,
  takerFeeBps: 5,
  tradable: true,
};

describe('resolveInstrument', () => {
  it('when tick and lot are decimal texts then their decimals and unit steps are exact', () => {
    const i = resolveInstrument(base);
    expect(i.priceDecimals).toBe(2);
    expect(i.qtyDecimals).toBe(5);
    expect(i.tickUnits).toBe(1n);
    expect(i.lotUnits).toBe(1n);
    expect(i.minNotionalUnits).toBe(5n * 10n ** BigInt(CASH_DECIMALS));
  });

  it('when the tick is not one unit of its decimals then tickUnits is the step in those units', () => {
    const i = resolveInstrument({ ...base, tickSize: '0.05', lotSize: '10' });
    expect(i.priceDecimals).toBe(2);
    expect(i.tickUnits).toBe(5n);
    expect(i.qtyDecimals).toBe(0);
    expect(i.lotUnits).toBe(10n);
  });

  it('when tick and lot decimals together exceed the cash scale then it refuses the instrument', () => {
    expect(() => resolveInstrument({ ...base, tickSize: '0.0001', lotSize: '0.00001' })).toThrow(/exceed the cash scale/);
    // Exactly the cash scale is fine.
    expect(resolveInstrument({ ...base, tickSize: '0.001', lotSize: '0.00001' }).priceDecimals).toBe(3);
  });
});

describe('notionalUnits', () => {
  it('when price x qty is computed then it is exact in cash units whatever the decimals', () => {
    const btc = testInstrument('BTC/USD'); // 2 price decimals, 3 qty decimals
    // 64250.01 x 0.123 = 7902.75123
    expect(notionalUnits(btc, 6_425_001n, 123n)).toBe(cash('7902.75123'));
    const acme = testInstrument('ACME'); // 2 price decimals, 0 qty decimals
    expect(notionalUnits(acme, 51_240n, 100n)).toBe(cash('51240'));
  });

  it('when the quantity is negative then the notional is negative by the same amount', () => {
    const btc = testInstrument('BTC/USD');
    expect(notionalUnits(btc, 10_000n, -1500n)).toBe(-notionalUnits(btc, 10_000n, 1500n));
  });
});

describe('InstrumentRegistry', () => {
  it('when built from specs then every symbol resolves and unknown ones are undefined', () => {
    const r = new InstrumentRegistry(TEST_SPECS);
    expect(r.all().map((i) => i.symbol)).toEqual(TEST_SPECS.map((s) => s.symbol));
    expect(r.get('ETH/USD')?.tickUnits).toBe(5n);
    expect(r.get('NOPE')).toBeUndefined();
  });
});
