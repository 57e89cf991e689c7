import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toUnits } from '../../../src/core/precision.ts';
import { CandleBuilder } from '../../../src/marketdata/candles.ts';
import type { CandleEvent, UnitCandle } from '../../../src/marketdata/candles.ts';
import { parseCandlesCsv, parseTradesCsv } from '../../../src/marketdata/csv.ts';

const DATA = new URL('../../fixtures/data/crypto/', import.meta.url);
const trades = parseTradesCsv(readFileSync(new URL('binance_XRPETH_trades_20191011-13.csv', DATA), 'utf8'));
const candles = parseCandlesCsv(readFileSync(new URL('binance_XRPETH_1m_20191011-13.csv', DATA), 'utf8'));
const PD = 8;
const QD = 8;

describe('CandleBuilder on the Binance XRP/ETH tape', () => {
  it('reproduces every 1-minute candle exactly: 2,469 traded, 1,091 flat carries', () => {
    expect(trades).toHaveLength(12_477);
    expect(candles).toHaveLength(3_560);
    const builder = new CandleBuilder({ symbol: 'XRP/ETH', interval: '1m', priceDecimals: PD, qtyDecimals: QD, maxBars: 5_000 });
    for (const t of trades) builder.addTrade(t.timestampMs, toUnits(t.priceText, PD), toUnits(t.amountText, QD));
    const last = candles[candles.length - 1];
    if (!last) throw new Error('no candles');
    builder.advanceTo(last.timestampMs + 60_000);
    const bars = builder.unitHistory();
    expect(bars).toHaveLength(candles.length);

    let traded = 0;
    let flat = 0;
    let prevClose: bigint | null = null;
    candles.forEach((c, i) => {
      const bar = bars[i] as UnitCandle;
      const expected = {
        time: c.timestampMs,
        open: toUnits(c.text.open, PD),
        high: toUnits(c.text.high, PD),
        low: toUnits(c.text.low, PD),
        close: toUnits(c.text.close, PD),
        volume: toUnits(c.text.volume, QD),
      };
      expect({ time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume }).toEqual(expected);
      if (bar.trades > 0) {
        traded++;
      } else {
        flat++;
        expect(bar.volume).toBe(0n);
        expect([bar.open, bar.high, bar.low].every((p) => p === bar.close)).toBe(true);
        expect(bar.close).toBe(prevClose);
      }
      prevClose = bar.close;
    });
    expect(traded).toBe(2_469);
    expect(flat).toBe(1_091);

    // The DTO view carries the same values as plain numbers.
    const dto = builder.history({ includeCurrent: false });
    expect(dto[0]).toEqual({ symbol: 'XRP/ETH', interval: '1m', time: candles[0]?.timestampMs, open: 0.00141342, high: 0.00141557, low: 0.00141266, close: 0.00141418, volume: 1482 });
  });

  it('gives the same bars whichever way the clock is driven (advanceTo every second)', () => {
    const slice = trades.slice(0, 400);
    const a = new CandleBuilder({ symbol: 'X', interval: '1m', priceDecimals: PD, qtyDecimals: QD, maxBars: 500 });
    const b = new CandleBuilder({ symbol: 'X', interval: '1m', priceDecimals: PD, qtyDecimals: QD, maxBars: 500 });
    let clock = slice[0]?.timestampMs ?? 0;
    for (const t of slice) {
      a.addDecimalTrade(t.timestampMs, t.priceText, t.amountText);
      while (clock + 1000 <= t.timestampMs) b.advanceTo((clock += 1000)); // never past the next trade
      b.addDecimalTrade(t.timestampMs, t.priceText, t.amountText);
    }
    expect(b.history()).toEqual(a.history());
  });
});

