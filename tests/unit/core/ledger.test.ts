import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Side } from '../../../src/contract/dto.ts';
import { notionalUnits } from '../../../src/core/instrument.ts';
import { Ledger } from '../../../src/core/ledger.ts';
import type { LedgerFill } from '../../../src/core/ledger.ts';
import { cash, px, qty, testInstrument, testRegistry } from '../../fixtures/engine/instruments.ts';

const registry = testRegistry();
const BTC = testInstrument('BTC/USD'); // tick 0.01, lot 0.001
const ACME = testInstrument('ACME'); // tick 0.01, lot 1

function newLedger(initial = '10000'): Ledger {
  return new Ledger(cash(initial), (s) => registry.get(s));
}

function btc(side: Side, q: string, price: string, fee: string): LedgerFill {
  return { symbol: 'BTC/USD', side, qtyUnits: qty(BTC, q), priceUnits: px(BTC, price), feeUnits: cash(fee) };
}

describe('Ledger examples (hand computed)', () => {
  it('when buying then cash pays notional and fee, the position carries the cost and the fee is a realized loss', () => {
    const l = newLedger();
    const p = l.apply(btc('buy', '2', '100', '0.10'));
    expect(p).toMatchObject({ qtyUnits: qty(BTC, '2'), costUnits: cash('200'), realizedUnits: cash('-0.10'), feeUnits: cash('0.10') });
    expect(l.cashUnits).toBe(cash('9799.90'));
    expect(l.realizedUnits).toBe(cash('-0.10'));
    expect(l.feeUnits).toBe(cash('0.10'));
  });

  it('when partly closing, flipping and closing a position then realized P&L and cash follow average cost', () => {
    const l = newLedger();
    l.apply(btc('buy', '2', '100', '0.10'));

    // Sell 0.5 at 110: releases 50 of cost for 55 of proceeds, +5.
    let p = l.apply(btc('sell', '0.5', '110', '0.05'));
    expect(p.qtyUnits).toBe(qty(BTC, '1.5'));
    expect(p.costUnits).toBe(cash('150'));
    expect(l.realizedUnits).toBe(cash('4.85')); // -0.10 - 0.05 + 5
    expect(l.cashUnits).toBe(cash('9854.85'));

    // Sell 2.5 at 90: closes 1.5 (proceeds 135, cost 150: -15), opens a 1.0 short at 90.
    p = l.apply(btc('sell', '2.5', '90', '0.20'));
    expect(p.qtyUnits).toBe(qty(BTC, '-1'));
    expect(p.costUnits).toBe(cash('-90'));
    expect(l.realizedUnits).toBe(cash('-10.35'));
    expect(l.cashUnits).toBe(cash('10079.65'));

    // Buy 1 at 80: covers the short opened at 90, +10.
    p = l.apply(btc('buy', '1', '80', '0'));
    expect(p.qtyUnits).toBe(0n);
    expect(p.costUnits).toBe(0n);
    expect(l.realizedUnits).toBe(cash('-0.35'));
    expect(p.realizedUnits).toBe(cash('-0.35'));
    expect(p.feeUnits).toBe(cash('0.35'));
    expect(l.cashUnits).toBe(cash('9999.65'));
  });

  it('when a short is opened and covered at a lower price then the gain is realized', () => {
    const l = newLedger();
    l.apply(btc('sell', '3', '50', '0'));
    expect(l.position('BTC/USD')).toMatchObject({ qtyUnits: qty(BTC, '-3'), costUnits: cash('-150') });
    expect(l.cashUnits).toBe(cash('10150'));
    l.apply(btc('buy', '1', '40', '0'));
    expect(l.position('BTC/USD')).toMatchObject({ qtyUnits: qty(BTC, '-2'), costUnits: cash('-100') });
    expect(l.realizedUnits).toBe(cash('10'));
  });

  it('when cost does not divide evenly then each release rounds but the total realized is exact', () => {
    const l = newLedger();
    const fill = (side: Side, q: bigint, price: string): LedgerFill => ({ symbol: 'ACME', side, qtyUnits: q, priceUnits: px(ACME, price), feeUnits: 0n });
    l.apply(fill('buy', 1n, '10.00'));
    l.apply(fill('buy', 2n, '10.01'));
    expect(l.position('ACME').costUnits).toBe(cash('30.02'));
    // 30.02 / 3 = 10.00666...: the released cost rounds to 10.00666667.
    l.apply(fill('sell', 1n, '10.00'));
    expect(l.realizedUnits).toBe(cash('-0.00666667'));
    expect(l.position('ACME').costUnits).toBe(cash('20.01333333'));
    l.apply(fill('sell', 2n, '10.00'));
    // Bought for 30.02, sold for 30.00: exactly -0.02 in total.
    expect(l.realizedUnits).toBe(cash('-0.02'));
    expect(l.position('ACME').costUnits).toBe(0n);
  });

  it('when marking positions then market value is mark x qty, and without a mark it falls back to cost', () => {
    const l = newLedger();
    l.apply(btc('buy', '2', '100', '0'));
    l.apply({ symbol: 'ACME', side: 'sell', qtyUnits: 10n, priceUnits: px(ACME, '5'), feeUnits: 0n });
    const p = l.position('BTC/USD');
    expect(l.marketValue(p, px(BTC, '105'))).toBe(cash('210'));
    expect(l.marketValue(p, undefined)).toBe(cash('200'));
    expect(l.marketValue(l.position('ACME'), px(ACME, '4'))).toBe(cash('-40'));
    // 10000 - 200 + 50 = 9850 cash; +210 -40 at marks.
    expect(l.equity((s) => (s === 'BTC/USD' ? px(BTC, '105') : px(ACME, '4')))).toBe(cash('10020'));
  });

  it('when a fill names an unknown instrument then it throws and nothing changes', () => {
    const l = newLedger();
    expect(() => l.apply({ symbol: 'NOPE', side: 'buy', qtyUnits: 1n, priceUnits: 1n, feeUnits: 1n })).toThrow(/unknown instrument/);
    expect(l.cashUnits).toBe(cash('10000'));
    expect(l.allPositions()).toEqual([]);
  });
});

