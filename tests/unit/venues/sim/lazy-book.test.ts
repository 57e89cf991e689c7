import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveInstrument } from '../../../../src/core/instrument.ts';
import { toUnits } from '../../../../src/core/precision.ts';
import type { MarketBook } from '../../../../src/core/ports.ts';
import { parseTradesCsv } from '../../../../src/marketdata/csv.ts';
import { MarketDataHub } from '../../../../src/marketdata/market-data-hub.ts';
import { crowdSide } from '../../../../src/venues/sim/book-sides.ts';
import { LazyBook } from '../../../../src/venues/sim/lazy-book.ts';
import { TapeMarketSource, tapeSource } from '../../../../src/venues/sim/tape-source.ts';
import { SIM_START_MS } from '../../../fixtures/engine/sim.ts';
import { XRP_ETH, limitOrder, venueHarness } from './harness.ts';

const XRP = resolveInstrument(XRP_ETH);
const TAPE = parseTradesCsv(readFileSync(new URL('../../../fixtures/data/crypto/binance_XRPETH_trades_20191011-13.csv', import.meta.url), 'utf8')).slice(0, 400);
const T0 = SIM_START_MS;
const QUIET = { book: () => undefined, trade: () => undefined, candle: () => undefined, wantsCandles: () => false };

const text = (b: MarketBook): string => JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * The tape's books with our resting orders, a market order (impact, taken liquidity) and quiet
 * stretches; `read` sees each published book when it is published.
 */
function play(read: (book: MarketBook, centre: number) => void): MarketBook[] {
  const h = venueHarness({ sources: { 'XRP/ETH': tapeSource(TAPE, { startMs: T0 + 1_000 }) }, latencyMs: 4, seed: 3 });
  const books: MarketBook[] = [];
  h.venue.onMarket((e) => {
    if (e.type !== 'book' || e.book.symbol !== 'XRP/ETH') return;
    books.push(e.book);
    read(e.book, h.venue.marketState('XRP/ETH')!.centre);
  });
  h.venue.start();
  const p = toUnits(TAPE[0]!.priceText, 8);
  h.clock.advanceBy(200_000);
  h.venue.submit(limitOrder({ clientOrderId: 'B', symbol: 'XRP/ETH', side: 'buy', priceUnits: p - 200n, qtyUnits: 300n }));
  h.clock.advanceBy(300_000);
  h.venue.cancel('B');
  h.venue.submit(limitOrder({ clientOrderId: 'M', symbol: 'XRP/ETH', type: 'market', priceUnits: null, qtyUnits: 2_000n }));
  h.clock.advanceBy(600_000);
  h.venue.stop();
  return books;
}

describe('SimVenue lazy books on a tape', () => {
  it('when a published book is read long after it was published then it holds the levels it had when published, as a book built at once would', () => {
    const fresh = new TapeMarketSource(XRP, TAPE, { startMs: T0 + 1_000 });
    const atOnce: string[] = [];
    let checked = 0;
    play((book, centre) => {
      atOnce.push(text(book));
      if (!(book instanceof LazyBook)) return;
      // A lazy book only while nothing of ours or taken by us is in it: the crowd around the centre.
      // Its best prices (the hub's mid reads them) are those of the sides, before and after they are built.
      const best = [book.bestPrice('bid'), book.bestPrice('ask')];
      expect(best).toEqual([crowdSide(fresh.levels('bid', centre))[0]!.priceUnits, crowdSide(fresh.levels('ask', centre))[0]!.priceUnits]);
      expect(book.bids).toEqual(crowdSide(fresh.levels('bid', centre)));
      expect(book.asks).toEqual(crowdSide(fresh.levels('ask', centre)));
      expect([book.bestPrice('bid'), book.bestPrice('ask')]).toEqual(best);
      // The hub's mid and mark of the lazy book are those of the same book built at once.
      const lazyHub = new MarketDataHub([XRP], QUIET);
      const plainHub = new MarketDataHub([XRP], QUIET);
      lazyHub.on({ type: 'book', book });
      plainHub.on({ type: 'book', book: { symbol: book.symbol, bids: book.bids, asks: book.asks, ts: book.ts } });
      expect([lazyHub.mid('XRP/ETH'), lazyHub.mark('XRP/ETH')]).toEqual([plainHub.mid('XRP/ETH'), plainHub.mark('XRP/ETH')]);
      expect(lazyHub.mid('XRP/ETH')).toBeDefined();
      checked++;
    });
    const kept = play(() => undefined);
    expect(kept.map(text)).toEqual(atOnce);
    expect(checked).toBeGreaterThan(100);
    // Our resting bid and the liquidity the market order took make eager books for a while.
    expect(kept.some((b) => !(b instanceof LazyBook))).toBe(true);
    expect({ ...kept.find((b) => b instanceof LazyBook)! }).not.toHaveProperty('bids');
    expect(JSON.parse(text(kept.at(-1)!))).toHaveProperty('bids');
  });
});
