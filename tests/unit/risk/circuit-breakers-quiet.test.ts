import { describe, expect, it } from 'vitest';
import { CircuitBreakers, DEFAULT_BREAKERS } from '../../../src/risk/circuit-breakers.ts';
import type { BreakerEvent } from '../../../src/risk/circuit-breakers.ts';

/**
 * The kernel's idle jump leans on two facts about the breakers: quietUntil names the first time the
 * same observations could trip or reset anything, and a price observed again in idle seconds can be
 * left out (the move window keeps the same lows and highs, so later observations trip alike).
 */

const S = 'XRP/ETH';
const T0 = Date.UTC(2019, 9, 11);

/** A deterministic walk of prices (units) around 100,000 with jumps big enough to trip now and then. */
function walk(seed: number, n: number): bigint[] {
  let x = seed >>> 0;
  let p = 100_000;
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    const step = (x % 2_001) - 1_000;
    p = Math.max(50_000, p + (x % 97 === 0 ? step * 8 : step));
    out.push(BigInt(p));
  }
  return out;
}

describe('CircuitBreakers.quietUntil', () => {
  it('when nothing is blocked, disconnected or rate-tripped then it is quiet for ever; a block is quiet until it ends; a disconnection until it would trip', () => {
    const b = new CircuitBreakers();
    b.observePrice(S, 100_000n, T0);
    expect(b.quietUntil(T0)).toBe(Number.POSITIVE_INFINITY);
    const trip = b.observePrice(S, 110_000n, T0 + 1_000);
    expect(trip.some((e) => e.type === 'trip')).toBe(true);
    expect(b.quietUntil(T0 + 1_000)).toBe(T0 + 1_000 + DEFAULT_BREAKERS.instrumentMove.blockMs);
    const c = new CircuitBreakers();
    c.observeVenue(false, T0);
    expect(c.quietUntil(T0)).toBe(T0 + DEFAULT_BREAKERS.venueDisconnect.maxDisconnectedMs);
    // At the limit it has not tripped yet (more than the threshold trips); one ms later it does.
    expect(c.tick(T0 + DEFAULT_BREAKERS.venueDisconnect.maxDisconnectedMs)).toEqual([]);
    expect(c.tick(T0 + DEFAULT_BREAKERS.venueDisconnect.maxDisconnectedMs + 1).map((e) => e.type)).toEqual(['trip']);
  });

  it('when a tripped order-rate breaker may reset then it is not quiet at all', () => {
    const b = new CircuitBreakers({ ...DEFAULT_BREAKERS, orderRate: { enabled: true, maxPerMinute: 2 } });
    for (let i = 0; i < 3; i++) b.recordOrderAttempt(T0 + i);
    expect(b.quietUntil(T0 + 2)).toBe(T0 + 2);
  });

  it('when a price is held for idle seconds then observing it only at the first and last second gives the same later trips as observing it every second', () => {
    let trips = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const before = walk(seed, 400);
      const after = walk(seed * 7 + 3, 900);
      const hold = 1 + (seed * 37) % 700;
      const every = new CircuitBreakers();
      const jumped = new CircuitBreakers();
      const events: [BreakerEvent[], BreakerEvent[]] = [[], []];
      let t = T0;
      for (const p of before) {
        t += 1_000;
        events[0].push(...every.observePrice(S, p, t));
        events[1].push(...jumped.observePrice(S, p, t));
      }
      const p = before.at(-1)!;
      const quiet = jumped.quietUntil(t);
      // The idle seconds, within the quiet limit, then the real observation at the last.
      let last = t;
      for (let i = 1; i <= hold && t + i * 1_000 < quiet; i++) {
        last = t + i * 1_000;
        events[0].push(...every.observePrice(S, p, last));
      }
      last += 1_000;
      events[0].push(...every.observePrice(S, p, last));
      events[1].push(...jumped.observePrice(S, p, last));
      t = last;
      for (const q of after) {
        t += 1_000;
        events[0].push(...every.observePrice(S, q, t));
        events[1].push(...jumped.observePrice(S, q, t));
      }
      expect(events[1], `seed ${seed}`).toEqual(events[0]);
      expect(jumped.status()).toEqual(every.status());
      trips += events[0].filter((e) => e.type === 'trip').length;
    }
    // The walks do trip the move breaker (the check means something).
    expect(trips).toBeGreaterThan(10);
  });
});
