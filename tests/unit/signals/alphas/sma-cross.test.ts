import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../../src/core/clock.ts';
import { BarHistory } from '../../../../src/signals/bars.ts';
import { crossOver, sma } from '../../../../src/signals/indicators.ts';
import { SmaCrossAlpha, lastCross, smaCross, smaCrossSchema } from '../../../../src/signals/alphas/sma-cross.ts';
import type { Signal } from '../../../../src/signals/signal.ts';
import { createAlphaView } from '../../../../src/signals/view.ts';
import { backtraderDaily, backtraderReference } from '../../../fixtures/signals/bars.ts';

const bars = backtraderDaily();

/** Runs the alpha after every bar close over the whole 2006 file loaded up front (a backtest). */
function runDaily(params: Record<string, unknown>): Signal[][] {
  const history = new BarHistory();
  for (const b of bars) history.append('IDX', b);
  const clock = new SimClock(bars[0]!.time);
  const alpha = new SmaCrossAlpha('sma', smaCrossSchema.parse(params));
  const view = createAlphaView(history, clock);
  return bars.map((b) => {
    clock.advanceTo(b.closeTime);
    return alpha.generate(view);
  });
}

describe('SMA cross alpha', () => {
  it('when run bar by bar in event mode on CrossOver(close, SMA15) then its crossings are backtrader strategy buys and sells', () => {
    const ref = backtraderReference().crossover_strategy;
    const out = runDaily({ fast: 1, slow: 15, mode: 'event', targetWeight: 1 });
    const ups = out.flat().filter((s) => s.value > 0).map((s) => (s.inputs.close as number).toFixed(2));
    const downs = out.flat().filter((s) => s.value === 0);
    expect(ups).toEqual(ref.buy_signal_closes);
    // The strategy only sells when long: every down-cross after the first up-cross.
    const firstUp = out.findIndex((sigs) => sigs.some((s) => s.value > 0));
    const sells = out.slice(firstUp).flat().filter((s) => s.value === 0).map((s) => (s.inputs.close as number).toFixed(2));
    expect(sells).toEqual(ref.sell_signal_closes);
    expect(downs.every((s) => s.urgency === 'high' && s.horizonMs === null)).toBe(true);
  });

  it('when in event mode then a signal comes only on crossing bars and conviction is min(|fast−slow|/slow/0.05, 1)', () => {
    const out = runDaily({ fast: 5, slow: 20, mode: 'event' });
    const closes = bars.map((b) => b.close);
    const cross = crossOver(sma(closes, 5), sma(closes, 20));
    out.forEach((sigs, i) => expect(sigs.length).toBe(cross[i] === 1 || cross[i] === -1 ? 1 : 0));
    for (const s of out.flat()) {
      const f = s.inputs.fast as number;
      const sl = s.inputs.slow as number;
      expect(s.conviction).toBeCloseTo(Math.min(Math.abs(f - sl) / sl / 0.05, 1), 15);
      // Universe of one: the sleeve goes to it.
      expect(s.value === 1 || s.value === 0).toBe(true);
    }
  });

  it('when in state mode then every bar from the first valid cross on targets the weight while fast > slow, else 0 (or short)', () => {
    const out = runDaily({ fast: 5, slow: 20, mode: 'state', targetWeight: 0.3, allowShort: true });
    const closes = bars.map((b) => b.close);
    const f = sma(closes, 5);
    const s = sma(closes, 20);
    out.forEach((sigs, i) => {
      if (i < 20) return expect(sigs).toEqual([]);
      expect(sigs).toHaveLength(1);
      expect(sigs[0]!.value).toBe(f[i]! > s[i]! ? 0.3 : -0.3);
      expect(sigs[0]!.urgency).toBe('medium');
    });
  });

  it('property: lastCross at every bar equals crossOver over the whole series, touches included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 6 }), (xs, fast, slowExtra) => {
        const slow = fast + slowExtra;
        const series = crossOver(fast === 1 ? xs : sma(xs, fast), sma(xs, slow));
        for (let n = 1; n <= xs.length; n++) {
          const c = lastCross(xs.slice(0, n), fast, slow).cross;
          const want = series[n - 1]!;
          if (Number.isNaN(want)) expect(c).toBeNull();
          else expect(c).toBe(want);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: the alpha in event mode (reading only a tail of closes) signals exactly on crossOver bars, long flat runs included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 30 }), (xs, flat) => {
        // A long run of equal closes makes fast = slow for many bars (a touch longer than the tail).
        const series = [...xs.slice(0, 5), ...Array<number>(flat).fill(2), ...xs.slice(5)];
        const history = new BarHistory();
        series.forEach((c, i) => history.append('X', { time: i * 10, closeTime: i * 10 + 10, open: c, high: c, low: c, close: c, volume: 0 }));
        const clock = new SimClock(0);
        const view = createAlphaView(history, clock);
        const alpha = new SmaCrossAlpha('s', smaCrossSchema.parse({ fast: 2, slow: 4, mode: 'event' }));
        const want = crossOver(sma(series, 2), sma(series, 4));
        series.forEach((_c, i) => {
          clock.advanceTo(i * 10 + 10);
          const got = alpha.generate(view);
          const w = want[i]!;
          expect(got.length).toBe(w === 1 || w === -1 ? 1 : 0);
          if (got.length === 1) expect(got[0]!.value).toBe(w === 1 ? 1 : 0);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('when fast ≥ slow or a period is not an integer then the schema refuses it', () => {
    expect(smaCross.validate({ fast: 20, slow: 20 }).ok).toBe(false);
    expect(smaCross.validate({ fast: 2.5 }).ok).toBe(false);
    expect(smaCross.validate({ mode: 'sometimes' }).ok).toBe(false);
    expect(smaCross.validate({}).ok).toBe(true);
  });
});
