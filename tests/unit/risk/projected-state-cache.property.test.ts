import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Side } from '../../../src/contract/dto.ts';
import { notionalUnits, resolveInstrument } from '../../../src/core/instrument.ts';
import type { Instrument } from '../../../src/core/instrument.ts';
import { ProjectedStateCache, buildProjectedState, exposureSums, grossExposure, isReducing, netExposure, projectSymbol, reducesWith, sumWorkingViews, withOrder } from '../../../src/risk/projected-state.ts';
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

/*
 * The book changing under the cache: a mutable source that names the symbols each change touched
 * (ExposureSource.bySymbol), and a cache that reads back only those symbols.
 */

const EXTRA = new Map<string, Instrument>(
  [
    { symbol: 'S1', lot: '1', tick: '0.01' },
    { symbol: 'S2', lot: '0.001', tick: '0.5' },
    { symbol: 'S3', lot: '0.01', tick: '0.05' },
    { symbol: 'S4', lot: '1', tick: '0.01' },
    { symbol: 'S5', lot: '0.001', tick: '0.01' },
    { symbol: 'S6', lot: '0.1', tick: '0.1' },
  ].map(({ symbol, lot, tick }) => [symbol, resolveInstrument({ symbol, base: symbol, quote: 'USD', kind: 'crypto', tickSize: tick, lotSize: lot, minNotional: '1', makerFeeBps: 1, takerFeeBps: 5, tradable: true })]),
);
const instOf = (s: string): Instrument | undefined => EXTRA.get(s) ?? instrumentOf(s);
/** Ten symbols, so that more than eight can change at once; GHOST has no instrument (valued at 0). */
const BOOK_SYMBOLS = ['BTC/USD', 'ETH/USD', 'ACME', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'GHOST'] as const;
const BOOK_GROUPS: readonly (readonly string[])[] = [['BTC/USD', 'S1', 'S2'], ['GHOST', 'ACME'], ['S3', 'S3', 'ETH/USD', 'S6'], ['S4', 'NOT_HELD']];

interface ParentRow {
  id: string;
  symbol: string;
  side: Side;
  /** Parent quantity not yet filled; its children's remainders are part of it. */
  remaining: bigint;
  limit: bigint | null;
}

interface Book {
  version: number;
  /** What each version step changed, oldest first. */
  steps: { version: number; symbols: readonly string[] | 'all' }[];
  cash: bigint;
  refs: Map<string, bigint | undefined>;
  positions: PositionView[];
  /** Direct orders and children (parentId set). */
  working: WorkingOrderView[];
  parents: ParentRow[];
  nextId: number;
}

/** Parents as the engine reports them: the unplaced remainder is what working children do not cover. */
function parentViews(b: Book, symbol?: string): AlgoParentView[] {
  const out: AlgoParentView[] = [];
  for (const p of b.parents) {
    if (symbol !== undefined && p.symbol !== symbol) continue;
    let children = 0n;
    for (const o of b.working) if (o.parentId === p.id) children += o.remainingUnits;
    const unplaced = p.remaining - children;
    out.push({ id: p.id, symbol: p.symbol, side: p.side, unplacedUnits: unplaced > 0n ? unplaced : 0n, limitPriceUnits: p.limit });
  }
  return out;
}

function bookSource(b: Book, sums = false): ExposureSource {
  const src: ExposureSource = {
    cashUnits: () => b.cash,
    positions: () => b.positions,
    workingOrders: () => b.working,
    algoParents: () => parentViews(b),
    version: () => b.version,
    bySymbol: {
      changedSince: (since) => {
        if (typeof since !== 'number') return 'all';
        const named = new Set<string>();
        for (const st of b.steps) {
          if (st.version <= since) continue;
          if (st.symbols === 'all') return 'all';
          for (const x of st.symbols) named.add(x);
        }
        return [...named];
      },
      positions: (s) => b.positions.filter((p) => p.symbol === s),
      workingOrders: (s) => b.working.filter((o) => o.symbol === s),
      algoParents: (s) => parentViews(b, s),
    },
  };
  // The working orders' running sums beside the views (the OMS's): the cache reads those instead.
  if (sums) src.bySymbol!.workingSums = (s) => sumWorkingViews(b.working.filter((o) => o.symbol === s));
  return src;
}

