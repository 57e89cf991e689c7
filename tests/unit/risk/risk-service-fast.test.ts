import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMIT_DEFS, UNIT_DECIMALS } from '../../../src/risk/limits.ts';
import type { LimitBook, LimitEntry, LimitName, LimitScope } from '../../../src/risk/limits.ts';
import { sumWorkingViews } from '../../../src/risk/projected-state.ts';
import type { AlgoParentView, ExposureSource, PositionView, WorkingOrderView } from '../../../src/risk/projected-state.ts';
import type { RiskDecision, RiskOrder } from '../../../src/risk/risk-gate.ts';
import { ExposureSlots } from '../../../src/risk/exposure-slots.ts';
import { RiskService } from '../../../src/risk/risk-service.ts';
import { toUnits } from '../../../src/core/precision.ts';
import { MemoryRiskStore } from '../../../src/store/memory/risk-store.ts';
import { instrumentOf } from './helpers.ts';

/**
 * RiskService.check with the fast path (a versioned port naming the symbols it changed: the slots
 * are updated in place) against RiskService.check on the exact path only (a port without
 * version(): the state is rebuilt and evaluateOrder decides every order), over random sequences of
 * quotes, admitted orders, fills, children of algo parents and cash moves. Every decision, its
 * breaches and soft-breach data, must be the same.
 */

const SYMBOLS = ['BTC/USD', 'ETH/USD', 'ACME'] as const;

function entry(name: LimitName, hard: string, soft: string | null, scope: LimitScope = { kind: 'global' }): LimitEntry {
  const d = UNIT_DECIMALS[LIMIT_DEFS[name].unit];
  return { name, scope, hard: toUnits(hard, d), soft: soft === null ? null : toUnits(soft, d) };
}

/** Limits that some orders of the sequences breach (soft or hard) and most do not. */
const BOOK: LimitBook = {
  groups: { crypto: ['BTC/USD', 'ETH/USD'] },
  entries: [
    entry('max_order_qty', '40', '20', { kind: 'symbol', symbol: 'BTC/USD' }),
    entry('max_order_notional', '400000', '150000'),
    entry('price_band_pct', '5', '2'),
    entry('max_spread_bps', '80', '40'),
    entry('max_position_notional', '900000', '500000'),
    entry('max_position_pct_nav', '60', '40'),
    entry('max_gross_exposure', '3000000', '2000000'),
    entry('max_gross_exposure_pct_nav', '250', '150', { kind: 'group', group: 'crypto' }),
    entry('max_net_exposure', '1500000', '1000000', { kind: 'group', group: 'crypto' }),
    entry('max_leverage', '3', '2'),
    entry('min_cash_buffer', '100000', '200000'),
    entry('max_orders_per_minute', '40', '30'),
  ],
};

interface Book {
  version: number;
  changed: string[];
  cash: bigint;
  positions: Map<string, bigint>;
  working: WorkingOrderView[];
  parents: AlgoParentView[];
  refs: Map<string, bigint>;
  nextId: number;
}

type Op =
  | { kind: 'quote'; s: number; bps: number }
  | { kind: 'order'; s: number; buy: boolean; q: number; off: number; market: boolean; urgency: number; source: number; as: number; confirm: boolean }
  | { kind: 'fill'; pick: number; part: number }
  | { kind: 'cash'; delta: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('quote' as const), s: fc.nat(2), bps: fc.integer({ min: -300, max: 300 }) }),
  fc.record({
    kind: fc.constant('order' as const),
    s: fc.nat(2),
    buy: fc.boolean(),
    q: fc.integer({ min: 1, max: 3000 }),
    off: fc.integer({ min: -400, max: 400 }),
    market: fc.boolean(),
    urgency: fc.nat(3),
    source: fc.nat(2),
    as: fc.nat(3),
    confirm: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(50), part: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('cash' as const), delta: fc.integer({ min: -50_000, max: 50_000 }) }),
);

/** Quantity scale per symbol (lot units): BTC 0.001, ETH 0.01, ACME 1. */
const LOT: Record<string, bigint> = { 'BTC/USD': 10n, 'ETH/USD': 1n, ACME: 1n };

