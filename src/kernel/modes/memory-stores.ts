import { randomBytes } from 'node:crypto';
import type { Durability } from '../../core/enums.ts';
import type { JournalPort } from '../../core/ports.ts';
import type { RiskStorePort } from '../../risk/ports.ts';
import { MemorySignalJournal } from '../../signals/journal.ts';
import { MemoryApprovalStore } from '../../store/memory/approval-store.ts';
import { MemoryOrderJournal } from '../../store/memory/journal.ts';
import { MemoryPortfolioSettingsStore } from '../../store/memory/portfolio-settings.ts';
import { MemoryRiskStore } from '../../store/memory/risk-store.ts';
import { EphemeralSimVenueStore } from '../../venues/sim/sim-store.ts';
import type { SimVenueStore } from '../../venues/sim/sim-store.ts';
import type { Closable, CommitBarrier, IdsPart, L2Stores } from '../parts.ts';

/**
 * The `memory` durability's stores, apart from the SQLite ones (./stores.ts): a backtest, the bar
 * runner and the kernel import this module only, so they load no SQLite module at all and run where
 * the native binding cannot (a worker, a browser-like sandbox, a machine without the build).
 */

/** The three stores of a session at a durability level, and the commit barrier when commits are grouped. */
export interface SessionStores {
  journal: JournalPort & Closable;
  riskStore: RiskStorePort & Closable;
  /** The simulated venue's books; a session on a real venue has none (its books are the exchange's). */
  venueStore: SimVenueStore;
  commits?: CommitBarrier;
  l2: L2Stores;
}

/** Opens a session's stores at a durability level (./stores.ts openStores does every level). */
export type OpenStores = (durability: Durability, dataDir: string | undefined, groupCommit: boolean) => SessionStores;

/** L2 in memory: nothing survives the session (backtests, tests). */
export function memoryL2Stores(): L2Stores {
  const signals = new MemorySignalJournal();
  return { signals: Object.assign(signals, { close: () => undefined }), approvals: new MemoryApprovalStore(), portfolio: new MemoryPortfolioSettingsStore() };
}

/** Every store of a session in memory: nothing is opened, nothing survives it. */
export function memoryStores(): SessionStores {
  return { journal: new MemoryOrderJournal(), riskStore: new MemoryRiskStore(), venueStore: new EphemeralSimVenueStore(), l2: memoryL2Stores() };
}

/**
 * The opener of a mode that only runs in memory: asked for another durability, it says where the
 * SQLite stores are instead of loading them behind the caller's back.
 */
export const openMemoryStores: OpenStores = (durability) => {
  if (durability !== 'memory') throw new Error(`durability '${durability}' needs the SQLite stores: pass openStores from src/kernel/modes/stores.ts`);
  return memoryStores();
};

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