/** The same book, read whole (no version: buildProjectedState's input). */
function wholeSource(b: Book): ExposureSource {
  return { cashUnits: () => b.cash, positions: () => b.positions, workingOrders: () => b.working, algoParents: () => parentViews(b) };
}

type Change =
  | { kind: 'price'; symbol: string; price: bigint | null }
  | { kind: 'fill'; symbol: string; qty: bigint; cash: bigint }
  | { kind: 'flatten'; pick: number }
  | { kind: 'dropPosition'; pick: number }
  | { kind: 'order'; symbol: string; side: Side; qty: bigint; price: bigint | null }
  | { kind: 'amendOrder'; pick: number; qty: bigint }
  | { kind: 'cancelOrder'; pick: number }
  | { kind: 'parent'; symbol: string; side: Side; qty: bigint; limit: bigint | null }
  | { kind: 'child'; pick: number; qty: bigint; price: bigint | null }
  | { kind: 'childFill'; pick: number; qty: bigint }
  | { kind: 'amendParent'; pick: number; qty: bigint }
  | { kind: 'endParent'; pick: number }
  | { kind: 'cash'; delta: bigint }
  | { kind: 'many'; symbols: string[]; qty: bigint };

const bookSymArb = fc.constantFrom(...BOOK_SYMBOLS);
const qtyArb = fc.bigInt({ min: 0n, max: 30_000n });
const optPriceArb = fc.option(priceArb, { nil: null });

const changeArb: fc.Arbitrary<Change> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('price' as const), symbol: bookSymArb, price: fc.option(priceArb, { nil: null, freq: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('fill' as const), symbol: bookSymArb, qty: fc.bigInt({ min: -20_000n, max: 20_000n }), cash: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flatten' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropPosition' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('order' as const), symbol: bookSymArb, side: sideArb, qty: qtyArb, price: optPriceArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('amendOrder' as const), pick: fc.nat(), qty: qtyArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancelOrder' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('parent' as const), symbol: bookSymArb, side: sideArb, qty: qtyArb, limit: optPriceArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('child' as const), pick: fc.nat(), qty: qtyArb, price: optPriceArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('childFill' as const), pick: fc.nat(), qty: fc.bigInt({ min: 1n, max: 20_000n }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('amendParent' as const), pick: fc.nat(), qty: qtyArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('endParent' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cash' as const), delta: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('many' as const), symbols: fc.uniqueArray(bookSymArb, { minLength: 2, maxLength: BOOK_SYMBOLS.length }), qty: fc.bigInt({ min: -5_000n, max: 5_000n }) }) },
);

const bookArb: fc.Arbitrary<Book> = fc
  .record({
    cash: fc.bigInt({ min: 0n, max: 10n ** 14n }),
    refs: fc.tuple(...BOOK_SYMBOLS.map(() => fc.option(priceArb, { nil: undefined, freq: 6 }))),
    // Mostly held: a symbol new to the book rebuilds, and this is about the other changes.
    held: fc.subarray([...BOOK_SYMBOLS], { minLength: 7 }),
    qty: fc.array(fc.bigInt({ min: -50_000n, max: 50_000n }), { minLength: BOOK_SYMBOLS.length, maxLength: BOOK_SYMBOLS.length }),
  })
  .map((w) => ({
    version: 0,
    steps: [],
    cash: w.cash,
    refs: new Map(BOOK_SYMBOLS.map((s, k) => [s, w.refs[k]])),
    positions: w.held.map((symbol) => ({ symbol, qtyUnits: w.qty[BOOK_SYMBOLS.indexOf(symbol)]! })),
    working: [],
    parents: [],
    nextId: 0,
  }));

function addPosition(b: Book, symbol: string, qty: bigint): void {
  const p = b.positions.find((x) => x.symbol === symbol);
  b.positions = p ? b.positions.map((x) => (x === p ? { symbol, qtyUnits: x.qtyUnits + qty } : x)) : [...b.positions, { symbol, qtyUnits: qty }];
}

