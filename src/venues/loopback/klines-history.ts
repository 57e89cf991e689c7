import type { ApiAnswer } from './binance-api.ts';

/**
 * Recorded candles the loopback exchange serves on GET /api/v3/klines, so a download can be tested
 * over a real history (a day of 1m bars, gaps and all) rather than the seconds of trades the
 * simulated market has made since start. Bars are given at one base interval (e.g. 1m) and any
 * interval that is a multiple of it is aggregated from them (open of the first, highest high, lowest
 * low, close of the last, summed volume), as Binance's own candles aggregate its trades. A gap in the
 * base bars stays a gap: nothing is filled.
 *
 * Binance's parameters: `startTime` (candles whose open time is at or after the start of its
 * interval), `endTime` (open time at or before it), `limit` (default 500, at most 1000). Without a
 * startTime the latest `limit` candles are answered, as Binance does.
 */

export interface HistoryBar {
  /** Open time, epoch ms, a multiple of the base interval. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface KlineHistoryOptions {
  /** Base interval of `bars`, ms. */
  baseMs: number;
  /** Bars per symbol (BASE/QUOTE), sorted by time. */
  bars: Record<string, readonly HistoryBar[]>;
}

const INTERVALS: Record<string, number> = { '1m': 6e4, '3m': 18e4, '5m': 3e5, '15m': 9e5, '30m': 18e5, '1h': 36e5, '2h': 72e5, '4h': 144e5, '6h': 216e5, '12h': 432e5, '1d': 864e5 };

/** A number as Binance writes it: plain decimal text, never an exponent. */
function text(x: number): string {
  const s = String(x);
  return /e/i.test(s) ? x.toFixed(12).replace(/0+$/, '').replace(/\.$/, '') : s;
}

export class KlineHistory {
  private readonly o: KlineHistoryOptions;

  constructor(o: KlineHistoryOptions) {
    if (!(o.baseMs > 0)) throw new RangeError(`base interval must be positive, got ${o.baseMs}`);
    this.o = o;
  }

  /** The answer for `symbol` (BASE/QUOTE), or undefined when no history is held for it (the engine's trades answer then). */
  answer(symbol: string, params: URLSearchParams): ApiAnswer | undefined {
    const bars = this.o.bars[symbol];
    if (!bars) return undefined;
    const interval = params.get('interval') ?? '';
    const ms = Object.hasOwn(INTERVALS, interval) ? INTERVALS[interval]! : undefined;
    if (ms === undefined || ms % this.o.baseMs !== 0) return { status: 400, code: -1120, msg: 'Invalid interval.' };
    const limit = Math.min(1000, Math.max(1, Number(params.get('limit') ?? 500) || 500));
    const start = params.get('startTime') === null ? undefined : Number(params.get('startTime'));
    const end = params.get('endTime') === null ? undefined : Number(params.get('endTime'));
    const out: [number, number, number, number, number, number][] = [];
    for (const b of bars) {
      const k = b.time - (b.time % ms);
      if (start !== undefined && k < start - (start % ms)) continue;
      if (end !== undefined && k > end) break;
      const last = out[out.length - 1];
      if (last && last[0] === k) {
        last[2] = Math.max(last[2], b.high);
        last[3] = Math.min(last[3], b.low);
        last[4] = b.close;
        last[5] += b.volume;
      } else {
        if (start !== undefined && out.length === limit) break;
        out.push([k, b.open, b.high, b.low, b.close, b.volume]);
      }
    }
    const picked = start !== undefined ? out : out.slice(-limit);
    return { status: 200, body: picked.map(([k, o, h, l, c, v]) => [k, text(o), text(h), text(l), text(c), text(v), k + ms - 1, '0.00000000', 0, '0.00000000', '0.00000000', '0']) };
  }
}
