import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarHistory, visibleCount } from '../../../src/signals/bars.ts';
import type { Bar } from '../../../src/signals/bars.ts';
import { SignalError } from '../../../src/signals/errors.ts';
import { createAlphaView } from '../../../src/signals/view.ts';
import { SimClock } from '../../../src/core/clock.ts';

/** Bars of random lengths with gaps, strictly increasing close times. */
const barsArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 1, max: 5_000 }), fc.double({ min: 1, max: 1_000, noNaN: true })), { minLength: 0, maxLength: 60 }).map((steps) => {
  const bars: Bar[] = [];
  let t = 1_000_000;
  for (const [gap, len, px] of steps) {
    const time = t + gap;
    bars.push({ time, closeTime: time + len, open: px, high: px, low: px, close: px, volume: 1 });
    t = time + len;
  }
  return bars;
});

describe('AlphaView on the engine clock', () => {
  it('property: no read shows a bar before its close, and every closed bar is shown', () => {
    fc.assert(
      fc.property(barsArb, fc.array(fc.integer({ min: 999_000, max: 1_400_000 }), { minLength: 1, maxLength: 10 }), fc.nat(80), (bars, times, count) => {
        const history = new BarHistory();
        for (const b of bars) history.append('X', b);
        const clock = new SimClock(0);
        const view = createAlphaView(history, clock);
        for (const t of [...times].sort((a, b) => a - b)) {
          clock.advanceTo(t);
          const closed = bars.filter((b) => b.closeTime <= t);
          const seen = view.bars('X');
          expect(seen.every((b) => b.closeTime <= t)).toBe(true);
          expect(seen.length).toBe(closed.length);
          expect(view.barCount('X')).toBe(closed.length);
          expect(view.closes('X')).toEqual(closed.map((b) => b.close));
          expect(view.closes('X', count)).toEqual(closed.slice(Math.max(0, closed.length - count)).map((b) => b.close));
          expect(view.bars('X', count).every((b) => b.closeTime <= t)).toBe(true);
          expect(view.lastBar('X')?.closeTime ?? null).toBe(closed[closed.length - 1]?.closeTime ?? null);
          expect(view.symbols()).toEqual(closed.length > 0 ? ['X'] : []);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('when a bar closes exactly at now then it is visible; one ms earlier it is not', () => {
    const h = new BarHistory();
    h.append('X', { time: 0, closeTime: 60_000, open: 1, high: 1, low: 1, close: 1, volume: 0 });
    const clock = new SimClock(59_999);
    const view = createAlphaView(h, clock);
    expect(view.barCount('X')).toBe(0);
    clock.advanceTo(60_000);
    expect(view.barCount('X')).toBe(1);
  });

  it('when an alpha mutates what it read then the next read is unchanged', () => {
    const h = new BarHistory();
    h.append('X', { time: 0, closeTime: 10, open: 1, high: 1, low: 1, close: 1, volume: 0 });
    const view = createAlphaView(h, new SimClock(10), () => ({ X: 0.5 }));
    (view.closes('X') as number[])[0] = 99;
    expect(view.closes('X')).toEqual([1]);
    expect(() => {
      (view.bars('X')[0] as { close: number }).close = 99;
    }).toThrow(TypeError);
    expect(Object.isFrozen(view.weights())).toBe(true);
  });

  it('when a bar is malformed or out of order then append refuses it with BAD_INPUT and keeps the history', () => {
    const h = new BarHistory();
    h.append('X', { time: 0, closeTime: 10, open: 1, high: 1, low: 1, close: 1, volume: 0 });
    const bad = [
      { time: 5, closeTime: 10, open: 1, high: 1, low: 1, close: 1, volume: 0 },
      { time: 10, closeTime: 20, open: 1, high: 1, low: 1, close: Number.NaN, volume: 0 },
      { time: 10, closeTime: 20, open: 1, high: 1, low: 1, close: -1, volume: 0 },
      { time: 20, closeTime: 20, open: 1, high: 1, low: 1, close: 1, volume: 0 },
    ];
    for (const b of bad) {
      try {
        h.append('X', b);
        expect.unreachable();
      } catch (e) {
        expect((e as SignalError).code).toBe('BAD_INPUT');
      }
    }
    expect(h.series('X')!.bars).toHaveLength(1);
  });

  it('visibleCount is a binary search over ascending close times', () => {
    expect(visibleCount([], 5)).toBe(0);
    expect(visibleCount([1, 2, 3], 0)).toBe(0);
    expect(visibleCount([1, 2, 3], 2)).toBe(2);
    expect(visibleCount([1, 2, 3], 9)).toBe(3);
  });
});
