import { URGENCIES } from '../dto.ts';
import { ORDER_SOURCES } from '../risk-dto.ts';
import { MAX_DECIMAL_VALUE, MAX_FRACTION_DIGITS, MAX_INT_DIGITS } from './common.ts';

/**
 * placeSchema's answer for the plain orders an API client bursts (a symbol, a side, a quantity, a
 * market or limit type with its price, and optionally tif, source, confirm, urgency), without zod:
 * its parse of one such order (a union per decimal, ten refinements, the issue machinery set up
 * even when nothing fails) was about a third of the server's request handling in the WebSocket
 * burst. Returns exactly what `placeSchema.parse` would (same fields, defaults, key order), or
 * undefined for anything else, valid or not, which then goes through the schema: this never
 * refuses, so every error message still comes from zod. A property test holds the two together.
 */

const DECIMAL = new RegExp(`^\\d{1,${MAX_INT_DIGITS}}(\\.\\d{1,${MAX_FRACTION_DIGITS}})?$`);
const MAX_DECIMAL_TEXT = MAX_INT_DIGITS + 1 + MAX_FRACTION_DIGITS;
const SOURCES: ReadonlySet<unknown> = new Set(ORDER_SOURCES);
const URGENCY: ReadonlySet<unknown> = new Set(URGENCIES);

/** The fields this path knows; any other key sends the params to the schema. */
const KNOWN: ReadonlySet<string> = new Set(['symbol', 'side', 'qty', 'type', 'price', 'tif', 'source', 'confirm', 'urgency']);

/** positiveDecimal: a finite number in (0, 1e15], or a plain decimal string above zero. */
function isPositiveDecimal(v: unknown): v is number | string {
  if (typeof v === 'number') return v > 0 && v <= MAX_DECIMAL_VALUE;
  return typeof v === 'string' && v.length <= MAX_DECIMAL_TEXT && DECIMAL.test(v) && Number(v) > 0;
}

/** The params placeSchema's output type describes, for the fields this path produces. */
export interface PlainPlace {
  symbol: string;
  side: 'buy' | 'sell';
  qty: number | string;
  type: 'market' | 'limit';
  price?: number | string;
  tif: 'gtc' | 'ioc';
  source: (typeof ORDER_SOURCES)[number];
  confirm?: boolean;
  urgency: (typeof URGENCIES)[number];
}

export function parsePlainPlace(raw: unknown): PlainPlace | undefined {
  if (typeof raw !== 'object' || raw === null || Object.getPrototypeOf(raw) !== Object.prototype) return undefined;
  // A JSON object's prototype is Object's, which has no enumerable keys: for..in sees its own.
  for (const k in raw) if (!KNOWN.has(k)) return undefined;
  const p = raw as Record<string, unknown>;
  const { symbol, side, qty, price, confirm } = p;
  // Defaults as zod applies them: to an absent key only (null is a value, and the schema refuses it).
  const type = p.type === undefined ? 'market' : p.type;
  const tif = p.tif === undefined ? 'gtc' : p.tif;
  const source = p.source === undefined ? 'api' : p.source;
  const urgency = p.urgency === undefined ? 'immediate' : p.urgency;
  if (typeof symbol !== 'string' || symbol.length < 1 || symbol.length > 32) return undefined;
  if (side !== 'buy' && side !== 'sell') return undefined;
  if (!isPositiveDecimal(qty)) return undefined;
  if (tif !== 'gtc' && tif !== 'ioc') return undefined;
  if (!SOURCES.has(source) || !URGENCY.has(urgency)) return undefined;
  if (confirm !== undefined && typeof confirm !== 'boolean') return undefined;
  // A limit order with its price, or a market order without one: the refinements that could refuse
  // these fields (a limit without a price, a market order with one) are left to the schema.
  if (type === 'limit') {
    if (!isPositiveDecimal(price)) return undefined;
  } else if (type !== 'market' || price !== undefined) return undefined;
  // In placeSchema's key order (its shape's), present and defaulted keys only.
  const out: Partial<PlainPlace> = { symbol, side, qty, type };
  if (price !== undefined) out.price = price;
  out.tif = tif;
  out.source = source as PlainPlace['source'];
  if (confirm !== undefined) out.confirm = confirm;
  out.urgency = urgency as PlainPlace['urgency'];
  return out as PlainPlace;
}
