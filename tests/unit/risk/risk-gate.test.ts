import { describe, expect, it } from 'vitest';
import type { LimitEntry } from '../../../src/risk/limits.ts';
import { DEFAULT_GATE_CONFIG, evaluateOrder, isExposureBreach, riskOrderFromRecord } from '../../../src/risk/risk-gate.ts';
import { makeOrder } from '../../fixtures/engine/orders.ts';
import type { RiskDecision, RiskInputs, RiskOrder } from '../../../src/risk/risk-gate.ts';
import { BTC, bookOf, inputs, inst, lim, lossOf, order, px, stateOf } from './helpers.ts';

function run(o: RiskOrder, i: RiskInputs = inputs()): RiskDecision {
  return evaluateOrder(o, inst(o.symbol), i);
}

type Level = 'pass' | 'soft' | 'hard';
interface Scenario {
  limit: string;
  code: string;
  entries: LimitEntry[];
  groups?: Record<string, string[]>;
  /** The order and inputs whose observation sits below soft, between soft and hard, and above hard. */
  make(level: Level): { o: RiskOrder; i?: Partial<RiskInputs> };
}

const sym = (symbol: string) => ({ kind: 'symbol' as const, symbol });
const by = <T>(level: Level, pass: T, soft: T, hard: T): T => (level === 'pass' ? pass : level === 'soft' ? soft : hard);
const buyQty = (pass: string, soft: string, hard: string) => (level: Level) => ({ o: order({ qty: by(level, pass, soft, hard) }) });

