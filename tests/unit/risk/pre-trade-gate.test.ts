import { describe, expect, it } from 'vitest';
import type { Side } from '../../../src/contract/dto.ts';
import { resolveInstrument } from '../../../src/core/instrument.ts';
import type { Instrument } from '../../../src/core/instrument.ts';
import type { BookLevel } from '../../../src/core/ports.ts';
import { checkOrder, estimateFillPrice } from '../../../src/risk/pre-trade-gate.ts';
import type { GateDecision, GateOrder, GateStateView, RiskLimits } from '../../../src/risk/pre-trade-gate.ts';
import { TEST_SPECS, cash, px, qty, testInstrument } from '../../fixtures/engine/instruments.ts';

const BTC = testInstrument('BTC/USD'); // tick 0.01, lot 0.001, min notional 10, taker 5 bps
const ETH = testInstrument('ETH/USD'); // tick 0.05
const HALT = testInstrument('HALT');

const LIMITS: RiskLimits = { maxOrderNotionalUnits: cash('100000'), maxPositionNotionalUnits: cash('200000') };

interface ViewState {
  position: bigint;
  working: Partial<Record<Side, bigint>>;
  available: bigint;
  asks: BookLevel[];
  bids: BookLevel[];
  ref: bigint | undefined;
}

function view(over: Partial<ViewState> = {}): GateStateView {
  const s: ViewState = {
    position: 0n,
    working: {},
    available: cash('1000000'),
    asks: [{ priceUnits: px(BTC, '100.01'), qtyUnits: qty(BTC, '50') }],
    bids: [{ priceUnits: px(BTC, '99.99'), qtyUnits: qty(BTC, '50') }],
    ref: px(BTC, '100'),
    ...over,
  };
  return {
    positionUnits: () => s.position,
    workingUnits: (_sym, side) => s.working[side] ?? 0n,
    availableCashUnits: () => s.available,
    oppositeLevels: (_sym, side) => (side === 'buy' ? s.asks : s.bids),
    referencePriceUnits: () => s.ref,
  };
}

function limitOrder(side: Side, q: string, price: string, inst: Instrument = BTC): GateOrder {
  return { symbol: inst.symbol, side, type: 'limit', qtyUnits: qty(inst, q), priceUnits: px(inst, price) };
}

function marketOrder(side: Side, q: string, inst: Instrument = BTC): GateOrder {
  return { symbol: inst.symbol, side, type: 'market', qtyUnits: qty(inst, q), priceUnits: null };
}

function check(order: GateOrder, state: GateStateView = view(), inst: Instrument = BTC, limits: RiskLimits = LIMITS): GateDecision {
  return checkOrder(order, inst, limits, state, inst.takerFeeBps);
}

function codeOf(d: GateDecision): string {
  return d.ok ? 'OK' : d.code;
}

describe('checkOrder: accepted', () => {
  it('when a limit buy is within every limit then it is accepted at its price and exact notional', () => {
    const d = check(limitOrder('buy', '1.5', '100'));
    expect(d).toEqual({ ok: true, estimatedPriceUnits: px(BTC, '100'), estimatedNotionalUnits: cash('150') });
  });

  it('when a market sell is within every limit then it is priced by walking the bids', () => {
    const d = check(marketOrder('sell', '1'), view({ position: qty(BTC, '2') }));
    expect(d).toEqual({ ok: true, estimatedPriceUnits: px(BTC, '99.99'), estimatedNotionalUnits: cash('99.99') });
  });
});

