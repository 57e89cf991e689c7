import type { Side } from '../core/enums.ts';
import type { TriggerRecord } from '../core/ports.ts';

/**
 * The pure part of held triggers: which price a stop watches, when it fires, and how a trailing
 * stop ratchets. No state, no clock: property-tested on its own (tests/unit/execution/trigger-rules).
 */

/** Prices a trigger may watch, in price units; undefined when the market has none yet. */
export interface TriggerPrices {
  last?: bigint | undefined;
  bid?: bigint | undefined;
  ask?: bigint | undefined;
}

/** The price a stop on `side` watches: the last trade, or the touch it would trade against (a sell stop the bid, a buy stop the ask). */
export function referencePrice(t: Pick<TriggerRecord, 'by'>, side: Side, px: TriggerPrices): bigint | undefined {
  if (t.by === 'last') return px.last;
  return side === 'sell' ? px.bid : px.ask;
}

/** A sell stop fires at or below its stop, a buy stop at or above. */
export function crosses(side: Side, refUnits: bigint, stopUnits: bigint): boolean {
  return side === 'sell' ? refUnits <= stopUnits : refUnits >= stopUnits;
}

/** Trailing distance at `refUnits`, rounded up to whole ticks (a stop always sits on a tick). */
export function trailDistance(t: Pick<TriggerRecord, 'trailPercent' | 'trailUnits'>, refUnits: bigint, tickUnits: bigint): bigint {
  let d: bigint;
  if (t.trailUnits !== null) d = t.trailUnits;
  else {
    // percent with 4 decimals of precision, exact in integers
    const ppm = BigInt(Math.round((t.trailPercent ?? 0) * 10_000));
    d = (refUnits * ppm + 999_999n) / 1_000_000n;
  }
  const tick = tickUnits > 0n ? tickUnits : 1n;
  return ((d + tick - 1n) / tick) * tick;
}

/**
 * A trailing stop's next stop: it follows the reference by the trail when the market moves in the
 * order's favour (up for a sell, down for a buy) and never moves back.
 */
export function ratchet(t: Pick<TriggerRecord, 'stopPriceUnits' | 'trailPercent' | 'trailUnits'>, side: Side, refUnits: bigint, tickUnits: bigint): bigint {
  const d = trailDistance(t, refUnits, tickUnits);
  const tick = tickUnits > 0n ? tickUnits : 1n;
  if (side === 'sell') {
    // floor to a tick below the reference
    let c = refUnits - d;
    c = c >= 0n ? (c / tick) * tick : 0n;
    return t.stopPriceUnits === null || c > t.stopPriceUnits ? c : t.stopPriceUnits;
  }
  const raw = refUnits + d;
  const c = ((raw + tick - 1n) / tick) * tick;
  return t.stopPriceUnits === null || c < t.stopPriceUnits ? c : t.stopPriceUnits;
}

/**
 * One market update for a waiting trigger: fires against the stop it had (so a move through the
 * stop is never hidden by the ratchet), else a trailing stop ratchets. A take-profit never fires on
 * price: its entry's fills activate it.
 */
export function evaluateTrigger(t: TriggerRecord, side: Side, px: TriggerPrices, tickUnits: bigint): { stopPriceUnits: bigint | null; fire: boolean } {
  if (t.kind === 'take-profit' || t.triggeredAt !== null) return { stopPriceUnits: t.stopPriceUnits, fire: false };
  const ref = referencePrice(t, side, px);
  if (ref === undefined) return { stopPriceUnits: t.stopPriceUnits, fire: false };
  if (t.stopPriceUnits !== null && crosses(side, ref, t.stopPriceUnits)) return { stopPriceUnits: t.stopPriceUnits, fire: true };
  if (t.kind === 'trailing-stop') return { stopPriceUnits: ratchet(t, side, ref, tickUnits), fire: false };
  return { stopPriceUnits: t.stopPriceUnits, fire: false };
}
