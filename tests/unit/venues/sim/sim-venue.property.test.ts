import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VenueOrderRequest } from '../../../../src/core/ports.ts';
import { tapeSource } from '../../../../src/venues/sim/tape-source.ts';
import { quietParams } from '../../../fixtures/engine/sim.ts';
import { fillsOf, tapeRow, venueHarness } from './harness.ts';
import type { VenueHarness } from './harness.ts';
import { SIM_START_MS } from '../../../fixtures/engine/sim.ts';

type Op =
  | { kind: 'limit' | 'ioc'; side: 'buy' | 'sell'; offsetTicks: number; lots: number }
  | { kind: 'market'; side: 'buy' | 'sell'; lots: number }
  | { kind: 'cancel'; target: number }
  | { kind: 'wait'; ms: number };

const side = fc.constantFrom('buy' as const, 'sell' as const);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('limit' as const, 'ioc' as const), side, offsetTicks: fc.integer({ min: -40, max: 40 }), lots: fc.integer({ min: 1, max: 3_000 }) }),
  fc.record({ kind: fc.constant('market' as const), side, lots: fc.integer({ min: 1, max: 6_000 }) }),
  fc.record({ kind: fc.constant('cancel' as const), target: fc.nat({ max: 40 }) }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 5_000 }) }),
);

/**
 * The public book adds what our resting orders leave at each price from a running tally
 * (book-sides.ts): it must equal the open limit orders' remainders as the venue reports them.
 */
async function expectOurLevelsAgree(h: VenueHarness, symbol: string, sent: readonly VenueOrderRequest[]): Promise<void> {
  const want = { bid: new Map<bigint, bigint>(), ask: new Map<bigint, bigint>() };
  for (const req of sent) {
    const st = await h.venue.fetchOrder(req.clientOrderId);
    if (!st || st.state !== 'open' || req.priceUnits === null) continue;
    const m = want[req.side === 'buy' ? 'bid' : 'ask'];
    m.set(req.priceUnits, (m.get(req.priceUnits) ?? 0n) + req.qtyUnits - st.filledUnits);
  }
  const sides = h.venue['bookSides'];
  for (const s of ['bid', 'ask'] as const) expect(new Map(sides.oursOf(symbol, s))).toEqual(want[s]);
}

/** A lively BTC/USD model (volatile, crowd trades, impact on, crowd cancellations) or the same venue on a recorded tape. */
function market(kind: 'model' | 'tape', seed: number): { h: VenueHarness; symbol: string; mid: bigint; lot: bigint } {
  if (kind === 'model') {
    const h = venueHarness({
      seed,
      crowdCancelPerSecond: 0.05,
      models: { 'BTC/USD': quietParams({ volPerSqrtSecond: 0.0005, tradesPerSecond: 6, medianTradeQty: 0.3, tradeSizeLogSd: 1 }) },
    });
    return { h, symbol: 'BTC/USD', mid: 10_000n, lot: 1n };
  }
  const rows = [];
  for (let i = 0; i < 300; i++) {
    const p = 140_000 + Math.round(60 * Math.sin(i / 7)) + (i % 3) * 5;
    rows.push(tapeRow(SIM_START_MS, i * 300, i % 2 === 0 ? 'sell' : 'buy', (p / 1e8).toFixed(8), String(20 + ((i * 37) % 90))));
  }
  const h = venueHarness({ seed, crowdCancelPerSecond: 0.05, sources: { 'XRP/ETH': tapeSource(rows, { spreadTicks: 10, volPerSqrtSecond: 5e-4 }) } });
  return { h, symbol: 'XRP/ETH', mid: 140_000n, lot: 1n };
}

describe('SimVenue fills (property)', () => {
  it.each(['model', 'tape'] as const)('on the %s source: over random orders and cancels no order fills beyond its quantity, and its fills add up to what the venue reports', async (kind) => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 1_000 }), async (ops, seed) => {
        const { h, symbol, mid, lot } = market(kind, seed);
        h.venue.start();
        const sent: VenueOrderRequest[] = [];
        for (const op of ops) {
          if (op.kind === 'wait') h.clock.advanceBy(op.ms);
          else if (op.kind === 'cancel') {
            const target = sent[op.target % Math.max(1, sent.length)];
            if (target) h.venue.cancel(target.clientOrderId);
          } else {
            const req: VenueOrderRequest = {
              clientOrderId: `O${sent.length}`,
              symbol,
              side: op.side,
              type: op.kind === 'market' ? 'market' : 'limit',
              tif: op.kind === 'ioc' ? 'ioc' : 'gtc',
              qtyUnits: BigInt(op.lots) * lot,
              priceUnits: op.kind === 'market' ? null : mid + BigInt(op.kind === 'limit' || op.kind === 'ioc' ? op.offsetTicks : 0),
            };
            sent.push(req);
            h.venue.submit(req);
          }
          await expectOurLevelsAgree(h, symbol, sent);
        }
        h.clock.advanceBy(30_000);
        await expectOurLevelsAgree(h, symbol, sent);
        h.venue.stop();
        for (const req of sent) {
          const status = await h.venue.fetchOrder(req.clientOrderId);
          if (!status) throw new Error(`venue lost ${req.clientOrderId}`);
          const fills = await h.venue.fetchFills(req.clientOrderId);
          const sum = fills.reduce((a, f) => a + f.qtyUnits, 0n);
          expect(sum).toBe(status.filledUnits);
          expect(sum).toBeLessThanOrEqual(req.qtyUnits);
          for (const f of fills) expect(f.qtyUnits).toBeGreaterThan(0n);
          expect(status.state === 'filled').toBe(sum === req.qtyUnits);
          // The same fills went out as events, once each.
          expect(fillsOf(h.events, req.clientOrderId).map((f) => f.fillId)).toEqual(fills.map((f) => f.fillId));
          // Immediate orders never stay open; a cancelled order has no fill after its cancel.
          if (req.type === 'market' || req.tif === 'ioc') expect(status.state).not.toBe('open');
          const cancelAt = h.events.findIndex((e) => e.type === 'cancelled' && e.clientOrderId === req.clientOrderId);
          if (cancelAt >= 0) expect(h.events.slice(cancelAt).some((e) => e.type === 'fill' && e.fill.clientOrderId === req.clientOrderId)).toBe(false);
          const ahead = h.venue.queueAheadUnits(req.clientOrderId);
          if (ahead !== undefined) expect(ahead).toBeGreaterThanOrEqual(0n);
        }
      }),
      { numRuns: 60 },
    );
  });
});
