import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VenueFill } from '../../../../src/core/ports.ts';
import type { VenueOpenOrder } from '../../../../src/venues/ccxt/port.ts';
import { reconcile } from '../../../../src/venues/ccxt/reconcile.ts';
import type { JournalOrderView, ReconcileInput } from '../../../../src/venues/ccxt/reconcile.ts';

const fill = (fillId: string, clientOrderId: string, qtyUnits = 10n): VenueFill => ({ fillId, clientOrderId, venueOrderId: `V-${clientOrderId}`, symbol: 'BTC/USDT', side: 'buy', priceUnits: 100n, qtyUnits, feeUnits: 1n, liquidity: 'maker', ts: 1 });
const jo = (clientOrderId: string, filledUnits = 0n): JournalOrderView => ({ clientOrderId, symbol: 'BTC/USDT', side: 'buy', qtyUnits: 100n, filledUnits, venueOrderId: `V-${clientOrderId}` });
const vo = (clientOrderId: string, filledUnits = 0n): VenueOpenOrder => ({ clientOrderId, venueOrderId: `V-${clientOrderId}`, state: 'open', filledUnits, symbol: 'BTC/USDT', side: 'sell', type: 'limit', tif: 'gtc', qtyUnits: 100n, priceUnits: 500n, createdAt: 1 });

function input(over: Partial<ReconcileInput>): ReconcileInput {
  return { journalOpen: [], knownClientIds: new Set(), knownFillIds: new Set(), venueOpen: [], venueStatus: new Map(), venueFills: [], ...over };
}

describe('reconcile', () => {
  it('when the venue closed an order with a fill the journal missed then the fill is applied before the order is closed', () => {
    const r = reconcile(input({
      journalOpen: [jo('A')],
      knownClientIds: new Set(['A']),
      venueStatus: new Map([['A', { clientOrderId: 'A', venueOrderId: 'V-A', state: 'cancelled', filledUnits: 10n }]]),
      venueFills: [fill('f1', 'A')],
    }));
    expect(r.actions.map((a) => a.kind)).toEqual(['apply_fill', 'close_order']);
    expect(r.differences.map((d) => d.kind)).toEqual(['missed_fill', 'closed_at_venue']);
  });

  it('when the venue shows more filled than the trades explain then the order fills are fetched', () => {
    const r = reconcile(input({ journalOpen: [jo('A', 10n)], knownClientIds: new Set(['A']), venueOpen: [vo('A', 30n)], venueFills: [fill('f2', 'A')] }));
    expect(r.actions.map((a) => a.kind)).toEqual(['apply_fill', 'fetch_fills']);
  });

  it('when the venue does not know an open order then it is rechecked, and declared lost only at the limit', () => {
    const base = input({ journalOpen: [jo('A')], knownClientIds: new Set(['A']), venueStatus: new Map([['A', 'not_found']]) });
    expect(reconcile(base).actions).toEqual([{ kind: 'recheck', clientOrderId: 'A', notFound: 1 }]);
    const third = reconcile({ ...base, notFoundCounts: new Map([['A', 2]]) });
    expect(third.actions).toEqual([{ kind: 'declare_lost', clientOrderId: 'A', notFound: 3 }]);
    expect(third.differences[0]!.needsOperator).toBe(true);
  });

  it('when balances differ beyond the tolerance then the operator is told, within it nothing', () => {
    const r = reconcile(input({ balances: { journal: [{ asset: 'USDT', units: 100n }, { asset: 'BTC', units: 5n }], venue: [{ asset: 'USDT', units: 90n }, { asset: 'BTC', units: 6n }], toleranceUnits: 2n } }));
    expect(r.actions).toEqual([{ kind: 'report_balance', asset: 'USDT', journalUnits: 100n, venueUnits: 90n }]);
  });

  it('when a trade belongs to an order Strata never placed and that is no longer open then it is recorded as an external fill', () => {
    const r = reconcile(input({ venueFills: [fill('f9', 'phone-1')] }));
    expect(r.actions.map((a) => a.kind)).toEqual(['adopt_external_fill']);
  });

  it('property: fills are applied at most once and never when known; unknown venue orders are adopted exactly once; no close precedes a fill of its order', () => {
    const ids = fc.constantFrom('A', 'B', 'C', 'X', 'Y');
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.constantFrom('f1', 'f2', 'f3', 'f4', 'f5', 'f6'), cid: ids }), { maxLength: 12 }),
        fc.array(ids, { maxLength: 6 }),
        fc.subarray(['A', 'B', 'C']),
        fc.subarray(['f1', 'f2', 'f3']),
        fc.array(fc.record({ cid: ids, state: fc.constantFrom('cancelled', 'expired', 'filled', 'not_found') }), { maxLength: 5 }),
        (fills, venueOpenIds, journalOpenIds, knownFills, statuses) => {
          const known = new Set(['A', 'B', 'C']);
          const fillByIdCid = new Map<string, string>();
          const vf = fills.filter((f) => {
            // One fill id belongs to one order.
            const had = fillByIdCid.get(f.id);
            if (had !== undefined && had !== f.cid) return false;
            fillByIdCid.set(f.id, f.cid);
            return true;
          });
          const r = reconcile(input({
            journalOpen: journalOpenIds.map((c) => jo(c)),
            knownClientIds: known,
            knownFillIds: new Set(knownFills),
            venueOpen: venueOpenIds.map((c) => vo(c)),
            venueStatus: new Map(statuses.map((s) => [s.cid, s.state === 'not_found' ? 'not_found' : { clientOrderId: s.cid, venueOrderId: 'v', state: s.state as 'cancelled', filledUnits: 0n }])),
            venueFills: vf.map((f) => fill(f.id, f.cid)),
          }));
          const applied = r.actions.flatMap((a) => (a.kind === 'apply_fill' || a.kind === 'adopt_external_fill' ? [a.fill.fillId] : []));
          expect(new Set(applied).size).toBe(applied.length);
          for (const id of applied) expect(knownFills).not.toContain(id);
          const adopted = r.actions.flatMap((a) => (a.kind === 'adopt_external' ? [a.order.clientOrderId] : []));
          expect(adopted.sort()).toEqual([...new Set(venueOpenIds.filter((c) => !known.has(c)))].sort());
          r.actions.forEach((a, i) => {
            if (a.kind !== 'close_order') return;
            const laterFill = r.actions.slice(i).some((b) => b.kind === 'apply_fill' && b.fill.clientOrderId === a.clientOrderId);
            expect(laterFill).toBe(false);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
