import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventName, Events, Handlers } from '../../../src/contract/api.ts';
import { createClient } from '../../../src/contract/rpc.ts';
import type { EventFeed } from '../../../src/contract/rpc.ts';
import { EventFanOut, parseEventFilter, textFrame } from '../../../src/host/event-fan-out.ts';
import type { FanOutMember } from '../../../src/host/event-fan-out.ts';
import { startServer } from '../../../src/host/server.ts';
import { connectWs } from '../../../src/host/ws-endpoint.ts';

type Listener = <E extends EventName>(event: E, data: Events[E]) => void;

/** A feed that records its subscriptions and lets the test publish. */
class FakeFeed implements EventFeed {
  subs: { listener: Listener; events: readonly EventName[] | undefined }[] = [];
  subscribe(listener: Listener, events?: readonly EventName[]): () => void {
    const s = { listener, events };
    this.subs.push(s);
    return () => (this.subs = this.subs.filter((x) => x !== s));
  }
  publish(event: EventName, data: unknown): void {
    for (const s of this.subs) if (s.events === undefined || s.events.includes(event)) s.listener(event, data as never);
  }
}

/** A socket stand-in: what was sent, as the bytes object handed over. */
function fakeWs(buffered = 0) {
  const sent: unknown[] = [];
  const ws = { readyState: WebSocket.OPEN, bufferedAmount: buffered, send: (b: unknown) => sent.push(b), terminate: () => undefined };
  return { ws: ws as unknown as WebSocket, sent };
}

const member = (ws: WebSocket, events: EventName[] | undefined): FanOutMember => ({ ws, events: events && new Set(events), maxBufferedBytes: 8 << 20, conflateAboveBytes: 1 << 20 });

