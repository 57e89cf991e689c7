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
 * subscription exists only while some client wants events: without one, the engine builds no event
 * DTOs at all (its bus asks whether anyone listens before building them).
 */
export class EventFanOut {
  private readonly members = new Set<FanOutMember>();
  private off: (() => void) | undefined;
  private readonly feed: EventFeed;

  constructor(feed: EventFeed) {
    this.feed = feed;
  }

  /** Adds a connection; returns its leave(). */
  join(m: FanOutMember): () => void {
    this.members.add(m);
    this.resubscribe();
    return () => {
      this.members.delete(m);
      this.resubscribe();
    };
  }

  close(): void {
    this.members.clear();
    this.resubscribe();
  }

  private resubscribe(): void {
    let wanted = false;
    for (const m of this.members) if (m.events === undefined || m.events.size > 0) wanted = true;
    if (wanted && !this.off) this.off = this.feed.subscribe((event, data) => this.push(event, data));
    else if (!wanted && this.off) {
      this.off();
      this.off = undefined;
    }
  }

  private push(event: EventName, data: unknown): void {
    let bytes: Buffer | undefined;
    const conflated = CONFLATED_EVENTS.has(event);
    for (const m of this.members) {
      if (m.events !== undefined && !m.events.has(event)) continue;
      const ws = m.ws;
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (conflated && ws.bufferedAmount > m.conflateAboveBytes) continue;
      if (ws.bufferedAmount > m.maxBufferedBytes) {
        ws.terminate();
        continue;
      }
      bytes ??= Buffer.from(JSON.stringify({ t: 'evt', event, data }));
      // A text frame from bytes already encoded: ws would otherwise encode the string per client.
      m.beforeSend?.();
      ws.send(bytes, { binary: false });
    }
  }
}
