import { create } from 'zustand';
import { RpcError, isTerminal } from '../../src/contract/index.ts';
import type {
  AccountDto,
  BookDto,
  CandleDto,
  Client,
  EventName,
  Events,
  ExecutionStyle,
  FillDto,
  InstrumentDto,
  MethodName,
  OrderDto,
  OrderType,
  ParamsIn,
  PositionDto,
  QuoteDto,
  BreakerEventDto,
  LimitsDto,
  Result,
  RiskFlagDto,
  RiskMetricsDto,
  RiskStatusDto,
  RoutingDto,
  SessionDto,
  Side,
  StateTransitionDto,
  TcaDto,
  TimeInForce,
  TradeDto,
  TradingModeDto,
  TradingStateDto,
  Urgency,
} from '../../src/contract/index.ts';
import { KeyedList } from './keyed-list.ts';
import type { ConnectionState } from './transport.ts';

/**
 * The renderer's state. Fed by the contract client's pushed events; every handler is O(1) per event
 * (market data is coalesced and flushed at most every FLUSH_MS; orders and fills live in KeyedLists
 * mutated in place, with a revision number in the store).
 */

export const TRADES_CAP = 200;
export const FILLS_CAP = 5000;
export const ORDERS_CAP = 5000;
const FLUSH_MS = 50;
const TOASTS_MAX = 5;

export interface Toast {
  id: number;
  kind: 'error' | 'warn' | 'info';
  text: string;
}

export interface TicketState {
  side: Side;
  qty: string;
  /** Order type of a direct order (market or limit); algorithms take `price` as their cap. */
  type: OrderType;
  price: string;
  tif: TimeInForce;
  urgency: Urgency;
  /** 'auto' lets routing pick from the urgency; anything else overrides it. */
  algo: 'auto' | ExecutionStyle;
  /** Algorithm parameters as typed (empty = routing's default). */
  durationSec: string;
  slices: string;
  jitterPct: string;
  participationPct: string;
  displayQty: string;
  minChildQty: string;
  maxChildQty: string;
}

/** What the bottom-right panel shows. */
export type SideTab = 'positions' | 'detail' | 'risk';

export const BREAKER_LOG_CAP = 200;
export const STATE_LOG_CAP = 100;
/** NAV points kept for the drawdown chart (the full history comes from risk.metrics). */
const NAV_POINTS_CAP = 2000;

export interface State {
  conn: ConnectionState;
  /** Bumped on every new connection; views that fetch history depend on it. */
  epoch: number;
  loading: boolean;
  session: SessionDto | null;
  instruments: Record<string, InstrumentDto>;
  symbols: string[];
  selected: string | null;
  quotes: Record<string, QuoteDto>;
  /** Reference price per symbol for the watchlist change column (oldest candle open we know). */
  refPrice: Record<string, number>;
  books: Record<string, BookDto>;
  /** Newest first, at most TRADES_CAP per symbol. */
  trades: Record<string, TradeDto[]>;
  ordersRev: number;
  /** Orders not yet in a terminal state, kept incrementally. */
  openOrders: number;
  fillsRev: number;
  positions: Record<string, PositionDto>;
  account: AccountDto | null;
  toasts: Toast[];
  ticket: TicketState;
  /** Incremented to ask the ticket to focus its quantity field. */
  ticketFocus: number;
  helpOpen: boolean;
  lastEventAt: number;
  /** Urgency → algorithm table of the engine (null until loaded, or with an engine without it). */
  routing: RoutingDto | null;
  /** The order (parent, child or direct) selected in the blotter, shown in the order detail. */
  selectedOrder: string | null;
  /** Parents whose children are shown in the blotter. */
  expanded: Record<string, true>;
  /** Final TCA of parents that ended while we were connected (the `tca` event). */
  tca: Record<string, TcaDto>;
  sideTab: SideTab;
  /** L1 trading state (ACTIVE / REDUCING / HALTED); null until loaded. */
  tradingState: TradingStateDto | null;
  riskStatus: RiskStatusDto | null;
  riskLimits: LimitsDto | null;
  /** Bumped whenever riskLimits is replaced (what-if asks again). */
  limitsRev: number;
  riskFlags: RiskFlagDto[];
  riskMetrics: RiskMetricsDto | null;
  /** Breaker trips and resets, newest first. */
  breakerLog: BreakerEventDto[];
  /** Trading-state transitions, newest first. */
  stateLog: StateTransitionDto[];
  /** The resume confirmation dialog is open. */
  resumeOpen: boolean;
  /** A kill switch request is in flight. */
  killBusy: boolean;
}

