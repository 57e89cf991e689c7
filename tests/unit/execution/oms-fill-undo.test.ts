import { describe, expect, it } from 'vitest';
import type { FillRecord, OrderRecord } from '../../../src/core/ports.ts';
import type { PlaceRequest } from '../../../src/execution/oms.ts';
import { CallLog } from '../../fixtures/engine/call-log.ts';
import { cash } from '../../fixtures/engine/instruments.ts';
import { MemoryJournal } from '../../fixtures/engine/memory-journal.ts';
import { omsHarness } from '../../fixtures/engine/oms-harness.ts';
import { makeVenueFill } from '../../fixtures/engine/orders.ts';

/** A journal whose fill writes fail while `failing` is set, as a full disk or a closed database would. */
class FailingFillJournal extends MemoryJournal {
  failing = true;
  override recordFill(fill: FillRecord, order: OrderRecord, parent?: OrderRecord): boolean {
    if (this.failing) throw new Error('disk full');
    return super.recordFill(fill, order, parent);
  }
}

function req(over: Partial<PlaceRequest> = {}): PlaceRequest {
  return { symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qty: '2', price: '100', source: 'api', ...over };
}

/** The fields a fill changes, as a plain snapshot. */
function fillFields(o: OrderRecord) {
  return { status: o.status, updatedAt: o.updatedAt, qtyUnits: o.qtyUnits, filledUnits: o.filledUnits, filledNotionalUnits: o.filledNotionalUnits, feeUnits: o.feeUnits, venueOrderId: o.venueOrderId };
}

describe('Oms.applyFill applies a fill in place and undoes it when the journal does not take it', () => {
  it('when the journal throws on a fill then the order is as before, nothing is booked, and the same fill applies once the journal works', () => {
    const log = new CallLog();
    const journal = new FailingFillJournal(log);
    const h = omsHarness({ journal, log, initialCash: '1000' });
    const o = h.oms.place(req());
    const before = fillFields(o);
    const f = makeVenueFill({ fillId: 'F1', clientOrderId: o.id, qtyUnits: 500n, ts: o.updatedAt + 5, feeUnits: 3n });
    expect(() => h.oms.applyFill(f)).toThrow('disk full');
    expect(fillFields(o)).toEqual(before);
    expect(h.oms.fills()).toEqual([]);
    expect(h.ledger.cashUnits).toBe(cash('1000'));
    expect(h.listener.fills).toEqual([]);
    expect(h.oms.openOrders().map((x) => x.id)).toEqual([o.id]);

    journal.failing = false;
    expect(h.oms.applyFill({ ...f })).toBe(true);
    expect(o).toMatchObject({ status: 'PARTIALLY_FILLED', filledUnits: 500n, feeUnits: 3n, venueOrderId: 'V1' });
    expect(h.journal.order(o.id)).toMatchObject({ status: 'PARTIALLY_FILLED', filledUnits: 500n });
  });

  it("when the journal throws on a child's fill then neither the child nor its parent changed", () => {
    const log = new CallLog();
    const journal = new FailingFillJournal(log);
    const h = omsHarness({ journal, log, initialCash: '1000' });
    const parent = h.oms.placeParent({ ...req(), algo: 'twap', algoParams: '{}' });
    const child = h.oms.placeChild(parent, { qtyUnits: 1000n, type: 'limit', priceUnits: 100_00n, tif: 'gtc' });
    const parentBefore = fillFields(parent);
    const childBefore = fillFields(child);
    expect(() => h.oms.applyFill(makeVenueFill({ fillId: 'F1', clientOrderId: child.id, qtyUnits: 1000n, ts: child.updatedAt + 1 }))).toThrow('disk full');
    expect(fillFields(parent)).toEqual(parentBefore);
    expect(fillFields(child)).toEqual(childBefore);
    expect(h.oms.openChildren(parent.id).map((x) => x.id)).toEqual([child.id]);

    journal.failing = false;
    expect(h.oms.applyFill(makeVenueFill({ fillId: 'F1', clientOrderId: child.id, qtyUnits: 1000n, ts: child.updatedAt + 1 }))).toBe(true);
    expect(child.status).toBe('FILLED');
    expect(parent).toMatchObject({ status: 'PARTIALLY_FILLED', filledUnits: 1000n });
    expect(h.oms.openChildren(parent.id)).toEqual([]);
  });
});
