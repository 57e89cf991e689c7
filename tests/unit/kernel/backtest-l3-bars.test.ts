import { describe, expect, it } from 'vitest';
import { l3Bars, tapeBars, tapeRows } from '../../../src/kernel/backtest-l3.ts';
import type { TradeRow } from '../../../src/marketdata/csv.ts';

const row = (timestampMs: number, price: string, amount: string, side: 'buy' | 'sell' = 'buy'): TradeRow => ({ timestampMs, tradeId: String(timestampMs), side, price: Number(price), amount: Number(amount), priceText: price, amountText: amount });
const T0 = Date.UTC(2019, 9, 11, 0, 0, 0);

describe('l3Bars: the bars every level of a tape comparison decides on', () => {
  it('when a tape is cut into minute bars then each bar has the open, high, low, close and volume of its trades, and a minute with none carries the last close with no volume', () => {
    const rows = [row(T0 + 1_000, '0.00141342', '23'), row(T0 + 30_000, '0.00141500', '10'), row(T0 + 59_000, '0.00141100', '5'), row(T0 + 150_000, '0.00141200', '7')];
    const b = l3Bars(rows, 'XRP/ETH', 60_000);
    expect(Array.from(b.time)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect([b.open[0], b.high[0], b.low[0], b.close[0], b.volume[0]]).toEqual([0.00141342, 0.001415, 0.001411, 0.001411, 38]);
    expect([b.open[1], b.close[1], b.volume[1]]).toEqual([0.001411, 0.001411, 0]);
    expect([b.open[2], b.close[2], b.volume[2]]).toEqual([0.001412, 0.001412, 7]);
  });

  it('when the venue infers the tick from the tape texts then the bars carry that many price decimals (trailing zeros do not count), as the L3 run builds them', () => {
    const rows = [row(T0, '0.00141340', '1'), row(T0 + 61_000, '0.00141300', '2')];
    expect(l3Bars(rows, 'XRP/ETH', 60_000).priceDecimals).toBe(7);
    expect(l3Bars(rows, 'XRP/ETH', 60_000)).toEqual(tapeBars(rows, 60_000, 7));
  });

  it('when a stored tape is read back for a window then only its trades in the window become rows, with the texts the venue reads (shortest decimals)', () => {
    const tape = { kind: 'trades' as const, time: Float64Array.from([T0, T0 + 1_000, T0 + 2_000]), price: Float64Array.from([0.0014134, 0.001413, 0.0014]), qty: Float64Array.from([23, 1.5, 2]), side: Int8Array.from([1, -1, 1]), priceDecimals: 8 };
    const rows = tapeRows(tape, T0 + 1_000, T0 + 2_000);
    expect(rows.map((r) => [r.timestampMs, r.side, r.priceText, r.amountText])).toEqual([
      [T0 + 1_000, 'sell', '0.001413', '1.5'],
      [T0 + 2_000, 'buy', '0.0014', '2'],
    ]);
    expect(() => l3Bars(rows, 'XRP/ETH', 0)).toThrow(RangeError);
  });
});
