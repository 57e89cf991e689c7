import { describe, expect, it } from 'vitest';
import { freezeCycle } from '../../../src/signals/journal.ts';
import type { CycleRecord } from '../../../src/signals/journal.ts';

/** Every object and array reachable from `v` (own enumerable properties). */
function reachable(v: unknown, out: object[] = []): object[] {
  if (v === null || typeof v !== 'object') return out;
  out.push(v);
  for (const x of Object.values(v)) reachable(x, out);
  return out;
}

describe('freezeCycle', () => {
  it('when a cycle record is frozen then every object and array in it is, down to each signal input and contribution', () => {
    const rec = {
      id: 'C-1',
      seq: 1,
      at: 60_000,
      ran: ['strategic'],
      failed: [{ alpha: 'x', code: 'ALPHA_FAILED', message: 'boom' }],
      signals: [
        { instrument: 'SPY', kind: 'target', value: 0.25, urgency: 'low', horizonMs: null, alpha: 'strategic', conviction: 1, expectedReturn: null, time: 60_000, inputs: { policyWeight: 0.25, window: [1, 2, 3] }, id: 'C-1-1', cycleId: 'C-1' },
      ],
      aggregate: { at: 60_000, totalWeight: 1, cash: 0.75, targets: [{ instrument: 'SPY', target: 0.25, delta: 0, support: 1, expectedReturn: null, urgency: 'low', horizonMs: null, contributions: [{ alpha: 'strategic', kind: 'target', value: 0.25, conviction: 1, alphaWeight: 1, share: 1, contribution: 0.25, expectedReturn: null, urgency: 'low', time: 60_000 }] }] },
    } as unknown as CycleRecord;
    const all = reachable(rec);
    expect(all.length).toBe(13);
    expect(freezeCycle(rec)).toBe(rec);
    for (const o of all) expect(Object.isFrozen(o)).toBe(true);
  });
});