const initialTicket: TicketState = {
  side: 'buy',
  qty: '',
  type: 'market',
  price: '',
  tif: 'gtc',
  urgency: 'immediate',
  algo: 'auto',
  durationSec: '',
  slices: '',
  jitterPct: '',
  participationPct: '',
  displayQty: '',
  minChildQty: '',
  maxChildQty: '',
};

export const useStore = create<State>()(() => ({
  conn: { phase: 'connecting', kind: 'ws', attempt: 0, retryAt: null, detail: null },
  epoch: 0,
  loading: true,
  session: null,
  instruments: {},
  symbols: [],
  selected: null,
  quotes: {},
  refPrice: {},
  books: {},
  trades: {},
  ordersRev: 0,
  openOrders: 0,
  fillsRev: 0,
  positions: {},
  account: null,
  toasts: [],
  ticket: initialTicket,
  ticketFocus: 0,
  helpOpen: false,
  lastEventAt: 0,
  routing: null,
  selectedOrder: null,
  expanded: {},
  tca: {},
  sideTab: 'positions',
  tradingState: null,
  riskStatus: null,
  riskLimits: null,
  limitsRev: 0,
  riskFlags: [],
  riskMetrics: null,
  breakerLog: [],
  stateLog: [],
  resumeOpen: false,
  killBusy: false,
}));

const set = useStore.setState;
const get = useStore.getState;

// ---------------------------------------------------------------------------------------------
// Orders and fills: in-place lists + revisions.

function newerOrder(old: OrderDto, inc: OrderDto): boolean {
  if (inc.updatedAt !== old.updatedAt) return inc.updatedAt > old.updatedAt;
  // Same timestamp: never step back from a terminal state or to less filled quantity.
  if (isTerminal(old.status) && !isTerminal(inc.status)) return false;
  return inc.filledQty >= old.filledQty;
}

/** Top-level orders: parents and direct orders (what orders.list returns). Children live apart. */
export const orders = new KeyedList<OrderDto>((o) => o.id, ORDERS_CAP, (o) => !isTerminal(o.status));
export const fills = new KeyedList<FillDto>((f) => f.id, FILLS_CAP);

/** Children of algorithm parents, by parent id, in placement order (C1, C2, …). */
const childLists = new Map<string, OrderDto[]>();
const childById = new Map<string, OrderDto>();

