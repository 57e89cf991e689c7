import { afterEach, describe, expect, it, vi } from 'vitest';
import { paramsSchemas } from '../../../src/contract/api.ts';
import type { EventName, Events, Handlers, MethodName, Params, ParamsIn } from '../../../src/contract/api.ts';
import type { OrderDto } from '../../../src/contract/dto.ts';
import type { Endpoint } from '../../../src/contract/envelope.ts';
import { RpcError } from '../../../src/contract/errors.ts';
import { METHOD_TIMEOUT_MS } from '../../../src/contract/client.ts';
import { createMemoryPair } from '../../../src/contract/memory.ts';
import { CONFLATED_EVENTS, MAX_FRAME_BYTES, createClient, jsonDepthExceeds, serveEndpoint } from '../../../src/contract/rpc.ts';
import type { Client, EventFeed } from '../../../src/contract/rpc.ts';

const ORDER: OrderDto = {
  id: 'S-000001',
  venueOrderId: null,
  symbol: 'BTC/USDT',
  side: 'buy',
  type: 'market',
  tif: 'gtc',
  qty: 0.5,
  price: null,
  filledQty: 0,
  avgPrice: null,
  fees: 0,
  status: 'NEW',
  reason: null,
  cancelRequested: false,
  source: 'api',
  createdAt: 1,
  updatedAt: 1,
  urgency: 'immediate',
  parentId: null,
  execution: null,
  orderKind: 'market',
  displayStatus: 'pending-new',
  trigger: null,
  ocoGroup: null,
  bracket: null,
  lineage: { rootId: 'S-000001', replaces: null, replacedBy: null },
};

/** Handlers that record what they were called with; methods a test does not override fail loudly. */
function stubHandlers(over: Partial<Handlers>, calls: { method: string; params: unknown }[]): Handlers {
  const out: Record<string, (p: unknown) => unknown> = {};
  for (const m of Object.keys(paramsSchemas) as MethodName[]) {
    const impl = over[m] as ((p: unknown) => unknown) | undefined;
    out[m] = (p: unknown) => {
      calls.push({ method: m, params: p });
      if (!impl) throw new Error(`${m} is not stubbed`);
      return impl(p);
    };
  }
  return out as unknown as Handlers;
}

/** A feed the test can push events into. */
function testFeed(): EventFeed & { push<E extends EventName>(e: E, d: Events[E]): void; count(): number } {
  const listeners = new Set<<E extends EventName>(event: E, data: Events[E]) => void>();
  return {
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    push(e, d) {
      for (const l of listeners) l(e, d);
    },
    count: () => listeners.size,
  };
}

interface Rig {
  client: Client;
  raw: Endpoint;
  calls: { method: string; params: unknown }[];
  internal: unknown[];
  feed: ReturnType<typeof testFeed>;
  /** Sends a raw text frame from a second connection and resolves with the parsed reply. */
  send(text: string): Promise<{ t: string; id: number; ok: boolean; result?: unknown; error?: { code: string; message: string; issues?: { path: string; message: string }[] } }>;
}

const rigs: Rig[] = [];
afterEach(() => {
  for (const r of rigs.splice(0)) {
    r.client.close();
    r.raw.close();
  }
});

