import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { URGENCIES } from '../../../src/contract/dto.ts';
import type { LossView } from '../../../src/risk/drawdown.ts';
import { LIMIT_DEFS, checkLevels } from '../../../src/risk/limits.ts';
import type { LimitBook, LimitEntry, LimitName, LimitScope, LimitUnit } from '../../../src/risk/limits.ts';
import type { OrderRates } from '../../../src/risk/order-rate.ts';
import { buildProjectedState } from '../../../src/risk/projected-state.ts';
import type { AlgoParentView, PositionView, ProjectedState, WorkingOrderView } from '../../../src/risk/projected-state.ts';
import { DEFAULT_GATE_CONFIG, evaluateOrder } from '../../../src/risk/risk-gate.ts';
import type { RiskInputs, RiskOrder } from '../../../src/risk/risk-gate.ts';
import { ExposureSlots } from '../../../src/risk/exposure-slots.ts';
import { FAST_PASS, fastCleanPass } from '../../../src/risk/gate-fast.ts';
import { strictnessFor } from '../../../src/risk/tiers.ts';
import { CHECK_NAMES } from '../../../src/risk/limits.ts';
import type { TradingMode } from '../../../src/risk/trading-state.ts';
import { inst, instrumentOf } from './helpers.ts';

/**
 * The L1 fast path (gate-fast.ts over ExposureSlots) against the exact gate (evaluateOrder over a
 * fresh projected state): whenever the fast path calls an order a clean pass, the exact gate
 * gives a clean pass with the same reducing flag, price, notional, strictness and checks; and the
 * fast path settles most clean passes (it is not a path that always defers). World, book and order
 * generators as in risk-gate.property.test.ts.
 */

const SYMBOLS = ['BTC/USD', 'ETH/USD', 'ACME'] as const;
const GROUPS = { crypto: ['BTC/USD', 'ETH/USD'] };

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


function fastDecides(c: Case, limits: LimitBook): { fast: boolean; synced: boolean } {
  const slots = new ExposureSlots();
  const w = c.world;
  const synced = slots.sync({ cashUnits: () => w.cash, positions: () => w.positions, workingOrders: () => w.working, algoParents: () => w.parents, version: () => 1 }, instrumentOf, (s) => w.refs[s], limits);
  if (!synced) return { fast: false, synced };
  const x = inputsOf(c, limits);
  const fast = fastCleanPass(c.order, inst(c.order.symbol), {
    slots,
    limits,
    mode: x.mode,
    blocked: x.blocked,
    market: x.market,
    rates: x.rates,
    loss: x.loss,
    strictness: strictnessFor(c.order.urgency, c.vol, DEFAULT_GATE_CONFIG.tiers),
  });
  return { fast, synced };
}

const checkedOf = (mask: number): string[] => CHECK_NAMES.filter((_, i) => (mask & (1 << i)) !== 0);

/** A book as loose as the generators allow: most orders pass it cleanly. */
const looseBookArb: fc.Arbitrary<LimitBook> = bookArb.chain((b) => loosenArb(b)).chain((b) => loosenArb(b));

/** The case with its book's quantities cut a hundredfold: a book worth well under 2^53 cash units. */
const smallCaseArb: fc.Arbitrary<Case> = caseArb.map((c) => ({
  ...c,
  world: {
    ...c.world,
    positions: c.world.positions.map((p) => ({ ...p, qtyUnits: p.qtyUnits / 100n })),
    working: c.world.working.map((o) => ({ ...o, remainingUnits: o.remainingUnits / 100n + 1n })),
    parents: c.world.parents.map((p) => ({ ...p, unplacedUnits: p.unplacedUnits / 100n })),
  },
}));

/** Calm trading: active, few orders sent, the loss view of the case. */
const calmCaseArb: fc.Arbitrary<Case> = smallCaseArb.map((c) => ({ ...c, mode: 'ACTIVE' as const, rates: { minute: 1, hour: 2, symbolMinute: 0, symbolHour: 1 } }));

