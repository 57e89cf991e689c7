import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/core/rng.ts';
import { DEFAULT_CROWD_CANCEL_PER_SECOND, cancelledAhead, shrinkAhead } from '../../../../src/venues/sim/queue-position.ts';
import type { SimOrder } from '../../../../src/venues/sim/sim-store.ts';
import type { TapeTrade } from '../../../../src/venues/sim/tape-source.ts';
import { tapeSource } from '../../../../src/venues/sim/tape-source.ts';
import { px, qty, testInstrument } from '../../../fixtures/engine/instruments.ts';
import { SIM_START_MS, quietParams } from '../../../fixtures/engine/sim.ts';
import { MemorySimVenueStore, StillSource, fillsOf, limitOrder, tapeRow, tradesOf, venueHarness } from './harness.ts';
import type { VenueHarness, VenueOverrides } from './harness.ts';

const BTC = testInstrument('BTC/USD');
const T0 = SIM_START_MS;
/** The quiet test book: bids 99.99, 99.89, 99.79, … (10 ticks apart), about 1 BTC each, growing with depth. */
const QUIET_SCALE = { volPerSqrtSecond: 0, volumePerSecond: 0 };

function simOrder(ahead: bigint): SimOrder {
  return { clientOrderId: 'X', venueOrderId: 'V1', symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: 1000n, priceUnits: 9999n, filledUnits: 0n, state: 'open', reason: null, queueAheadUnits: ahead, createdAt: 0 };
}

/** A tape that sets the best bid at 0.00140000 and then sells `n` × 50 XRP there, one a second from T0 + 10 s. */
function sellsAtTheBid(n: number, amount = '50'): TapeTrade[] {
  const rows = [tapeRow(T0, 1_000, 'sell', '0.00140000', '50')];
  for (let i = 0; i < n; i++) rows.push(tapeRow(T0, 10_000 + i * 1_000, 'sell', '0.00140000', amount));
  return rows;
}

function tapeVenue(rows: TapeTrade[], over: VenueOverrides = {}): VenueHarness {
  const h = venueHarness({ sources: { 'XRP/ETH': tapeSource(rows, { spreadTicks: 10 }) }, crowdCancelPerSecond: 0, latencyMs: 1, ...over });
  h.venue.start();
  return h;
}

function xrpBid(id: string, priceUnits: bigint, qtyUnits: bigint) {
  return limitOrder({ clientOrderId: id, symbol: 'XRP/ETH', side: 'buy', priceUnits, qtyUnits });
}

describe('queue position helpers', () => {
  it('when crowd orders cancel at rate θ then the expected loss ahead is ahead·(1 − e^(−θ·dt)), never more than is ahead', () => {
    const rng = createRng(5);
    let total = 0n;
    for (let i = 0; i < 2_000; i++) total += cancelledAhead(simOrder(1_000n), 0.1, 1_000, rng);
    expect(Number(total) / 2_000).toBeCloseTo(1_000 * (1 - Math.exp(-0.1)), 0);
    expect(cancelledAhead(simOrder(3n), 1_000, 1_000, rng)).toBe(3n);
    expect(cancelledAhead(simOrder(0n), 0.5, 1_000, rng)).toBe(0n);
    expect(cancelledAhead(simOrder(100n), 0, 1_000, rng)).toBe(0n);
    expect(DEFAULT_CROWD_CANCEL_PER_SECOND).toBe(0.02);
  });

  it('when the queue ahead shrinks by more than is there then it stops at zero', () => {
    const o = simOrder(10n);
    expect(shrinkAhead(o, 4n)).toBe(true);
    expect(o.queueAheadUnits).toBe(6n);
    expect(shrinkAhead(o, 60n)).toBe(true);
    expect(o.queueAheadUnits).toBe(0n);
    expect(shrinkAhead(o, 1n)).toBe(false);
    expect(shrinkAhead(simOrder(5n), -3n)).toBe(false);
  });
});

