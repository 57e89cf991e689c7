import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRequestFrame, requestFrameSchema } from '../../../src/contract/envelope.ts';

/** Values a peer's JSON can hold where the frame's fields go, edge cases weighted in. */
const field = fc.oneof(
  fc.constantFrom('req', 'res', 'evt', '', 'orders.place', 'x'.repeat(64), 'x'.repeat(65), 0, -0, -1, 1, 1.5, 2 ** 53 - 1, 2 ** 53, Infinity, NaN, null, true, [], {}),
  fc.string({ maxLength: 70 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }),
);

describe('isRequestFrame answers as requestFrameSchema does', () => {
  it('when frames are made of random and edge-case fields (some missing) then the plain check and the schema agree', () => {
    const frame = fc.oneof(
      fc.record({ t: field, id: field, method: field, params: field, extra: field }, { requiredKeys: [] }),
      fc.record({ t: fc.constant('req'), id: field, method: field, params: field }, { requiredKeys: ['t'] }),
      fc.record({ t: fc.constant('req'), id: fc.nat(), method: field }, { requiredKeys: ['t', 'id'] }),
      field,
    );
    fc.assert(
      fc.property(frame, (raw) => {
        expect(isRequestFrame(raw)).toBe(requestFrameSchema.safeParse(raw).success);
      }),
      { numRuns: 3000 },
    );
  });

  it('when the frame is well formed then it passes, params or not', () => {
    expect(isRequestFrame({ t: 'req', id: 0, method: 'session.info' })).toBe(true);
    expect(isRequestFrame({ t: 'req', id: 7, method: 'orders.place', params: { qty: 1 } })).toBe(true);
    expect(isRequestFrame({ t: 'req', id: 7.5, method: 'orders.place' })).toBe(false);
    expect(isRequestFrame([{ t: 'req', id: 1, method: 'm' }])).toBe(false);
  });
});
