import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../../src/core/clock.ts';
import { VenueRequestError } from '../../../../src/venues/ccxt/port.ts';
import { PRIORITY, WeightThrottle } from '../../../../src/venues/ccxt/throttle.ts';
import type { Priority } from '../../../../src/venues/ccxt/throttle.ts';

/** Lets the promise continuations that ran on the clock settle. */
const settle = () => new Promise((r) => setImmediate(r));

describe('WeightThrottle', () => {
  it('when requests exceed the budget then the excess waits until old weight leaves the window', async () => {
    const clock = new SimClock(0);
    const th = new WeightThrottle({ clock, limit: 10, windowMs: 1_000, guardMs: 0 });
    const admitted: number[] = [];
    for (let i = 0; i < 4; i++) void th.acquire(4).then(() => admitted.push(clock.now()));
    await settle();
    expect(admitted).toEqual([0, 0]);
    clock.advanceTo(999);
    await settle();
    expect(admitted).toHaveLength(2);
    clock.advanceTo(1_000);
    await settle();
    expect(admitted).toEqual([0, 0, 1_000, 1_000]);
  });

  it('when orders and market data wait together then orders go first', async () => {
    const clock = new SimClock(0);
    const th = new WeightThrottle({ clock, limit: 5, windowMs: 1_000, guardMs: 0 });
    await th.acquire(5, PRIORITY.data);
    const order: string[] = [];
    void th.acquire(5, PRIORITY.data).then(() => order.push('data'));
    void th.acquire(5, PRIORITY.order).then(() => order.push('order'));
    clock.advanceTo(1_000);
    await settle();
    expect(order).toEqual(['order']);
    clock.advanceTo(2_000);
    await settle();
    expect(order).toEqual(['order', 'data']);
  });

  it('when paused for a Retry-After then nothing is admitted until it ends, and a shorter pause never shortens it', async () => {
    const clock = new SimClock(0);
    const th = new WeightThrottle({ clock, limit: 100, windowMs: 1_000 });
    th.pauseUntil(3_000, '429');
    th.pauseUntil(1_000, 'shorter');
    let at = -1;
    void th.acquire(1).then(() => (at = clock.now()));
    clock.advanceTo(2_999);
    await settle();
    expect(at).toBe(-1);
    clock.advanceTo(3_000);
    await settle();
    expect(at).toBe(3_000);
  });

  it('when the venue reports more used weight than we sent then the difference counts against the budget', async () => {
    const clock = new SimClock(0);
    const th = new WeightThrottle({ clock, limit: 10, windowMs: 1_000, guardMs: 0 });
    await th.acquire(2);
    th.observeUsed(9);
    expect(th.used()).toBe(9);
    let done = false;
    void th.acquire(2).then(() => (done = true));
    await settle();
    expect(done).toBe(false);
  });

  it('when closed then waiting and new requests fail with outcome retry', async () => {
    const clock = new SimClock(0);
    const th = new WeightThrottle({ clock, limit: 1, windowMs: 1_000 });
    await th.acquire(1);
    const waiting = th.acquire(1);
    th.close('stopped');
    await expect(waiting).rejects.toBeInstanceOf(VenueRequestError);
    await expect(th.acquire(1)).rejects.toMatchObject({ outcome: 'retry' });
  });

  it('property: whatever arrives when, the weight admitted in any window never exceeds the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 5_000 }), weight: fc.integer({ min: 1, max: 12 }), priority: fc.constantFrom<Priority>(0, 1, 2) }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 12, max: 40 }),
        async (reqs, limit) => {
          const clock = new SimClock(0);
          const windowMs = 1_000;
          const th = new WeightThrottle({ clock, limit, windowMs, guardMs: 0 });
          const log: { at: number; weight: number }[] = [];
          const sorted = [...reqs].sort((a, b) => a.at - b.at);
          for (const r of sorted) {
            clock.schedule(r.at, () => void th.acquire(r.weight, r.priority).then(() => log.push({ at: clock.now(), weight: r.weight })));
          }
          for (let t = 0; t <= 60_000 && log.length < reqs.length; t += 50) {
            clock.advanceTo(t);
            await settle();
          }
          expect(log).toHaveLength(reqs.length);
          for (const a of log) {
            const inWindow = log.filter((b) => b.at > a.at - windowMs && b.at <= a.at).reduce((s, b) => s + b.weight, 0);
            expect(inWindow).toBeLessThanOrEqual(limit);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
