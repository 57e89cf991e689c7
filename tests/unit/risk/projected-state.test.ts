import { describe, expect, it } from 'vitest';
import { exposureOf, grossExposure, isReducing, netExposure, withOrder } from '../../../src/risk/projected-state.ts';
import type { ProjectedOrder, ProjectedState } from '../../../src/risk/projected-state.ts';
import { ACME, BTC, ETH, cash, px, qty, stateOf } from './helpers.ts';

// BTC/USD at 100: position 10, working buy 2 @ 99, working sell 3 @ 101, a child buy 1 @ 100 of
// parent P1 (buy, 4 unplaced, limit 102). ETH/USD at 50: parent P2 sells 5, nothing held.
function book(): ProjectedState {
  return stateOf({
    positions: { 'BTC/USD': '10' },
    working: [
      { symbol: 'BTC/USD', side: 'buy', qty: '2', price: '99' },
      { symbol: 'BTC/USD', side: 'sell', qty: '3', price: '101' },
      { symbol: 'BTC/USD', side: 'buy', qty: '1', price: '100', parentId: 'P1' },
    ],
    parents: [
      { id: 'P1', symbol: 'BTC/USD', side: 'buy', unplaced: '4', limit: '102' },
      { id: 'P2', symbol: 'ETH/USD', side: 'sell', unplaced: '5' },
    ],
  });
}

function o(over: Partial<ProjectedOrder> & { q: string; price?: string }): ProjectedOrder {
  const { q, price, ...rest } = over;
  return { symbol: 'BTC/USD', side: 'buy', qtyUnits: qty(BTC, q), priceUnits: price !== undefined ? px(BTC, price) : null, kind: 'direct', ...rest };
}

describe('buildProjectedState', () => {
  it('when orders are working then positions, working orders and algo remainders all count', () => {
    const s = book();
    const b = exposureOf(s, 'BTC/USD');
    expect(b).toMatchObject({
      positionUnits: qty(BTC, '10'),
      workingBuyUnits: qty(BTC, '3'),
      workingSellUnits: qty(BTC, '3'),
      algoBuyUnits: qty(BTC, '4'),
      algoSellUnits: 0n,
      longCaseUnits: qty(BTC, '17'),
      shortCaseUnits: qty(BTC, '7'),
      positionValueUnits: cash('1000'),
      longCaseValueUnits: cash('1700'),
      shortCaseValueUnits: cash('700'),
      grossValueUnits: cash('1700'),
      // 2 x 99 + 1 x 100 + 4 x 102 (the parent's limit)
      pendingBuyCashUnits: cash('706'),
    });
    expect(exposureOf(s, 'ETH/USD')).toMatchObject({ algoSellUnits: qty(ETH, '5'), longCaseUnits: 0n, shortCaseUnits: -qty(ETH, '5'), grossValueUnits: cash('250') });
  });

  it('when valuing the account then NAV is cash plus positions at the reference, and projected cash assumes every buy fills', () => {
    const s = book();
    expect(s.navUnits).toBe(cash('1001000'));
    expect(s.projectedCashUnits).toBe(cash('1000000') - cash('706'));
    expect(grossExposure(s)).toBe(cash('1950'));
    // Worst net: all buys fill (1700 + 0) vs all sells fill (700 - 250).
    expect(netExposure(s)).toBe(cash('1700'));
    expect(grossExposure(s, ['ETH/USD'])).toBe(cash('250'));
    expect(netExposure(s, ['ETH/USD'])).toBe(cash('250'));
  });

  it('when positions alone are looked at then working orders would be missed: the projection is larger', () => {
    const positionsOnly = stateOf({ positions: { 'BTC/USD': '10' } });
    expect(grossExposure(positionsOnly)).toBe(cash('1000'));
    expect(grossExposure(book())).toBeGreaterThan(grossExposure(positionsOnly));
  });

  it('when a buy has no price then it is valued at the reference; a symbol without any price is listed as unpriced', () => {
    const s = stateOf({ working: [{ symbol: 'BTC/USD', side: 'buy', qty: '3' }], positions: { ACME: '5' }, prices: { 'BTC/USD': '100' } });
    expect(exposureOf(s, 'BTC/USD').pendingBuyCashUnits).toBe(cash('300'));
    expect(s.unpriced).toEqual(['ACME']);
    expect(exposureOf(s, 'ACME').positionValueUnits).toBe(0n);
  });

  it('when a working order or parent has nothing left then it adds nothing', () => {
    const s = stateOf({ working: [{ symbol: 'BTC/USD', side: 'buy', qty: '0' }], parents: [{ id: 'P', symbol: 'BTC/USD', side: 'sell', unplaced: '0' }] });
    expect(grossExposure(s)).toBe(0n);
  });
});

