import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/core/errors.ts';
import type { PlaceRequest } from '../../../src/execution/oms.ts';
import type { PreTradeCheck } from '../../../src/core/ports.ts';
import type { SimVenue } from '../../../src/venues/sim/sim-venue.ts';
import { cash, px, qty, testInstrument } from '../../fixtures/engine/instruments.ts';
import { SimClock } from '../../../src/core/clock.ts';
import { CANCEL_RESEND_MS } from '../../../src/execution/oms.ts';
import { omsHarness } from '../../fixtures/engine/oms-harness.ts';
import { makeFillRecord, makeOrder, makeVenueFill } from '../../fixtures/engine/orders.ts';
import { simHarness } from '../../fixtures/engine/sim.ts';

const BTC = testInstrument('BTC/USD');

function req(over: Partial<PlaceRequest> = {}): PlaceRequest {
  return { symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qty: '2', price: '100', source: 'api', ...over };
}

function rpcCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('Oms.place', () => {
  it('when an order passes the gate then it is journaled as NEW before the venue sees it', () => {
    const h = omsHarness();
    const o = h.oms.place(req());
    expect(h.log.entries).toEqual([`journal.insertOrder ${o.id} created NEW`, `venue.submit ${o.id}`]);
    expect(h.venue.submitted).toEqual([
      { clientOrderId: o.id, symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty(BTC, '2'), priceUnits: px(BTC, '100') },
    ]);
    expect(o).toMatchObject({ id: 'T-000001', seq: 1, status: 'NEW', qtyUnits: 2000n, priceUnits: 10_000n, requestedQty: '2', requestedPrice: '100' });
    expect(h.oms.openOrders().map((x) => x.id)).toEqual([o.id]);
    expect(h.listener.updates).toEqual([{ id: o.id, status: 'NEW' }]);
  });

  it('when the gate is asked then it sees the parsed exact units', () => {
    const h = omsHarness();
    h.oms.place(req({ qty: 0.25, price: '64250.01' }));
    expect(h.checked[0]).toMatchObject({ qtyUnits: 250n, priceUnits: 6_425_001n, status: 'NEW' });
  });

  it('when the gate denies an order then it is journaled as DENIED with the reason and never sent', () => {
    const deny: PreTradeCheck = () => ({ ok: false, code: 'INSUFFICIENT_CASH', message: 'not enough' });
    const h = omsHarness({ check: deny });
    const o = h.oms.place(req());
    expect(o.status).toBe('DENIED');
    expect(o.reason).toEqual({ code: 'INSUFFICIENT_CASH', message: 'not enough' });
    expect(h.log.entries).toEqual([`journal.insertOrder ${o.id} denied DENIED`]);
    expect(h.venue.submitted).toEqual([]);
    expect(h.journal.order(o.id).status).toBe('DENIED');
    expect(h.oms.openOrders()).toEqual([]);
    expect(h.oms.get(o.id)).toBe(o);
    expect(h.listener.denied.map((d) => d.id)).toEqual([o.id]);
  });

  it.each([
    ['a quantity finer than the lot', { qty: '0.0001' }, 'QTY_NOT_ON_LOT'],
    ['a quantity that is not a number', { qty: 'abc' }, 'QTY_NOT_ON_LOT'],
    ['a NaN quantity', { qty: Number.NaN }, 'QTY_NOT_ON_LOT'],
    ['a price finer than the tick', { price: '100.001' }, 'PRICE_NOT_ON_TICK'],
    ['an infinite price', { price: Number.POSITIVE_INFINITY }, 'PRICE_NOT_ON_TICK'],
  ] as const)('when the request has %s then it is DENIED (%s) without asking the gate or the venue', (_what, over, code) => {
    const h = omsHarness();
    const o = h.oms.place(req(over));
    expect(o.status).toBe('DENIED');
    expect(o.reason?.code).toBe(code);
    expect(h.checked).toEqual([]);
    expect(h.venue.submitted).toEqual([]);
    expect(h.journal.order(o.id).status).toBe('DENIED');
  });

  it('when the symbol is unknown then it throws DomainError UNKNOWN_SYMBOL and records nothing', () => {
    const h = omsHarness();
    expect(rpcCode(() => h.oms.place(req({ symbol: 'DOGE/USD' })))).toBe('UNKNOWN_SYMBOL');
    expect(h.log.entries).toEqual([]);
    expect(h.journal.orders.size).toBe(0);
    // No order sequence was consumed either.
    expect(h.oms.place(req()).id).toBe('T-000001');
  });

  it('when sending to the venue throws then the order is REJECTED (VENUE_REJECTED), journaled, and no longer open', () => {
    const h = omsHarness();
    h.venue.failNextSubmit = new Error('socket closed');
    const o = h.oms.place(req());
    expect(o.status).toBe('REJECTED');
    expect(o.reason).toEqual({ code: 'VENUE_REJECTED', message: 'socket closed' });
    expect(h.log.entries).toEqual([`journal.insertOrder ${o.id} created NEW`, `venue.submit ${o.id}`, `journal.updateOrder ${o.id} rejected REJECTED`]);
    expect(h.oms.openOrders()).toEqual([]);
    expect(h.oms.reservedCashUnits()).toBe(0n);
  });
});

