import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { URGENCIES } from '../../../src/contract/dto.ts';
import type { LossView } from '../../../src/risk/drawdown.ts';
import { LIMIT_DEFS, checkLevels, scopeKey } from '../../../src/risk/limits.ts';
import type { LimitBook, LimitEntry, LimitName, LimitScope, LimitUnit } from '../../../src/risk/limits.ts';
import type { OrderRates } from '../../../src/risk/order-rate.ts';
import { buildProjectedState, grossExposure, withOrder } from '../../../src/risk/projected-state.ts';
import type { AlgoParentView, PositionView, ProjectedState, WorkingOrderView } from '../../../src/risk/projected-state.ts';
import { evaluateOrder, isExposureBreach } from '../../../src/risk/risk-gate.ts';
import type { RiskDecision, RiskInputs, RiskOrder, Verdict } from '../../../src/risk/risk-gate.ts';
import type { TradingMode } from '../../../src/risk/trading-state.ts';
import { inst, instrumentOf } from './helpers.ts';

const SYMBOLS = ['BTC/USD', 'ETH/USD', 'ACME'] as const;
const GROUPS = { crypto: ['BTC/USD', 'ETH/USD'] };
const RANK: Record<Verdict, number> = { pass: 0, soft_breach: 1, deny: 2 };

// ---- generators -------------------------------------------------------------------------------

/** Quantities in instrument units: BTC lot 0.001, ETH 0.01, ACME 1. */
const MAX_QTY: Record<string, bigint> = { 'BTC/USD': 5_000_000n, 'ETH/USD': 2_000_000n, ACME: 50_000n };
/** Reference prices in price units (2 decimals for all three). */
const priceArb = fc.bigInt({ min: 100n, max: 20_000n });

interface World {
  cash: bigint;
  refs: Record<string, bigint>;
  positions: PositionView[];
  working: WorkingOrderView[];
  parents: AlgoParentView[];
}

const worldArb: fc.Arbitrary<World> = fc
  .record({
    cash: fc.bigInt({ min: 0n, max: 200_000_000_000_000n }),
    refs: fc.record({ 'BTC/USD': priceArb, 'ETH/USD': priceArb, ACME: priceArb }),
    positions: fc.tuple(...SYMBOLS.map((s) => fc.bigInt({ min: -MAX_QTY[s]!, max: MAX_QTY[s]! }))),
    working: fc.array(
      fc.record({ symbol: fc.constantFrom(...SYMBOLS), side: fc.constantFrom('buy' as const, 'sell' as const), q: fc.bigInt({ min: 1n, max: 1_000_000n }), priced: fc.boolean() }),
      { maxLength: 4 },
    ),
    parents: fc.array(fc.record({ symbol: fc.constantFrom(...SYMBOLS), side: fc.constantFrom('buy' as const, 'sell' as const), q: fc.bigInt({ min: 0n, max: 1_000_000n }) }), { maxLength: 3 }),
  })
  .map((w) => ({
    cash: w.cash,
    refs: w.refs,
    positions: SYMBOLS.map((symbol, k) => ({ symbol, qtyUnits: w.positions[k]! })),
    working: w.working.map((o, k) => ({ id: `W${k}`, symbol: o.symbol, side: o.side, remainingUnits: o.q, priceUnits: o.priced ? w.refs[o.symbol]! : null, parentId: null })),
    parents: w.parents.map((p, k) => ({ id: `P${k}`, symbol: p.symbol, side: p.side, unplacedUnits: p.q, limitPriceUnits: null })),
  }));

function stateFrom(w: World): ProjectedState {
  return buildProjectedState({ cashUnits: () => w.cash, positions: () => w.positions, workingOrders: () => w.working, algoParents: () => w.parents }, instrumentOf, (s) => w.refs[s]);
}

const UNIT_MAX: Record<LimitUnit, bigint> = {
  money: 200_000_000_000_000n, // 2,000,000
  qty: 500_000_000_000n, // 5,000
  pct: 2_000_000n, // 200%
  bps: 20_000n, // 200 bps
  ratio: 30_000n, // 3x
  count: 300n,
  ticks: 200_000n,
};

