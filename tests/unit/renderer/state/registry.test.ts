import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, createMemoryPair, serveEndpoint } from '../../../../src/contract/index.ts';
import type { Client, EventFeed, EventName, Events, Handlers, InstrumentDto, OrderDto, SessionDto } from '../../../../src/contract/index.ts';
import { SLICES, attach, detach, findOrder, orders, useStore } from '../../../../renderer/src/state/index.ts';
import { initialState } from '../../../../renderer/src/state/store.ts';

/**
 * The renderer's state against a fake engine on the in-memory contract pair: snapshots load through
 * the slices, pushed events reach the slice that registered them, malformed pushes are dropped, and
 * a new engine run resets what the slices knew.
 */

const btc: InstrumentDto = {
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'crypto',
  tickSize: 0.01,
  lotSize: 0.00001,
  minNotional: 5,
  priceDecimals: 2,
  qtyDecimals: 5,
  makerFeeBps: 1,
  takerFeeBps: 5,
  tradable: true,
};

function order(id: string, patch: Partial<OrderDto> = {}): OrderDto {
  return {
    id,
    venueOrderId: null,
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'limit',
    tif: 'gtc',
    qty: 1,
    price: 100,
    filledQty: 0,
    avgPrice: null,
    fees: 0,
    status: 'NEW',
    reason: null,
    cancelRequested: false,
    source: 'manual',
    createdAt: 1,
    updatedAt: 1,
    urgency: 'immediate',
    parentId: null,
    execution: null,
    orderKind: 'limit',
    displayStatus: 'pending-new',
    trigger: null,
    ocoGroup: null,
    bracket: null,
    lineage: { rootId: id, replaces: null, replacedBy: null },
    ...patch,
  };
}

interface FakeEngine {
  client: Client;
  emit<E extends EventName>(event: E, data: Events[E] | unknown): void;
  session: SessionDto;
  calls: string[];
}

function fakeEngine(startedAt: number, listed: OrderDto[] = []): FakeEngine {
  const [a, b] = createMemoryPair();
  const listeners = new Set<(event: EventName, data: never) => void>();
  const feed: EventFeed = {
    subscribe(l) {
      listeners.add(l as (event: EventName, data: never) => void);
      return () => listeners.delete(l as (event: EventName, data: never) => void);
    },
  };
  const session: SessionDto = { version: 't', mode: 'paper', venue: 'sim', startedAt, serverTime: startedAt, currency: 'USDT', instruments: [btc] };
  const calls: string[] = [];
  const handlers: Partial<Handlers> = {
    'session.info': () => session,
    'orders.list': () => listed,
    'fills.list': () => [],
    'positions.list': () => [],
    'account.get': () => ({ currency: 'USDT', initialCash: 1000, cash: 1000, reservedCash: 0, equity: 1000, marketValue: 0, realizedPnl: 0, unrealizedPnl: 0, fees: 0, ts: 1 }),
    'exec.routing': () => {
      throw new Error('no routing here');
    },
    'risk.flags': () => [],
    'market.snapshot': () => ({ quote: { symbol: 'BTC/USDT', bid: 99, ask: 101, bidSize: 1, askSize: 1, last: 100, ts: 1 }, book: { symbol: 'BTC/USDT', bids: [], asks: [], ts: 1 }, trades: [] }),
    'market.candles': () => [],
  };
  const counted = new Proxy(handlers, {
    get(target, method: string) {
      const h = target[method as keyof Handlers];
      return h
        ? (p: never) => {
            calls.push(method);
            return (h as (p: never) => unknown)(p);
          }
        : () => {
            calls.push(method);
            throw new Error(`${method} not faked`);
          };
    },
  }) as Handlers;
  serveEndpoint(a, counted, feed);
  return {
    client: createClient(b),
    emit: (event, data) => {
      for (const l of listeners) l(event, data as never);
    },
    session,
    calls,
  };
}

beforeEach(() => {
  for (const s of SLICES) s.reset?.();
  useStore.setState(initialState(), true);
  // Snapshot failures of unfaked methods toast; those timers are not this test's business.
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  detach();
  vi.restoreAllMocks();
});

