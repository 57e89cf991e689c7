import { describe, expect, it } from 'vitest';
import type { Aggregate } from '../../../../src/signals/aggregator.ts';
import type { Signal } from '../../../../src/signals/signal.ts';
import { decodeAggregate, encodeAggregate } from '../../../../src/store/sqlite/signal-codec.ts';

const T = Date.UTC(2024, 0, 2);
const agg: Aggregate = {
  at: T,
  totalWeight: 3,
  targets: [
    {
      instrument: 'CASH',
      target: 0.13333333333333333,
      delta: 0,
      support: 0.3333333333333333,
      expectedReturn: null,
      urgency: 'low',
      horizonMs: null,
      contributions: [
        { alpha: 'strategic', kind: 'target', value: 0.4, conviction: 1, alphaWeight: 1, share: 0.3333333333333333, contribution: 0.13333333333333333, expectedReturn: null, urgency: 'low', time: T },
      ],
    },
    {
      instrument: 'S001',
      target: null,
      delta: -0.0125,
      support: 0.25,
      expectedReturn: 0.004,
      urgency: 'high',
      horizonMs: 86_400_000,
      contributions: [
        { alpha: 'model', kind: 'delta', value: -0.05, conviction: 0.75, alphaWeight: 1, share: 0.3333333333333333, contribution: -0.0125, expectedReturn: 0.004, urgency: 'high', time: T },
      ],
    },
  ],
  cash: 1,
};

/** The cycle's own signals: the model's delta is one of them, the strategic CASH target stood from an earlier cycle. */
const signals: Signal[] = [
  { instrument: 'S000', kind: 'target', value: 0.2, urgency: 'low', horizonMs: null, alpha: 'strategic', conviction: 1, expectedReturn: null, time: T, inputs: {} },
  { instrument: 'S001', kind: 'delta', value: -0.05, urgency: 'high', horizonMs: 86_400_000, alpha: 'model', conviction: 0.75, expectedReturn: 0.004, time: T, inputs: { coefficients: [0.1, -0.2] } },
];

describe('stored form of a cycle aggregate', () => {
  it('when an aggregate is encoded then it is JSON arrays and decodes to the same objects with the same key order', () => {
    const text = encodeAggregate(agg, signals);
    expect(text.startsWith('[')).toBe(true);
    expect(text).not.toContain('"contribution"');
    const back = decodeAggregate(text, signals);
    expect(back).toEqual(agg);
    expect(JSON.stringify(back)).toBe(JSON.stringify(agg));
  });

  it('when a contribution copies one of the cycle\'s signals then it is stored as a reference to it, else in full', () => {
    const rows = (JSON.parse(encodeAggregate(agg, signals)) as [number, number, number, [string, ...unknown[]][]])[3];
    const contributionsOf = (instrument: string): unknown[][] => rows.find((r) => r[0] === instrument)![7] as unknown[][];
    expect(contributionsOf('S001')).toEqual([[1, 1, 0.3333333333333333, -0.0125]]);
    expect(contributionsOf('CASH')[0]).toHaveLength(10);
  });

  it('when the cycle\'s signal differs in any copied field then the contribution is stored in full', () => {
    const changed = signals.map((s) => (s.alpha === 'model' ? { ...s, conviction: 0.5 } : s));
    const text = encodeAggregate(agg, changed);
    expect(decodeAggregate(text, changed)).toEqual(agg);
    expect(text).toContain('"model"');
  });

  it('when the aggregate has a field the stored form does not know then it is kept as a JSON object', () => {
    const extra = { ...agg, note: 'later field' } as Aggregate;
    const text = encodeAggregate(extra, signals);
    expect(text.startsWith('{')).toBe(true);
    expect(decodeAggregate(text, signals)).toEqual(extra);
  });

  it('when a row holds the JSON object an earlier journal wrote then it decodes as is', () => {
    expect(decodeAggregate(JSON.stringify(agg), signals)).toEqual(agg);
  });

  it('when there are no targets then it round-trips', () => {
    const empty: Aggregate = { at: T, totalWeight: 0, targets: [], cash: 1 };
    expect(decodeAggregate(encodeAggregate(empty, []), [])).toEqual(empty);
  });
});