// ---- properties ----

const SYMBOLS = ['BTC/USD', 'ETH/USD', 'ACME'] as const;

/** Random fills on three instruments, on their lot and tick grids, with small positive fees. */
const fillArb = fc
  .record({
    s: fc.constantFrom(...SYMBOLS),
    side: fc.constantFrom<Side>('buy', 'sell'),
    lots: fc.bigInt({ min: 1n, max: 5_000n }),
    ticks: fc.bigInt({ min: 1n, max: 2_000_000n }),
    fee: fc.bigInt({ min: 0n, max: 100_000_000n }),
  })
  .map(({ s, side, lots, ticks, fee }): LedgerFill => {
    const inst = registry.get(s)!;
    return { symbol: s, side, qtyUnits: lots * inst.lotUnits, priceUnits: ticks * inst.tickUnits, feeUnits: fee };
  });

const marksArb = fc.tuple(...SYMBOLS.map((s) => fc.bigInt({ min: 1n, max: 2_000_000n }).map((t) => t * registry.get(s)!.tickUnits)));

function checkInvariants(l: Ledger, fills: readonly LedgerFill[], marks: readonly bigint[]): void {
  const signedQty = new Map<string, bigint>();
  let flows = 0n;
  let fees = 0n;
  for (const f of fills) {
    const inst = registry.get(f.symbol)!;
    const sq = f.side === 'buy' ? f.qtyUnits : -f.qtyUnits;
    signedQty.set(f.symbol, (signedQty.get(f.symbol) ?? 0n) + sq);
    const n = notionalUnits(inst, f.priceUnits, f.qtyUnits);
    flows += f.side === 'buy' ? n : -n;
    fees += f.feeUnits;
  }
  for (const s of SYMBOLS) expect(l.position(s).qtyUnits).toBe(signedQty.get(s) ?? 0n);
  expect(l.cashUnits).toBe(l.initialCashUnits - flows - fees);
  expect(l.feeUnits).toBe(fees);
  expect(l.allPositions().reduce((a, p) => a + p.feeUnits, 0n)).toBe(fees);
  expect(l.allPositions().reduce((a, p) => a + p.realizedUnits, 0n)).toBe(l.realizedUnits);

  const markOf = (s: string): bigint | undefined => marks[SYMBOLS.indexOf(s as (typeof SYMBOLS)[number])];
  let mv = 0n;
  let unrealized = 0n;
  for (const p of l.allPositions()) {
    const v = l.marketValue(p, markOf(p.symbol));
    mv += v;
    if (p.qtyUnits !== 0n) unrealized += v - p.costUnits;
    // A flat position carries no cost; an open one carries cost of its sign.
    if (p.qtyUnits === 0n) expect(p.costUnits).toBe(0n);
    else expect(p.costUnits > 0n).toBe(p.qtyUnits > 0n);
  }
  expect(l.cashUnits + mv).toBe(l.initialCashUnits + l.realizedUnits + unrealized);
  expect(l.equity(markOf)).toBe(l.cashUnits + mv);
}

describe('Ledger invariants (property)', () => {
  it('when random fills on three instruments are applied then qty, cash, fees and equity identities hold exactly after each fill', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 60 }), marksArb, (fills, marks) => {
        const l = newLedger('1000000');
        for (let k = 0; k < fills.length; k++) {
          l.apply(fills[k]!);
          checkInvariants(l, fills.slice(0, k + 1), marks);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('when thousands of fills are applied and every position is then flattened then realized P&L equals the net cash flow to the unit', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 2000, maxLength: 3000 }), marksArb, (fills, marks) => {
        const l = newLedger('1000000');
        for (const f of fills) l.apply(f);
        checkInvariants(l, fills, marks);
        // Flatten at the marks: no position left, so cash - initial must equal realized exactly.
        const closing: LedgerFill[] = [];
        for (const p of l.allPositions()) {
          if (p.qtyUnits === 0n) continue;
          const mark = marks[SYMBOLS.indexOf(p.symbol as (typeof SYMBOLS)[number])]!;
          closing.push({ symbol: p.symbol, side: p.qtyUnits > 0n ? 'sell' : 'buy', qtyUnits: p.qtyUnits > 0n ? p.qtyUnits : -p.qtyUnits, priceUnits: mark, feeUnits: 0n });
        }
        for (const f of closing) l.apply(f);
        for (const p of l.allPositions()) expect(p).toMatchObject({ qtyUnits: 0n, costUnits: 0n });
        expect(l.cashUnits - l.initialCashUnits).toBe(l.realizedUnits);
        checkInvariants(l, [...fills, ...closing], marks);
      }),
      { numRuns: 15 },
    );
  });
});
