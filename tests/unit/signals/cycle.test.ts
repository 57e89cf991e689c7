import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/core/clock.ts';
import { baseShape, defineAlpha, isDue } from '../../../src/signals/alpha.ts';
import type { Alpha } from '../../../src/signals/alpha.ts';
import { BUILT_IN_ALPHAS, defaultAlphaRegistry } from '../../../src/signals/registry.ts';
import { SignalCycle } from '../../../src/signals/cycle.ts';
import { MemorySignalJournal } from '../../../src/signals/journal.ts';
import type { Signal } from '../../../src/signals/signal.ts';
import { createAlphaView } from '../../../src/signals/view.ts';
import type { AlphaView } from '../../../src/signals/view.ts';
import { syntheticHistory } from '../../fixtures/signals/bars.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);

/** A test alpha whose behaviour is a function of the view, registered as its own kind. */
function probeKind(behave: (view: AlphaView, name: string) => Signal[]) {
  return defineAlpha('probe', 'test probe', z.strictObject({ ...baseShape({ weight: 1, cadence: 'bar', urgency: 'medium' }) }), (name, params): Alpha => ({
    name,
    kind: 'probe',
    params,
    generate: (view) => behave(view, name),
  }));
}

const target = (name: string, instrument: string, value: number, now: number, extra: Partial<Signal> = {}): Signal => ({
  instrument, kind: 'target', value, urgency: 'medium', horizonMs: null, alpha: name, conviction: 1, expectedReturn: null, time: now, inputs: { why: 'test' }, ...extra,
});

function setup(days = 300, extraKinds = [] as ReturnType<typeof probeKind>[]) {
  const { history, symbols } = syntheticHistory(4, days, 3, T0);
  const clock = new SimClock(T0);
  let weights: Record<string, number> = {};
  const view = createAlphaView(history, clock, () => weights);
  const registry = defaultAlphaRegistry([...BUILT_IN_ALPHAS, ...extraKinds]);
  const journal = new MemorySignalJournal();
  const cycle = new SignalCycle(registry, view, journal);
  return { history, symbols, clock, view, registry, journal, cycle, setWeights: (w: Record<string, number>) => (weights = w) };
}

describe('isDue', () => {
  it('when the cadence is calendar-based then it is due once per UTC day, ISO week (Monday) or month', () => {
    const mon = Date.UTC(2024, 0, 1, 9); // a Monday
    expect(isDue('daily', mon, mon + 10 * 3_600_000)).toBe(false);
    expect(isDue('daily', mon, mon + 15 * 3_600_000)).toBe(true);
    expect(isDue('weekly', mon, mon + 6 * DAY)).toBe(false);
    expect(isDue('weekly', mon + 6 * DAY, mon + 7 * DAY)).toBe(true);
    expect(isDue('monthly', Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 1))).toBe(true);
    expect(isDue('monthly', Date.UTC(2024, 1, 1), Date.UTC(2024, 1, 29))).toBe(false);
    expect(isDue({ everyMs: 1000 }, 0, 999)).toBe(false);
    expect(isDue('bar', 5, 5)).toBe(false);
    expect(isDue('monthly', undefined, 0)).toBe(true);
  });
});

