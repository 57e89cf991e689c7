import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateDaily, DAY_MS } from '../../../src/marketdata/daily.ts';
import type { CandleLike, DailyBar } from '../../../src/marketdata/daily.ts';
import { DailyBarSync } from '../../../src/marketdata/daily-sync.ts';

const MIN = 60_000;
const T0 = Date.UTC(2019, 9, 11, 7, 13);

/**
 * The reference is the former per-cycle work: every cycle re-aggregates the last 2,000 candles from
 * the last bar held, whether or not a day can have closed.
 */
function full(candles: readonly CandleLike[], cycles: readonly number[]): DailyBar[] {
  const bars: DailyBar[] = [];
  let last = -Infinity;
  for (const now of cycles) {
    if (now - last < DAY_MS) continue;
    for (const b of aggregateDaily(window(candles, now), now, last)) {
      bars.push(b);
      last = b.closeTime;
    }
  }
  return bars;
}

/** What the hub holds at `now`: candles opened before it, the last 2,000. */
function window(candles: readonly CandleLike[], now: number): CandleLike[] {
  return candles.filter((c) => c.time < now).slice(-2000);
}

function incremental(candles: readonly CandleLike[], cycles: readonly number[]): { bars: DailyBar[]; reads: number } {
  const sync = new DailyBarSync();
  const bars: DailyBar[] = [];
  let reads = 0;
  for (const now of cycles) {
    for (const b of sync.next('XRP/ETH', now, () => (reads++, window(candles, now)))) {
      bars.push(b);
      sync.held('XRP/ETH', b.closeTime);
    }
  }
  return { bars, reads };
}

/** One-minute candles from T0, with the minutes in `gaps` (ranges) missing. */
function candlesOf(minutes: number, gaps: readonly [number, number][], seed: number): CandleLike[] {
  const out: CandleLike[] = [];
  let px = 100;
  let s = seed;
  for (let m = 0; m < minutes; m++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    px *= 1 + (s / 2147483648 - 0.5) / 100;
    if (gaps.some(([a, b]) => m >= a && m < b)) continue;
    out.push({ time: T0 + m * MIN, open: px, high: px * 1.001, low: px * 0.999, close: px * 1.0005, volume: (s % 1000) + 1 });
  }
  return out;
}

describe('DailyBarSync', () => {
  it('when a 59 h tape is cycled every minute then it adds the bars a full re-aggregation adds, reading the candles a few times instead of every minute', () => {
    const minutes = 59 * 60;
    const candles = candlesOf(minutes, [], 7);
    const cycles = Array.from({ length: minutes }, (_, i) => T0 + (i + 1) * MIN);
    const a = full(candles, cycles);
    const b = incremental(candles, cycles);
    expect(b.bars).toEqual(a);
    expect(b.bars.map((x) => new Date(x.time).toISOString())).toEqual(['2019-10-11T00:00:00.000Z', '2019-10-12T00:00:00.000Z']);
    // Once at the first cycle (nothing closed), once at each of the two midnights.
    expect(b.reads).toBe(3);
  });

  it('when candles have gaps (whole days without trades) and cycles are irregular then the bars equal the full re-aggregation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 * 1440 }), fc.integer({ min: 1, max: 2 * 1440 })), { maxLength: 3 }),
        fc.integer({ min: 1, max: 240 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (gaps, step, seed) => {
          const minutes = 5 * 1440;
          const candles = candlesOf(minutes, gaps.map(([a, len]) => [a, a + len] as [number, number]), seed);
          const cycles: number[] = [];
          for (let m = 1; m <= minutes + 1440; m += step) cycles.push(T0 + m * MIN);
          expect(incremental(candles, cycles).bars).toEqual(full(candles, cycles));
        },
      ),
      { numRuns: 40 },
    );
  });
});
