import type Database from 'better-sqlite3';
import type { SeriesInfo, SeriesStore } from '../../backtest/data/series-store.ts';
import type { Series, SeriesFormat } from '../../backtest/data/series.ts';
import { openDb } from './db.ts';
import type { Db } from './db.ts';
import { contentHash, decodeSeries, encodeSeries } from '../series-codec.ts';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE series_content (
    hash TEXT PRIMARY KEY, kind TEXT NOT NULL, rows INTEGER NOT NULL,
    first_ms INTEGER, last_ms INTEGER, price_decimals INTEGER NOT NULL, data BLOB NOT NULL
  );
  CREATE TABLE series_name (
    name TEXT PRIMARY KEY, hash TEXT NOT NULL REFERENCES series_content(hash),
    format TEXT NOT NULL, source TEXT NOT NULL, imported_at INTEGER NOT NULL
  );
  `,
];

interface InfoRow {
  name: string;
  hash: string;
  kind: string;
  format: string;
  rows: number;
  first_ms: number | null;
  last_ms: number | null;
  price_decimals: number;
  source: string;
  imported_at: number;
}

const toInfo = (r: InfoRow): SeriesInfo => ({
  name: r.name,
  hash: r.hash,
  kind: r.kind as Series['kind'],
  format: r.format as SeriesFormat,
  rows: r.rows,
  firstMs: r.first_ms,
  lastMs: r.last_ms,
  priceDecimals: r.price_decimals,
  source: r.source,
  importedAt: r.imported_at,
});

const SELECT_INFO = `SELECT n.name, n.hash, c.kind, n.format, c.rows, c.first_ms, c.last_ms, c.price_decimals, n.source, n.imported_at
  FROM series_name n JOIN series_content c ON c.hash = n.hash`;

/** Imported series in SQLite (`series.db`), each content once. synchronous=NORMAL: a re-import is cheap. */
export class SqliteSeriesStore implements SeriesStore {
  private readonly db: Db;
  private readonly stmts: Record<'insertContent' | 'upsertName' | 'byName' | 'byHash' | 'list' | 'data', Database.Statement>;

  constructor(path: string) {
    this.db = openDb(path, MIGRATIONS, { synchronous: 'NORMAL' });
    const db = this.db;
    this.stmts = {
      insertContent: db.prepare(`INSERT OR IGNORE INTO series_content VALUES (?, ?, ?, ?, ?, ?, ?)`),
      upsertName: db.prepare(`INSERT INTO series_name VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET hash = excluded.hash, format = excluded.format, source = excluded.source, imported_at = excluded.imported_at`),
      byName: db.prepare(`${SELECT_INFO} WHERE n.name = ?`),
      byHash: db.prepare(`${SELECT_INFO} WHERE n.hash LIKE ? || '%' ORDER BY n.imported_at DESC LIMIT 1`),
      list: db.prepare(`${SELECT_INFO} ORDER BY n.name`),
      data: db.prepare(`SELECT data FROM series_content WHERE hash = ?`),
    };
  }

  put(name: string, series: Series, meta: { format: SeriesFormat; source: string; importedAt: number }): { info: SeriesInfo; created: boolean } {
    const bytes = encodeSeries(series);
    const hash = contentHash(bytes);
    const n = series.time.length;
    let created = false;
    this.db.transaction(() => {
      created = this.stmts.insertContent.run(hash, series.kind, n, n ? series.time[0]! : null, n ? series.time[n - 1]! : null, series.priceDecimals, bytes).changes > 0;
      this.stmts.upsertName.run(name, hash, meta.format, meta.source, meta.importedAt);
    })();
    return { info: toInfo(this.stmts.byName.get(name) as InfoRow), created };
  }

  get(nameOrHash: string): { info: SeriesInfo; series: Series } | undefined {
    let row = this.stmts.byName.get(nameOrHash) as InfoRow | undefined;
    if (!row && /^[0-9a-f]{8,64}$/.test(nameOrHash)) row = this.stmts.byHash.get(nameOrHash) as InfoRow | undefined;
    if (!row) return undefined;
    const data = (this.stmts.data.get(row.hash) as { data: Buffer }).data;
    return { info: toInfo(row), series: decodeSeries(data) };
  }

  list(): SeriesInfo[] {
    return (this.stmts.list.all() as InfoRow[]).map(toInfo);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
