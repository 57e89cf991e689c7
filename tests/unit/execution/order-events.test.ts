import { describe, expect, it } from 'vitest';
import type { PlaceRequest } from '../../../src/execution/oms.ts';
import type { PreTradeCheck } from '../../../src/core/ports.ts';
import { ORDER_EVENT_NAMES, orderEventOf } from '../../../src/execution/order-events.ts';
import { cash } from '../../fixtures/engine/instruments.ts';
import { omsHarness } from '../../fixtures/engine/oms-harness.ts';
import { makeOrder, makeVenueFill } from '../../fixtures/engine/orders.ts';

function req(over: Partial<PlaceRequest> = {}): PlaceRequest {
  return { symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qty: '2', price: '100', source: 'api', ...over };
}

describe('order domain events', () => {
  it('when an order is placed, acknowledged and filled in two parts then each change is named for what happened', () => {
    const h = omsHarness({ initialCash: '1000' });
    const o = h.oms.place(req());
    h.venue.emit({ type: 'accepted', clientOrderId: o.id, venueOrderId: 'V1', ts: 1 });
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F1', clientOrderId: o.id, qtyUnits: 500n, priceUnits: 10_000n, feeUnits: cash('0.025') }) });
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F2', clientOrderId: o.id, qtyUnits: 1500n, priceUnits: 10_000n, feeUnits: 0n }) });
    expect(h.listener.events).toEqual([`${o.id} OrderSubmitted`, `${o.id} OrderAccepted`, `${o.id} OrderPartiallyFilled`, `${o.id} OrderFilled`]);
  });

  it('when a cancel is asked, refused once, asked again and confirmed then the events say so in order', () => {
    const h = omsHarness();
    const o = h.oms.place(req());
    h.oms.cancel(o.id);
    h.venue.emit({ type: 'cancelRejected', clientOrderId: o.id, code: 'BUSY', message: 'try again', ts: 2 });
    h.oms.cancel(o.id);
    h.venue.emit({ type: 'cancelled', clientOrderId: o.id, ts: 3 });
    expect(h.listener.events).toEqual([`${o.id} OrderSubmitted`, `${o.id} OrderCancelRequested`, `${o.id} OrderCancelRejected`, `${o.id} OrderCancelRequested`, `${o.id} OrderCancelled`]);
  });

  it('when L1 denies, or the venue rejects or expires, then the terminal event names it', () => {
    const deny: PreTradeCheck = () => ({ ok: false, code: 'INSUFFICIENT_CASH', message: 'not enough' });
    const denied = omsHarness({ check: deny });
    const d = denied.oms.place(req());
    expect(denied.listener.events).toEqual([`${d.id} OrderDenied`]);
    expect(denied.listener.denied.map((x) => x.id)).toEqual([d.id]);

    const h = omsHarness();
    const r = h.oms.place(req());
    const e = h.oms.place(req());
    h.venue.emit({ type: 'rejected', clientOrderId: r.id, code: 'PRICE_BAND', message: 'outside band', ts: 4 });
    h.venue.emit({ type: 'expired', clientOrderId: e.id, ts: 5 });
    expect(h.listener.events.slice(2)).toEqual([`${r.id} OrderRejected`, `${e.id} OrderExpired`]);
  });

  it('when a change has no name of its own then its status names it, and every name is in the closed set', () => {
    expect(orderEventOf('lost', makeOrder({ status: 'REJECTED' }))).toBe('OrderRejected');
    expect(orderEventOf('settled_by_venue', makeOrder({ status: 'CANCELLED' }))).toBe('OrderCancelled');
    expect(orderEventOf('settled_by_venue', makeOrder({ status: 'PENDING' }))).toBe('OrderAmended');
    expect(orderEventOf('filled', makeOrder({ status: 'PARTIALLY_FILLED' }))).toBe('OrderPartiallyFilled');
    // A journal event named like an Object.prototype member is not a name (issue 8, D2's lesson).
    expect(orderEventOf('constructor', makeOrder({ status: 'PENDING' }))).toBe('OrderAmended');
    for (const ev of ['created', 'accepted', 'paused', 'resumed', 'algo_started', 'triggered', 'adopted_external']) {
      expect(ORDER_EVENT_NAMES).toContain(orderEventOf(ev, makeOrder({ status: 'PENDING' })));
    }
  });
});
