import { afterEach, describe, expect, it } from 'vitest';
import type { MarketEvent } from '../../src/core/ports.ts';
import { demoLoopbackModels } from '../../src/venues/loopback/loopback-exchange.ts';
import { startLoopbackVenue, until } from '../fixtures/ccxt/loopback-venue.ts';
import type { LoopbackVenue } from '../fixtures/ccxt/loopback-venue.ts';

let t: LoopbackVenue | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('market data through ccxt from the loopback exchange', () => {
  it('when the market moves then books and trades arrive as exact-unit events, each trade once, and ticker and candles read', async () => {
    t = await startLoopbackVenue({
      lb: { models: demoLoopbackModels(), warmUpMinutes: 3, seed: 5 },
      venue: { pollMs: { orders: 60_000, book: 100, trades: 100, heartbeat: 60_000 } },
    });
    const events: MarketEvent[] = [];
    t.venue.onMarket((e) => events.push(e));
    // Trades printed after the first poll (which only sets the watermark) are streamed.
    await until(() => (events.filter((e) => e.type === 'trade').length >= 5 ? true : undefined), 'five live trades', 30_000);
    const books = events.filter((e): e is Extract<MarketEvent, { type: 'book' }> => e.type === 'book');
    expect(books.length).toBeGreaterThan(0);
    const b = books.at(-1)!.book;
    expect(b.bids[0]!.priceUnits).toBeLessThan(b.asks[0]!.priceUnits);
    expect(typeof b.bids[0]!.qtyUnits).toBe('bigint');
    expect(t.venue.book('BTC/USDT')).toEqual(b);
    const trades = events.filter((e): e is Extract<MarketEvent, { type: 'trade' }> => e.type === 'trade').map((e) => e.trade);
    expect(new Set(trades.map((x) => x.id)).size).toBe(trades.length);
    for (let i = 1; i < trades.length; i++) expect(trades[i]!.ts).toBeGreaterThanOrEqual(trades[i - 1]!.ts);
    const ticker = await t.venue.fetchTicker('BTC/USDT');
    expect(ticker.lastUnits).toBeGreaterThan(0n);
    expect(ticker.bidUnits!).toBeLessThan(ticker.askUnits!);
    const bars = await t.venue.fetchCandles('BTC/USDT', '1m', undefined, 10);
    expect(bars.length).toBeGreaterThan(0);
    for (const bar of bars) {
      expect(bar.high).toBeGreaterThanOrEqual(bar.open > bar.close ? bar.open : bar.close);
      expect(bar.low).toBeLessThanOrEqual(bar.open < bar.close ? bar.open : bar.close);
    }
  });
});