function childSeq(id: string): number {
  const m = /-C(\d+)$/.exec(id);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

/** Children of a parent we know of, oldest first. */
export function childrenOf(parentId: string): readonly OrderDto[] {
  return childLists.get(parentId) ?? [];
}

/** Any order we know by id: top-level or child. */
export function findOrder(id: string): OrderDto | undefined {
  return orders.get(id) ?? childById.get(id);
}

function upsertChild(o: OrderDto & { parentId: string }): boolean {
  const old = childById.get(o.id);
  if (old && !newerOrder(old, o)) return false;
  childById.set(o.id, o);
  let list = childLists.get(o.parentId);
  if (!list) {
    list = [];
    childLists.set(o.parentId, list);
  }
  const i = list.findIndex((c) => c.id === o.id);
  if (i >= 0) list[i] = o;
  else {
    // Children arrive in order almost always: append, and sort only when one came late.
    const last = list[list.length - 1];
    list.push(o);
    if (last && childSeq(last.id) > childSeq(o.id)) list.sort((a, b) => childSeq(a.id) - childSeq(b.id));
  }
  return true;
}

function clearChildren(): void {
  childLists.clear();
  childById.clear();
}

// ---------------------------------------------------------------------------------------------
// Guards: the UI must not crash on malformed pushes.

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function hasStr(x: Record<string, unknown>, k: string): boolean {
  return typeof x[k] === 'string' && (x[k] as string).length > 0;
}
const valid = {
  quote: (d: unknown): d is QuoteDto => isObj(d) && hasStr(d, 'symbol'),
  book: (d: unknown): d is BookDto => isObj(d) && hasStr(d, 'symbol') && Array.isArray(d.bids) && Array.isArray(d.asks),
  trade: (d: unknown): d is TradeDto => isObj(d) && hasStr(d, 'symbol') && typeof d.price === 'number',
  candle: (d: unknown): d is CandleDto => isObj(d) && hasStr(d, 'symbol') && typeof d.time === 'number' && typeof d.close === 'number',
  order: (d: unknown): d is OrderDto => isObj(d) && hasStr(d, 'id') && hasStr(d, 'symbol') && typeof d.status === 'string',
  fill: (d: unknown): d is FillDto => isObj(d) && hasStr(d, 'id') && hasStr(d, 'symbol') && typeof d.price === 'number',
  position: (d: unknown): d is PositionDto => isObj(d) && hasStr(d, 'symbol'),
  account: (d: unknown): d is AccountDto => isObj(d) && typeof d.equity === 'number',
  tradingState: (d: unknown): d is TradingStateDto => isObj(d) && (d.mode === 'ACTIVE' || d.mode === 'REDUCING' || d.mode === 'HALTED'),
  limits: (d: unknown): d is LimitsDto => isObj(d) && Array.isArray(d.limits),
  metrics: (d: unknown): d is RiskMetricsDto => isObj(d) && typeof d.ts === 'number' && typeof d.nav === 'number' && Array.isArray(d.exposures) && Array.isArray(d.var),
  breaker: (d: unknown): d is BreakerEventDto => isObj(d) && hasStr(d, 'breaker') && (d.type === 'trip' || d.type === 'reset') && typeof d.at === 'number',
  flag: (d: unknown): d is RiskFlagDto => isObj(d) && hasStr(d, 'code') && typeof d.severity === 'string',
};

// ---------------------------------------------------------------------------------------------
// Toasts.

let toastSeq = 0;
const toastTimers = new Map<number, ReturnType<typeof setTimeout>>();

export function toast(kind: Toast['kind'], text: string, ttlMs = kind === 'error' ? 8000 : 5000): void {
  const id = ++toastSeq;
  set((s) => ({ toasts: [...s.toasts, { id, kind, text }].slice(-TOASTS_MAX) }));
  toastTimers.set(
    id,
    setTimeout(() => dismissToast(id), ttlMs),
  );
}

export function dismissToast(id: number): void {
  const t = toastTimers.get(id);
  if (t) clearTimeout(t);
  toastTimers.delete(id);
  set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) }));
}

export function errorText(err: unknown): { code: string; message: string } {
  if (err instanceof RpcError) return { code: err.code, message: err.message };
  if (err instanceof Error) return { code: 'ERROR', message: err.message };
  return { code: 'ERROR', message: String(err) };
}

// ---------------------------------------------------------------------------------------------
// Market data coalescing.

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

function onQuote(d: unknown): void {
  if (!valid.quote(d)) return;
  pendingQuotes[d.symbol] = d;
  scheduleFlush();
}

function onBook(d: unknown): void {
  if (!valid.book(d)) return;
  pendingBooks[d.symbol] = d;
  scheduleFlush();
}

function onTrade(d: unknown): void {
  if (!valid.trade(d)) return;
  let arr = pendingTrades[d.symbol];
  if (!arr) pendingTrades[d.symbol] = arr = [];
  arr.push(d);
  if (arr.length > TRADES_CAP * 2) pendingTrades[d.symbol] = arr.slice(-TRADES_CAP);
  scheduleFlush();
}

// ---------------------------------------------------------------------------------------------
// Candles go straight to the chart (it calls series.update), not through React state.

const candleListeners = new Set<(c: CandleDto) => void>();

export function onCandle(cb: (c: CandleDto) => void): () => void {
  candleListeners.add(cb);
  return () => candleListeners.delete(cb);
}

