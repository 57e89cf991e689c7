import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../../../src/backtest/run-spec.ts';
import { assumptionsOf, codedError } from '../../../src/host/backtest-assumptions.ts';

const bar: RunSpec = { strategy: 'sma-cross', params: { fast: 10, slow: 30 }, fidelity: 'bar', cash: '100000', commission: '0.001', sizing: { kind: 'all-in' }, haircutBps: 0, seed: 42, instrument: 'ORCL' };
const tape: RunSpec = { ...bar, fidelity: 'l3', cash: '20', sizing: { kind: 'fixed', qty: '3000' }, instrument: 'XRP/ETH', barMs: 60_000, urgency: 'immediate', latencyMs: 4, seed: 3 };

describe('a kept run’s assumptions (backtest.show)', () => {
  it('when an L3 run kept the desk guards on then they read on; kept without them, off; below L3, not applicable', () => {
    expect(assumptionsOf({ ...tape, deskGuards: true }).deskGuards).toBe(true);
    expect(assumptionsOf(tape).deskGuards).toBe(false);
    expect(assumptionsOf(bar).deskGuards).toBeNull();
    expect(assumptionsOf({ ...tape, fidelity: 'l2' }).deskGuards).toBeNull();
  });

  it('when the run is on a tape then its cash is in the tape’s quote currency, with its bar, urgency, latency and seed; on bars no currency is claimed', () => {
    expect(assumptionsOf(tape)).toMatchObject({ cash: '20', currency: 'ETH', sizing: 'fixed:3000', barMs: 60_000, urgency: 'immediate', latencyMs: 4, seed: 3 });
    expect(assumptionsOf(bar)).toMatchObject({ cash: '100000', currency: null, sizing: 'all-in', barMs: null, latencyMs: null, seed: 42 });
  });

  it('when a job fails then its error carries a code first, kept when the worker gave one', () => {
    expect(codedError('CANCELLED: the run was stopped')).toBe('CANCELLED: the run was stopped');
    expect(codedError('worker ran out of memory')).toBe('BACKTEST_FAILED: worker ran out of memory');
  });
});
