import { describe, expect, it } from 'vitest';
import { resolveInstrument } from '../../../src/core/instrument.ts';
import { accountDto, averagePrice, bookDto, fillDto, orderDto, positionDto, quoteDto } from '../../../src/kernel/dto-mapping.ts';
import { TEST_SPECS, cash, px, qty, testInstrument } from '../../fixtures/engine/instruments.ts';
import { makeOrder } from '../../fixtures/engine/orders.ts';

const BTC = testInstrument('BTC/USD'); // 2 price decimals, 3 qty decimals
const ACME = testInstrument('ACME'); // 2 price decimals, 0 qty decimals

describe('averagePrice', () => {
  it('when notional divides evenly then the average is exact', () => {
    expect(averagePrice(BTC, cash('150'), qty(BTC, '1.5'))).toBe(100);
    expect(averagePrice(ACME, cash('51240'), 100n)).toBe(512.4);
  });

  it('when it does not divide evenly then it keeps 4 digits beyond the tick, rounded half away from zero', () => {
    // Tick 0.01 (2 decimals) -> 6 decimals. 300.02 / 3 = 100.0066666... -> 100.006667
    expect(averagePrice(ACME, cash('300.02'), 3n)).toBe(100.006667);
    expect(averagePrice(ACME, cash('10'), 3n)).toBe(3.333333);
    expect(averagePrice(ACME, cash('20'), 3n)).toBe(6.666667);
    // An exact half at the 7th decimal goes away from zero.
    expect(averagePrice(ACME, cash('1.0000005'), 1n)).toBe(1.000001);
    expect(averagePrice(ACME, cash('1.0000004'), 1n)).toBe(1);
  });

  it('when the position is short (negative cost and qty) then the average is positive', () => {
    expect(averagePrice(BTC, cash('-90'), qty(BTC, '-1'))).toBe(90);
  });

  it('when the quantity is zero then there is no average', () => {
    expect(averagePrice(BTC, 0n, 0n)).toBeNull();
  });

  it('when price and qty decimals are small (negative shift) then it still scales correctly', () => {
    const coarse = resolveInstrument({ ...TEST_SPECS[2]!, symbol: 'C', tickSize: '1', lotSize: '1' });
    // out decimals 0 + 4 = 4; shift 4 + 0 - 8 = -4
    expect(averagePrice(coarse, cash('1000'), 3n)).toBe(333.3333);
  });
});