function rig(over: Partial<Handlers> = {}): Rig {
  const calls: Rig['calls'] = [];
  const internal: unknown[] = [];
  const handlers = stubHandlers(
    {
      'session.info': () => ({ version: 't', mode: 'paper', venue: 'sim', startedAt: 0, serverTime: 0, currency: 'USD', instruments: [], clock: { serverTime: 0, mode: 'paper', speed: 1, paused: false }, limits: { maxOrderNotional: 1, maxPositionNotional: 2 } }),
      'orders.place': () => ORDER,
      'orders.get': ({ orderId }) => {
        throw new RpcError('UNKNOWN_ORDER', `unknown order "${orderId}"`);
      },
      ...over,
    },
    calls,
  );
  const feed = testFeed();
  // Two connections to one engine: a typed client and a raw peer.
  const [s1, c1] = createMemoryPair();
  const [s2, c2] = createMemoryPair();
  serveEndpoint(s1, handlers, feed, { onInternalError: (err) => internal.push(err) });
  serveEndpoint(s2, handlers, feed, { onInternalError: (err) => internal.push(err) });
  const client = createClient(c1, { timeoutMs: 2_000 });
  const replies: string[] = [];
  const waiting: ((s: string) => void)[] = [];
  c2.onMessage((f) => {
    const parsed = JSON.parse(f) as { t: string };
    if (parsed.t !== 'res') return;
    const w = waiting.shift();
    if (w) w(f);
    else replies.push(f);
  });
  const r: Rig = {
    client,
    raw: c2,
    calls,
    internal,
    feed,
    send(text) {
      c2.send(text);
      return new Promise((resolve) => waiting.push((f) => resolve(JSON.parse(f) as Awaited<ReturnType<Rig['send']>>)));
    },
  };
  rigs.push(r);
  return r;
}

async function rejection(p: Promise<unknown>): Promise<RpcError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RpcError)) throw new Error(`expected an RpcError, got ${String(err)}`);
  return err;
}

const PLACE: ParamsIn<'orders.place'> = { symbol: 'BTC/USDT', side: 'buy', qty: 0.5 };

