import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rebalance, rebalanceDue } from '../../../src/portfolio/rebalancer.ts';
import type { RebalanceInput } from '../../../src/portfolio/rebalancer.ts';

const SYMS = ['AAA', 'BBB', 'CCC', 'DDD'];

function weightsAfter(input: RebalanceInput, plan: ReturnType<typeof rebalance>): { w: Record<string, number>; cash: number } {
  const held: Record<string, number> = {};
  for (const h of input.holdings) held[h.symbol] = Number(h.qty);
  let cash = Number(input.cash);
  for (const i of plan.intents) {
    const q = Number(i.qty) * (i.side === 'buy' ? 1 : -1);
    held[i.symbol] = (held[i.symbol] ?? 0) + q;
    cash -= q * input.prices[i.symbol]!;
  }
  const nav = cash + Object.entries(held).reduce((a, [s, q]) => a + q * input.prices[s]!, 0);
  return { w: Object.fromEntries(Object.entries(held).map(([s, q]) => [s, (q * input.prices[s]!) / nav])), cash };
}

describe('rebalancer', () => {
  it('sells before buys, source=signal, the proposal id and the signal urgency on every intent', () => {
    const plan = rebalance({
      proposalId: 'P-1',
      holdings: [{ symbol: 'AAA', qty: '100' }],
      cash: '0',
      prices: { AAA: 10, BBB: 20 },
      targets: [{ symbol: 'AAA', weight: 0.5 }, { symbol: 'BBB', weight: 0.5, urgency: 'high' }],
    });
    expect(plan.intents.map((i) => [i.side, i.symbol, i.qty, i.urgency])).toEqual([
      ['sell', 'AAA', '50', 'medium'],
      ['buy', 'BBB', '25', 'high'],
    ]);
    expect(plan.intents.every((i) => i.source === 'signal' && i.proposalId === 'P-1')).toBe(true);
  });
  it('when a move exceeds the per-trade cap then this tranche is cut to the cap (whole lots) and later rebalances finish it', () => {
    const input: RebalanceInput = { proposalId: 'P', holdings: [{ symbol: 'AAA', qty: '10' }], cash: '9900', prices: { AAA: 10, BBB: 7 }, targets: [{ symbol: 'AAA', weight: 0 }, { symbol: 'BBB', weight: 0.3 }], options: { maxTradeWeight: 0.08 } };
    const first = rebalance(input);
    // NAV 10,000: BBB's 2,996 buy (428 lots) is cut to 800 → 114 lots of 7 (798); AAA's 100 sale is under the cap.
    expect(first.intents.map((i) => [i.side, i.symbol, i.qty])).toEqual([
      ['sell', 'AAA', '10'],
      ['buy', 'BBB', '114'],
    ]);
    expect(first.intents.every((i) => i.estimatedValue <= 800)).toBe(true);
    expect(first.notes.join(' ')).toMatch(/BBB: trade of 2996\.00 above the per-trade cap 0\.08/);
    // Applying tranches one after another converges on the target.
    let holdings = [{ symbol: 'BBB', qty: '114' }];
    let cash = 9900 + 100 - 798;
    for (let k = 0; k < 10; k++) {
      const p = rebalance({ ...input, holdings, cash: cash.toFixed(2) });
      const buy = p.intents.find((i) => i.symbol === 'BBB');
      if (!buy) break;
      holdings = [{ symbol: 'BBB', qty: String(Number(holdings[0]!.qty) + Number(buy.qty)) }];
      cash -= Number(buy.qty) * 7;
    }
    expect((Number(holdings[0]!.qty) * 7) / 10_000).toBeCloseTo(0.3, 2);
    expect(() => rebalance({ ...input, options: { maxTradeWeight: 0 } })).toThrow(/maximum trade weight/);
  });
  it('an instrument without a price is skipped with a warning', () => {
    const plan = rebalance({ proposalId: 'P', holdings: [], cash: '1000', prices: { AAA: 10 }, targets: [{ symbol: 'AAA', weight: 0.5 }, { symbol: 'ZZZ', weight: 0.5 }] });
    expect(plan.intents.map((i) => i.symbol)).toEqual(['AAA']);
    expect(plan.warnings.join(' ')).toMatch(/ZZZ has no price/);
  });
  it('drift below the threshold trades nothing; a trade below the minimum is skipped', () => {
    const base = { proposalId: 'P', holdings: [{ symbol: 'AAA', qty: '49' }], cash: '510', prices: { AAA: 10 } };
    expect(rebalance({ ...base, targets: [{ symbol: 'AAA', weight: 0.5 }], options: { driftThreshold: 0.02 } }).intents).toEqual([]);
    const p = rebalance({ ...base, targets: [{ symbol: 'AAA', weight: 0.5 }], options: { minTradeValue: 50 } });
    expect(p.intents).toEqual([]);
  });
  it('group caps raise cash rather than break the cap', () => {
    const plan = rebalance({
      proposalId: 'P', holdings: [], cash: '10000', prices: { AAA: 1, BBB: 1, CCC: 1 },
      targets: [{ symbol: 'AAA', weight: 0.4 }, { symbol: 'BBB', weight: 0.4 }, { symbol: 'CCC', weight: 0.2 }],
      options: { groups: { of: { AAA: 'tech', BBB: 'tech', CCC: 'energy' }, caps: { tech: 0.5 } } },
    });
    const buys = Object.fromEntries(plan.intents.map((i) => [i.symbol, Number(i.qty)]));
    expect(buys).toEqual({ AAA: 2500, BBB: 2500, CCC: 2000 });
  });
  it('buys are scaled down when cash is short, and the cash buffer is kept', () => {
    const plan = rebalance({ proposalId: 'P', holdings: [], cash: '1000', prices: { AAA: 1 }, targets: [{ symbol: 'AAA', weight: 1 }], options: { cashBuffer: 0.05 } });
    expect(plan.intents[0]!.qty).toBe('950');
  });
  it('cash reserved against a working order counts in NAV (weights and trades on equity), buys spend only the free cash', () => {
    // Equity 10,000: 2,000 held, 8,000 cash of which 3,000 reserved by a working order.
    const base = { proposalId: 'P', holdings: [{ symbol: 'AAA', qty: '200' }], cash: '5000', reservedCash: '3000', prices: { AAA: 10, BBB: 10 } };
    const plan = rebalance({ ...base, targets: [{ symbol: 'AAA', weight: 0.3 }] });
    expect(plan.nav).toBe(10_000);
    expect(plan.intents[0]!.currentWeight).toBeCloseTo(0.2, 12);
    expect(plan.intents[0]!.qty).toBe('100'); // 10% of equity, not of free cash + holdings
    const short = rebalance({ ...base, targets: [{ symbol: 'AAA', weight: 0.2 }, { symbol: 'BBB', weight: 0.7 }] });
    expect(short.nav).toBe(10_000);
    expect(short.intents.map((i) => [i.symbol, i.qty])).toEqual([['BBB', '500']]); // 7,000 wanted, 5,000 free
    expect(short.warnings.join(' ')).toMatch(/cash short/);
    expect(() => rebalance({ ...base, reservedCash: '-1', targets: [] })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
  it('the turnover cap scales every trade', () => {
    const plan = rebalance({ proposalId: 'P', holdings: [{ symbol: 'AAA', qty: '1000' }], cash: '0', prices: { AAA: 1, BBB: 1 }, targets: [{ symbol: 'BBB', weight: 1 }], options: { turnoverCap: 0.5 } });
    expect(plan.turnover).toBeLessThanOrEqual(0.5 + 1e-12);
    expect(plan.notes.join(' ')).toMatch(/turnover/);
  });
  it('lots: quantities are whole lots, as exact decimal strings', () => {
    const plan = rebalance({ proposalId: 'P', holdings: [], cash: '1000', prices: { AAA: 0.3 }, targets: [{ symbol: 'AAA', weight: 1 }], options: { lotSizes: { AAA: '0.1' }, qtyDecimals: 4 } });
    expect(plan.intents[0]!.qty).toBe('3333.3');
  });
  it('cadence: daily, weekly (ISO, Monday start), monthly, on-drift', () => {
    const d = (s: string) => Date.parse(s);
    expect(rebalanceDue('daily', d('2026-01-05T10:00Z'), d('2026-01-05T23:00Z'), 1, 0)).toBe(false);
    expect(rebalanceDue('daily', d('2026-01-05T10:00Z'), d('2026-01-06T00:00Z'), 0, 0)).toBe(true);
    expect(rebalanceDue('weekly', d('2026-01-05T10:00Z'), d('2026-01-11T23:00Z'), 0, 0)).toBe(false); // Mon → Sun
    expect(rebalanceDue('weekly', d('2026-01-11T10:00Z'), d('2026-01-12T01:00Z'), 0, 0)).toBe(true); // Sun → Mon
    expect(rebalanceDue('monthly', d('2026-01-01T00:00Z'), d('2026-01-31T23:00Z'), 0, 0)).toBe(false);
    expect(rebalanceDue('monthly', d('2026-01-31T00:00Z'), d('2026-02-01T00:00Z'), 0, 0)).toBe(true);
    expect(rebalanceDue('on-drift', null, 0, 0.01, 0.02)).toBe(false);
  });
  it('bad input is refused with a code: a negative target, an unparseable quantity', () => {
    expect(() => rebalance({ proposalId: 'P', holdings: [], cash: '1', prices: {}, targets: [{ symbol: 'A', weight: -0.1 }] })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => rebalance({ proposalId: 'P', holdings: [{ symbol: 'A', qty: 'ten' }], cash: '1', prices: {}, targets: [] })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('rebalancer invariants (property)', () => {
  const arbInput = fc.record({
    held: fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 4, maxLength: 4 }),
    prices: fc.array(fc.double({ min: 0.5, max: 500, noNaN: true }), { minLength: 4, maxLength: 4 }),
    raw: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
    cash: fc.integer({ min: 0, max: 1_000_000 }),
    threshold: fc.constantFrom(0, 0.01, 0.05),
    invested: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  type Arb = { held: number[]; prices: number[]; raw: number[]; cash: number; threshold: number; invested: number };
  const build = (a: Arb): RebalanceInput => {
    const s = a.raw.reduce((x, y) => x + y, 0) || 1;
    return {
      proposalId: 'P',
      holdings: SYMS.map((sym, i) => ({ symbol: sym, qty: String(a.held[i]) })),
      cash: String(a.cash),
      prices: Object.fromEntries(SYMS.map((sym, i) => [sym, a.prices[i]!])),
      targets: SYMS.map((sym, i) => ({ symbol: sym, weight: (a.raw[i]! / s) * a.invested })),
      options: { driftThreshold: a.threshold, qtyDecimals: 4, lotSizes: Object.fromEntries(SYMS.map((x) => [x, '0.0001'])) },
    };
  };
  it('never sells more than held; sells come before buys; never spends cash it does not have', () => {
    fc.assert(
      fc.property(arbInput, (a) => {
        const input = build(a);
        const plan = rebalance(input);
        const firstBuy = plan.intents.findIndex((i) => i.side === 'buy');
        const lastSell = plan.intents.map((i) => i.side).lastIndexOf('sell');
        if (firstBuy >= 0) expect(lastSell).toBeLessThan(firstBuy);
        for (const i of plan.intents) if (i.side === 'sell') expect(Number(i.qty)).toBeLessThanOrEqual(a.held[SYMS.indexOf(i.symbol)]!);
        expect(weightsAfter(input, plan).cash).toBeGreaterThanOrEqual(-1e-6 * (plan.nav + 1));
      }),
      { numRuns: 200 },
    );
  });
  it('after a full fill, weights are within the drift threshold of target whenever cash allows', () => {
    fc.assert(
      fc.property(arbInput, (a) => {
        const input = build(a);
        const plan = rebalance(input);
        fc.pre(plan.nav > 100 && !plan.warnings.some((w) => w.startsWith('cash short')));
        const after = weightsAfter(input, plan).w;
        for (const t of input.targets) {
          const lotSlack = (0.0001 * input.prices[t.symbol]!) / plan.nav;
          expect(Math.abs((after[t.symbol] ?? 0) - plan.effectiveTargets[t.symbol]!)).toBeLessThanOrEqual(a.threshold + lotSlack + 1e-9);
        }
      }),
      { numRuns: 200 },
    );
  });
});