describe('SimVenue queue position', () => {
  it('when our bid joins the best bid then recorded sells there fill the queue ahead first and only then us', () => {
    const h = tapeVenue(sellsAtTheBid(30));
    h.clock.advanceTo(T0 + 2_000);
    const level = h.venue.book('XRP/ETH')!.bids[0]!;
    expect(level.priceUnits).toBe(140000n);
    h.venue.submit(xrpBid('Q', 140000n, 100n));
    h.clock.advanceBy(10);
    const ahead = h.venue.queueAheadUnits('Q')!;
    expect(ahead).toBe(level.qtyUnits);
    expect(ahead).toBeGreaterThan(100n);
    const since = h.market.length;
    h.clock.advanceTo(T0 + 60_000);
    const fills = fillsOf(h.events, 'Q');
    expect(fills.length).toBeGreaterThan(0);
    // Everything printed at our price before our first fill is the crowd ahead of us, exactly.
    let crowd = 0n;
    for (const t of tradesOf(h.market.slice(since))) {
      if (t.ts === fills[0]!.ts && t.qtyUnits === fills[0]!.qtyUnits) break;
      crowd += t.qtyUnits;
    }
    expect(crowd).toBe(ahead);
    // 30 × 50 XRP sold there in all: we got what was left after the queue ahead, up to our size.
    const got = fills.reduce((a, f) => a + f.qtyUnits, 0n);
    expect(got).toBe(1_500n - ahead < 100n ? 1_500n - ahead : 100n);
    h.venue.stop();
  });

  it('when fewer units trade at our price than are ahead of us then our passive order does not fill at all', () => {
    const h = tapeVenue(sellsAtTheBid(3));
    h.clock.advanceTo(T0 + 2_000);
    h.venue.submit(xrpBid('P', 140000n, 100n));
    h.clock.advanceBy(10);
    const ahead = h.venue.queueAheadUnits('P')!;
    expect(ahead).toBeGreaterThan(150n);
    h.clock.advanceTo(T0 + 600_000);
    expect(fillsOf(h.events, 'P')).toEqual([]);
    expect(h.venue.queueAheadUnits('P')).toBe(ahead - 150n);
    h.venue.stop();
  });

  it('when we place two bids at the same price then the later one never fills before the earlier one is filled', () => {
    const h = tapeVenue(sellsAtTheBid(40));
    h.clock.advanceTo(T0 + 2_000);
    h.venue.submit(xrpBid('A', 140000n, 120n));
    h.clock.advanceBy(500);
    h.venue.submit(xrpBid('B', 140000n, 120n));
    h.clock.advanceTo(T0 + 60_000);
    const a = fillsOf(h.events, 'A');
    const b = fillsOf(h.events, 'B');
    expect(a.reduce((s, f) => s + f.qtyUnits, 0n)).toBe(120n);
    expect(b.length).toBeGreaterThan(0);
    const aDone = h.events.findIndex((e) => e.type === 'fill' && e.fill.fillId === a.at(-1)!.fillId);
    const bFirst = h.events.findIndex((e) => e.type === 'fill' && e.fill.fillId === b[0]!.fillId);
    expect(bFirst).toBeGreaterThan(aDone);
    h.venue.stop();
  });

  it('when the book re-centres so our price is between levels then a print through our price still trades the crowd ahead of us first', () => {
    const rows = [
      tapeRow(T0, 1_000, 'sell', '0.00140000', '50'), // bids 140000, 139995, 139990, …
      tapeRow(T0, 5_000, 'sell', '0.00140002', '50'), // bids 140002, 139997, …: 139995 is not listed
      tapeRow(T0, 8_000, 'sell', '0.00139990', '2000'),
    ];
    const h = tapeVenue(rows);
    h.clock.advanceTo(T0 + 2_000);
    h.venue.submit(xrpBid('G', 139995n, 100n));
    h.clock.advanceBy(10);
    const ahead = h.venue.queueAheadUnits('G')!;
    expect(ahead).toBeGreaterThan(0n);
    h.clock.advanceTo(T0 + 6_000);
    expect(h.venue.book('XRP/ETH')!.bids.find((l) => l.priceUnits === 139995n)?.qtyUnits).toBe(100n); // only ours is shown there
    expect(h.venue.queueAheadUnits('G')).toBe(ahead);
    const since = h.market.length;
    h.clock.advanceTo(T0 + 8_000);
    const prints = tradesOf(h.market.slice(since)).map((t) => [t.priceUnits, t.qtyUnits]);
    expect(prints).toEqual([[139995n, ahead], [139995n, 100n], [139990n, 2_000n - ahead - 100n]]);
    expect(fillsOf(h.events, 'G').map((f) => f.qtyUnits)).toEqual([100n]);
    h.venue.stop();
  });

  it('when crowd orders cancel then the queue ahead decays at the documented rate, with no trade at all', () => {
    const source = new StillSource(BTC, quietParams(), QUIET_SCALE);
    const h = venueHarness({ sources: { 'BTC/USD': () => source }, crowdCancelPerSecond: 0.05, latencyMs: 1 });
    h.venue.start();
    h.venue.submit(limitOrder({ clientOrderId: 'C', priceUnits: px(BTC, '99.99'), qtyUnits: qty(BTC, '0.1') }));
    h.clock.advanceBy(10);
    const l0 = h.venue.queueAheadUnits('C')!;
    expect(l0).toBeGreaterThan(400n);
    h.clock.advanceBy(20_000);
    // e^(−0.05·20) = 0.368; whole units by unbiased rounding, ±a few units.
    expect(Math.abs(Number(h.venue.queueAheadUnits('C')!) - Number(l0) * Math.exp(-1))).toBeLessThan(15);
    h.clock.advanceBy(600_000);
    expect(h.venue.queueAheadUnits('C')).toBe(0n);
    expect(tradesOf(h.market)).toEqual([]);
    h.venue.stop();
  });

  it('when the market moves around our resting orders then their queue ahead never grows and never goes below zero', () => {
    const h = venueHarness({
      seed: 4,
      crowdCancelPerSecond: 0.01,
      models: { 'BTC/USD': quietParams({ volPerSqrtSecond: 0.0004, tradesPerSecond: 3, medianTradeQty: 0.2, tradeSizeLogSd: 1 }) },
    });
    h.venue.start();
    const prices = ['99.99', '99.89', '99.79', '99.69', '100.11', '100.21'];
    prices.forEach((p, i) => h.venue.submit(limitOrder({ clientOrderId: `R${i}`, side: Number(p) > 100 ? 'sell' : 'buy', priceUnits: px(BTC, p), qtyUnits: qty(BTC, '0.5') })));
    h.clock.advanceBy(20);
    const last = new Map<string, bigint>();
    let shrinks = 0;
    for (let step = 0; step < 2_400; step++) {
      h.clock.advanceBy(250);
      for (let i = 0; i < prices.length; i++) {
        const id = `R${i}`;
        const ahead = h.venue.queueAheadUnits(id);
        if (ahead === undefined) continue;
        expect(ahead).toBeGreaterThanOrEqual(0n);
        const before = last.get(id);
        if (before !== undefined) {
          expect(ahead).toBeLessThanOrEqual(before);
          if (ahead < before) shrinks++;
        }
        last.set(id, ahead);
      }
    }
    expect(shrinks).toBeGreaterThan(10);
    h.venue.stop();
  });

  it('when our own market sell takes the crowd bid at our resting bid then it takes the crowd ahead of us first, never our bid', () => {
    const source = new StillSource(BTC, quietParams(), QUIET_SCALE);
    const h = venueHarness({ sources: { 'BTC/USD': () => source }, crowdCancelPerSecond: 0, latencyMs: 1 });
    h.venue.submit(limitOrder({ clientOrderId: 'R', priceUnits: px(BTC, '99.99'), qtyUnits: qty(BTC, '0.2') }));
    h.clock.advanceBy(10);
    const ahead = h.venue.queueAheadUnits('R')!;
    h.venue.submit(limitOrder({ clientOrderId: 'M', side: 'sell', type: 'market', priceUnits: null, qtyUnits: qty(BTC, '0.3') }));
    h.clock.advanceBy(10);
    expect(fillsOf(h.events, 'M').map((f) => f.priceUnits)).toEqual([px(BTC, '99.99')]);
    expect(fillsOf(h.events, 'R')).toEqual([]);
    expect(h.venue.queueAheadUnits('R')).toBe(ahead - qty(BTC, '0.3'));
  });

  it('when the crowd level at our price shrinks below what is ahead of us then the queue ahead is capped to it, and stays there when it grows back', () => {
    const source = new StillSource(BTC, quietParams(), QUIET_SCALE);
    const h = venueHarness({ sources: { 'BTC/USD': () => source }, crowdCancelPerSecond: 0, latencyMs: 1 });
    h.venue.start();
    // 99.69 is the fourth bid level (depth 3: 2.05 × the best level's size).
    h.venue.submit(limitOrder({ clientOrderId: 'D', priceUnits: px(BTC, '99.69'), qtyUnits: qty(BTC, '0.2') }));
    h.clock.advanceBy(10);
    const deep = h.venue.queueAheadUnits('D')!;
    // The market falls until 99.69 is the best bid: the level there now holds 1/2.05 as much.
    source.mid = 99.7;
    h.clock.advanceBy(250);
    const best = h.venue.book('BTC/USD')!.bids[0]!;
    expect(best.priceUnits).toBe(px(BTC, '99.69'));
    const shown = best.qtyUnits - qty(BTC, '0.2');
    expect(shown).toBeLessThan(deep);
    expect(h.venue.queueAheadUnits('D')).toBe(shown);
    source.mid = 100;
    h.clock.advanceBy(250);
    expect(h.venue.queueAheadUnits('D')).toBe(shown);
    h.venue.stop();
  });

  it('when the venue restarts then a resting order keeps the queue ahead it had', () => {
    const store = new MemorySimVenueStore();
    const over: VenueOverrides = { store, crowdCancelPerSecond: 0.05, models: { 'BTC/USD': quietParams() } };
    const h1 = venueHarness(over);
    h1.venue.start();
    h1.venue.submit(limitOrder({ clientOrderId: 'K', priceUnits: px(BTC, '99.99'), qtyUnits: qty(BTC, '0.1') }));
    h1.clock.advanceBy(30_000);
    const ahead = h1.venue.queueAheadUnits('K')!;
    h1.venue.stop();
    const h2 = venueHarness({ ...over, startMs: h1.clock.now() });
    expect(h2.venue.queueAheadUnits('K')).toBe(ahead);
    h2.venue.start();
    h2.clock.advanceBy(5_000);
    expect(h2.venue.queueAheadUnits('K')!).toBeLessThan(ahead);
    h2.venue.stop();
  });
});
