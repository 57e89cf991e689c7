import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { EVENT_NAMES } from '../contract/api.ts';
import type { EventName } from '../contract/api.ts';
import { CONFLATED_EVENTS } from '../contract/rpc.ts';
import type { EventFeed } from '../contract/rpc.ts';

/** A connection's share of the pushed events. */
export interface FanOutMember {
  ws: WebSocket;
  /** The events this client asked for (`?events=`); undefined: all of them. */
  events: ReadonlySet<EventName> | undefined;
  /** Beyond this many bytes queued the client is cut off rather than buffered without bound. */
  maxBufferedBytes: number;
  /** Beyond this many bytes queued it skips snapshot events (CONFLATED_EVENTS) until it catches up. */
  conflateAboveBytes: number;
  /** Called before each frame is written (the server batches a tick's frames per socket). */
  beforeSend?: () => void;
  /**
   * The connection's socket under `ws` (server side, no extension negotiated): when given, an event
   * is written to it as a WebSocket text frame built once for every client, instead of ws framing
   * the same bytes again for each (a header and two writes per client per event).
   */
  socket?: Duplex;
}

/**
 * One unmasked, final WebSocket text frame around `json` (RFC 6455 section 5.2), as ws's sender
 * writes it for a server without extensions. Returns the frame and where the payload starts.
 */
export function textFrame(json: string): { frame: Buffer; payloadAt: number } {
  const n = Buffer.byteLength(json);
  const payloadAt = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(payloadAt + n);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (n < 126) frame[1] = n;
  else if (n < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    frame.writeUInt32BE(n >>> 0, 6);
  }
  frame.write(json, payloadAt, 'utf8');
  return { frame, payloadAt };
}

const KNOWN_EVENTS: ReadonlySet<string> = new Set(EVENT_NAMES);

/**
 * The `events` query parameter of the WebSocket URL: a comma-separated list of event names the
 * client wants pushed (`events=order.updated,fill`), an empty value for none (a client that only
 * calls methods), absent for all. An unknown name is refused, so a typo does not silently starve
 * a client of the events it meant.
 */
export function parseEventFilter(param: string | null): ReadonlySet<EventName> | undefined | 'invalid' {
  if (param === null) return undefined;
  const names = param
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  for (const n of names) if (!KNOWN_EVENTS.has(n)) return 'invalid';
  return new Set(names as EventName[]);
}

/**
 * One subscription to the engine's feed for the whole server, and each pushed event serialised and
 * UTF-8 encoded once for every client that wants it. With a subscription per connection, a burst
 * from four clients serialised every order update four times and encoded it four more. The
 * subscription names the events the clients asked for (all of them if one client did not filter):
 * the engine builds no DTO for an event nobody wants (its bus asks before building one).
 */
export class EventFanOut {
  /** Each member with the snapshot events it skipped while behind, newest per key (heldKey). */
  private readonly members = new Map<FanOutMember, Map<string, [EventName, unknown]>>();
  private off: (() => void) | undefined;
  /** The subscription's events: '*' for all, '' for none (no subscription), else sorted names. */
  private key = '';
  private readonly feed: EventFeed;

  constructor(feed: EventFeed) {
    this.feed = feed;
  }

  /** Adds a connection; returns its leave(). */
  join(m: FanOutMember): () => void {
    const held = new Map<string, [EventName, unknown]>();
    this.members.set(m, held);
    // A client that catches up while the market is quiet (a paused replay) gets what it skipped
    // once its socket has drained, not at the next event, which may never come.
    const onDrain = () => this.sendHeld(m, held);
    m.socket?.on('drain', onDrain);
    this.resubscribe();
    return () => {
      m.socket?.off('drain', onDrain);
      this.members.delete(m);
      this.resubscribe();
    };
  }

  close(): void {
    this.members.clear();
    this.resubscribe();
  }

