import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Side } from '../../../src/contract/dto.ts';
import { notionalUnits } from '../../../src/core/instrument.ts';
import { ProjectedStateCache, buildProjectedState, grossExposure, netExposure, withOrder } from '../../../src/risk/projected-state.ts';
import type { AlgoParentView, ExposureSource, PositionView, ProjectedOrder, ProjectedState, WorkingOrderView } from '../../../src/risk/projected-state.ts';
import { inst, instrumentOf } from './helpers.ts';

/**
 * The shortcuts L1 takes for speed give exactly what a fresh build gives: the cached state (kept
 * while the exposure version holds, revalued symbol by symbol when prices move), the overlay map of
 * withOrder, and exposure sums carried from one state to the next.
 */

const SYMBOLS = ['BTC/USD', 'ETH/USD', 'ACME'] as const;
const GROUPS: readonly (readonly string[])[] = [['BTC/USD', 'ETH/USD'], ['ACME'], ['ETH/USD', 'ACME', 'ETH/USD']];

interface World {
  version: number;
  cash: bigint;
  refs: Map<string, bigint | undefined>;
  positions: PositionView[];
  working: WorkingOrderView[];
  parents: AlgoParentView[];
}

type Event =
  | { kind: 'price'; symbol: string; price: bigint | null }
  | { kind: 'fill'; symbol: string; qty: bigint }
  | { kind: 'order'; symbol: string; side: Side; qty: bigint; priced: boolean }
  | { kind: 'nothing' };

const symArb = fc.constantFrom(...SYMBOLS);
const sideArb = fc.constantFrom('buy' as const, 'sell' as const);
const priceArb = fc.bigInt({ min: 100n, max: 20_000n });

