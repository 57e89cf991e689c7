import { describe, expect, it } from 'vitest';
import { divRound } from '../../../../src/core/precision.ts';
import { notionalUnits } from '../../../../src/core/instrument.ts';
import type { MarketEvent, VenueEvent, VenueFill, VenueOrderRequest } from '../../../../src/core/ports.ts';
import { px, qty, testInstrument } from '../../../fixtures/engine/instruments.ts';
import { SIM_START_MS, quietParams, simHarness } from '../../../fixtures/engine/sim.ts';
import type { SimHarness } from '../../../fixtures/engine/sim.ts';
import { venueHarness } from './harness.ts';
import type { VenueHarness } from './harness.ts';

const BTC = testInstrument('BTC/USD'); // maker 1 bp, taker 5 bps

function order(over: Partial<VenueOrderRequest> & Pick<VenueOrderRequest, 'clientOrderId'>): VenueOrderRequest {
  return { symbol: 'BTC/USD', side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty(BTC, '1'), priceUnits: px(BTC, '90'), ...over };
}

function fillsOf(events: readonly VenueEvent[], clientOrderId?: string): VenueFill[] {
  const out: VenueFill[] = [];
  for (const e of events) if (e.type === 'fill' && (clientOrderId === undefined || e.fill.clientOrderId === clientOrderId)) out.push(e.fill);
  return out;
}

function typesOf(events: readonly VenueEvent[], clientOrderId: string): string[] {
  return events.filter((e) => (e.type === 'fill' ? e.fill.clientOrderId : e.clientOrderId) === clientOrderId).map((e) => e.type);
}

function fee(priceUnits: bigint, qtyUnits: bigint, bps: number): bigint {
  return divRound(notionalUnits(BTC, priceUnits, qtyUnits) * BigInt(Math.round(bps * 100)), 1_000_000n);
}

function book(s: SimHarness | VenueHarness) {
  const b = s.venue.book('BTC/USD');
  if (!b) throw new Error('no book');
  return b;
}

/** Market events as comparable text (bigints are not JSON). */
function marketTape(events: readonly MarketEvent[]): string[] {
  return events.map((e) =>
    e.type === 'trade'
      ? `T ${e.trade.ts} ${e.trade.id} ${e.trade.side} ${e.trade.qtyUnits}@${e.trade.priceUnits}`
      : `B ${e.book.ts} ${e.book.bids.map((l) => `${l.qtyUnits}@${l.priceUnits}`).join(',')} | ${e.book.asks.map((l) => `${l.qtyUnits}@${l.priceUnits}`).join(',')}`,
  );
}

