/**
 * Market data from a replay at 60× or at full speed is far more than a screen can show or a
 * WebSocket should carry (the server cuts a client that falls 8 MB behind). Between two flushes
 * (one step of the replay's driver) this keeps the latest quote and book per symbol, the latest
 * state of each candle, the last trades, and the latest of each state snapshot (the clock, the
 * account, the risk metrics, each position) and the last signal cycles; orders, fills and risk
 * state pass at once and in order, because a client must never miss one of those.
 *
 * The snapshots were passed at once: a max-speed replay of the 59 h demo tape with the UI open
 * pushed 39,868 clock and 39,868 account.updated frames (one per kernel tick), 21,355 risk.metrics
 * (one per PMS cycle) and 3,559 signal cycles, 36 MB in all; the browser fell seconds behind and a
 * Pause's reply queued behind them. Each such frame is a whole state, so the latest one says it all.
 */
type Emit = (type: string, payload: unknown) => void;

const MAX_TRADES_PER_FLUSH = 50;
/** Signal cycles kept between two flushes: the Signals view lists the recent signals of a few cycles. */
export const MAX_SIGNAL_CYCLES_PER_FLUSH = 5;
/** Whole-state events: the newest replaces the one before it (one stream each, or one per symbol). */
const SNAPSHOTS: ReadonlySet<string> = new Set(['clock', 'account.updated', 'risk.metrics', 'position.updated']);
/**
 * Bars kept per candle series between two flushes (market.candles' default limit). A long seek
 * closes a 1 s bar every simulated second: 59 h of tape were 213,000 one-second candles in one
 * flush, far more than a chart shows and enough to get a WebSocket client cut; older bars are
 * there for market.candles.
 */
export const MAX_BARS_PER_FLUSH = 500;

/** How much of each stream one flush sends. */
export interface FlushBounds {
  /** Newest bars per candle series. */
  bars: number;
  /** Last trades (all symbols). */
  trades: number;
  /** Last signal cycles. */
  signals: number;
}

export const FULL_FLUSH: FlushBounds = { bars: MAX_BARS_PER_FLUSH, trades: MAX_TRADES_PER_FLUSH, signals: MAX_SIGNAL_CYCLES_PER_FLUSH };

/**
 * One of a max-speed replay's flushes (ten a second), each covering hours of tape. With FULL_FLUSH,
 * 2 s of max-speed play were 12,183 candle frames (500 bars of each of the 1 s, 5 s, 1 m and 5 m
 * series per flush) and 572 trades: more frames than a browser's main thread takes in while it
 * also paints, and nobody reads bars or prints that scroll by at that speed. These bounds send at
 * most ~40 frames a flush. At 60× a flush covers 6 simulated seconds and keeps FULL_FLUSH.
 */
export const MAX_SPEED_FLUSH: FlushBounds = { bars: 5, trades: 10, signals: 2 };

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
  private signals: unknown[] = [];
  private readonly emit: Emit;
  /** While false, everything passes straight through (1× to 10×: a few events per tick). */
  active = false;
  /** A flush of this run left bars or prints out (endRun). */
  private thinned = false;

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
      case 'signal.generated':
        this.signals.push(payload);
        if (this.signals.length > MAX_SIGNAL_CYCLES_PER_FLUSH * 2) this.signals = this.signals.slice(-MAX_SIGNAL_CYCLES_PER_FLUSH);
        return;
      default:
        if (SNAPSHOTS.has(type)) {
          // Keyed by symbol where the snapshot has one (a position), else one stream.
          this.latest.set(`${type}|${String(k.symbol)}`, { type, payload });
          return;
        }
        this.emit(type, payload);
    }
  }

  /**
   * Ends a conflated run: inactive again, and whether a flush since the run began left bars or
   * prints out (a max-speed run's bounded flushes do), so that a client's chart and tape miss them
   * until it loads its snapshots again.
   */
  endRun(): boolean {
    const thinned = this.thinned;
    this.thinned = false;
    this.active = false;
    return thinned;
  }

  /** Emits what was kept: the last trades and signal cycles, then each stream's latest and each candle series' newest bars. */
  flush(bounds: FlushBounds = FULL_FLUSH): void {
    if (this.trades.length > bounds.trades) this.thinned = true;
    for (const t of this.trades.slice(-bounds.trades)) this.emit('trade', t);
    this.trades = [];
    for (const c of this.signals.slice(-bounds.signals)) this.emit('signal.generated', c);
    this.signals = [];
    for (const { type, payload } of this.latest.values()) {
      if (type === 'candles') {
        const bars = [...(payload as Map<unknown, unknown>).values()];
        if (bars.length > bounds.bars) this.thinned = true;
        for (const bar of bars.slice(-bounds.bars)) this.emit('candle', bar);
      } else this.emit(type, payload);
    }
    this.latest.clear();
    this.bars.clear();
  }
}
