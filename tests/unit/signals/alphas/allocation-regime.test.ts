import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../../src/core/clock.ts';
import { BarHistory } from '../../../../src/signals/bars.ts';
import { simpleReturns, stddevLast } from '../../../../src/signals/indicators.ts';
import { StrategicAllocationAlpha, strategicAllocation, strategicAllocationSchema } from '../../../../src/signals/alphas/strategic-allocation.ts';
import { TacticalRegimeAlpha, readRegime, tacticalRegimeSchema } from '../../../../src/signals/alphas/tactical-regime.ts';
import { createAlphaView } from '../../../../src/signals/view.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

/** Daily closes for one symbol from a function of the day index. */
function history(series: Record<string, (d: number) => number>, days: number): BarHistory {
  const h = new BarHistory();
  for (const [sym, f] of Object.entries(series)) {
    for (let d = 0; d < days; d++) {
      const c = f(d);
      h.append(sym, { time: T0 + d * DAY, closeTime: T0 + (d + 1) * DAY, open: c, high: c, low: c, close: c, volume: 0 });
    }
  }
  return h;
}

describe('strategic allocation', () => {
  it('when generated then it states every policy weight, CASH included, with conviction 1 and the current weight as input', () => {
    const alpha = new StrategicAllocationAlpha('policy', strategicAllocationSchema.parse({ targets: { SPY: 0.5, TLT: 0.3, CASH: 0.2 } }));
    const view = createAlphaView(new BarHistory(), new SimClock(T0), () => ({ SPY: 0.55, CASH: 0.45 }));
    const sigs = alpha.generate(view);
    expect(sigs.map((s) => [s.instrument, s.value, s.conviction, s.kind, s.horizonMs])).toEqual([
      ['SPY', 0.5, 1, 'target', null],
      ['TLT', 0.3, 1, 'target', null],
      ['CASH', 0.2, 1, 'target', null],
    ]);
    expect(sigs[0]!.inputs.currentWeight).toBe(0.55);
    expect(sigs[0]!.inputs.maxDrift).toBeCloseTo(0.3, 12);
    expect(sigs.every((s) => s.time === T0 && s.urgency === 'low' && s.alpha === 'policy')).toBe(true);
  });

  it('when a weight drifts past the threshold then it is triggered; within it, or with no holdings, it is not', () => {
    const alpha = new StrategicAllocationAlpha('p', strategicAllocationSchema.parse({ targets: { SPY: 0.6, CASH: 0.4 }, driftThreshold: 0.05 }));
    let w: Record<string, number> = {};
    const view = createAlphaView(new BarHistory(), new SimClock(T0), () => w);
    expect(alpha.triggered(view)).toBe(false);
    w = { SPY: 0.64, CASH: 0.36 };
    expect(alpha.triggered(view)).toBe(false);
    w = { SPY: 0.66, CASH: 0.34 };
    expect(alpha.triggered(view)).toBe(true);
    // A holding outside the policy drifts from 0.
    w = { SPY: 0.6, CASH: 0.34, GLD: 0.06 };
    expect(alpha.triggered(view)).toBe(true);
  });

  it('when the targets do not sum to 1 then validation fails on targets; the default is monthly', () => {
    const r = strategicAllocation.validate({ targets: { SPY: 0.6, CASH: 0.3 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.path).toBe('targets');
    const d = strategicAllocation.validate({});
    expect(d.ok && d.params.cadence).toBe('monthly');
  });
});

describe('tactical regime', () => {
  const p = tacticalRegimeSchema.parse({ lookback: 60, skip: 5, trendPeriod: 50, volWindow: 10, volHistory: 40 });

  it('when the reading is taken then momentum is close[t−skip]/close[t−lookback] − 1 and vol is the population std of the last returns', () => {
    const closes = Array.from({ length: 120 }, (_, d) => 100 * Math.exp(0.002 * d + 0.01 * Math.sin(d)));
    const r = readRegime(closes, p)!;
    expect(r.momentum).toBeCloseTo(closes[119 - 5]! / closes[119 - 60]! - 1, 14);
    expect(r.vol).toBeCloseTo(stddevLast(simpleReturns(closes), 10), 12);
    expect(r.trendUp).toBe(true);
    expect(readRegime(closes.slice(0, 49), p)).toBeNull();
  });

  it('when an uptrend turns volatile then it is held at reduced exposure; a downtrend is not held', () => {
    const days = 120;
    // UP: steady rise, then its last 10 days swing ±3%: its volatility is at the top of its own history.
    const up = (d: number): number => 100 * Math.exp(0.004 * d) * (d >= days - 10 ? 1 + 0.03 * (d % 2 === 0 ? 1 : -1) : 1 + 0.001 * Math.sin(d));
    const calm = (d: number): number => 100 * Math.exp(0.003 * d) * (1 + 0.001 * Math.sin(d));
    const down = (d: number): number => 100 * Math.exp(-0.003 * d);
    const h = history({ UP: up, CALM: calm, DOWN: down }, days);
    const alpha = new TacticalRegimeAlpha('tac', p);
    const sigs = alpha.generate(createAlphaView(h, new SimClock(T0 + days * DAY)));
    const by = Object.fromEntries(sigs.map((s) => [s.instrument, s]));
    expect(by.UP!.inputs.regime).toBe('high');
    expect(by.CALM!.inputs.regime).toBe('normal');
    expect(by.UP!.value).toBeCloseTo(0.5 * 0.5, 12);
    expect(by.CALM!.value).toBeCloseTo(0.5, 12);
    expect(by.DOWN!.value).toBe(0);
    expect(by.DOWN!.inputs.held).toBe(false);
    expect(sigs.every((s) => s.horizonMs === 14 * DAY && s.conviction >= 0 && s.conviction <= 1)).toBe(true);
  });

  it('when topN is 1 then only the strongest momentum is held, with the whole gross exposure', () => {
    const h = history({ A: (d) => 100 * Math.exp(0.002 * d), B: (d) => 100 * Math.exp(0.005 * d) }, 120);
    const alpha = new TacticalRegimeAlpha('tac', tacticalRegimeSchema.parse({ ...p, topN: 1, highVolPercentile: 1.0, grossExposure: 0.8 }));
    const sigs = alpha.generate(createAlphaView(h, new SimClock(T0 + 120 * DAY)));
    expect(sigs.map((s) => [s.instrument, s.value])).toEqual([
      ['A', 0],
      ['B', 0.8],
    ]);
  });
});