describe('CandleBuilder events and edge cases', () => {
  const mk = (interval: '1s' | '5s' | '1m' | '5m' = '1m', maxBars = 10) =>
    new CandleBuilder({ symbol: 'T', interval, priceDecimals: 2, qtyDecimals: 3, maxBars });

  it('emits update on every trade and close (with flat gap fills) when time passes a boundary', () => {
    const b = mk('5s');
    expect(b.advanceTo(1_000)).toEqual([]); // no price yet, no bars
    let ev = b.addDecimalTrade(1_200, '10.5', '1');
    expect(ev).toEqual([{ kind: 'update', candle: { symbol: 'T', interval: '5s', time: 0, open: 10.5, high: 10.5, low: 10.5, close: 10.5, volume: 1 } }]);
    ev = b.addDecimalTrade(4_999, '10.7', '0.25');
    expect(ev.map((e) => e.kind)).toEqual(['update']);
    ev = b.advanceTo(17_000); // closes [0,5s), carries [5s,10s) and [10s,15s), opens [15s,20s)
    expect(ev.map((e: CandleEvent) => [e.kind, e.candle.time, e.candle.open, e.candle.close, e.candle.volume])).toEqual([
      ['close', 0, 10.5, 10.7, 1.25],
      ['close', 5_000, 10.7, 10.7, 0],
      ['close', 10_000, 10.7, 10.7, 0],
      ['update', 15_000, 10.7, 10.7, 0],
    ]);
    // The first trade of a carried bar resets it: open is that trade, not the carried close.
    ev = b.addDecimalTrade(18_000, '10.6', '2');
    expect(ev).toEqual([{ kind: 'update', candle: { symbol: 'T', interval: '5s', time: 15_000, open: 10.6, high: 10.6, low: 10.6, close: 10.6, volume: 2 } }]);
    expect(b.history().map((c) => c.time)).toEqual([0, 5_000, 10_000, 15_000]);
    expect(b.history({ includeCurrent: false }).map((c) => c.time)).toEqual([0, 5_000, 10_000]);
  });

  it('rejects trades for closed bars and invalid values, accepts late trades inside the open bar', () => {
    const b = mk('1m');
    b.addDecimalTrade(61_000, '1', '1');
    b.advanceTo(119_000);
    expect(b.addDecimalTrade(100_000, '2', '1').map((e) => e.candle.high)).toEqual([2]);
    b.advanceTo(125_000);
    expect(() => b.addDecimalTrade(110_000, '1', '1')).toThrow(RangeError);
    expect(() => b.addTrade(130_000, 0n, 1n)).toThrow(RangeError);
    expect(() => b.addTrade(130_000, 1n, -1n)).toThrow(RangeError);
    expect(() => b.addDecimalTrade(130_000, '1.001', '1')).toThrow(); // more decimals than the instrument
    expect(() => new CandleBuilder({ symbol: 'T', interval: '2m' as '1m', priceDecimals: 2, qtyDecimals: 2 })).toThrow(RangeError);
  });

  it('keeps only the last maxBars closed bars and bounds the work of a long gap', () => {
    const b = mk('1s', 5);
    b.addDecimalTrade(0, '1', '1');
    const ev = b.advanceTo(1_000_000_000); // ~11.6 days of empty seconds
    expect(ev.filter((e) => e.kind === 'close')).toHaveLength(6); // the traded bar + the last 5 carries
    const hist = b.history({ includeCurrent: false });
    expect(hist.map((c) => c.time)).toEqual([999_995_000, 999_996_000, 999_997_000, 999_998_000, 999_999_000]);
    expect(hist.every((c) => c.close === 1 && c.volume === 0)).toBe(true);
    expect(b.current()?.time).toBe(1_000_000_000);
  });

  it('aligns bars of every interval to multiples of the interval', () => {
    for (const [interval, ms] of [['1s', 1_000], ['5s', 5_000], ['1m', 60_000], ['5m', 300_000]] as const) {
      const b = mk(interval);
      b.addDecimalTrade(1_570_752_011_620, '1', '1');
      expect(b.current()?.time).toBe(Math.floor(1_570_752_011_620 / ms) * ms);
    }
  });
});

