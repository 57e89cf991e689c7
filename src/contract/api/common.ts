import { z } from 'zod';

/** Field schemas every domain's methods share. */

export const symbol = z.string().min(1).max(32);
export const orderId = z.string().min(1).max(64);

/**
 * The largest price or quantity the contract carries, and the digits a decimal string may have:
 * far beyond any market, small enough that a request can never put megabytes of digits into the
 * journal (a 900 KB quantity once did, twice per order).
 */
export const MAX_DECIMAL_VALUE = 1e15;
export const MAX_INT_DIGITS = 15;
export const MAX_FRACTION_DIGITS = 18;
/** Epoch ms up to the year 2286: bounds start/end times without ruling out any real one. */
export const MAX_EPOCH_MS = 9_999_999_999_999;

/** A strictly positive decimal given as a JSON number or a plain decimal string ("0.5"). */
export const positiveDecimal = z.union([
  z.number().positive().max(MAX_DECIMAL_VALUE),
  z
    .string()
    .max(MAX_INT_DIGITS + 1 + MAX_FRACTION_DIGITS, `must have at most ${MAX_INT_DIGITS} digits before the point and ${MAX_FRACTION_DIGITS} after`)
    .regex(new RegExp(`^\\d{1,${MAX_INT_DIGITS}}(\\.\\d{1,${MAX_FRACTION_DIGITS}})?$`), `must be a plain decimal like "0.25" (at most ${MAX_INT_DIGITS} digits before the point and ${MAX_FRACTION_DIGITS} after)`)
    .refine((s) => Number(s) > 0, 'must be greater than zero'),
]);

export const empty = z.strictObject({});

// orders.list pages (default and cap) live in a zod-free module so the CLI can read them cheaply.
export { ORDERS_PAGE_DEFAULT, ORDERS_PAGE_MAX } from '../limits.ts';

export const fraction = (max: number) => z.number().min(0).max(max);
