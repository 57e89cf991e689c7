import { join } from 'node:path';
import type { Durability } from '../../core/enums.ts';
import { SqliteApprovalStore } from '../../store/sqlite/approval-store.ts';
import { SqlitePortfolioSettingsStore } from '../../store/sqlite/portfolio-settings.ts';
import { SqliteSignalJournal } from '../../store/sqlite/signal-journal.ts';
import { SqliteOrderJournal } from '../../store/sqlite/order-journal.ts';
import { SqliteRiskStore } from '../../store/sqlite/risk-store.ts';
import { SqliteSimVenueStore } from '../../store/sqlite/sim-venue-store.ts';
import type { WalSync } from '../../store/sqlite/wal-sync.ts';
import { EphemeralSimVenueStore } from '../../venues/sim/sim-store.ts';
import type { L2Stores } from '../parts.ts';
import { memoryStores } from './memory-stores.ts';
import type { SessionStores } from './memory-stores.ts';

// The memory stores and resolveIds live in ./memory-stores.ts (which loads no SQLite module);
// re-exported so a caller that opens every level needs one import.
export { memoryL2Stores, memoryStores, resolveIds } from './memory-stores.ts';
export type { OpenStores, SessionStores } from './memory-stores.ts';

/**
 * `full` and `fast` open the SQLite files of `dataDir`; `memory` opens nothing. `groupCommit` only
 * applies to `full` and only makes sense on a wall clock, where requests arrive concurrently (a
 * simulated clock runs synchronously and would never let a batch close).
 */
export function openStores(durability: Durability, dataDir: string | undefined, groupCommit: boolean, simVenue = true, opts: { walSync?: WalSync } = {}): SessionStores {
  if (durability === 'memory') return memoryStores();
  if (dataDir === undefined) throw new Error(`durability '${durability}' needs a data directory`);
  const synchronous = durability === 'full' ? 'FULL' : 'NORMAL';
  const db = join(dataDir, 'strata.sqlite');
  // `walSync`: how a group commit makes the WAL durable (tests hold it to place a crash before it returns).
  const journal = new SqliteOrderJournal(db, { synchronous, groupCommit: durability === 'full' && groupCommit, walSync: opts.walSync });
  // Opened before any journal write so its migrations never wait on a group-commit batch.
  const riskStore = new SqliteRiskStore(db, { synchronous });
  // Signals are intent, not money (NORMAL, as the signal journal chooses); an approval must be durable before its order leaves.
  const approvals = new SqliteApprovalStore(db, { synchronous });
  const l2: L2Stores = { signals: new SqliteSignalJournal(db), approvals, portfolio: new SqlitePortfolioSettingsStore(approvals.db) };
  // A real venue keeps its own books: no sim-venue file is created beside its journal.
  const venueStore = simVenue ? new SqliteSimVenueStore(join(dataDir, 'sim-venue.sqlite')) : new EphemeralSimVenueStore();
  return { journal, riskStore, venueStore, commits: durability === 'full' && groupCommit ? journal : undefined, l2 };
}