function onCandleEvent(d: unknown): void {
  if (!valid.candle(d)) return;
  for (const l of candleListeners) {
    try {
      l(d);
    } catch {
      // A broken listener must not stop the others.
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Trading state.

export function applyOrder(o: unknown): void {
  if (!valid.order(o)) return;
  if (typeof o.parentId === 'string' && o.parentId.length > 0) {
    // A child: shown under its parent, not counted as an order of its own.
    if (upsertChild(o as OrderDto & { parentId: string })) set((s) => ({ ordersRev: s.ordersRev + 1 }));
    return;
  }
  const prev = orders.get(o.id);
  if (!orders.upsert(o, newerOrder)) return;
  const delta = (isTerminal(o.status) ? 0 : 1) - (prev && !isTerminal(prev.status) ? 1 : 0);
  set((s) => ({ ordersRev: s.ordersRev + 1, openOrders: s.openOrders + delta }));
}

function onOrderUpdated(o: unknown): void {
  if (!valid.order(o)) return;
  const prev = findOrder(o.id);
  applyOrder(o);
  // A rejected child is its parent's business (the algorithm reacts); only top-level rejections toast.
  if (o.status === 'REJECTED' && prev?.status !== 'REJECTED' && !o.parentId) {
    toast('error', `Order ${o.id} ${o.symbol} rejected${o.reason ? `: ${o.reason.code} — ${o.reason.message}` : ''}`);
  }
}

function onOrderDenied(o: unknown): void {
  if (!valid.order(o)) return;
  const known = orders.has(o.id);
  applyOrder(o);
  // Manual orders show their denial in the ticket; others (API, strategies) get a toast.
  if (!known && o.source !== 'manual') {
    toast('warn', `Order ${o.id} ${o.side.toUpperCase()} ${o.qty} ${o.symbol} denied: ${o.reason?.code ?? ''} ${o.reason?.message ?? ''}`);
  }
}

function onFill(f: unknown): void {
  if (!valid.fill(f)) return;
  if (fills.upsert(f, () => false)) set((s) => ({ fillsRev: s.fillsRev + 1 }));
}

function onTca(t: unknown): void {
  if (!isObj(t) || !hasStr(t, 'orderId') || typeof t.shortfallBps !== 'number') return;
  const tca = t as unknown as TcaDto;
  set((s) => ({ tca: { ...s.tca, [tca.orderId]: tca } }));
}

function onPosition(p: unknown): void {
  if (!valid.position(p)) return;
  set((s) => ({ positions: { ...s.positions, [p.symbol]: p } }));
}

function onAccount(a: unknown): void {
  if (!valid.account(a)) return;
  const cur = get().account;
  if (cur && typeof a.ts === 'number' && a.ts < cur.ts) return;
  set({ account: a });
}

// ---------------------------------------------------------------------------------------------
// L1 risk and the PMS.

function applyTradingState(st: TradingStateDto): void {
  set((s) => ({ tradingState: st, riskStatus: s.riskStatus ? { ...s.riskStatus, state: st } : s.riskStatus }));
}

function onRiskState(d: unknown): void {
  if (!valid.tradingState(d)) return;
  const prev = get().tradingState;
  applyTradingState(d);
  const check = d.killSwitchCheck ?? null;
  if (check && check.status !== 'verifying' && prev?.killSwitchCheck?.status === 'verifying') {
    if (check.status === 'confirmed') toast('info', 'Kill switch: every cancel confirmed by the venue');
    else toast('error', `Kill switch: ${check.pending.length} order(s) still open after ${check.rounds} checks: ${check.pending.join(', ')}`, 30_000);
  }
  if (prev && prev.mode !== d.mode) {
    const why = d.cause ? ` (${d.cause.code}${d.cause.message ? `: ${d.cause.message}` : ''})` : '';
    toast(d.mode === 'ACTIVE' ? 'info' : 'warn', `Trading state ${prev.mode} → ${d.mode}${why}`);
  }
  // The log and the breakers' view follow the state; both are small.
  void refreshStateLog();
  void refreshRiskStatus();
}

function onRiskBreaker(d: unknown): void {
  if (!valid.breaker(d)) return;
  set((s) => ({ breakerLog: [d, ...s.breakerLog].slice(0, BREAKER_LOG_CAP) }));
  if (d.type === 'trip') toast('warn', `Circuit breaker ${d.breaker} tripped: ${d.code} — ${d.cause}${d.action && d.action !== 'none' ? ` (${d.action})` : ''}`);
  void refreshRiskStatus();
}

function onRiskFlags(d: unknown): void {
  if (!Array.isArray(d)) return;
  set({ riskFlags: d.filter(valid.flag) });
}

/** A pushed cycle has no NAV history: extend the one we have with its point instead. */
function mergeMetrics(prev: RiskMetricsDto | null, next: RiskMetricsDto): RiskMetricsDto {
  if (Array.isArray(next.navHistory) && next.navHistory.length > 0) return next;
  const hist = prev?.navHistory ?? [];
  const last = hist[hist.length - 1];
  const point = { time: next.ts, nav: next.nav, drawdown: next.drawdown.current };
  const navHistory = last && last.time >= next.ts ? hist : [...hist, point].slice(-NAV_POINTS_CAP);
  return { ...next, navHistory };
}

function onRiskMetrics(d: unknown): void {
  if (!valid.metrics(d)) return;
  const cur = get().riskMetrics;
  if (cur && d.ts < cur.ts) return;
  set({ riskMetrics: mergeMetrics(cur, d) });
}

function onRiskLimits(d: unknown): void {
  if (!valid.limits(d)) return;
  set((s) => ({ riskLimits: d, limitsRev: s.limitsRev + 1 }));
}

/** Quiet refreshers: the panel polls them while visible; failures leave the last good view. */
export async function refreshRiskStatus(): Promise<void> {
  try {
    const st = await call('risk.status', {});
    if (isObj(st) && valid.tradingState(st.state)) set({ riskStatus: st, tradingState: st.state });
  } catch {
    // Shown as stale by the panel's timestamp; the next poll retries.
  }
}

export async function refreshLimits(): Promise<void> {
  try {
    onRiskLimits(await call('risk.limits.get', {}));
  } catch {
    // As above.
  }
}

export async function refreshMetrics(): Promise<void> {
  try {
    const m = await call('risk.metrics', {});
    if (valid.metrics(m)) set((s) => ({ riskMetrics: s.riskMetrics && s.riskMetrics.ts > m.ts ? mergeMetrics(m, s.riskMetrics) : m }));
  } catch {
    // As above.
  }
}

export async function refreshStateLog(): Promise<void> {
  try {
    const log = await call('risk.state.log', { limit: STATE_LOG_CAP });
    if (Array.isArray(log)) set({ stateLog: [...log].sort((a, b) => b.seq - a.seq) });
  } catch {
    // As above.
  }
}

async function loadRisk(c: Client): Promise<void> {
  const quiet = <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null);
  const [status, limits, flags, metrics, breakers, states] = await Promise.all([
    settle(c.call('risk.status', {}), 'risk status'),
    settle(c.call('risk.limits.get', {}), 'risk limits'),
    quiet(c.call('risk.flags', {})),
    quiet(c.call('risk.metrics', {})),
    quiet(c.call('risk.breakers.log', { limit: BREAKER_LOG_CAP })),
    quiet(c.call('risk.state.log', { limit: STATE_LOG_CAP })),
  ]);
  if (client !== c) return;
  const next: Partial<State> = {};
  if (status && valid.tradingState(status.state)) {
    next.riskStatus = status;
    next.tradingState = status.state;
  }
  if (valid.limits(limits)) next.riskLimits = limits;
  if (Array.isArray(flags)) next.riskFlags = flags.filter(valid.flag);
  if (valid.metrics(metrics)) next.riskMetrics = mergeMetrics(null, metrics);
  if (Array.isArray(breakers)) next.breakerLog = breakers.filter(valid.breaker).sort((a, b) => b.at - a.at);
  if (Array.isArray(states)) next.stateLog = [...states].sort((a, b) => b.seq - a.seq);
  set((s) => ({ ...next, limitsRev: next.riskLimits ? s.limitsRev + 1 : s.limitsRev }));
}

/** One click: HALTED, and every working order and algo cancelled by the engine. */
export async function pressKillSwitch(reason = 'Kill switch pressed in the terminal'): Promise<void> {
  if (get().killBusy) return;
  set({ killBusy: true });
  try {
    const res = await call('risk.killSwitch', { reason });
    if (isObj(res) && valid.tradingState(res.state)) applyTradingState(res.state);
    const n = Array.isArray(res?.cancelled) ? res.cancelled.length : 0;
    toast('warn', `Kill switch: trading HALTED, cancel requested for ${n} order${n === 1 ? '' : 's'}; verifying with the venue`);
    void refreshStateLog();
  } catch (err) {
    const e = errorText(err);
    toast('error', `Kill switch failed: ${e.code} — ${e.message}`);
  } finally {
    set({ killBusy: false });
  }
}

/**
 * Tightens at once (ACTIVE → REDUCING → HALTED); a resume must quote the engine's resume token.
 * Throws the engine's refusal (STATE_REJECTED with its reason in issues) for the caller to show.
 */
export async function setTradingMode(mode: TradingModeDto, reason: string | undefined, confirm?: string): Promise<TradingStateDto> {
  const params: ParamsIn<'risk.state.set'> = { mode };
  if (reason) params.reason = reason;
  if (confirm !== undefined) params.confirm = confirm;
  const st = await call('risk.state.set', params);
  if (valid.tradingState(st)) applyTradingState(st);
  void refreshStateLog();
  return st;
}

/** Splits a limit row's scope ('global', 'symbol:BTC/USDT', 'group:crypto') into set/unset params. */
export function scopeParams(scope: string): { symbol?: string; group?: string } {
  if (scope.startsWith('symbol:')) return { symbol: scope.slice('symbol:'.length) };
  if (scope.startsWith('group:')) return { group: scope.slice('group:'.length) };
  return {};
}

/** Throws the engine's refusal (LIMIT_REJECTED, its code in issues[0].path) for the editor to show. */
export async function setLimit(params: ParamsIn<'risk.limits.set'>): Promise<LimitsDto> {
  const res = await call('risk.limits.set', params);
  onRiskLimits(res);
  return res;
}

export function setResumeOpen(open: boolean): void {
  set({ resumeOpen: open });
}

/** The order-notional limit that applies to a symbol (its own entry, else the global one). */
export function orderNotionalLimit(limits: LimitsDto | null, symbol: string | null): { hard: number; soft: number | null } | null {
  if (!limits) return null;
  const rows = limits.limits.filter((r) => r.name === 'max_order_notional');
  const row = rows.find((r) => symbol !== null && r.scope === `symbol:${symbol}`) ?? rows.find((r) => r.scope === 'global');
  if (!row) return null;
  const hard = Number(row.hard);
  const soft = row.soft === null ? null : Number(row.soft);
  return Number.isFinite(hard) ? { hard, soft: soft !== null && Number.isFinite(soft) ? soft : null } : null;
}

// ---------------------------------------------------------------------------------------------
// Connection lifecycle.

let client: Client | null = null;
let unsubs: (() => void)[] = [];

export function call<M extends MethodName>(method: M, params?: ParamsIn<M>): Promise<Result<M>> {
  if (!client) return Promise.reject(new RpcError('NOT_CONNECTED', 'not connected to the engine'));
  return client.call(method, params);
}

export function setConnState(conn: ConnectionState): void {
  set({ conn });
}

function listen<E extends EventName>(c: Client, event: E, fn: (d: Events[E]) => void): void {
  unsubs.push(
    c.on(event, (d) => {
      try {
        fn(d);
      } catch (err) {
        console.error(`strata: handling ${event} failed`, err);
      }
    }),
  );
}

export function attach(c: Client): void {
  detach();
  client = c;
  listen(c, 'quote', onQuote);
  listen(c, 'book', onBook);
  listen(c, 'trade', onTrade);
  listen(c, 'candle', onCandleEvent);
  listen(c, 'order.updated', onOrderUpdated);
  listen(c, 'order.denied', onOrderDenied);
  listen(c, 'fill', onFill);
  listen(c, 'position.updated', onPosition);
  listen(c, 'account.updated', onAccount);
  listen(c, 'tca', onTca);
  listen(c, 'risk.state', onRiskState);
  listen(c, 'risk.breaker', onRiskBreaker);
  listen(c, 'risk.flags', onRiskFlags);
  listen(c, 'risk.metrics', onRiskMetrics);
  listen(c, 'risk.limits', onRiskLimits);
  listen(c, 'engine.alert', (a) => toast(a.severity === 'error' ? 'error' : 'warn', `${a.code}: ${a.message}`, a.severity === 'error' ? 30_000 : 10_000));
  set((s) => ({ epoch: s.epoch + 1, loading: true }));
  void loadSnapshots(c);
}

export function detach(): void {
  for (const u of unsubs) u();
  unsubs = [];
  client = null;
}

async function settle<T>(p: Promise<T>, what: string): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    const e = errorText(err);
    if (e.code !== 'NOT_CONNECTED') toast('error', `Loading ${what} failed: ${e.code} — ${e.message}`);
    return null;
  }
}

