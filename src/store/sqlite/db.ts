import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

export interface OpenOptions {
  /** FULL makes each commit durable against power loss (the order journal); NORMAL only against crashes. */
  synchronous: 'FULL' | 'NORMAL';
}

/** Opens (creating if needed) a SQLite file in WAL mode and applies pending migrations in order. */
export function openDb(path: string, migrations: readonly string[], opts: OpenOptions): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const current = Number(db.pragma('user_version', { simple: true }));
    if (current > migrations.length) throw new Error(`schema version ${current} is newer than this build (${migrations.length})`);
    for (let v = current; v < migrations.length; v++) {
      db.transaction(() => {
        db!.exec(migrations[v]!);
        db!.pragma(`user_version = ${v + 1}`);
      })();
    }
    return db;
  } catch (err) {
    db?.close();
    // A start-up error names the file it concerns ("file is not a database" alone names nothing).
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(message.includes(path) ? message : `${path}: ${message}`, { cause: err });
  }
}

/**
 * A store's key/value table (`key TEXT PRIMARY KEY, value TEXT NOT NULL`): small durable facts such
 * as the id prefix or the initial cash. Writes join the caller's transaction when there is one.
 */
export class MetaTable {
  private readonly getStmt: Database.Statement;
  private readonly setStmt: Database.Statement;

  constructor(db: Db, table: string) {
    this.getStmt = db.prepare(`SELECT value FROM ${table} WHERE key = ?`);
    this.setStmt = db.prepare(`INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
  }

  get(key: string): string | undefined {
    return (this.getStmt.get(key) as { value: string } | undefined)?.value;
  }

  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }
}
