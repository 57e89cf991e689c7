import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/core/clock.ts';
import { baseShape, defineAlpha } from '../../../src/signals/alpha.ts';
import type { Alpha } from '../../../src/signals/alpha.ts';
import { BUILT_IN_ALPHAS, defaultAlphaRegistry } from '../../../src/signals/registry.ts';
import { SignalCycle } from '../../../src/signals/cycle.ts';
import { MemorySignalJournal } from '../../../src/signals/journal.ts';
import type { Signal } from '../../../src/signals/signal.ts';
import { createAlphaView } from '../../../src/signals/view.ts';
import { syntheticHistory } from '../../fixtures/signals/bars.ts';

const DAY = 86_400_000;
const MIN = 60_000;
/** Mid-month, so that a few days of minute cycles stay inside one monthly period. */
const T0 = Date.UTC(2020, 0, 10);
/** Drifted far from the default policy: the strategic allocation is triggered every cycle. */
const DRIFTED = { CASH: 1 };

function setup(kinds: ReturnType<typeof defineAlpha>[] = []) {
  const { history } = syntheticHistory(4, 30, 3, T0 - 30 * DAY);
  const clock = new SimClock(T0);
  let weights: Record<string, number> = DRIFTED;
  const view = createAlphaView(history, clock, () => weights);
  const registry = defaultAlphaRegistry([...BUILT_IN_ALPHAS, ...kinds]);
  const cycle = new SignalCycle(registry, view, new MemorySignalJournal());
  return { clock, registry, cycle, setWeights: (w: Record<string, number>) => (weights = w) };
}

/** A repeatable probe that emits one target with these extras. */
const probe = (extra: Partial<Signal>) =>
  defineAlpha('probe', 'test probe', z.strictObject({ ...baseShape({ weight: 1, cadence: 'monthly', urgency: 'low' }) }), (name, params): Alpha => ({
    name,
    kind: 'probe',
    params,
    repeatable: true,
    triggered: () => true,
    generate: (view) => [{ instrument: 'X', kind: 'target', value: 0.1, urgency: 'low', horizonMs: null, alpha: name, conviction: 1, expectedReturn: null, time: view.now(), inputs: {}, ...extra }],
  }));

describe('SignalCycle.canRepeat / repeat (quiet cycles)', () => {
  it('when the last run was only triggered restatements then the next may be repeated, leaving the state a run leaves', () => {
    const full = setup();
    const quiet = setup();
    for (const t of [full, quiet]) {
      t.clock.advanceTo(T0 + MIN);
      t.cycle.run(); // by cadence (first run): not repeatable
      t.clock.advanceTo(T0 + 2 * MIN);
    }
    expect(quiet.cycle.canRepeat()).toBe(false);
    for (const t of [full, quiet]) {
      t.cycle.run(); // triggered by the drift only
      t.clock.advanceTo(T0 + 3 * MIN);
    }
    expect(quiet.cycle.canRepeat()).toBe(true);
    expect(quiet.cycle.repeat()).toEqual(['strategic']);
    expect(full.cycle.run().ran).toEqual(['strategic']);
    // The standing intent now is the run's: same signals, stamped now.
    expect(quiet.cycle.current()).toEqual(full.cycle.current());
    expect(quiet.cycle.current().targets[0]!.contributions[0]!.time).toBe(T0 + 3 * MIN);
  });

  it('when the month turns then the alpha is due by cadence and the cycle runs', () => {
    const t = setup();
    const endOfMonth = Date.UTC(2020, 0, 31, 23, 58);
    t.clock.advanceTo(endOfMonth - MIN);
    t.cycle.run();
    t.clock.advanceTo(endOfMonth);
    t.cycle.run();
    t.clock.advanceTo(endOfMonth + MIN);
    expect(t.cycle.canRepeat()).toBe(true);
    t.clock.advanceTo(Date.UTC(2020, 1, 1));
    expect(t.cycle.canRepeat()).toBe(false);
  });

  it('when a parameter changes, an alpha failed, a signal has a horizon or is a delta, or an alpha is not repeatable then the cycle runs', () => {
    const base = setup();
    base.clock.advanceTo(T0 + MIN);
    base.cycle.run();
    base.clock.advanceTo(T0 + 2 * MIN);
    base.cycle.run();
    base.registry.set('strategic', 'urgency', 'high');
    expect(base.cycle.canRepeat()).toBe(false);

    for (const extra of [{ horizonMs: DAY }, { kind: 'delta' as const }, { conviction: 2 }]) {
      const t = setup([probe(extra)]);
      t.registry.disable('strategic');
      t.registry.add('p', 'probe');
      for (let i = 1; i <= 3; i++) {
        t.clock.advanceTo(T0 + i * MIN);
        t.cycle.run();
      }
      expect(t.cycle.canRepeat()).toBe(false);
    }
    const plain = setup([probe({})]);
    plain.registry.disable('strategic');
    plain.registry.add('p', 'probe');
    for (let i = 1; i <= 3; i++) {
      plain.clock.advanceTo(T0 + i * MIN);
      plain.cycle.run();
    }
    expect(plain.cycle.canRepeat()).toBe(true);
    plain.registry.enable('sma-cross'); // not repeatable
    expect(plain.cycle.canRepeat()).toBe(false);
  });
});
