import { WallClock } from '../../core/clock.ts';
import type { InstrumentRegistry } from '../../core/instrument.ts';
import type { VenuePort } from '../../core/ports.ts';
import { VENUE_BASELINE_KEY } from '../parts.ts';
import type { KernelParts, Log, VenueLink } from '../parts.ts';
import { volumeProfile } from './markets.ts';
import { stderrLog } from './session.ts';
import { openStores, resolveIds } from './stores.ts';

/**
 * Live trading: the wall clock, a real venue (the ccxt adapter, built by the host with its keys),
 * its instruments and account currency, the SQLite journal at `full` durability with group commit.
 * The venue keeps its own books, so no simulated-venue store is opened (nor its file created).
 */
export interface LiveOptions {
  dataDir: string;
  venue: VenuePort;
  link: VenueLink;
  instruments: InstrumentRegistry;
  currency: string;
  /** The account's cash at the venue when this journal first starts (decimal text). */
  initialCash?: string;
  idPrefix?: string;
  log?: Log;
  clock?: WallClock;
  /**
   * The account's balances per asset (10^-8 units) read with the initial cash, before any order:
   * kept by a new journal as where it met the exchange, so reconciliation compares balances with
   * this baseline moved by the journal's fills.
   */
  baseline?: Record<string, string>;
}

// Declared with the parts (the kernel reads it too, and must not load this module's SQLite stores).
export { VENUE_BASELINE_KEY } from '../parts.ts';

export function liveParts(o: LiveOptions): KernelParts {
  const stores = openStores('full', o.dataDir, true, false);
  const ids = resolveIds(stores.journal, o);
  if (o.baseline && stores.journal.getMeta(VENUE_BASELINE_KEY) === undefined) stores.journal.setMeta(VENUE_BASELINE_KEY, JSON.stringify(o.baseline));
  return {
    mode: 'live',
    clock: o.clock ?? new WallClock(),
    venue: o.venue,
    venueLink: o.link,
    marketData: { instruments: o.instruments, currency: o.currency, volumeProfile: (i) => volumeProfile(i.kind === 'crypto' ? 'crypto' : 'equity') },
    journal: stores.journal,
    riskStore: stores.riskStore,
    venueStore: { close: () => undefined },
    commits: stores.commits,
    l2: stores.l2,
    ids,
    log: o.log ?? stderrLog,
    durability: 'full',
  };
}
