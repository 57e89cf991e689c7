import { describe, expect, it } from 'vitest';
import { TradingState, permits } from '../../../src/risk/trading-state.ts';
import type { StateCause, TradingAction, TradingMode } from '../../../src/risk/trading-state.ts';

const op: StateCause = { source: 'operator', code: 'OPERATOR', message: 'desk says so', actor: 'alice' };
const T0 = Date.UTC(2026, 0, 5, 14, 30);

describe('permits: what each mode lets through', () => {
  const actions: [string, TradingAction][] = [
    ['a cancel', { kind: 'cancel' }],
    ['a reducing order', { kind: 'new', reducing: true }],
    ['an increasing order', { kind: 'new', reducing: false }],
    ['an amendment that only reduces', { kind: 'amend', increases: false, reducing: false }],
    ['an amendment that increases', { kind: 'amend', increases: true, reducing: false }],
  ];
  const expected: Record<TradingMode, string[]> = {
    ACTIVE: ['ok', 'ok', 'ok', 'ok', 'ok'],
    REDUCING: ['ok', 'ok', 'REDUCING_ONLY', 'ok', 'REDUCING_ONLY'],
    HALTED: ['ok', 'TRADING_HALTED', 'TRADING_HALTED', 'ok', 'TRADING_HALTED'],
  };
  it.each(Object.entries(expected))('when %s then cancels always pass and the rest as the mode says', (mode, results) => {
    expect(actions.map(([, a]) => {
      const p = permits(mode as TradingMode, a);
      return p.ok ? 'ok' : p.code;
    })).toEqual(results);
  });
});

describe('TradingState', () => {
  it('when fresh then it is ACTIVE with nothing to resume', () => {
    const s = new TradingState();
    expect(s.mode).toBe('ACTIVE');
    expect(s.current).toBeUndefined();
    expect(s.resumeToken()).toBeNull();
  });

  it('when tightened then the transition carries its cause, time and a sequence number', () => {
    const s = new TradingState();
    const r = s.tighten('REDUCING', op, T0);
    expect(r).toEqual({ ok: true, transition: { seq: 1, from: 'ACTIVE', to: 'REDUCING', at: T0, cause: op, killSwitch: false } });
    expect(s.tighten('HALTED', op, T0 + 1)).toMatchObject({ ok: true, transition: { seq: 2, from: 'REDUCING', to: 'HALTED' } });
    expect(s.mode).toBe('HALTED');
  });

  it('when tightening to the same mode then nothing happens; to a looser mode then CONFIRM_REQUIRED', () => {
    const s = new TradingState();
    s.tighten('REDUCING', op, T0);
    expect(s.tighten('REDUCING', op, T0 + 1)).toEqual({ ok: true, transition: null });
    expect(s.tighten('ACTIVE', op, T0 + 1)).toMatchObject({ ok: false, code: 'CONFIRM_REQUIRED' });
    expect(s.mode).toBe('REDUCING');
  });

  it('when the kill switch is pressed then HALTED at once and the caller is told to cancel everything, every time', () => {
    const s = new TradingState();
    const k = s.killSwitch({ source: 'operator', code: 'KILL_SWITCH', message: 'panic' }, T0);
    expect(k.cancelAll).toBe(true);
    expect(k.transition).toMatchObject({ to: 'HALTED', killSwitch: true });
    expect(s.killSwitch({ source: 'operator', code: 'KILL_SWITCH', message: 'again' }, T0 + 1)).toEqual({ transition: null, cancelAll: true });
  });

  it('when resuming then the current confirmation token is required', () => {
    const s = new TradingState();
    s.killSwitch(op, T0);
    const token = s.resumeToken()!;
    expect(token).toBe('RESUME-HALTED-1');
    expect(s.resume('ACTIVE', undefined, op, T0 + 1)).toMatchObject({ ok: false, code: 'CONFIRM_REQUIRED' });
    expect(s.resume('ACTIVE', 'yes', op, T0 + 1)).toMatchObject({ ok: false, code: 'BAD_CONFIRMATION' });
    expect(s.mode).toBe('HALTED');
    expect(s.resume('REDUCING', token, op, T0 + 2)).toMatchObject({ ok: true, transition: { from: 'HALTED', to: 'REDUCING', seq: 2 } });
    expect(s.resume('ACTIVE', s.resumeToken()!, op, T0 + 3)).toMatchObject({ ok: true, transition: { to: 'ACTIVE' } });
    expect(s.resumeToken()).toBeNull();
  });

  it('when a token was read before a newer halt then it no longer resumes', () => {
    const s = new TradingState();
    s.tighten('REDUCING', op, T0);
    const stale = s.resumeToken()!;
    s.tighten('HALTED', op, T0 + 1);
    expect(s.resume('ACTIVE', stale, op, T0 + 2)).toMatchObject({ ok: false, code: 'BAD_CONFIRMATION' });
  });

  it('when a resume does not loosen then NOT_A_RESUME', () => {
    const s = new TradingState();
    s.tighten('REDUCING', op, T0);
    expect(s.resume('HALTED', s.resumeToken()!, op, T0)).toMatchObject({ ok: false, code: 'NOT_A_RESUME' });
    expect(s.resume('REDUCING', s.resumeToken()!, op, T0)).toMatchObject({ ok: false, code: 'NOT_A_RESUME' });
  });

  it('when restored from the last logged transition then the mode and sequence continue', () => {
    const s = new TradingState({ seq: 7, from: 'ACTIVE', to: 'HALTED', at: T0, cause: op, killSwitch: true });
    expect(s.mode).toBe('HALTED');
    expect(s.permits({ kind: 'new', reducing: true }).ok).toBe(false);
    expect(s.permits({ kind: 'cancel' }).ok).toBe(true);
    expect(s.resume('ACTIVE', 'RESUME-HALTED-7', op, T0 + 1)).toMatchObject({ ok: true, transition: { seq: 8 } });
  });
});
