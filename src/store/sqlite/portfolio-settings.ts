import { MetaTable } from './db.ts';
import type { Db } from './db.ts';

const KEY = 'portfolio_settings';

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
}

/** The same in memory (backtests, tests): nothing survives the session. */
export class MemoryPortfolioSettingsStore {
  #v: string | undefined;
  load(): unknown {
    return this.#v === undefined ? undefined : (JSON.parse(this.#v) as unknown);
  }
  save(settings: unknown): void {
    this.#v = JSON.stringify(settings);
  }
}
