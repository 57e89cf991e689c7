import { WallClock } from '../../core/clock.ts';
import type { InstrumentRegistry } from '../../core/instrument.ts';
import type { VenuePort } from '../../core/ports.ts';
import { liveSources } from '../../venues/sim/live-source.ts';
import type { LiveMarketFeed } from '../../venues/sim/live-source.ts';
import { SimVenue } from '../../venues/sim/sim-venue.ts';
import type { KernelParts, Log, VenueLink } from '../parts.ts';
import { volumeProfile } from './markets.ts';
import { stderrLog } from './session.ts';
import { openStores, resolveIds } from './stores.ts';

/**
 * Paper trading on live data (freqtrade's dry run): the wall clock, the simulated venue matching
 * against the live book and trades of a real exchange (its market feed), SQLite at `full`. Orders
 * never reach the exchange; the paper venue keeps its books in sim-venue.sqlite like any paper session.
 */
export interface PaperOnLiveOptions {
  dataDir: string;
  /** The live market: a venue whose book and trades are streamed (the ccxt venue, keys or not). */
  feed: LiveMarketFeed & { start(): void | Promise<void>; stop(): void | Promise<void> };
  link: VenueLink;
  instruments: InstrumentRegistry;
  currency: string;
  seed?: number;
  initialCash?: string;
  idPrefix?: string;
  log?: Log;
  /** The clock the feed runs on (one wall clock per session). */
  clock?: WallClock;
}

export function paperOnLiveParts(o: PaperOnLiveOptions): KernelParts {
  const clock = o.clock ?? new WallClock();
  const stores = openStores('full', o.dataDir, true);
  const symbols = o.instruments.all().map((i) => i.symbol);
  const live = liveSources(o.feed, symbols);
  const sim = new SimVenue({ clock, instruments: o.instruments, sources: live.factories, store: stores.venueStore, seed: o.seed ?? 42 });
  const venue: VenuePort = {
    name: `paper:${o.link.exchangeId}`,
    submit: (r) => sim.submit(r),
    cancel: (id) => sim.cancel(id),
    fetchOrder: (id) => sim.fetchOrder(id),
    fetchFills: (id) => sim.fetchFills(id),
    onEvent: (l) => sim.onEvent(l),
    onMarket: (l) => sim.onMarket(l),
    book: (s) => sim.book(s),
    start: () => {
      void o.feed.start();
      sim.start();
    },
    stop: () => {
      sim.stop();
      live.close();
      void o.feed.stop();
    },
  };
  return {
    mode: 'paper',
    clock,
    venue,
    venueLink: o.link,
    marketData: { instruments: o.instruments, currency: o.currency, volumeProfile: (i) => volumeProfile(i.kind === 'crypto' ? 'crypto' : 'equity') },
    ...stores,
    ids: resolveIds(stores.journal, o),
    log: o.log ?? stderrLog,
    durability: 'full',
  };
}
