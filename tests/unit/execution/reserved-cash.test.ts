import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Oms } from '../../../src/execution/oms.ts';
import { scanWorkingUnits } from '../../../src/execution/reserved-cash.ts';
import { scanWorkingSums } from '../../../src/execution/working-sums.ts';
import { algoParentViews, workingOrderViews } from '../../../src/kernel/exposure-views.ts';
import type { ReserveFacts } from '../../../src/execution/reserved-cash.ts';
import { worksChildren } from '../../../src/core/order.ts';
import { omsHarness } from '../../fixtures/engine/oms-harness.ts';
import { makeFillRecord, makeOrder, makeVenueFill } from '../../fixtures/engine/orders.ts';

/**
 * The OMS keeps the cash its working buys hold back as a running figure (reserved-cash.ts), read by
 * L1 on every order: it must always equal the full scan of the working orders, for every `except`.
 */

const SYMBOLS = ['BTC/USD', 'ETH/USD'] as const;


function expectRunningEqualsScan(oms: Oms): void {
  expect(oms.reservedCashUnits()).toBe(oms.reservedCashUnitsByScan());
  for (const o of oms.openOrders()) expect(oms.reservedCashUnits(o.id)).toBe(oms.reservedCashUnitsByScan(o.id));
  expect(oms.reservedCashUnits('T-NOPE')).toBe(oms.reservedCashUnitsByScan('T-NOPE'));
  // Working units per symbol and side (the structural check's), against the scan of that symbol's open orders.
  const facts: ReserveFacts = { reservePrice: () => undefined, awaiting: (id) => oms.heldByStrata(oms.get(id)!) && !worksChildren(oms.get(id)!) };
  for (const symbol of SYMBOLS) {
    // L1's working-order sums (working-sums.ts), against the scan and against L1's views of the symbol.
    const scan = scanWorkingSums(oms.openOrdersOf(symbol));
    expect(oms.workingSumsOf(symbol) ?? scanWorkingSums([])).toEqual(scan);
    const views = workingOrderViews(oms.openOrdersOf(symbol));
    expect(scan.count).toBe(views.length);
    expect(scan.buyUnits + scan.sellUnits).toBe(views.reduce((a, v) => a + v.remainingUnits, 0n));
    // The open parents and held triggers (L1's parent views, the trigger book's market check): the
    // symbol's open orders that work children, in the same order, and the same views from them.
    expect([...oms.openParentsOf(symbol)]).toEqual(oms.openOrdersOf(symbol).filter((o) => worksChildren(o)));
    expect(algoParentViews(oms.openParentsOf(symbol), oms)).toEqual(algoParentViews(oms.openOrdersOf(symbol), oms));
    for (const side of ['buy', 'sell'] as const) {
      for (const except of [undefined, 'T-NOPE', ...oms.openOrders().map((o) => o.id)]) {
        const scan = scanWorkingUnits(oms.openOrdersOf(symbol), side, except ? oms.get(except) : undefined, except ?? null, facts);
        expect(oms.workingUnits(symbol, side, except)).toBe(scan);
      }
    }
  }
}

type Op =
  | { kind: 'place'; symbol: (typeof SYMBOLS)[number]; side: 'buy' | 'sell'; price: number; market: boolean }
  | { kind: 'parent'; symbol: (typeof SYMBOLS)[number] }
  | { kind: 'held'; symbol: (typeof SYMBOLS)[number]; group: number; price: number }
  | { kind: 'child'; pick: number }
  | { kind: 'accept'; pick: number }
  | { kind: 'fill'; pick: number; whole: boolean }
  | { kind: 'replace'; pick: number; price: number; more: boolean }
  | { kind: 'resize'; pick: number }
  | { kind: 'end'; pick: number; how: 'cancelled' | 'rejected' | 'expired' | 'cancel' };

const symArb = fc.constantFrom(...SYMBOLS);
const priceArb = fc.integer({ min: 5, max: 15 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('place' as const), symbol: symArb, side: fc.constantFrom('buy' as const, 'sell' as const), price: priceArb, market: fc.boolean() }),
  fc.record({ kind: fc.constant('parent' as const), symbol: symArb }),
  fc.record({ kind: fc.constant('held' as const), symbol: symArb, group: fc.integer({ min: 0, max: 2 }), price: priceArb }),
  fc.record({ kind: fc.constant('child' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('accept' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(), whole: fc.boolean() }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), price: priceArb, more: fc.boolean() }),
  fc.record({ kind: fc.constant('resize' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('end' as const), pick: fc.nat(), how: fc.constantFrom('cancelled' as const, 'rejected' as const, 'expired' as const, 'cancel' as const) }),
);