async function loadSnapshots(c: Client): Promise<void> {
  const session = await settle(c.call('session.info', {}), 'session');
  if (client !== c) return;
  if (!session) {
    set({ loading: false });
    return;
  }
  const prev = get().session;
  if (prev && prev.startedAt !== session.startedAt) {
    // A different engine run: drop what we knew about the old one.
    orders.clear();
    fills.clear();
    clearChildren();
    set((s) => ({
      positions: {},
      account: null,
      ordersRev: s.ordersRev + 1,
      openOrders: 0,
      fillsRev: s.fillsRev + 1,
      trades: {},
      refPrice: {},
      selectedOrder: null,
      expanded: {},
      tca: {},
      riskMetrics: null,
      breakerLog: [],
      stateLog: [],
    }));
  }
  const instruments: Record<string, InstrumentDto> = {};
  const list = Array.isArray(session.instruments) ? session.instruments : [];
  for (const i of list) if (i && typeof i.symbol === 'string') instruments[i.symbol] = i;
  const symbols = list.map((i) => i.symbol);
  const cur = get().selected;
  set({
    session,
    instruments,
    symbols,
    selected: cur && instruments[cur] ? cur : (symbols[0] ?? null),
  });

  // Replies travel on the same ordered stream as events, so each snapshot is applied the moment it
  // arrives: it is newer than every push received before it, and later pushes apply on top.
  const loadOrders = settle(c.call('orders.list', { scope: 'all', limit: ORDERS_CAP }), 'orders').then((list) => {
    if (client !== c || !list) return;
    const byId = new Map<string, OrderDto>();
    for (const o of orders.toArray()) byId.set(o.id, o);
    for (const o of list) {
      if (!valid.order(o)) continue;
      const old = byId.get(o.id);
      if (!old || newerOrder(old, o)) byId.set(o.id, o);
    }
    const all = [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    orders.reset(all);
    const openOrders = all.filter((o) => !isTerminal(o.status)).length;
    set((s) => ({ ordersRev: s.ordersRev + 1, openOrders }));
    // Children we may have missed while away: refetch those the blotter shows.
    for (const id of Object.keys(get().expanded)) void loadChildren(id);
  });
  const loadRouting = c
    .call('exec.routing', {})
    .then((routing) => {
      if (client === c && isObj(routing) && isObj(routing.byUrgency)) set({ routing });
    })
    .catch(() => {
      // An engine without routing: the ticket still works with urgency and explicit algorithms.
    });
  const loadFills = settle(c.call('fills.list', { limit: FILLS_CAP }), 'fills').then((list) => {
    if (client !== c || !list) return;
    const byId = new Map<string, FillDto>();
    for (const f of fills.toArray()) byId.set(f.id, f);
    for (const f of list) if (valid.fill(f)) byId.set(f.id, f);
    fills.reset([...byId.values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1)));
    set((s) => ({ fillsRev: s.fillsRev + 1 }));
  });
  const loadPositions = settle(c.call('positions.list', {}), 'positions').then((list) => {
    if (client !== c || !list) return;
    const positions: Record<string, PositionDto> = {};
    for (const p of list) if (valid.position(p)) positions[p.symbol] = p;
    set({ positions });
  });
  const loadAccount = settle(c.call('account.get', {}), 'account').then((account) => {
    if (client !== c || !account) return;
    set({ account });
  });
  await Promise.all([loadOrders, loadFills, loadPositions, loadAccount, loadRouting, loadRisk(c)]);
  if (client !== c) return;

  // Market snapshots and a reference price for the change column.
  await Promise.all(
    symbols.map(async (sym) => {
      const snap = await settle(c.call('market.snapshot', { symbol: sym }), `${sym} market`);
      if (client !== c || !snap) return;
      set((s) => {
        // The snapshot is newer than anything pushed before its reply; trades merge by id.
        const seen = new Set<string>();
        const trades = [...(Array.isArray(snap.trades) ? snap.trades : []), ...(s.trades[sym] ?? [])]
          .filter((t) => valid.trade(t) && !seen.has(t.id) && seen.add(t.id))
          .sort((a, b) => b.ts - a.ts)
          .slice(0, TRADES_CAP);
        return {
          quotes: valid.quote(snap.quote) ? { ...s.quotes, [sym]: snap.quote } : s.quotes,
          books: valid.book(snap.book) ? { ...s.books, [sym]: snap.book } : s.books,
          trades: { ...s.trades, [sym]: trades },
        };
      });
      const candles = await settle(c.call('market.candles', { symbol: sym, interval: '5m', limit: 288 }), `${sym} candles`);
      const first = candles?.[0];
      if (client !== c || !first) return;
      set((s) => ({ refPrice: { ...s.refPrice, [sym]: first.open } }));
    }),
  );
  if (client === c) set({ loading: false });
}

