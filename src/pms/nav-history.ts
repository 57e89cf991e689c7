import type { RiskMetricsDto } from '../contract/risk-dto.ts';
import type { Observation } from './returns.ts';

/**
 * The PMS's own NAV path (drawdowns, daily P&L, the metrics chart), thinned to `navSampleMs`
 * buckets and capped at `navHistoryCap` points.
 */

interface NavBucket {
  bucket: number;
  first: Observation;
  max: Observation;
  min: Observation;
  last: Observation;
}

export class NavHistory {
  private readonly config: { navSampleMs: number; navHistoryCap: number; navChartPoints: number };
  private readonly nav: Observation[] = [];
  private navBucket: NavBucket | null = null;
  private navTail = 0;
  /** Moves when points are inserted or removed at the front (seed, trim): see DrawdownTracker. */
  epoch = 0;

  constructor(config: { navSampleMs: number; navHistoryCap: number; navChartPoints: number }) {
    this.config = config;
  }

  /** Points at the front that no snapshot rewrites again: all but the open bucket's. */
  get stableCount(): number {
    return this.nav.length - this.navTail;
  }

  /** The path, oldest first. */
  get points(): readonly Observation[] {
    return this.nav;
  }

  /** Loads an earlier NAV path (e.g. the day's start equity after a restart); points at or after the first held one are ignored. */
  seed(points: readonly { time: number; nav: number }[]): void {
    const first = this.nav[0]?.time ?? Number.POSITIVE_INFINITY;
    const earlier = points
      .filter((p) => Number.isFinite(p.time) && Number.isFinite(p.nav) && p.time < first)
      .sort((a, b) => a.time - b.time)
      .filter((p, i, a) => i === 0 || p.time > a[i - 1]!.time)
      .map((p) => ({ time: p.time, value: p.nav }));
    this.nav.unshift(...earlier);
    if (earlier.length > 0) this.epoch++;
    this.trim();
  }

  /**
   * NAV history at `navSampleMs` resolution: per bucket the first, highest, lowest and last NAV are
   * kept (at their times), so the peaks and troughs the drawdowns need survive the thinning, and the
   * last value before a day's start is there for the daily P&L.
   */
  record(time: number, value: number): void {
    if (!Number.isFinite(time) || !Number.isFinite(value)) return;
    const cur = this.navBucket;
    if (cur && time <= cur.last.time) return; // time must advance (a repeated or late snapshot is not history)
    if (!cur && this.nav.length > 0 && time <= this.nav[this.nav.length - 1]!.time) return;
    const o = { time, value };
    const bucket = Math.floor(time / this.config.navSampleMs);
    if (!cur || bucket !== cur.bucket) {
      this.navBucket = { bucket, first: o, max: o, min: o, last: o };
      this.nav.push(o);
      this.navTail = 1;
    } else {
      cur.last = o;
      if (value > cur.max.value) cur.max = o;
      if (value < cur.min.value) cur.min = o;
      const pts = bucketPoints(cur);
      const start = this.nav.length - this.navTail;
      // In place when the tail keeps its length (the usual case: only `last` moved on).
      if (pts.length === this.navTail) for (let i = 0; i < pts.length; i++) this.nav[start + i] = pts[i]!;
      else this.nav.splice(start, this.navTail, ...pts);
      this.navTail = pts.length;
    }
    this.trim();
  }

  private trim(): void {
    const cap = this.config.navHistoryCap;
    if (this.nav.length > cap + Math.ceil(cap / 16)) {
      this.nav.splice(0, this.nav.length - cap);
      this.epoch++;
    }
  }

  /** The NAV path downsampled to ≤ navChartPoints points (the last always kept), with the drawdown from the running peak. */
  chart(): RiskMetricsDto['navHistory'] {
    const h = this.nav;
    const n = h.length;
    const max = this.config.navChartPoints;
    const step = n <= max ? 1 : (n - 1) / (max - 1);
    const picks = new Set<number>();
    for (let i = 0; i < Math.min(n, max); i++) picks.add(Math.round(i * step));
    const out: RiskMetricsDto['navHistory'] = [];
    let peak = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const o = h[i]!;
      if (o.value > peak) peak = o.value;
      if (picks.has(i)) out.push({ time: o.time, nav: o.value, drawdown: peak > 0 ? Math.max(0, peak - o.value) / peak : 0 });
    }
    return out;
  }
}

/** first, max, min and last of a bucket, each once, by time (what a `[...new Set(…)].sort` gave, without the set). */
function bucketPoints(b: NavBucket): Observation[] {
  const out: Observation[] = [b.first];
  for (const o of [b.max, b.min, b.last]) {
    if (out.includes(o)) continue;
    let i = out.length;
    while (i > 0 && out[i - 1]!.time > o.time) i--;
    out.splice(i, 0, o);
  }
  return out;
}