describe('checkOrder: one denial per code', () => {
  it('when the instrument is not tradable then INSTRUMENT_NOT_TRADABLE (before any other check)', () => {
    const d = check({ symbol: 'HALT', side: 'buy', type: 'limit', qtyUnits: 0n, priceUnits: null }, view(), HALT);
    expect(codeOf(d)).toBe('INSTRUMENT_NOT_TRADABLE');
  });

  it.each([
    ['a quantity off the lot grid', 7n],
    ['a zero quantity', 0n],
    ['a negative quantity', -5n],
  ])('when the order has %s then QTY_NOT_ON_LOT', (_what, q) => {
    const lot5 = resolveInstrument({ ...TEST_SPECS[0]!, lotSize: '0.005' });
    const d = check({ symbol: lot5.symbol, side: 'buy', type: 'limit', qtyUnits: q, priceUnits: px(lot5, '100') }, view(), lot5);
    expect(codeOf(d)).toBe('QTY_NOT_ON_LOT');
    // On the grid it passes.
    expect(codeOf(check({ symbol: lot5.symbol, side: 'buy', type: 'limit', qtyUnits: 10n * 5n * 100n, priceUnits: px(lot5, '100') }, view(), lot5))).toBe('OK');
  });

  it.each([
    ['a price off the tick grid', '100.02'],
    ['a zero price', '0'],
    ['a negative price', '-100'],
  ])('when a limit order has %s then PRICE_NOT_ON_TICK', (_what, price) => {
    const d = check(limitOrder('buy', '1', price, ETH), view(), ETH);
    expect(codeOf(d)).toBe('PRICE_NOT_ON_TICK');
    expect(codeOf(check(limitOrder('buy', '1', '100.05', ETH), view(), ETH))).toBe('OK');
  });

  it('when a limit order has no price then PRICE_REQUIRED, and a market order with a price then PRICE_NOT_ALLOWED', () => {
    expect(codeOf(check({ symbol: 'BTC/USD', side: 'buy', type: 'limit', qtyUnits: qty(BTC, '1'), priceUnits: null }))).toBe('PRICE_REQUIRED');
    expect(codeOf(check({ symbol: 'BTC/USD', side: 'buy', type: 'market', qtyUnits: qty(BTC, '1'), priceUnits: px(BTC, '100') }))).toBe('PRICE_NOT_ALLOWED');
  });

  it('when the notional is below the instrument minimum then BELOW_MIN_NOTIONAL, and exactly the minimum passes', () => {
    // min notional 10: 0.099 x 100 = 9.90 < 10; 0.1 x 100 = 10.
    expect(codeOf(check(limitOrder('buy', '0.099', '100')))).toBe('BELOW_MIN_NOTIONAL');
    expect(codeOf(check(limitOrder('buy', '0.1', '100')))).toBe('OK');
  });

  it('when a market order is small at the book price then BELOW_MIN_NOTIONAL uses the estimated price', () => {
    expect(codeOf(check(marketOrder('buy', '0.099')))).toBe('BELOW_MIN_NOTIONAL'); // 0.099 x 100.01 = 9.90099
    expect(codeOf(check(marketOrder('buy', '0.1')))).toBe('OK'); // 10.001
  });

  it('when the notional exceeds the per-order limit then MAX_ORDER_NOTIONAL, and exactly the limit passes', () => {
    const limits: RiskLimits = { maxOrderNotionalUnits: cash('1000'), maxPositionNotionalUnits: cash('1000000') };
    expect(codeOf(check(limitOrder('buy', '10.001', '100'), view(), BTC, limits))).toBe('MAX_ORDER_NOTIONAL');
    expect(codeOf(check(limitOrder('buy', '10', '100'), view(), BTC, limits))).toBe('OK');
  });

  it('when position plus working orders plus this order exceed the position limit then MAX_POSITION', () => {
    const limits: RiskLimits = { maxOrderNotionalUnits: cash('1000000'), maxPositionNotionalUnits: cash('5000') };
    // Position 30 at ref 100 = 3000; buy 6 more = 3600: fine alone.
    expect(codeOf(check(limitOrder('buy', '6', '100'), view({ position: qty(BTC, '30') }), BTC, limits))).toBe('OK');
    // With 15 already working on the buy side: 30 + 15 + 6 = 51 -> 5100 > 5000.
    const withWorking = view({ position: qty(BTC, '30'), working: { buy: qty(BTC, '15') } });
    expect(codeOf(check(limitOrder('buy', '6', '100'), withWorking, BTC, limits))).toBe('MAX_POSITION');
    // Exactly at the limit (30 + 15 + 5 = 50 -> 5000) passes.
    expect(codeOf(check(limitOrder('buy', '5', '100'), withWorking, BTC, limits))).toBe('OK');
    // Working sells do not count against a buy.
    expect(codeOf(check(limitOrder('buy', '6', '100'), view({ position: qty(BTC, '30'), working: { sell: qty(BTC, '15') } }), BTC, limits))).toBe('OK');
  });

  it('when valuing the projected position then the reference (mark) price is used, not the order price', () => {
    const limits: RiskLimits = { maxOrderNotionalUnits: cash('1000000'), maxPositionNotionalUnits: cash('5000') };
    // A buy of 40 limited at 100 (4000) but the mark is 130: projected 5200 > 5000.
    expect(codeOf(check(limitOrder('buy', '40', '100'), view({ ref: px(BTC, '130') }), BTC, limits))).toBe('MAX_POSITION');
    // Without a mark the order price stands in.
    expect(codeOf(check(limitOrder('buy', '40', '100'), view({ ref: undefined }), BTC, limits))).toBe('OK');
  });

  it('when an order reduces a position already over the limit then MAX_POSITION does not block it', () => {
    const limits: RiskLimits = { maxOrderNotionalUnits: cash('1000000'), maxPositionNotionalUnits: cash('5000') };
    expect(codeOf(check(limitOrder('sell', '10', '100'), view({ position: qty(BTC, '80') }), BTC, limits))).toBe('OK');
    expect(codeOf(check(limitOrder('buy', '0.1', '100'), view({ position: qty(BTC, '80') }), BTC, limits))).toBe('MAX_POSITION');
  });

  it('when a buy needs more cash than available including the taker fee then INSUFFICIENT_CASH', () => {
    // 10 x 100 = 1000 plus 5 bps fee = 0.50: needs 1000.50.
    expect(codeOf(check(limitOrder('buy', '10', '100'), view({ available: cash('1000.49999999') })))).toBe('INSUFFICIENT_CASH');
    // Short by 10^-8: the message shows the decimals that tell the two amounts apart (it said "1000.5 but only 1000.5").
    const short = check(limitOrder('buy', '10', '100'), view({ available: cash('1000.49999999') }));
    expect(short.ok ? '' : short.message).toBe('order needs 1000.5 but only 1000.49999999 is available');
    expect(codeOf(check(limitOrder('buy', '10', '100'), view({ available: cash('1000.5') })))).toBe('OK');
    // Without the fee it would have fit: the fee is what denies it.
    expect(codeOf(check(limitOrder('buy', '10', '100'), view({ available: cash('1000') })))).toBe('INSUFFICIENT_CASH');
  });

  it('when a sell exceeds the position less working sells then INSUFFICIENT_POSITION', () => {
    const st = view({ position: qty(BTC, '5'), working: { sell: qty(BTC, '3') } });
    expect(codeOf(check(limitOrder('sell', '2.001', '100'), st))).toBe('INSUFFICIENT_POSITION');
    expect(codeOf(check(limitOrder('sell', '2', '100'), st))).toBe('OK');
    // No position at all: no short selling.
    const d = check(limitOrder('sell', '1', '100'), view({ position: 0n }));
    expect(codeOf(d)).toBe('INSUFFICIENT_POSITION');
    expect(d.ok ? '' : d.message).toMatch(/sellable position 0\b/);
  });

  it('when a market order meets an empty opposite side then NO_MARKET', () => {
    expect(codeOf(check(marketOrder('buy', '1'), view({ asks: [] })))).toBe('NO_MARKET');
    expect(codeOf(check(marketOrder('sell', '1'), view({ bids: [], position: qty(BTC, '1') })))).toBe('NO_MARKET');
    // A limit order does not need a book.
    expect(codeOf(check(limitOrder('buy', '1', '100'), view({ asks: [], bids: [] })))).toBe('OK');
  });

  it('when a denial is returned then it carries a readable message and is data, not an exception', () => {
    const d = check(limitOrder('buy', '10', '100'), view({ available: cash('12.34') }));
    expect(d).toEqual({ ok: false, code: 'INSUFFICIENT_CASH', message: 'order needs 1000.5 but only 12.34 is available' });
  });
});

