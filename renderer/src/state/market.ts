import type { BookDto, CandleDto, Client, InstrumentDto, QuoteDto, SessionDto, TradeDto } from '../../../src/contract/index.ts';
import { PAYLOAD_KEYS, hasKeys } from './slice.ts';
import type { SliceDef } from './slice.ts';
import { get, set } from './store.ts';
import type { State } from './store.ts';
import { settle } from './toasts.ts';
import { call } from './client.ts';
import { operatorId } from './layout.ts';
import { setMoneyCurrency } from '../shared/format.ts';

/**
 * Instruments, quotes, books, trades and candles. Market data is coalesced and flushed at most
 * every FLUSH_MS, so a burst of pushes costs one render.
 */

export const TRADES_CAP = 200;
const FLUSH_MS = 50;

export interface MarketSlice {
  instruments: Record<string, InstrumentDto>;
  symbols: string[];
  selected: string | null;
  quotes: Record<string, QuoteDto>;
  /** Reference price per symbol for the watchlist change column (oldest candle open we know). */
  refPrice: Record<string, number>;
  books: Record<string, BookDto>;
  /** Newest first, at most TRADES_CAP per symbol. */
  trades: Record<string, TradeDto[]>;
  /** The operator's watchlist, in their order; null = every instrument of the session (the default). */
  watchlist: string[] | null;
  /** What the venue offers (instruments.list), loaded when the trader asks to add one. */
  offered: InstrumentDto[];
}

export function marketInitial(): MarketSlice {
  return { instruments: {}, symbols: [], selected: null, quotes: {}, refPrice: {}, books: {}, trades: {}, watchlist: null, offered: [] };
}

let pendingQuotes: Record<string, QuoteDto> = {};
let pendingBooks: Record<string, BookDto> = {};
let pendingTrades: Record<string, TradeDto[]> = {};
let flushTimer: ReturnType<typeof setTimeout> | null = null;

function scheduleFlush(): void {
  if (flushTimer === null) flushTimer = setTimeout(flush, FLUSH_MS);
}

function flush(): void {
  flushTimer = null;
  const q = pendingQuotes;
  const b = pendingBooks;
  const t = pendingTrades;
  pendingQuotes = {};
  pendingBooks = {};
  pendingTrades = {};
  set((s) => {
    const next: Partial<State> = { lastEventAt: Date.now() };
    if (Object.keys(q).length) {
      next.quotes = { ...s.quotes, ...q };
      let ref: Record<string, number> | null = null;
      for (const [sym, quote] of Object.entries(q)) {
        if (s.refPrice[sym] === undefined && typeof quote.last === 'number') {
          ref ??= { ...s.refPrice };
          ref[sym] = quote.last;
        }
      }
      if (ref) next.refPrice = ref;
    }
    if (Object.keys(b).length) next.books = { ...s.books, ...b };
    const tSyms = Object.keys(t);
    if (tSyms.length) {
      const trades = { ...s.trades };
      for (const sym of tSyms) {
        // pending is oldest-first; the store keeps newest-first. A trade may already be in the list
        // (a snapshot reply applied while it waited here): ids must stay unique, they are row keys.
        const have = trades[sym] ?? [];
        const seen = new Set(have.map((x) => x.id));
        const fresh = (t[sym] ?? []).slice().reverse().filter((x) => !seen.has(x.id) && Boolean(seen.add(x.id)));
        if (fresh.length) trades[sym] = fresh.concat(have).slice(0, TRADES_CAP);
      }
      next.trades = trades;
    }
    return next;
  });
}

function onQuote(d: QuoteDto): void {
  pendingQuotes[d.symbol] = d;
  scheduleFlush();
}

function onBook(d: BookDto): void {
  pendingBooks[d.symbol] = d;
  scheduleFlush();
}

function onTrade(d: TradeDto): void {
  let arr = pendingTrades[d.symbol];
  if (!arr) pendingTrades[d.symbol] = arr = [];
  arr.push(d);
  if (arr.length > TRADES_CAP * 2) pendingTrades[d.symbol] = arr.slice(-TRADES_CAP);
  scheduleFlush();
}

// Candles go straight to the chart (it calls series.update), not through React state.
const candleListeners = new Set<(c: CandleDto) => void>();

export function onCandle(cb: (c: CandleDto) => void): () => void {
  candleListeners.add(cb);
  return () => candleListeners.delete(cb);
}

function onCandleEvent(d: CandleDto): void {
  for (const l of candleListeners) {
    try {
      l(d);
    } catch {
      // A broken listener must not stop the others.
    }
  }
}

