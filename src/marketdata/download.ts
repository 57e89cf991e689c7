/**
 * Downloading OHLCV candles from an exchange, page by page, into the generic candle CSV that
 * `strata data import` and `backtest run --data` read (`time,open,high,low,close,volume`), with its
 * provenance beside it. The exchange is behind a port (`OhlcvPageSource`; the ccxt one is
 * src/venues/ccxt/ohlcv-source.ts, which owns the rate limiter and the retries), so this module is
 * the paging rules alone and tests drive it with a fake:
 *
 * - ask from `since` (first the window's start) for up to `limit` candles ending at `until`;
 * - advance past the last candle received (its open time + one timeframe), never re-asking a time
 *   already held, so a page boundary neither repeats nor skips a candle;
 * - drop duplicates (an exchange may answer the candle at `since` again), candles outside the
 *   window, and the candle still forming at the time of the download (its close is not final);
 * - stop at the window's end, on an empty page, or on a page that brings nothing new;
 * - report gaps (a missing candle between two received ones, or at either end of the window) and
 *   never fill them: a backtest on the file then refuses or reports them as it does for any file.
 */

export interface Candle {
  /** Open time, epoch ms. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface OhlcvPageSource {
  /** Up to `limit` candles with open time in [since, until], oldest first (an exchange may add one before). */
  fetchPage(since: number, until: number, limit: number): Promise<Candle[]>;
}

export interface DownloadWindow {
  /** Timeframe as the exchange names it (1m, 5m, 1h, 1d). */
  timeframe: string;
  /** First candle's open time wanted (inclusive), epoch ms. */
  fromMs: number;
  /** Last candle's open time wanted (inclusive), epoch ms. */
  toMs: number;
  /** Candles asked per request (Binance spot answers at most 1,000). */
  limit?: number;
  /** The time of the download: a candle that has not closed by then is left out. Default Date.now(). */
  nowMs?: number;
  /** Safety stop against an exchange that keeps answering (default 100,000 pages). */
  maxPages?: number;
}

export interface Gap {
  /** Open time of the first missing candle. */
  fromMs: number;
  /** Open time of the last missing candle. */
  toMs: number;
  /** Candles missing. */
  missing: number;
}

export interface DownloadResult {
  candles: Candle[];
  pages: number;
  timeframeMs: number;
  /** Missing candles inside the window, as received; never filled. */
  gaps: Gap[];
  /** Candles received twice (dropped). */
  duplicates: number;
  /** A candle still forming at the time of the download was left out. */
  droppedForming: boolean;
}

