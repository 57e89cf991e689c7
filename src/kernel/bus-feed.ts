import type { EventName, Events } from '../contract/api.ts';
import type { EventFeed } from '../contract/rpc.ts';
import type { EventBus } from '../core/event-bus.ts';

/**
 * The engine's event feed over its wire bus. A subscriber that names its events listens to those
 * alone, so the bus's `wants` stays false for the others and their DTOs are never built (an API
 * server whose clients follow only their orders does not value the account on every order).
 */
export function busFeed(bus: EventBus<Events & Record<string, unknown>>): EventFeed {
  return {
    subscribe(listener, events) {
      if (events === undefined) return bus.onAny((type, payload) => listener(type as EventName, payload as Events[EventName]));
      const offs = events.map((e) => bus.on(e, (payload) => listener(e, payload as Events[EventName])));
      return () => {
        for (const off of offs) off();
      };
    },
  };
}