  /**
   * Undefined while every client is within `bytes` of its socket; else a promise that settles once
   * each one behind has drained to within `bytes` (or closed), or after `maxWaitMs`. A producer that
   * can run ahead of the clients (a max-speed replay) waits on it before its next step, so it makes
   * no more than the slowest screen takes in; the bound keeps a frozen client from stalling it for
   * good (that one is conflated, then cut, as before).
   */
  behind(bytes: number, maxWaitMs: number): Promise<void> | undefined {
    const late = [...this.members.keys()].filter((m) => m.socket !== undefined && m.ws.readyState === WebSocket.OPEN && m.ws.bufferedAmount > bytes);
    if (late.length === 0) return undefined;
    return new Promise<void>((resolve) => {
      const check = () => {
        if (late.some((m) => m.ws.readyState === WebSocket.OPEN && m.ws.bufferedAmount > bytes)) return;
        done();
      };
      const timer = setTimeout(() => done(), maxWaitMs);
      const done = () => {
        clearTimeout(timer);
        for (const m of late) {
          m.socket?.off('drain', check);
          m.ws.off('close', check);
        }
        resolve();
      };
      for (const m of late) {
        m.socket?.on('drain', check);
        m.ws.on('close', check);
      }
    });
  }

  /**
   * Subscribes to the union of what the members want: everything if one wants everything, nothing
   * if none wants anything. Renewed only when that union changes.
   */
  private resubscribe(): void {
    let all = false;
    const union = new Set<EventName>();
    for (const m of this.members.keys()) {
      if (m.events === undefined) all = true;
      else for (const e of m.events) union.add(e);
    }
    const key = all ? '*' : [...union].sort().join(',');
    if (key === this.key) return;
    this.off?.();
    this.off = undefined;
    this.key = key;
    if (key === '') return;
    const push = (event: EventName, data: unknown) => this.push(event, data);
    this.off = all ? this.feed.subscribe(push) : this.feed.subscribe(push, [...union]);
  }

  private push(event: EventName, data: unknown): void {
    let framed: { frame: Buffer; payloadAt: number } | undefined;
    let bytes: Buffer | undefined;
    const conflated = CONFLATED_EVENTS.has(event);
    for (const [m, held] of this.members) {
      if (m.events !== undefined && !m.events.has(event)) continue;
      const ws = m.ws;
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (conflated && ws.bufferedAmount > m.conflateAboveBytes) {
        // Skipped while behind, but not lost: the newest of each stream is kept and sent once the
        // client catches up, so every screen converges on the engine's current market.
        held.set(heldKey(event, data), [event, data]);
        continue;
      }
      if (ws.bufferedAmount > m.maxBufferedBytes) {
        ws.terminate();
        continue;
      }
      if (held.size > 0) this.sendHeld(m, held);
      framed ??= textFrame(JSON.stringify({ t: 'evt', event, data }));
      m.beforeSend?.();
      if (m.socket !== undefined) {
        m.socket.write(framed.frame);
        continue;
      }
      // A text frame from bytes already encoded: ws would otherwise encode the string per client.
      bytes ??= framed.frame.subarray(framed.payloadAt);
      ws.send(bytes, { binary: false });
    }
  }

  /** Sends what `m` skipped while behind (oldest first), once it no longer is. */
  private sendHeld(m: FanOutMember, held: Map<string, [EventName, unknown]>): void {
    if (held.size === 0 || m.ws.readyState !== WebSocket.OPEN || m.ws.bufferedAmount > m.conflateAboveBytes) return;
    const events = [...held.values()];
    held.clear();
    for (const [event, data] of events) {
      const { frame, payloadAt } = textFrame(JSON.stringify({ t: 'evt', event, data }));
      m.beforeSend?.();
      if (m.socket !== undefined) m.socket.write(frame);
      else m.ws.send(frame.subarray(payloadAt), { binary: false });
    }
  }
}

/**
 * Which earlier snapshot event a newer one replaces: the same event for the same symbol (and
 * candle interval); the clock, the account and the risk metrics have one stream each.
 */
export function heldKey(event: EventName, data: unknown): string {
  const d = data as { symbol?: unknown; interval?: unknown } | null;
  const symbol = typeof d?.symbol === 'string' ? d.symbol : '';
  const interval = typeof d?.interval === 'string' ? d.interval : '';
  return `${event}\u0000${symbol}\u0000${interval}`;
}
