import { MetaTable } from './db.ts';
import type { Db } from './db.ts';

const KEY = 'portfolio_settings';
const LAST_REBALANCE = 'last_rebalance_at';

/**
 * The live book's portfolio-construction settings, journaled in the engine database beside the
 * approval journal (it shares that connection, so it opens and closes with it). Stored as the JSON
 * the operator last configured; the engine validates it again when it loads it.
 */
export class SqlitePortfolioSettingsStore {
  readonly #meta: MetaTable;

  constructor(db: Db) {
    db.exec('CREATE TABLE IF NOT EXISTS portfolio_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    this.#meta = new MetaTable(db, 'portfolio_meta');
  }

  load(): unknown {
    const v = this.#meta.get(KEY);
    return v === undefined ? undefined : (JSON.parse(v) as unknown);
  }

  save(settings: unknown): void {
    this.#meta.set(KEY, JSON.stringify(settings));
  }

  lastRebalanceAt(): number | null {
    const v = this.#meta.get(LAST_REBALANCE);
    const t = v === undefined ? NaN : Number(v);
    return Number.isSafeInteger(t) ? t : null;
  }

  saveLastRebalanceAt(t: number): void {
    this.#meta.set(LAST_REBALANCE, String(t));
  }
}
