import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/core/clock.ts';
import { displayStatus } from '../../../src/core/order.ts';
import type { PlaceRequest } from '../../../src/execution/oms.ts';
import { OrderWatchdog } from '../../../src/execution/order-watchdog.ts';
import { FakeVenue } from '../../fixtures/engine/fake-venue.ts';
import { cash } from '../../fixtures/engine/instruments.ts';
import { omsHarness } from '../../fixtures/engine/oms-harness.ts';
import { makeOrder, makeVenueFill } from '../../fixtures/engine/orders.ts';

/**
 * UNRESOLVED (issue 13): an order whose state cannot be established with the venue (a create that
 * timed out, a venue unreachable at recovery) is shown as such, never guessed REJECTED or left NEW,
 * counts as possibly working for L1, and is settled only by the venue's answer.
 */
function req(over: Partial<PlaceRequest> = {}): PlaceRequest {
  return { symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qty: '2', price: '100', source: 'api', ...over };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('UNRESOLVED orders', () => {
  it('when the venue reports a create as unresolved then the order is UNRESOLVED, journaled with why, and still counts as working', () => {
    const h = omsHarness();
    const o = h.oms.place(req());
    h.venue.emit({ type: 'unresolved', clientOrderId: o.id, code: 'REQUEST_TIMEOUT', message: 'no answer in 2000 ms', ts: 1 });
    expect(o).toMatchObject({ status: 'UNRESOLVED', reason: { code: 'REQUEST_TIMEOUT' } });
    expect(displayStatus(o)).toBe('unresolved');
    expect(h.journal.order(o.id).status).toBe('UNRESOLVED');
    expect(h.log.matching('journal.updateOrder')).toEqual([`journal.updateOrder ${o.id} unresolved UNRESOLVED`]);
    expect(h.listener.updates.at(-1)).toEqual({ id: o.id, status: 'UNRESOLVED' });
    // L1 sees it as possibly working: its quantity and its cash stay reserved.
    expect(h.oms.openOrders().map((x) => x.id)).toEqual([o.id]);
    expect(h.oms.workingUnits('BTC/USD', 'buy')).toBe(o.qtyUnits);
    expect(h.oms.reservedCashUnits()).toBeGreaterThan(0n);
    // Nothing is resent.
    expect(h.venue.submitted).toHaveLength(1);
  });

  it('when the venue then shows the order working then it is PENDING and its doubt is cleared; a fill makes it PARTIALLY_FILLED', () => {
    const h = omsHarness();
    const o = h.oms.place(req());
    h.venue.emit({ type: 'unresolved', clientOrderId: o.id, code: 'REQUEST_TIMEOUT', message: 'timeout', ts: 1 });
    h.venue.emit({ type: 'accepted', clientOrderId: o.id, venueOrderId: 'V1', ts: 2 });
    expect(o).toMatchObject({ status: 'PENDING', reason: null, venueOrderId: 'V1' });
    h.venue.emit({ type: 'unresolved', clientOrderId: o.id, code: 'EXCHANGE_NOT_AVAILABLE', message: '503', ts: 3 });
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F1', clientOrderId: o.id, qtyUnits: 500n }) });
    expect(o).toMatchObject({ status: 'PARTIALLY_FILLED', filledUnits: 500n });
  });

  it('when the venue certainly has none then the unresolved order ends REJECTED with the venue reason', () => {
    const h = omsHarness();
    const o = h.oms.place(req());
    h.venue.emit({ type: 'unresolved', clientOrderId: o.id, code: 'REQUEST_TIMEOUT', message: 'timeout', ts: 1 });
    h.venue.emit({ type: 'rejected', clientOrderId: o.id, code: 'UNKNOWN_AT_VENUE', message: 'no order after 3 checks', ts: 2 });
    expect(o).toMatchObject({ status: 'REJECTED', reason: { code: 'UNKNOWN_AT_VENUE' } });
    expect(h.oms.openOrders()).toEqual([]);
  });

  it('when the venue cannot be asked at recovery then every open order is UNRESOLVED (none guessed), and a later answer settles it', async () => {
    const h = omsHarness({ initialCash: '1000' });
    h.journal.seedOrder(makeOrder({ id: 'T-000001', seq: 1, status: 'NEW' }));
    h.journal.seedOrder(makeOrder({ id: 'T-000002', seq: 2, status: 'PENDING', venueOrderId: 'V2', qtyUnits: 2000n }));
    h.venue.unreachable = new Error('connect ECONNREFUSED 127.0.0.1:9');
    const r = await h.oms.recover();
    expect(r).toMatchObject({ reconciled: 2, unresolved: 2 });
    expect(h.oms.get('T-000001')).toMatchObject({ status: 'UNRESOLVED', reason: { code: 'VENUE_UNREACHABLE' } });
    expect(h.oms.get('T-000002')).toMatchObject({ status: 'UNRESOLVED', venueOrderId: 'V2' });
    expect(h.oms.openOrders()).toHaveLength(2);
    expect(h.venue.submitted).toEqual([]);

    // The venue answers again: one order is filled there, the other it never received.
    h.venue.unreachable = undefined;
    const fill = makeVenueFill({ fillId: 'F2', clientOrderId: 'T-000002', qtyUnits: 2000n, priceUnits: 10_000n });
    h.venue.known.set('T-000002', { status: { clientOrderId: 'T-000002', venueOrderId: 'V2', state: 'filled', filledUnits: 2000n }, fills: [fill] });
    expect(await h.oms.settle('T-000002', false)).toBe('final');
    expect(h.oms.get('T-000002')).toMatchObject({ status: 'FILLED', filledUnits: 2000n });
    expect(h.ledger.cashUnits).toBe(cash('1000') - cash('200') - fill.feeUnits);
    expect(await h.oms.settle('T-000001', true)).toBe('lost');
    expect(h.oms.get('T-000001')).toMatchObject({ status: 'REJECTED', reason: { code: 'NOT_ACKNOWLEDGED' } });
  });

  it('when an order is UNRESOLVED past the ack timeout then the watchdog asks the venue, which settles it', async () => {
    const clock = new SimClock(1_700_000_000_000);
    const venue = new FakeVenue();
    const h = omsHarness({ clock, venue });
    const alerts: string[] = [];
    const dog = new OrderWatchdog({ clock, oms: h.oms, alert: (a) => alerts.push(`${a.code} ${a.orderId}`), log: () => undefined }, { ackTimeoutMs: 1_000, checkEveryMs: 250 });
    dog.start();
    const o = h.oms.place(req());
    venue.emit({ type: 'unresolved', clientOrderId: o.id, code: 'REQUEST_TIMEOUT', message: 'timeout', ts: clock.now() });
    venue.known.set(o.id, { status: { clientOrderId: o.id, venueOrderId: 'V7', state: 'open', filledUnits: 0n }, fills: [] });
    for (let t = 0; t < 1_500; t += 250) {
      clock.advanceBy(250);
      await flush();
    }
    expect(alerts).toEqual([`NOT_ACKNOWLEDGED ${o.id}`]);
    expect(h.oms.get(o.id)).toMatchObject({ status: 'PENDING', venueOrderId: 'V7', reason: null });
    dog.stop();
  });
});
