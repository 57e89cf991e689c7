import { WallClock } from '../../core/clock.ts';
import type { InstrumentRegistry } from '../../core/instrument.ts';
import type { VenuePort } from '../../core/ports.ts';
import type { KernelParts, Log } from '../parts.ts';
import { volumeProfile } from './markets.ts';
import { stderrLog } from './session.ts';
import { openStores, resolveIds } from './stores.ts';

/**
 * Live trading: the wall clock, a real venue (the ccxt adapter, built by the host with its keys),
 * its instruments and account currency, the SQLite journal at `full` durability with group commit.
 * The venue keeps its own books, so the simulated venue's store is not opened.
 */
export interface LiveOptions {
  dataDir: string;
  venue: VenuePort;
  instruments: InstrumentRegistry;
  currency: string;
  initialCash?: string;
  idPrefix?: string;
  log?: Log;
}

export function liveParts(o: LiveOptions): KernelParts {
  const stores = openStores('full', o.dataDir, true);
  stores.venueStore.close();
  return {
    mode: 'live',
    clock: new WallClock(),
    venue: o.venue,
    marketData: { instruments: o.instruments, currency: o.currency, volumeProfile: (i) => volumeProfile(i.kind === 'crypto' ? 'crypto' : 'equity') },
    journal: stores.journal,
    riskStore: stores.riskStore,
    venueStore: { close: () => undefined },
    commits: stores.commits,
    l2: stores.l2,
    ids: resolveIds(stores.journal, o),
    log: o.log ?? stderrLog,
    durability: 'full',
  };
}
