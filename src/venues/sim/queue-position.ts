import type { Rng } from '../../core/rng.ts';
import type { SimOrder } from './sim-store.ts';

/**
 * Queue position of our resting orders (price-time priority), as the venue models it.
 *
 * - On arrival a resting order queues behind the crowd already at its price: queueAheadUnits = the
 *   crowd level there (net of liquidity we took); a price the crowd book does not list has nobody ahead.
 * - The queue ahead then only shrinks, never grows (crowd that joins later queues behind us):
 *   1. trades at our price: a crowd aggressor (or our own aggressive order taking the crowd at that
 *      price) trades with the crowd ahead of us first, then with us;
 *   2. crowd cancellations: each crowd order resting at our price cancels at a constant rate θ
 *      (DEFAULT_CROWD_CANCEL_PER_SECOND), so the level, and the part of it ahead of us, shrinks by
 *      the same fraction 1 − e^(−θ·dt) (expected value; whole units by unbiased random rounding from
 *      the venue's seeded stream, so it never goes below zero and a seed gives one path);
 *   3. the visible crowd level at our price shrinking below what is ahead of us (the book has
 *      re-centred so fewer crowd orders rest there): what is ahead is capped at the level. Size
 *      changes of the synthetic book's shape are not otherwise read as cancellations, or every
 *      back-and-forth of the price would ratchet the queue down.
 * - Our later order at the same price never passes our earlier one: crowd that traded ahead of the
 *   earlier order was ahead of the later one too.
 * - The crowd's book moving through our price (its best ask at or below our bid) means the crowd
 *   ahead of us has traded or left: nobody is ahead, and the crossing crowd fills us.
 * - A passive order may therefore never fill: if the market leaves its price before the queue ahead
 *   is gone, it rests until cancelled.
 *
 * θ is an assumption, not a calibration (our tapes have trades only, no order events): 0.02/s, a
 * mean resting life of 50 s for a crowd order, so the queue ahead halves in about 35 s without trades.
 */
export const DEFAULT_CROWD_CANCEL_PER_SECOND = 0.02;

/** Crowd quantity ahead of `o` that cancels over dtMs at rate θ per second (≤ what is ahead). */
export function cancelledAhead(o: SimOrder, ratePerSecond: number, dtMs: number, rng: Rng): bigint {
  if (o.queueAheadUnits <= 0n || !(ratePerSecond > 0) || !(dtMs > 0)) return 0n;
  const expected = Number(o.queueAheadUnits) * (1 - Math.exp((-ratePerSecond * dtMs) / 1000));
  const gone = BigInt(Math.floor(expected + rng.next()));
  return gone < o.queueAheadUnits ? gone : o.queueAheadUnits;
}

/** Lowers what is ahead of `o` by `units` (never below zero); true if it changed. */
export function shrinkAhead(o: SimOrder, units: bigint): boolean {
  if (units <= 0n || o.queueAheadUnits <= 0n) return false;
  o.queueAheadUnits = units >= o.queueAheadUnits ? 0n : o.queueAheadUnits - units;
  return true;
}
