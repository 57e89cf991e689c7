import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SimClockDriver } from '../../../../src/core/clock.ts';
import { resolveInstrument } from '../../../../src/core/instrument.ts';
import { toUnits } from '../../../../src/core/precision.ts';
import { parseTradesCsv } from '../../../../src/marketdata/csv.ts';
import { TapeMarketSource, tapeSource } from '../../../../src/venues/sim/tape-source.ts';
import type { TapeOptions, TapeTrade } from '../../../../src/venues/sim/tape-source.ts';
import { SIM_START_MS } from '../../../fixtures/engine/sim.ts';
import { XRP_ETH, fillsOf, limitOrder, tapeRow, tradesOf, venueHarness } from './harness.ts';
import type { VenueHarness, VenueOverrides } from './harness.ts';

const XRP = resolveInstrument(XRP_ETH); // tick 1e-8 ETH, lot 1 XRP
const TAPE = parseTradesCsv(readFileSync(new URL('../../../fixtures/data/crypto/binance_XRPETH_trades_20191011-13.csv', import.meta.url), 'utf8'));
const T0 = SIM_START_MS;

function tapeVenue(trades: readonly TapeTrade[], opts: TapeOptions = {}, over: VenueOverrides = {}): VenueHarness {
  return venueHarness({ sources: { 'XRP/ETH': tapeSource(trades, opts) }, latencyMs: 1, ...over });
}

function order(over: Parameters<typeof limitOrder>[0]) {
  return limitOrder({ symbol: 'XRP/ETH', ...over });
}

describe('TapeMarketSource calibration', () => {
  it('when built from the XRP/ETH tape then spread, sizes, volatility and volume come from the tape', () => {
    const src = new TapeMarketSource(XRP, TAPE);
    // Roll's estimator on trade-to-trade changes: ~109 ticks of 1e-8 ETH (≈ 8 bps at 0.0014 ETH).
    expect(src.calibration.spreadTicks).toBe(109);
    expect(src.calibration.medianQty).toBe(68);
    // 5,545,735 XRP over 213,557 s.
    expect(src.calibration.volumePerSecond).toBeCloseTo(25.968, 3);
    // 5-minute realised volatility, below the 1-minute traded-price figure of the calibration (1.52e-4): less bounce.
    expect(src.calibration.volPerSqrtSecond).toBeCloseTo(1.134e-4, 6);
    expect(src.shape).toEqual({ spreadTicks: 109, levelSpacingTicks: 55, levels: 12, levelQty: 272 });
    expect(src.impactScale()).toEqual({ volPerSqrtSecond: src.calibration.volPerSqrtSecond, volumePerSecond: src.calibration.volumePerSecond });
  });

  it('when options are given then they override what the tape implies', () => {
    const src = new TapeMarketSource(XRP, TAPE.slice(0, 50), { spreadTicks: 8, levelSpacingTicks: 3, levels: 4, levelTrades: 2, volPerSqrtSecond: 2e-4 });
    expect(src.shape).toMatchObject({ spreadTicks: 8, levelSpacingTicks: 3, levels: 4 });
    expect(src.shape.levelQty).toBe(src.calibration.medianQty * 2);
    expect(src.impactScale().volPerSqrtSecond).toBe(2e-4);
  });

  it('when a recorded price or size is finer than the instrument then it is rounded to the tick and lot grid', () => {
    const src = new TapeMarketSource(XRP, [tapeRow(T0, 0, 'buy', '0.001400004', '2.6'), tapeRow(T0, 1, 'sell', '0.001400006', '0.2')]);
    expect(src.prints.map((p) => [p.priceUnits, p.qtyUnits])).toEqual([[140000n, 3n], [140001n, 1n]]);
  });

  it('when the tape is empty then it is refused', () => {
    expect(() => new TapeMarketSource(XRP, [])).toThrow(RangeError);
  });
});