/** Every generated limit with room: maximums a million times higher, minimums a million times lower. */
const roomyBookArb: fc.Arbitrary<LimitBook> = bookArb.map((b) => ({
  ...b,
  entries: b.entries.map((e) => {
    const up = LIMIT_DEFS[e.name].direction === 'max';
    const f = (v: bigint): bigint => (up ? v * 1_000_000n : v / 1_000_000n);
    return { ...e, hard: f(e.hard), soft: e.soft === null ? null : f(e.soft) };
  }),
}));

describe('L1 fast path (gate-fast.ts) against the exact gate', () => {
  it('when the fast path calls an order a clean pass then the exact gate passes it cleanly with the same reducing flag, price and checks', () => {
    let clean = 0;
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(caseArb, smallCaseArb, calmCaseArb), fc.oneof(bookArb, looseBookArb, roomyBookArb), (c, limits) => {
        const exact = evaluateOrder(c.order, inst(c.order.symbol), inputsOf(c, limits));
        const isClean = exact.verdict === 'pass' && exact.breaches.length === 0;
        const f = fastDecides(c, limits);
        // Some generated books are worth more than 2^53 cash units (90 million at 10^-8): the exact path's.
        if (!f.synced) return;
        if (isClean) clean++;
        if (!f.fast) return;
        fast++;
        expect(exact.verdict).toBe('pass');
        expect(exact.code).toBeNull();
        expect(exact.breaches).toEqual([]);
        expect(FAST_PASS.reducing).toBe(exact.reducing);
        expect(FAST_PASS.price).toBe(exact.priceUnits);
        expect(checkedOf(FAST_PASS.checked)).toEqual(exact.checked);
      }),
      { numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(0);
    expect(fast).toBeLessThanOrEqual(clean);
  });

  it('when trading is calm and the limits have room then the fast path settles almost every clean pass', () => {
    let clean = 0;
    let fast = 0;
    fc.assert(
      fc.property(calmCaseArb, roomyBookArb, (c, limits) => {
        const exact = evaluateOrder(c.order, inst(c.order.symbol), inputsOf(c, limits));
        const f = fastDecides(c, limits);
        if (!f.synced || exact.verdict !== 'pass' || exact.breaches.length > 0) return;
        clean++;
        if (f.fast) fast++;

      }),
      { numRuns: 1500 },
    );
    expect(clean).toBeGreaterThan(150);
    expect(fast / clean).toBeGreaterThan(0.95);
  });

  it('when a value is beyond exact doubles (cash of 10^17 units) then the slots say so and the exact path decides', () => {
    fc.assert(
      fc.property(caseArb, looseBookArb, (c, limits) => {
        const big = { ...c, world: { ...c.world, cash: 10n ** 17n } };
        expect(fastDecides(big, limits)).toEqual({ fast: false, synced: false });
      }),
      { numRuns: 100 },
    );
  });

  it('when a limit sits exactly at, one unit under or one unit over what the order makes then the fast path agrees with the exact gate or defers', () => {
    fc.assert(
      fc.property(smallCaseArb, fc.constantFrom(-1n, 0n, 1n), fc.constantFrom('max_order_notional', 'max_position_notional', 'max_gross_exposure', 'min_cash_buffer') as fc.Arbitrary<LimitName>, (c, nudge, name) => {
        const exactOf = (limits: LimitBook) => evaluateOrder(c.order, inst(c.order.symbol), inputsOf(c, limits));
        // The observed value: what the exact gate reports when the level is 1 unit (for a
        // maximum, always breached) or the largest level (for the cash minimum).
        const def = LIMIT_DEFS[name];
        const probe = exactOf({ entries: [{ name, scope: { kind: 'global' }, hard: def.direction === 'max' ? 1n : 10n ** 30n, soft: null }], groups: GROUPS });
        const b = probe.breaches.find((x) => x.limit === name);
        if (!b || b.observed === null) return;
        const d = 8;
        const [i, f = ''] = b.observed.replace('-', '').split('.');
        const units = (b.observed.startsWith('-') ? -1n : 1n) * BigInt(i! + f.padEnd(d, '0'));
        const level = units + nudge;
        if (level <= 0n) return;
        const limits: LimitBook = { entries: [{ name, scope: { kind: 'global' }, hard: level, soft: null }], groups: GROUPS };
        const exact = exactOf(limits);
        if (fastDecides(c, limits).fast) {
          expect(exact.verdict).toBe('pass');
          expect(exact.breaches).toEqual([]);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
