import { describe, expect, it } from 'vitest';
import type { VenueFill } from '../../../../src/core/ports.ts';
import type { SimOrder } from '../../../../src/venues/sim/sim-store.ts';
import { qty, testInstrument } from '../../../fixtures/engine/instruments.ts';
import { MemorySimVenueStore, fillsOf, venueHarness } from './harness.ts';

const BTC = testInstrument('BTC/USD');

function restored(clientOrderId: string, venueOrderId: string): SimOrder {
  return { clientOrderId, venueOrderId, symbol: 'BTC/USD', side: 'buy', type: 'market', tif: 'gtc', qtyUnits: 1000n, priceUnits: null, filledUnits: 1000n, state: 'filled', reason: null, queueAheadUnits: 0n, createdAt: 0 };
}

function fill(fillId: string, clientOrderId: string, venueOrderId: string): VenueFill {
  return { fillId, clientOrderId, venueOrderId, symbol: 'BTC/USD', side: 'buy', priceUnits: 10_000n, qtyUnits: 1000n, feeUnits: 0n, liquidity: 'taker', ts: 0 };
}

describe('SimVenue fills by order', () => {
  it('when orders are restored with any venue id, shared or not, and new ones fill then fetchFills gives each order its own fills', async () => {
    // The store lost order Z but kept its fill.
    const store = new (class extends MemorySimVenueStore {
      override loadOrders(): SimOrder[] {
        return super.loadOrders().filter((o) => o.clientOrderId !== 'Z');
      }
    })();
    // Our ids (V<n>), an id of another form, a V<n> two orders share, and a fill whose order the store lost.
    const orders = [restored('A', 'V1'), restored('B', 'LEGACY-7'), restored('C', 'V1')];
    for (const o of orders) store.saveOrder(o);
    for (const f of [fill('SIM1', 'A', 'V1'), fill('SIM2', 'B', 'LEGACY-7'), fill('SIM3', 'C', 'V1'), fill('SIM4', 'Z', 'V9')]) store.recordFill(f, orders.find((o) => o.clientOrderId === f.clientOrderId) ?? restored(f.clientOrderId, f.venueOrderId));
    const h = venueHarness({ store });
    h.venue.start();
    const ids = async (id: string) => (await h.venue.fetchFills(id)).map((f) => f.fillId);
    expect([await ids('A'), await ids('B'), await ids('C'), await ids('Z'), await ids('NONE')]).toEqual([['SIM1'], ['SIM2'], ['SIM3'], ['SIM4'], []]);
    for (const id of ['N1', 'N2']) h.venue.submit({ clientOrderId: id, symbol: 'BTC/USD', side: 'buy', type: 'market', tif: 'gtc', qtyUnits: qty(BTC, '0.01'), priceUnits: null });
    h.clock.advanceBy(1_000);
    for (const id of ['N1', 'N2']) {
      expect(fillsOf(h.events, id).length).toBeGreaterThan(0);
      expect(await h.venue.fetchFills(id)).toEqual(fillsOf(h.events, id));
    }
    // A copy: the caller cannot change the venue's list.
    (await h.venue.fetchFills('N1')).length = 0;
    expect(await h.venue.fetchFills('N1')).toEqual(fillsOf(h.events, 'N1'));
    h.venue.stop();
  });
});
