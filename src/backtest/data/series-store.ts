import type { Series, SeriesFormat } from './series.ts';

/**
 * Where imported series live: each content stored once, addressed by its hash (sha256 of the
 * columns), and named. Two names may point at one content; re-importing a file under its name
 * moves the name to the new content and keeps the old content for the runs that used it.
 * Implementations: SQLite (src/store/sqlite/series-store.ts) and in memory (src/store/memory/series-store.ts).
 */
export interface SeriesInfo {
  name: string;
  hash: string;
  kind: Series['kind'];
  format: SeriesFormat;
  rows: number;
  firstMs: number | null;
  lastMs: number | null;
  priceDecimals: number;
  /** Where it came from (the file path as given). */
  source: string;
  importedAt: number;
}

export interface SeriesStore {
  /** Stores the content if new, points `name` at it, and says whether the content was new. */
  put(name: string, series: Series, meta: { format: SeriesFormat; source: string; importedAt: number }): { info: SeriesInfo; created: boolean };
  /** By name, or by hash (full, or a prefix of at least 8 characters). */
  get(nameOrHash: string): { info: SeriesInfo; series: Series } | undefined;
  list(): SeriesInfo[];
  close(): void;
}