const SCENARIOS: Scenario[] = [
  { limit: 'max_order_qty', code: 'MAX_ORDER_QTY', entries: [lim('max_order_qty', '20', '10', sym('BTC/USD'))], make: buyQty('5', '15', '25') },
  { limit: 'max_order_notional', code: 'MAX_ORDER_NOTIONAL', entries: [lim('max_order_notional', '2000', '1000')], make: buyQty('5', '15', '25') },
  {
    limit: 'price_band_pct',
    code: 'PRICE_BAND',
    entries: [lim('price_band_pct', '5', '2')],
    make: (l) => ({ o: order({ price: by(l, '101', '103', '106') }) }),
  },
  {
    limit: 'price_band_ticks',
    code: 'PRICE_BAND_TICKS',
    entries: [lim('price_band_ticks', '300', '100')],
    make: (l) => ({ o: order({ price: by(l, '100.5', '102', '104') }) }),
  },
  { limit: 'max_position_pct_nav', code: 'MAX_POSITION', entries: [lim('max_position_pct_nav', '20', '10')], make: buyQty('500', '1500', '2500') },
  { limit: 'max_position_notional', code: 'MAX_POSITION', entries: [lim('max_position_notional', '200000', '100000')], make: buyQty('500', '1500', '2500') },
  {
    limit: 'max_gross_exposure_pct_nav',
    code: 'MAX_GROSS_EXPOSURE',
    entries: [lim('max_gross_exposure_pct_nav', '20', '10')],
    // ETH 200 @ 50 = 10,000 already held; NAV 1,010,000.
    make: (l) => ({ o: order({ qty: by(l, '400', '1400', '2400') }), i: { state: stateOf({ positions: { 'ETH/USD': '200' } }) } }),
  },
  {
    limit: 'max_gross_exposure',
    code: 'MAX_GROSS_EXPOSURE',
    entries: [lim('max_gross_exposure', '200000', '100000')],
    make: (l) => ({ o: order({ qty: by(l, '400', '1400', '2400') }), i: { state: stateOf({ positions: { 'ETH/USD': '200' } }) } }),
  },
  {
    limit: 'max_net_exposure_pct_nav',
    code: 'MAX_NET_EXPOSURE',
    entries: [lim('max_net_exposure_pct_nav', '20', '10')],
    // Short ETH 200 (-10,000) offsets part of the BTC buy; NAV 990,000.
    make: (l) => ({ o: order({ qty: by(l, '600', '1600', '2600') }), i: { state: stateOf({ positions: { 'ETH/USD': '-200' } }) } }),
  },
  {
    limit: 'max_net_exposure',
    code: 'MAX_NET_EXPOSURE',
    entries: [lim('max_net_exposure', '200000', '100000')],
    make: (l) => ({ o: order({ qty: by(l, '600', '1600', '2600') }), i: { state: stateOf({ positions: { 'ETH/USD': '-200' } }) } }),
  },
  { limit: 'max_leverage', code: 'MAX_LEVERAGE', entries: [lim('max_leverage', '0.2', '0.1')], make: buyQty('500', '1500', '2500') },
  { limit: 'min_cash_buffer', code: 'MIN_CASH_BUFFER', entries: [lim('min_cash_buffer', '800000', '900000')], make: buyQty('500', '1500', '2500') },
  {
    limit: 'max_orders_per_minute',
    code: 'ORDER_RATE_MINUTE',
    entries: [lim('max_orders_per_minute', '20', '10')],
    make: (l) => ({ o: order(), i: { rates: { minute: by(l, 5, 12, 25), hour: 0, symbolMinute: 0, symbolHour: 0 } } }),
  },
  {
    limit: 'max_orders_per_minute (per symbol)',
    code: 'ORDER_RATE_MINUTE',
    entries: [lim('max_orders_per_minute', '5', '3', sym('BTC/USD'))],
    make: (l) => ({ o: order(), i: { rates: { minute: 100, hour: 0, symbolMinute: by(l, 1, 3, 6), symbolHour: 0 } } }),
  },
  {
    limit: 'max_orders_per_hour',
    code: 'ORDER_RATE_HOUR',
    entries: [lim('max_orders_per_hour', '200', '100')],
    make: (l) => ({ o: order(), i: { rates: { minute: 0, hour: by(l, 50, 150, 250), symbolMinute: 0, symbolHour: 0 } } }),
  },
  {
    limit: 'max_orders_per_hour (per symbol)',
    code: 'ORDER_RATE_HOUR',
    entries: [lim('max_orders_per_hour', '20', '10', sym('BTC/USD'))],
    make: (l) => ({ o: order(), i: { rates: { minute: 0, hour: 1000, symbolMinute: 0, symbolHour: by(l, 5, 15, 25) } } }),
  },
  {
    limit: 'max_spread_bps',
    code: 'MAX_SPREAD',
    entries: [lim('max_spread_bps', '10', '5')],
    make: (l) => {
      const [bid, ask] = by(l, ['99.99', '100.01'], ['99.96', '100.04'], ['99.9', '100.1']);
      return { o: order({ type: 'market', estimatedPriceUnits: px(BTC, ask) }), i: { market: { refPriceUnits: px(BTC, '100'), bidUnits: px(BTC, bid), askUnits: px(BTC, ask) } } };
    },
  },
  { limit: 'max_daily_loss', code: 'DAILY_LOSS', entries: [lim('max_daily_loss', '20000', '10000')], make: (l) => ({ o: order(), i: { loss: lossOf({ dailyLoss: by(l, '5000', '15000', '25000') }) } }) },
  { limit: 'max_drawdown_daily_pct', code: 'DRAWDOWN_DAILY', entries: [lim('max_drawdown_daily_pct', '3', '2')], make: (l) => ({ o: order(), i: { loss: lossOf({ daily: by(l, '1', '2.5', '3.5') }) } }) },
  { limit: 'max_drawdown_weekly_pct', code: 'DRAWDOWN_WEEKLY', entries: [lim('max_drawdown_weekly_pct', '6', '4')], make: (l) => ({ o: order(), i: { loss: lossOf({ weekly: by(l, '1', '5', '7') }) } }) },
  { limit: 'max_drawdown_monthly_pct', code: 'DRAWDOWN_MONTHLY', entries: [lim('max_drawdown_monthly_pct', '10', '7')], make: (l) => ({ o: order(), i: { loss: lossOf({ monthly: by(l, '1', '8', '11') }) } }) },
  {
    limit: 'max_gross_exposure_pct_nav (group)',
    code: 'GROUP_GROSS_EXPOSURE',
    entries: [lim('max_gross_exposure_pct_nav', '20', '10', { kind: 'group', group: 'crypto' })],
    groups: { crypto: ['BTC/USD', 'ETH/USD'] },
    // ETH 10,000 in the group; ACME 90,000 outside it (counted, it would breach the soft level in the pass case). NAV 1,100,000.
    make: (l) => ({ o: order({ qty: by(l, '900', '1600', '2400') }), i: { state: stateOf({ positions: { 'ETH/USD': '200', ACME: '9000' } }) } }),
  },
  {
    limit: 'max_net_exposure (group)',
    code: 'GROUP_NET_EXPOSURE',
    entries: [lim('max_net_exposure', '200000', '100000', { kind: 'group', group: 'crypto' })],
    groups: { crypto: ['BTC/USD', 'ETH/USD'] },
    make: (l) => ({ o: order({ qty: by(l, '400', '1400', '2400') }), i: { state: stateOf({ positions: { 'ETH/USD': '200', ACME: '9000' } }) } }),
  },
];