describe('serveEndpoint: frames', () => {
  it.each([
    ['text that is not JSON', 'hello'],
    ['truncated JSON', '{"t":"req","id":1'],
    ['an empty frame', ''],
  ])('when the frame is %s then BAD_FRAME with id -1', async (_what, text) => {
    const r = rig();
    const reply = await r.send(text);
    expect(reply).toMatchObject({ t: 'res', id: -1, ok: false, error: { code: 'BAD_FRAME', message: 'frame is not valid JSON' } });
  });

  it.each([
    ['null', 'null', -1],
    ['an array', '[1,2]', -1],
    ['a string', '"req"', -1],
    ['an object without t', '{"id":4,"method":"session.info"}', 4],
    ['a response frame', '{"t":"res","id":5,"ok":true}', 5],
    ['a string id', '{"t":"req","id":"6","method":"session.info"}', -1],
    ['a fractional id', '{"t":"req","id":1.5,"method":"session.info"}', 1.5],
    ['a negative id', '{"t":"req","id":-3,"method":"session.info"}', -3],
    ['no method', '{"t":"req","id":7}', 7],
    ['an empty method', '{"t":"req","id":8,"method":""}', 8],
    ['a method that is not a string', '{"t":"req","id":9,"method":42}', 9],
  ] as const)('when the frame is %s then BAD_FRAME (echoing a numeric id)', async (_what, text, id) => {
    const r = rig();
    const reply = await r.send(text);
    expect(reply).toMatchObject({ t: 'res', id, ok: false, error: { code: 'BAD_FRAME' } });
    expect(r.calls).toEqual([]);
  });

  it.each(['orders.explode', '__proto__', 'constructor', 'toString', 'hasOwnProperty'])('when the method is %s then UNKNOWN_METHOD', async (method) => {
    const r = rig();
    const reply = await r.send(JSON.stringify({ t: 'req', id: 11, method, params: {} }));
    expect(reply).toMatchObject({ id: 11, ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('when garbage has been sent then the server still answers valid requests on the same connection', async () => {
    const r = rig();
    for (const junk of ['x', '{}', 'null', '{"t":"req","id":1,"method":"nope"}']) await r.send(junk);
    const ok = await r.send(JSON.stringify({ t: 'req', id: 12, method: 'session.info' }));
    expect(ok).toMatchObject({ t: 'res', id: 12, ok: true, result: { version: 't' } });
    await expect(r.client.call('session.info')).resolves.toMatchObject({ version: 't' });
  });
});

describe('serveEndpoint: params validation', () => {
  it('when params are valid then the handler receives them with defaults applied', async () => {
    const r = rig();
    await expect(r.client.call('orders.place', PLACE)).resolves.toEqual(ORDER);
    expect(r.calls).toEqual([{ method: 'orders.place', params: { symbol: 'BTC/USDT', side: 'buy', qty: 0.5, type: 'market', tif: 'gtc', source: 'api', urgency: 'immediate' } }]);
  });

  it('when the quantity is a plain decimal string then it is accepted as is', async () => {
    const r = rig();
    await r.client.call('orders.place', { ...PLACE, qty: '0.25', type: 'limit', price: '64250.5' });
    expect(r.calls[0]?.params).toMatchObject({ qty: '0.25', price: '64250.5' });
  });

  it.each([
    ['a NaN quantity (JSON sends null)', { ...PLACE, qty: Number.NaN }, 'qty'],
    ['the string "NaN"', { ...PLACE, qty: 'NaN' }, 'qty'],
    ['the string "Infinity"', { ...PLACE, qty: 'Infinity' }, 'qty'],
    ['a null quantity', { ...PLACE, qty: null }, 'qty'],
    ['a negative quantity', { ...PLACE, qty: -1 }, 'qty'],
    ['a zero quantity', { ...PLACE, qty: 0 }, 'qty'],
    ['a zero quantity string', { ...PLACE, qty: '0.000' }, 'qty'],
    ['a negative quantity string', { ...PLACE, qty: '-1' }, 'qty'],
    ['an exponent string', { ...PLACE, qty: '1e3' }, 'qty'],
    ['a quantity of the wrong type', { ...PLACE, qty: true }, 'qty'],
    ['a missing quantity', { symbol: 'BTC/USDT', side: 'buy' }, 'qty'],
    ['an unknown side', { ...PLACE, side: 'hold' }, 'side'],
    ['an empty symbol', { ...PLACE, symbol: '' }, 'symbol'],
    ['a symbol that is a number', { ...PLACE, symbol: 7 }, 'symbol'],
    ['a limit order without a price', { ...PLACE, type: 'limit' }, 'price'],
    ['a market order with a price', { ...PLACE, type: 'market', price: 100 }, 'price'],
    ['a negative price', { ...PLACE, type: 'limit', price: -5 }, 'price'],
    ['an unknown time in force', { ...PLACE, tif: 'fok' }, 'tif'],
  ])('when placing with %s then BAD_REQUEST naming %s, and the handler is not called', async (_what, params, path) => {
    const r = rig();
    const err = await rejection(r.client.call('orders.place', params as unknown as ParamsIn<'orders.place'>));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.issues?.map((i) => i.path)).toContain(path);
    expect(err.message).toMatch(/^orders\.place: /);
    expect(r.calls).toEqual([]);
  });

  it('when params carry an extra key then BAD_REQUEST names the params object', async () => {
    const r = rig();
    const err = await rejection(r.client.call('orders.place', { ...PLACE, leverage: 100 } as ParamsIn<'orders.place'>));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.issues).toEqual([expect.objectContaining({ path: '(params)', message: expect.stringContaining('leverage') })]);
    const err2 = await rejection(r.client.call('session.info', { verbose: true } as unknown as ParamsIn<'session.info'>));
    expect(err2.code).toBe('BAD_REQUEST');
  });

  it('when a JSON number overflows to Infinity then BAD_REQUEST', async () => {
    const r = rig();
    const reply = await r.send('{"t":"req","id":21,"method":"orders.place","params":{"symbol":"BTC/USDT","side":"buy","qty":1e400}}');
    expect(reply).toMatchObject({ id: 21, ok: false, error: { code: 'BAD_REQUEST', issues: [expect.objectContaining({ path: 'qty' })] } });
  });

  it('when params are not an object then BAD_REQUEST; when they are omitted then {} is used', async () => {
    const r = rig();
    const bad = await r.send(JSON.stringify({ t: 'req', id: 22, method: 'orders.place', params: [1] }));
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const ok = await r.send(JSON.stringify({ t: 'req', id: 23, method: 'session.info' }));
    expect(ok).toMatchObject({ id: 23, ok: true });
  });

  it.each([
    ['market.candles', { symbol: 'X', limit: 0 }, 'limit'],
    ['market.candles', { symbol: 'X', limit: 1.5 }, 'limit'],
    ['market.candles', { symbol: 'X', interval: '3m' }, 'interval'],
    ['orders.list', { limit: 10_001 }, 'limit'],
    ['orders.cancel', {}, 'orderId'],
    ['orders.cancel', { orderId: 'x'.repeat(65) }, 'orderId'],
  ] as const)('when calling %s with %j then BAD_REQUEST on %s', async (method, params, path) => {
    const r = rig();
    const err = await rejection(r.client.call(method as MethodName, params as unknown as Params<MethodName>));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.issues?.[0]?.path).toBe(path);
  });
});

describe('serveEndpoint: handler outcomes', () => {
  it('when a handler throws an RpcError then its code and message reach the client', async () => {
    const r = rig();
    const err = await rejection(r.client.call('orders.get', { orderId: 'S-42' }));
    expect(err.code).toBe('UNKNOWN_ORDER');
    expect(err.message).toBe('unknown order "S-42"');
  });

  it('when a handler fails with a bug then the client gets INTERNAL, the host is told, and the server goes on', async () => {
    const boom = new Error('kaput');
    const r = rig({
      'orders.list': () => {
        throw boom;
      },
    });
    const err = await rejection(r.client.call('orders.list'));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toContain('kaput');
    expect(r.internal).toEqual([boom]);
    await expect(r.client.call('session.info')).resolves.toMatchObject({ version: 't' });
  });

  it('when a handler is async and answers out of order then each reply reaches its own call', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((res) => (release = res));
    const r = rig({
      'orders.list': async () => {
        await gate;
        return [];
      },
    });
    const slow = r.client.call('orders.list');
    const fast = r.client.call('session.info');
    await expect(fast).resolves.toMatchObject({ version: 't' });
    release();
    await expect(slow).resolves.toEqual([]);
  });
});