const worldArb: fc.Arbitrary<World> = fc
  .record({
    cash: fc.bigInt({ min: 0n, max: 10n ** 14n }),
    refs: fc.tuple(...SYMBOLS.map(() => fc.option(priceArb, { nil: undefined, freq: 6 }))),
    positions: fc.tuple(...SYMBOLS.map(() => fc.option(fc.bigInt({ min: -100_000n, max: 100_000n }), { nil: undefined, freq: 3 }))),
    working: fc.array(fc.record({ symbol: symArb, side: sideArb, q: fc.bigInt({ min: 0n, max: 50_000n }), priced: fc.boolean() }), { maxLength: 4 }),
    parents: fc.array(fc.record({ symbol: symArb, side: sideArb, q: fc.bigInt({ min: 0n, max: 50_000n }) }), { maxLength: 3 }),
  })
  .map((w) => ({
    version: 0,
    cash: w.cash,
    refs: new Map(SYMBOLS.map((s, k) => [s, w.refs[k]])),
    // A symbol not held and not worked is absent from the state: withOrder then adds it.
    positions: SYMBOLS.flatMap((symbol, k) => (w.positions[k] === undefined ? [] : [{ symbol, qtyUnits: w.positions[k] }])),
    working: w.working.map((o, k) => ({ id: `W${k}`, symbol: o.symbol, side: o.side, remainingUnits: o.q, priceUnits: o.priced ? 1_000n : null, parentId: null })),
    parents: w.parents.map((p, k) => ({ id: `P${k}`, symbol: p.symbol, side: p.side, unplacedUnits: p.q, limitPriceUnits: null })),
  }));

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('price' as const), symbol: symArb, price: fc.option(priceArb, { nil: null, freq: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fill' as const), symbol: symArb, qty: fc.bigInt({ min: -10_000n, max: 10_000n }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('order' as const), symbol: symArb, side: sideArb, qty: fc.bigInt({ min: 1n, max: 10_000n }), priced: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'nothing' as const }) },
);

const orderArb: fc.Arbitrary<ProjectedOrder> = fc.record({
  symbol: symArb,
  side: sideArb,
  qtyUnits: fc.bigInt({ min: 1n, max: 20_000n }),
  priceUnits: fc.option(priceArb, { nil: null }),
  kind: fc.constantFrom('direct' as const, 'parent' as const, 'child' as const),
  parentId: fc.constantFrom('P0', 'P1', 'P2', null),
});

function apply(w: World, e: Event): void {
  if (e.kind === 'price') w.refs.set(e.symbol, e.price ?? undefined);
  if (e.kind === 'fill') {
    const p = w.positions.find((x) => x.symbol === e.symbol);
    w.positions = p ? w.positions.map((x) => (x === p ? { ...x, qtyUnits: x.qtyUnits + e.qty } : x)) : [...w.positions, { symbol: e.symbol, qtyUnits: e.qty }];
    w.version++;
  }
  if (e.kind === 'order') {
    w.working = [...w.working, { id: `W${w.working.length}`, symbol: e.symbol, side: e.side, remainingUnits: e.qty, priceUnits: e.priced ? 1_000n : null, parentId: null }];
    w.version++;
  }
}

function sourceOf(w: World, versioned: boolean): ExposureSource {
  const src: ExposureSource = { cashUnits: () => w.cash, positions: () => w.positions, workingOrders: () => w.working, algoParents: () => w.parents };
  if (versioned) src.version = () => w.version;
  return src;
}

/** Everything a state says, in iteration order, as plain data. */
function plain(s: ProjectedState): unknown {
  return {
    cash: s.cashUnits,
    nav: s.navUnits,
    projectedCash: s.projectedCashUnits,
    symbols: [...s.symbols.entries()],
    size: s.symbols.size,
    byGet: SYMBOLS.map((x) => [s.symbols.has(x), s.symbols.get(x)]),
    parents: [...s.parents.entries()],
    unpriced: [...s.unpriced],
  };
}

const absB = (x: bigint): bigint => (x < 0n ? -x : x);

/** The projected state's numbers computed the plain way, straight from the world (the specification). */
function reference(w: World): { nav: bigint; projectedCash: bigint; symbols: Record<string, Record<string, bigint | undefined>> } {
  const out: Record<string, Record<string, bigint | undefined>> = {};
  let nav = w.cash;
  let pending = 0n;
  const seen = new Set([...w.positions.map((p) => p.symbol), ...w.working.filter((o) => o.remainingUnits > 0n).map((o) => o.symbol), ...w.parents.filter((p) => p.unplacedUnits > 0n).map((p) => p.symbol)]);
  for (const s of seen) {
    const i = inst(s);
    const ref = w.refs.get(s);
    const val = (q: bigint): bigint => (ref === undefined ? 0n : notionalUnits(i, ref, q));
    const pos = w.positions.filter((p) => p.symbol === s).reduce((a, p) => a + p.qtyUnits, 0n);
    const live = w.working.filter((o) => o.symbol === s && o.remainingUnits > 0n);
    const algos = w.parents.filter((p) => p.symbol === s && p.unplacedUnits > 0n);
    const sum = (xs: bigint[]): bigint => xs.reduce((a, x) => a + x, 0n);
    const wb = sum(live.filter((o) => o.side === 'buy').map((o) => o.remainingUnits));
    const ws = sum(live.filter((o) => o.side === 'sell').map((o) => o.remainingUnits));
    const ab = sum(algos.filter((p) => p.side === 'buy').map((p) => p.unplacedUnits));
    const as = sum(algos.filter((p) => p.side === 'sell').map((p) => p.unplacedUnits));
    const buys = [...live.filter((o) => o.side === 'buy').map((o) => [o.remainingUnits, o.priceUnits] as const), ...algos.filter((p) => p.side === 'buy').map((p) => [p.unplacedUnits, p.limitPriceUnits] as const)];
    const cashNeed = sum(buys.map(([q, price]) => (price !== null ? notionalUnits(i, price, q) : val(q))));
    const long = val(pos + wb + ab);
    const short = val(pos - ws - as);
    out[s] = {
      positionUnits: pos,
      longCaseUnits: pos + wb + ab,
      shortCaseUnits: pos - ws - as,
      refPriceUnits: ref,
      positionValueUnits: val(pos),
      longCaseValueUnits: long,
      shortCaseValueUnits: short,
      grossValueUnits: absB(long) > absB(short) ? absB(long) : absB(short),
      pendingBuyCashUnits: cashNeed,
    };
    nav += val(pos);
    pending += cashNeed;
  }
  return { nav, projectedCash: w.cash - pending, symbols: out };
}

function sums(s: ProjectedState): bigint[] {
  return [grossExposure(s), netExposure(s), ...GROUPS.flatMap((g) => [grossExposure(s, g), netExposure(s, g)])];
}

describe('ProjectedStateCache and the exposure shortcuts', () => {
  it('when prices move and the book changes then the cached state, its sums and withOrder on it equal a fresh build', () => {
    fc.assert(
      fc.property(worldArb, fc.array(fc.tuple(eventArb, orderArb, fc.boolean()), { minLength: 1, maxLength: 25 }), fc.boolean(), (world, events, versioned) => {
        const cache = new ProjectedStateCache();
        const priceOf = (s: string): bigint | undefined => world.refs.get(s);
        for (const [event, order, askSums] of events) {
          apply(world, event);
          const cached = cache.get(sourceOf(world, versioned), instrumentOf, priceOf);
          const fresh = buildProjectedState(sourceOf(world, false), instrumentOf, priceOf);
          expect(plain(cached)).toEqual(plain(fresh));
          const spec = reference(world);
          expect([cached.navUnits, cached.projectedCashUnits]).toEqual([spec.nav, spec.projectedCash]);
          expect(Object.fromEntries([...cached.symbols].map(([k, e]) => [k, Object.fromEntries(Object.keys(spec.symbols[k] ?? {}).map((f) => [f, e[f as keyof typeof e]]))]))).toEqual(spec.symbols);
          // Sums asked on some states only: the next revaluation carries what is known, derives the rest.
          if (askSums) expect(sums(cached)).toEqual(sums(fresh));
          const ref = world.refs.get(order.symbol) ?? 1_000n;
          const a = withOrder(cached, order, inst(order.symbol), ref);
          const b = withOrder(fresh, order, inst(order.symbol), ref);
          expect(plain(a)).toEqual(plain(b));
          expect(sums(a)).toEqual(sums(b));
          // withOrder of a direct order or a parent is the book rebuilt with that order in it (up to symbol order).
          if (order.kind !== 'child' && world.refs.get(order.symbol) !== undefined) {
            const withIt: World = {
              ...world,
              working: order.kind === 'direct' ? [...world.working, { id: 'X', symbol: order.symbol, side: order.side, remainingUnits: order.qtyUnits, priceUnits: order.priceUnits, parentId: null }] : world.working,
              parents: order.kind === 'parent' ? [...world.parents, { id: 'X', symbol: order.symbol, side: order.side, unplacedUnits: order.qtyUnits, limitPriceUnits: order.priceUnits }] : world.parents,
            };
            const rebuilt = buildProjectedState(sourceOf(withIt, false), instrumentOf, priceOf);
            const sorted = (x: ProjectedState): unknown => ({ n: x.symbols.size, has: SYMBOLS.map((k) => x.symbols.has(k)), e: [...x.symbols.entries()].sort(([p], [q]) => p.localeCompare(q)), nav: x.navUnits, pc: x.projectedCashUnits, u: [...x.unpriced].sort() });
            expect(sorted(a)).toEqual(sorted(rebuilt));
            expect(sums(a)).toEqual(sums(rebuilt));
          }
          // And on top of that, a second order (an overlay on an overlay).
          const a2 = withOrder(a, { ...order, symbol: 'ACME', kind: 'direct' }, inst('ACME'), 500n);
          const b2 = withOrder(b, { ...order, symbol: 'ACME', kind: 'direct' }, inst('ACME'), 500n);
          expect(plain(a2)).toEqual(plain(b2));
          expect(sums(a2)).toEqual(sums(b2));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('when nothing changed then the same state object comes back; when the version changes it is rebuilt', () => {
    const world: World = { version: 1, cash: 10n ** 12n, refs: new Map([['BTC/USD', 10_000n]]), positions: [{ symbol: 'BTC/USD', qtyUnits: 1_000n }], working: [], parents: [] };
    const cache = new ProjectedStateCache();
    const priceOf = (s: string): bigint | undefined => world.refs.get(s);
    const first = cache.get(sourceOf(world, true), instrumentOf, priceOf);
    expect(cache.get(sourceOf(world, true), instrumentOf, priceOf)).toBe(first);
    world.positions = [{ symbol: 'BTC/USD', qtyUnits: 2_000n }];
    // Same version: the port promised nothing changed, so the cached state stands.
    expect(cache.get(sourceOf(world, true), instrumentOf, priceOf)).toBe(first);
    world.version = 2;
    const second = cache.get(sourceOf(world, true), instrumentOf, priceOf);
    expect(second.symbols.get('BTC/USD')!.positionUnits).toBe(2_000n);
    // Without version() every call rebuilds.
    expect(cache.get(sourceOf(world, false), instrumentOf, priceOf)).not.toBe(cache.get(sourceOf(world, false), instrumentOf, priceOf));
  });
});
