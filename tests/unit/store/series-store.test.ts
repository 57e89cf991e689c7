import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SeriesStore } from '../../../src/backtest/data/series-store.ts';
import { barsFromRows } from '../../../src/backtest/data/series.ts';
import type { BarSeries, TradeTape } from '../../../src/backtest/data/series.ts';
import { MemorySeriesStore } from '../../../src/store/memory/series-store.ts';
import { SqliteSeriesStore } from '../../../src/store/sqlite/series-store.ts';

const bars = (k: number) => barsFromRows([1, 2, 3].map((i) => ({ time: i * 1000, open: i + k, high: i + k + 1, low: i + k - 0.5, close: i + k + 0.25, volume: 10 * i })), 2);
const meta = { format: 'generic' as const, source: 'a.csv', importedAt: 1 };
const dirs: string[] = [];

const impls: [string, () => SeriesStore][] = [
  ['memory', () => new MemorySeriesStore()],
  [
    'sqlite',
    () => {
      const d = mkdtempSync(join(tmpdir(), 'strata-series-'));
      dirs.push(d);
      return new SqliteSeriesStore(join(d, 'series.db'));
    },
  ],
];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

for (const [kind, make] of impls) {
  describe(`series store (${kind})`, () => {
    it('when a series is stored then it comes back by name and by hash prefix with the same columns', () => {
      const s = make();
      const { info, created } = s.put('orcl', bars(0), meta);
      expect(created).toBe(true);
      expect(info).toMatchObject({ name: 'orcl', kind: 'bars', rows: 3, firstMs: 1000, lastMs: 3000, priceDecimals: 2 });
      expect(info.hash).toMatch(/^[0-9a-f]{64}$/);
      for (const key of ['orcl', info.hash.slice(0, 12)]) {
        const got = s.get(key)!.series as BarSeries;
        expect([...got.close]).toEqual([1.25, 2.25, 3.25]);
        expect([...got.volume]).toEqual([10, 20, 30]);
      }
      s.close();
    });

    it('when the same content is imported under two names then it is stored once (one hash), and other content gets another hash', () => {
      const s = make();
      const a = s.put('a', bars(0), meta);
      const b = s.put('b', bars(0), meta);
      const c = s.put('c', bars(1), meta);
      expect(b.created).toBe(false);
      expect(b.info.hash).toBe(a.info.hash);
      expect(c.info.hash).not.toBe(a.info.hash);
      expect(s.list().map((i) => i.name)).toEqual(['a', 'b', 'c']);
      s.close();
    });

    it('when a trade tape is stored then sides survive', () => {
      const s = make();
      const tape: TradeTape = { kind: 'trades', time: Float64Array.from([1, 1, 2]), price: Float64Array.from([1, 1.1, 1.2]), qty: Float64Array.from([3, 4, 5]), side: Int8Array.from([1, -1, 1]), priceDecimals: 1 };
      s.put('tape', tape, { ...meta, format: 'trades' });
      const got = s.get('tape')!.series as TradeTape;
      expect([...got.side]).toEqual([1, -1, 1]);
      expect([...got.qty]).toEqual([3, 4, 5]);
      expect(s.get('nope')).toBeUndefined();
      s.close();
    });
  });
}

it('when the SQLite store is reopened then the series are still there', () => {
  const d = mkdtempSync(join(tmpdir(), 'strata-series-'));
  dirs.push(d);
  const a = new SqliteSeriesStore(join(d, 'series.db'));
  const { info } = a.put('x', bars(0), meta);
  a.close();
  const b = new SqliteSeriesStore(join(d, 'series.db'));
  expect(b.get('x')!.info.hash).toBe(info.hash);
  b.close();
});