describe('SimVenue on a recorded tape', () => {
  it('when the XRP/ETH tape plays on the SimClock then every recorded trade prints once, in file order, at its own time, price, size and side', () => {
    const rows = TAPE.slice(0, 600); // ~2 h, with sweeps (several trades in one millisecond)
    const h = tapeVenue(rows, {}, { startMs: rows[0]!.timestampMs - 1_000 });
    const seenAt: number[] = [];
    h.venue.onMarket((e) => {
      if (e.type === 'trade') seenAt.push(h.clock.now());
    });
    h.venue.start();
    new SimClockDriver(h.clock).runToEnd(rows[rows.length - 1]!.timestampMs + 60_000);
    const trades = tradesOf(h.market);
    expect(trades.map((t) => [t.ts, t.side, t.priceUnits, t.qtyUnits])).toEqual(
      rows.map((r) => [r.timestampMs, r.side, toUnits(r.priceText, 8), toUnits(r.amountText, 0)]),
    );
    // Each played when the clock reached its timestamp, not at the next fixed step.
    expect(seenAt).toEqual(rows.map((r) => r.timestampMs));
    h.venue.stop();
  });

  it('when startMs is given then the tape plays shifted onto the venue clock', () => {
    const rows = TAPE.slice(0, 30);
    const startMs = T0 + 5_000;
    const h = tapeVenue(rows, { startMs });
    h.venue.start();
    h.clock.advanceTo(startMs + (rows[29]!.timestampMs - rows[0]!.timestampMs));
    expect(tradesOf(h.market).map((t) => t.ts)).toEqual(rows.map((r) => r.timestampMs - rows[0]!.timestampMs + startMs));
    h.venue.stop();
  });

  it('when a sell prints then the synthetic best bid is its price and the ask a spread above; after a buy the ask is its price', () => {
    const rows = [tapeRow(T0, 1_000, 'sell', '0.00140000', '50'), tapeRow(T0, 2_000, 'buy', '0.00140300', '50')];
    const h = tapeVenue(rows, { spreadTicks: 10 });
    h.venue.start();
    // Before the first print, the book waits around it.
    expect(h.venue.book('XRP/ETH')!.bids[0]!.priceUnits).toBe(140000n);
    h.clock.advanceTo(T0 + 1_000);
    expect(h.venue.book('XRP/ETH')!.bids[0]!.priceUnits).toBe(140000n);
    expect(h.venue.book('XRP/ETH')!.asks[0]!.priceUnits).toBe(140010n);
    h.clock.advanceTo(T0 + 2_000);
    expect(h.venue.book('XRP/ETH')!.asks[0]!.priceUnits).toBe(140300n);
    expect(h.venue.book('XRP/ETH')!.bids[0]!.priceUnits).toBe(140290n);
    // After the last print the market stays there, quiet.
    const n = h.market.length;
    h.clock.advanceBy(60_000);
    expect(tradesOf(h.market.slice(n))).toEqual([]);
    expect(h.venue.book('XRP/ETH')!.asks[0]!.priceUnits).toBe(140300n);
    h.venue.stop();
  });

  it('when warming up then the recorded trades before now play as history with their own timestamps, and none is lost or repeated after the start', () => {
    const rows = TAPE.slice(0, 200);
    const span = rows[199]!.timestampMs - rows[0]!.timestampMs;
    // Put the tape so that its first 10 minutes lie in the past.
    const startMs = T0 - 600_000;
    const h = tapeVenue(rows, { startMs });
    // A bid one tick above the best: nobody ahead of it, so any sell print at or below it would fill it live.
    const bid = h.venue.book('XRP/ETH')!.bids[0]!.priceUnits + 1n;
    h.venue.submit(order({ clientOrderId: 'W', side: 'buy', priceUnits: bid, qtyUnits: 10n }));
    h.clock.advanceBy(10);
    const now = h.clock.now();
    h.venue.warmUp(900_000);
    const history = tradesOf(h.market);
    expect(history.length).toBeGreaterThan(0);
    for (const t of history) expect(t.ts).toBeLessThan(now);
    expect(history.some((t) => t.side === 'sell' && t.priceUnits <= bid)).toBe(true);
    // Our order took no part in the history.
    expect(fillsOf(h.events, 'W')).toEqual([]);
    h.venue.cancel('W');
    h.clock.advanceBy(5);
    h.venue.start();
    h.clock.advanceTo(startMs + span + 1);
    expect(tradesOf(h.market).map((t) => t.ts)).toEqual(rows.map((r) => r.timestampMs - rows[0]!.timestampMs + startMs));
    h.venue.stop();
  });

  it('when a recorded sell prints below our resting bid then it fills us at our price at once; a sell above our bid does not', () => {
    const rows = [
      tapeRow(T0, 1_000, 'sell', '0.00140000', '50'),
      tapeRow(T0, 5_000, 'sell', '0.00140000', '30'),
      tapeRow(T0, 6_000, 'sell', '0.00140100', '40'),
      tapeRow(T0, 7_000, 'sell', '0.00139000', '80'),
    ];
    const h = tapeVenue(rows, { spreadTicks: 10 });
    h.venue.start();
    h.clock.advanceTo(T0 + 2_000);
    // Inside the spread: no crowd at our price, nobody ahead.
    h.venue.submit(order({ clientOrderId: 'B', side: 'buy', priceUnits: 140005n, qtyUnits: 100n }));
    h.clock.advanceBy(10);
    expect(h.venue.queueAheadUnits('B')).toBe(0n);
    h.clock.advanceTo(T0 + 5_000);
    expect(fillsOf(h.events, 'B').map((f) => [f.priceUnits, f.qtyUnits, f.liquidity])).toEqual([[140005n, 30n, 'maker']]);
    // The print is ours, at our price, as a sell: the recorded size went to us.
    expect(tradesOf(h.market).slice(-1).map((t) => [t.priceUnits, t.qtyUnits, t.side])).toEqual([[140005n, 30n, 'sell']]);
    h.clock.advanceTo(T0 + 6_000);
    expect(fillsOf(h.events, 'B')).toHaveLength(1);
    h.clock.advanceTo(T0 + 7_000);
    // 70 left to fill; the other 10 of the recorded 80 print at the recorded price.
    expect(fillsOf(h.events, 'B').map((f) => [f.priceUnits, f.qtyUnits])).toEqual([[140005n, 30n], [140005n, 70n]]);
    expect(tradesOf(h.market).slice(-2).map((t) => [t.priceUnits, t.qtyUnits])).toEqual([[140005n, 70n], [139000n, 10n]]);
    h.venue.stop();
  });

  it('when we have pushed the market up then the recorded prints that follow play higher by our impact', () => {
    const rows = [tapeRow(T0, 1_000, 'sell', '0.00140000', '50'), tapeRow(T0, 3_000, 'sell', '0.00140000', '50')];
    const impact = { volPerSqrtSecond: 1e-3 }; // a volatile tape so the effect is many ticks
    const h = tapeVenue(rows, { spreadTicks: 10, ...impact });
    h.venue.start();
    h.clock.advanceTo(T0 + 1_500);
    h.venue.submit(order({ clientOrderId: 'M', type: 'market', priceUnits: null, qtyUnits: 500n }));
    h.clock.advanceTo(T0 + 3_000);
    const state = h.venue.marketState('XRP/ETH')!;
    expect(state.impact).toBeGreaterThan(0);
    const last = tradesOf(h.market).at(-1)!;
    expect(last.ts).toBe(T0 + 3_000);
    expect(last.priceUnits).toBe(BigInt(Math.round(140000 * Math.exp(state.impact))));
    expect(last.priceUnits).toBeGreaterThan(140000n);
    h.venue.stop();
  });

  it('when the same tape runs twice with the same seed and orders then every market and venue event is the same', () => {
    const rows = TAPE.slice(0, 400);
    const run = (): string[] => {
      const h = tapeVenue(rows, { startMs: T0 + 1_000 }, { latencyMs: 4, seed: 3 });
      h.venue.start();
      const p = toUnits(rows[0]!.priceText, 8);
      h.venue.submit(order({ clientOrderId: 'B', side: 'buy', priceUnits: p - 200n, qtyUnits: 300n }));
      h.venue.submit(order({ clientOrderId: 'S', side: 'sell', priceUnits: p + 300n, qtyUnits: 300n }));
      h.clock.advanceBy(300_000);
      h.venue.submit(order({ clientOrderId: 'M', type: 'market', priceUnits: null, qtyUnits: 2_000n }));
      h.clock.advanceBy(1_500_000);
      h.venue.stop();
      return [...h.market, ...h.events].map((e) => JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    };
    const a = run();
    expect(a.some((l) => l.includes('"fill"'))).toBe(true);
    expect(run()).toEqual(a);
  });
});