// ---------------------------------------------------------------------------------------------
// UI actions.

export function selectSymbol(symbol: string): void {
  if (!get().instruments[symbol]) return;
  if (get().selected === symbol) return;
  set((s) => ({ selected: symbol, ticket: { ...s.ticket, price: '' } }));
}

export function updateTicket(patch: Partial<TicketState>): void {
  set((s) => ({ ticket: { ...s.ticket, ...patch } }));
}

/** Esc: clears quantity and price; keeps side, type, urgency, algorithm and its parameters. */
export function clearTicket(): void {
  set((s) => ({ ticket: { ...s.ticket, qty: '', price: '' } }));
}

/** Market or limit for a direct order; an explicit market/limit algorithm choice follows it. */
export function setOrderType(type: OrderType): void {
  set((s) => ({ ticket: { ...s.ticket, type, algo: s.ticket.algo === 'market' || s.ticket.algo === 'limit' ? type : s.ticket.algo } }));
}

export function focusTicket(): void {
  set((s) => ({ ticketFocus: s.ticketFocus + 1 }));
}

/** A click on a book level: a limit order at that price (the side stays what the trader chose). */
export function pickBookLevel(price: number): void {
  const sym = get().selected;
  const decimals = (sym ? get().instruments[sym]?.priceDecimals : undefined) ?? 2;
  set((s) => ({ ticket: { ...s.ticket, type: 'limit', algo: s.ticket.algo === 'market' ? 'limit' : s.ticket.algo, price: price.toFixed(decimals) } }));
}

