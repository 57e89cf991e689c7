/**
 * Market data from a replay at 60× or at full speed is far more than a screen can show or a
 * WebSocket should carry (the server cuts a client that falls 8 MB behind). Between two flushes
 * (one step of the replay's driver) this keeps the latest quote and book per symbol, the latest
 * state of each candle, and the last trades; everything else (orders, fills, positions, account,
 * risk) passes at once and in order, because a client must never miss one of those.
 */
type Emit = (type: string, payload: unknown) => void;

const MAX_TRADES_PER_FLUSH = 50;
/**
 * Bars kept per candle series between two flushes (market.candles' default limit). A long seek
 * closes a 1 s bar every simulated second: 59 h of tape were 213,000 one-second candles in one
 * flush, far more than a chart shows and enough to get a WebSocket client cut; older bars are
 * there for market.candles.
 */
export const MAX_BARS_PER_FLUSH = 500;

interface Keyed {
  symbol?: unknown;
  interval?: unknown;
  time?: unknown;
}

export class MarketConflater {
  private readonly latest = new Map<string, { type: string; payload: unknown }>();
  /** Per candle series (symbol and interval), its latest bars by open time, oldest first. */
  private readonly bars = new Map<string, Map<unknown, unknown>>();
  private trades: unknown[] = [];
  private readonly emit: Emit;
  /** While false, everything passes straight through (1× to 10×: a few events per tick). */
  active = false;

  constructor(emit: Emit) {
    this.emit = emit;
  }

  push(type: string, payload: unknown): void {
    if (!this.active) {
      this.emit(type, payload);
      return;
    }
    const k = payload as Keyed;
    switch (type) {
      case 'quote':
      case 'book':
        this.latest.set(`${type}|${String(k.symbol)}`, { type, payload });
        return;
      case 'candle': {
        const series = `${String(k.symbol)}|${String(k.interval)}`;
        let bars = this.bars.get(series);
        if (bars === undefined) {
          bars = new Map();
          this.bars.set(series, bars);
          // The series takes its place in the flush order where it first appeared, as before.
          this.latest.set(`candle|${series}`, { type: 'candles', payload: bars });
        }
        bars.set(k.time, payload);
        if (bars.size > MAX_BARS_PER_FLUSH) bars.delete(bars.keys().next().value);
        return;
      }
      case 'trade':
        this.trades.push(payload);
        if (this.trades.length > MAX_TRADES_PER_FLUSH * 2) this.trades = this.trades.slice(-MAX_TRADES_PER_FLUSH);
        return;
      default:
        this.emit(type, payload);
    }
  }

  flush(): void {
    for (const t of this.trades.slice(-MAX_TRADES_PER_FLUSH)) this.emit('trade', t);
    this.trades = [];
    for (const { type, payload } of this.latest.values()) {
      if (type === 'candles') for (const bar of (payload as Map<unknown, unknown>).values()) this.emit('candle', bar);
      else this.emit(type, payload);
    }
    this.latest.clear();
    this.bars.clear();
  }
}
