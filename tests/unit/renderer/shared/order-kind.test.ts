import { describe, expect, it } from 'vitest';
import { orderShownPrice, orderTypeLong, orderTypeShort } from '../../../../renderer/src/shared/order-kind.ts';
import type { TriggerDto } from '../../../../src/contract/index.ts';

const trigger = (t: Partial<TriggerDto>): TriggerDto => ({ kind: 'stop', by: 'last', stopPrice: 3000, trailPercent: null, trailAmount: null, triggeredAt: null, ...t });

describe('order type and price as the blotter and the detail print them', () => {
  it('a stop held by Strata reads STP at its stop price, not MKT (its venue type is market)', () => {
    const stop = { type: 'market' as const, orderKind: 'stop' as const, price: null, trigger: trigger({}) };
    expect(orderTypeShort(stop)).toBe('STP');
    expect(orderTypeLong(stop)).toBe('STOP');
    expect(orderShownPrice(stop)).toEqual({ price: 3000, stop: true });
  });

  it('a stop-limit reads STP LMT at its stop price until it triggers, then at its limit price', () => {
    const sl = { type: 'limit' as const, orderKind: 'stop-limit' as const, price: 2990, trigger: trigger({ kind: 'stop-limit' }) };
    expect(orderTypeShort(sl)).toBe('STP LMT');
    expect(orderTypeLong(sl)).toBe('STOP LIMIT');
    expect(orderShownPrice(sl)).toEqual({ price: 3000, stop: true });
    expect(orderShownPrice({ ...sl, trigger: trigger({ kind: 'stop-limit', triggeredAt: 1 }) })).toEqual({ price: 2990, stop: false });
  });

  it('market and limit orders keep MKT and LMT; a market order has no price to show', () => {
    expect(orderTypeShort({ type: 'market', orderKind: 'market' })).toBe('MKT');
    expect(orderTypeShort({ type: 'limit', orderKind: 'limit' })).toBe('LMT');
    expect(orderShownPrice({ price: null, trigger: null })).toBeNull();
    expect(orderShownPrice({ price: 3000, trigger: null })).toEqual({ price: 3000, stop: false });
    // A take-profit rests at its price: no stop price.
    expect(orderShownPrice({ price: 3300, trigger: trigger({ kind: 'take-profit', stopPrice: null }) })).toEqual({ price: 3300, stop: false });
  });
});
