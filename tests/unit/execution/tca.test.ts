import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTca } from '../../../src/execution/tca.ts';
import type { TcaFill, TcaInput } from '../../../src/execution/tca.ts';

const input = (over: Partial<TcaInput> = {}): TcaInput => ({
  orderId: 'P1',
  symbol: 'TEST',
  side: 'buy',
  algo: 'twap',
  qty: 10,
  decisionPrice: 100,
  arrivalPrice: 101,
  arrivalTs: 1_000,
  endPrice: 104,
  endTs: 61_000,
  fills: [],
  marketVolume: 0,
  marketNotional: 0,
  final: true,
  ...over,
});

describe('computeTca', () => {
  it('decomposes a buy’s shortfall by hand: delay + impact + timing + opportunity + fees = total', () => {
    // Decided at 100, arrived at 101, 8 of 10 filled: 4 @ 102 (mid 101.5), 4 @ 103 (mid 102.5), 0.4 fee each; ends at 104.
    // Base = 10 × 100 = 1 000.
    //   delay       = (101 − 100) × 8 / 1 000                          = 0.008  →  80 bps
    //   impact      = (4 × 0.5 + 4 × 0.5) / 1 000                      = 0.004  →  40 bps
    //   timing      = (4 × (101.5 − 101) + 4 × (102.5 − 101)) / 1 000  = 0.008  →  80 bps
    //   opportunity = 2 × (104 − 100) / 1 000                          = 0.008  →  80 bps
    //   fees        = 0.8 / 1 000                                      = 0.0008 →   8 bps
    // Total: paid 820 for what was worth 800 at decision, the 2 left now cost 8 more, plus 0.8 of fees = 28.8 → 288 bps.
    const t = computeTca(
      input({
        fills: [
          { price: 102, qty: 4, fee: 0.4, mid: 101.5, ts: 2_000 },
          { price: 103, qty: 4, fee: 0.4, mid: 102.5, ts: 3_000 },
        ],
        marketVolume: 92,
        marketNotional: 9_384, // interval VWAP 102
      }),
    );
    expect([t.delayBps, t.impactBps, t.timingBps, t.opportunityBps, t.feesBps]).toEqual([80, 40, 80, 80, 8]);
    expect(t.shortfallBps).toBe(288);
    expect(t.shortfallBps).toBeCloseTo(t.delayBps + t.impactBps + t.timingBps + t.opportunityBps + t.feesBps, 9);
    expect(t.filledQty).toBe(8);
    expect(t.avgFillPrice).toBe(102.5);
    expect(t.fillRate).toBe(0.8);
    expect(t.intervalVwap).toBe(102);
    expect(t.slippageVsVwapBps).toBeCloseTo(49.02, 2); // (102.5 − 102) / 102
    expect(t.participation).toBe(0.08); // 8 / (8 + 92)
    expect(t.durationMs).toBe(60_000);
  });

  it('signs a sell the other way: the same moves against a seller cost the same', () => {
    const t = computeTca(
      input({
        side: 'sell',
        arrivalPrice: 99,
        endPrice: 96,
        fills: [
          { price: 98, qty: 4, fee: 0.4, mid: 98.5, ts: 2_000 },
          { price: 97, qty: 4, fee: 0.4, mid: 97.5, ts: 3_000 },
        ],
      }),
    );
    expect([t.delayBps, t.impactBps, t.timingBps, t.opportunityBps, t.feesBps, t.shortfallBps]).toEqual([80, 40, 80, 80, 8, 288]);
  });

  it('when the market moves for a seller then timing and opportunity are gains (negative)', () => {
    // Sell 10 decided at 100, arrival 100, 5 sold at 102 with mid 102.5 (half a point below mid: impact +), end 105.
    const t = computeTca(input({ side: 'sell', arrivalPrice: 100, endPrice: 105, fills: [{ price: 102, qty: 5, fee: 0, mid: 102.5, ts: 2_000 }] }));
    expect(t.delayBps).toBeCloseTo(0, 9); // −0 for a sell (0 in JSON)
    expect(t.impactBps).toBe(25); // −(102 − 102.5) × 5 / 1 000
    expect(t.timingBps).toBe(-125); // −(102.5 − 100) × 5 / 1 000
    expect(t.opportunityBps).toBe(-250); // −5 × (105 − 100) / 1 000
    expect(t.shortfallBps).toBe(-350);
  });

  it('when nothing filled then the whole shortfall is opportunity', () => {
    const t = computeTca(input({ fills: [] }));
    expect([t.delayBps, t.impactBps, t.timingBps, t.feesBps]).toEqual([0, 0, 0, 0]);
    expect(t.opportunityBps).toBe(400); // 10 × (104 − 100) / 1 000
    expect(t.shortfallBps).toBe(400);
    expect(t.avgFillPrice).toBeNull();
    expect(t.fillRate).toBe(0);
    expect(t.participation).toBeNull();
  });

  it('when there is no decision price then the arrival price is the benchmark (no delay cost)', () => {
    const t = computeTca(input({ decisionPrice: null, fills: [{ price: 102, qty: 10, fee: 0, mid: 101, ts: 2_000 }] }));
    expect(t.decisionPrice).toBe(101);
    expect(t.delayBps).toBe(0);
    expect(t.impactBps).toBeCloseTo(99.01, 2); // 10 × 1 / 1 010
    expect(t.shortfallBps).toBe(t.impactBps);
  });

  it('when a fill has no mid then the arrival price stands in for it', () => {
    const t = computeTca(input({ fills: [{ price: 102, qty: 10, fee: 0, mid: null, ts: 2_000 }] }));
    expect(t.timingBps).toBe(0);
    expect(t.impactBps).toBe(100); // 10 × (102 − 101) / 1 000
  });

  it('whatever the fills, the parts add up to the total (to the rounding of each part)', () => {
    const fillArb: fc.Arbitrary<TcaFill> = fc.record({
      price: fc.double({ min: 50, max: 150, noNaN: true }),
      qty: fc.double({ min: 0.001, max: 5, noNaN: true }),
      fee: fc.double({ min: 0, max: 1, noNaN: true }),
      mid: fc.option(fc.double({ min: 50, max: 150, noNaN: true })),
      ts: fc.nat(),
    });
    fc.assert(
      fc.property(
        fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        fc.array(fillArb, { maxLength: 12 }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.double({ min: 50, max: 150, noNaN: true }),
        fc.double({ min: 50, max: 150, noNaN: true }),
        fc.double({ min: 50, max: 150, noNaN: true }),
        (side, fills, extraQty, decision, arrival, end) => {
          const filled = fills.reduce((a, f) => a + f.qty, 0);
          const t = computeTca(input({ side, fills, qty: filled + extraQty, decisionPrice: decision, arrivalPrice: arrival, endPrice: end }));
          const parts = t.delayBps + t.impactBps + t.timingBps + t.opportunityBps + t.feesBps;
          expect(Math.abs(t.shortfallBps - parts)).toBeLessThanOrEqual(0.03 + 1e-9);
          // The total is what was paid (or received) against the decision price, plus the unfilled part at the end price, plus fees.
          const s = side === 'buy' ? 1 : -1;
          const paid = fills.reduce((a, f) => a + s * f.qty * (f.price - decision), 0);
          const total = (paid + s * extraQty * (end - decision) + fills.reduce((a, f) => a + f.fee, 0)) / ((filled + extraQty) * decision);
          if (filled + extraQty > 0) expect(t.shortfallBps).toBeCloseTo(total * 1e4, 1);
        },
      ),
    );
  });
});
