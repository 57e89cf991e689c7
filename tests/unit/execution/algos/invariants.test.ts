import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlgoKind } from '../../../../src/contract/dto.ts';
import { ALGO_KINDS } from '../../../../src/contract/dto.ts';
import { createAlgo } from '../../../../src/execution/algos/index.ts';
import { currentSlice, sliceTimes, targetUnits, twapFraction } from '../../../../src/execution/algos/schedule.ts';
import type { AlgoParams, GuardVerdict } from '../../../../src/execution/algos/types.ts';
import { T0, lotArb, marketArb, sideArb, tickArb, urgencyArb } from './arbitraries.ts';
import { FakeHarness, unitHash } from './fake-context.ts';

/** Parameters of each kind, as routing fills them in (plus the optional ones at random). */
function paramsArb(kind: AlgoKind, lot: bigint): fc.Arbitrary<Partial<AlgoParams>> {
  const units = (max: number) => fc.integer({ min: 1, max }).map((n) => (BigInt(n) * lot).toString());
  switch (kind) {
    case 'twap':
    case 'adaptive':
      return fc.record({ slices: fc.integer({ min: 1, max: 40 }), jitterPct: fc.double({ min: 0, max: 0.45, noNaN: true }) });
    case 'vwap':
      return fc.record({
        slices: fc.integer({ min: 1, max: 40 }),
        volumeProfile: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 24 }),
        profileBucketMinutes: fc.constantFrom(1, 5, 60),
      });
    case 'pov':
      return fc.record({ participation: fc.double({ min: 0.01, max: 0.5, noNaN: true }), minChildUnits: fc.option(units(5), { nil: undefined }), maxChildUnits: fc.option(units(50), { nil: undefined }) });
    case 'passive':
      return fc.record({ maxChildUnits: fc.option(units(50), { nil: undefined }) });
    case 'iceberg':
      return fc.record({ displayUnits: units(30), displayJitterPct: fc.double({ min: 0, max: 0.9, noNaN: true }) });
  }
}

const scenarioArb = fc
  .record({
    kind: fc.constantFrom<AlgoKind>(...ALGO_KINDS),
    side: sideArb,
    urgency: urgencyArb,
    lot: lotArb,
    tick: tickArb,
    qtyLots: fc.integer({ min: 1, max: 600 }),
    minChildLots: fc.bigInt({ min: 1n, max: 4n }),
    /** Cap in ticks from the starting bid: below, at, inside or beyond the market, or none. */
    capTicks: fc.option(fc.integer({ min: -8, max: 8 })),
    waitBeforeStartMs: fc.constantFrom(0, 0, 3_000),
    horizonSec: fc.integer({ min: 2, max: 120 }),
    steps: marketArb,
    /** Windows in which the guard says "slow" (ms from the start). */
    guardOff: fc.array(fc.tuple(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 100, max: 20_000 })), { maxLength: 3 }),
    runnerChecksGuard: fc.boolean(),
    denyChild: fc.option(fc.integer({ min: 1, max: 12 })),
    restartAtMs: fc.option(fc.integer({ min: 0, max: 120_000 })),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
  })
  .chain((s) => paramsArb(s.kind, s.lot).map((extra) => ({ ...s, extra })));