/** Applies a change; returns the symbols it touched (undefined: no version step, a price move). */
function applyChange(b: Book, c: Change): string[] | undefined {
  const pick = <T>(xs: readonly T[], k: number): T | undefined => (xs.length === 0 ? undefined : xs[k % xs.length]);
  switch (c.kind) {
    case 'price':
      b.refs.set(c.symbol, c.price ?? undefined);
      return undefined;
    case 'fill':
      addPosition(b, c.symbol, c.qty);
      b.cash += c.cash;
      return [c.symbol];
    case 'flatten': {
      const p = pick(b.positions, c.pick);
      if (!p) return [];
      b.positions = b.positions.map((x) => (x === p ? { symbol: x.symbol, qtyUnits: 0n } : x));
      return [p.symbol];
    }
    case 'dropPosition': {
      const p = pick(b.positions, c.pick);
      if (!p) return [];
      b.positions = b.positions.filter((x) => x !== p);
      return [p.symbol];
    }
    case 'order':
      b.working = [...b.working, { id: `O${b.nextId++}`, symbol: c.symbol, side: c.side, remainingUnits: c.qty, priceUnits: c.price, parentId: null }];
      return [c.symbol];
    case 'amendOrder': {
      const o = pick(b.working, c.pick);
      if (!o) return [];
      b.working = b.working.map((x) => (x === o ? { ...x, remainingUnits: c.qty } : x));
      return [o.symbol];
    }
    case 'cancelOrder': {
      const o = pick(b.working, c.pick);
      if (!o) return [];
      b.working = b.working.filter((x) => x !== o);
      return [o.symbol];
    }
    case 'parent':
      b.parents = [...b.parents, { id: `P${b.nextId++}`, symbol: c.symbol, side: c.side, remaining: c.qty, limit: c.limit }];
      return [c.symbol];
    case 'child': {
      const p = pick(b.parents, c.pick);
      if (!p) return [];
      b.working = [...b.working, { id: `C${b.nextId++}`, symbol: p.symbol, side: p.side, remainingUnits: c.qty, priceUnits: c.price, parentId: p.id }];
      return [p.symbol];
    }
    case 'childFill': {
      const o = pick(
        b.working.filter((x) => x.parentId !== null),
        c.pick,
      );
      if (!o) return [];
      const q = c.qty < o.remainingUnits ? c.qty : o.remainingUnits;
      b.working = b.working.map((x) => (x === o ? { ...x, remainingUnits: x.remainingUnits - q } : x));
      b.parents = b.parents.map((p) => (p.id === o.parentId ? { ...p, remaining: p.remaining - q } : p));
      addPosition(b, o.symbol, o.side === 'buy' ? q : -q);
      b.cash += o.side === 'buy' ? -q * 100n : q * 100n;
      return [o.symbol];
    }
    case 'amendParent': {
      const p = pick(b.parents, c.pick);
      if (!p) return [];
      b.parents = b.parents.map((x) => (x === p ? { ...x, remaining: c.qty } : x));
      return [p.symbol];
    }
    case 'endParent': {
      const p = pick(b.parents, c.pick);
      if (!p) return [];
      b.parents = b.parents.filter((x) => x !== p);
      b.working = b.working.filter((x) => x.parentId !== p.id);
      return [p.symbol];
    }
    case 'cash':
      b.cash += c.delta;
      return [];
    case 'many':
      for (const s of c.symbols) addPosition(b, s, c.qty);
      return c.symbols;
  }
}

function step(b: Book, symbols: readonly string[] | 'all'): void {
  b.version++;
  b.steps.push({ version: b.version, symbols });
}

function bookSums(s: ProjectedState): bigint[] {
  return [grossExposure(s), netExposure(s), ...BOOK_GROUPS.flatMap((g) => [grossExposure(s, g), netExposure(s, g)])];
}

/** Everything a state says, as plain data: its map read by iteration and by lookup (also of symbols it lacks). */
function plainBook(s: ProjectedState): unknown {
  return {
    cash: s.cashUnits,
    nav: s.navUnits,
    projectedCash: s.projectedCashUnits,
    symbols: [...s.symbols.entries()],
    size: s.symbols.size,
    byGet: [...BOOK_SYMBOLS, 'NOT_HELD'].map((x) => [s.symbols.has(x), s.symbols.get(x)]),
    parents: [...s.parents.entries()],
    unpriced: [...s.unpriced],
  };
}

/** Σ over the state's symbols, straight from its entries (not through the sums cache). */
function sumsByHand(s: ProjectedState, only?: readonly string[]): { gross: bigint; long: bigint; short: bigint } {
  const acc = { gross: 0n, long: 0n, short: 0n };
  for (const [k, e] of s.symbols) {
    if (only && !only.includes(k)) continue;
    acc.gross += e.grossValueUnits;
    acc.long += e.longCaseValueUnits;
    acc.short += e.shortCaseValueUnits;
  }
  return acc;
}

