import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/core/event-bus.ts';

type Ev = { a: number; b: string; c: null };

describe('EventBus', () => {
  it('when an event is published then every handler of that type gets it in subscription order, then onAny', () => {
    const bus = new EventBus<Ev>();
    const seen: string[] = [];
    bus.on('a', (n) => seen.push(`h1:${n}`));
    bus.on('b', (s) => seen.push(`b:${s}`));
    bus.on('a', (n) => seen.push(`h2:${n}`));
    bus.onAny((t, p) => seen.push(`any:${String(t)}:${String(p)}`));
    bus.publish('a', 1);
    expect(seen).toEqual(['h1:1', 'h2:1', 'any:a:1']);
  });

  it('when handlers publish during dispatch then those events are queued and delivered after, FIFO', () => {
    const bus = new EventBus<Ev>();
    const seen: string[] = [];
    bus.on('a', (n) => {
      seen.push(`a${n}:start`);
      if (n === 1) {
        bus.publish('b', 'x');
        bus.publish('a', 2);
        bus.publish('b', 'y');
      }
      seen.push(`a${n}:end`);
    });
    bus.on('a', (n) => seen.push(`a${n}:second-handler`));
    bus.on('b', (s) => {
      seen.push(`b${s}`);
      if (s === 'x') bus.publish('c', null);
    });
    bus.on('c', () => seen.push('c'));
    bus.publish('a', 1);
    expect(seen).toEqual(['a1:start', 'a1:end', 'a1:second-handler', 'bx', 'a2:start', 'a2:end', 'a2:second-handler', 'by', 'c']);
  });

  it('when a deep chain of events publishes the next one then the stack stays flat and all are delivered in order', () => {
    const bus = new EventBus<Ev>();
    const seen: number[] = [];
    bus.on('a', (n) => {
      seen.push(n);
      if (n < 100_000) bus.publish('a', n + 1);
    });
    bus.publish('a', 1);
    expect(seen).toHaveLength(100_000);
    expect(seen[99_999]).toBe(100_000);
  });

  it('when a handler throws then onError gets the error and the type, and the other handlers and queued events still run', () => {
    const bus = new EventBus<Ev>();
    const errors: [unknown, string][] = [];
    bus.onError = (err, type) => errors.push([err, String(type)]);
    const seen: string[] = [];
    const boom = new Error('boom');
    bus.on('a', () => {
      bus.publish('b', 'queued');
      throw boom;
    });
    bus.on('a', (n) => seen.push(`after:${n}`));
    bus.onAny((t) => {
      if (t === 'b') throw new Error('any failed');
      seen.push(`any:${String(t)}`);
    });
    bus.on('b', (s) => seen.push(`b:${s}`));
    bus.publish('a', 7);
    expect(seen).toEqual(['after:7', 'any:a', 'b:queued']);
    expect(errors.map(([e, t]) => [(e as Error).message, t])).toEqual([
      ['boom', 'a'],
      ['any failed', 'b'],
    ]);
    // The bus is usable afterwards.
    bus.publish('c', null);
    expect(seen.at(-1)).toBe('any:c');
  });

  it('when onError itself throws (the default) then publish throws but the bus recovers for the next publish', () => {
    const bus = new EventBus<Ev>();
    let fail = true;
    const seen: number[] = [];
    bus.on('a', (n) => {
      if (fail) throw new Error('first');
      seen.push(n);
    });
    expect(() => bus.publish('a', 1)).toThrow('first');
    fail = false;
    bus.publish('a', 2);
    expect(seen).toEqual([2]);
  });

  it('when unsubscribed then a handler gets nothing more, also when it unsubscribes during dispatch', () => {
    const bus = new EventBus<Ev>();
    const seen: string[] = [];
    const off1 = bus.on('a', (n) => {
      seen.push(`one:${n}`);
      off1();
    });
    bus.on('a', (n) => seen.push(`two:${n}`));
    const offAny = bus.onAny((t, p) => seen.push(`any:${String(t)}:${String(p)}`));
    bus.publish('a', 1);
    offAny();
    bus.publish('a', 2);
    expect(seen).toEqual(['one:1', 'two:1', 'any:a:1', 'two:2']);
  });

  it('when nobody listens to a type then wants() is false, so a producer builds no payload; a catch-all listener wants every type', () => {
    const bus = new EventBus<Ev>();
    expect(bus.wants('a')).toBe(false);
    const off = bus.on('a', () => undefined);
    expect(bus.wants('a')).toBe(true);
    expect(bus.wants('b')).toBe(false);
    off();
    expect(bus.wants('a')).toBe(false);
    const offAny = bus.onAny(() => undefined);
    expect(bus.wants('b')).toBe(true);
    offAny();
    expect(bus.wants('b')).toBe(false);
  });
});
