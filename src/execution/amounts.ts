import type { Instrument } from '../core/instrument.ts';
import { PrecisionError, toUnits } from '../core/precision.ts';

/** SQLite INTEGER is 64-bit; anything larger cannot be journaled and is certainly not a real order. */
export const MAX_UNITS = 2n ** 63n - 1n;

/**
 * An order's quantity and price as exact units, parsed once where the order enters (the intake)
 * and carried from there: routing, L1 and the OMS read these units, never the caller's text.
 *
 * A failure is data: `malformed` says the value is not a decimal number at all (a broken request,
 * refused before anything is journaled); otherwise it is a well-formed value the instrument cannot
 * take (finer than the lot or tick, beyond 64 bits), which the OMS journals as a DENIED order.
 */
export type ParsedAmounts =
  | { ok: true; qtyUnits: bigint; priceUnits: bigint | null }
  | { ok: false; code: 'QTY_NOT_ON_LOT' | 'PRICE_NOT_ON_TICK' | 'VALUE_OUT_OF_RANGE'; message: string; malformed: boolean; field: 'qty' | 'price'; qtyUnits: bigint };

export function parseAmounts(inst: Pick<Instrument, 'qtyDecimals' | 'priceDecimals'>, qty: number | string, price: number | string | undefined): ParsedAmounts {
  let qtyUnits: bigint;
  try {
    qtyUnits = toUnits(qty, inst.qtyDecimals);
  } catch (err) {
    if (err instanceof PrecisionError) return { ok: false, code: 'QTY_NOT_ON_LOT', message: `quantity ${String(qty)}: ${err.message}`, malformed: err.code === 'NOT_A_NUMBER', field: 'qty', qtyUnits: 0n };
    throw err;
  }
  if (qtyUnits > MAX_UNITS) return { ok: false, code: 'VALUE_OUT_OF_RANGE', message: `quantity ${String(qty)} is out of range`, malformed: false, field: 'qty', qtyUnits: 0n };
  if (price === undefined) return { ok: true, qtyUnits, priceUnits: null };
  let priceUnits: bigint;
  try {
    priceUnits = toUnits(price, inst.priceDecimals);
  } catch (err) {
    if (err instanceof PrecisionError) return { ok: false, code: 'PRICE_NOT_ON_TICK', message: `price ${String(price)}: ${err.message}`, malformed: err.code === 'NOT_A_NUMBER', field: 'price', qtyUnits };
    throw err;
  }
  if (priceUnits > MAX_UNITS) return { ok: false, code: 'VALUE_OUT_OF_RANGE', message: `price ${String(price)} is out of range`, malformed: false, field: 'price', qtyUnits };
  return { ok: true, qtyUnits, priceUnits };
}

/**
 * Units to route an order whose quantity failed to parse at the lot's precision (the OMS denies
 * it; routing still decides whether the denial is recorded as a direct order or a parent).
 */
export function plannedUnits(a: ParsedAmounts, qty: number | string, qtyDecimals: number): bigint {
  if (a.ok) return a.qtyUnits;
  const approx = Math.floor(Number(qty) * 10 ** qtyDecimals);
  return Number.isSafeInteger(approx) && approx > 1 ? BigInt(approx) : 1n;
}
