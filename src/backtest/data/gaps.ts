/**
 * Gaps in a bar series, reported and never filled. The bar interval is the most common step
 * between consecutive bars. Daily bars skip weekends by nature, so for them a gap is a missing
 * weekday (an exchange holiday shows up here too: the report says so and leaves it to the reader).
 */

const DAY = 86_400_000;

export interface Gap {
  /** Index of the bar after the gap. */
  index: number;
  fromMs: number;
  toMs: number;
  /** Bars that would fit in the gap (weekdays for daily data). */
  missing: number;
}

export interface GapReport {
  intervalMs: number;
  daily: boolean;
  count: number;
  missingBars: number;
  largest: Gap | null;
  /** The first gaps, in time order (at most `limit`). */
  gaps: Gap[];
}

export function barInterval(time: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  const n = Math.min(time.length, 10_001);
  for (let i = 1; i < n; i++) {
    const d = time[i]! - time[i - 1]!;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [d, c] of counts) if (c > bestCount || (c === bestCount && d < best)) [best, bestCount] = [d, c];
  return best;
}

function weekdaysBetween(a: number, b: number): number {
  // Weekdays strictly between the two dates.
  let n = 0;
  for (let t = a + DAY; t < b; t += DAY) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) n++;
  }
  return n;
}

export function findGaps(time: ArrayLike<number>, limit = 20): GapReport {
  const intervalMs = barInterval(time);
  const daily = intervalMs === DAY;
  const gaps: Gap[] = [];
  let count = 0;
  let missingBars = 0;
  let largest: Gap | null = null;
  if (intervalMs > 0) {
    for (let i = 1; i < time.length; i++) {
      const a = time[i - 1]!;
      const b = time[i]!;
      const step = b - a;
      if (step <= intervalMs) continue;
      const missing = daily ? (step > DAY ? weekdaysBetween(a, b) : 0) : Math.round(step / intervalMs) - 1;
      if (missing <= 0) continue;
      const g: Gap = { index: i, fromMs: a, toMs: b, missing };
      count++;
      missingBars += missing;
      if (!largest || missing > largest.missing) largest = g;
      if (gaps.length < limit) gaps.push(g);
    }
  }
  return { intervalMs, daily, count, missingBars, largest, gaps };
}