describe('the server pushes events through one feed subscription', () => {
  it('when clients ask for different events then the feed is subscribed once to their union and a shared event is encoded once', () => {
    const feed = new FakeFeed();
    const fan = new EventFanOut(feed);
    const a = fakeWs();
    const b = fakeWs();
    fan.join(member(a.ws, ['order.updated', 'fill']));
    fan.join(member(b.ws, ['order.updated', 'quote']));
    expect(feed.subs).toHaveLength(1);
    expect([...feed.subs[0]!.events!].sort()).toEqual(['fill', 'order.updated', 'quote']);
    feed.publish('order.updated', { id: 'X' });
    feed.publish('quote', { symbol: 'SPY' });
    expect(a.sent).toHaveLength(1);
    expect(b.sent).toHaveLength(2);
    // The very same bytes went to both: serialised and encoded once.
    expect(a.sent[0]).toBe(b.sent[0]);
    expect(JSON.parse((a.sent[0] as Buffer).toString('utf8'))).toEqual({ t: 'evt', event: 'order.updated', data: { id: 'X' } });
  });

  it('when a client takes every event then the subscription is to all; when none wants any there is no subscription', () => {
    const feed = new FakeFeed();
    const fan = new EventFanOut(feed);
    const quiet = fan.join(member(fakeWs().ws, []));
    expect(feed.subs).toHaveLength(0);
    const all = fan.join(member(fakeWs().ws, undefined));
    expect(feed.subs).toHaveLength(1);
    expect(feed.subs[0]!.events).toBeUndefined();
    all();
    expect(feed.subs).toHaveLength(0);
    quiet();
    expect(feed.subs).toHaveLength(0);
  });

  it('when a client is behind then it skips snapshot events but still gets its order events', () => {
    const feed = new FakeFeed();
    const fan = new EventFanOut(feed);
    const slow = fakeWs(2 << 20);
    fan.join(member(slow.ws, undefined));
    feed.publish('book', { symbol: 'SPY' });
    feed.publish('order.updated', { id: 'X' });
    expect(slow.sent).toHaveLength(1);
  });

  it('when a slow client drains after skipping market events then it receives the newest of each stream once, after what it was sent', () => {
    const feed = new FakeFeed();
    const fan = new EventFanOut(feed);
    const slow = fakeWs(2 << 20);
    // The server's socket under the client: frames written to it, and its 'drain' once emptied.
    const socket = Object.assign(new EventEmitter(), { written: [] as Buffer[], write(b: Buffer) { this.written.push(b); return true; } });
    fan.join({ ...member(slow.ws, undefined), socket: socket as unknown as Duplex });
    feed.publish('book', { symbol: 'SPY', v: 1 });
    feed.publish('quote', { symbol: 'SPY', v: 1 });
    feed.publish('book', { symbol: 'QQQ', v: 1 });
    feed.publish('order.updated', { id: 'X' });
    feed.publish('book', { symbol: 'SPY', v: 2 });
    feed.publish('candle', { symbol: 'SPY', interval: '1m', v: 1 });
    feed.publish('candle', { symbol: 'SPY', interval: '1h', v: 1 });
    feed.publish('candle', { symbol: 'SPY', interval: '1m', v: 2 });
    const read = () => socket.written.map((b) => JSON.parse(b.subarray(2).toString('utf8')) as { event: string; data: unknown });
    expect(read()).toEqual([{ t: 'evt', event: 'order.updated', data: { id: 'X' } }]);
    // Still behind: a drain that leaves it over the limit sends nothing yet.
    socket.emit('drain');
    expect(read()).toHaveLength(1);
    (slow.ws as { bufferedAmount: number }).bufferedAmount = 0;
    socket.emit('drain');
    expect(read().slice(1)).toEqual([
      { t: 'evt', event: 'book', data: { symbol: 'SPY', v: 2 } },
      { t: 'evt', event: 'quote', data: { symbol: 'SPY', v: 1 } },
      { t: 'evt', event: 'book', data: { symbol: 'QQQ', v: 1 } },
      { t: 'evt', event: 'candle', data: { symbol: 'SPY', interval: '1m', v: 2 } },
      { t: 'evt', event: 'candle', data: { symbol: 'SPY', interval: '1h', v: 1 } },
    ]);
    // Sent once: a second drain has nothing left to send.
    socket.emit('drain');
    expect(read()).toHaveLength(6);
  });

  it('when a client that skipped market events catches up then the next event goes out after the newest of what it skipped', () => {
    const feed = new FakeFeed();
    const fan = new EventFanOut(feed);
    const slow = fakeWs(2 << 20);
    fan.join(member(slow.ws, undefined));
    feed.publish('quote', { symbol: 'SPY', v: 1 });
    feed.publish('quote', { symbol: 'SPY', v: 2 });
    (slow.ws as { bufferedAmount: number }).bufferedAmount = 0;
    feed.publish('trade', { symbol: 'SPY', v: 1 });
    expect(slow.sent.map((b) => JSON.parse((b as Buffer).toString('utf8')) as unknown)).toEqual([
      { t: 'evt', event: 'quote', data: { symbol: 'SPY', v: 2 } },
      { t: 'evt', event: 'trade', data: { symbol: 'SPY', v: 1 } },
    ]);
  });

  it('the events parameter: absent is all, empty is none, an unknown name is refused', () => {
    expect(parseEventFilter(null)).toBeUndefined();
    expect(parseEventFilter('')).toEqual(new Set());
    expect(parseEventFilter('order.updated, fill')).toEqual(new Set(['order.updated', 'fill']));
    expect(parseEventFilter('order.updated,orders.updated')).toBe('invalid');
  });

  it('when two WebSocket clients filter differently then each receives only what it asked for, and an unknown event name gets 400', async () => {
    const feed = new FakeFeed();
    const handlers = { 'session.info': () => ({}) } as unknown as Handlers;
    const server = await startServer({ handlers, feed, token: 't', port: 0, staticDir: mkdtempSync(join(tmpdir(), 'strata-fan-')) });
    try {
      const url = `ws://127.0.0.1:${server.port}/ws?token=t`;
      const orders = createClient(await connectWs(`${url}&events=order.updated`));
      const quotes = createClient(await connectWs(`${url}&events=quote`));
      const got: string[] = [];
      const orderSeen = new Promise<void>((r) => orders.on('order.updated', () => (got.push('orders:order.updated'), r())));
      orders.on('quote', () => got.push('orders:quote'));
      const quoteSeen = new Promise<void>((r) => quotes.on('quote', () => (got.push('quotes:quote'), r())));
      quotes.on('order.updated', () => got.push('quotes:order.updated'));
      feed.publish('quote', { symbol: 'SPY' });
      feed.publish('order.updated', { id: 'X' });
      await Promise.all([orderSeen, quoteSeen]);
      // A request after the events: its reply comes after them on each socket, so nothing else is in flight.
      await orders.call('session.info');
      await quotes.call('session.info');
      expect(got.sort()).toEqual(['orders:order.updated', 'quotes:quote']);
      orders.close();
      quotes.close();
      await expect(connectWs(`${url}&events=nope`)).rejects.toThrow(/400/);
    } finally {
      await server.close();
    }
  });

  it('when events of every frame-length class go out (7-bit, 16-bit and 64-bit lengths, multi-byte text) then a WebSocket client reads each, in order, between the replies', async () => {
    const feed = new FakeFeed();
    const handlers = { 'session.info': () => ({ n: 1 }) } as unknown as Handlers;
    const server = await startServer({ handlers, feed, token: 't', port: 0, staticDir: mkdtempSync(join(tmpdir(), 'strata-fan-')) });
    try {
      const client = createClient(await connectWs(`ws://127.0.0.1:${server.port}/ws?token=t&events=order.updated`));
      const sizes = [0, 1, 90, 125, 126, 300, 65_535, 65_536, 200_000];
      const got: string[] = [];
      const all = new Promise<void>((r) =>
        client.on('order.updated', (o) => {
          got.push((o as unknown as { id: string }).id);
          if (got.length === sizes.length) r();
        }),
      );
      await client.call('session.info');
      // 'é' is two bytes in UTF-8: the frame's length is in bytes, not characters.
      const sent = sizes.map((n, i) => `${i}:${'é'.repeat(n % 7)}${'x'.repeat(n)}`);
      for (const id of sent) feed.publish('order.updated', { id });
      await all;
      expect(got).toEqual(sent);
      expect(await client.call('session.info')).toEqual({ n: 1 });
      client.close();
    } finally {
      await server.close();
    }
  });

  it('textFrame puts the payload length in the header as RFC 6455 asks', () => {
    const head = (n: number) => [...textFrame('x'.repeat(n)).frame.subarray(0, textFrame('x'.repeat(n)).payloadAt)];
    expect(head(125)).toEqual([0x81, 125]);
    expect(head(126)).toEqual([0x81, 126, 0, 126]);
    expect(head(65_536)).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    const { frame, payloadAt } = textFrame('{"a":"é"}');
    expect(frame.length - payloadAt).toBe(10);
    expect(frame.subarray(payloadAt).toString('utf8')).toBe('{"a":"é"}');
  });
});

