import type { Panel } from './returns.ts';
import type { Matrix } from './correlation.ts';

/**
 * The marks the PMS samples, per instrument, as return series: marks are sampled into buckets of
 * `returnIntervalMs` (the last mark of a bucket is its price); a bucket counts once a later one has
 * started. Returns are simple returns between CONSECUTIVE buckets only, so a gap (engine stopped,
 * no quote) drops the return across it rather than passing a long move off as one interval.
 * Several instruments are aligned on the buckets they all have (panelOf), so each row is the same
 * interval for every instrument. `version` moves whenever a final sample appears or changes: the
 * key of every cache built on these series.
 */

interface Track {
  /** Bucket index (time / returnIntervalMs) of each sample, strictly increasing, and its price. */
  buckets: number[];
  prices: number[];
}

/** Aligned returns of a set of instruments, with what was computed from them (covariance.ts). */
export interface PanelEntry {
  key: string;
  panel: Panel;
  cov?: Matrix;
  corr?: { matrix: Matrix; current: number; baseline: number | null } | null;
  /** A one-instrument panel's returns sorted ascending (the PMS's historical VaR of a single holding). */
  sortedReturns?: Float64Array;
}

const PANEL_CACHE = 6;

export class PriceHistory {
  private readonly config: { returnIntervalMs: number; maxReturns: number };
  private readonly tracks = new Map<string, Track>();
  /** Bucket of the latest time seen: samples of earlier buckets are final. */
  private clockBucket = Number.NEGATIVE_INFINITY;
  private latest = Number.NEGATIVE_INFINITY;
  /** Bumped whenever a final sample appears or changes: the key of every cache built on the series. */
  private ver = 0;
  private readonly panels: PanelEntry[] = [];

  constructor(config: { returnIntervalMs: number; maxReturns: number }) {
    this.config = config;
  }

  get version(): number {
    return this.ver;
  }

  /** Instruments with at least one sample. */
  symbols(): string[] {
    return [...this.tracks.keys()];
  }

  has(symbol: string): boolean {
    return this.tracks.has(symbol);
  }

  /** Samples marks (symbol → price); anything but a finite price > 0 is skipped. */
  observe(now: number, prices: Readonly<Record<string, number>>): void {
    if (!Number.isFinite(now)) return;
    this.advance(now);
    const bucket = this.bucketOf(now);
    for (const [symbol, price] of Object.entries(prices)) {
      if (!(Number.isFinite(price) && price > 0)) continue;
      let t = this.tracks.get(symbol);
      if (!t) {
        t = { buckets: [], prices: [] };
        this.tracks.set(symbol, t);
      }
      const n = t.buckets.length;
      const lastBucket = n > 0 ? t.buckets[n - 1]! : Number.NEGATIVE_INFINITY;
      if (bucket === lastBucket) t.prices[n - 1] = price;
      else if (bucket > lastBucket) {
        t.buckets.push(bucket);
        t.prices.push(price);
        // The previous sample of this symbol may have been the open one of an earlier bucket.
        this.ver++;
        this.trim(t);
      }
      // A mark older than the symbol's last sample is stale: ignored.
    }
  }

  /**
   * Loads earlier marks (e.g. one-minute candle closes at start), `time` inside the bucket it
   * prices (a bar's open time). Samples already held win over seeded ones for the same bucket.
   */
  seed(symbol: string, series: readonly { time: number; price: number }[]): void {
    const merged = new Map<number, number>();
    for (const o of series) {
      if (!Number.isFinite(o.time) || !(Number.isFinite(o.price) && o.price > 0)) continue;
      merged.set(this.bucketOf(o.time), o.price); // the later of two in one bucket wins (input order)
    }
    const t = this.tracks.get(symbol);
    if (t) t.buckets.forEach((b, i) => merged.set(b, t.prices[i]!));
    const buckets = [...merged.keys()].sort((a, b) => a - b);
    const track: Track = { buckets, prices: buckets.map((b) => merged.get(b)!) };
    this.trim(track);
    this.tracks.set(symbol, track);
    this.ver++;
  }

  /** `now`, or the latest time seen when `now` is not a number (0 before any). */
  timeOf(now: number): number {
    if (Number.isFinite(now)) return now;
    return Number.isFinite(this.latest) ? this.latest : 0;
  }

  private bucketOf(time: number): number {
    return Math.floor(time / this.config.returnIntervalMs);
  }

  /** The end of the latest time's return bucket: advancing to a time before it changes no version. */
  bucketEnd(): number {
    return (this.clockBucket + 1) * this.config.returnIntervalMs;
  }

  advance(now: number): void {
    if (now > this.latest) this.latest = now;
    const b = this.bucketOf(this.latest);
    if (b > this.clockBucket) {
      this.clockBucket = b;
      this.ver++;
    }
  }

  /** Keeps the samples a full window needs (maxReturns returns from final samples, plus the open one). */
  private trim(t: Track): void {
    const keep = this.config.maxReturns + 2;
    // Trimming in batches keeps the amortised cost per sample O(1).
    if (t.buckets.length > keep + 64) {
      t.buckets.splice(0, t.buckets.length - keep);
      t.prices.splice(0, t.prices.length - keep);
    }
  }