describe('SimVenue order entry', () => {
  it('when an order is submitted then nothing happens until the latency has passed on the clock', () => {
    const s = simHarness({ latencyMs: 4 });
    s.venue.submit(order({ clientOrderId: 'A' }));
    expect(s.events).toEqual([]);
    s.clock.advanceBy(100);
    const accepted = s.events[0];
    expect(accepted).toMatchObject({ type: 'accepted', clientOrderId: 'A', venueOrderId: 'V1' });
    expect(accepted?.type === 'accepted' && accepted.ts).toBeGreaterThan(SIM_START_MS);
  });

  it('when a market buy is larger than the best ask then it walks the book and fills at several prices as taker', async () => {
    const s = simHarness();
    const [a0, a1] = book(s).asks;
    const want = a0!.qtyUnits + a1!.qtyUnits / 2n;
    s.venue.submit(order({ clientOrderId: 'M', type: 'market', priceUnits: null, qtyUnits: want }));
    s.clock.advanceBy(50);
    const fills = fillsOf(s.events, 'M');
    expect(fills.map((f) => [f.priceUnits, f.qtyUnits, f.liquidity])).toEqual([
      [a0!.priceUnits, a0!.qtyUnits, 'taker'],
      [a1!.priceUnits, want - a0!.qtyUnits, 'taker'],
    ]);
    for (const f of fills) expect(f.feeUnits).toBe(fee(f.priceUnits, f.qtyUnits, BTC.takerFeeBps));
    expect(typesOf(s.events, 'M')).toEqual(['accepted', 'fill', 'fill']);
    expect(await s.venue.fetchOrder('M')).toMatchObject({ state: 'filled', filledUnits: want });
    expect((await s.venue.fetchFills('M')).map((f) => f.fillId)).toEqual(fills.map((f) => f.fillId));
    // The prints are on the tape, as buys.
    const trades = s.market.flatMap((e) => (e.type === 'trade' ? [e.trade] : []));
    expect(trades.map((t) => [t.priceUnits, t.qtyUnits, t.side])).toEqual(fills.map((f) => [f.priceUnits, f.qtyUnits, 'buy']));
  });

  it('when a market order takes a level then the next order finds it depleted, and it refills over time', () => {
    const s = simHarness();
    s.venue.start();
    const [a0, a1] = book(s).asks;
    s.venue.submit(order({ clientOrderId: 'M1', type: 'market', priceUnits: null, qtyUnits: a0!.qtyUnits }));
    s.clock.advanceBy(20);
    s.venue.submit(order({ clientOrderId: 'M2', type: 'market', priceUnits: null, qtyUnits: qty(BTC, '0.01') }));
    s.clock.advanceBy(20);
    expect(fillsOf(s.events, 'M2').map((f) => f.priceUnits)).toEqual([a1!.priceUnits]);
    // After one 250 ms step about 16% (1 - 0.5^0.25) has come back.
    s.clock.advanceTo(SIM_START_MS + 250);
    const partly = book(s).asks[0]!;
    expect(partly.priceUnits).toBe(a0!.priceUnits);
    expect(partly.qtyUnits).toBeGreaterThan(0n);
    expect(partly.qtyUnits).toBeLessThan(a0!.qtyUnits / 4n);
    // Half comes back per second: after 30 s the level is whole again.
    s.clock.advanceBy(30_000);
    expect(book(s).asks[0]).toEqual(a0);
    s.venue.stop();
  });

  it('when an IOC limit buy cannot be filled completely up to its price then the remainder expires', async () => {
    const s = simHarness();
    const [a0, a1] = book(s).asks;
    s.venue.submit(order({ clientOrderId: 'I', tif: 'ioc', priceUnits: a1!.priceUnits, qtyUnits: a0!.qtyUnits + a1!.qtyUnits + qty(BTC, '5') }));
    s.clock.advanceBy(50);
    expect(typesOf(s.events, 'I')).toEqual(['accepted', 'fill', 'fill', 'expired']);
    expect(fillsOf(s.events, 'I').map((f) => f.priceUnits)).toEqual([a0!.priceUnits, a1!.priceUnits]);
    expect(await s.venue.fetchOrder('I')).toMatchObject({ state: 'expired', filledUnits: a0!.qtyUnits + a1!.qtyUnits });
  });

  it('when a market order is larger than the whole visible book then it fills what there is and the rest expires', () => {
    const s = simHarness();
    const total = book(s).asks.reduce((a, l) => a + l.qtyUnits, 0n);
    s.venue.submit(order({ clientOrderId: 'BIG', type: 'market', priceUnits: null, qtyUnits: total + qty(BTC, '1') }));
    s.clock.advanceBy(50);
    const fills = fillsOf(s.events, 'BIG');
    expect(fills).toHaveLength(5); // quietParams has 5 levels
    expect(fills.reduce((a, f) => a + f.qtyUnits, 0n)).toBe(total);
    expect(s.events.at(-1)).toMatchObject({ type: 'expired', clientOrderId: 'BIG' });
  });

  it('when a limit buy crosses the best ask for more than is there then it partly fills as taker and the rest rests at its price', async () => {
    const s = simHarness();
    const a0 = book(s).asks[0]!;
    s.venue.submit(order({ clientOrderId: 'P', priceUnits: a0.priceUnits, qtyUnits: a0.qtyUnits * 2n }));
    s.clock.advanceBy(50);
    expect(fillsOf(s.events, 'P').map((f) => [f.priceUnits, f.qtyUnits, f.liquidity])).toEqual([[a0.priceUnits, a0.qtyUnits, 'taker']]);
    expect(await s.venue.fetchOrder('P')).toMatchObject({ state: 'open', filledUnits: a0.qtyUnits });
    // Our remainder is now the best bid in the public book.
    expect(book(s).bids[0]).toEqual({ priceUnits: a0.priceUnits, qtyUnits: a0.qtyUnits });
  });

  it('when a limit buy is far below the market then it rests without filling and shows in the book', async () => {
    const s = simHarness();
    s.venue.start();
    const limit = px(BTC, '90');
    s.venue.submit(order({ clientOrderId: 'R', priceUnits: limit, qtyUnits: qty(BTC, '0.5') }));
    s.clock.advanceBy(60_000);
    expect(typesOf(s.events, 'R')).toEqual(['accepted']);
    expect(await s.venue.fetchOrder('R')).toMatchObject({ state: 'open', filledUnits: 0n });
    expect(book(s).bids.find((l) => l.priceUnits === limit)).toEqual({ priceUnits: limit, qtyUnits: qty(BTC, '0.5') });
    s.venue.stop();
  });

  it('when the market falls through a resting limit buy then it fills at its limit as maker with the maker fee', () => {
    // A volatile market and no crowd trades: only the mid moving through our price can fill us.
    const s = simHarness({ seed: 5, models: { 'BTC/USD': quietParams({ volPerSqrtSecond: 0.004 }) } });
    s.venue.start();
    const limit = px(BTC, '99');
    s.venue.submit(order({ clientOrderId: 'R', priceUnits: limit, qtyUnits: qty(BTC, '0.2') }));
    s.clock.advanceBy(10);
    const acceptedAt = s.clock.now();
    let steps = 0;
    while (fillsOf(s.events, 'R').length === 0 && steps++ < 40_000) s.clock.advanceBy(250);
    const fills = fillsOf(s.events, 'R');
    expect(fills.length).toBeGreaterThan(0);
    // It rested a while first: the market was above the limit when the order arrived.
    expect(fills[0]!.ts - acceptedAt).toBeGreaterThan(1_000);
    const firstFillAt = fills[0]!.ts;
    const booksBefore = s.market.flatMap((e) => (e.type === 'book' && e.book.ts < firstFillAt && e.book.ts >= acceptedAt ? [e.book] : []));
    expect(booksBefore.length).toBeGreaterThan(0);
    for (const b of booksBefore) expect(b.asks[0]!.priceUnits).toBeGreaterThan(limit);
    for (const f of fills) {
      expect(f.priceUnits).toBe(limit);
      expect(f.liquidity).toBe('maker');
      expect(f.feeUnits).toBe(fee(limit, f.qtyUnits, BTC.makerFeeBps));
    }
    // The crowd sold to us: the prints at our price are sells.
    const prints = s.market.flatMap((e) => (e.type === 'trade' && e.trade.ts === firstFillAt ? [e.trade] : []));
    expect(prints[0]).toMatchObject({ priceUnits: limit, side: 'sell' });
    s.venue.stop();
  });

  it('when crowd sells reach our bid at the best price then the queue ahead of us trades first', () => {
    // Fixed-size crowd trades at a fixed mid and no crowd cancellations: the only thing between us and a fill is the queue.
    const s = venueHarness({ seed: 9, crowdCancelPerSecond: 0, models: { 'BTC/USD': quietParams({ tradesPerSecond: 8, medianTradeQty: 0.1, tradeSizeLogSd: 0 }) } });
    const bestBid = book(s).bids[0]!;
    s.venue.submit(order({ clientOrderId: 'Q', priceUnits: bestBid.priceUnits, qtyUnits: qty(BTC, '0.3') }));
    s.clock.advanceBy(10);
    const since = s.market.length;
    s.venue.start();
    let steps = 0;
    while (fillsOf(s.events, 'Q').length === 0 && steps++ < 10_000) s.clock.advanceBy(250);
    const first = fillsOf(s.events, 'Q')[0]!;
    expect(first).toMatchObject({ priceUnits: bestBid.priceUnits, liquidity: 'maker' });
    // Every sell printed at our price before our first fill was queue ahead of us: exactly the crowd's size there.
    let ahead = 0n;
    for (const e of s.market.slice(since)) {
      if (e.type !== 'trade') continue;
      if (e.trade.ts === first.ts && e.trade.qtyUnits === first.qtyUnits && e.trade.priceUnits === first.priceUnits) break;
      if (e.trade.priceUnits === bestBid.priceUnits && e.trade.side === 'sell') ahead += e.trade.qtyUnits;
    }
    expect(ahead).toBe(bestBid.qtyUnits);
    s.venue.stop();
  });

  it('when a resting order is cancelled then it is cancelled and leaves the book; a second cancel is refused', async () => {
    const s = simHarness();
    const limit = px(BTC, '95');
    s.venue.submit(order({ clientOrderId: 'C', priceUnits: limit }));
    s.clock.advanceBy(50);
    expect(book(s).bids.some((l) => l.priceUnits === limit)).toBe(true);
    s.venue.cancel('C');
    s.clock.advanceBy(50);
    expect(typesOf(s.events, 'C')).toEqual(['accepted', 'cancelled']);
    expect(book(s).bids.some((l) => l.priceUnits === limit)).toBe(false);
    expect(await s.venue.fetchOrder('C')).toMatchObject({ state: 'cancelled' });
    s.venue.cancel('C');
    s.venue.cancel('NOPE');
    s.clock.advanceBy(50);
    expect(s.events.slice(-2)).toEqual([
      expect.objectContaining({ type: 'cancelRejected', clientOrderId: 'C', code: 'ORDER_NOT_OPEN' }),
      expect.objectContaining({ type: 'cancelRejected', clientOrderId: 'NOPE', code: 'UNKNOWN_ORDER' }),
    ]);
  });

  it('when a client order id is reused then the second order is rejected and the first is untouched', async () => {
    const s = simHarness();
    s.venue.submit(order({ clientOrderId: 'D', priceUnits: px(BTC, '95') }));
    s.clock.advanceBy(50);
    s.venue.submit(order({ clientOrderId: 'D', type: 'market', priceUnits: null }));
    s.clock.advanceBy(50);
    expect(typesOf(s.events, 'D')).toEqual(['accepted', 'rejected']);
    expect(s.events.at(-1)).toMatchObject({ code: 'DUPLICATE_CLIENT_ORDER_ID' });
    expect(await s.venue.fetchOrder('D')).toMatchObject({ state: 'open', filledUnits: 0n, venueOrderId: 'V1' });
  });

  it.each([
    ['a zero quantity', { qtyUnits: 0n }, 'LOT_SIZE'],
    ['priced off the tick grid', { symbol: 'ETH/USD', priceUnits: 10_002n }, 'PRICE_FILTER'],
    ['a limit without a price', { priceUnits: null }, 'PRICE_FILTER'],
    ['for a symbol the venue does not list', { symbol: 'ACME' }, 'unknown symbol'],
  ] as const)('when an order has %s then the venue rejects it (VENUE_REJECTED)', (_what, over, message) => {
    // ETH/USD: tick 0.05, so 100.02 is off the grid; ACME is an instrument without a market here.
    const s = simHarness({ models: { 'BTC/USD': quietParams(), 'ETH/USD': quietParams() } });
    s.venue.submit(order({ clientOrderId: 'X', ...over }));
    s.clock.advanceBy(50);
    expect(s.events).toEqual([expect.objectContaining({ type: 'rejected', clientOrderId: 'X', code: 'VENUE_REJECTED', message: expect.stringContaining(message) })]);
  });

  it('when a fetch is made for an order the venue never saw then it knows nothing', async () => {
    const s = simHarness();
    expect(await s.venue.fetchOrder('ghost')).toBeUndefined();
    expect(await s.venue.fetchFills('ghost')).toEqual([]);
  });

  it('when a cancel is sent right after its submit then the venue handles them in order and the order ends cancelled', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const s = simHarness({ seed });
      s.venue.submit(order({ clientOrderId: 'F', priceUnits: px(BTC, '95') }));
      s.venue.cancel('F');
      s.clock.advanceBy(100);
      expect(typesOf(s.events, 'F'), `seed ${seed}`).toEqual(['accepted', 'cancelled']);
    }
  });
});