describe('state registry', () => {
  it('when a connection opens then every slice loads its snapshot and loading ends', async () => {
    const eng = fakeEngine(1000, [order('A1')]);
    attach(eng.client);
    await vi.waitFor(() => expect(useStore.getState().loading).toBe(false));
    const s = useStore.getState();
    expect(s.session?.startedAt).toBe(1000);
    expect(s.symbols).toEqual(['BTC/USDT']);
    expect(s.selected).toBe('BTC/USDT');
    expect(s.openOrders).toBe(1);
    expect(s.account?.equity).toBe(1000);
    expect(s.quotes['BTC/USDT']?.bid).toBe(99);
    expect(eng.calls).toEqual(expect.arrayContaining(['session.info', 'orders.list', 'fills.list', 'positions.list', 'account.get', 'risk.status', 'market.snapshot']));
  });

  it('when events are pushed then the slice that registered each applies it', async () => {
    const eng = fakeEngine(1000);
    attach(eng.client);
    await vi.waitFor(() => expect(useStore.getState().loading).toBe(false));

    eng.emit('order.updated', order('B1', { status: 'NEW', updatedAt: 5 }));
    eng.emit('position.updated', { symbol: 'BTC/USDT', qty: 2, avgPrice: 100, costBasis: 200, markPrice: 100, marketValue: 200, realizedPnl: 0, unrealizedPnl: 0, fees: 0 });
    eng.emit('risk.flags', [{ code: 'concentration', severity: 'info', subject: 'BTC/USDT' }]);
    await vi.waitFor(() => expect(useStore.getState().riskFlags).toHaveLength(1));
    expect(findOrder('B1')?.status).toBe('NEW');
    expect(useStore.getState().openOrders).toBe(1);
    expect(useStore.getState().positions['BTC/USDT']?.qty).toBe(2);

    // An older update of the same order does not step it back; a newer terminal one closes it.
    eng.emit('order.updated', order('B1', { status: 'FILLED', filledQty: 1, updatedAt: 6 }));
    eng.emit('order.updated', order('B1', { status: 'NEW', updatedAt: 4 }));
    await vi.waitFor(() => expect(findOrder('B1')?.status).toBe('FILLED'));
    expect(useStore.getState().openOrders).toBe(0);
  });

  it('when a push lacks the fields the contract requires then it is dropped and later pushes still apply', async () => {
    const eng = fakeEngine(1000);
    attach(eng.client);
    await vi.waitFor(() => expect(useStore.getState().loading).toBe(false));
    const rev = useStore.getState().ordersRev;

    eng.emit('order.updated', { id: 'X1', status: 'NEW' }); // no symbol
    eng.emit('order.updated', 'not an order');
    eng.emit('risk.flags', [{ code: 'ok', severity: 'warn' }, { severity: 'warn' }, null]);
    // A list event that is not a list, and an object event that is one, are dropped whole.
    eng.emit('risk.flags', { code: 'single', severity: 'warn' });
    eng.emit('order.updated', [order('L1')]);
    eng.emit('order.updated', order('C1'));
    await vi.waitFor(() => expect(findOrder('C1')).toBeDefined());
    expect(findOrder('X1')).toBeUndefined();
    expect(findOrder('L1')).toBeUndefined();
    expect(useStore.getState().ordersRev).toBe(rev + 1);
    expect(useStore.getState().riskFlags.map((f) => f.code)).toEqual(['ok']);
  });

  it('when the engine behind a reconnect is a new run then what the slices knew of the old one is dropped', async () => {
    const first = fakeEngine(1000, [order('OLD')]);
    attach(first.client);
    await vi.waitFor(() => expect(useStore.getState().loading).toBe(false));
    expect(orders.has('OLD')).toBe(true);

    const second = fakeEngine(2000, [order('NEW1')]);
    attach(second.client);
    await vi.waitFor(() => expect(useStore.getState().session?.startedAt).toBe(2000));
    await vi.waitFor(() => expect(useStore.getState().loading).toBe(false));
    expect(orders.has('OLD')).toBe(false);
    expect(orders.has('NEW1')).toBe(true);
    expect(useStore.getState().openOrders).toBe(1);

    // Events of the dropped connection no longer reach the store.
    first.emit('order.updated', order('GHOST'));
    second.emit('order.updated', order('LIVE'));
    await vi.waitFor(() => expect(findOrder('LIVE')).toBeDefined());
    expect(findOrder('GHOST')).toBeUndefined();
  });
});