describe('backpressure: a producer waits for clients behind (issue 12)', () => {
  /** A client whose socket the test fills and drains. */
  function laggard(buffered: number) {
    const ws = Object.assign(new EventEmitter(), { readyState: WebSocket.OPEN as number, bufferedAmount: buffered, send: () => undefined, terminate: () => undefined });
    const socket = Object.assign(new EventEmitter(), { write: () => true });
    return { ws, socket, m: { ...member(ws as unknown as WebSocket, undefined), socket: socket as unknown as Duplex } };
  }

  it('when every client is within the bound then there is nothing to wait for; when one is behind then the wait ends once its socket drained under the bound, or it closed', async () => {
    const fan = new EventFanOut(new FakeFeed());
    const quick = laggard(10);
    const slow = laggard(600_000);
    fan.join(quick.m);
    expect(fan.behind(256 * 1024, 60_000)).toBeUndefined();
    fan.join(slow.m);
    const wait = fan.behind(256 * 1024, 60_000);
    expect(wait).toBeInstanceOf(Promise);
    let done = false;
    void wait?.then(() => (done = true));
    // A drain that leaves it over the bound: still waiting.
    slow.ws.bufferedAmount = 300_000;
    slow.socket.emit('drain');
    await Promise.resolve();
    expect(done).toBe(false);
    slow.ws.bufferedAmount = 0;
    slow.socket.emit('drain');
    await wait;
    expect(done).toBe(true);
    expect(slow.socket.listenerCount('drain')).toBe(1); // the fan-out's own (held events), not the wait's

    slow.ws.bufferedAmount = 600_000;
    const closing = fan.behind(256 * 1024, 60_000);
    slow.ws.readyState = WebSocket.CLOSED;
    slow.ws.emit('close');
    await closing;
  });
});
