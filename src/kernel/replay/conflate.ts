/**
 * Market data from a replay at 60× or at full speed is far more than a screen can show or a
 * WebSocket should carry (the server cuts a client that falls 8 MB behind). Between two flushes
 * (one step of the replay's driver) this keeps the latest quote and book per symbol, the latest
 * state of each candle, and the last trades; everything else (orders, fills, positions, account,
 * risk) passes at once and in order, because a client must never miss one of those.
 */
type Emit = (type: string, payload: unknown) => void;

const MAX_TRADES_PER_FLUSH = 50;

interface Keyed {
  symbol?: unknown;
  interval?: unknown;
  time?: unknown;
}

export class MarketConflater {
  private readonly latest = new Map<string, { type: string; payload: unknown }>();
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
      case 'candle':
        this.latest.set(`candle|${String(k.symbol)}|${String(k.interval)}|${String(k.time)}`, { type, payload });
        return;
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
    for (const { type, payload } of this.latest.values()) this.emit(type, payload);
    this.latest.clear();
  }
}