describe('DTOs', () => {
  it('when an order is mapped then units become decimals and the average fill price is derived', () => {
    const o = makeOrder({ qtyUnits: 2000n, priceUnits: 10_050n, filledUnits: 1500n, filledNotionalUnits: cash('150.3'), feeUnits: cash('0.07515'), status: 'PARTIALLY_FILLED' });
    expect(orderDto(o, BTC)).toMatchObject({ qty: 2, price: 100.5, filledQty: 1.5, avgPrice: 100.2, fees: 0.07515, status: 'PARTIALLY_FILLED' });
  });

  it('when a denied order could not be parsed then it shows what was requested', () => {
    const o = makeOrder({ status: 'DENIED', qtyUnits: 0n, priceUnits: null, requestedQty: '0.0001', requestedPrice: '100.001' });
    expect(orderDto(o, BTC)).toMatchObject({ qty: 0.0001, price: 100.001, filledQty: 0, avgPrice: null });
  });

  it('when a fill is mapped then price, qty and fee are decimals', () => {
    const dto = fillDto({ id: 'F', orderId: 'O', symbol: 'BTC/USD', side: 'sell', priceUnits: 6_425_001n, qtyUnits: 123n, feeUnits: cash('0.39513756'), liquidity: 'maker', ts: 5, midUnits: null }, BTC);
    expect(dto).toEqual({ id: 'F', orderId: 'O', symbol: 'BTC/USD', side: 'sell', qty: 0.123, price: 64250.01, fee: 0.39513756, liquidity: 'maker', ts: 5 });
  });

  it('when a position is mapped then unrealized P&L is market value less cost, and zero when flat', () => {
    const p = { symbol: 'BTC/USD', qtyUnits: qty(BTC, '2'), costUnits: cash('200'), realizedUnits: cash('-0.1'), feeUnits: cash('0.1') };
    expect(positionDto(p, BTC, px(BTC, '105'), cash('210'))).toEqual({
      symbol: 'BTC/USD',
      qty: 2,
      avgPrice: 100,
      costBasis: 200,
      markPrice: 105,
      marketValue: 210,
      realizedPnl: -0.1,
      unrealizedPnl: 10,
      fees: 0.1,
    });
    const flat = { ...p, qtyUnits: 0n, costUnits: 0n };
    expect(positionDto(flat, BTC, undefined, 0n)).toMatchObject({ qty: 0, avgPrice: null, markPrice: null, unrealizedPnl: 0 });
  });

  it('when the account is mapped then equity is cash plus market value', () => {
    const dto = accountDto({ currency: 'USD', initialCashUnits: cash('1000'), cashUnits: cash('799.9'), reservedUnits: cash('50'), marketValueUnits: cash('210'), realizedUnits: cash('-0.1'), unrealizedUnits: cash('10'), feeUnits: cash('0.1'), ts: 9 });
    expect(dto).toEqual({ currency: 'USD', initialCash: 1000, cash: 799.9, reservedCash: 50, equity: 1009.9, marketValue: 210, realizedPnl: -0.1, unrealizedPnl: 10, fees: 0.1, ts: 9 });
  });

  it('when a book is mapped then it is cut to the depth, and an empty book quotes nulls', () => {
    const levels = Array.from({ length: 30 }, (_, i) => ({ priceUnits: 10_000n - BigInt(i), qtyUnits: 1000n }));
    const b = { symbol: 'BTC/USD', bids: levels, asks: [], ts: 3 };
    const dto = bookDto(b, BTC, 5);
    expect(dto.bids).toHaveLength(5);
    expect(dto.bids[0]).toEqual({ price: 100, qty: 1 });
    expect(quoteDto(b, BTC, undefined)).toEqual({ symbol: 'BTC/USD', bid: 100, ask: null, bidSize: 1, askSize: 0, last: null, ts: 3 });
  });
});

describe('behind schedule (issue 8, D1)', () => {
  const params = JSON.stringify({ startAt: 0, endAt: 60_000, slices: 10 });
  // 10 BTC parent; tolerance 10% = 1 BTC.
  const parent = (over: Parameters<typeof makeOrder>[0] = {}) =>
    makeOrder({ qtyUnits: qty(BTC, '10'), algo: 'twap', algoParams: params, status: 'PARTIALLY_FILLED', ...over });

  it('when filled + working trails the schedule by more than the tolerance then the parent is behind schedule', () => {
    const o = parent({ filledUnits: qty(BTC, '1.2') });
    expect(orderDto(o, BTC, { scheduledUnits: qty(BTC, '3.9'), childCount: 2, workingUnits: qty(BTC, '1') }).execution?.behindSchedule).toBe(true);
  });

  it('when it trails by no more than the tolerance, is paused or has ended then it is not', () => {
    const facts = { scheduledUnits: qty(BTC, '3.9'), childCount: 2, workingUnits: qty(BTC, '1') };
    expect(orderDto(parent({ filledUnits: qty(BTC, '1.9') }), BTC, facts).execution?.behindSchedule).toBe(false);
    expect(orderDto(parent({ filledUnits: qty(BTC, '1.2'), paused: true }), BTC, facts).execution?.behindSchedule).toBe(false);
    expect(orderDto(parent({ filledUnits: qty(BTC, '1.2'), status: 'EXPIRED' }), BTC, facts).execution?.behindSchedule).toBe(false);
    expect(orderDto(parent({ filledUnits: qty(BTC, '1.2') }), BTC, { ...facts, scheduledUnits: undefined }).execution?.behindSchedule).toBe(false);
  });
});
