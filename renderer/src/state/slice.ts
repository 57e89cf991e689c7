import type { Client, EventName, Events } from '../../../src/contract/index.ts';

/** A pushed event's handler, typed by the contract's event map. */
export type EventHandlers = { [E in EventName]?: (data: Events[E]) => void };

/**
 * What a domain slice plugs into the registry: the events it handles, what it loads when a
 * connection opens, and what it forgets when the engine behind the connection is a new run.
 */
export interface SliceDef {
  name: string;
  events?: EventHandlers;
  /** Loads this slice's snapshots for a new connection; `current()` turns false if it dropped meanwhile. */
  load?(c: Client, current: () => boolean): Promise<void>;
  /** Loaded after every other slice's snapshot (market data, the bulkiest). */
  late?: boolean;
  /** A different engine run: drop what was known about the old one. */
  reset?(): void;
}

type Row<T> = T extends readonly (infer U)[] ? U : T;

/**
 * The fields each event cannot do without, named by the contract's own types (a renamed field fails
 * to compile here). A payload missing one is dropped instead of reaching the store: a malformed
 * push must not break the terminal. Events not listed only need to be JSON objects.
 */
export const PAYLOAD_KEYS: { [E in EventName]?: readonly (keyof Row<Events[E]>)[] } = {
  clock: ['serverTime'],
  quote: ['symbol'],
  book: ['symbol', 'bids', 'asks'],
  trade: ['symbol', 'price', 'id'],
  candle: ['symbol', 'time', 'close'],
  'order.updated': ['id', 'symbol', 'status'],
  'order.denied': ['id', 'symbol', 'status'],
  fill: ['id', 'symbol', 'price'],
  'position.updated': ['symbol'],
  'account.updated': ['equity'],
  tca: ['orderId', 'shortfallBps'],
  'risk.state': ['mode'],
  'risk.breaker': ['breaker', 'type', 'at'],
  'risk.flags': ['code', 'severity'],
  'risk.metrics': ['ts', 'nav', 'exposures', 'var'],
  'risk.limits': ['limits'],
  'risk.usage': ['at', 'limits', 'status'],
  'engine.alert': ['code', 'message'],
  'signal.generated': ['id', 'at', 'signals'],
  'portfolio.configured': ['method', 'constraints', 'rebalance'],
  'proposal.created': ['id', 'status', 'symbol', 'updatedAt'],
  'proposal.updated': ['id', 'status', 'symbol', 'updatedAt'],
  'venue.reconciled': ['id', 'items'],
  'venue.info': ['kind', 'mode'],
  'replay.state': ['loaded', 'position', 'generation'],
  'backtest.progress': ['jobId', 'status'],
};

/** A JSON object carrying every one of `keys` (not null). */
export function hasKeys<T>(x: unknown, keys: readonly (keyof T)[] | undefined): x is T {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const o = x as Record<PropertyKey, unknown>;
  return (keys ?? []).every((k) => o[k] !== undefined && o[k] !== null);
}

/** Events whose payload the contract types as a list; the type makes this table exhaustive. */
type ListEvent = { [E in EventName]: Events[E] extends readonly unknown[] ? E : never }[EventName];
const LIST_EVENTS: Record<ListEvent, true> = { 'risk.flags': true };

function isListEvent(event: EventName): boolean {
  return Object.prototype.hasOwnProperty.call(LIST_EVENTS, event);
}

/** The payload of `event` if it has the contract's shape (lists: the elements that do), else null. */
export function conform<E extends EventName>(event: E, data: unknown): Events[E] | null {
  const keys = PAYLOAD_KEYS[event] as readonly PropertyKey[] | undefined;
  if (isListEvent(event)) return Array.isArray(data) ? (data.filter((x) => hasKeys<Record<PropertyKey, unknown>>(x, keys)) as unknown as Events[E]) : null;
  return hasKeys<Record<PropertyKey, unknown>>(data, keys) ? (data as unknown as Events[E]) : null;
}

/** The elements of a snapshot list shaped like `event`'s payload (a list reply uses the event's row type). */
export function conformList<E extends EventName>(event: E, list: unknown): Row<Events[E]>[] {
  const keys = PAYLOAD_KEYS[event] as readonly PropertyKey[] | undefined;
  return Array.isArray(list) ? (list.filter((x) => hasKeys<Record<PropertyKey, unknown>>(x, keys)) as Row<Events[E]>[]) : [];
}