describe('CandleBuilder properties', () => {
  const tradeArb = fc.record({
    dt: fc.integer({ min: 0, max: 20_000 }),
    price: fc.bigInt({ min: 1n, max: 10n ** 12n }),
    qty: fc.bigInt({ min: 1n, max: 10n ** 9n }),
  });

  it('high ≥ max(open, close), low ≤ min(open, close), Σ bar volume = Σ trade qty', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('1s', '5s', '1m', '5m' as const),
        fc.integer({ min: 0, max: 2_000_000_000_000 }),
        fc.array(tradeArb, { minLength: 1, maxLength: 200 }),
        (interval, start, steps) => {
          const b = new CandleBuilder({ symbol: 'P', interval, priceDecimals: 6, qtyDecimals: 4, maxBars: 100_000 });
          let ts = start;
          let totalQty = 0n;
          let prevEnd = start;
          for (const s of steps) {
            ts += s.dt;
            for (const e of b.addTrade(ts, s.price, s.qty)) expect(e.candle.time).toBeGreaterThanOrEqual(Math.floor(start / b.intervalMs) * b.intervalMs);
            totalQty += s.qty;
            prevEnd = ts;
          }
          b.advanceTo(prevEnd + b.intervalMs);
          const bars = b.unitHistory();
          let volume = 0n;
          let prev: UnitCandle | undefined;
          for (const bar of bars) {
            const hi = bar.open > bar.close ? bar.open : bar.close;
            const lo = bar.open < bar.close ? bar.open : bar.close;
            if (bar.high < hi || bar.low > lo) return false;
            if (prev && bar.time !== prev.time + b.intervalMs) return false; // contiguous, no gaps
            if (bar.trades === 0 && (bar.volume !== 0n || bar.open !== prev?.close || bar.high !== bar.low)) return false;
            volume += bar.volume;
            prev = bar;
          }
          return volume === totalQty && bars.reduce((n, bar) => n + bar.trades, 0) === steps.length;
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('CandleBuilder without a listener', () => {
  it('when bars close with no one taking their DTOs then history, recent and the closes equal those of a builder that published every event', () => {
    // Arrange: one builder through the event API, one through trade/advance with no close sink.
    const opts = { symbol: 'XRP/ETH', interval: '5s' as const, priceDecimals: PD, qtyDecimals: QD, maxBars: 700 };
    const published = new CandleBuilder(opts);
    const quiet = new CandleBuilder(opts);
    const closed: CandleEvent['candle'][] = [];
    // Act: the first 3,000 prints, with the clock moving between them as book steps do.
    for (const t of trades.slice(0, 3_000)) {
      const price = toUnits(t.priceText, PD);
      const qty = toUnits(t.amountText, QD);
      for (const e of published.advanceTo(t.timestampMs - 1)) if (e.kind === 'close') closed.push(e.candle);
      for (const e of published.addTrade(t.timestampMs, price, qty)) if (e.kind === 'close') closed.push(e.candle);
      quiet.advance(t.timestampMs - 1);
      quiet.trade(t.timestampMs, price, qty);
    }
    // Assert
    expect(quiet.history()).toEqual(published.history());
    expect(quiet.history({ includeCurrent: false })).toEqual(closed.slice(-700));
    expect(quiet.recent(25)).toEqual(published.history().slice(-25));
    expect(quiet.recent(0)).toEqual([]);
    expect(quiet.closes(61)).toEqual(published.unitHistory(61).map((b) => b.close));
    expect(quiet.volumes(30)).toEqual(published.unitHistory(30).map((b) => b.volume));
    expect(quiet.closedCount).toBe(closed.length);
  });

  it('when a closed bar is read twice then the same frozen DTO is returned (built once)', () => {
    const b = new CandleBuilder({ symbol: 'X', interval: '1s', priceDecimals: 2, qtyDecimals: 0 });
    b.trade(1_000, 100n, 1n);
    b.advance(5_500);
    const [first] = b.recent(10, false);
    const [again] = b.recent(10, false);
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual({ symbol: 'X', interval: '1s', time: 1_000, open: 1, high: 1, low: 1, close: 1, volume: 1 });
  });
});
