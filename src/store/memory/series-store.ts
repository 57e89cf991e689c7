import type { SeriesInfo, SeriesStore } from '../../backtest/data/series-store.ts';
import type { Series, SeriesFormat } from '../../backtest/data/series.ts';
import { contentHash, encodeSeries } from '../series-codec.ts';

/** The series store in memory (tests, one-off CLI runs): same addressing as the SQLite one. */
export class MemorySeriesStore implements SeriesStore {
  private readonly contents = new Map<string, Series>();
  private readonly names = new Map<string, SeriesInfo>();

  put(name: string, series: Series, meta: { format: SeriesFormat; source: string; importedAt: number }): { info: SeriesInfo; created: boolean } {
    const hash = contentHash(encodeSeries(series));
    const created = !this.contents.has(hash);
    if (created) this.contents.set(hash, series);
    const n = series.time.length;
    const info: SeriesInfo = { name, hash, kind: series.kind, format: meta.format, rows: n, firstMs: n ? series.time[0]! : null, lastMs: n ? series.time[n - 1]! : null, priceDecimals: series.priceDecimals, source: meta.source, importedAt: meta.importedAt };
    this.names.set(name, info);
    return { info, created };
  }

  get(nameOrHash: string): { info: SeriesInfo; series: Series } | undefined {
    let info = this.names.get(nameOrHash);
    if (!info && nameOrHash.length >= 8) info = [...this.names.values()].find((i) => i.hash.startsWith(nameOrHash));
    return info ? { info, series: this.contents.get(info.hash)! } : undefined;
  }

  list(): SeriesInfo[] {
    return [...this.names.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  close(): void {}
}