describe('events and connection lifecycle', () => {
  it('when the engine emits an event then every connected client receives it, and unsubscribed listeners do not', async () => {
    const r = rig();
    const got: OrderDto[] = [];
    const off = r.client.on('order.updated', (o) => got.push(o));
    const fills: unknown[] = [];
    r.client.on('fill', (f) => fills.push(f));
    r.feed.push('order.updated', ORDER);
    await new Promise((res) => setTimeout(res, 0));
    expect(got).toEqual([ORDER]);
    expect(fills).toEqual([]);
    off();
    r.feed.push('order.updated', ORDER);
    await new Promise((res) => setTimeout(res, 0));
    expect(got).toHaveLength(1);
  });

  it('when a client falls behind then snapshot events are skipped for it until it catches up, and order events never are', () => {
    const feed = testFeed();
    const sent: string[] = [];
    let behind = false;
    const endpoint: Endpoint = { send: (f) => sent.push((JSON.parse(f) as { event: string }).event), onMessage: () => () => undefined, onClose: () => () => undefined, close: () => undefined };
    serveEndpoint(endpoint, stubHandlers({}, []), feed, { congested: () => behind });
    const quote = { symbol: 'BTC/USDT', bid: '1', ask: '2', last: '1.5', ts: 0 } as unknown as Events['quote'];
    feed.push('quote', quote);
    behind = true;
    feed.push('quote', quote);
    feed.push('order.updated', ORDER);
    behind = false;
    feed.push('quote', quote);
    expect(sent).toEqual(['quote', 'order.updated', 'quote']);
    for (const e of CONFLATED_EVENTS) expect(['order.updated', 'order.denied', 'fill', 'risk.state', 'risk.flags', 'engine.alert', 'proposal.created', 'proposal.updated']).not.toContain(e);
  });

  it('when a connection closes then its server stops forwarding events and pending calls fail NOT_CONNECTED', async () => {
    const r = rig({ 'orders.list': () => new Promise(() => undefined) });
    expect(r.feed.count()).toBe(2);
    const pending = r.client.call('orders.list');
    r.client.close();
    expect((await rejection(pending)).code).toBe('NOT_CONNECTED');
    expect(r.feed.count()).toBe(1);
    expect((await rejection(r.client.call('session.info'))).code).toBe('NOT_CONNECTED');
  });

  it('when nobody answers then the call fails with TIMEOUT', async () => {
    const [, c] = createMemoryPair();
    const client = createClient(c, { timeoutMs: 20 });
    const err = await rejection(client.call('session.info'));
    expect(err.code).toBe('TIMEOUT');
    client.close();
  });

  it('when a replay seek runs past the default bound then it still waits for its reply, up to its own bound (issue 12)', async () => {
    vi.useFakeTimers();
    try {
      const [, c] = createMemoryPair();
      const client = createClient(c);
      const outcomes: string[] = [];
      client.call('session.info').catch((e: RpcError) => outcomes.push(`info ${e.code}`));
      client.call('replay.seek', { time: 1 }).catch((e: RpcError) => outcomes.push(`seek ${e.code}`));
      await vi.advanceTimersByTimeAsync(15_001);
      expect(outcomes).toEqual(['info TIMEOUT']);
      await vi.advanceTimersByTimeAsync(METHOD_TIMEOUT_MS['replay.seek'] ?? 0);
      expect(outcomes).toEqual(['info TIMEOUT', 'seek TIMEOUT']);
      client.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('serveEndpoint: null or missing params (issue 8, D4)', () => {
  it.each(['orders.cancelAll', 'risk.killSwitch', 'orders.list', 'orders.cancel'])('when %s is sent with params null or missing then BAD_REQUEST and the handler is not called', async (method) => {
    const r = rig({ 'orders.cancelAll': () => ({ cancelled: [] }) as never, 'risk.killSwitch': () => ({}) as never, 'orders.list': () => [] });
    const withNull = await r.send(JSON.stringify({ t: 'req', id: 31, method, params: null }));
    expect(withNull).toMatchObject({ id: 31, ok: false, error: { code: 'BAD_REQUEST', issues: [{ path: '(params)' }] } });
    const missing = await r.send(JSON.stringify({ t: 'req', id: 32, method }));
    expect(missing).toMatchObject({ id: 32, ok: false, error: { code: 'BAD_REQUEST' } });
    expect(r.calls).toEqual([]);
  });

  it('when a method without parameters is sent with params null then it still runs', async () => {
    const r = rig();
    const reply = await r.send(JSON.stringify({ t: 'req', id: 33, method: 'session.info', params: null }));
    expect(reply).toMatchObject({ id: 33, ok: true });
  });
});

describe('serveEndpoint: hostile frames are bounded (issue 8, D8 memory)', () => {
  it('when a frame nests deeper than the limit then BAD_FRAME without parsing it, and the server goes on', async () => {
    const r = rig();
    const deep = `{"t":"req","id":41,"method":"orders.place","params":{"symbol":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    expect(await r.send(deep)).toMatchObject({ ok: false, error: { code: 'BAD_FRAME', message: expect.stringMatching(/deeper than 32/) } });
    expect(await r.send(JSON.stringify({ t: 'req', id: 42, method: 'session.info', params: {} }))).toMatchObject({ id: 42, ok: true });
    expect(r.calls.map((c) => c.method)).toEqual(['session.info']);
  });

  it('when brackets sit inside strings then they do not count as depth', () => {
    expect(jsonDepthExceeds(JSON.stringify({ a: '['.repeat(1000), b: '\\"{{{{' }), 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[1]]]]', 3)).toBe(true);
  });

  it('when a frame is over the size limit then BAD_FRAME', async () => {
    const r = rig();
    const big = JSON.stringify({ t: 'req', id: 43, method: 'orders.place', params: { symbol: 'x'.repeat(MAX_FRAME_BYTES) } });
    expect(await r.send(big)).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
  });

  it('when params carry thousands of unknown keys then the BAD_REQUEST reply stays small', async () => {
    const r = rig();
    const params: Record<string, number> = { symbol: 1 };
    for (let i = 0; i < 20_000; i++) params[`k${i}`] = i;
    const reply = await r.send(JSON.stringify({ t: 'req', id: 44, method: 'orders.place', params }));
    expect(reply).toMatchObject({ id: 44, ok: false, error: { code: 'BAD_REQUEST' } });
    expect(JSON.stringify(reply).length).toBeLessThan(5_000);
  });
});
