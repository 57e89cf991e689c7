import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../../src/core/clock.ts';
import { BarHistory } from '../../../../src/signals/bars.ts';
import { StatisticalModelAlpha, statisticalModelSchema } from '../../../../src/signals/alphas/statistical-model.ts';
import { fitLogistic, probabilityUp } from '../../../../src/signals/logistic.ts';
import { fitRidge, predict } from '../../../../src/signals/ridge.ts';
import { createAlphaView } from '../../../../src/signals/view.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);

function lcgGauss(seed: number): () => number {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Closes whose daily returns follow r_t = phi·r_{t−1} + 0.01·ε. */
function ar1History(phi: number, days: number, seed = 11): BarHistory {
  const g = lcgGauss(seed);
  const h = new BarHistory();
  let r = 0;
  let p = 100;
  for (let d = 0; d < days; d++) {
    r = phi * r + 0.01 * g();
    p *= 1 + r;
    h.append('AR', { time: T0 + d * DAY, closeTime: T0 + (d + 1) * DAY, open: p, high: p, low: p, close: p, volume: 0 });
  }
  return h;
}

describe('ridge regression (ml-matrix)', () => {
  it('when the data are exactly linear and lambda is tiny then the coefficients and intercept are recovered', () => {
    const x = Array.from({ length: 50 }, (_, i) => [Math.sin(i), Math.cos(3 * i), i / 50]);
    const y = x.map(([a, b, c]) => 0.5 + 2 * a! - 1 * b! + 0.25 * c!);
    const m = fitRidge(x, y, 1e-10);
    expect(m.intercept).toBeCloseTo(0.5, 6);
    expect(m.coefficients[0]).toBeCloseTo(2, 6);
    expect(m.coefficients[1]).toBeCloseTo(-1, 6);
    expect(m.coefficients[2]).toBeCloseTo(0.25, 6);
    expect(m.r2).toBeCloseTo(1, 9);
    expect(predict(m, [0, 0, 0])).toBeCloseTo(0.5, 6);
  });

  it('when lambda grows then the coefficients shrink toward 0; bad input throws', () => {
    const x = Array.from({ length: 30 }, (_, i) => [Math.sin(i)]);
    const y = x.map(([a]) => 3 * a!);
    expect(Math.abs(fitRidge(x, y, 100).coefficients[0]!)).toBeLessThan(Math.abs(fitRidge(x, y, 0.01).coefficients[0]!));
    expect(() => fitRidge(x, y.slice(1), 1)).toThrow(RangeError);
    expect(() => fitRidge(x, y, 0)).toThrow(RangeError);
  });
});

describe('logistic regression (IRLS, ml-matrix)', () => {
  it('when labels follow a known logit then the coefficients are recovered and probabilities are calibrated', () => {
    const g = lcgGauss(3);
    const x: number[][] = [];
    const y: (0 | 1)[] = [];
    let state = 99;
    const uniform = (): number => {
      state = (Math.imul(state, 22695477) + 1) >>> 0;
      return (state + 0.5) / 2 ** 32;
    };
    for (let i = 0; i < 4000; i++) {
      const a = g();
      const b = g();
      const p = 1 / (1 + Math.exp(-(0.3 + 1.5 * a - 0.8 * b)));
      x.push([a, b]);
      y.push(uniform() < p ? 1 : 0);
    }
    const m = fitLogistic(x, y, 1e-6);
    expect(m.coefficients[0]).toBeGreaterThan(1.2);
    expect(m.coefficients[0]).toBeLessThan(1.8);
    expect(m.coefficients[1]).toBeLessThan(-0.55);
    expect(m.coefficients[1]).toBeGreaterThan(-1.05);
    expect(probabilityUp(m, [0, 0])).toBeGreaterThan(0.5);
    expect(() => fitLogistic(x, y.slice(1), 1)).toThrow(RangeError);
  });
});

describe('statistical model alpha', () => {
  it('when the logistic model is chosen then it also finds autocorrelation out of sample and reports no R²', () => {
    const h = ar1History(0.5, 600);
    const alpha = new StatisticalModelAlpha('model', statisticalModelSchema.parse({ model: 'logistic', feeBps: 0, thresholdBps: 0 }));
    const sigs = alpha.generate(createAlphaView(h, new SimClock(T0 + 600 * DAY)));
    const ar = (alpha.diagnostics().instruments as Record<string, { coefficients: number[]; oosHitRate: number; r2: number | null }>).AR!;
    expect(ar.coefficients[0]).toBeGreaterThan(0);
    expect(ar.oosHitRate).toBeGreaterThan(0.6);
    expect(ar.r2).toBeNull();
    expect(sigs).toHaveLength(1);
  });

  it('when returns are autocorrelated then the walk-forward model finds it, out of sample', () => {
    const h = ar1History(0.5, 600);
    const alpha = new StatisticalModelAlpha('model', statisticalModelSchema.parse({ feeBps: 0, thresholdBps: 0 }));
    const clock = new SimClock(T0 + 600 * DAY);
    alpha.generate(createAlphaView(h, clock));
    const d = alpha.diagnostics().instruments as Record<string, { coefficients: number[]; oosHitRate: number; oosPredictions: number; fitWindow: { from: number; to: number; samples: number } }>;
    const ar = d.AR!;
    expect(ar.coefficients[0]).toBeGreaterThan(0.3);
    expect(ar.oosHitRate).toBeGreaterThan(0.6);
    // Predictions from bar 60 + minFitSamples on, scored once their next bar closed.
    expect(ar.oosPredictions).toBeGreaterThan(400);
    expect(ar.fitWindow.samples).toBe(252);
    expect(ar.fitWindow.to).toBeLessThan(T0 + 600 * DAY);
  });

  it('when returns are noise then the out-of-sample hit rate is near a coin toss', () => {
    const h = ar1History(0, 800, 5);
    const alpha = new StatisticalModelAlpha('model', statisticalModelSchema.parse({}));
    alpha.generate(createAlphaView(h, new SimClock(T0 + 800 * DAY)));
    const ar = (alpha.diagnostics().instruments as Record<string, { oosHitRate: number }>).AR!;
    expect(ar.oosHitRate).toBeGreaterThan(0.4);
    expect(ar.oosHitRate).toBeLessThan(0.6);
  });

  it('when EV − fees does not clear the threshold then it emits nothing; when it does, EV is the expected return', () => {
    const h = ar1History(0.5, 400);
    const view = createAlphaView(h, new SimClock(T0 + 400 * DAY));
    const cheap = new StatisticalModelAlpha('m', statisticalModelSchema.parse({ feeBps: 0, thresholdBps: 0, allowShort: true }));
    const sigs = cheap.generate(view);
    expect(sigs).toHaveLength(1);
    const s = sigs[0]!;
    expect(Math.sign(s.value)).toBe(Math.sign(s.expectedReturn!));
    expect(s.conviction).toBeCloseTo(Math.min(Math.abs(s.expectedReturn!) / 0.005, 1), 12);
    expect(s.horizonMs).toBe(DAY);
    expect(s.inputs.coefficients).toHaveLength(6);
    // Fees larger than any plausible one-day return: no signal.
    const dear = new StatisticalModelAlpha('m', statisticalModelSchema.parse({ feeBps: 10_000 }));
    expect(dear.generate(view)).toEqual([]);
  });

  it('when run bar by bar then it reaches the same model as one walk over the whole history', () => {
    const h = ar1History(0.3, 200);
    const clock = new SimClock(T0);
    const view = createAlphaView(h, clock);
    const stepwise = new StatisticalModelAlpha('m', statisticalModelSchema.parse({ minFitSamples: 30, fitWindow: 60, refitEvery: 7 }));
    for (let d = 1; d <= 200; d++) {
      clock.advanceTo(T0 + d * DAY);
      stepwise.generate(view);
    }
    const once = new StatisticalModelAlpha('m', statisticalModelSchema.parse({ minFitSamples: 30, fitWindow: 60, refitEvery: 7 }));
    once.generate(view);
    expect(stepwise.diagnostics()).toEqual(once.diagnostics());
  });
});
