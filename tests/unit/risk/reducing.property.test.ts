import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { URGENCIES } from '../../../src/contract/dto.ts';
import type { Side } from '../../../src/contract/dto.ts';
import { notionalUnits } from '../../../src/core/instrument.ts';
import type { LossView } from '../../../src/risk/drawdown.ts';
import { EMPTY_LIMIT_BOOK } from '../../../src/risk/limits.ts';
import type { LimitBook } from '../../../src/risk/limits.ts';
import { buildProjectedState } from '../../../src/risk/projected-state.ts';
import type { AlgoParentView, WorkingOrderView } from '../../../src/risk/projected-state.ts';
import { evaluateOrder } from '../../../src/risk/risk-gate.ts';
import type { RiskOrder } from '../../../src/risk/risk-gate.ts';
import { bookOf, inst, instrumentOf, lim } from './helpers.ts';

/**
 * L1 in REDUCING mode, over a whole sequence: whatever orders arrive, and in whatever order the
 * accepted ones fill (at once, later, partially, children out of their parents), no position ever
 * grows in absolute size, per symbol or in total. The gate judges each order against positions
 * plus everything already working, so this also catches a "reducing" test that forgets the
 * working orders on the same side (two sells of the whole position, both filled).
 */

const SYMBOLS = ['BTC/USD', 'ETH/USD', 'ACME'] as const;
type Sym = (typeof SYMBOLS)[number];
/** Quantities in instrument units: BTC lot 0.001, ETH 0.01, ACME 1. */
const MAX_QTY: Record<Sym, bigint> = { 'BTC/USD': 5_000_000n, 'ETH/USD': 2_000_000n, ACME: 50_000n };
const REFS: Record<Sym, bigint> = { 'BTC/USD': 10_000n, 'ETH/USD': 5_000n, ACME: 1_000n };

interface Model {
  positions: Map<string, bigint>;
  /** Working before REDUCING (never fill here: not the gate's doing) and accepted during the sequence. */
  working: (WorkingOrderView & { accepted: boolean })[];
  parents: (AlgoParentView & { accepted: boolean })[];
}

type Step =
  | {
      kind: 'order';
      symbol: Sym;
      side: Side;
      /** 'reduce': the side against the position at that moment, sized as a share of it. */
      intent: 'reduce' | 'any';
      sizePct: number;
      q: bigint;
      market: boolean;
      offsetBps: number;
      urgency: (typeof URGENCIES)[number];
      source: 'manual' | 'api' | 'signal';
      orderKind: 'direct' | 'parent' | 'child';
      parent: number;
      confirm: boolean;
      fillNow: boolean;
      spreadTicks: bigint;
    }
  | { kind: 'fill'; pick: number; fraction: number };

const sideArb = fc.constantFrom('buy' as const, 'sell' as const);
const symArb = fc.constantFrom(...SYMBOLS);

const modelArb: fc.Arbitrary<Model> = fc
  .record({
    positions: fc.tuple(...SYMBOLS.map((s) => fc.oneof({ weight: 1, arbitrary: fc.constant(0n) }, { weight: 4, arbitrary: fc.bigInt({ min: -MAX_QTY[s], max: MAX_QTY[s] }) }))),
    working: fc.array(fc.record({ symbol: symArb, side: sideArb, q: fc.bigInt({ min: 1n, max: 1_000_000n }), priced: fc.boolean() }), { maxLength: 3 }),
    parents: fc.array(fc.record({ symbol: symArb, side: sideArb, q: fc.bigInt({ min: 0n, max: 1_000_000n }) }), { maxLength: 2 }),
  })
  .map((w) => ({
    positions: new Map(SYMBOLS.map((s, k) => [s, w.positions[k]!])),
    working: w.working.map((o, k) => ({ id: `W${k}`, symbol: o.symbol, side: o.side, remainingUnits: o.q % MAX_QTY[o.symbol] + 1n, priceUnits: o.priced ? REFS[o.symbol] : null, parentId: null, accepted: false })),
    parents: w.parents.map((p, k) => ({ id: `P${k}`, symbol: p.symbol, side: p.side, unplacedUnits: p.q % MAX_QTY[p.symbol], limitPriceUnits: null, accepted: false })),
  }));

const orderStepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('order' as const),
  symbol: symArb,
  side: sideArb,
  intent: fc.constantFrom('reduce' as const, 'reduce' as const, 'reduce' as const, 'any' as const),
  sizePct: fc.constantFrom(10, 20, 30, 50, 70, 100, 101, 150),
  // Mostly sizes of the order of the positions, sometimes tiny.
  q: fc.oneof(fc.bigInt({ min: 1n, max: 5_000_000n }), fc.bigInt({ min: 1n, max: 50n })),
  market: fc.boolean(),
  offsetBps: fc.integer({ min: -300, max: 300 }),
  urgency: fc.constantFrom(...URGENCIES),
  source: fc.constantFrom('manual' as const, 'api' as const, 'signal' as const),
  orderKind: fc.constantFrom('direct' as const, 'parent' as const, 'child' as const),
  parent: fc.nat(5),
  confirm: fc.boolean(),
  fillNow: fc.constantFrom(true, false, false),
  spreadTicks: fc.bigInt({ min: 1n, max: 60n }),
});
const fillStepArb: fc.Arbitrary<Step> = fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(20), fraction: fc.constantFrom(1, 0.5, 0.3) });
const stepArb = fc.oneof({ weight: 3, arbitrary: orderStepArb }, { weight: 2, arbitrary: fillStepArb });

/** Some fat-finger and rate limits (what a reducing order still faces), or none. */
const bookArb: fc.Arbitrary<LimitBook> = fc.oneof(
  fc.constant(EMPTY_LIMIT_BOOK),
  fc
    .record({
      btcQty: fc.constantFrom('0.5', '2', '50'),
      notional: fc.constantFrom('500', '20000', '1000000'),
      band: fc.constantFrom('0.5', '2', '10'),
      spread: fc.constantFrom('5', '50', '500'),
      exposure: fc.constantFrom('1', '50', '100'),
    })
    .map((b) =>
      bookOf(
        [
          lim('max_order_qty', b.btcQty, null, { kind: 'symbol', symbol: 'BTC/USD' }),
          lim('max_order_notional', b.notional, null),
          lim('price_band_pct', b.band, null),
          lim('max_spread_bps', b.spread, null),
          // Exposure limits that every growing order would breach: a reducing order must not see them.
          lim('max_gross_exposure_pct_nav', b.exposure, null),
          lim('max_position_pct_nav', b.exposure, null),
          lim('min_cash_buffer', '1000000000', null),
          lim('max_daily_loss', '1', null),
        ],
        { crypto: ['BTC/USD', 'ETH/USD'] },
      ),
    ),
);

const lossArb: fc.Arbitrary<LossView> = fc.bigInt({ min: 0n, max: 10_000_000_000_000n }).map((loss) => ({
  equityUnits: 0n,
  dayStartEquityUnits: 0n,
  dayPnlUnits: -loss,
  dailyLossUnits: loss,
  drawdownPct: { daily: 0n, weekly: 0n, monthly: 0n },
}));

function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** Σ |position| valued at the (fixed) reference prices, cash units. */
function totalAbsExposure(m: Model): bigint {
  let sum = 0n;
  for (const s of SYMBOLS) sum += absBig(notionalUnits(inst(s), REFS[s], m.positions.get(s) ?? 0n));
  return sum;
}

function fill(m: Model, symbol: string, side: Side, qty: bigint): void {
  m.positions.set(symbol, (m.positions.get(symbol) ?? 0n) + (side === 'buy' ? qty : -qty));
}

let seq = 0;