describe('SimVenue market determinism', () => {
  const lively = { 'BTC/USD': quietParams({ volPerSqrtSecond: 0.0005, tradesPerSecond: 4, tradeSizeLogSd: 1 }), 'ETH/USD': quietParams({ startPrice: 3000, volPerSqrtSecond: 0.0007, tradesPerSecond: 2, tradeSizeLogSd: 1.5 }) };

  function run(seed: number, withOrder = true): string[] {
    const s = simHarness({ seed, models: lively });
    s.venue.warmUp(30_000);
    s.venue.start();
    if (withOrder) {
      // A market order (walks the book, moves it by its impact) and resting orders at the touch (queue, crowd cancellations, crowd fills).
      s.venue.submit(order({ clientOrderId: 'O1', type: 'market', priceUnits: null, qtyUnits: qty(BTC, '0.3') }));
      const b = book(s);
      s.venue.submit(order({ clientOrderId: 'O2', priceUnits: b.bids[0]!.priceUnits, qtyUnits: qty(BTC, '0.2') }));
      s.venue.submit(order({ clientOrderId: 'O3', side: 'sell', priceUnits: b.asks[0]!.priceUnits, qtyUnits: qty(BTC, '0.2') }));
    }
    s.clock.advanceBy(30_000);
    s.venue.stop();
    return [...marketTape(s.market), ...s.events.map((e) => JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))];
  }

  it('when two venues run with the same seed then they produce the same books, trades and fills', () => {
    const a = run(11);
    const b = run(11);
    expect(a.length).toBeGreaterThan(200);
    expect(a.some((l) => l.startsWith('T '))).toBe(true);
    expect(a.some((l) => l.includes('"fill"'))).toBe(true);
    expect(a.some((l) => l.includes('"maker"'))).toBe(true);
    expect(b).toEqual(a);
  });

  it('when the seed differs then the market itself differs (books and trades, without any order of ours)', () => {
    const a = run(11, false);
    const b = run(12, false);
    expect(a.filter((l) => l.startsWith('B ')).length).toBe(b.filter((l) => l.startsWith('B ')).length);
    expect(b.filter((l) => l.startsWith('B '))).not.toEqual(a.filter((l) => l.startsWith('B ')));
    expect(b.filter((l) => l.startsWith('T '))).not.toEqual(a.filter((l) => l.startsWith('T ')));
  });

  it('when warming up then history is generated with past timestamps and our resting orders take no part', () => {
    const s = simHarness({ seed: 2, models: { 'BTC/USD': quietParams({ tradesPerSecond: 8, medianTradeQty: 0.5, tradeSizeLogSd: 0 }) } });
    const bestBid = book(s).bids[0]!;
    s.venue.submit(order({ clientOrderId: 'W', priceUnits: bestBid.priceUnits + 1n, qtyUnits: qty(BTC, '0.1') }));
    s.clock.advanceBy(10);
    const now = s.clock.now();
    s.venue.warmUp(60_000);
    expect(fillsOf(s.events, 'W')).toEqual([]);
    const trades = s.market.flatMap((e) => (e.type === 'trade' ? [e.trade] : []));
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) expect(t.ts).toBeLessThan(now);
    expect(s.clock.now()).toBe(now);
  });
});
