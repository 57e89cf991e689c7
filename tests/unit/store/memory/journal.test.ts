import { describe, expect, it } from 'vitest';
import { MemoryOrderJournal } from '../../../../src/store/memory/journal.ts';
import { fillRecord, orderRecord } from '../order-record.ts';

describe('MemoryOrderJournal', () => {
  it('when orders are inserted, updated and filled then they load back by sequence with their last state', () => {
    const j = new MemoryOrderJournal();
    const b = orderRecord('B', j.nextOrderSeq() + 1);
    const a = orderRecord('A', 1);
    j.insertOrder(b, 'placed');
    j.insertOrder(a, 'placed');
    a.status = 'PENDING';
    j.updateOrder(a, 'accepted');
    a.filledUnits = 400n;
    a.status = 'PARTIALLY_FILLED';
    expect(j.recordFill(fillRecord('F1', 'A', 400n), a)).toBe(true);
    const loaded = j.loadOrders();
    expect(loaded.map((o) => o.id)).toEqual(['A', 'B']);
    expect(loaded[0]).toMatchObject({ status: 'PARTIALLY_FILLED', filledUnits: 400n });
    expect(j.loadFills().map((f) => f.id)).toEqual(['F1']);
  });

  it('when a fill id is recorded twice then the second is refused and nothing changes', () => {
    const j = new MemoryOrderJournal();
    const a = orderRecord('A', j.nextOrderSeq());
    j.insertOrder(a, 'placed');
    expect(j.recordFill(fillRecord('F1', 'A', 100n), { ...a, filledUnits: 100n })).toBe(true);
    expect(j.recordFill(fillRecord('F1', 'A', 100n), { ...a, filledUnits: 200n })).toBe(false);
    expect(j.loadFills()).toHaveLength(1);
    expect(j.loadOrders()[0]!.filledUnits).toBe(100n);
  });

  it('when the caller mutates an order after writing it then the journal keeps what was written', () => {
    const j = new MemoryOrderJournal();
    const a = orderRecord('A', 1, { reason: { code: 'X', message: 'x' } });
    j.insertOrder(a, 'placed');
    a.status = 'FILLED';
    a.reason!.code = 'Y';
    expect(j.loadOrders()[0]).toMatchObject({ status: 'NEW', reason: { code: 'X' } });
  });

  it('when an order is updated and filled in place then each load is what was last written, and neither the caller nor an earlier load shares its fields', () => {
    const j = new MemoryOrderJournal();
    const a = orderRecord('A', 1);
    j.insertOrder(a, 'placed');
    const first = j.loadOrders()[0]!;
    a.status = 'PENDING';
    a.reason = { code: 'R', message: 'r' };
    j.updateOrder(a, 'accepted');
    a.status = 'FILLED';
    a.reason.code = 'Z';
    expect(j.loadOrders()[0]).toEqual({ ...a, status: 'PENDING', reason: { code: 'R', message: 'r' } });
    expect(first).toMatchObject({ status: 'NEW', reason: null });
    a.filledUnits = a.qtyUnits;
    a.reason = null;
    expect(j.recordFill(fillRecord('F1', 'A', a.qtyUnits), a)).toBe(true);
    a.status = 'CANCELLED';
    expect(j.loadOrders()[0]).toEqual({ ...a, status: 'FILLED' });
  });

  it('when orders are denied, updated and filled (a child with its parent) then the events read back in order, as order_events keeps them', () => {
    const j = new MemoryOrderJournal();
    const p = orderRecord('P', 1, { updatedAt: 1_700_000_000_123 });
    const d = orderRecord('D', 2, { status: 'DENIED', reason: { code: 'RISK_DENIED', message: 'too big' } });
    j.insertOrder(p, 'created');
    j.insertOrder(d, 'denied');
    const c = orderRecord('C', 3, { parentId: 'P' });
    j.insertOrder(c, 'created');
    c.status = 'PENDING';
    c.updatedAt = 1_500;
    j.updateOrder(c, 'accepted', 'V1');
    c.status = 'FILLED';
    p.status = 'PARTIALLY_FILLED';
    expect(j.recordFill(fillRecord('F1', 'C', 1000n), c, p)).toBe(true);
    expect(j.events).toEqual([
      { orderId: 'P', ts: 1_700_000_000_123, event: 'created', status: 'NEW', detail: null },
      { orderId: 'D', ts: 1_000, event: 'denied', status: 'DENIED', detail: 'RISK_DENIED: too big' },
      { orderId: 'C', ts: 1_000, event: 'created', status: 'NEW', detail: null },
      { orderId: 'C', ts: 1_500, event: 'accepted', status: 'PENDING', detail: 'V1' },
      { orderId: 'C', ts: 2_000, event: 'fill', status: 'FILLED', detail: 'F1' },
      { orderId: 'P', ts: 2_000, event: 'child_fill', status: 'PARTIALLY_FILLED', detail: 'F1' },
    ]);
  });

  it('when every field of an order changes between writes then the row written in place reads back equal, and a later change does not reach it', () => {
    const j = new MemoryOrderJournal();
    const a = orderRecord('A', 1);
    j.insertOrder(a, 'placed');
    // A value unlike the inserted one for every field: a field the in-place write missed keeps its old value.
    const changed = orderRecord('A', 1, {
      venueOrderId: 'V9',
      symbol: 'ETH/USDT',
      side: 'sell',
      type: 'market',
      tif: 'ioc',
      qtyUnits: 2000n,
      priceUnits: null,
      requestedQty: '0.002',
      requestedPrice: null,
      filledUnits: 500n,
      filledNotionalUnits: 25n,
      feeUnits: 3n,
      status: 'PARTIALLY_FILLED',
      reason: { code: 'C', message: 'm' },
      cancelRequested: true,
      source: 'api',
      createdAt: 2_000,
      updatedAt: 3_000,
      parentId: 'P',
      urgency: 'low',
      algo: 'twap',
      algoParams: '{}',
      algoState: '{"n":1}',
      paused: true,
      decisionPriceUnits: 7n,
      decisionTs: 4_000,
      arrivalPriceUnits: 8n,
      arrivalTs: 5_000,
      approvedBy: 'op',
      proposalId: 'PR1',
      riskConfirmed: true,
      trigger: { kind: 'stop', by: 'last', stopPriceUnits: 9n, trailPercent: null, trailUnits: null, triggeredAt: null, entryId: null, role: null },
      ocoGroup: 'G',
      replacesId: 'R',
      rootId: 'R0',
    });
    for (const k of Object.keys(a) as (keyof typeof a)[]) if (k !== 'id' && k !== 'seq') expect(changed[k], k).not.toEqual(a[k]);
    Object.assign(a, changed);
    j.updateOrder(a, 'accepted');
    expect(j.loadOrders()[0]).toEqual(changed);
    a.reason!.message = 'later';
    a.trigger!.stopPriceUnits = 10n;
    expect(j.loadOrders()[0]).toMatchObject({ reason: { message: 'm' }, trigger: { stopPriceUnits: 9n } });
    a.filledUnits = 2000n;
    a.status = 'FILLED';
    expect(j.recordFill(fillRecord('F1', 'A', 1500n), a)).toBe(true);
    expect(j.loadOrders()[0]).toEqual({ ...a, reason: { code: 'C', message: 'later' }, trigger: { ...a.trigger, stopPriceUnits: 10n } });
  });

  it('when more events are written than one block of columns holds then they all read back in order', () => {
    const j = new MemoryOrderJournal();
    const n = 9_000;
    for (let i = 1; i <= n; i++) j.insertOrder(orderRecord(`O${i}`, i, { updatedAt: i }), 'created');
    const events = j.events;
    expect(events).toHaveLength(n);
    expect(events.map((e) => e.ts)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(events[n - 1]).toEqual({ orderId: `O${n}`, ts: n, event: 'created', status: 'NEW', detail: null });
  });

  it('when an order id is inserted twice or an unknown one updated then it throws', () => {
    const j = new MemoryOrderJournal();
    j.insertOrder(orderRecord('A', 1), 'placed');
    expect(() => j.insertOrder(orderRecord('A', 2), 'placed')).toThrow(/already journaled/);
    expect(() => j.updateOrder(orderRecord('Z', 3), 'accepted')).toThrow(/not journaled/);
  });

  it('when meta and TCA are set then they read back; sequence numbers continue after the highest inserted', () => {
    const j = new MemoryOrderJournal();
    j.setMeta('id_prefix', 'SIM');
    j.saveTca('P', '{"x":1}');
    j.insertOrder(orderRecord('A', 7), 'placed');
    expect(j.getMeta('id_prefix')).toBe('SIM');
    expect(j.loadTca('P')).toBe('{"x":1}');
    expect(j.nextOrderSeq()).toBe(8);
  });
});