  /**
   * Aligned returns of `symbols` (sorted) over the window: rows of the final buckets all of them
   * have, a return only between consecutive buckets, at most maxReturns rows. Cached per version.
   */
  panelOf(symbols: readonly string[]): PanelEntry {
    const key = `${this.ver}\u0001${symbols.join('\u0000')}`;
    const hit = this.panels.find((p) => p.key === key);
    if (hit) return hit;
    const entry: PanelEntry = { key, panel: this.buildPanel(symbols) };
    this.panels.unshift(entry);
    if (this.panels.length > PANEL_CACHE) this.panels.pop();
    return entry;
  }

  /** The final samples of a track inside the window: indices [start, end). */
  private windowOf(t: Track): { start: number; end: number } {
    let end = t.buckets.length;
    while (end > 0 && t.buckets[end - 1]! >= this.clockBucket) end--;
    // The window: maxReturns intervals ending at the last final bucket.
    const lo = this.clockBucket - 1 - this.config.maxReturns;
    let a = 0;
    let b = end;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (t.buckets[mid]! < lo) a = mid + 1;
      else b = mid;
    }
    return { start: a, end };
  }

  private buildPanel(symbols: readonly string[]): Panel {
    const k = symbols.length;
    const empty: Panel = { symbols: [...symbols], times: [], values: [] };
    if (k === 0) return empty;
    const tracks: Track[] = [];
    const wins: { start: number; end: number }[] = [];
    for (const s of symbols) {
      const t = this.tracks.get(s);
      if (!t) return empty;
      const w = this.windowOf(t);
      if (w.end - w.start < 2) return empty;
      tracks.push(t);
      wins.push(w);
    }
    const interval = this.config.returnIntervalMs;
    // Fast path, the usual one: every instrument has every bucket of the same unbroken range.
    const w0 = wins[0]!;
    const first = tracks[0]!.buckets[w0.start]!;
    const last = tracks[0]!.buckets[w0.end - 1]!;
    const len = w0.end - w0.start;
    if (
      last - first + 1 === len &&
      tracks.every((t, j) => wins[j]!.end - wins[j]!.start === len && t.buckets[wins[j]!.start] === first && t.buckets[wins[j]!.end - 1] === last)
    ) {
      const times: number[] = [];
      const values: number[][] = [];
      for (let r = 1; r < len; r++) {
        const row = new Array<number>(k);
        for (let j = 0; j < k; j++) {
          const p = tracks[j]!.prices;
          const i = wins[j]!.start + r;
          row[j] = p[i]! / p[i - 1]! - 1;
        }
        times.push((first + r + 1) * interval);
        values.push(row);
      }
      return { symbols: [...symbols], times, values };
    }
    const idx = wins.map((w) => w.end - 1);
    const lo = this.clockBucket - 1 - this.config.maxReturns;
    const rowBuckets: number[] = [];
    const rowPrices: number[][] = [];
    // k-way intersection of the bucket lists, walking back from the newest.
    outer: for (;;) {
      let target = Number.POSITIVE_INFINITY;
      for (let j = 0; j < k; j++) {
        const b = tracks[j]!.buckets[idx[j]!]!;
        if (b < target) target = b;
      }
      if (target < lo) break;
      let all = true;
      for (let j = 0; j < k; j++) {
        const bs = tracks[j]!.buckets;
        let i = idx[j]!;
        while (i >= 0 && bs[i]! > target) i--;
        if (i < 0) break outer;
        idx[j] = i;
        if (bs[i] !== target) all = false;
      }
      if (all) {
        rowBuckets.push(target);
        rowPrices.push(tracks.map((t, j) => t.prices[idx[j]!]!));
        for (let j = 0; j < k; j++) {
          idx[j]!--;
          if (idx[j]! < 0) break outer;
        }
      }
    }
    const times: number[] = [];
    const values: number[][] = [];
    for (let r = rowBuckets.length - 1; r > 0; r--) {
      const b = rowBuckets[r - 1]!;
      if (b !== rowBuckets[r]! + 1) continue; // a gap: no one-interval return across it
      const prev = rowPrices[r]!;
      const cur = rowPrices[r - 1]!;
      const row = new Array<number>(k);
      for (let j = 0; j < k; j++) row[j] = cur[j]! / prev[j]! - 1;
      times.push((b + 1) * interval);
      values.push(row);
    }
    return { symbols: [...symbols], times, values };
  }

  /** One instrument's own returns over the window (consecutive final buckets only). */
  ownReturns(symbol: string): number[] {
    const t = this.tracks.get(symbol);
    if (!t) return [];
    const { start, end } = this.windowOf(t);
    const out: number[] = [];
    for (let i = start + 1; i < end; i++) if (t.buckets[i] === t.buckets[i - 1]! + 1) out.push(t.prices[i]! / t.prices[i - 1]! - 1);
    return out;
  }
}