describe('evaluateOrder: each limit with a soft and a hard level', () => {
  describe.each(SCENARIOS)('$limit', (sc) => {
    const decide = (level: Level, over: Partial<RiskOrder> = {}): RiskDecision => {
      const { o, i } = sc.make(level);
      return run({ ...o, ...over }, inputs({ limits: bookOf(sc.entries, sc.groups), ...i }));
    };

    it('when under the soft level then it passes with no breach', () => {
      const d = decide('pass');
      expect(d.breaches).toEqual([]);
      expect(d.verdict).toBe('pass');
    });

    it(`when between soft and hard then a soft ${sc.code} breach asks a manual order for confirmation`, () => {
      const d = decide('soft');
      expect(d).toMatchObject({ verdict: 'soft_breach', code: sc.code, confirmable: true });
      expect(d.breaches).toHaveLength(1);
      expect(d.breaches[0]).toMatchObject({ code: sc.code, level: 'soft' });
      expect(decide('soft', { confirm: true })).toMatchObject({ verdict: 'pass', confirmed: true });
      expect(decide('soft', { source: 'api' })).toMatchObject({ verdict: 'deny', code: sc.code, confirmable: false });
    });

    it(`when above hard then ${sc.code} denies, confirmation or not`, () => {
      const d = decide('hard');
      expect(d).toMatchObject({ verdict: 'deny', code: sc.code, confirmable: false });
      expect(d.breaches[0]).toMatchObject({ code: sc.code, level: 'hard' });
      expect(decide('hard', { confirm: true }).verdict).toBe('deny');
    });
  });
});

