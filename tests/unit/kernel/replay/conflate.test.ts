import { describe, expect, it } from 'vitest';
import { MAX_BARS_PER_FLUSH, MAX_SIGNAL_CYCLES_PER_FLUSH, MAX_SPEED_FLUSH, MarketConflater } from '../../../../src/kernel/replay/conflate.ts';

const candle = (interval: string, time: number, close: number) => ({ symbol: 'XRP/ETH', interval, time, open: close, high: close, low: close, close, volume: 0 });

describe('MarketConflater', () => {
  it('when active then each candle bar goes out once in its latest state, bars in time order, the newest MAX_BARS_PER_FLUSH per series, and orders at once', () => {
    // Arrange
    const out: [string, unknown][] = [];
    const c = new MarketConflater((type, payload) => out.push([type, payload]));
    c.active = true;
    // Act: a long seek's worth of 1 s bars, a 1 m bar updated twice, quotes, and an order update.
    c.push('quote', { symbol: 'XRP/ETH', bid: 1 });
    for (let t = 0; t < 2 * MAX_BARS_PER_FLUSH; t++) c.push('candle', candle('1s', t * 1000, t));
    c.push('candle', candle('1m', 0, 1));
    c.push('order.updated', { id: 'A' });
    c.push('candle', candle('1m', 0, 2));
    c.push('quote', { symbol: 'XRP/ETH', bid: 2 });
    expect(out).toEqual([['order.updated', { id: 'A' }]]);
    c.flush();
    // Assert
    const candles = out.filter(([t]) => t === 'candle').map(([, p]) => p as ReturnType<typeof candle>);
    const seconds = candles.filter((b) => b.interval === '1s');
    expect(seconds).toHaveLength(MAX_BARS_PER_FLUSH);
    expect(seconds.map((b) => b.time)).toEqual(Array.from({ length: MAX_BARS_PER_FLUSH }, (_, i) => (MAX_BARS_PER_FLUSH + i) * 1000));
    expect(candles.filter((b) => b.interval === '1m')).toEqual([candle('1m', 0, 2)]);
    expect(out.filter(([t]) => t === 'quote')).toEqual([['quote', { symbol: 'XRP/ETH', bid: 2 }]]);
    // A second flush has nothing left.
    const n = out.length;
    c.flush();
    expect(out).toHaveLength(n);
  });

  it('when active then the clock, account, risk metrics and each position go out once in their latest state, the last signal cycles, and fills and risk state at once', () => {
    // Arrange
    const out: [string, unknown][] = [];
    const c = new MarketConflater((type, payload) => out.push([type, payload]));
    c.active = true;
    // Act: what a kernel tick and a PMS cycle push, many times over, with a fill and a risk state among them.
    for (let i = 1; i <= 100; i++) {
      c.push('clock', { serverTime: i });
      c.push('account.updated', { equity: String(i) });
      c.push('risk.metrics', { at: i });
      c.push('position.updated', { symbol: 'XRP/ETH', qty: String(i) });
      c.push('position.updated', { symbol: 'BTC/USDT', qty: String(-i) });
      c.push('signal.generated', { id: `C${i}`, at: i, signals: [] });
      if (i === 50) {
        c.push('fill', { id: 'F1' });
        c.push('risk.state', { state: 'REDUCING' });
      }
    }
    expect(out).toEqual([
      ['fill', { id: 'F1' }],
      ['risk.state', { state: 'REDUCING' }],
    ]);
    c.flush();
    // Assert
    const of = (type: string) => out.filter(([t]) => t === type).map(([, p]) => p);
    expect(of('clock')).toEqual([{ serverTime: 100 }]);
    expect(of('account.updated')).toEqual([{ equity: '100' }]);
    expect(of('risk.metrics')).toEqual([{ at: 100 }]);
    expect(of('position.updated')).toEqual([
      { symbol: 'XRP/ETH', qty: '100' },
      { symbol: 'BTC/USDT', qty: '-100' },
    ]);
    expect(of('signal.generated').map((s) => (s as { id: string }).id)).toEqual(Array.from({ length: MAX_SIGNAL_CYCLES_PER_FLUSH }, (_, i) => `C${100 - MAX_SIGNAL_CYCLES_PER_FLUSH + 1 + i}`));
    const n = out.length;
    c.flush();
    expect(out).toHaveLength(n);
  });

  it('when inactive then everything passes at once', () => {
    const out: string[] = [];
    const c = new MarketConflater((type) => out.push(type));
    c.push('candle', candle('1s', 0, 1));
    c.push('quote', {});
    expect(out).toEqual(['candle', 'quote']);
  });

  it('when a bounded flush leaves bars out then ending the run says so (clients must reload), and a run whose flushes sent every bar does not', () => {
    // Arrange
    const c = new MarketConflater(() => undefined);
    c.active = true;
    // Act: flushes that each carry at most the bound, then one that carries more.
    for (let t = 0; t < MAX_SPEED_FLUSH.bars; t++) c.push('candle', candle('1s', t * 1000, t));
    c.flush(MAX_SPEED_FLUSH);
    // Assert
    expect(c.endRun()).toBe(false);
    expect(c.active).toBe(false);
    c.active = true;
    for (let t = 0; t <= MAX_SPEED_FLUSH.bars; t++) c.push('candle', candle('1s', (100 + t) * 1000, t));
    c.flush(MAX_SPEED_FLUSH);
    c.flush(MAX_SPEED_FLUSH);
    expect(c.endRun()).toBe(true);
    // The next run starts clean.
    expect(c.endRun()).toBe(false);
  });
});