describe('SignalCycle', () => {
  it('when run daily then each alpha runs on its own cadence and the standing intent of the others is aggregated', () => {
    const { clock, registry, cycle, symbols } = setup(300);
    registry.set('strategic', 'targets', JSON.stringify({ [symbols[0]!]: 0.5, CASH: 0.5 }));
    registry.set('strategic', 'weight', '1');
    registry.enable('sma-cross');
    registry.set('sma-cross', 'mode', 'state');
    registry.set('sma-cross', 'slow', '20');
    const ranBy = new Map<string, number>();
    let last;
    for (let d = 1; d <= 90; d++) {
      clock.advanceTo(T0 + d * DAY);
      last = cycle.run();
      for (const a of last.ran) ranBy.set(a, (ranBy.get(a) ?? 0) + 1);
    }
    // 90 days from 2020-01-02: January, February, March → 3 monthly runs (the first on day one).
    expect(ranBy.get('strategic')).toBe(3);
    expect(ranBy.get('sma-cross')).toBe(90);
    expect(last!.aggregate.totalWeight).toBe(2);
    const first = last!.aggregate.targets.find((t) => t.instrument === symbols[0])!;
    expect(first.contributions.map((c) => c.alpha).sort()).toEqual(['sma-cross', 'strategic']);
    expect(first.target).toBeCloseTo(first.contributions.reduce((s, c) => s + c.contribution, 0), 15);
  });

  it('when an alpha is disabled then its intent leaves the aggregate; when a parameter is set then it is due at once', () => {
    const { clock, registry, cycle } = setup(60);
    clock.advanceTo(T0 + 40 * DAY);
    expect(cycle.run().ran).toEqual(['strategic']);
    clock.advanceTo(T0 + 41 * DAY);
    const held = cycle.run();
    expect(held.ran).toEqual([]);
    expect(held.aggregate.targets.find((t) => t.instrument === 'SPY')!.target).toBeCloseTo(0.25, 15);
    registry.set('strategic', 'targets', '{"SPY":0.2,"CASH":0.8}');
    clock.advanceTo(T0 + 41 * DAY + 1);
    const rerun = cycle.run();
    expect(rerun.ran).toEqual(['strategic']);
    expect(rerun.aggregate.targets.find((t) => t.instrument === 'SPY')!.target).toBeCloseTo(0.2, 15);
    // current() aggregates the standing intent without running anything or journaling.
    expect(cycle.current().targets).toEqual(rerun.aggregate.targets);
    registry.disable('strategic');
    expect(cycle.current().targets).toEqual([]);
    expect(cycle.run().aggregate.targets).toEqual([]);
  });

  it('when a holding drifts past the threshold then the strategic allocation runs off-cadence', () => {
    const { clock, cycle, setWeights } = setup(60);
    clock.advanceTo(T0 + 10 * DAY);
    expect(cycle.run().ran).toEqual(['strategic']);
    clock.advanceTo(T0 + 11 * DAY);
    setWeights({ SPY: 0.27, 'BTC/USDT': 0.05, 'ETH/USDT': 0.05, CASH: 0.63 });
    expect(cycle.run().ran).toEqual([]);
    setWeights({ SPY: 0.35, 'BTC/USDT': 0.05, 'ETH/USDT': 0.05, CASH: 0.55 });
    expect(cycle.run().ran).toEqual(['strategic']);
  });

  it('when a target has a horizon then it stands until it ends; a delta counts only in its own cycle', () => {
    let emit = true;
    const kind = probeKind((view, name) => (emit ? [target(name, 'X', 1, view.now(), { horizonMs: 2 * DAY }), target(name, 'Y', 0.5, view.now(), { kind: 'delta' })] : []));
    const { clock, registry, cycle } = setup(10, [kind]);
    registry.disable('strategic');
    registry.add('p', 'probe');
    clock.advanceTo(T0 + DAY);
    const c1 = cycle.run();
    expect(c1.aggregate.targets.map((t) => [t.instrument, t.target, t.delta])).toEqual([
      ['X', 1, 0],
      ['Y', null, 0.5],
    ]);
    emit = false;
    clock.advanceTo(T0 + 2 * DAY);
    expect(cycle.run().aggregate.targets.map((t) => [t.instrument, t.target, t.delta])).toEqual([['X', 1, 0]]);
    clock.advanceTo(T0 + 3 * DAY);
    expect(cycle.run().aggregate.targets).toEqual([]);
  });

  it('when an alpha throws or emits a malformed signal then the cycle reports it and the others still run', () => {
    const boom = defineAlpha('boom', 'throws', z.strictObject({ ...baseShape({ weight: 1, cadence: 'bar', urgency: 'low' }) }), (name, params) => ({
      name,
      kind: 'boom',
      params,
      generate: () => {
        throw new Error('model diverged');
      },
    }));
    const liar = probeKind((view, name) => [target(name, 'X', 1, view.now(), { conviction: 1.5 })]);
    const { clock, registry, cycle, journal } = setup(10, [boom, liar]);
    registry.add('b', 'boom');
    registry.add('l', 'probe');
    clock.advanceTo(T0 + 5 * DAY);
    const c = cycle.run();
    expect(c.ran).toEqual(['strategic']);
    expect(c.failed).toEqual([
      { alpha: 'b', code: 'ALPHA_FAILED', message: 'model diverged' },
      { alpha: 'l', code: 'BAD_INPUT', message: expect.stringContaining('conviction 1.5') },
    ]);
    expect(journal.lastCycle()!.failed).toHaveLength(2);
    // The failing alphas still count in the weights: their sleeves stay in cash.
    expect(c.aggregate.totalWeight).toBe(3);
  });

  it('when cycles run then every signal is journaled with its id, cycle and inputs, newest first', () => {
    const { clock, registry, cycle, journal } = setup(300);
    registry.enable('tactical');
    registry.set('tactical', 'lookback', '120');
    registry.set('tactical', 'trendPeriod', '100');
    registry.set('tactical', 'volHistory', '100');
    clock.advanceTo(T0 + 200 * DAY);
    const c1 = cycle.run();
    expect(c1.id).toBe('C-1');
    expect(c1.signals.map((s) => s.id)).toEqual(c1.signals.map((_, i) => `C-1-${i + 1}`));
    const tac = journal.signals({ alpha: 'tactical' });
    expect(tac).toHaveLength(4);
    expect(tac[0]!.inputs).toHaveProperty('momentum');
    expect(tac[0]!.cycleId).toBe('C-1');
    clock.advanceTo(T0 + 200 * DAY + 3_600_000);
    expect(cycle.run().signals).toEqual([]);
    expect(journal.cycles().map((c) => c.id)).toEqual(['C-2', 'C-1']);
    expect(journal.signals({ instrument: 'SPY', limit: 1 })[0]!.alpha).toBe('strategic');
    // What was journaled cannot be changed through what a caller got back.
    expect(() => {
      journal.lastCycle()!.signals.length = 0;
    }).toThrow(TypeError);
    expect(() => {
      (c1.signals[0]!.inputs as Record<string, unknown>).momentum = 1;
    }).toThrow(TypeError);
    expect(journal.cycles(1)[0]!.id).toBe('C-2');
    expect(journal.signals({ alpha: 'tactical' })).toHaveLength(4);
  });

  it('when a backtest loads the whole history up front then no alpha ever sees a bar that has not closed', () => {
    const seen: number[] = [];
    const spy = probeKind((view) => {
      for (const s of view.symbols()) seen.push(view.bars(s).reduce((m, b) => Math.max(m, b.closeTime), 0) - view.now());
      return [];
    });
    const { clock, registry, cycle } = setup(120, [spy]);
    registry.add('spy', 'probe');
    for (const name of ['tactical', 'sma-cross', 'model']) registry.enable(name);
    registry.set('tactical', 'lookback', '40');
    registry.set('tactical', 'trendPeriod', '30');
    registry.set('tactical', 'volHistory', '30');
    for (let t = T0; t <= T0 + 130 * DAY; t += DAY / 3) {
      clock.advanceTo(t);
      cycle.run();
    }
    expect(seen.length).toBeGreaterThan(300);
    expect(Math.max(...seen)).toBeLessThanOrEqual(0);
  });
});