describe('every algorithm', () => {
  it('honours the cap, the start and end times, the guard and the gate, and never has more filled + working than the parent — also across a restart', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const startAt = T0 + s.waitBeforeStartMs;
        const endAt = startAt + s.horizonSec * 1000;
        const guard = (t: number): GuardVerdict => (s.guardOff.some(([a, len]) => t >= T0 + a && t < T0 + a + len) ? { ok: false, action: 'slow', reason: 'test' } : { ok: true });
        const h = new FakeHarness(() => createAlgo(s.kind), {
          side: s.side,
          urgency: s.urgency,
          qtyUnits: BigInt(s.qtyLots) * s.lot,
          limitUnits: s.capTicks === null ? null : (10_000n + BigInt(s.capTicks)) * s.tick,
          arrivalAt: T0,
          params: { startAt, endAt, seed: s.seed, ...s.extra },
          lotUnits: s.lot,
          tickUnits: s.tick,
          minChildLots: s.minChildLots,
          steps: s.steps,
          guard,
          runnerChecksGuard: s.runnerChecksGuard,
          deny: s.denyChild === null ? undefined : (n) => n === s.denyChild,
        });
        h.run(endAt, s.restartAtMs === null ? {} : { at: T0 + s.restartAtMs, fn: (x) => x.restart() });
        expect(h.violations).toEqual([]);
        expect(h.children.reduce((a, c) => a + c.filledUnits, 0n)).toBe(h.filled);
        expect(h.filled).toBeLessThanOrEqual(h.qtyUnits);
        for (const c of h.children) {
          expect(c.createdAt).toBeGreaterThanOrEqual(startAt);
          expect(c.qtyUnits).toBeGreaterThanOrEqual(s.minChildLots * s.lot);
        }
        if (s.kind === 'passive' || s.kind === 'iceberg' || s.kind === 'adaptive') {
          for (const c of h.children) expect(c.othersWorking).toBe(0);
        }
        if (s.kind === 'twap') {
          // A restart recomputes the same schedule: never ahead of it, so no slice is sent twice.
          const n = (s.extra.slices ?? 10) as number;
          const times = sliceTimes(startAt, endAt, n, s.extra.jitterPct ?? 0, (k) => unitHash(s.seed, k));
          for (const x of h.samples) {
            const k = currentSlice(times, x.t);
            const due = k < 0 ? 0n : targetUnits(h.qtyUnits, twapFraction(k, n), s.lot);
            const fold = s.minChildLots * s.lot; // a rest below the minimum may be folded in
            expect(x.filled + x.working).toBeLessThanOrEqual(due + fold);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('when the guard says no at the moment of sending then no child is sent (even if the runner did not check)', () => {
    for (const kind of ALGO_KINDS) {
      const extra: Partial<AlgoParams> = kind === 'iceberg' ? { displayUnits: '5' } : kind === 'pov' ? { participation: 0.5 } : {};
      const h = new FakeHarness(() => createAlgo(kind), {
        side: 'buy',
        urgency: 'high',
        qtyUnits: 50n,
        params: { startAt: T0, endAt: T0 + 20_000, ...extra },
        steps: [{ drift: 1, spread: 1, volumeLots: 10, touchLots: 100, vol: 0 }],
        guard: () => ({ ok: false, action: 'pause', reason: 'halted' }),
        runnerChecksGuard: false,
      }).run();
      expect(h.decisions.length, kind).toBeGreaterThan(0);
      expect(h.children, kind).toEqual([]);
      expect(h.violations, kind).toEqual([]);
    }
  });

  it('when the gate denies a child then no other child follows in the same decision', () => {
    for (const kind of ALGO_KINDS) {
      const extra: Partial<AlgoParams> = kind === 'iceberg' ? { displayUnits: '5' } : kind === 'pov' ? { participation: 0.5 } : {};
      const h = new FakeHarness(() => createAlgo(kind), {
        side: 'sell',
        urgency: 'high',
        qtyUnits: 50n,
        params: { startAt: T0, endAt: T0 + 20_000, ...extra },
        steps: [{ drift: 0, spread: 1, volumeLots: 10, touchLots: 100, vol: 0 }],
        deny: () => true,
      }).run();
      expect(h.violations, kind).toEqual([]);
      expect(h.paused, kind).toBe(true);
      expect(h.children, kind).toEqual([]);
    }
  });

  it('createAlgo knows every kind', () => {
    for (const kind of ALGO_KINDS) expect(createAlgo(kind).kind).toBe(kind);
  });
});