const totals = { symbolReads: 0, rebuilds: 0, checks: 0 };
const BOOK_RUNS = 400;

/**
 * Runs a sequence of changes; after each one marked `check`, the cached state equals a fresh
 * build, the states handed out before are untouched, and the exposure sums agree.
 */
function runBook(book: Book, changes: readonly [Change, boolean, boolean, number][], report: (touched: string[], extra: number) => readonly string[] | 'all'): void {
  const cache = new ProjectedStateCache();
  const summed = new ProjectedStateCache();
  const priceOf = (s: string): bigint | undefined => book.refs.get(s);
  let held: { state: ProjectedState; snapshot: unknown } | undefined;
  const checkNow = (askSums: boolean): void => {
    const cached = cache.get(bookSource(book), instOf, priceOf);
    const fresh = buildProjectedState(wholeSource(book), instOf, priceOf);
    expect(plainBook(cached)).toEqual(plainBook(fresh));
    expect(plainBook(summed.get(bookSource(book, true), instOf, priceOf))).toEqual(plainBook(fresh));
    // Earlier states are data: reading back symbols must not have changed them.
    if (held) expect(plainBook(held.state)).toEqual(held.snapshot);
    for (const only of [undefined, ...BOOK_GROUPS]) expect(sumsByHand(cached, only)).toEqual(sumsByHand(fresh, only));
    // Sums asked on some states only: the next state carries what is known and derives the rest.
    if (askSums) expect(bookSums(cached)).toEqual(bookSums(fresh));
    const order: ProjectedOrder = { symbol: 'S2', side: 'buy', qtyUnits: 1_000n, priceUnits: null, kind: 'child', parentId: book.parents[0]?.id ?? null };
    const a = withOrder(cached, order, instOf('S2'), 700n);
    const b = withOrder(fresh, order, instOf('S2'), 700n);
    expect(plainBook(a)).toEqual(plainBook(b));
    expect(bookSums(a)).toEqual(bookSums(b));
    held = { state: cached, snapshot: plainBook(cached) };
    totals.checks++;
  };
  checkNow(true);
  for (const [change, check, askSums, extra] of changes) {
    const touched = applyChange(book, change);
    if (touched) step(book, report(touched, extra));
    if (check) checkNow(askSums);
  }
  checkNow(true);
  totals.symbolReads += cache.stats.symbolReads;
  totals.rebuilds += cache.stats.rebuilds;
}

const changesArb = fc.array(fc.tuple(changeArb, fc.boolean(), fc.boolean(), fc.nat({ max: 9 })), { minLength: 1, maxLength: 40 });

