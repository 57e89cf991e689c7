import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/core/clock.ts';
import { RiskControl } from '../../../src/kernel/risk-control.ts';
import type { RiskOrder } from '../../../src/risk/risk-gate.ts';
import { EMPTY_LIMIT_BOOK } from '../../../src/risk/limits.ts';
import { MemoryRiskStore } from '../../../src/store/memory/risk-store.ts';
import { Oms } from '../../../src/execution/oms.ts';
import { Ledger } from '../../../src/core/ledger.ts';
import { cash, testRegistry } from '../../fixtures/engine/instruments.ts';
import { FakeVenue } from '../../fixtures/engine/fake-venue.ts';
import { MemoryJournal } from '../../fixtures/engine/memory-journal.ts';
import { acceptAll } from '../../fixtures/engine/oms-harness.ts';


/**
 * The kernel's idle jump (src/kernel/periodic-tick.ts) on L1's tick: a real tick, `idle(k - 1)` for
 * the seconds in between and a real tick k seconds later leave L1 as k + 1 real ticks do.
 */

function rig() {
  const clock = new SimClock(Date.UTC(2025, 0, 6, 14, 30));
  const instruments = testRegistry();
  const ledger = new Ledger(cash('1000000'), (s) => instruments.get(s));
  const oms = new Oms({ clock, journal: new MemoryJournal(), venue: new FakeVenue(), instruments, ledger, idPrefix: 'T', check: acceptAll, listener: { orderUpdated: () => undefined, orderDenied: () => undefined, fillApplied: () => undefined, anomaly: () => undefined } });
  let vol = 1;
  let known: boolean | undefined;
  const risk = new RiskControl({
    clock,
    store: new MemoryRiskStore(),
    oms: () => oms,
    instrumentOf: (s) => instruments.get(s),
    positions: () => ledger.allPositions(),
    cashUnits: () => ledger.cashUnits,
    exposureVersion: () => 0,
    equityUnits: () => ledger.cashUnits,
    market: { ref: () => 10_000n, bid: () => 9_999n, ask: () => 10_001n, shortTermVol: () => vol },
    volatilityKnown: () => known ?? true,
    symbols: () => ['BTC/USD'],
    venueConnected: () => true,
    cancelAll: () => [],
    publish: { state: () => undefined, breaker: () => undefined, limits: () => undefined },
    log: () => undefined,
    options: { limits: EMPTY_LIMIT_BOOK },
  });
  const order: RiskOrder = { symbol: 'BTC/USD', side: 'buy', qtyUnits: 1n, type: 'limit', limitPriceUnits: 10_000n, urgency: 'immediate', source: 'api', kind: 'direct' };
  return {
    setVol: (v: number) => (vol = v),
    setKnown: (k: boolean) => (known = k),
    risk,
    clock,
    tick: (n: number) => {
      for (let k = 0; k < n; k++) {
        clock.advanceBy(1000);
        risk.tick();
      }
    },
    regime: () => risk.evaluate(order).strictness.vol,
  };
}

describe('RiskControl idle seconds', () => {
  it('when k - 1 idle seconds are covered by idle() between two real ticks then the volatility baseline is that of ticking every second (to the last bit)', () => {
    for (const k of [2, 7, 300, 3_700]) {
      const stepped = rig();
      const jumped = rig();
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
    const r = rig();
    r.tick(1);
    const now = r.clock.now();
    r.risk.service.onVenue(false, now);
    expect(r.risk.quietUntil(now)).toBe(now + 30_000);
  });
});
