import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Durability } from '../../core/enums.ts';
import type { JournalPort } from '../../core/ports.ts';
import type { RiskStorePort } from '../../risk/ports.ts';
import { MemorySignalJournal } from '../../signals/journal.ts';
import { MemoryApprovalStore } from '../../store/memory/approval-store.ts';
import { SqliteApprovalStore } from '../../store/sqlite/approval-store.ts';
import { MemoryPortfolioSettingsStore, SqlitePortfolioSettingsStore } from '../../store/sqlite/portfolio-settings.ts';
import { SqliteSignalJournal } from '../../store/sqlite/signal-journal.ts';
import { MemoryOrderJournal } from '../../store/memory/journal.ts';
import { MemoryRiskStore } from '../../store/memory/risk-store.ts';
import { SqliteOrderJournal } from '../../store/sqlite/order-journal.ts';
import { SqliteRiskStore } from '../../store/sqlite/risk-store.ts';
import { SqliteSimVenueStore } from '../../store/sqlite/sim-venue-store.ts';
import type { WalSync } from '../../store/sqlite/wal-sync.ts';
import { EphemeralSimVenueStore } from '../../venues/sim/sim-store.ts';
import type { SimVenueStore } from '../../venues/sim/sim-store.ts';
import type { Closable, CommitBarrier, IdsPart, L2Stores } from '../parts.ts';

/** The three stores of a session at a durability level, and the commit barrier when commits are grouped. */
export interface SessionStores {
  journal: JournalPort & Closable;
  riskStore: RiskStorePort & Closable;
  /** The simulated venue's books; a session on a real venue has none (its books are the exchange's). */
  venueStore: SimVenueStore;
  commits?: CommitBarrier;
  l2: L2Stores;
}

/** L2 in memory: nothing survives the session (backtests, tests). */
export function memoryL2Stores(): L2Stores {
  const signals = new MemorySignalJournal();
  return { signals: Object.assign(signals, { close: () => undefined }), approvals: new MemoryApprovalStore(), portfolio: new MemoryPortfolioSettingsStore() };
}

/**
 * `full` and `fast` open the SQLite files of `dataDir`; `memory` opens nothing. `groupCommit` only
 * applies to `full` and only makes sense on a wall clock, where requests arrive concurrently (a
 * simulated clock runs synchronously and would never let a batch close).
 */
export function openStores(durability: Durability, dataDir: string | undefined, groupCommit: boolean, simVenue = true, opts: { walSync?: WalSync } = {}): SessionStores {
  if (durability === 'memory') return { journal: new MemoryOrderJournal(), riskStore: new MemoryRiskStore(), venueStore: new EphemeralSimVenueStore(), l2: memoryL2Stores() };
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

/**
 * Facts fixed at the first start of a journal, so later defaults never rewrite history: the client
 * order id prefix (random unless given, so two installs never collide at a venue) and the initial cash.
 */
export function resolveIds(journal: JournalPort, given: { idPrefix?: string; initialCash?: string }): IdsPart {
  let prefix = journal.getMeta('id_prefix');
  if (!prefix) {
    prefix = given.idPrefix ?? 'S' + randomBytes(3).toString('hex').toUpperCase();
    journal.setMeta('id_prefix', prefix);
  }
  let initialCash = journal.getMeta('initial_cash');
  if (!initialCash) {
    initialCash = given.initialCash ?? '1000000';
    journal.setMeta('initial_cash', initialCash);
  }
  return { prefix, initialCash };
}
