import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExecutionStyle, Urgency } from '../../../src/contract/dto.ts';
import { DEFAULT_ROUTING, route } from '../../../src/execution/routing.ts';
import type { RouteContext, RouteRequest } from '../../../src/execution/routing.ts';

const NOW = Date.UTC(2026, 0, 5, 14, 30);
const ctx = (over: Partial<RouteContext> = {}): RouteContext => ({ now: NOW, volumePerSec: undefined, seed: 42, ...over });
const req = (over: Partial<RouteRequest> = {}): RouteRequest => ({ urgency: 'medium', qtyUnits: 1_000n, limitGiven: false, ...over });

describe('route: the urgency table', () => {
  it.each([
    ['immediate', false, 'market', 0],
    ['immediate', true, 'limit', 0],
    ['high', false, 'twap', 120],
    ['medium', false, 'twap', 600],
    ['low', false, 'passive', 3600],
  ] as const)('when urgency is %s (limit given: %s) then it routes to %s over %i s', (urgency, limitGiven, style, horizonSec) => {
    const plan = route(req({ urgency, limitGiven }), ctx());
    expect(plan.style).toBe(style);
    if (horizonSec > 0) {
      expect(plan.params.startAt).toBe(NOW);
      expect(plan.params.endAt).toBe(NOW + horizonSec * 1000);
    }
    expect(plan.params.seed).toBe(42);
    expect(plan.rationale).toBe(`${urgency} urgency → ${style}`);
  });

  it('cuts the horizon into slices of about 15 s, between 4 and 60', () => {
    expect(route(req({ urgency: 'high' }), ctx()).params.slices).toBe(8); // 120 / 15
    expect(route(req({ urgency: 'medium' }), ctx()).params.slices).toBe(40); // 600 / 15
    expect(route(req({ urgency: 'low' }), ctx()).params.slices).toBe(60); // 3600 / 15 → at most 60
    expect(route(req({ urgency: 'high', params: { durationSec: 20 } }), ctx()).params.slices).toBe(4); // at least 4
    expect(route(req({ urgency: 'high', params: { durationSec: 20, slices: 10 } }), ctx()).params.slices).toBe(10);
  });

  it('when the expected participation is known then it is reported for algorithms and not for direct orders', () => {
    // 1 000 units over 600 s against 100 units/s: 1.67%.
    expect(route(req(), ctx({ volumePerSec: 100 })).expectedParticipation).toBeCloseTo(1_000 / 60_000);
    expect(route(req({ urgency: 'immediate' }), ctx({ volumePerSec: 100 })).expectedParticipation).toBeNull();
    expect(route(req(), ctx()).expectedParticipation).toBeNull();
  });
});

describe('route: the trader overrides', () => {
  it.each(['twap', 'vwap', 'pov', 'passive', 'iceberg', 'adaptive', 'market', 'limit'] as const)('when the trader asks for %s then that is what runs', (style) => {
    const plan = route(req({ urgency: 'low', override: style }), ctx());
    expect(plan.style).toBe(style);
    expect(plan.rationale).toBe(`${style} chosen by the trader`);
  });

  it('when the trader overrides then a large order is not re-routed', () => {
    const plan = route(req({ urgency: 'high', override: 'twap', qtyUnits: 1_000_000n }), ctx({ volumePerSec: 1 }));
    expect(plan.style).toBe('twap');
    expect(plan.params.endAt).toBe(NOW + 120_000);
  });

  it('when the trader gives parameters then they are kept', () => {
    const plan = route(
      req({ override: 'pov', params: { durationSec: 90, participation: 0.25, jitterPct: 0.1, startAt: NOW + 5_000 }, minChildUnits: 10n, maxChildUnits: 50n }),
      ctx(),
    );
    expect(plan.params).toEqual({ startAt: NOW + 5_000, endAt: NOW + 95_000, seed: 42, slices: 6, jitterPct: 0.1, participation: 0.25, minChildUnits: '10', maxChildUnits: '50' });
  });

  it('when the trader gives a start and an end then the horizon is that window', () => {
    const plan = route(req({ override: 'twap', params: { startAt: NOW + 60_000, endAt: NOW + 180_000 } }), ctx());
    expect([plan.params.startAt, plan.params.endAt, plan.params.slices]).toEqual([NOW + 60_000, NOW + 180_000, 8]);
  });

  it('when an iceberg is asked for then the display size and its jitter are passed on', () => {
    const plan = route(req({ override: 'iceberg', displayUnits: 25n, params: { displayJitterPct: 0.2 } }), ctx());
    expect(plan.params.displayUnits).toBe('25');
    expect(plan.params.displayJitterPct).toBe(0.2);
  });

  it('when POV is chosen without a participation then the table’s maximum is used', () => {
    expect(route(req({ override: 'pov' }), ctx()).params.participation).toBe(DEFAULT_ROUTING.maxParticipation);
    expect(route(req({ override: 'twap' }), ctx()).params.participation).toBeUndefined();
  });

  it('when VWAP is chosen then the intraday volume profile is attached (and only then)', () => {
    const volumeProfile = { profile: [1, 2, 3], bucketMinutes: 60 };
    const vwap = route(req({ override: 'vwap' }), ctx({ volumeProfile }));
    expect([vwap.params.volumeProfile, vwap.params.profileBucketMinutes]).toEqual([[1, 2, 3], 60]);
    expect(route(req({ override: 'twap' }), ctx({ volumeProfile })).params.volumeProfile).toBeUndefined();
  });
});

