import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveInstrument } from '../../../src/core/instrument.ts';
import { toUnits } from '../../../src/core/precision.ts';
import { CandleBuilder } from '../../../src/marketdata/candles.ts';
import { parseTradesCsv } from '../../../src/marketdata/csv.ts';
import { MarketDataHub } from '../../../src/marketdata/market-data-hub.ts';

const XRP = resolveInstrument({ symbol: 'XRP/ETH', base: 'XRP', quote: 'ETH', kind: 'crypto', tickSize: '0.00000001', lotSize: '1', minNotional: '0.001', makerFeeBps: 10, takerFeeBps: 10, tradable: true });
const trades = parseTradesCsv(readFileSync(new URL('../../fixtures/data/crypto/binance_XRPETH_trades_20191011-13.csv', import.meta.url), 'utf8')).slice(0, 3_000);

/** σ of 5 s log returns over the last five minutes per √s, every return through Math.log (the formula as it was written first). */
function reference(closes: readonly bigint[]): number {
  if (closes.length < 5 || closes.every((c) => c === closes[0])) return 0;
  const r: number[] = [];
  for (let i = 1; i < closes.length; i++) r.push(Math.log(Number(closes[i]!) / Number(closes[i - 1]!)));
  const mean = r.reduce((a, x) => a + x, 0) / r.length;
  const variance = r.reduce((a, x) => a + (x - mean) * (x - mean), 0) / Math.max(1, r.length - 1);
  return Math.sqrt(variance / 5);
}

describe('MarketDataHub.shortTermVol', () => {
  it('when the tape plays with quiet stretches (flat 5 s carries) then every figure is the one every return through Math.log gives, to the bit', () => {
    const hub = new MarketDataHub([XRP], { book: () => undefined, trade: () => undefined, candle: () => undefined, wantsCandles: () => false });
    const bars = new CandleBuilder({ symbol: XRP.symbol, interval: '5s', priceDecimals: XRP.priceDecimals, qtyDecimals: XRP.qtyDecimals, maxBars: 2_000 });
    let seen = 0;
    let nonZero = 0;
    trades.forEach((t, i) => {
      const priceUnits = toUnits(t.priceText, XRP.priceDecimals);
      const qtyUnits = toUnits(t.amountText, XRP.qtyDecimals);
      hub.on({ type: 'trade', trade: { symbol: XRP.symbol, id: String(i), priceUnits, qtyUnits, side: t.side, ts: t.timestampMs } });
      hub.on({ type: 'book', book: { symbol: XRP.symbol, bids: [], asks: [], ts: t.timestampMs } });
      bars.trade(t.timestampMs, priceUnits, qtyUnits);
      const v = hub.shortTermVol(XRP.symbol);
      expect(Object.is(v, reference(bars.closes(61)))).toBe(true);
      seen++;
      if (v > 0) nonZero++;
    });
    expect(seen).toBe(3_000);
    expect(nonZero).toBeGreaterThan(1_000);
  });
});