describe('Oms venue events and fills', () => {
  it('when the venue accepts then the order is PENDING with its venue id, journaled', () => {
    const h = omsHarness();
    const o = h.oms.place(req());
    h.venue.emit({ type: 'accepted', clientOrderId: o.id, venueOrderId: 'V9', ts: 5 });
    expect(o).toMatchObject({ status: 'PENDING', venueOrderId: 'V9' });
    expect(h.journal.order(o.id)).toMatchObject({ status: 'PENDING', venueOrderId: 'V9' });
  });

  it('when fills arrive then the order, journal and ledger move together and a filled order closes', () => {
    const h = omsHarness({ initialCash: '1000' });
    const o = h.oms.place(req());
    h.venue.emit({ type: 'accepted', clientOrderId: o.id, venueOrderId: 'V1', ts: 1 });
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F1', clientOrderId: o.id, qtyUnits: 500n, priceUnits: 10_000n, feeUnits: cash('0.025') }) });
    expect(o).toMatchObject({ status: 'PARTIALLY_FILLED', filledUnits: 500n, filledNotionalUnits: cash('50'), feeUnits: cash('0.025') });
    expect(h.ledger.cashUnits).toBe(cash('949.975'));
    expect(h.oms.workingUnits('BTC/USD', 'buy')).toBe(1500n);

    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F2', clientOrderId: o.id, qtyUnits: 1500n, priceUnits: 9_990n, feeUnits: 0n }) });
    expect(o.status).toBe('FILLED');
    expect(h.ledger.position('BTC/USD')).toMatchObject({ qtyUnits: 2000n, costUnits: cash('199.85') });
    expect(h.journal.fills.map((f) => f.id)).toEqual(['F1', 'F2']);
    expect(h.journal.order(o.id)).toMatchObject({ status: 'FILLED', filledUnits: 2000n });
    expect(h.oms.openOrders()).toEqual([]);
    expect(h.oms.workingUnits('BTC/USD', 'buy')).toBe(0n);
    expect(h.listener.fills.map((f) => f.id)).toEqual(['F1', 'F2']);
  });

  it('when the same fill id arrives twice then it is applied once', () => {
    const h = omsHarness({ initialCash: '1000' });
    const o = h.oms.place(req());
    const f = makeVenueFill({ fillId: 'F1', clientOrderId: o.id, qtyUnits: 500n });
    h.venue.emit({ type: 'fill', fill: f });
    h.venue.emit({ type: 'fill', fill: { ...f } });
    expect(h.oms.applyFill({ ...f })).toBe(false);
    expect(o.filledUnits).toBe(500n);
    expect(h.ledger.position('BTC/USD').qtyUnits).toBe(500n);
    expect(h.ledger.cashUnits).toBe(cash('950'));
    expect(h.journal.fills).toHaveLength(1);
    expect(h.listener.fills).toHaveLength(1);
  });

  it('when the journal already holds a fill id (e.g. from before a restart) then the ledger is not charged again', () => {
    const h = omsHarness({ initialCash: '1000' });
    const o = h.oms.place(req());
    h.journal.seedFill(makeFillRecord({ id: 'F1', orderId: o.id }));
    expect(h.oms.applyFill(makeVenueFill({ fillId: 'F1', clientOrderId: o.id, qtyUnits: 500n }))).toBe(false);
    expect(o.filledUnits).toBe(0n);
    expect(h.ledger.cashUnits).toBe(cash('1000'));
  });

  it('when a fill would overfill the order then it is refused as an anomaly and nothing changes', () => {
    const h = omsHarness({ initialCash: '1000' });
    const o = h.oms.place(req());
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F1', clientOrderId: o.id, qtyUnits: 1500n }) });
    const before = { ...o };
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F2', clientOrderId: o.id, qtyUnits: 501n }) });
    expect(o).toEqual(before);
    expect(h.ledger.position('BTC/USD').qtyUnits).toBe(1500n);
    expect(h.journal.fills.map((f) => f.id)).toEqual(['F1']);
    expect(h.listener.anomalies).toEqual([expect.stringMatching(/F2 refused: .*overfill/)]);
    // The refused id is not burnt: the order can still complete with a correct fill.
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F3', clientOrderId: o.id, qtyUnits: 500n }) });
    expect(o.status).toBe('FILLED');
  });

  it('when the venue reports about an order we do not know then it is an anomaly, not a crash', () => {
    const h = omsHarness();
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'FX', clientOrderId: 'ghost' }) });
    h.venue.emit({ type: 'cancelled', clientOrderId: 'ghost', ts: 1 });
    expect(h.listener.anomalies).toHaveLength(2);
    expect(h.ledger.allPositions()).toEqual([]);
  });

  it('when the venue rejects or expires an open order then it ends REJECTED or EXPIRED and is closed', () => {
    const h = omsHarness();
    const a = h.oms.place(req());
    const b = h.oms.place(req({ tif: 'ioc' }));
    h.venue.emit({ type: 'rejected', clientOrderId: a.id, code: 'PRICE_FILTER', message: 'bad price', ts: 2 });
    h.venue.emit({ type: 'expired', clientOrderId: b.id, ts: 2 });
    expect(a).toMatchObject({ status: 'REJECTED', reason: { code: 'PRICE_FILTER', message: 'bad price' } });
    expect(b.status).toBe('EXPIRED');
    expect(h.oms.openOrders()).toEqual([]);
    // A late duplicate terminal event is ignored.
    h.venue.emit({ type: 'cancelled', clientOrderId: a.id, ts: 3 });
    expect(a.status).toBe('REJECTED');
  });
});