/** Applies one step; returns the verdict of an order step (for the non-vacuity counts). */
function apply(m: Model, step: Step, book: LimitBook, loss: LossView, blocked: ReadonlyMap<string, string>): string | null {
  if (step.kind === 'fill') {
    // Only what was accepted during the sequence fills; what worked before REDUCING stays put.
    const fillable = [...m.working.filter((w) => w.accepted && w.remainingUnits > 0n), ...m.parents.filter((p) => p.accepted && p.unplacedUnits > 0n)];
    const target = fillable[step.pick % Math.max(1, fillable.length)];
    if (!target) return null;
    if ('remainingUnits' in target) {
      const q = step.fraction === 1 ? target.remainingUnits : (target.remainingUnits * BigInt(Math.round(step.fraction * 10))) / 10n || 1n;
      target.remainingUnits -= q;
      fill(m, target.symbol, target.side, q);
    } else {
      // A parent's own children filling.
      const q = step.fraction === 1 ? target.unplacedUnits : (target.unplacedUnits * BigInt(Math.round(step.fraction * 10))) / 10n || 1n;
      target.unplacedUnits -= q;
      fill(m, target.symbol, target.side, q);
    }
    return null;
  }

  const i = inst(step.symbol);
  const ref = REFS[step.symbol];
  const price = ref + (ref * BigInt(step.offsetBps)) / 10_000n;
  const parent = step.orderKind === 'child' ? m.parents[step.parent % Math.max(1, m.parents.length)] : undefined;
  const kind = step.orderKind === 'child' && !parent ? 'direct' : step.orderKind;
  const pos = m.positions.get(step.symbol) ?? 0n;
  const reduce = step.intent === 'reduce' && pos !== 0n;
  const order: RiskOrder = {
    symbol: step.symbol,
    side: reduce ? (pos > 0n ? 'sell' : 'buy') : step.side,
    qtyUnits: reduce ? (absBig(pos) * BigInt(step.sizePct)) / 100n + 1n : (step.q % MAX_QTY[step.symbol]) + 1n,
    type: step.market ? 'market' : 'limit',
    limitPriceUnits: step.market ? null : price,
    estimatedPriceUnits: step.market ? price : null,
    urgency: step.urgency,
    source: step.source,
    kind,
    parentId: kind === 'child' ? parent!.id : null,
    confirm: step.confirm,
  };
  const state = buildProjectedState(
    {
      cashUnits: () => 100_000_000_000_000n,
      positions: () => SYMBOLS.map((s) => ({ symbol: s, qtyUnits: m.positions.get(s) ?? 0n })),
      workingOrders: () => m.working.filter((w) => w.remainingUnits > 0n),
      algoParents: () => m.parents,
    },
    instrumentOf,
    (s) => REFS[s as Sym],
  );
  const d = evaluateOrder(order, i, {
    state,
    limits: book,
    mode: 'REDUCING',
    blocked,
    market: { refPriceUnits: ref, bidUnits: ref - step.spreadTicks, askUnits: ref + step.spreadTicks },
    rates: { minute: 0, hour: 0, symbolMinute: 0, symbolHour: 0 },
    loss,
  });
  if (d.verdict !== 'pass') return d.verdict;

  const id = `S${++seq}`;
  let qty = order.qtyUnits;
  if (kind === 'child' && parent && parent.symbol === order.symbol && parent.side === order.side) {
    // The child's quantity comes out of its parent's remainder, as the OMS books it.
    const take = qty < parent.unplacedUnits ? qty : parent.unplacedUnits;
    parent.unplacedUnits -= take;
  }
  if (step.fillNow) {
    fill(m, order.symbol, order.side, qty);
    qty = 0n;
  }
  if (qty > 0n) {
    if (kind === 'parent') m.parents.push({ id, symbol: order.symbol, side: order.side, unplacedUnits: qty, limitPriceUnits: order.limitPriceUnits, accepted: true });
    else m.working.push({ id, symbol: order.symbol, side: order.side, remainingUnits: qty, priceUnits: order.limitPriceUnits ?? order.estimatedPriceUnits ?? null, parentId: order.parentId ?? null, accepted: true });
  }
  return 'pass';
}

describe('risk gate in REDUCING mode over a sequence', () => {
  it('when only accepted orders fill (at once or later, whole or in parts) then no position grows in absolute size, per symbol or in total', () => {
    const counts = { pass: 0, deny: 0, soft_breach: 0, fills: 0 };
    fc.assert(
      fc.property(
        modelArb,
        fc.array(stepArb, { minLength: 5, maxLength: 40 }),
        bookArb,
        lossArb,
        fc.subarray([...SYMBOLS]),
        (model, steps, book, loss, blockedSymbols) => {
          const blocked = new Map(blockedSymbols.map((s) => [s, 'breaker test'] as const));
          let total = totalAbsExposure(model);
          for (const step of steps) {
            const before = new Map(SYMBOLS.map((s) => [s, absBig(model.positions.get(s) ?? 0n)]));
            const verdict = apply(model, step, book, loss, blocked);
            if (verdict !== null) counts[verdict as 'pass' | 'deny' | 'soft_breach']++;
            else counts.fills++;
            for (const s of SYMBOLS) {
              const now = absBig(model.positions.get(s) ?? 0n);
              expect(now, `${s} after ${JSON.stringify(step, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`).toBeLessThanOrEqual(before.get(s)!);
            }
            const t = totalAbsExposure(model);
            expect(t).toBeLessThanOrEqual(total);
            total = t;
          }
        },
      ),
      { numRuns: 300 },
    );
    // Not vacuous: orders were both accepted and refused, and accepted ones filled.
    expect(counts.pass).toBeGreaterThan(200);
    expect(counts.deny).toBeGreaterThan(200);
    expect(counts.fills).toBeGreaterThan(200);
  });
});
