import { describe, expect, it } from 'vitest';
import { volatilityRig } from '../../fixtures/engine/risk-control-rig.ts';

/**
 * The kernel's idle jump (src/kernel/periodic-tick.ts) on L1's tick: a real tick, `idle(k - 1)` for
 * the seconds in between and a real tick k seconds later leave L1 as k + 1 real ticks do.
 */

describe('RiskControl idle seconds', () => {
  it('when k - 1 idle seconds are covered by idle() between two real ticks then the volatility baseline is that of ticking every second (to the last bit)', () => {
    for (const k of [2, 7, 300, 3_700]) {
      const stepped = volatilityRig();
      const jumped = volatilityRig();
      // Mixed samples first, so the running sum's rounding matters.
      for (const r of [stepped, jumped]) {
        for (const v of [0.37, 1.9, 0.0031, 2.5]) {
          r.setVol(v);
          r.tick(97);
        }
        r.setVol(0.77);
      }
      stepped.tick(k + 1);
      jumped.tick(1);
      expect(jumped.risk.quietUntil(jumped.clock.now())).toBeGreaterThan(jumped.clock.now() + k * 1000);
      jumped.risk.idle(k - 1);
      jumped.clock.advanceBy((k - 1) * 1000);
      jumped.tick(1);
      jumped.setVol(1.3);
      stepped.setVol(1.3);
      expect(jumped.regime(), `k=${k}`).toEqual(stepped.regime());
      expect(jumped.risk.status()).toEqual(stepped.risk.status());
    }
  });

  it('when the venue is disconnected then the quiet limit is where the disconnect breaker would trip', () => {
    const r = volatilityRig();
    r.tick(1);
    const now = r.clock.now();
    r.risk.service.onVenue(false, now);
    expect(r.risk.quietUntil(now)).toBe(now + 30_000);
  });
});