const TEMPLATES: { name: LimitName; scope: LimitScope }[] = [
  { name: 'max_order_qty', scope: { kind: 'symbol', symbol: 'BTC/USD' } },
  { name: 'max_order_qty', scope: { kind: 'symbol', symbol: 'ACME' } },
  { name: 'max_order_notional', scope: { kind: 'global' } },
  { name: 'max_order_notional', scope: { kind: 'symbol', symbol: 'ETH/USD' } },
  { name: 'price_band_pct', scope: { kind: 'global' } },
  { name: 'price_band_ticks', scope: { kind: 'symbol', symbol: 'BTC/USD' } },
  { name: 'max_position_pct_nav', scope: { kind: 'global' } },
  { name: 'max_position_notional', scope: { kind: 'global' } },
  { name: 'max_gross_exposure_pct_nav', scope: { kind: 'global' } },
  { name: 'max_gross_exposure', scope: { kind: 'group', group: 'crypto' } },
  { name: 'max_net_exposure_pct_nav', scope: { kind: 'group', group: 'crypto' } },
  { name: 'max_net_exposure', scope: { kind: 'global' } },
  { name: 'max_leverage', scope: { kind: 'global' } },
  { name: 'min_cash_buffer', scope: { kind: 'global' } },
  { name: 'max_orders_per_minute', scope: { kind: 'global' } },
  { name: 'max_orders_per_hour', scope: { kind: 'symbol', symbol: 'BTC/USD' } },
  { name: 'max_spread_bps', scope: { kind: 'global' } },
  { name: 'max_daily_loss', scope: { kind: 'global' } },
  { name: 'max_drawdown_daily_pct', scope: { kind: 'global' } },
  { name: 'max_drawdown_weekly_pct', scope: { kind: 'global' } },
  { name: 'max_drawdown_monthly_pct', scope: { kind: 'global' } },
];

/** An entry with valid levels: a maximum's soft level at or under the hard one, a minimum's at or above. */
function entryArb(t: { name: LimitName; scope: LimitScope }): fc.Arbitrary<LimitEntry> {
  const def = LIMIT_DEFS[t.name];
  const max = def.maxValue !== undefined && def.maxValue < UNIT_MAX[def.unit] ? def.maxValue : UNIT_MAX[def.unit];
  return fc
    .tuple(fc.bigInt({ min: def.allowZero ? 0n : 1n, max }), fc.option(fc.bigInt({ min: 0n, max: 1_000_000n }), { nil: null }))
    .map(([hard, softPpm]) => {
      let soft: bigint | null = null;
      if (softPpm !== null) soft = def.direction === 'max' ? (hard * softPpm) / 1_000_000n : hard + ((max - hard) * softPpm) / 1_000_000n;
      if (soft !== null && soft === 0n && !def.allowZero) soft = null;
      return { name: t.name, scope: t.scope, hard, soft };
    });
}

const bookArb: fc.Arbitrary<LimitBook> = fc
  .tuple(...TEMPLATES.map((t) => fc.option(entryArb(t), { nil: undefined, freq: 3 })))
  .map((es) => ({ entries: es.filter((e): e is LimitEntry => e !== undefined), groups: GROUPS }));

/** Loosens a book: drops entries (not per-symbol overrides) or soft levels, raises maximums, lowers minimums. */
function loosenArb(book: LimitBook): fc.Arbitrary<LimitBook> {
  return fc.tuple(...book.entries.map(() => fc.record({ op: fc.constantFrom('keep', 'drop', 'dropSoft', 'scale'), k: fc.bigInt({ min: 0n, max: 3_000_000n }) }))).map((ops) => {
    const entries: LimitEntry[] = [];
    book.entries.forEach((e, i) => {
      const { op, k } = ops[i]!;
      const def = LIMIT_DEFS[e.name];
      // Dropping a per-symbol override falls back to the global entry, which may be stricter: not a loosening.
      const override = e.scope.kind === 'symbol' && def.symbolMode === 'override';
      if (op === 'drop' && !override) return;
      if (op === 'drop') return entries.push(e);
      if (op === 'keep') return entries.push(e);
      if (op === 'dropSoft') return entries.push({ ...e, soft: null });
      if (def.direction === 'max') {
        const up = (v: bigint): bigint => v + (v * k) / 1_000_000n + k / 1000n;
        const cand = { ...e, hard: up(e.hard), soft: e.soft === null ? null : up(e.soft) };
        entries.push(checkLevels(e.name, cand) ? e : cand);
      } else {
        const d = (e.hard * k) / 3_000_000n;
        entries.push({ ...e, hard: e.hard - d, soft: e.soft === null ? null : e.soft - d });
      }
    });
    return { entries, groups: book.groups };
  });
}