describe('withOrder', () => {
  it('when a direct order is added then its side grows', () => {
    const a = withOrder(book(), o({ q: '5', price: '100' }), BTC);
    expect(exposureOf(a, 'BTC/USD').longCaseUnits).toBe(qty(BTC, '22'));
    expect(a.projectedCashUnits).toBe(book().projectedCashUnits - cash('500'));
    const s = withOrder(book(), o({ q: '5', side: 'sell', price: '100' }), BTC);
    expect(exposureOf(s, 'BTC/USD').shortCaseUnits).toBe(qty(BTC, '2'));
  });

  it('when a parent is added then it counts as algo remainder', () => {
    const a = withOrder(book(), o({ q: '2', kind: 'parent' }), BTC);
    expect(exposureOf(a, 'BTC/USD').algoBuyUnits).toBe(qty(BTC, '6'));
  });

  it("when a child is added then its quantity comes out of its parent's remainder: no double count", () => {
    const before = book();
    const a = withOrder(before, o({ q: '3', price: '101', kind: 'child', parentId: 'P1' }), BTC);
    const e = exposureOf(a, 'BTC/USD');
    expect(e.longCaseUnits).toBe(qty(BTC, '17'));
    expect(e.algoBuyUnits).toBe(qty(BTC, '1'));
    expect(e.workingBuyUnits).toBe(qty(BTC, '6'));
    expect(a.parents.get('P1')!.unplacedUnits).toBe(qty(BTC, '1'));
    // Cash moves from the parent's limit (102) to the child's price (101).
    expect(e.pendingBuyCashUnits).toBe(cash('703'));
    expect(grossExposure(a)).toBe(grossExposure(before));
  });

  it("when a child is larger than its parent's remainder then only the excess is new exposure", () => {
    const a = withOrder(book(), o({ q: '6', price: '100', kind: 'child', parentId: 'P1' }), BTC);
    expect(exposureOf(a, 'BTC/USD').longCaseUnits).toBe(qty(BTC, '19'));
  });

  it('when a child names an unknown parent or the other side then all of it is new exposure', () => {
    expect(exposureOf(withOrder(book(), o({ q: '3', kind: 'child', parentId: 'NOPE' }), BTC), 'BTC/USD').longCaseUnits).toBe(qty(BTC, '20'));
    expect(exposureOf(withOrder(book(), o({ q: '3', side: 'sell', kind: 'child', parentId: 'P1' }), BTC), 'BTC/USD').shortCaseUnits).toBe(qty(BTC, '4'));
  });

  it('when the symbol is new then the given reference values it', () => {
    const a = withOrder(stateOf(), { symbol: 'ACME', side: 'buy', qtyUnits: qty(ACME, '10'), priceUnits: null, kind: 'direct' }, ACME, px(ACME, '12'));
    expect(exposureOf(a, 'ACME').grossValueUnits).toBe(cash('120'));
  });
});

describe('isReducing', () => {
  const check = (s: ProjectedState, side: 'buy' | 'sell', q: string, symbol = 'BTC/USD'): boolean => {
    const i = symbol === 'ACME' ? ACME : BTC;
    const ord: ProjectedOrder = { symbol, side, qtyUnits: qty(i, q), priceUnits: null, kind: 'direct' };
    return isReducing(s, withOrder(s, ord, i), ord);
  };

  it('when a sell cannot take a long through zero even with the working sells then it reduces', () => {
    const s = book(); // long 10, 3 working sells
    expect(check(s, 'sell', '7')).toBe(true);
    expect(check(s, 'sell', '7.001')).toBe(false);
    expect(check(s, 'buy', '1')).toBe(false);
  });

  it('when short then a buy that cannot flip it reduces', () => {
    const s = stateOf({ positions: { ACME: '-100' }, working: [{ symbol: 'ACME', side: 'buy', qty: '30' }] });
    expect(check(s, 'buy', '70', 'ACME')).toBe(true);
    expect(check(s, 'buy', '71', 'ACME')).toBe(false);
    expect(check(s, 'sell', '1', 'ACME')).toBe(false);
  });

  it('when flat then nothing reduces', () => {
    expect(check(stateOf(), 'sell', '1')).toBe(false);
    expect(check(stateOf(), 'buy', '1')).toBe(false);
  });

  it("when a reducing parent's child is checked then the parent's own remainder does not make it look increasing", () => {
    const s = stateOf({ positions: { 'BTC/USD': '10' }, parents: [{ id: 'P', symbol: 'BTC/USD', side: 'sell', unplaced: '10' }] });
    const child: ProjectedOrder = { symbol: 'BTC/USD', side: 'sell', qtyUnits: qty(BTC, '2'), priceUnits: null, kind: 'child', parentId: 'P' };
    expect(isReducing(s, withOrder(s, child, BTC), child)).toBe(true);
  });
});
