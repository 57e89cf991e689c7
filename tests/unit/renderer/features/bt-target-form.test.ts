import { describe, expect, it } from 'vitest';
import { backtestSchemas } from '../../../../src/contract/api/backtest.ts';
import { requestSizing, targetForm } from '../../../../renderer/src/features/backtest/bt-format.ts';

/** The Backtest form for a target strategy (flagged by the host in backtest.data) against a bar strategy. */
describe('Backtest screen: the form for a target strategy', () => {
  const tactical = { name: 'tactical', description: 'tactical regime', defaults: {}, target: true as const };
  const sma = { name: 'sma-cross', description: 'SMA crossover', defaults: { fast: 10, slow: 30 } };
  const base = { data: 'ORCL', strategy: 'tactical', params: {}, cash: '100000', commission: 0.001, haircutBps: 0 };

  it('when a bar strategy (or none yet) is picked then the form is as it was: the typed sizing is sent, nothing is refused', () => {
    expect(targetForm(sma)).toBeNull();
    expect(targetForm(undefined)).toBeNull();
    expect(requestSizing(null, 'fixed:10')).toEqual({ sizing: 'fixed:10' });
  });

  it('when a target strategy is picked then Sizing reads target with why, and the comparison and sweep say why they are off', () => {
    const t = targetForm(tactical)!;
    expect(t.sizingValue).toBe('target');
    expect(t.sizingTitle).toMatch(/rebalancer sizes its orders/);
    // The hints name the CLI that runs the fidelities, and what sweeps run instead.
    expect(t.fidelitiesHint).toContain('strata backtest fidelities --strategy tactical');
    expect(t.sweepHint).toMatch(/sweeps run sma-cross and peek-ahead/);
  });

  it('when a target strategy is picked then the request sends no sizing, which the contract takes (it refuses target)', () => {
    const sent = { ...base, ...requestSizing(targetForm(tactical), 'all-in'), fidelity: 'l2' };
    expect(sent).not.toHaveProperty('sizing');
    expect(backtestSchemas['backtest.run'].safeParse(sent).success).toBe(true);
    // Sending the field's text instead would be refused: the contract's pattern is all-in or fixed:N.
    expect(backtestSchemas['backtest.run'].safeParse({ ...sent, sizing: 'target' }).success).toBe(false);
  });
});
