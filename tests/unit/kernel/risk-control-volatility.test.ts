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
 * The volatility regime L1 scales limits by: the baseline is the mean of the last hour of
 * once-a-second samples (kept from the 300th), summed when a sample is added rather than on every
 * order; each check compares the current short-term volatility with it.
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
    tick: (n: number) => {
      for (let k = 0; k < n; k++) {
        clock.advanceBy(1000);
        risk.tick();
      }
    },
    regime: () => risk.evaluate(order).strictness.vol,
  };
}

describe('RiskControl volatility baseline', () => {
  it('when fewer than 300 samples exist then the regime is unknown; from the 300th the ratio is current over their mean', () => {
    const r = rig();
    r.tick(299);
    expect(r.regime().regime).toBe('unknown');
    r.tick(1);
    r.setVol(3);
    expect(r.regime()).toMatchObject({ regime: 'high', ratio: 3 });
  });

  it('when more than an hour of samples exist then the baseline is the mean of the last 3,600 only', () => {
    const r = rig();
    r.setVol(4);
    r.tick(600);
    r.setVol(1);
    r.tick(3600);
    // The four-valued samples have left the window: the baseline is 1.
    r.setVol(1.2);
    expect(r.regime()).toMatchObject({ regime: 'normal', ratio: 1.2 });
  });

  it('when the shared rule says the volatility is not known yet then the regime is unknown, however many samples L1 has', () => {
    const r = rig();
    r.setKnown(false);
    r.tick(400);
    r.setVol(3);
    expect(r.regime()).toMatchObject({ regime: 'unknown', ratio: null, factor: 1 });
    r.setKnown(true);
    expect(r.regime()).toMatchObject({ regime: 'high', ratio: 3 });
  });
});