describe('estimateFillPrice', () => {
  const asks: BookLevel[] = [
    { priceUnits: 10_000n, qtyUnits: 1_000n },
    { priceUnits: 10_100n, qtyUnits: 2_000n },
    { priceUnits: 10_300n, qtyUnits: 5_000n },
  ];

  it('when the book is empty then there is no estimate', () => {
    expect(estimateFillPrice([], 1n, 'buy')).toBeUndefined();
  });

  it('when the quantity fits in the first level then the estimate is that price', () => {
    expect(estimateFillPrice(asks, 500n, 'buy')).toBe(10_000n);
    expect(estimateFillPrice(asks, 1_000n, 'buy')).toBe(10_000n);
  });

  it('when the quantity walks several levels then the estimate is the volume-weighted average, rounded half away from zero', () => {
    // 1000 @ 100.00 + 1000 @ 101.00 -> 100.50
    expect(estimateFillPrice(asks, 2_000n, 'buy')).toBe(10_050n);
    // 1000 @ 100 + 2000 @ 101 + 1000 @ 103 = 405000 / 4000 = 101.25
    expect(estimateFillPrice(asks, 4_000n, 'buy')).toBe(10_125n);
    // 1000 @ 100 + 2000 @ 101 + 3 @ 103 = 30_230_900 / 3003 = 10_066.9... -> 10_067
    expect(estimateFillPrice(asks, 3_003n, 'buy')).toBe(10_067n);
    // 1 @ 100 + 1 @ 101 = 201 / 2 = 100.5 -> half away from zero: 101 (units of 1)
    expect(estimateFillPrice([{ priceUnits: 100n, qtyUnits: 1n }, { priceUnits: 101n, qtyUnits: 1n }], 2n, 'buy')).toBe(101n);
  });

  it('when the quantity exceeds the visible book then the rest is priced 1% beyond the last level (worse for the taker)', () => {
    // 8000 visible, 2000 more at 103 * 1.01 = 104.03:
    // (10_000*1000 + 10_100*2000 + 10_300*5000 + 10_403*2000) / 10_000 = 10_250.6 -> 10_251.
    expect(estimateFillPrice(asks, 10_000n, 'buy')).toBe(10_251n);
    const bids: BookLevel[] = [{ priceUnits: 10_000n, qtyUnits: 1_000n }];
    // 1000 @ 100 + 1000 @ 99 (100 - 1%) = 99.50
    expect(estimateFillPrice(bids, 2_000n, 'sell')).toBe(9_950n);
  });
});
