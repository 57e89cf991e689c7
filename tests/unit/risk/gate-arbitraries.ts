import fc from 'fast-check';
import { URGENCIES } from '../../../src/contract/dto.ts';
import type { LossView } from '../../../src/risk/drawdown.ts';
import { LIMIT_DEFS, checkLevels } from '../../../src/risk/limits.ts';
import type { LimitBook, LimitEntry, LimitName, LimitScope, LimitUnit } from '../../../src/risk/limits.ts';
import type { OrderRates } from '../../../src/risk/order-rate.ts';
import { buildProjectedState } from '../../../src/risk/projected-state.ts';
import type { AlgoParentView, PositionView, ProjectedState, WorkingOrderView } from '../../../src/risk/projected-state.ts';
import type { RiskInputs, RiskOrder } from '../../../src/risk/risk-gate.ts';
import type { TradingMode } from '../../../src/risk/trading-state.ts';
import { instrumentOf } from './helpers.ts';

/**
 * Worlds (positions, working orders, algo parents, cash), limit books, losses, order rates and
 * orders for the L1 gate's property tests: risk-gate.property.test.ts checks the exact gate's
 * invariants over them, gate-fast.property.test.ts the fast path against the exact gate.
 */

export const SYMBOLS = ['BTC/USD', 'ETH/USD', 'ACME'] as const;
export const GROUPS = { crypto: ['BTC/USD', 'ETH/USD'] };
export const MAX_QTY: Record<string, bigint> = { 'BTC/USD': 5_000_000n, 'ETH/USD': 2_000_000n, ACME: 50_000n };
/** Reference prices in price units (2 decimals for all three). */
export const priceArb = fc.bigInt({ min: 100n, max: 20_000n });

export interface World {
  cash: bigint;
  refs: Record<string, bigint>;
  positions: PositionView[];
  working: WorkingOrderView[];
  parents: AlgoParentView[];
}

export const worldArb: fc.Arbitrary<World> = fc
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

export function stateFrom(w: World): ProjectedState {
  return buildProjectedState({ cashUnits: () => w.cash, positions: () => w.positions, workingOrders: () => w.working, algoParents: () => w.parents }, instrumentOf, (s) => w.refs[s]);
}

export const UNIT_MAX: Record<LimitUnit, bigint> = {
  money: 200_000_000_000_000n, // 2,000,000
  qty: 500_000_000_000n, // 5,000
  pct: 2_000_000n, // 200%
  bps: 20_000n, // 200 bps
  ratio: 30_000n, // 3x
  count: 300n,
  ticks: 200_000n,
};

export const TEMPLATES: { name: LimitName; scope: LimitScope }[] = [
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
export function entryArb(t: { name: LimitName; scope: LimitScope }): fc.Arbitrary<LimitEntry> {
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

export const bookArb: fc.Arbitrary<LimitBook> = fc
  .tuple(...TEMPLATES.map((t) => fc.option(entryArb(t), { nil: undefined, freq: 3 })))
  .map((es) => ({ entries: es.filter((e): e is LimitEntry => e !== undefined), groups: GROUPS }));

/** Loosens a book: drops entries (not per-symbol overrides) or soft levels, raises maximums, lowers minimums. */
export function loosenArb(book: LimitBook): fc.Arbitrary<LimitBook> {
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

export const lossArb: fc.Arbitrary<LossView> = fc
  .record({ loss: fc.bigInt({ min: 0n, max: 10_000_000_000_000n }), d: fc.bigInt({ min: 0n, max: 200_000n }), w: fc.bigInt({ min: 0n, max: 200_000n }), m: fc.bigInt({ min: 0n, max: 200_000n }) })
  .map(({ loss, d, w, m }) => ({ equityUnits: 0n, dayStartEquityUnits: 0n, dayPnlUnits: -loss, dailyLossUnits: loss, drawdownPct: { daily: d, weekly: w, monthly: m } }));

export const ratesArb: fc.Arbitrary<OrderRates> = fc.record({ minute: fc.nat(400), hour: fc.nat(400), symbolMinute: fc.nat(400), symbolHour: fc.nat(400) });

export interface Case {
  world: World;
  order: RiskOrder;
  mode: TradingMode;
  loss: LossView;
  rates: OrderRates;
  spreadTicks: bigint;
  vol: { baseline: number; current: number } | undefined;
}

export function orderArb(world: World): fc.Arbitrary<RiskOrder> {
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

export const caseArb: fc.Arbitrary<Case> = worldArb.chain((world) =>
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

export function inputsOf(c: Case, limits: LimitBook, state: ProjectedState = stateFrom(c.world)): RiskInputs {
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