const lossArb: fc.Arbitrary<LossView> = fc
  .record({ loss: fc.bigInt({ min: 0n, max: 10_000_000_000_000n }), d: fc.bigInt({ min: 0n, max: 200_000n }), w: fc.bigInt({ min: 0n, max: 200_000n }), m: fc.bigInt({ min: 0n, max: 200_000n }) })
  .map(({ loss, d, w, m }) => ({ equityUnits: 0n, dayStartEquityUnits: 0n, dayPnlUnits: -loss, dailyLossUnits: loss, drawdownPct: { daily: d, weekly: w, monthly: m } }));

const ratesArb: fc.Arbitrary<OrderRates> = fc.record({ minute: fc.nat(400), hour: fc.nat(400), symbolMinute: fc.nat(400), symbolHour: fc.nat(400) });

interface Case {
  world: World;
  order: RiskOrder;
  mode: TradingMode;
  loss: LossView;
  rates: OrderRates;
  spreadTicks: bigint;
  vol: { baseline: number; current: number } | undefined;
}

function orderArb(world: World): fc.Arbitrary<RiskOrder> {
  return fc
    .record({
      symbol: fc.constantFrom(...SYMBOLS),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      market: fc.boolean(),
      offsetBps: fc.integer({ min: -1500, max: 1500 }),
      urgency: fc.constantFrom(...URGENCIES),
      source: fc.constantFrom('manual' as const, 'api' as const, 'signal' as const),
      kind: fc.constantFrom('direct' as const, 'parent' as const, 'child' as const),
      parent: fc.nat(3),
      confirm: fc.boolean(),
      q: fc.bigInt({ min: 1n, max: 5_000_000n }),
    })
    .map((o) => {
      const ref = world.refs[o.symbol]!;
      const price = ref + (ref * BigInt(o.offsetBps)) / 10_000n;
      const parent = world.parents[o.parent];
      return {
        symbol: o.symbol,
        side: o.side,
        qtyUnits: o.q % MAX_QTY[o.symbol]! + 1n,
        type: o.market ? ('market' as const) : ('limit' as const),
        limitPriceUnits: o.market ? null : price > 0n ? price : 1n,
        estimatedPriceUnits: o.market ? (price > 0n ? price : 1n) : null,
        urgency: o.urgency,
        source: o.source,
        kind: o.kind,
        parentId: o.kind === 'child' && parent ? parent.id : null,
        confirm: o.confirm,
      };
    });
}

const caseArb: fc.Arbitrary<Case> = worldArb.chain((world) =>
  fc.record({
    world: fc.constant(world),
    order: orderArb(world),
    mode: fc.constantFrom('ACTIVE' as const, 'REDUCING' as const, 'HALTED' as const),
    loss: lossArb,
    rates: ratesArb,
    spreadTicks: fc.bigInt({ min: 1n, max: 400n }),
    vol: fc.option(fc.record({ baseline: fc.double({ min: 0.1, max: 2, noNaN: true }), current: fc.double({ min: 0.1, max: 8, noNaN: true }) }), { nil: undefined }),
  }),
);

function inputsOf(c: Case, limits: LimitBook, state: ProjectedState = stateFrom(c.world)): RiskInputs {
  const ref = c.world.refs[c.order.symbol]!;
  return {
    state,
    limits,
    mode: c.mode,
    market: { refPriceUnits: ref, bidUnits: ref - c.spreadTicks, askUnits: ref + c.spreadTicks },
    rates: c.rates,
    loss: c.loss,
    volatility: c.vol,
  };
}

function decide(c: Case, limits: LimitBook, over: Partial<RiskOrder> = {}): RiskDecision {
  const o = { ...c.order, ...over };
  return evaluateOrder(o, inst(o.symbol), inputsOf(c, limits));
}

// ---- properties -------------------------------------------------------------------------------

