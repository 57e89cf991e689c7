import { isTerminal } from '../../../src/contract/index.ts';
import type { Client, FillDto, OrderDto, RoutingDto, TcaDto } from '../../../src/contract/index.ts';
import { call } from './client.ts';
import { KeyedList } from './keyed-list.ts';
import { conformList } from './slice.ts';
import type { SliceDef } from './slice.ts';
import { get, set } from './store.ts';
import { errorText, settle, toast } from './toasts.ts';

/**
 * Orders, children, fills, TCA and the routing table. Orders and fills live in KeyedLists mutated in
 * place (O(1) per event) with a revision number in the store that components render on.
 */

export const FILLS_CAP = 5000;
export const ORDERS_CAP = 5000;

export interface OrdersSlice {
  ordersRev: number;
  /** Orders not yet in a terminal state, kept incrementally. */
  openOrders: number;
  fillsRev: number;
  /** Urgency → algorithm table of the engine (null until loaded, or with an engine without it). */
  routing: RoutingDto | null;
  /** The order (parent, child or direct) selected in the blotter, shown in the order detail. */
  selectedOrder: string | null;
  /** Parents whose children are shown in the blotter. */
  expanded: Record<string, true>;
  /** Final TCA of parents that ended while we were connected (the `tca` event). */
  tca: Record<string, TcaDto>;
}

export function ordersInitial(): OrdersSlice {
  return { ordersRev: 0, openOrders: 0, fillsRev: 0, routing: null, selectedOrder: null, expanded: {}, tca: {} };
}

export function newerOrder(old: OrderDto, inc: OrderDto): boolean {
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

function isChild(o: OrderDto): o is OrderDto & { parentId: string } {
  return typeof o.parentId === 'string' && o.parentId.length > 0;
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

export function applyOrder(o: OrderDto): void {
  if (isChild(o)) {
    // A child: shown under its parent, not counted as an order of its own.
    if (upsertChild(o)) set((s) => ({ ordersRev: s.ordersRev + 1 }));
    return;
  }
  const prev = orders.get(o.id);
  if (!orders.upsert(o, newerOrder)) return;
  const delta = (isTerminal(o.status) ? 0 : 1) - (prev && !isTerminal(prev.status) ? 1 : 0);
  set((s) => ({ ordersRev: s.ordersRev + 1, openOrders: s.openOrders + delta }));
}

function onOrderUpdated(o: OrderDto): void {
  const prev = findOrder(o.id);
  applyOrder(o);
  // A rejected child is its parent's business (the algorithm reacts); only top-level rejections toast.
  if (o.status === 'REJECTED' && prev?.status !== 'REJECTED' && !o.parentId) {
    toast('error', `Order ${o.id} ${o.symbol} rejected${o.reason ? `: ${o.reason.code} — ${o.reason.message}` : ''}`);
  }
}

function onOrderDenied(o: OrderDto): void {
  const known = orders.has(o.id);
  applyOrder(o);
  // Manual orders show their denial in the ticket; others (API, strategies) get a toast.
  if (!known && o.source !== 'manual') {
    toast('warn', `Order ${o.id} ${o.side.toUpperCase()} ${o.qty} ${o.symbol} denied: ${o.reason?.code ?? ''} ${o.reason?.message ?? ''}`);
  }
}

function onFill(f: FillDto): void {
  if (fills.upsert(f, () => false)) set((s) => ({ fillsRev: s.fillsRev + 1 }));
}

function onTca(t: TcaDto): void {
  set((s) => ({ tca: { ...s.tca, [t.orderId]: t } }));
}

async function load(c: Client, current: () => boolean): Promise<void> {
  // Replies travel on the same ordered stream as events, so each snapshot is applied the moment it
  // arrives: it is newer than every push received before it, and later pushes apply on top.
  const loadOrders = settle(c.call('orders.list', { scope: 'all', limit: ORDERS_CAP }), 'orders').then((list) => {
    if (!current() || !list) return;
    const byId = new Map<string, OrderDto>();
    for (const o of orders.toArray()) byId.set(o.id, o);
    for (const o of conformList('order.updated', list)) {
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
      if (current() && typeof routing === 'object' && routing !== null && typeof routing.byUrgency === 'object' && routing.byUrgency !== null) set({ routing });
    })
    .catch(() => {
      // An engine without routing: the ticket still works with urgency and explicit algorithms.
    });
  const loadFills = settle(c.call('fills.list', { limit: FILLS_CAP }), 'fills').then((list) => {
    if (!current() || !list) return;
    const byId = new Map<string, FillDto>();
    for (const f of fills.toArray()) byId.set(f.id, f);
    for (const f of conformList('fill', list)) byId.set(f.id, f);
    fills.reset([...byId.values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1)));
    set((s) => ({ fillsRev: s.fillsRev + 1 }));
  });
  await Promise.all([loadOrders, loadRouting, loadFills]);
}

function reset(): void {
  orders.clear();
  fills.clear();
  childLists.clear();
  childById.clear();
  set((s) => ({ ordersRev: s.ordersRev + 1, openOrders: 0, fillsRev: s.fillsRev + 1, selectedOrder: null, expanded: {}, tca: {} }));
}

export const ordersSlice: SliceDef = {
  name: 'orders',
  events: { 'order.updated': onOrderUpdated, 'order.denied': onOrderDenied, fill: onFill, tca: onTca },
  load,
  reset,
};

// ---------------------------------------------------------------------------------------------
// Actions.

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
    toast('info', `Paused ${id}: no new child orders until resumed`);
  } catch (err) {
    const e = errorText(err);
    toast('error', `Pause ${id} failed: ${e.code} — ${e.message}`);
  }
}

export async function resumeOrder(id: string): Promise<void> {
  try {
    applyOrder(await call('orders.resume', { orderId: id }));
    toast('info', `Resumed ${id}`);
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
    for (const c of conformList('order.updated', list)) if (isChild(c)) changed = upsertChild(c) || changed;
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
