import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/core/clock.ts';
import { Ledger } from '../../../src/core/ledger.ts';
import { PortfolioValuation } from '../../../src/kernel/valuation.ts';
import { buildProjectedState, ProjectedStateCache } from '../../../src/risk/projected-state.ts';
import type { ExposureSource, WorkingOrderView } from '../../../src/risk/projected-state.ts';
import { cash, testRegistry } from '../../fixtures/engine/instruments.ts';

/**
 * L1's projected state keeps its own NAV (cash plus positions at the reference price), summed
 * incrementally so a check allocates nothing; the one valuation (PortfolioValuation) is what the
 * DTOs, the PMS and L1's drawdown feed read. They must be the same number whenever every held symbol
 * has a mark, and differ in one documented way when one has none.
 */
const instruments = testRegistry();
const inst = (s: string) => instruments.get(s);
const SYMBOLS = ['BTC/USD', 'ETH/USD', 'ACME'];
/** Lots and ticks per symbol (qty units per lot, price units per tick). */
const STEP: Record<string, { lot: bigint; tick: bigint; px: bigint }> = {
  'BTC/USD': { lot: 1n, tick: 1n, px: 6_000_000n },
  'ETH/USD': { lot: 1n, tick: 5n, px: 300_000n },
  ACME: { lot: 1n, tick: 1n, px: 12_000n },
};

function world(seed: number) {
  const ledger = new Ledger(cash('10000000'), inst);
  const marks = new Map<string, bigint | undefined>();
  let working: WorkingOrderView[] = [];
  let version = 0;
  let s = seed;
  const rnd = (n: number) => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) % n);
  const valuation = new PortfolioValuation({ clock: new SimClock(0), ledger, currency: 'USD', instrumentOf: inst, markOf: (x) => marks.get(x), reservedCashUnits: () => 0n });
  const source: ExposureSource = {
    cashUnits: () => ledger.cashUnits,
    positions: () => ledger.allPositions(),
    workingOrders: () => working,
    algoParents: () => [],
    version: () => version,
  };
  const step = () => {
    const sym = SYMBOLS[rnd(3)]!;
    const st = STEP[sym]!;
    const px = st.px + BigInt(rnd(200) - 100) * st.tick;
    if (rnd(3) === 0) {
      // A mark alone moves: the book's version holds, so the cache revalues in place (its incremental path).
      marks.set(sym, px);
      return;
    }
    ledger.apply({ symbol: sym, side: rnd(2) === 0 ? 'buy' : 'sell', priceUnits: px, qtyUnits: BigInt(1 + rnd(50)) * st.lot, feeUnits: BigInt(rnd(1000)) });
    // Working orders weigh in L1's long and short cases, never in NAV (as in the valuation).
    working = rnd(2) === 0 ? [] : [{ id: 'W', symbol: sym, side: 'buy', remainingUnits: 5n * st.lot, priceUnits: px, parentId: null }];
    version++;
  };
  return { ledger, marks, valuation, source, step };
}

describe("L1's NAV and the one valuation", () => {
  it('when every held symbol has a mark then L1 projected NAV (rebuilt and incremental) equals the valuation equity, fill after fill', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const w = world(seed);
      for (const sym of SYMBOLS) w.marks.set(sym, STEP[sym]!.px);
      const cache = new ProjectedStateCache();
      for (let i = 0; i < 200; i++) {
        w.step();
        const rebuilt = buildProjectedState(w.source, inst, (x) => w.marks.get(x));
        const incremental = cache.get(w.source, inst, (x) => w.marks.get(x));
        expect(rebuilt.navUnits).toBe(w.valuation.equityUnits());
        expect(incremental.navUnits).toBe(w.valuation.equityUnits());
      }
    }
  });

  it('when a held symbol has no mark then the valuation counts it at cost while L1 counts it at 0 and names it unpriced', () => {
    const w = world(7);
    w.ledger.apply({ symbol: 'ACME', side: 'buy', priceUnits: 12_000n, qtyUnits: 10n, feeUnits: 0n });
    w.marks.set('BTC/USD', 6_000_000n);
    const state = buildProjectedState(w.source, inst, (x) => w.marks.get(x));
    const cost = w.ledger.position('ACME').costUnits;
    expect(cost).toBeGreaterThan(0n);
    expect(state.unpriced).toEqual(['ACME']);
    expect(state.navUnits).toBe(w.valuation.equityUnits() - cost);
  });
});
