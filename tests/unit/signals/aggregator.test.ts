import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../../src/signals/aggregator.ts';
import type { AlphaSignals } from '../../../src/signals/aggregator.ts';
import type { Signal } from '../../../src/signals/signal.ts';

const sig = (alpha: string, instrument: string, value: number, conviction: number, extra: Partial<Signal> = {}): Signal => ({
  instrument, kind: 'target', value, urgency: 'medium', horizonMs: null, alpha, conviction, expectedReturn: null, time: 0, inputs: {}, ...extra,
});

describe('aggregate: conviction × alpha weight per instrument', () => {
  it('when two alphas with weights 3 and 1 target the same instrument then each contributes share × conviction × target', () => {
    const a = aggregate(
      [
        { alpha: 'A', weight: 3, signals: [sig('A', 'SPY', 1, 0.5)] },
        { alpha: 'B', weight: 1, signals: [sig('B', 'SPY', 0.4, 1, { urgency: 'high' }), sig('B', 'CASH', 0.6, 1)] },
      ],
      42,
    );
    const spy = a.targets.find((t) => t.instrument === 'SPY')!;
    expect(spy.contributions.map((c) => [c.alpha, c.share, c.contribution])).toEqual([
      ['A', 0.75, 0.375],
      ['B', 0.25, 0.1],
    ]);
    expect(spy.target).toBeCloseTo(0.475, 15);
    expect(spy.support).toBeCloseTo(0.625, 15);
    expect(spy.urgency).toBe('high');
    // CASH listed explicitly is not invested: the implicit cash is 1 − Σ non-CASH targets.
    expect(a.cash).toBeCloseTo(0.525, 15);
    expect(a.targets.map((t) => t.instrument)).toEqual(['CASH', 'SPY']);
    expect(a.at).toBe(42);
  });

  it('when two alphas each want all of a different instrument then the book splits by weight, not 200%', () => {
    const a = aggregate(
      [
        { alpha: 'A', weight: 1, signals: [sig('A', 'X', 1, 1)] },
        { alpha: 'B', weight: 1, signals: [sig('B', 'Y', 1, 1)] },
      ],
      0,
    );
    expect(a.targets.map((t) => t.target)).toEqual([0.5, 0.5]);
    expect(a.cash).toBe(0);
  });

  it('when deltas and expected returns are given then deltas add up separately and the expected return is support-weighted', () => {
    const a = aggregate(
      [
        { alpha: 'A', weight: 1, signals: [sig('A', 'X', 0.2, 1, { kind: 'delta', expectedReturn: 0.01, horizonMs: 5_000 })] },
        { alpha: 'B', weight: 1, signals: [sig('B', 'X', -0.1, 0.5, { kind: 'delta', expectedReturn: -0.02, horizonMs: 3_000 })] },
      ],
      0,
    );
    const x = a.targets[0]!;
    expect(x.target).toBeNull();
    expect(x.delta).toBeCloseTo(0.5 * 0.2 - 0.5 * 0.5 * 0.1, 15);
    expect(x.expectedReturn).toBeCloseTo((0.5 * 0.01 + 0.25 * -0.02) / 0.75, 15);
    expect(x.horizonMs).toBe(3_000);
  });

  it('when every weight is 0 then nothing is targeted; a negative weight is refused', () => {
    expect(aggregate([{ alpha: 'A', weight: 0, signals: [sig('A', 'X', 1, 1)] }], 0).targets[0]!.target).toBe(0);
    expect(() => aggregate([{ alpha: 'A', weight: -1, signals: [] }], 0)).toThrow(RangeError);
  });

  const book = fc.array(
    fc.record({
      weight: fc.double({ min: 0.01, max: 10, noNaN: true }),
      signals: fc.array(fc.tuple(fc.constantFrom('X', 'Y', 'Z', 'CASH'), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 5 },
  );
  const build = (b: typeof book extends fc.Arbitrary<infer T> ? T : never, conv: (c: number, i: number, j: number) => number): AlphaSignals[] =>
    b.map((a, i) => ({ alpha: `A${i}`, weight: a.weight, signals: a.signals.map(([inst, v, c, delta], j) => sig(`A${i}`, inst, v, conv(c, i, j), { kind: delta ? 'delta' : 'target' })) }));
  const totals = (xs: AlphaSignals[]) => new Map(aggregate(xs, 0).targets.map((t) => [t.instrument, [t.target ?? 0, t.delta]]));

  it('property: the combined target and delta are linear in conviction (scaling and mixing)', () => {
    fc.assert(
      fc.property(book, fc.double({ min: 0, max: 1, noNaN: true }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 30, maxLength: 30 }), (b, k, other) => {
        const c2 = (_c: number, i: number, j: number): number => other[(i * 6 + j) % 30]!;
        const base = totals(build(b, (c) => c));
        const alt = totals(build(b, c2));
        // f(k·c1 + (1−k)·c2) = k·f(c1) + (1−k)·f(c2)
        const mixed = totals(build(b, (c, i, j) => k * c + (1 - k) * c2(c, i, j)));
        for (const [inst, [t, d]] of mixed) {
          const [t1, d1] = base.get(inst)!;
          const [t2, d2] = alt.get(inst)!;
          expect(t).toBeCloseTo(k * t1! + (1 - k) * t2!, 9);
          expect(d).toBeCloseTo(k * d1! + (1 - k) * d2!, 9);
        }
        // Zero conviction everywhere: nothing is combined.
        for (const [t, d] of totals(build(b, () => 0)).values()) expect(Math.abs(t!) + Math.abs(d!)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('property: the contributions of an instrument sum to its combined target and delta', () => {
    fc.assert(
      fc.property(book, (b) => {
        for (const t of aggregate(build(b, (c) => c), 0).targets) {
          const sumT = t.contributions.filter((c) => c.kind === 'target').reduce((s, c) => s + c.contribution, 0);
          const sumD = t.contributions.filter((c) => c.kind === 'delta').reduce((s, c) => s + c.contribution, 0);
          expect(t.target ?? 0).toBeCloseTo(sumT, 12);
          expect(t.delta).toBeCloseTo(sumD, 12);
        }
      }),
    );
  });
});