export function setHelp(open: boolean): void {
  set({ helpOpen: open });
}

export async function cancelOrder(id: string): Promise<void> {
  try {
    applyOrder(await call('orders.cancel', { orderId: id }));
  } catch (err) {
    const e = errorText(err);
    toast('error', `Cancel ${id} failed: ${e.code} — ${e.message}`);
  }
}

export async function cancelAll(symbol?: string): Promise<void> {
  try {
    const res = await call('orders.cancelAll', symbol ? { symbol } : {});
    const n = Array.isArray(res?.requested) ? res.requested.length : 0;
    toast('info', n ? `Cancel requested for ${n} order${n === 1 ? '' : 's'}` : 'No open orders to cancel');
  } catch (err) {
    const e = errorText(err);
    toast('error', `Cancel all failed: ${e.code} — ${e.message}`);
  }
}

export async function pauseOrder(id: string): Promise<void> {
  try {
    applyOrder(await call('orders.pause', { orderId: id }));
  } catch (err) {
    const e = errorText(err);
    toast('error', `Pause ${id} failed: ${e.code} — ${e.message}`);
  }
}

export async function resumeOrder(id: string): Promise<void> {
  try {
    applyOrder(await call('orders.resume', { orderId: id }));
  } catch (err) {
    const e = errorText(err);
    toast('error', `Resume ${id} failed: ${e.code} — ${e.message}`);
  }
}

