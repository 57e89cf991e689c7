import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeSchema } from '../../../src/contract/api/orders.ts';
import { parsePlainPlace } from '../../../src/contract/api/place-fast.ts';
import { URGENCIES } from '../../../src/core/enums.ts';

/** Decimals at and around every rule of positiveDecimal, as numbers and as text. */
const decimal = fc.oneof(
  fc.constantFrom<unknown>(1, 0, -0, -1, 1.5, 1e15, 1e15 + 2, Number.MIN_VALUE, Infinity, -Infinity, NaN, null, true, [], {}),
  fc.constantFrom<unknown>('0.001', '1', '0', '0.000', '-1', '1e5', '01', '1.', '.5', ' 1', '1 ', '+1', '1'.repeat(15), '1'.repeat(16), `1.${'0'.repeat(17)}1`, `0.${'0'.repeat(18)}1`, `${'9'.repeat(15)}.${'9'.repeat(18)}`, ''),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^\d{1,16}(\.\d{0,19})?$/),
);
/** Mostly valid decimals (zero and over-long ones among the strings). */
const goodDecimal = fc.oneof(fc.double({ min: Number.MIN_VALUE, max: 1e15, noNaN: true }), fc.integer({ min: 1, max: 1e9 }), fc.stringMatching(/^\d{1,15}(\.\d{1,18})?$/));
const anyValue = fc.oneof(fc.constantFrom<unknown>(null, true, false, 0, '', 'x'), fc.jsonValue({ maxDepth: 1 }));

/** Every field placeSchema reads, each from valid values, near misses and junk; any may be missing. */
const params = fc.record(
  {
    symbol: fc.oneof(fc.constantFrom<unknown>('BTC/USDT', 'SPY', '', 'x'.repeat(32), 'x'.repeat(33), 'é'.repeat(32)), anyValue),
    side: fc.oneof(fc.constantFrom<unknown>('buy', 'sell', 'hold', 'BUY'), anyValue),
    qty: decimal,
    type: fc.oneof(fc.constantFrom<unknown>('market', 'limit', 'stop', 'stop-limit', 'trailing-stop', 'take-profit', 'x'), anyValue),
    price: decimal,
    tif: fc.oneof(fc.constantFrom<unknown>('gtc', 'ioc', 'day'), anyValue),
    source: fc.oneof(fc.constantFrom<unknown>('manual', 'api', 'signal', 'x'), anyValue),
    confirm: fc.oneof(fc.constantFrom<unknown>(true, false, 'true', 0), anyValue),
    urgency: fc.oneof(fc.constantFrom<unknown>(...URGENCIES, 'x'), anyValue),
    stopPrice: decimal,
    algo: fc.constantFrom<unknown>('twap', 'limit', 'market', 'x'),
    takeProfit: decimal,
    extra: anyValue,
  },
  { requiredKeys: [] },
)
  // As JSON.parse makes them: fast-check also builds objects without a prototype.
  .map((p) => ({ ...p }));

/** Mostly what an API client sends: the plain path's own ground, with a stray field now and then. */
const plain = fc
  .tuple(
    fc.record(
      {
        symbol: fc.constantFrom('BTC/USDT', 'SPY'),
        side: fc.constantFrom('buy', 'sell'),
        qty: fc.oneof({ arbitrary: goodDecimal, weight: 4 }, { arbitrary: decimal, weight: 1 }),
        type: fc.constantFrom('market', 'limit'),
        price: fc.oneof({ arbitrary: goodDecimal, weight: 4 }, { arbitrary: decimal, weight: 1 }),
        tif: fc.constantFrom('gtc', 'ioc'),
        source: fc.constantFrom('manual', 'api', 'signal'),
        confirm: fc.boolean(),
        urgency: fc.constantFrom(...URGENCIES),
      },
      { requiredKeys: ['symbol', 'side', 'qty'] },
    ),
    fc.oneof({ arbitrary: fc.constant({}), weight: 7 }, { arbitrary: fc.constant({ stopPrice: '1' }), weight: 1 }),
  )
  .map(([p, stray]) => ({ ...p, ...stray }));

/** The plain path either steps aside or answers what the schema answers, key order included. */
function agrees(raw: unknown): boolean {
  const fast = parsePlainPlace(raw);
  if (fast === undefined) return false;
  const slow = placeSchema.safeParse(raw);
  expect(slow.success).toBe(true);
  expect(fast).toStrictEqual(slow.data);
  expect(Object.keys(fast)).toEqual(Object.keys(slow.data!));
  return true;
}

describe('parsePlainPlace answers as placeSchema does, or not at all', () => {
  it('when params are made of valid, near-miss and junk fields (some missing) then every answer equals the schema parse', () => {
    fc.assert(
      fc.property(fc.oneof(params, plain, anyValue), (raw) => {
        agrees(raw);
      }),
      { numRuns: 3000 },
    );
  });

  it('when an API client sends a plain market or limit order then the plain path answers it, defaults applied', () => {
    expect(agrees({ symbol: 'BTC/USDT', side: 'buy', qty: '0.001', type: 'limit', price: '32125' })).toBe(true);
    expect(agrees({ symbol: 'SPY', side: 'buy', qty: 1, type: 'limit', price: 400 })).toBe(true);
    expect(agrees({ symbol: 'SPY', side: 'sell', qty: 1 })).toBe(true);
    expect(agrees({ symbol: 'SPY', side: 'sell', qty: '2', type: 'market', tif: 'ioc', source: 'manual', confirm: true, urgency: 'high' })).toBe(true);
    expect(parsePlainPlace({ symbol: 'SPY', side: 'buy', qty: 1 })).toEqual({ symbol: 'SPY', side: 'buy', qty: 1, type: 'market', tif: 'gtc', source: 'api', urgency: 'immediate' });
  });

  it('when a field is absent from the plain path or wrong then the schema is asked (so its message is the one sent)', () => {
    expect(parsePlainPlace({ symbol: 'SPY', side: 'buy', qty: 1, type: 'limit' })).toBeUndefined();
    expect(parsePlainPlace({ symbol: 'SPY', side: 'buy', qty: 1, price: 5 })).toBeUndefined();
    expect(parsePlainPlace({ symbol: 'SPY', side: 'buy', qty: 1, type: null })).toBeUndefined();
    expect(parsePlainPlace({ symbol: 'SPY', side: 'buy', qty: 1, type: 'stop', stopPrice: 1 })).toBeUndefined();
    expect(parsePlainPlace({ symbol: 'SPY', side: 'buy', qty: '0.0' })).toBeUndefined();
    expect(parsePlainPlace(JSON.parse('{"symbol":"SPY","side":"buy","qty":1,"__proto__":{}}'))).toBeUndefined();
    expect(parsePlainPlace(Object.assign(Object.create(null) as object, { symbol: 'SPY', side: 'buy', qty: 1 }))).toBeUndefined();
  });
});