describe('risk gate properties', () => {
  it('when trading is REDUCING then an order that reduces a position is never denied for exposure, losses or the mode', () => {
    const reducingCase = caseArb.chain((c) => {
      // Pick a held symbol and a quantity that cannot take it through zero with its side's working orders.
      const state = stateFrom(c.world);
      const held = SYMBOLS.filter((s) => {
        const e = state.symbols.get(s);
        if (!e) return false;
        return e.positionUnits > 0n ? e.shortCaseUnits > 0n : e.positionUnits < 0n && e.longCaseUnits < 0n;
      });
      if (held.length === 0) return fc.constant(undefined);
      return fc.tuple(fc.constantFrom(...held), fc.bigInt({ min: 1n, max: 1_000_000_000n }), bookArb).map(([symbol, k, book]) => {
        const e = state.symbols.get(symbol)!;
        const room = e.positionUnits > 0n ? e.shortCaseUnits : -e.longCaseUnits;
        const side = e.positionUnits > 0n ? ('sell' as const) : ('buy' as const);
        const order: RiskOrder = { ...c.order, symbol, side, kind: 'direct', parentId: null, qtyUnits: (k % room) + 1n };
        return { c: { ...c, order, mode: 'REDUCING' as const }, book };
      });
    });
    fc.assert(
      fc.property(reducingCase, (x) => {
        if (!x) return;
        const d = decide(x.c, x.book);
        expect(d.reducing).toBe(true);
        expect(d.code).not.toBe('REDUCING_ONLY');
        expect(d.breaches.filter(isExposureBreach)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('when any limit is tightened (added, lowered, given a soft level) then a denial never turns into a pass, nor a soft breach into a pass', () => {
    fc.assert(
      fc.property(caseArb.chain((c) => bookArb.chain((tight) => loosenArb(tight).map((loose) => ({ c, tight, loose })))), ({ c, tight, loose }) => {
        const strict = decide(c, tight);
        const lax = decide(c, loose);
        expect(RANK[strict.verdict]).toBeGreaterThanOrEqual(RANK[lax.verdict]);
        // Every hard breach of the lax book is still a hard breach of the strict one.
        const key = (b: { code: string; limit: string | null; scope: string | null }) => `${b.code}|${b.limit}|${b.scope}`;
        const strictHard = new Set(strict.breaches.filter((b) => b.level === 'hard').map(key));
        for (const b of lax.breaches.filter((b) => b.level === 'hard')) expect(strictHard.has(key(b))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('when volatility rises or urgency is immediate then the gate is never more lenient for a direct order', () => {
    fc.assert(
      fc.property(caseArb, bookArb, (c, book) => {
        const base = decide({ ...c, vol: undefined }, book, { kind: 'direct', urgency: 'medium' });
        const immediate = decide({ ...c, vol: undefined }, book, { kind: 'direct', urgency: 'immediate' });
        const volatile = decide({ ...c, vol: { baseline: 1, current: 4 } }, book, { kind: 'direct', urgency: 'medium' });
        expect(RANK[immediate.verdict]).toBeGreaterThanOrEqual(RANK[base.verdict]);
        expect(RANK[volatile.verdict]).toBeGreaterThanOrEqual(RANK[base.verdict]);
      }),
      { numRuns: 300 },
    );
  });

  it("when a child takes no more than its parent's remainder then projected exposure does not change", () => {
    fc.assert(
      fc.property(worldArb, fc.nat(3), fc.bigInt({ min: 1n, max: 10_000_000n }), (world, p, k) => {
        const parent = world.parents[p];
        if (!parent || parent.unplacedUnits === 0n) return;
        const s = stateFrom(world);
        const q = (k % parent.unplacedUnits) + 1n;
        const a = withOrder(s, { symbol: parent.symbol, side: parent.side, qtyUnits: q, priceUnits: null, kind: 'child', parentId: parent.id }, inst(parent.symbol));
        expect(grossExposure(a)).toBe(grossExposure(s));
        expect(a.parents.get(parent.id)!.unplacedUnits).toBe(parent.unplacedUnits - q);
      }),
      { numRuns: 300 },
    );
  });

  it('when generated books are checked then they are valid (the generators respect soft/hard order)', () => {
    fc.assert(
      fc.property(bookArb.chain((b) => loosenArb(b).map((l) => [b, l] as const)), ([b, l]) => {
        for (const e of [...b.entries, ...l.entries]) expect(checkLevels(e.name, e), `${e.name}@${scopeKey(e.scope)}`).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});