describe('evaluateOrder: decisions', () => {
  const limits = bookOf([lim('max_order_notional', '2000', '1000'), lim('max_order_qty', '20', '10', sym('BTC/USD'))]);

  it('when a breach is reported then it is data with its observed value, threshold and a readable message', () => {
    const d = run(order({ qty: '25' }), inputs({ limits }));
    expect(d.breaches).toEqual([
      { code: 'MAX_ORDER_QTY', level: 'hard', check: 'order_size', limit: 'max_order_qty', scope: 'symbol:BTC/USD', observed: '25', threshold: '20', factor: 1, message: 'order quantity: 25 exceeds the hard limit 20 (max_order_qty for BTC/USD)' },
      { code: 'MAX_ORDER_NOTIONAL', level: 'hard', check: 'order_size', limit: 'max_order_notional', scope: 'global', observed: '2500', threshold: '2000', factor: 1, message: 'order notional: 2500 exceeds the hard limit 2000 (max_order_notional)' },
    ]);
    expect(d.code).toBe('MAX_ORDER_QTY');
    expect(d.message).toBe(d.breaches[0]!.message);
  });

  it('when soft and hard breaches mix then the hard one decides and both are listed', () => {
    const d = run(order({ qty: '15', price: '150' }), inputs({ limits })); // qty 15: soft; notional 2250: hard
    expect(d.verdict).toBe('deny');
    expect(d.code).toBe('MAX_ORDER_NOTIONAL');
    expect(d.breaches.map((b) => `${b.code}:${b.level}`)).toEqual(['MAX_ORDER_QTY:soft', 'MAX_ORDER_NOTIONAL:hard']);
  });

  it('when the soft policy allows signals then a soft breach from a signal passes, listed', () => {
    const config = { ...DEFAULT_GATE_CONFIG, softPolicy: { ...DEFAULT_GATE_CONFIG.softPolicy, signal: 'allow' as const } };
    const o = order({ qty: '15', source: 'signal' });
    expect(evaluateOrder(o, BTC, inputs({ limits }))).toMatchObject({ verdict: 'deny', confirmable: false });
    const d = evaluateOrder(o, BTC, inputs({ limits }), config);
    expect(d).toMatchObject({ verdict: 'pass', confirmed: false });
    expect(d.breaches.map((b) => b.level)).toEqual(['soft', 'soft']);
  });

  it("when a child order breaches a soft limit then it passes only with its parent's confirmation: it is never held", () => {
    const s = stateOf({ parents: [{ id: 'P', symbol: 'BTC/USD', side: 'buy', unplaced: '100' }] });
    const child = order({ qty: '15', kind: 'child', parentId: 'P' });
    const d = run(child, inputs({ limits, state: s }));
    expect(d).toMatchObject({ verdict: 'deny', code: 'MAX_ORDER_QTY', confirmable: false });
    expect(d.message).toMatch(/cannot wait for confirmation/);
    expect(run({ ...child, confirm: true }, inputs({ limits, state: s }))).toMatchObject({ verdict: 'pass', confirmed: true });
  });

  it('when nothing is configured then everything passes', () => {
    expect(run(order({ qty: '100000' }))).toMatchObject({ verdict: 'pass', code: null, breaches: [] });
  });
});

describe('evaluateOrder: trading state and blocks', () => {
  const long = stateOf({ positions: { 'BTC/USD': '10' } });

  it('when REDUCING then a sell that reduces a long passes and a buy that increases it is denied', () => {
    const i = inputs({ state: long, mode: 'REDUCING' });
    expect(run(order({ side: 'sell', qty: '4' }), i)).toMatchObject({ verdict: 'pass', reducing: true });
    expect(run(order({ side: 'buy', qty: '1' }), i)).toMatchObject({ verdict: 'deny', code: 'REDUCING_ONLY', reducing: false });
    // Selling more than held would flip the position short: not reducing.
    expect(run(order({ side: 'sell', qty: '11' }), i)).toMatchObject({ verdict: 'deny', code: 'REDUCING_ONLY' });
  });

  it('when HALTED then every new order is denied, reducing or not', () => {
    const i = inputs({ state: long, mode: 'HALTED' });
    expect(run(order({ side: 'sell', qty: '4' }), i)).toMatchObject({ verdict: 'deny', code: 'TRADING_HALTED' });
    expect(run(order({ side: 'buy', qty: '1' }), i)).toMatchObject({ verdict: 'deny', code: 'TRADING_HALTED' });
    expect(run(order({ side: 'sell', qty: '4', confirm: true }), i).verdict).toBe('deny');
  });

  it('when a breaker blocks the instrument then new exposure is denied and reducing passes', () => {
    const i = inputs({ state: long, blocked: new Map([['BTC/USD', 'BTC/USD moved +6% within 5 min']]) });
    const d = run(order({ side: 'buy' }), i);
    expect(d).toMatchObject({ verdict: 'deny', code: 'INSTRUMENT_BLOCKED' });
    expect(d.message).toBe('no new exposure in BTC/USD: BTC/USD moved +6% within 5 min');
    expect(run(order({ side: 'sell', qty: '1' }), i).verdict).toBe('pass');
    expect(run(order({ symbol: 'ETH/USD', price: '50' }), i).verdict).toBe('pass');
  });

  it('when an order reduces a position then exposure and loss limits do not apply, fat-finger limits still do', () => {
    const limits = bookOf([lim('max_position_pct_nav', '0.1'), lim('max_daily_loss', '10'), lim('max_order_qty', '5', null, sym('BTC/USD'))]);
    const i = inputs({ state: long, limits, loss: lossOf({ dailyLoss: '50000' }) });
    expect(run(order({ side: 'sell', qty: '4' }), i).verdict).toBe('pass');
    expect(run(order({ side: 'sell', qty: '6' }), i).code).toBe('MAX_ORDER_QTY');
    const buy = run(order({ side: 'buy', qty: '1' }), i);
    expect(buy.breaches.map((b) => b.code)).toEqual(['MAX_POSITION', 'DAILY_LOSS']);
    expect(buy.breaches.every(isExposureBreach)).toBe(true);
  });
});

