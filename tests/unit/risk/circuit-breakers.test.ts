import { describe, expect, it } from 'vitest';
import { CircuitBreakers, DEFAULT_BREAKERS, validateBreakerConfig } from '../../../src/risk/circuit-breakers.ts';
import type { BreakerConfig, BreakerEvent } from '../../../src/risk/circuit-breakers.ts';
import { toUnits } from '../../../src/core/precision.ts';

const T0 = Date.UTC(2026, 0, 5, 14, 30);
const pct = (s: string): bigint => toUnits(s, 4);
const price = (s: string): bigint => toUnits(s, 2);

function cfg(over: Partial<BreakerConfig> = {}): BreakerConfig {
  return { ...DEFAULT_BREAKERS, ...over };
}

const kinds = (es: BreakerEvent[]): string[] => es.map((e) => `${e.breaker}:${e.type}`);

describe('daily drawdown breaker', () => {
  it('when the daily drawdown reaches the threshold then it trips once asking for HALTED', () => {
    const b = new CircuitBreakers(cfg({ dailyDrawdown: { enabled: true, haltPct: 5 } }));
    expect(b.observeDrawdown(pct('4.9999'), T0)).toEqual([]);
    const e = b.observeDrawdown(pct('5'), T0 + 1000);
    expect(e).toEqual([{ breaker: 'daily_drawdown', type: 'trip', at: T0 + 1000, code: 'BREAKER_DAILY_DRAWDOWN', cause: 'daily drawdown 5% reached 5%', action: { kind: 'trading_state', to: 'HALTED' } }]);
    // Latched: a deeper drawdown does not trip again.
    expect(b.observeDrawdown(pct('7'), T0 + 2000)).toEqual([]);
    expect(b.status().find((s) => s.breaker === 'daily_drawdown')).toMatchObject({ tripped: true, since: T0 + 1000 });
  });

  it('when the drawdown is back under the threshold (a new day) then it resets without loosening anything, and can trip again', () => {
    const b = new CircuitBreakers();
    b.observeDrawdown(pct('6'), T0);
    const r = b.observeDrawdown(pct('0'), T0 + 86_400_000);
    expect(r).toMatchObject([{ breaker: 'daily_drawdown', type: 'reset', action: { kind: 'none' } }]);
    expect(kinds(b.observeDrawdown(pct('5.5'), T0 + 86_500_000))).toEqual(['daily_drawdown:trip']);
  });

  it('when disabled then it never trips', () => {
    const b = new CircuitBreakers(cfg({ dailyDrawdown: { enabled: false, haltPct: 5 } }));
    expect(b.observeDrawdown(pct('50'), T0)).toEqual([]);
  });
});

describe('instrument move breaker', () => {
  const move = { enabled: true, movePct: 5, windowMs: 5 * 60_000, blockMs: 15 * 60_000 };

  it('when a price moves Z% from the low of the last Y minutes then the instrument is blocked', () => {
    const b = new CircuitBreakers(cfg({ instrumentMove: move }));
    expect(b.observePrice('BTC/USD', price('100'), T0)).toEqual([]);
    expect(b.observePrice('BTC/USD', price('102'), T0 + 60_000)).toEqual([]);
    expect(b.observePrice('BTC/USD', price('104.99'), T0 + 120_000)).toEqual([]);
    const e = b.observePrice('BTC/USD', price('105'), T0 + 180_000);
    expect(e).toEqual([
      { breaker: 'instrument_move', type: 'trip', at: T0 + 180_000, code: 'BREAKER_INSTRUMENT_MOVE', cause: 'BTC/USD moved +5% within 5 min (threshold 5%)', symbol: 'BTC/USD', action: { kind: 'block_symbol', symbol: 'BTC/USD', until: T0 + 180_000 + 15 * 60_000 } },
    ]);
    expect(b.blockedSymbols()).toEqual(new Map([['BTC/USD', 'BTC/USD moved +5% within 5 min (threshold 5%)']]));
    // Other instruments are unaffected.
    expect(b.observePrice('ETH/USD', price('50'), T0 + 180_000)).toEqual([]);
    expect(b.blockedSymbols().has('ETH/USD')).toBe(false);
  });

  it('when a price falls Z% from the high then it trips too', () => {
    const b = new CircuitBreakers(cfg({ instrumentMove: move }));
    b.observePrice('X', price('100'), T0);
    expect(kinds(b.observePrice('X', price('95'), T0 + 1000))).toEqual(['instrument_move:trip']);
    expect(b.status().find((s) => s.breaker === 'instrument_move')!.symbols![0]!.cause).toMatch(/-5%/);
  });

  it('when the move took longer than the window then it does not trip', () => {
    const b = new CircuitBreakers(cfg({ instrumentMove: move }));
    b.observePrice('X', price('100'), T0);
    b.observePrice('X', price('103'), T0 + 4 * 60_000);
    // 100 is now older than 5 minutes: from 103 to 106 is +2.9%.
    expect(b.observePrice('X', price('106'), T0 + 5 * 60_000 + 1)).toEqual([]);
  });

  it('when the block time is over then the next tick unblocks the instrument (reset), and the window starts afresh', () => {
    const b = new CircuitBreakers(cfg({ instrumentMove: move }));
    b.observePrice('X', price('100'), T0);
    b.observePrice('X', price('110'), T0 + 1000);
    expect(b.tick(T0 + 1000 + 15 * 60_000 - 1)).toEqual([]);
    const r = b.tick(T0 + 1000 + 15 * 60_000);
    expect(r).toMatchObject([{ breaker: 'instrument_move', type: 'reset', symbol: 'X', action: { kind: 'unblock_symbol', symbol: 'X' } }]);
    expect(b.blockedSymbols().size).toBe(0);
    // The pre-trip low (100) is forgotten: 110 → 112 does not trip.
    expect(b.observePrice('X', price('112'), T0 + 16 * 60_000 + 2000)).toEqual([]);
  });
});