describe('Oms.cancel', () => {
  it('when cancelling an unknown order then DomainError UNKNOWN_ORDER', () => {
    const h = omsHarness();
    expect(rpcCode(() => h.oms.cancel('T-999999'))).toBe('UNKNOWN_ORDER');
  });

  it('when cancelling a filled or denied order then DomainError ORDER_NOT_OPEN and nothing is sent', () => {
    const h = omsHarness();
    const filled = h.oms.place(req());
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F1', clientOrderId: filled.id, qtyUnits: 2000n }) });
    const denied = h.oms.place(req({ qty: 'x' }));
    expect(rpcCode(() => h.oms.cancel(filled.id))).toBe('ORDER_NOT_OPEN');
    expect(rpcCode(() => h.oms.cancel(denied.id))).toBe('ORDER_NOT_OPEN');
    expect(h.venue.cancelled).toEqual([]);
  });

  it('when cancelling an open order then the request is journaled before the venue is asked, once, and the venue answer closes it', () => {
    const h = omsHarness();
    const o = h.oms.place(req());
    h.oms.cancel(o.id);
    h.oms.cancel(o.id);
    expect(o.cancelRequested).toBe(true);
    expect(o.status).toBe('NEW');
    expect(h.log.entries.slice(2)).toEqual([`journal.updateOrder ${o.id} cancel_requested NEW`, `venue.cancel ${o.id}`]);
    h.venue.emit({ type: 'cancelled', clientOrderId: o.id, ts: 3 });
    expect(o.status).toBe('CANCELLED');
    expect(h.journal.order(o.id).status).toBe('CANCELLED');
    expect(h.oms.openOrders()).toEqual([]);
  });

  it('when a cancel gets no answer and is asked again after the re-send interval then it is journaled and sent again (issue 8, D1)', () => {
    const clock = new SimClock(1_700_000_000_000);
    const h = omsHarness({ clock });
    const o = h.oms.place(req());
    h.oms.cancel(o.id);
    clock.advanceBy(CANCEL_RESEND_MS - 1);
    h.oms.cancel(o.id);
    expect(h.venue.cancelled).toEqual([o.id]);
    clock.advanceBy(1);
    h.oms.cancel(o.id);
    expect(h.venue.cancelled).toEqual([o.id, o.id]);
    expect(h.log.entries.slice(-2)).toEqual([`journal.updateOrder ${o.id} cancel_resent NEW`, `venue.cancel ${o.id}`]);
  });

  it('when the venue refuses a cancel then the order stays open and can be cancelled again', () => {
    const h = omsHarness();
    const o = h.oms.place(req());
    h.oms.cancel(o.id);
    h.venue.emit({ type: 'cancelRejected', clientOrderId: o.id, code: 'UNKNOWN_ORDER', message: 'not yet', ts: 3 });
    expect(o.cancelRequested).toBe(false);
    h.oms.cancel(o.id);
    expect(h.venue.cancelled).toEqual([o.id, o.id]);
  });

  it('when cancelling all then every open order (optionally of one symbol) is asked to cancel', () => {
    const h = omsHarness();
    const a = h.oms.place(req());
    const b = h.oms.place(req({ symbol: 'ETH/USD', qty: '1', price: '100.05' }));
    const c = h.oms.place(req());
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F1', clientOrderId: c.id, qtyUnits: 2000n }) });
    h.oms.place(req({ qty: 'bad' }));
    expect(h.oms.cancelAll('ETH/USD')).toEqual([b.id]);
    expect(h.oms.cancelAll().sort()).toEqual([a.id, b.id].sort());
    // b was already requested: it is listed again but not sent twice.
    expect(h.venue.cancelled).toEqual([b.id, a.id]);
  });
});