/** Fetches a parent's children (the live events only bring those placed while we listen). */
export async function loadChildren(parentId: string): Promise<void> {
  try {
    const list = await call('orders.children', { orderId: parentId });
    let changed = false;
    for (const c of Array.isArray(list) ? list : []) {
      if (valid.order(c) && typeof c.parentId === 'string' && c.parentId.length > 0) changed = upsertChild(c as OrderDto & { parentId: string }) || changed;
    }
    if (changed) set((s) => ({ ordersRev: s.ordersRev + 1 }));
  } catch (err) {
    const e = errorText(err);
    if (e.code !== 'NOT_CONNECTED') toast('error', `Loading the children of ${parentId} failed: ${e.code} — ${e.message}`);
  }
}

export function setExpanded(parentId: string, open: boolean): void {
  const cur = get().expanded;
  if (open === Boolean(cur[parentId])) return;
  const next = { ...cur };
  if (open) next[parentId] = true;
  else delete next[parentId];
  set({ expanded: next });
  if (open) void loadChildren(parentId);
}

/** Selects an order in the blotter; a selection by the trader also brings up its detail. */
export function selectOrder(id: string | null, showDetail = true): void {
  set((s) => ({ selectedOrder: id, sideTab: id !== null && showDetail ? 'detail' : s.sideTab }));
}

export function setSideTab(tab: SideTab): void {
  set({ sideTab: tab });
}