describe('venue disconnect breaker', () => {
  it('when the venue stays disconnected longer than N s then safe mode (REDUCING) is asked once', () => {
    const b = new CircuitBreakers(cfg({ venueDisconnect: { enabled: true, maxDisconnectedMs: 30_000 } }));
    expect(b.observeVenue(false, T0)).toEqual([]);
    expect(b.tick(T0 + 30_000)).toEqual([]);
    const e = b.tick(T0 + 30_001);
    expect(e).toMatchObject([{ breaker: 'venue_disconnect', type: 'trip', code: 'BREAKER_VENUE_DISCONNECT', action: { kind: 'trading_state', to: 'REDUCING' } }]);
    expect(e[0]!.cause).toBe('venue disconnected for 30 s (threshold 30 s)');
    expect(b.tick(T0 + 60_000)).toEqual([]);
    expect(b.observeVenue(false, T0 + 61_000)).toEqual([]);
  });

  it('when the venue reconnects then it resets (no action), and a short blip never trips', () => {
    const b = new CircuitBreakers();
    b.observeVenue(false, T0);
    b.tick(T0 + 40_000);
    expect(b.observeVenue(true, T0 + 41_000)).toMatchObject([{ breaker: 'venue_disconnect', type: 'reset', action: { kind: 'none' } }]);
    b.observeVenue(false, T0 + 50_000);
    b.observeVenue(true, T0 + 55_000);
    expect(b.tick(T0 + 120_000)).toEqual([]);
  });
});

describe('order rate breaker', () => {
  it('when order attempts in a minute exceed the threshold then HALTED is asked; it resets once the minute calms down', () => {
    const b = new CircuitBreakers(cfg({ orderRate: { enabled: true, maxPerMinute: 10 } }));
    const events: BreakerEvent[] = [];
    for (let k = 0; k < 10; k++) events.push(...b.recordOrderAttempt(T0 + k * 100));
    expect(events).toEqual([]);
    const trip = b.recordOrderAttempt(T0 + 1000);
    expect(trip).toMatchObject([{ breaker: 'order_rate', type: 'trip', code: 'BREAKER_ORDER_RATE', cause: '11 order attempts in the last minute (threshold 10)', action: { kind: 'trading_state', to: 'HALTED' } }]);
    expect(b.recordOrderAttempt(T0 + 1100)).toEqual([]);
    expect(b.tick(T0 + 60_000)).toEqual([]); // 11 of the 12 attempts are within (T0, T0 + 60 s]
    expect(b.tick(T0 + 61_000)).toMatchObject([{ breaker: 'order_rate', type: 'reset' }]);
  });
});

describe('configuration', () => {
  it('when thresholds are not positive then the configuration is refused', () => {
    expect(validateBreakerConfig(DEFAULT_BREAKERS)).toEqual([]);
    const bad = cfg({ dailyDrawdown: { enabled: true, haltPct: 0 }, orderRate: { enabled: true, maxPerMinute: -1 } });
    expect(validateBreakerConfig(bad)).toEqual(['dailyDrawdown.haltPct must be a positive number', 'orderRate.maxPerMinute must be a positive number']);
    expect(() => new CircuitBreakers(bad)).toThrow(RangeError);
  });

  it('when asked for status then every breaker reports its thresholds as data', () => {
    const s = new CircuitBreakers().status();
    expect(s.map((x) => x.breaker)).toEqual(['daily_drawdown', 'instrument_move', 'venue_disconnect', 'order_rate']);
    expect(s[1]!.thresholds).toEqual({ movePct: 5, windowMs: 300_000, blockMs: 900_000 });
    expect(s.every((x) => !x.tripped)).toBe(true);
  });
});