function sources(b: Book): { fast: ExposureSource; summed: ExposureSource; exact: ExposureSource } {
  const positions = (): PositionView[] => [...b.positions].map(([symbol, qtyUnits]) => ({ symbol, qtyUnits }));
  const base = { cashUnits: () => b.cash, positions, workingOrders: () => b.working, algoParents: () => b.parents };
  const fast: ExposureSource = {
    ...base,
    version: () => b.version,
    bySymbol: {
      changedSince: (since) => (since === b.version ? [] : since === b.version - 1 ? b.changed : 'all'),
      positions: (s) => positions().filter((p) => p.symbol === s),
      workingOrders: (s) => b.working.filter((o) => o.symbol === s),
      algoParents: (s) => b.parents.filter((p) => p.symbol === s),
    },
  };
  // The same port with the working orders' sums (the OMS's): the slots add those instead of each order.
  const summed: ExposureSource = { ...fast, bySymbol: { ...fast.bySymbol!, workingSums: (s) => sumWorkingViews(b.working.filter((o) => o.symbol === s)) } };
  return { fast, summed, exact: base };
}

const plain = (d: RiskDecision): unknown => JSON.parse(JSON.stringify({ ...d }, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));

/** BOOK without the limits that read NAV or cash (position % NAV, gross % NAV, leverage, cash buffer). */
const BOOK_NO_NAV: LimitBook = {
  groups: BOOK.groups,
  entries: BOOK.entries.filter((e) => !['max_position_pct_nav', 'max_gross_exposure_pct_nav', 'max_net_exposure_pct_nav', 'max_leverage', 'min_cash_buffer'].includes(e.name)),
};

function run(ops: readonly Op[], limits: LimitBook = BOOK, cash = '2000000'): { fast: number; exact: number } {
  const b: Book = {
    version: 1,
    changed: [],
    cash: toUnits(cash, 8),
    positions: new Map([
      ['BTC/USD', 3_000n],
      ['ETH/USD', -40_00n],
      ['ACME', 500n],
    ]),
    working: [],
    parents: [
      { id: 'P0', symbol: 'BTC/USD', side: 'buy', unplacedUnits: 20_000n, limitPriceUnits: 10_100_00n },
      { id: 'P1', symbol: 'ETH/USD', side: 'sell', unplacedUnits: 50_00n, limitPriceUnits: null },
    ],
    refs: new Map([
      ['BTC/USD', 10_000_00n],
      ['ETH/USD', 2_000_00n],
      ['ACME', 150_00n],
    ]),
    nextId: 0,
  };
  const src = sources(b);
  const market = {
    ref: (s: string) => b.refs.get(s),
    bid: (s: string) => (b.refs.has(s) ? b.refs.get(s)! - 5n : undefined),
    ask: (s: string) => (b.refs.has(s) ? b.refs.get(s)! + 5n : undefined),
  };
  const t0 = Date.UTC(2026, 0, 5, 14, 0);
  const make = (exposure: ExposureSource): RiskService => {
    const s = new RiskService({ store: new MemoryRiskStore(), instrumentOf, exposure, market, defaults: limits }, t0);
    s.onEquity(b.cash, t0);
    return s;
  };
  const fast = make(src.fast);
  const exact = make(src.exact);
  const summed = make(src.summed);
  const bump = (...symbols: string[]): void => {
    b.version++;
    b.changed = symbols;
  };
  // The slots themselves, read with each order added and with the sums: every column and total the same.
  const byOrder = new ExposureSlots();
  const bySums = new ExposureSlots();
  const refOf = (s: string): bigint | undefined => b.refs.get(s);
  let now = t0;
  for (const op of ops) {
    now += 700;
    expect(bySums.sync(src.summed, instrumentOf, refOf, limits)).toBe(byOrder.sync(src.fast, instrumentOf, refOf, limits));
    expect(Array.from(bySums.columns)).toEqual(Array.from(byOrder.columns));
    expect(Array.from(bySums.totals)).toEqual(Array.from(byOrder.totals));
    // The trading guard's question, answered from the slots on one side and a rebuilt state on the other.
    for (const s of SYMBOLS) for (const side of ['buy', 'sell'] as const) expect(fast.reduces(s, side)).toBe(exact.reduces(s, side));
    for (const s of SYMBOLS) for (const side of ['buy', 'sell'] as const) expect(summed.reduces(s, side)).toBe(exact.reduces(s, side));
    if (op.kind === 'quote') {
      const s = SYMBOLS[op.s]!;
      const r = b.refs.get(s)!;
      b.refs.set(s, r + (r * BigInt(op.bps)) / 10_000n);
    } else if (op.kind === 'cash') {
      b.cash += BigInt(op.delta) * 100_000_000n;
      bump();
    } else if (op.kind === 'fill') {
      const o = b.working[op.pick % Math.max(1, b.working.length)];
      if (!o) continue;
      const q = (o.remainingUnits * BigInt(op.part)) / 4n;
      o.remainingUnits -= q;
      b.positions.set(o.symbol, (b.positions.get(o.symbol) ?? 0n) + (o.side === 'buy' ? q : -q));
      if (o.remainingUnits === 0n) b.working.splice(b.working.indexOf(o), 1);
      bump(o.symbol);
    } else {
      const symbol = SYMBOLS[op.s]!;
      const ref = b.refs.get(symbol)!;
      const price = ref + (ref * BigInt(op.off)) / 10_000n;
      const side = op.buy ? ('buy' as const) : ('sell' as const);
      const parent = op.as === 3 ? b.parents.find((p) => p.symbol === symbol && p.side === side && p.unplacedUnits > 0n) : undefined;
      const order: RiskOrder = {
        symbol,
        side,
        qtyUnits: BigInt(op.q) * LOT[symbol]!,
        type: op.market ? 'market' : 'limit',
        limitPriceUnits: op.market ? null : price,
        estimatedPriceUnits: op.market ? price : null,
        urgency: (['immediate', 'high', 'medium', 'low'] as const)[op.urgency]!,
        source: (['manual', 'api', 'signal'] as const)[op.source]!,
        kind: parent ? 'child' : op.as === 2 ? 'parent' : 'direct',
        parentId: parent ? parent.id : null,
        confirm: op.confirm,
      };
      // The ticket's what-if, from the slots on one side and the rebuilt state on the other.
      expect(plain(fast.preview(order, now))).toEqual(plain(exact.preview(order, now)));
      expect(plain(summed.preview(order, now))).toEqual(plain(exact.preview(order, now)));
      const a = plain(fast.check(order, now));
      const e = plain(exact.check(order, now));
      expect(a).toEqual(e);
      expect(plain(summed.check(order, now))).toEqual(e);
      if ((a as { verdict: string }).verdict !== 'pass') continue;
      // A pass joins the book: a child takes its quantity from its parent.
      if (parent) {
        const take = order.qtyUnits < parent.unplacedUnits ? order.qtyUnits : parent.unplacedUnits;
        const i = b.parents.indexOf(parent);
        b.parents[i] = { ...parent, unplacedUnits: parent.unplacedUnits - take };
      }
      if (order.kind === 'parent') b.parents.push({ id: `Q${b.nextId++}`, symbol, side, unplacedUnits: order.qtyUnits, limitPriceUnits: order.limitPriceUnits });
      else b.working.push({ id: `W${b.nextId++}`, symbol, side, remainingUnits: order.qtyUnits, priceUnits: order.limitPriceUnits ?? order.estimatedPriceUnits ?? null, parentId: parent ? parent.id : null });
      bump(symbol);
    }
  }
  return fast.checkStats;
}

