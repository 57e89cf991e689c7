import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMIT_DEFS } from '../../../src/risk/limits.ts';
import type { LimitBook, LimitName } from '../../../src/risk/limits.ts';
import { DEFAULT_GATE_CONFIG, evaluateOrder } from '../../../src/risk/risk-gate.ts';
import { ExposureSlots } from '../../../src/risk/exposure-slots.ts';
import { FAST_PASS, fastCleanPass } from '../../../src/risk/gate-fast.ts';
import { strictnessFor } from '../../../src/risk/tiers.ts';
import { CHECK_NAMES } from '../../../src/risk/limits.ts';
import { inst, instrumentOf } from './helpers.ts';
import { GROUPS, bookArb, loosenArb, caseArb, inputsOf } from './gate-arbitraries.ts';
import type { Case } from './gate-arbitraries.ts';

/**
 * The L1 fast path (gate-fast.ts over ExposureSlots) against the exact gate (evaluateOrder over a
 * fresh projected state): whenever the fast path calls an order a clean pass, the exact gate
 * gives a clean pass with the same reducing flag, price, notional, strictness and checks; and the
 * fast path settles most clean passes (it is not a path that always defers). World, book and order
 * generators shared with risk-gate.property.test.ts (gate-arbitraries.ts).
 */


// Generators: ./gate-arbitraries.ts.


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

  it('when the cash is beyond exact doubles (either sign) then a clean pass the fast path decides on the slots exact beside the cash is the exact gate’s', () => {
    let fast = 0;
    const bigCash = fc.oneof(fc.bigInt({ min: 2n ** 53n, max: 10n ** 20n }), fc.bigInt({ min: -(10n ** 20n), max: -(2n ** 53n) }));
    fc.assert(
      fc.property(fc.oneof(smallCaseArb, calmCaseArb), fc.oneof(bookArb, looseBookArb, roomyBookArb), bigCash, (c0, limits, cash) => {
        const c = { ...c0, world: { ...c0.world, cash } };
        const w = c.world;
        const slots = new ExposureSlots();
        expect(slots.sync({ cashUnits: () => w.cash, positions: () => w.positions, workingOrders: () => w.working, algoParents: () => w.parents, version: () => 1 }, instrumentOf, (s) => w.refs[s], limits)).toBe(false);
        expect(slots.cashKnown()).toBe(false);
        if (!slots.exactBesideCash()) return;
        const x = inputsOf(c, limits);
        const strictness = strictnessFor(c.order.urgency, c.vol, DEFAULT_GATE_CONFIG.tiers);
        if (!fastCleanPass(c.order, inst(c.order.symbol), { slots, limits, mode: x.mode, blocked: x.blocked, market: x.market, rates: x.rates, loss: x.loss, strictness })) return;
        fast++;
        const exact = evaluateOrder(c.order, inst(c.order.symbol), x);
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
