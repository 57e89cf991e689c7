import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Oms } from '../../../src/execution/oms.ts';
import { omsHarness } from '../../fixtures/engine/oms-harness.ts';
import { makeFillRecord, makeOrder, makeVenueFill } from '../../fixtures/engine/orders.ts';

/** L1 reads one symbol's open orders after a change: they must be exactly openOrders() of that symbol. */

const SYMBOLS = ['BTC/USD', 'ETH/USD', 'ACME'] as const;
const QTY: Record<(typeof SYMBOLS)[number], string> = { 'BTC/USD': '2', 'ETH/USD': '3', ACME: '5' };

function expectIndexAgrees(oms: Oms): void {
  for (const s of [...SYMBOLS, 'HALT']) {
    expect(oms.openOrdersOf(s).map((o) => o.id)).toEqual(oms.openOrders().filter((o) => o.symbol === s).map((o) => o.id));
  }
}

type Op =
  | { kind: 'place'; symbol: (typeof SYMBOLS)[number] }
  | { kind: 'parent'; symbol: (typeof SYMBOLS)[number] }
  | { kind: 'child'; pick: number }
  | { kind: 'fill'; pick: number; whole: boolean }
  | { kind: 'end'; pick: number; how: 'cancelled' | 'rejected' | 'expired' | 'parent' };

const symArb = fc.constantFrom(...SYMBOLS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('place' as const), symbol: symArb }),
  fc.record({ kind: fc.constant('parent' as const), symbol: symArb }),
  fc.record({ kind: fc.constant('child' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(), whole: fc.boolean() }),
  fc.record({ kind: fc.constant('end' as const), pick: fc.nat(), how: fc.constantFrom('cancelled' as const, 'rejected' as const, 'expired' as const, 'parent' as const) }),
);

describe('Oms.openOrdersOf', () => {
  it('when orders, parents and children open, fill and end in any order then each symbol lists exactly its open orders, in openOrders() order', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const h = omsHarness({ initialCash: '100000000' });
        let fillSeq = 0;
        for (const op of ops) {
          const open = h.oms.openOrders();
          if (op.kind === 'place') h.oms.place({ symbol: op.symbol, side: 'buy', type: 'limit', tif: 'gtc', qty: QTY[op.symbol], price: '10', source: 'api' });
          if (op.kind === 'parent') h.oms.placeParent({ symbol: op.symbol, side: 'sell', qty: QTY[op.symbol], price: '10', source: 'api', algo: 'twap', algoParams: '{}' });
          const parents = open.filter((o) => o.algo !== null);
          const sent = open.filter((o) => o.algo === null);
          if (op.kind === 'child' && parents.length > 0) {
            const p = parents[op.pick % parents.length]!;
            h.oms.placeChild(p, { qtyUnits: p.qtyUnits / 2n > 0n ? p.qtyUnits / 2n : p.qtyUnits, type: 'limit', priceUnits: p.priceUnits, tif: 'gtc' });
          }
          if (op.kind === 'fill' && sent.length > 0) {
            const o = sent[op.pick % sent.length]!;
            const left = o.qtyUnits - o.filledUnits;
            h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: `F${++fillSeq}`, clientOrderId: o.id, qtyUnits: op.whole || left < 2n ? left : left / 2n, priceUnits: o.priceUnits ?? 1_000n }) });
          }
          if (op.kind === 'end' && open.length > 0) {
            const o = open[op.pick % open.length]!;
            if (o.algo !== null) {
              // As the algo runner does: children end before their parent.
              for (const c of h.oms.openChildren(o.id)) h.venue.emit({ type: 'cancelled', clientOrderId: c.id, ts: 1 });
              h.oms.finishParent(o, 'CANCELLED', 'cancelled');
            }
            else if (op.how === 'rejected' && o.filledUnits === 0n) h.venue.emit({ type: 'rejected', clientOrderId: o.id, code: 'X', message: 'no', ts: 1 });
            else if (op.how === 'expired') h.venue.emit({ type: 'expired', clientOrderId: o.id, ts: 1 });
            else h.venue.emit({ type: 'cancelled', clientOrderId: o.id, ts: 1 });
          }
          expectIndexAgrees(h.oms);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('when restarting then the open orders recovered from the journal are listed per symbol', async () => {
    const h = omsHarness({ initialCash: '1000' });
    h.journal.seedOrder(makeOrder({ id: 'T-000001', seq: 1, symbol: 'BTC/USD', status: 'FILLED', qtyUnits: 2000n, filledUnits: 2000n }));
    h.journal.seedFill(makeFillRecord({ id: 'F1', orderId: 'T-000001', qtyUnits: 2000n, priceUnits: 10_000n }));
    h.journal.seedOrder(makeOrder({ id: 'T-000002', seq: 2, symbol: 'BTC/USD', status: 'PENDING', venueOrderId: 'V2' }));
    h.journal.seedOrder(makeOrder({ id: 'T-000003', seq: 3, symbol: 'ETH/USD', status: 'PENDING', venueOrderId: 'V3', qtyUnits: 100n, priceUnits: 5_000n }));
    h.journal.seedOrder(makeOrder({ id: 'T-000004', seq: 4, symbol: 'BTC/USD', status: 'PENDING', venueOrderId: 'V4' }));
    for (const id of ['T-000002', 'T-000003', 'T-000004']) h.venue.known.set(id, { status: { clientOrderId: id, venueOrderId: `V${id.slice(-1)}`, state: 'open', filledUnits: 0n }, fills: [] });
    await h.oms.recover();
    expect(h.oms.openOrdersOf('BTC/USD').map((o) => o.id)).toEqual(['T-000002', 'T-000004']);
    expect(h.oms.openOrdersOf('ETH/USD').map((o) => o.id)).toEqual(['T-000003']);
    expect(h.oms.openOrdersOf('ACME')).toEqual([]);
    expectIndexAgrees(h.oms);
  });
});
