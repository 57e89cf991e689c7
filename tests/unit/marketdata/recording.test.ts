import { describe, expect, it } from 'vitest';
import type { InstrumentDto } from '../../../src/contract/dto.ts';
import { DomainError } from '../../../src/core/errors.ts';
import { MarketRecorder } from '../../../src/marketdata/recorder.ts';
import { decimalText, loadMarketFile, symbolFromFileName } from '../../../src/marketdata/recording.ts';

const BTC: InstrumentDto = { symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', kind: 'crypto', tickSize: 0.01, lotSize: 0.00001, minNotional: 5, priceDecimals: 2, qtyDecimals: 5, makerFeeBps: 1, takerFeeBps: 5, tradable: true };
const SPY: InstrumentDto = { symbol: 'SPY', base: 'SPY', quote: 'USD', kind: 'equity', tickSize: 0.01, lotSize: 1, minNotional: 1, priceDecimals: 2, qtyDecimals: 0, makerFeeBps: 0, takerFeeBps: 0.5, tradable: true };

function record(): string {
  let text = '';
  const rec = new MarketRecorder([BTC, SPY], 'USD', (s) => (text += s), 1000);
  rec.onTrade({ symbol: 'BTC/USDT', id: 'a', price: 64255.68, qty: 0.00579, side: 'sell', ts: 1000 });
  rec.onTrade({ symbol: 'SPY', id: 'b', price: 512.1, qty: 3, side: 'buy', ts: 1250 });
  // Unknown instrument and a step back in time: skipped, the replay would refuse them.
  expect(rec.onTrade({ symbol: 'XYZ', id: 'c', price: 1, qty: 1, side: 'buy', ts: 1300 })).toBe(false);
  expect(rec.onTrade({ symbol: 'SPY', id: 'd', price: 512, qty: 1, side: 'buy', ts: 1200 })).toBe(false);
  rec.onTrade({ symbol: 'BTC/USDT', id: 'e', price: 64256.1, qty: 0.1, side: 'buy', ts: 1500 });
  expect(rec.trades).toBe(3);
  return text;
}

const badFile = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('BAD_FILE');
    return (err as DomainError).message;
  }
  throw new Error('expected BAD_FILE');
};

describe('recording format', () => {
  it('when the recorder writes trades then the replay loader reads them back exactly, per instrument', () => {
    const m = loadMarketFile(record(), 'demo.jsonl');
    expect(m.format).toBe('recording');
    expect(m.currency).toBe('USD');
    expect(m.tapes.map((t) => t.instrument.symbol)).toEqual(['BTC/USDT', 'SPY']);
    expect(m.tapes[0]!.instrument.lotSize).toBe('0.00001');
    expect(m.tapes[0]!.trades.map((t) => [t.timestampMs, t.side, t.priceText, t.amountText])).toEqual([
      [1000, 'sell', '64255.68', '0.00579'],
      [1500, 'buy', '64256.1', '0.1'],
    ]);
    expect(m.tapes[1]!.trades[0]!.priceText).toBe('512.1');
    expect([m.start, m.end, m.events]).toEqual([1000, 1500, 3]);
  });

  it('when a recorder was killed mid-line then the torn last line is dropped and the rest loads', () => {
    const text = record() + '{"t":1600,"s":"SPY","id":"x","si';
    expect(loadMarketFile(text, 'torn.jsonl').events).toBe(3);
  });

  it('when a line is malformed then the load is refused naming the file and line', () => {
    const lines = record().split('\n');
    lines[2] = '{"t":900,"s":"SPY","id":"x","side":"buy","p":"1","q":"1"}';
    expect(badFile(() => loadMarketFile(lines.join('\n'), 'r.jsonl'))).toMatch(/^r\.jsonl:3: .*goes back in time/);
    lines[2] = '{"t":1200,"s":"SPY","id":"x","side":"buy","p":"-1","q":"1"}';
    expect(badFile(() => loadMarketFile(lines.join('\n'), 'r.jsonl'))).toMatch(/^r\.jsonl:3: price/);
    expect(badFile(() => loadMarketFile('{"strata":"recording","version":9,"currency":"USD","instruments":[]}', 'v.jsonl'))).toMatch(/version 9/);
  });

  it('when a trade tape CSV is loaded then its instrument comes from the file name or the given symbol', () => {
    const csv = 'timestamp_ms,trade_id,taker_side,price,amount\n1000,1,buy,0.00141,23.0\n2000,2,sell,0.00140,5\n';
    expect(symbolFromFileName('assets/demo/binance_XRPETH_trades_20191011-13.csv')).toBe('XRP/ETH');
    expect(loadMarketFile(csv, 'binance_XRPETH_trades.csv').tapes[0]!.instrument.symbol).toBe('XRP/ETH');
    expect(loadMarketFile(csv, 'tape.csv', 'ABC/DEF').tapes[0]!.instrument.symbol).toBe('ABC/DEF');
    expect(badFile(() => loadMarketFile(csv, 'tape.csv'))).toMatch(/cannot tell the instrument/);
    expect(badFile(() => loadMarketFile('timestamp_ms,trade_id,taker_side,price,amount\n1000,1,buy,abc,1\n', 'x_XRPETH.csv'))).toMatch(/^x_XRPETH\.csv:2: /);
  });

  it('decimalText gives exact text at the instrument decimals', () => {
    expect(decimalText(64255.68, 2)).toBe('64255.68');
    expect(decimalText(0.1 + 0.2, 8)).toBe('0.3');
    expect(decimalText(3, 0)).toBe('3');
  });
});