export class DownloadError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'DownloadError';
    this.code = code;
  }
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "1m" → 60000, "4h" → 14400000; a timeframe this module can page by (month candles cannot). */
export function timeframeMs(tf: string): number {
  const m = /^(\d+)([smhdw])$/.exec(tf.trim());
  if (!m || Number(m[1]) <= 0) throw new DownloadError('BAD_TIMEFRAME', `timeframe must look like 1m, 5m, 1h or 1d, got "${tf}"`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

function checkCandle(c: Candle, page: number): void {
  const vals = [c.time, c.open, c.high, c.low, c.close, c.volume];
  if (vals.some((v) => typeof v !== 'number' || !Number.isFinite(v))) throw new DownloadError('BAD_CANDLE', `page ${page}: a candle has a missing or non-numeric field (${JSON.stringify(c)})`);
  if (c.open <= 0 || c.high <= 0 || c.low <= 0 || c.close <= 0 || c.volume < 0) throw new DownloadError('BAD_CANDLE', `page ${page}: candle at ${new Date(c.time).toISOString()} has a non-positive price or a negative volume`);
  if (c.high < Math.max(c.open, c.close) || c.low > Math.min(c.open, c.close)) throw new DownloadError('BAD_CANDLE', `page ${page}: candle at ${new Date(c.time).toISOString()}: high ${c.high} and low ${c.low} do not contain open ${c.open} and close ${c.close}`);
}

/** Missing candles between the window's first wanted time and its last (inclusive), given what was received. */
export function candleGaps(times: readonly number[], tfMs: number, fromMs: number, toMs: number): Gap[] {
  const gaps: Gap[] = [];
  // The window's own first and last candle times on the timeframe's grid.
  let expect = Math.ceil(fromMs / tfMs) * tfMs;
  const lastWanted = Math.floor(toMs / tfMs) * tfMs;
  for (const t of times) {
    if (t > expect) gaps.push({ fromMs: expect, toMs: t - tfMs, missing: Math.round((t - expect) / tfMs) });
    expect = t + tfMs;
  }
  if (expect <= lastWanted) gaps.push({ fromMs: expect, toMs: lastWanted, missing: Math.round((lastWanted - expect) / tfMs) + 1 });
  return gaps;
}

/** Pages through `source` over the window (see the module's comment). `onPage` hears each page's progress. */
export async function downloadOhlcv(source: OhlcvPageSource, w: DownloadWindow, onPage?: (p: { page: number; received: number; kept: number; lastMs: number | null }) => void): Promise<DownloadResult> {
  const tf = timeframeMs(w.timeframe);
  if (!(w.toMs >= w.fromMs)) throw new DownloadError('BAD_RANGE', `the window ends (${new Date(w.toMs).toISOString()}) before it starts (${new Date(w.fromMs).toISOString()})`);
  const limit = w.limit ?? 1000;
  const now = w.nowMs ?? Date.now();
  const maxPages = w.maxPages ?? 100_000;
  // A candle open at `now` - tf or later has not closed yet.
  const lastClosed = Math.floor(now / tf) * tf - tf;
  const until = Math.min(w.toMs, lastClosed);
  const candles: Candle[] = [];
  let duplicates = 0;
  let droppedForming = false;
  let since = w.fromMs;
  let pages = 0;
  while (since <= until) {
    if (pages >= maxPages) throw new DownloadError('TOO_MANY_PAGES', `stopped after ${pages} pages: the exchange kept answering`);
    const page = await source.fetchPage(since, until, limit);
    pages++;
    const last = candles.length > 0 ? candles[candles.length - 1]!.time : -Infinity;
    let kept = 0;
    let newest = -Infinity;
    for (const c of [...page].sort((a, b) => a.time - b.time)) {
      checkCandle(c, pages);
      newest = Math.max(newest, c.time);
      if (c.time > lastClosed) {
        droppedForming = true;
        continue;
      }
      if (c.time < w.fromMs || c.time > w.toMs) continue;
      const prev = candles.length > 0 ? candles[candles.length - 1]!.time : -Infinity;
      if (c.time <= prev) {
        duplicates++;
        continue;
      }
      candles.push(c);
      kept++;
    }
    onPage?.({ page: pages, received: page.length, kept, lastMs: candles.length > 0 ? candles[candles.length - 1]!.time : null });
    // An empty page, or one holding nothing past what we had: the exchange has no more in the window.
    if (page.length === 0 || newest <= last) break;
    since = newest + tf;
  }
  return { candles, pages, timeframeMs: tf, gaps: candleGaps(candles.map((c) => c.time), tf, w.fromMs, until), duplicates, droppedForming };
}

/** A number as plain decimal text (shortest round trip, never an exponent). */
function decimal(x: number): string {
  const s = String(x);
  return /e/i.test(s) ? x.toFixed(12).replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** The generic candle CSV (ISO times, UTC), as `strata data import` reads it. */
export function candlesCsv(candles: readonly Candle[]): string {
  const lines = ['time,open,high,low,close,volume'];
  for (const c of candles) lines.push(`${new Date(c.time).toISOString()},${decimal(c.open)},${decimal(c.high)},${decimal(c.low)},${decimal(c.close)},${decimal(c.volume)}`);
  return lines.join('\n') + '\n';
}

/** What the sidecar `FILE.provenance.json` says of a downloaded file. */
export interface DownloadProvenance {
  strata: 'ohlcv-download';
  exchange: string;
  symbol: string;
  timeframe: string;
  /** The window asked for, ISO. */
  from: string;
  to: string;
  /** First and last candle written, ISO (null when none). */
  first: string | null;
  last: string | null;
  candles: number;
  pages: number;
  fetchedAt: string;
  /** The API base URL when it was overridden (a gateway, the loopback exchange). */
  venueUrl?: string;
  gaps: { count: number; missingCandles: number; list: { from: string; to: string; missing: number }[] };
  duplicatesDropped: number;
  formingCandleDropped: boolean;
  /** sha256 of the CSV written beside it. */
  sha256: string;
}

export function provenanceOf(o: { exchange: string; symbol: string; timeframe: string; fromMs: number; toMs: number; fetchedAt: number; venueUrl?: string; sha256: string }, r: DownloadResult): DownloadProvenance {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    strata: 'ohlcv-download',
    exchange: o.exchange,
    symbol: o.symbol,
    timeframe: o.timeframe,
    from: iso(o.fromMs),
    to: iso(o.toMs),
    first: r.candles.length > 0 ? iso(r.candles[0]!.time) : null,
    last: r.candles.length > 0 ? iso(r.candles[r.candles.length - 1]!.time) : null,
    candles: r.candles.length,
    pages: r.pages,
    fetchedAt: iso(o.fetchedAt),
    ...(o.venueUrl !== undefined ? { venueUrl: o.venueUrl } : {}),
    // The first 1,000 gaps are listed; the count and missing total cover all.
    gaps: { count: r.gaps.length, missingCandles: r.gaps.reduce((n, g) => n + g.missing, 0), list: r.gaps.slice(0, 1000).map((g) => ({ from: iso(g.fromMs), to: iso(g.toMs), missing: g.missing })) },
    duplicatesDropped: r.duplicates,
    formingCandleDropped: r.droppedForming,
    sha256: o.sha256,
  };
}