describe('Oms working orders and reserved cash', () => {
  it('when buys are working then their remaining quantity reserves cash at the reserve price plus the taker fee', () => {
    const h = omsHarness();
    const o = h.oms.place(req({ qty: '2', price: '100' })); // 200 + 5 bps = 200.10
    h.oms.place(req({ side: 'sell', qty: '1', price: '120' }));
    expect(h.oms.reservedCashUnits()).toBe(cash('200.1'));
    expect(h.oms.workingUnits('BTC/USD', 'sell')).toBe(1000n);
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F1', clientOrderId: o.id, qtyUnits: 1000n }) });
    expect(h.oms.reservedCashUnits()).toBe(cash('100.05'));
  });
});

describe('Oms.recover', () => {
  it('when orders fill then fillsOf gives each its own fills in arrival order, also for orders sharing a sequence number and fills of an order the journal lacks', async () => {
    const h = omsHarness({ initialCash: '1000' });
    // Hand-made journal rows may share a sequence number: the second order's fills are kept by id.
    h.journal.seedOrder(makeOrder({ id: 'H-1', seq: 1, status: 'FILLED', qtyUnits: 500n, filledUnits: 500n }));
    h.journal.seedOrder(makeOrder({ id: 'H-2', seq: 1, status: 'FILLED', qtyUnits: 500n, filledUnits: 500n }));
    h.journal.seedFill(makeFillRecord({ id: 'F1', orderId: 'H-1', qtyUnits: 500n }));
    h.journal.seedFill(makeFillRecord({ id: 'F2', orderId: 'H-2', qtyUnits: 500n }));
    h.journal.seedFill(makeFillRecord({ id: 'F3', orderId: 'GONE', qtyUnits: 100n }));
    await h.oms.recover();
    const ids = (id: string) => h.oms.fillsOf(id).map((f) => f.id);
    expect([ids('H-1'), ids('H-2'), ids('GONE')]).toEqual([['F1'], ['F2'], ['F3']]);
    // New orders take seq 2 and 3: two partial fills of one, one of the other.
    const a = h.oms.place(req({ qty: '2' }));
    const b = h.oms.place(req({ qty: '1' }));
    h.oms.applyFill(makeVenueFill({ fillId: 'F4', clientOrderId: a.id, qtyUnits: 500n }));
    h.oms.applyFill(makeVenueFill({ fillId: 'F5', clientOrderId: b.id, qtyUnits: 1000n }));
    h.oms.applyFill(makeVenueFill({ fillId: 'F6', clientOrderId: a.id, qtyUnits: 1500n }));
    expect([ids(a.id), ids(b.id), ids('H-1'), ids('H-2'), ids('NONE')]).toEqual([['F4', 'F6'], ['F5'], ['F1'], ['F2'], []]);
    expect(h.oms.fills().map((f) => f.id)).toEqual(['F1', 'F2', 'F3', 'F4', 'F5', 'F6']);
  });

  it('when restarting then orders and the ledger are rebuilt from the journal', async () => {
    const h = omsHarness({ initialCash: '1000' });
    h.journal.seedOrder(makeOrder({ id: 'T-000001', seq: 1, status: 'FILLED', qtyUnits: 2000n, filledUnits: 2000n }));
    h.journal.seedFill(makeFillRecord({ id: 'F1', orderId: 'T-000001', qtyUnits: 500n, priceUnits: 10_000n, feeUnits: cash('0.01') }));
    h.journal.seedFill(makeFillRecord({ id: 'F2', orderId: 'T-000001', qtyUnits: 1500n, priceUnits: 10_200n }));
    const r = await h.oms.recover();
    expect(r).toEqual({ orders: 1, fills: 2, reconciled: 0, fillsRecovered: 0, unresolved: 0 });
    expect(h.oms.get('T-000001')?.status).toBe('FILLED');
    expect(h.ledger.position('BTC/USD')).toMatchObject({ qtyUnits: 2000n, costUnits: cash('203') });
    expect(h.ledger.cashUnits).toBe(cash('796.99'));
    expect(h.listener.anomalies).toEqual([]);
    // Known fill ids stay known: a replay by the venue is not applied again.
    expect(h.oms.applyFill(makeVenueFill({ fillId: 'F2', clientOrderId: 'T-000001', qtyUnits: 1500n }))).toBe(false);
    // New orders continue the journal's sequence.
    expect(h.oms.place(req()).id).toBe('T-000002');
  });

  it('when the venue has fills the journal lacks then they are applied exactly once and the order state follows the venue', async () => {
    const h = omsHarness({ initialCash: '1000' });
    h.journal.seedOrder(makeOrder({ id: 'T-000001', status: 'PARTIALLY_FILLED', venueOrderId: 'V1', qtyUnits: 2000n, filledUnits: 500n, filledNotionalUnits: cash('50') }));
    h.journal.seedFill(makeFillRecord({ id: 'F1', orderId: 'T-000001', qtyUnits: 500n }));
    const f1 = makeVenueFill({ fillId: 'F1', clientOrderId: 'T-000001', qtyUnits: 500n });
    const f2 = makeVenueFill({ fillId: 'F2', clientOrderId: 'T-000001', qtyUnits: 1500n, priceUnits: 9_900n });
    h.venue.known.set('T-000001', { status: { clientOrderId: 'T-000001', venueOrderId: 'V1', state: 'filled', filledUnits: 2000n }, fills: [f1, f2] });

    const r = await h.oms.recover();
    expect(r).toEqual({ orders: 1, fills: 1, reconciled: 1, fillsRecovered: 1, unresolved: 0 });
    const o = h.oms.get('T-000001')!;
    expect(o).toMatchObject({ status: 'FILLED', filledUnits: 2000n });
    expect(h.ledger.position('BTC/USD').qtyUnits).toBe(2000n);
    expect(h.ledger.cashUnits).toBe(cash('1000') - cash('50') - cash('148.5'));
    expect(h.journal.fills.map((f) => f.id)).toEqual(['F1', 'F2']);
    expect(h.oms.openOrders()).toEqual([]);
    // The same fill coming in live afterwards is a duplicate.
    h.venue.emit({ type: 'fill', fill: f2 });
    expect(h.ledger.position('BTC/USD').qtyUnits).toBe(2000n);
    expect(h.venue.submitted).toEqual([]);
  });

  it('when a journaled NEW order is unknown at the venue then it is REJECTED (UNKNOWN_AT_VENUE) and not resent', async () => {
    const h = omsHarness();
    h.journal.seedOrder(makeOrder({ id: 'T-000001', status: 'NEW' }));
    const r = await h.oms.recover();
    expect(r.reconciled).toBe(1);
    const o = h.oms.get('T-000001')!;
    expect(o.status).toBe('REJECTED');
    expect(o.reason?.code).toBe('UNKNOWN_AT_VENUE');
    expect(h.journal.order('T-000001').status).toBe('REJECTED');
    expect(h.log.matching('venue.submit')).toEqual([]);
    expect(h.oms.openOrders()).toEqual([]);
  });

  it('when a journaled PENDING order is unknown at the venue then it is REJECTED (LOST_IN_RECOVERY)', async () => {
    const h = omsHarness();
    h.journal.seedOrder(makeOrder({ id: 'T-000001', status: 'PENDING', venueOrderId: 'V1' }));
    await h.oms.recover();
    expect(h.oms.get('T-000001')).toMatchObject({ status: 'REJECTED', reason: { code: 'LOST_IN_RECOVERY' } });
    expect(h.log.matching('venue.submit')).toEqual([]);
  });

  it('when a journaled PARTIALLY_FILLED order is unknown at the venue then recovery still completes and closes it', async () => {
    const h = omsHarness();
    h.journal.seedOrder(makeOrder({ id: 'T-000001', status: 'PARTIALLY_FILLED', venueOrderId: 'V1', qtyUnits: 2000n, filledUnits: 500n, filledNotionalUnits: cash('50') }));
    h.journal.seedFill(makeFillRecord({ id: 'F1', orderId: 'T-000001', qtyUnits: 500n }));
    await h.oms.recover();
    expect(h.oms.openOrders()).toEqual([]);
    expect(h.oms.get('T-000001')?.reason?.code).toBe('LOST_IN_RECOVERY');
  });

  it('when a journaled NEW order is known at the venue then it becomes PENDING, and venue-side terminal states are adopted', async () => {
    const h = omsHarness();
    h.journal.seedOrder(makeOrder({ id: 'T-000001', seq: 1, status: 'NEW' }));
    h.journal.seedOrder(makeOrder({ id: 'T-000002', seq: 2, status: 'PENDING', venueOrderId: 'V2' }));
    h.journal.seedOrder(makeOrder({ id: 'T-000003', seq: 3, status: 'PENDING', venueOrderId: 'V3' }));
    h.venue.known.set('T-000001', { status: { clientOrderId: 'T-000001', venueOrderId: 'V1', state: 'open', filledUnits: 0n }, fills: [] });
    h.venue.known.set('T-000002', { status: { clientOrderId: 'T-000002', venueOrderId: 'V2', state: 'cancelled', filledUnits: 0n }, fills: [] });
    h.venue.known.set('T-000003', { status: { clientOrderId: 'T-000003', venueOrderId: 'V3', state: 'rejected', filledUnits: 0n, reason: { code: 'X', message: 'y' } }, fills: [] });
    await h.oms.recover();
    expect(h.oms.get('T-000001')).toMatchObject({ status: 'PENDING', venueOrderId: 'V1' });
    expect(h.oms.get('T-000002')?.status).toBe('CANCELLED');
    expect(h.oms.get('T-000003')).toMatchObject({ status: 'REJECTED', reason: { code: 'X', message: 'y' } });
    expect(h.oms.openOrders().map((o) => o.id)).toEqual(['T-000001']);
    // The still-working limit buy reserves cash again.
    expect(h.oms.reservedCashUnits()).toBe(cash('100.05'));
  });

  it('when the journaled filled quantity disagrees with the journaled fills then an anomaly is reported', async () => {
    const h = omsHarness();
    h.journal.seedOrder(makeOrder({ id: 'T-000001', status: 'FILLED', qtyUnits: 1000n, filledUnits: 1000n }));
    await h.oms.recover();
    expect(h.listener.anomalies).toEqual([expect.stringMatching(/T-000001: journal filled 1000 but fills sum to 0/)]);
  });
});