describe('ProjectedStateCache reading back changed symbols', () => {
  it('when positions, orders, parents, children, cash and prices change and the source names the symbols touched then the cached state equals a fresh build after every change', () => {
    totals.symbolReads = 0;
    totals.rebuilds = 0;
    fc.assert(
      fc.property(bookArb, changesArb, (book, changes) => runBook(book, changes, (touched) => touched)),
      { numRuns: BOOK_RUNS },
    );
    // The property is about the incremental path: most version changes must have taken it.
    expect(totals.symbolReads).toBeGreaterThan(500);
    expect(totals.symbolReads).toBeGreaterThan(totals.rebuilds - BOOK_RUNS);
  });

  it('when the source sometimes says all or names more symbols than changed then the cached state still equals a fresh build', () => {
    fc.assert(
      fc.property(bookArb, changesArb, (book, changes) =>
        runBook(book, changes, (touched, extra) => (extra === 0 ? 'all' : extra < 4 ? [...touched, BOOK_SYMBOLS[extra]!, 'NOT_HELD'] : touched)),
      ),
      { numRuns: 300 },
    );
  });

  it('when one symbol changes then only it is read back; a new symbol, a new parent, all, too many symbols or a source without bySymbol rebuild', () => {
    const book: Book = {
      version: 0,
      steps: [],
      cash: 10n ** 12n,
      refs: new Map(BOOK_SYMBOLS.map((s) => [s, 1_000n])),
      positions: BOOK_SYMBOLS.slice(0, 9).map((symbol) => ({ symbol, qtyUnits: 1_000n })),
      working: [],
      parents: [{ id: 'P0', symbol: 'S1', side: 'buy', remaining: 5_000n, limit: null }],
      nextId: 1,
    };
    const cache = new ProjectedStateCache();
    const priceOf = (s: string): bigint | undefined => book.refs.get(s);
    const get = (src: ExposureSource = bookSource(book)): ProjectedState => cache.get(src, instOf, priceOf);
    const agree = (s: ProjectedState): void => expect(plainBook(s)).toEqual(plainBook(buildProjectedState(wholeSource(book), instOf, priceOf)));
    const first = get();
    expect(cache.stats).toEqual({ rebuilds: 1, symbolReads: 0 });
    expect(get()).toBe(first);

    step(book, applyChange(book, { kind: 'order', symbol: 'BTC/USD', side: 'buy', qty: 2_000n, price: null })!);
    agree(get());
    step(book, applyChange(book, { kind: 'child', pick: 0, qty: 1_000n, price: 900n })!);
    const afterChild = get();
    agree(afterChild);
    expect(afterChild.parents.get('P0')!.unplacedUnits).toBe(4_000n);
    expect(first.parents.get('P0')!.unplacedUnits).toBe(5_000n);
    step(book, applyChange(book, { kind: 'cash', delta: -5n })!);
    const afterCash = get();
    agree(afterCash);
    expect(afterCash.symbols).toBe(afterChild.symbols);
    expect(cache.stats).toEqual({ rebuilds: 1, symbolReads: 3 });

    // A symbol new to the book changes the symbol order.
    step(book, applyChange(book, { kind: 'order', symbol: 'GHOST', side: 'sell', qty: 1n, price: null })!);
    agree(get());
    expect(cache.stats.rebuilds).toBe(2);
    // A new parent: its place in the parents map is the source's.
    step(book, applyChange(book, { kind: 'parent', symbol: 'S2', side: 'sell', qty: 10n, limit: null })!);
    agree(get());
    expect(cache.stats.rebuilds).toBe(3);
    step(book, 'all');
    agree(get());
    expect(cache.stats.rebuilds).toBe(4);
    step(book, applyChange(book, { kind: 'many', symbols: BOOK_SYMBOLS.slice(0, 9), qty: 1n })!);
    agree(get());
    expect(cache.stats.rebuilds).toBe(5);
    step(book, applyChange(book, { kind: 'many', symbols: BOOK_SYMBOLS.slice(0, 8), qty: 1n })!);
    agree(get());
    expect(cache.stats).toEqual({ rebuilds: 5, symbolReads: 4 });
    const { bySymbol: _ignored, ...withoutBySymbol } = bookSource(book);
    step(book, applyChange(book, { kind: 'fill', symbol: 'S3', qty: 7n, cash: 1n })!);
    agree(get(withoutBySymbol));
    expect(cache.stats).toEqual({ rebuilds: 6, symbolReads: 4 });
  });
});

describe('projectSymbol: what L1 derives per order without building a state', () => {
  it('when any order is projected on any state then its symbol, the reducing test and every scope total equal withOrder', () => {
    fc.assert(
      fc.property(worldArb, orderArb, fc.option(priceArb, { nil: undefined }), (world, order, ref) => {
        const priceOf = (s: string): bigint | undefined => world.refs.get(s);
        const state = buildProjectedState(sourceOf(world, false), instrumentOf, priceOf);
        const i = inst(order.symbol);
        const after = withOrder(state, order, i, ref);
        const e = projectSymbol(state, order, order.priceUnits, i, ref);
        expect(e).toEqual(after.symbols.get(order.symbol));
        expect(reducesWith(state, e, order)).toBe(isReducing(state, after, order));
        const cur = state.symbols.get(order.symbol);
        for (const members of [undefined, ...GROUPS.filter((g) => g.includes(order.symbol))]) {
          const sums = exposureSums(state, members);
          expect(sums.gross + e.grossValueUnits - (cur?.grossValueUnits ?? 0n)).toBe(grossExposure(after, members));
          const long = sums.long + e.longCaseValueUnits - (cur?.longCaseValueUnits ?? 0n);
          const short = sums.short + e.shortCaseValueUnits - (cur?.shortCaseValueUnits ?? 0n);
          expect(absB(long) > absB(short) ? absB(long) : absB(short)).toBe(netExposure(after, members));
        }
        expect(state.projectedCashUnits + (cur?.pendingBuyCashUnits ?? 0n) - e.pendingBuyCashUnits).toBe(after.projectedCashUnits);
      }),
      { numRuns: 400 },
    );
  });
});
