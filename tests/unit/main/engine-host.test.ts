import { describe, expect, it, vi } from 'vitest';
import { createClient, createMemoryPair, RpcError } from '../../../src/contract/index.ts';
import type { Endpoint, EventFeed, Handlers, SessionDto } from '../../../src/contract/index.ts';
import { engineOptionsFrom, portEndpoint, runEngineHost } from '../../../main/engine-host.ts';
import type { EngineLike, ParentPortLike, PortLike } from '../../../main/engine-host.ts';
import type { FromEngine } from '../../../main/messages.ts';

/** A MessagePortMain stand-in whose channel is one end of the contract's in-memory pair. */
function portOver(endpoint: Endpoint): PortLike & { started: boolean } {
  const port = {
    started: false,
    postMessage: (m: unknown) => endpoint.send(m as string),
    start: () => {
      port.started = true;
    },
    close: () => endpoint.close(),
    on: (event: 'message' | 'close', listener: ((e: { data: unknown }) => void) | (() => void)) => {
      if (event === 'message') endpoint.onMessage((frame) => (listener as (e: { data: unknown }) => void)({ data: frame }));
      else endpoint.onClose(listener as () => void);
      return port;
    },
  };
  return port;
}

class FakeParent implements ParentPortLike {
  posted: FromEngine[] = [];
  private listener: ((e: { data: unknown; ports: readonly PortLike[] }) => void) | null = null;
  on(_event: 'message', listener: (e: { data: unknown; ports: readonly PortLike[] }) => void): this {
    this.listener = listener;
    return this;
  }
  postMessage(message: FromEngine): void {
    this.posted.push(message);
  }
  deliver(data: unknown, ports: readonly PortLike[] = []): void {
    this.listener?.({ data, ports });
  }
  get listening(): boolean {
    return this.listener !== null;
  }
}

const session = { version: 'test', mode: 'paper', venue: 'sim', startedAt: 1, serverTime: 2, currency: 'USD', instruments: [], limits: {} } as unknown as SessionDto;

function fakeEngine(overrides: Partial<EngineLike> = {}): EngineLike & { emit(event: 'quote', data: unknown): void } {
  const listeners = new Set<(event: never, data: never) => void>();
  const feed: EventFeed = {
    subscribe(l) {
      listeners.add(l as (event: never, data: never) => void);
      return () => listeners.delete(l as (event: never, data: never) => void);
    },
  };
  const handlers = { 'session.info': () => session } as unknown as Handlers;
  return {
    handlers,
    feed,
    start: vi.fn(async () => {}),
    stop: vi.fn(async () => {}),
    emit(event, data) {
      for (const l of listeners) (l as (e: string, d: unknown) => void)(event, data);
    },
    ...overrides,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('engineOptionsFrom', () => {
  it('when argv has a data dir and a seed then both reach the engine', () => {
    expect(engineOptionsFrom(['--data-dir', '/d', '--seed', '7'], {})).toEqual({ dataDir: '/d', seed: 7 });
  });
  it('when argv has no data dir then STRATA_DATA_DIR is used, and none at all is null', () => {
    expect(engineOptionsFrom([], { STRATA_DATA_DIR: '/env' })).toEqual({ dataDir: '/env' });
    expect(engineOptionsFrom([], {})).toBeNull();
  });
});

describe('portEndpoint', () => {
  it('when the port delivers non-string data then the endpoint drops it', async () => {
    const [a, b] = createMemoryPair();
    const port = portOver(a);
    const ep = portEndpoint(port);
    expect(port.started).toBe(true);
    const got: string[] = [];
    ep.onMessage((f) => got.push(f));
    b.send('{"t":"req"}');
    (b.send as (x: unknown) => void)(42);
    await settle();
    expect(got).toEqual(['{"t":"req"}']);
  });
});

describe('runEngineHost', () => {
  it('when started then it reports ready and serves the contract on each port main sends', async () => {
    const parent = new FakeParent();
    const engine = fakeEngine();
    const host = await runEngineHost({ parent, engine, pid: 4242, exit: vi.fn(), log: vi.fn() });
    expect(engine.start).toHaveBeenCalledOnce();
    expect(parent.posted).toEqual([{ type: 'strata:ready', pid: 4242 }]);

    const [rendererEnd, engineEnd] = createMemoryPair();
    parent.deliver({ type: 'strata:connect' }, [portOver(engineEnd)]);
    expect(host.clients).toBe(1);

    const client = createClient(rendererEnd, { timeoutMs: 1000 });
    await expect(client.call('session.info')).resolves.toEqual(session);
    await expect(client.call('orders.cancel', { orderId: '' })).rejects.toBeInstanceOf(RpcError);

    const quotes: unknown[] = [];
    client.on('quote', (q) => quotes.push(q));
    engine.emit('quote', { symbol: 'BTC-USD' });
    await settle();
    expect(quotes).toEqual([{ symbol: 'BTC-USD' }]);

    rendererEnd.close();
    await settle();
    expect(host.clients).toBe(0);
  });

  it('when the engine is still starting then no port is taken until it is up', async () => {
    const parent = new FakeParent();
    let finish = () => {};
    const engine = fakeEngine({ start: () => new Promise<void>((r) => (finish = r)) });
    const running = runEngineHost({ parent, engine, pid: 1, exit: vi.fn(), log: vi.fn() });
    await settle();
    expect(parent.listening).toBe(false);
    finish();
    await running;
    expect(parent.listening).toBe(true);
  });

  it('when the engine fails to start then main hears why and the process exits 1', async () => {
    const parent = new FakeParent();
    const exit = vi.fn();
    const engine = fakeEngine({ start: () => Promise.reject(new Error('database is locked')) });
    await runEngineHost({ parent, engine, pid: 1, exit, log: vi.fn() });
    expect(parent.posted).toEqual([{ type: 'strata:fatal', message: 'database is locked' }]);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('when main asks it to stop then clients are closed, the engine stops and the process exits 0', async () => {
    const parent = new FakeParent();
    const exit = vi.fn();
    const engine = fakeEngine();
    const host = await runEngineHost({ parent, engine, pid: 1, exit, log: vi.fn() });
    const [rendererEnd, engineEnd] = createMemoryPair();
    const closed = vi.fn();
    rendererEnd.onClose(closed);
    parent.deliver({ type: 'strata:connect' }, [portOver(engineEnd)]);
    parent.deliver({ type: 'strata:stop' });
    await host.shutdown(0); // same promise as the one the stop message started
    await settle();
    expect(engine.stop).toHaveBeenCalledOnce();
    expect(exit).toHaveBeenCalledWith(0);
    expect(closed).toHaveBeenCalled();
    // After stopping, new ports are ignored.
    parent.deliver({ type: 'strata:connect' }, [portOver(createMemoryPair()[1])]);
    expect(host.clients).toBe(0);
  });

  it('when a message is not one of ours or has no port then it is ignored', async () => {
    const parent = new FakeParent();
    const host = await runEngineHost({ parent, engine: fakeEngine(), pid: 1, exit: vi.fn(), log: vi.fn() });
    parent.deliver({ type: 'strata:connect' }, []);
    parent.deliver('strata:stop');
    parent.deliver({ type: 'other' }, [portOver(createMemoryPair()[1])]);
    expect(host.clients).toBe(0);
  });
});
