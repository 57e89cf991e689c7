import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventName, Events, Handlers } from '../../../src/contract/api.ts';
import type { EventFeed } from '../../../src/contract/rpc.ts';
import { EngineSwitch } from '../../../src/host/engine-switch.ts';
import type { Engine } from '../../../src/kernel/engine.ts';

const TAPE = join(import.meta.dirname, '..', '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_trades_20191011-13.csv');

/**
 * The paper engine behind the switch, reduced to its feed: what the switch subscribes to (the
 * engine builds a DTO only for an event someone subscribed to), and a way to push an event.
 */
function fakePaper() {
  type Sub = { listener: Parameters<EventFeed['subscribe']>[0]; events: readonly EventName[] | undefined };
  const subs = new Set<Sub>();
  const feed: EventFeed = {
    subscribe(listener, events) {
      const s: Sub = { listener, events };
      subs.add(s);
      return () => subs.delete(s);
    },
  };
  const engine = { feed, handlers: {} as Handlers, start: async () => undefined, stop: async () => undefined } as unknown as Engine;
  return {
    engine,
    /** What the engine is asked for now: one entry per subscription, 'all' or the sorted names. */
    subscribed: () => [...subs].map((s) => (s.events === undefined ? 'all' : [...s.events].sort().join(','))),
    emit: <E extends EventName>(event: E, data: Events[E]) => {
      for (const s of subs) if (s.events === undefined || s.events.includes(event)) s.listener(event, data);
    },
  };
}

function recorder(sw: EngineSwitch, events?: EventName[]) {
  const got: EventName[] = [];
  const off = sw.feed.subscribe((e) => void got.push(e), events);
  return { got, off };
}

const FILL = { id: 'F1', symbol: 'XRP/ETH', price: 1 } as unknown as Events['fill'];
const QUOTE = { symbol: 'XRP/ETH' } as unknown as Events['quote'];

describe('EngineSwitch subscriptions to the paper engine', () => {
  it('when clients name their events then the paper engine is asked for their union only, each client gets only its own, and none is asked once all leave', async () => {
    const paper = fakePaper();
    const sw = new EngineSwitch({ paper: paper.engine, seed: 1 });
    try {
      expect(paper.subscribed()).toEqual([]);
      const orders = recorder(sw, ['order.updated', 'fill']);
      expect(paper.subscribed()).toEqual(['fill,order.updated']);
      const market = recorder(sw, ['quote']);
      expect(paper.subscribed()).toEqual(['fill,order.updated,quote']);
      paper.emit('fill', FILL);
      paper.emit('quote', QUOTE);
      expect(orders.got).toEqual(['fill']);
      expect(market.got).toEqual(['quote']);
      // A client that names nothing (the UI) takes everything: the engine is asked for all.
      const ui = recorder(sw);
      expect(paper.subscribed()).toEqual(['all']);
      ui.off();
      market.off();
      expect(paper.subscribed()).toEqual(['fill,order.updated']);
      orders.off();
      expect(paper.subscribed()).toEqual([]);
    } finally {
      await sw.close();
    }
  });

  it('when a replay holds the screen then the paper engine is not subscribed at all, and is again once it stops; the switch\u2019s own events are filtered too', async () => {
    const paper = fakePaper();
    const sw = new EngineSwitch({ paper: paper.engine, seed: 1 });
    try {
      const orders = recorder(sw, ['fill']);
      const replay = recorder(sw, ['replay.state']);
      await sw.handlers['replay.load']({ path: TAPE, speed: '1' });
      expect(paper.subscribed()).toEqual([]);
      expect(replay.got).toContain('replay.state');
      expect(orders.got).not.toContain('replay.state');
      await sw.handlers['replay.stop']({});
      expect(paper.subscribed()).toEqual(['fill,replay.state']);
      paper.emit('fill', FILL);
      expect(orders.got).toEqual(['fill']);
    } finally {
      await sw.close();
    }
  });

  it('when the host replaces the paper engine then the subscription moves to the new one', async () => {
    const first = fakePaper();
    const next = fakePaper();
    const sw = new EngineSwitch({ paper: first.engine, seed: 1 });
    try {
      const orders = recorder(sw, ['fill']);
      sw.replacePaper(next.engine);
      expect(first.subscribed()).toEqual([]);
      expect(next.subscribed()).toEqual(['fill']);
      next.emit('fill', FILL);
      expect(orders.got).toEqual(['fill']);
    } finally {
      await sw.close();
    }
  });
});