describe('RiskService.check: fast path and in-place slots against the exact path', () => {
  it('when quotes move, orders are admitted, fill, take from their parents and cash moves then every decision, preview and reducing answer equals the exact path’s', () => {
    let fastTotal = 0;
    let exactTotal = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 20, maxLength: 80, size: "max" }), (ops) => {
        const s = run(ops);
        fastTotal += s.fast;
        exactTotal += s.exact;
      }),
      { numRuns: 200 },
    );
    // The sequences exercise the fast path, not only the fallback.
    expect(fastTotal).toBeGreaterThan(exactTotal / 2);
  });

  it('when the cash moves across 2^53 units (an account of ~90M) then every decision still equals the exact path’s, and without NAV or cash limits the fast path decides beyond it', () => {
    for (const limits of [BOOK, BOOK_NO_NAV]) {
      let fastTotal = 0;
      let exactTotal = 0;
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 20, maxLength: 80, size: 'max' }), fc.constantFrom('90060000', '90071000', '90080000', '150000000'), (ops, cash) => {
          const s = run(ops, limits, cash);
          fastTotal += s.fast;
          exactTotal += s.exact;
        }),
        { numRuns: 100 },
      );
      // Without NAV or cash limits the fast path keeps deciding above 2^53 (as often as the first property asks).
      if (limits === BOOK_NO_NAV) expect(fastTotal).toBeGreaterThan(exactTotal / 2);
    }
  });
});