describe('Oms with the real SimVenue on a SimClock', () => {
  it('when a market buy is placed then it is journaled first, fills after the latency at the ask as taker, and the ledger holds it', () => {
    const s = simHarness({ seed: 3 });
    const h = omsHarness<SimVenue>({ venue: s.venue, clock: s.clock, initialCash: '10000' });
    const o = h.oms.place(req({ type: 'market', price: undefined, qty: '0.5' }));
    expect(h.log.entries).toEqual([`journal.insertOrder ${o.id} created NEW`]);
    expect(s.events).toEqual([]);
    s.clock.advanceBy(100);
    expect(o.status).toBe('FILLED');
    expect(o.venueOrderId).toBe('V1');
    expect(h.listener.fills).toEqual([expect.objectContaining({ priceUnits: px(BTC, '100.01'), qtyUnits: 500n, liquidity: 'taker', feeUnits: cash('0.0250025') })]);
    expect(h.ledger.position('BTC/USD').qtyUnits).toBe(500n);
    expect(h.ledger.cashUnits).toBe(cash('10000') - cash('50.005') - cash('0.0250025'));
  });

  it('when a resting order is cancelled after the venue acknowledged it then it ends CANCELLED', () => {
    const s = simHarness({ seed: 3 });
    const h = omsHarness<SimVenue>({ venue: s.venue, clock: s.clock });
    const o = h.oms.place(req({ price: '90' }));
    s.clock.advanceBy(100);
    expect(o.status).toBe('PENDING');
    h.oms.cancel(o.id);
    s.clock.advanceBy(100);
    expect(o.status).toBe('CANCELLED');
    expect(h.oms.openOrders()).toEqual([]);
  });
});