describe('evaluateOrder: projected state', () => {
  const limits = bookOf([lim('max_position_notional', '200000')]);

  it('when working orders and algo remainders are counted then a small order on top of them is denied', () => {
    const s = stateOf({ working: [{ symbol: 'BTC/USD', side: 'buy', qty: '1000', price: '100' }], parents: [{ id: 'P', symbol: 'BTC/USD', side: 'buy', unplaced: '950' }] });
    expect(run(order({ qty: '50' }), inputs({ state: s, limits })).verdict).toBe('pass'); // 200,000 exactly
    expect(run(order({ qty: '51' }), inputs({ state: s, limits })).code).toBe('MAX_POSITION');
    // Positions alone would have passed it.
    expect(run(order({ qty: '51' }), inputs({ limits })).verdict).toBe('pass');
  });

  it("when a child of an admitted parent is checked then it is not counted twice", () => {
    const s = stateOf({ parents: [{ id: 'P', symbol: 'BTC/USD', side: 'buy', unplaced: '2000' }] });
    expect(run(order({ qty: '100', kind: 'child', parentId: 'P' }), inputs({ state: s, limits })).verdict).toBe('pass');
    expect(run(order({ qty: '100', kind: 'direct' }), inputs({ state: s, limits })).code).toBe('MAX_POSITION');
  });

  it('when a market order has no estimate and there is no reference price then NO_REFERENCE_PRICE', () => {
    const i = inputs({ market: { refPriceUnits: undefined, bidUnits: undefined, askUnits: undefined }, state: stateOf({ prices: {} }) });
    expect(run(order({ type: 'market' }), i).code).toBe('NO_REFERENCE_PRICE');
    // A limit order is valued at its price, unless a price band needs the reference.
    expect(run(order(), i).verdict).toBe('pass');
    expect(run(order(), { ...i, limits: bookOf([lim('price_band_pct', '5')]) }).code).toBe('NO_REFERENCE_PRICE');
  });

  it('when a passive limit sits below the reference then the price band (aggressive side only) does not apply', () => {
    const i = inputs({ limits: bookOf([lim('price_band_pct', '5')]) });
    expect(run(order({ price: '50' }), i).verdict).toBe('pass');
    expect(run(order({ side: 'sell', price: '150' }), inputs({ ...i, state: stateOf({ positions: { 'BTC/USD': '5' } }) })).verdict).toBe('pass');
    expect(run(order({ side: 'sell', price: '94' }), inputs({ ...i, state: stateOf({ positions: { 'BTC/USD': '5' } }) })).code).toBe('PRICE_BAND');
  });

  it('when a limit order does not cross the spread then the spread limit does not apply', () => {
    const i = inputs({ limits: bookOf([lim('max_spread_bps', '1')]) });
    expect(run(order({ price: '100' }), i).verdict).toBe('pass');
    expect(run(order({ price: '100.01' }), i).code).toBe('MAX_SPREAD');
    expect(run(order({ price: '100.01' }), { ...i, market: { refPriceUnits: px(BTC, '100'), bidUnits: undefined, askUnits: px(BTC, '100.01') } }).message).toMatch(/no two-sided quote/);
  });
});