describe('Oms.reservedCashUnits and workingUnits (running figures)', () => {
  it('when orders are placed, held, replaced, filled, resized, cancelled and rejected in any order then the running reserved cash and working units equal the full scans', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const h = omsHarness({ initialCash: '100000000' });
        let fillSeq = 0;
        for (const op of ops) {
          const open = h.oms.openOrders();
          const sent = open.filter((o) => o.algo === null && o.trigger === null);
          const pick = <T>(xs: T[], i: number): T | undefined => (xs.length > 0 ? xs[i % xs.length] : undefined);
          try {
            if (op.kind === 'place') {
              h.oms.place(op.market ? { symbol: op.symbol, side: op.side, type: 'market', tif: 'ioc', qty: '1', source: 'api' } : { symbol: op.symbol, side: op.side, type: 'limit', tif: 'gtc', qty: '2', price: String(op.price), source: 'api' });
            }
            if (op.kind === 'parent') h.oms.placeParent({ symbol: op.symbol, side: 'buy', qty: '4', price: '10', source: 'api', algo: 'twap', algoParams: '{}' });
            if (op.kind === 'held') {
              h.oms.placeHeld({
                symbol: op.symbol,
                side: 'buy',
                qty: '1',
                price: String(op.price),
                source: 'api',
                childType: 'limit',
                check: true,
                ocoGroup: op.group === 0 ? null : `G${op.group}`,
                trigger: { kind: 'stop', by: 'last', stopPriceUnits: null, trailPercent: null, trailUnits: null, triggeredAt: null, entryId: null, role: null },
              });
            }
            const parents = open.filter((o) => o.algo !== null);
            const p = pick(parents, op.kind === 'child' ? op.pick : 0);
            if (op.kind === 'child' && p) h.oms.placeChild(p, { qtyUnits: p.qtyUnits / 4n > 0n ? p.qtyUnits / 4n : p.qtyUnits, type: 'limit', priceUnits: p.priceUnits, tif: 'gtc' });
            if (op.kind === 'accept') {
              const o = pick(sent, op.pick);
              if (o) h.venue.emit({ type: 'accepted', clientOrderId: o.id, venueOrderId: `V${o.id}`, ts: 1 });
            }
            if (op.kind === 'fill') {
              const o = pick(sent, op.pick);
              const left = o ? o.qtyUnits - o.filledUnits : 0n;
              if (o && left > 0n) h.venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: `F${++fillSeq}`, clientOrderId: o.id, qtyUnits: op.whole || left < 2n ? left : left / 2n, priceUnits: o.priceUnits ?? 1_000n }) });
            }
            if (op.kind === 'replace') {
              const o = pick(sent.filter((x) => x.type === 'limit' && x.parentId === null), op.pick);
              if (o) h.oms.replace(o.id, { priceUnits: o.priceUnits! + BigInt(op.price), qtyUnits: op.more ? o.qtyUnits * 2n : o.qtyUnits });
            }
            if (op.kind === 'resize') {
              // As the algo runner and the trigger book do: change in place, then persist.
              const o = pick(open.filter((x) => x.algo !== null || x.trigger !== null), op.pick);
              if (o) {
                o.qtyUnits += o.qtyUnits;
                h.oms.persist(o, 'modified');
              }
            }
            if (op.kind === 'end') {
              const o = pick(open, op.pick);
              if (o && (o.algo !== null || o.trigger !== null)) {
                for (const c of h.oms.openChildren(o.id)) h.venue.emit({ type: 'cancelled', clientOrderId: c.id, ts: 1 });
                h.oms.finishParent(o, 'CANCELLED', 'cancelled');
              } else if (o && op.how === 'cancel') h.oms.cancel(o.id);
              else if (o && op.how === 'rejected' && o.filledUnits === 0n) h.venue.emit({ type: 'rejected', clientOrderId: o.id, code: 'X', message: 'no', ts: 1 });
              else if (o && op.how === 'expired') h.venue.emit({ type: 'expired', clientOrderId: o.id, ts: 1 });
              else if (o) h.venue.emit({ type: 'cancelled', clientOrderId: o.id, ts: 1 });
            }
          } catch (err) {
            // A refusal (domain error) is a valid outcome of a random operation; the figures must still agree.
            if (!(err instanceof Error)) throw err;
          }
          expectRunningEqualsScan(h.oms);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('when a replacement held for its predecessor is released by the cancel landing then it reserves cash again', () => {
    const h = omsHarness({ initialCash: '100000000' });
    const o = h.oms.place({ symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qty: '2', price: '10', source: 'api' });
    h.venue.emit({ type: 'accepted', clientOrderId: o.id, venueOrderId: 'V1', ts: 0 });
    const before = h.oms.reservedCashUnits();
    const r = h.oms.replace(o.id, { priceUnits: o.priceUnits! + 5n });
    expectRunningEqualsScan(h.oms);
    h.venue.emit({ type: 'cancelled', clientOrderId: o.id, ts: 1 });
    expect(r.status).toBe('NEW');
    expect(h.oms.reservedCashUnits()).toBeGreaterThan(before);
    expectRunningEqualsScan(h.oms);
  });

  it('when restarting then the reserved cash of the recovered working orders equals the full scan', async () => {
    const h = omsHarness({ initialCash: '1000' });
    h.journal.seedOrder(makeOrder({ id: 'T-000001', seq: 1, symbol: 'BTC/USD', status: 'PENDING', venueOrderId: 'V1', side: 'buy', qtyUnits: 2000n, filledUnits: 500n, priceUnits: 10_000n }));
    h.journal.seedFill(makeFillRecord({ id: 'F1', orderId: 'T-000001', qtyUnits: 500n, priceUnits: 10_000n }));
    h.journal.seedOrder(makeOrder({ id: 'T-000002', seq: 2, symbol: 'ETH/USD', status: 'PENDING', venueOrderId: 'V2', side: 'buy', qtyUnits: 100n, priceUnits: 5_000n }));
    for (const id of ['T-000001', 'T-000002']) h.venue.known.set(id, { status: { clientOrderId: id, venueOrderId: `V${id.slice(-1)}`, state: 'open', filledUnits: id === 'T-000001' ? 500n : 0n }, fills: [] });
    await h.oms.recover();
    expect(h.oms.reservedCashUnits()).toBeGreaterThan(0n);
    expectRunningEqualsScan(h.oms);
  });
});
