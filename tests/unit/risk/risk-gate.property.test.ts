import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLevels, scopeKey } from '../../../src/risk/limits.ts';
import type { LimitBook } from '../../../src/risk/limits.ts';
import { grossExposure, withOrder } from '../../../src/risk/projected-state.ts';
import { evaluateOrder, isExposureBreach } from '../../../src/risk/risk-gate.ts';
import type { RiskDecision, RiskOrder, Verdict } from '../../../src/risk/risk-gate.ts';
import { inst } from './helpers.ts';
import { SYMBOLS, worldArb, stateFrom, bookArb, loosenArb, caseArb, inputsOf } from './gate-arbitraries.ts';
import type { Case } from './gate-arbitraries.ts';

const RANK: Record<Verdict, number> = { pass: 0, soft_breach: 1, deny: 2 };

// Generators: ./gate-arbitraries.ts.

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