describe('evaluateOrder: tiers and volatility', () => {
  it('when urgency is immediate then the price band is tighter than for medium', () => {
    const i = inputs({ limits: bookOf([lim('price_band_pct', '5', '2')]) });
    expect(run(order({ price: '103', urgency: 'medium' }), i).verdict).toBe('soft_breach');
    const d = run(order({ price: '103', urgency: 'immediate' }), i);
    expect(d).toMatchObject({ verdict: 'deny', code: 'PRICE_BAND' });
    expect(d.breaches[0]).toMatchObject({ threshold: '2.5%', factor: 0.5 });
    expect(d.strictness.tier).toBe('T1-immediate');
  });

  it('when a low-urgency parent is admitted then spread and price band are deferred to its children', () => {
    const i = inputs({ limits: bookOf([lim('max_spread_bps', '1'), lim('price_band_pct', '1')]) });
    const parent = run(order({ price: '110', urgency: 'low', kind: 'parent' }), i);
    expect(parent).toMatchObject({ verdict: 'pass', deferred: ['spread', 'price_band'] });
    expect(parent.checked).not.toContain('price_band');
    const child = run(order({ price: '110', urgency: 'low', kind: 'child' }), i);
    expect(child.breaches.map((b) => b.code)).toEqual(['PRICE_BAND', 'MAX_SPREAD']);
    expect(child.deferred).toEqual([]);
  });

  it('when volatility is high then size limits are scaled by baseline/current and it shows in the breach', () => {
    const i = inputs({ limits: bookOf([lim('max_order_notional', '2000')]) });
    expect(run(order({ qty: '15' }), i).verdict).toBe('pass');
    const d = run(order({ qty: '15' }), { ...i, volatility: { baseline: 1, current: 3 } });
    expect(d).toMatchObject({ verdict: 'deny', code: 'MAX_ORDER_NOTIONAL' });
    expect(d.strictness.vol).toMatchObject({ regime: 'high', ratio: 3 });
    expect(d.breaches[0]!.threshold).toBe('666.666'); // 2000 x 0.333333
    expect(d.breaches[0]!.message).toMatch(/in high volatility/);
    // Below the high-regime ratio nothing is scaled.
    expect(run(order({ qty: '15' }), { ...i, volatility: { baseline: 1, current: 1.4 } }).verdict).toBe('pass');
  });
});

describe('riskOrderFromRecord', () => {
  it('when a journaled order is mapped then its kind comes from parent and algo, and a market order carries the estimate', () => {
    expect(riskOrderFromRecord(makeOrder())).toEqual({
      symbol: 'BTC/USD', side: 'buy', qtyUnits: 1000n, type: 'limit', limitPriceUnits: 100_00n, estimatedPriceUnits: null, urgency: 'immediate', source: 'api', kind: 'direct', parentId: null, confirm: false,
    });
    expect(riskOrderFromRecord(makeOrder({ algo: 'twap', urgency: 'medium' }), { confirm: true })).toMatchObject({ kind: 'parent', urgency: 'medium', confirm: true });
    expect(riskOrderFromRecord(makeOrder({ parentId: 'P1', type: 'market', priceUnits: null }), { estimatedPriceUnits: 101_00n, source: 'signal' })).toMatchObject({
      kind: 'child', parentId: 'P1', type: 'market', limitPriceUnits: null, estimatedPriceUnits: 101_00n, source: 'signal',
    });
  });
});