/** The instruments of a (new) session; the selection survives when the symbol still exists. */
export function applySession(session: SessionDto): void {
  const instruments: Record<string, InstrumentDto> = {};
  const list = Array.isArray(session.instruments) ? session.instruments : [];
  for (const i of list) if (i && typeof i.symbol === 'string') instruments[i.symbol] = i;
  const symbols = list.map((i) => i.symbol);
  const cur = get().selected;
  setMoneyCurrency(typeof session.currency === 'string' ? session.currency : '');
  set({ session, instruments, symbols, selected: cur && instruments[cur] ? cur : (symbols[0] ?? null) });
}

/** Market snapshots and a reference price for the change column. */
async function load(c: Client, current: () => boolean): Promise<void> {
  await Promise.all(
    get().symbols.map(async (sym) => {
      const snap = await settle(c.call('market.snapshot', { symbol: sym }), `${sym} market`);
      if (!current() || !snap) return;
      set((s) => {
        // The snapshot is newer than anything pushed before its reply; trades merge by id.
        const seen = new Set<string>();
        const trades = [...(Array.isArray(snap.trades) ? snap.trades : []), ...(s.trades[sym] ?? [])]
          .filter((t) => hasKeys<TradeDto>(t, PAYLOAD_KEYS.trade) && !seen.has(t.id) && seen.add(t.id))
          .sort((a, b) => b.ts - a.ts)
          .slice(0, TRADES_CAP);
        return {
          quotes: hasKeys<QuoteDto>(snap.quote, PAYLOAD_KEYS.quote) ? { ...s.quotes, [sym]: snap.quote } : s.quotes,
          books: hasKeys<BookDto>(snap.book, PAYLOAD_KEYS.book) ? { ...s.books, [sym]: snap.book } : s.books,
          trades: { ...s.trades, [sym]: trades },
        };
      });
      const candles = await settle(c.call('market.candles', { symbol: sym, interval: '5m', limit: 288 }), `${sym} candles`);
      const first = candles?.[0];
      if (!current() || !first) return;
      set((s) => ({ refPrice: { ...s.refPrice, [sym]: first.open } }));
    }),
  );
}

export const marketSlice: SliceDef = {
  name: 'market',
  events: { quote: onQuote, book: onBook, trade: onTrade, candle: onCandleEvent },
  load,
  late: true,
  reset: () => set({ trades: {}, refPrice: {} }),
};

// ---------------------------------------------------------------------------------------------
// The watchlist, kept per operator (not part of a screen's layout: a layout reset keeps it).

function watchKey(): string {
  return `strata.watchlist.${operatorId()}`;
}

/** Reads the operator's saved watchlist (at start; not during store creation, see layoutInitial). */
export function restoreWatchlist(): void {
  set({ watchlist: readWatchlist() });
}

function readWatchlist(): string[] | null {
  try {
    const raw = typeof window !== 'undefined' ? window.localStorage.getItem(watchKey()) : null;
    const v: unknown = raw === null ? null : JSON.parse(raw);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null;
  } catch {
    return null;
  }
}

function saveWatchlist(list: string[]): void {
  set({ watchlist: list });
  try {
    window.localStorage.setItem(watchKey(), JSON.stringify(list));
  } catch {
    // Locked storage: kept until reload.
  }
}

/** The symbols the watchlist shows: the operator's choice among instruments the session has. */
export function watchedSymbols(s: { watchlist: string[] | null; symbols: string[] }): string[] {
  return s.watchlist === null ? s.symbols : s.watchlist.filter((x) => s.symbols.includes(x));
}

export function addToWatchlist(symbol: string): void {
  const s = get();
  const cur = watchedSymbols(s);
  if (cur.includes(symbol)) return;
  saveWatchlist([...(s.watchlist ?? s.symbols), symbol]);
}

export function removeFromWatchlist(symbol: string): void {
  const s = get();
  saveWatchlist((s.watchlist ?? s.symbols).filter((x) => x !== symbol));
}

/** Loads what the venue offers (instruments.list) for the watchlist's Add menu. */
export async function loadOffered(): Promise<void> {
  const list = await settle(call('instruments.list', {}), 'instruments');
  if (list) set({ offered: list.filter((i) => i && typeof i.symbol === 'string') });
}

export function selectSymbol(symbol: string): void {
  if (!get().instruments[symbol]) return;
  if (get().selected === symbol) return;
  set((s) => ({ selected: symbol, ticket: { ...s.ticket, price: '' } }));
}
