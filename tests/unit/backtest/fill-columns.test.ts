import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FillColumns } from '../../../src/backtest/fill-columns.ts';
import type { BacktestFill } from '../../../src/backtest/types.ts';

describe('FillColumns', () => {
  it('gives back the fills it was given, in order, number for number (-0, NaN and growth past its first capacity included)', () => {
    const double = fc.double();
    const fill = fc.record({
      bar: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      time: double,
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      qty: double,
      price: double,
      fee: double,
      spreadCost: double,
      impactCost: double,
      reason: fc.constantFrom('entry', 'exit', 'rebalance', ''),
    });
    fc.assert(
      fc.property(fc.array(fill, { maxLength: 80 }), (fills) => {
        const cols = new FillColumns('ORCL');
        for (const f of fills) cols.push(f.bar, f.time, f.side, f.qty, f.price, f.fee, f.spreadCost, f.impactCost, f.reason);
        const want: BacktestFill[] = fills.map((f) => ({ bar: f.bar, time: f.time, instrument: 'ORCL', side: f.side, qty: f.qty, price: f.price, fee: f.fee, spreadCost: f.spreadCost, impactCost: f.impactCost, reason: f.reason }));
        expect(cols.length).toBe(fills.length);
        // toEqual tells -0 from 0 (Object.is) and NaN equals NaN.
        expect(cols.toArray()).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });
});