describe('route: large against recent volume', () => {
  it('when the order is above 10% of the volume expected over its horizon then the horizon is stretched to bring it to 10%', () => {
    // 24 units over 120 s at 1 unit/s = 20% → needs 240 s (≤ 4 × 120 s).
    const plan = route(req({ urgency: 'high', qtyUnits: 24n }), ctx({ volumePerSec: 1 }));
    expect(plan.style).toBe('twap');
    expect(plan.params.endAt).toBe(NOW + 240_000);
    expect(plan.params.slices).toBe(16);
    expect(plan.expectedParticipation).toBeCloseTo(0.1);
    expect(plan.rationale).toBe('high urgency → twap; large vs recent volume (20.0% of it): horizon 120s → 240s');
  });

  it('when even four times the horizon is not enough then it switches to POV at 10%', () => {
    // 100 units over 120 s at 1 unit/s = 83% → would need 1 000 s > 480 s: POV over 1.5 × 1 000 s.
    const plan = route(req({ urgency: 'high', qtyUnits: 100n }), ctx({ volumePerSec: 1 }));
    expect(plan.style).toBe('pov');
    expect(plan.params.participation).toBe(0.1);
    expect(plan.params.endAt).toBe(NOW + 1_500_000);
    expect(plan.expectedParticipation).toBe(0.1);
    expect(plan.rationale).toBe('high urgency → twap; large vs recent volume (83.3% of it): horizon 120s → 480s; still above 10%: POV at 10%');
  });

  it('when the order is small against volume, the duration is fixed, or the style is not scheduled then nothing is stretched', () => {
    expect(route(req({ urgency: 'high', qtyUnits: 12n }), ctx({ volumePerSec: 1 })).params.endAt).toBe(NOW + 120_000); // exactly 10%
    expect(route(req({ urgency: 'high', qtyUnits: 100n, params: { durationSec: 30 } }), ctx({ volumePerSec: 1 })).style).toBe('twap');
    expect(route(req({ urgency: 'low', qtyUnits: 10_000n }), ctx({ volumePerSec: 1 })).style).toBe('passive');
    expect(route(req({ urgency: 'high', qtyUnits: 10_000n }), ctx({ volumePerSec: undefined })).style).toBe('twap');
  });

  it('whatever the size and volume, a scheduled plan routing chose ends with at most the table’s participation', () => {
    fc.assert(
      fc.property(fc.constantFrom<Urgency>('high', 'medium'), fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.double({ min: 0.001, max: 1e6, noNaN: true }), (urgency, qty, vps) => {
        const plan = route(req({ urgency, qtyUnits: qty }), ctx({ volumePerSec: vps }));
        expect(['twap', 'pov'] as ExecutionStyle[]).toContain(plan.style);
        expect(plan.expectedParticipation!).toBeLessThanOrEqual(DEFAULT_ROUTING.maxParticipation + 1e-9);
        expect(plan.params.endAt).toBeGreaterThan(plan.params.startAt);
        const horizon = (plan.params.endAt - plan.params.startAt) / 1000;
        if (plan.style === 'twap') expect(horizon).toBeLessThanOrEqual(DEFAULT_ROUTING.byUrgency[urgency].horizonSec * DEFAULT_ROUTING.maxHorizonMultiple + 1);
        expect(plan.params.slices).toBeGreaterThanOrEqual(4);
        expect(plan.params.slices).toBeLessThanOrEqual(60);
      }),
    );
  });
});
