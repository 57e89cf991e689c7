import { describe, expect, it } from 'vitest';
import { toUnits } from '../../../src/core/precision.ts';
import { makeVenueFill } from '../../fixtures/engine/orders.ts';
import { omsHarness } from '../../fixtures/engine/oms-harness.ts';

const q = (s: string) => toUnits(s, 3);
const p = (s: string) => toUnits(s, 2);

function working() {
  const h = omsHarness();
  const o = h.oms.place({ symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qty: '1', price: '100.00', source: 'api' });
  h.venue.emit({ type: 'accepted', clientOrderId: o.id, venueOrderId: 'V1', ts: 0 });
  return { h, o };
}

describe('Oms.replace (cancel/replace, one lineage)', () => {
  it('when a working order is modified then the replacement is checked and journaled, the old one cancelled, and the replacement sent only after the cancel lands', () => {
    const { h, o } = working();
    const r = h.oms.replace(o.id, { priceUnits: p('101.00'), qtyUnits: q('2') });
    expect(r.id).not.toBe(o.id);
    expect(r).toMatchObject({ replacesId: o.id, rootId: o.id, status: 'NEW', qtyUnits: q('2'), priceUnits: p('101.00') });
    expect(h.checked.at(-1)?.id).toBe(r.id);
    expect(h.venue.cancelled).toEqual([o.id]);
    expect(h.venue.submitted.map((s) => s.clientOrderId)).toEqual([o.id]);
    expect(h.oms.heldByStrata(r)).toBe(true);
    h.venue.emit({ type: 'cancelled', clientOrderId: o.id, ts: 1 });
    expect(h.venue.submitted.at(-1)).toMatchObject({ clientOrderId: r.id, qtyUnits: q('2'), priceUnits: p('101.00') });
    expect(h.oms.replacedBy(o.id)).toBe(r.id);
    const log = h.log.entries;
    expect(log.findIndex((e) => e.startsWith(`journal.insertOrder ${r.id} created_replacing`))).toBeLessThan(log.findIndex((e) => e === `venue.cancel ${o.id}`));
  });

  it('when the old order fills more before its cancel lands then the replacement is sized to what is left of the new total', () => {
    const { h, o } = working();
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F1', clientOrderId: o.id, qtyUnits: q('0.2') }) });
    const r = h.oms.replace(o.id, { qtyUnits: q('1.5') });
    expect(r.qtyUnits).toBe(q('1.3'));
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F2', clientOrderId: o.id, qtyUnits: q('0.5') }) });
    h.venue.emit({ type: 'cancelled', clientOrderId: o.id, ts: 1 });
    expect(r.qtyUnits).toBe(q('0.8'));
    expect(h.venue.submitted.at(-1)).toMatchObject({ clientOrderId: r.id, qtyUnits: q('0.8') });
  });

  it('when the old order fills completely before its cancel lands then the replacement ends CANCELLED and is never sent', () => {
    const { h, o } = working();
    const r = h.oms.replace(o.id, { priceUnits: p('99.00') });
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F1', clientOrderId: o.id, qtyUnits: q('1') }) });
    expect(r.status).toBe('CANCELLED');
    expect(r.reason?.code).toBe('REPLACED_ORDER_FILLED');
    expect(h.venue.submitted.some((s) => s.clientOrderId === r.id)).toBe(false);
  });

  it('when the venue refuses the cancel then the old order works on and the replacement ends CANCELLED (REPLACE_REFUSED)', () => {
    const { h, o } = working();
    const r = h.oms.replace(o.id, { priceUnits: p('99.00') });
    h.venue.emit({ type: 'cancelRejected', clientOrderId: o.id, code: 'X', message: 'too late', ts: 1 });
    expect(o.status).toBe('PENDING');
    expect(r.status).toBe('CANCELLED');
    expect(r.reason?.code).toBe('REPLACE_REFUSED');
  });

  it('when the replacement fails L1 then it is DENIED (data, journaled) and the working order is left alone', () => {
    const h = omsHarness({ check: (o) => (o.priceUnits === p('150.00') ? { ok: false, code: 'PRICE_BAND', message: 'too far' } : { ok: true, reservePriceUnits: o.priceUnits ?? 0n }) });
    const o = h.oms.place({ symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qty: '1', price: '100.00', source: 'api' });
    const r = h.oms.replace(o.id, { priceUnits: p('150.00') });
    expect(r.status).toBe('DENIED');
    expect(r.replacesId).toBe(o.id);
    expect(o.cancelRequested).toBe(false);
    expect(h.venue.cancelled).toEqual([]);
  });

  it('when a quantity is not above what is filled, or the order is not open, then replace refuses with a typed error', () => {
    const { h, o } = working();
    h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: 'F1', clientOrderId: o.id, qtyUnits: q('0.5') }) });
    expect(() => h.oms.replace(o.id, { qtyUnits: q('0.5') })).toThrow(/exceed the filled/);
    expect(() => h.oms.replace('nope', {})).toThrow(/unknown order/);
  });
});
