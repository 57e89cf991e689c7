/**
 * The one place that turns decimal values into exact integer units and back.
 *
 * Every price, quantity and amount inside the engine is a bigint count of 10^-decimals. Floats are
 * only ever produced at the edge (DTOs) from these integers, so positions and cash never drift.
 */

export class PrecisionError extends Error {
  readonly code: 'NOT_A_NUMBER' | 'TOO_MANY_DECIMALS' | 'OUT_OF_RANGE';
  constructor(code: PrecisionError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const POW10: bigint[] = [];
for (let i = 0; i <= 40; i++) POW10.push(10n ** BigInt(i));

export function pow10(n: number): bigint {
  const p = POW10[n];
  if (p === undefined) throw new PrecisionError('OUT_OF_RANGE', `scale ${n} out of range`);
  return p;
}

/**
 * The longest decimal text and the largest exponent accepted: far beyond any price, quantity or
 * amount, and small enough that hostile input ("1e999999999", a 900 KB digit string) can neither
 * allocate without bound nor end up stored.
 */
export const MAX_DECIMAL_TEXT = 80;
export const MAX_DECIMAL_EXPONENT = 60;

/** Caller's text cut short for an error message: a message never echoes unbounded input. */
function shown(value: number | string): string {
  const t = String(value);
  return t.length <= 40 ? t : `${t.slice(0, 40)}… (${t.length} characters)`;
}

/** Parses a decimal (number or string) into units of 10^-decimals without any rounding. */
export function toUnits(value: number | string, decimals: number): bigint {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  if (text.length > MAX_DECIMAL_TEXT) throw new PrecisionError('OUT_OF_RANGE', `"${shown(value)}" is longer than ${MAX_DECIMAL_TEXT} characters`);
  const m = DECIMAL_RE.exec(text);
  if (!m) throw new PrecisionError('NOT_A_NUMBER', `"${shown(value)}" is not a decimal number`);
  const [, sign, intPart = '0', fracPart = '', expPart] = m;
  if (expPart !== undefined && Math.abs(Number(expPart)) > MAX_DECIMAL_EXPONENT) {
    throw new PrecisionError('OUT_OF_RANGE', `"${shown(value)}" has an exponent beyond ±${MAX_DECIMAL_EXPONENT}`);
  }
  let digits = intPart + fracPart;
  let scale = fracPart.length - (expPart ? Number(expPart) : 0);
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  // Trailing zeros beyond the allowed precision are harmless ("0.10000" with 2 decimals).
  while (scale > decimals && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale--;
  }
  if (scale > decimals) {
    throw new PrecisionError('TOO_MANY_DECIMALS', `${shown(value)} has more than ${decimals} decimals`);
  }
  const units = BigInt(digits === '' ? '0' : digits) * pow10(decimals - scale);
  return sign === '-' ? -units : units;
}

/** Shortest round-trip text of a finite number; "1e-7" forms are handled by the exponent group. */
function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw new PrecisionError('NOT_A_NUMBER', `${n} is not a finite number`);
  return String(n);
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
/** 10^0 … 10^22: every one is an exact double (10^23 is not). */
const POW10_NUMBER: number[] = [];
for (let i = 0; i <= 22; i++) POW10_NUMBER.push(10 ** i);

/** Units back to a JS number for display and JSON. Exact for up to ~15 significant digits. */
export function fromUnits(units: bigint, decimals: number): number {
  // Fast path, same result: when units and 10^decimals are both exact doubles, IEEE division rounds
  // the exact quotient units/10^decimals to the nearest double, which is also what parsing its
  // decimal text does. Prices, quantities and amounts are nearly always in this range; building
  // the text for each one was the largest single cost of a DTO (bench/kernel.ts row a).
  const p = POW10_NUMBER[decimals];
  if (p !== undefined && units <= MAX_EXACT && units >= -MAX_EXACT) return Number(units) / p;
  return Number(toDecimalString(units, decimals));
}

/** Units to a plain decimal string, trailing zeros trimmed ("12.5", "-0.001", "3"). */
export function toDecimalString(units: bigint, decimals: number): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const sign = neg ? '-' : '';
  if (decimals === 0) return sign + abs.toString();
  const p = pow10(decimals);
  const int = abs / p;
  const rem = abs % p;
  if (rem === 0n) return sign + int.toString();
  let frac = rem.toString().padStart(decimals, '0');
  // Trailing zeros trimmed by index, not by a regular expression (this runs for every DTO amount).
  let end = frac.length;
  while (frac.charCodeAt(end - 1) === 48) end--;
  if (end < frac.length) frac = frac.slice(0, end);
  return sign + int.toString() + '.' + frac;
}

/** Changes scale; rounding half away from zero when precision is lost. */
export function rescale(units: bigint, from: number, to: number): bigint {
  if (to >= from) return units * pow10(to - from);
  return divRound(units, pow10(from - to));
}

/** Integer division rounding half away from zero. */
export function divRound(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new PrecisionError('OUT_OF_RANGE', 'division by zero');
  const neg = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  const q = an / ad;
  const r = an % ad;
  const rounded = r * 2n >= ad ? q + 1n : q;
  return neg ? -rounded : rounded;
}

/** Floor division (towards minus infinity). */
export function divFloor(n: bigint, d: bigint): bigint {
  const q = n / d;
  return (n % d !== 0n && n < 0n !== d < 0n) ? q - 1n : q;
}

export function isMultipleOf(units: bigint, step: bigint): boolean {
  return step > 0n && units % step === 0n;
}

/** Rounds units down (towards zero) to a multiple of step: what a lot size does to a quantity. */
export function roundDownToStep(units: bigint, step: bigint): bigint {
  return units - (units % step);
}

/** Rounds to the nearest multiple of step, half away from zero: what a tick does to a price. */
export function roundToStep(units: bigint, step: bigint): bigint {
  return divRound(units, step) * step;
}

export function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
