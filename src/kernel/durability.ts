import type { EventName, Events } from '../contract/api.ts';
import type { EventFeed } from '../contract/rpc.ts';
import type { VenuePort } from '../core/ports.ts';
import type { RiskStorePort } from '../risk/ports.ts';
import type { Closable, CommitBarrier, L2Stores, Log } from './parts.ts';

/**
 * Durability levels (parts.durability), picked by the mode:
 * - `full`: the journal is SQLite and nothing reaches the venue before the write that describes it
 *   is durable. Off a wall clock every write is its own synchronous=FULL commit. On a wall clock,
 *   commits are grouped: the writes of one task form a batch, COMMITted under synchronous=NORMAL at
 *   its end, and the -wal file is then fdatasynced off the event loop; every order that arrives while
 *   that sync is in flight joins the next batch (one COMMIT and one sync for all of them). The venue
 *   hears of a batch's orders and cancels, and each request is answered, only when the sync covering
 *   its batch has returned, and so is every event pushed to the engine's subscribers (gateFeed): a
 *   crash between COMMIT and sync loses only what nobody was told of.
 * - `fast`: SQLite with synchronous=NORMAL, one commit per write: survives a crash of the process,
 *   not a power loss. For replays that should be resumable.
 * - `memory`: the in-memory stores (src/store/memory): nothing on disk. Backtests, `exec simulate`.
 */

/** The venue port with submit and cancel held until the journal has committed what they act on. */
export function gateVenue(venue: VenuePort, commits: CommitBarrier, log?: Log): VenuePort {
  const later = (what: string, fn: () => void) =>
    commits.afterCommit(() => {
      try {
        fn();
      } catch (err) {
        // Released after the placement returned: the venue's answer (or a reconcile) settles the order.
        log?.('error', `venue ${what} after commit failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  return {
    get name() {
      return venue.name;
    },
    submit: (req) => later(`submit ${req.clientOrderId}`, () => venue.submit(req)),
    cancel: (id, symbol) => later(`cancel ${id}`, () => venue.cancel(id, symbol)),
    fetchOrder: (id, symbol) => venue.fetchOrder(id, symbol),
    fetchFills: (id, symbol) => venue.fetchFills(id, symbol),
    onEvent: (l) => venue.onEvent(l),
    onMarket: (l) => venue.onMarket(l),
    book: (s) => venue.book(s),
    start: () => venue.start(),
    stop: () => venue.stop(),
  };
}

/**
 * The engine's event feed with each event held until the journal has made durable everything
 * journaled before it was published: a client is never told of an order (its NEW update, a fill)
 * that a crash could still take back, as it is never answered before that. Events keep their order:
 * one published while nothing is pending goes at once, and then nothing is held before it. Held
 * events leave together when their batch's sync returns, with the replies it releases, so a
 * server writes them to each socket in one go instead of once per request that caused them.
 */
export function gateFeed(feed: EventFeed, commits: CommitBarrier, log?: Log): EventFeed {
  return {
    subscribe(listener, events) {
      let live = true;
      const off = feed.subscribe(<E extends EventName>(event: E, data: Events[E]) => {
        commits.afterCommit(() => {
          if (!live) return;
          try {
            listener(event, data);
          } catch (err) {
            // Released among venue calls and replies that must still run.
            log?.('error', `event ${event} subscriber failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        });
      }, events);
      return () => {
        live = false;
        off();
      };
    },
  };
}

/**
 * L1's store shares the engine database with the journal but writes through its own connection:
 * an open journal batch holds the write lock, so the batch is committed before any risk write
 * (a halt or a limit change is rare and must not wait behind a busy timeout).
 */
export function guardRiskStore(store: RiskStorePort & Closable, commits: CommitBarrier): RiskStorePort & Closable {
  const flushed =
    <A extends unknown[], R>(fn: (...a: A) => R) =>
    (...a: A): R => {
      commits.flush();
      return fn(...a);
    };
  return {
    loadLimits: () => store.loadLimits(),
    commitLimitChanges: flushed((c, m) => store.commitLimitChanges(c, m)),
    limitAudit: (q) => store.limitAudit(q),
    appendStateTransition: flushed((t) => store.appendStateTransition(t)),
    stateLog: (l) => store.stateLog(l),
    lastStateTransition: () => store.lastStateTransition(),
    appendBreakerEvent: flushed((e) => store.appendBreakerEvent(e)),
    breakerLog: (l) => store.breakerLog(l),
    getMeta: (k) => store.getMeta(k),
    setMeta: flushed((k, v) => store.setMeta(k, v)),
    close: () => store.close(),
  };
}

/** L2's stores share the engine database too: like L1's, they commit an open journal batch before writing. */
export function guardL2Stores(stores: L2Stores, commits: CommitBarrier): L2Stores {
  const flushed =
    <A extends unknown[], R>(fn: (...a: A) => R) =>
    (...a: A): R => {
      commits.flush();
      return fn(...a);
    };
  const s = stores.signals;
  const a = stores.approvals;
  const p = stores.portfolio;
  return {
    ...(p ? { portfolio: { load: () => p.load(), save: flushed((v: unknown) => p.save(v)), lastRebalanceAt: () => p.lastRebalanceAt(), saveLastRebalanceAt: flushed((t: number) => p.saveLastRebalanceAt(t)) } } : {}),
    signals: {
      nextCycleSeq: () => s.nextCycleSeq(),
      appendCycle: flushed((c) => s.appendCycle(c)),
      signals: (q) => s.signals(q),
      cycles: (l) => s.cycles(l),
      lastCycle: () => s.lastCycle(),
      loadAlphaConfig: () => s.loadAlphaConfig(),
      saveAlphaConfig: flushed((c) => s.saveAlphaConfig(c)),
      close: () => s.close(),
    },
    approvals: {
      takeSeq: flushed(() => a.takeSeq()),
      save: flushed((p) => a.save(p)),
      get: (id) => a.get(id),
      list: (q) => a.list(q),
      pending: () => a.pending(),
      unlinked: () => a.unlinked(),
      loadPolicies: () => a.loadPolicies(),
      savePolicies: flushed((p) => a.savePolicies(p)),
      close: () => a.close(),
    },
  };
}
