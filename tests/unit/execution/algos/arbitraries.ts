import fc from 'fast-check';
import type { Side, Urgency } from '../../../../src/contract/dto.ts';
import type { FakeStep } from './fake-context.ts';

export const T0 = Date.UTC(2026, 0, 5, 14, 30);

export const sideArb = fc.constantFrom<Side>('buy', 'sell');
export const urgencyArb = fc.constantFrom<Urgency>('low', 'medium', 'high', 'immediate');

/** One market step: small moves, a spread of 1–4 ticks, some volume, a touch of 1–60 lots. */
export const stepArb: fc.Arbitrary<FakeStep> = fc.record({
  drift: fc.integer({ min: -2, max: 2 }),
  spread: fc.integer({ min: 1, max: 4 }),
  volumeLots: fc.integer({ min: 0, max: 40 }),
  touchLots: fc.integer({ min: 1, max: 60 }),
  vol: fc.double({ min: 0, max: 0.002, noNaN: true }),
});

export const marketArb = fc.array(stepArb, { minLength: 5, maxLength: 80 });

/** A deep, calm market: every marketable child fills in full. */
export const deepStepArb: fc.Arbitrary<FakeStep> = fc.record({
  drift: fc.integer({ min: -1, max: 1 }),
  spread: fc.integer({ min: 1, max: 3 }),
  volumeLots: fc.integer({ min: 0, max: 40 }),
  touchLots: fc.constant(1_000_000),
  vol: fc.constant(0),
});

export const lotArb = fc.constantFrom(1n, 10n);
export const tickArb = fc.constantFrom(1n, 5n);
