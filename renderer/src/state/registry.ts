import type { Client, EventName, Events } from '../../../src/contract/index.ts';
import { accountSlice } from './account.ts';
import { approvalsSlice } from './approvals.ts';
import { isCurrent, setClient } from './client.ts';
import { applySession, marketSlice } from './market.ts';
import { ordersSlice } from './orders.ts';
import { portfolioSlice } from './portfolio.ts';
import { riskSlice } from './risk.ts';
import { signalsSlice } from './signals.ts';
import { conform } from './slice.ts';
import type { SliceDef } from './slice.ts';
import { get, set } from './store.ts';
import { settle, toastsSlice } from './toasts.ts';

/**
 * The one place slices are plugged in. A new pushed event is one entry in its slice's `events`; a new
 * slice is one line here (and its type in store.ts).
 */
export const SLICES: readonly SliceDef[] = [marketSlice, ordersSlice, accountSlice, riskSlice, toastsSlice, signalsSlice, portfolioSlice, approvalsSlice];

let unsubs: (() => void)[] = [];

function listen<E extends EventName>(c: Client, event: E, handlers: ((d: Events[E]) => void)[]): void {
  unsubs.push(
    c.on(event, (raw) => {
      // The contract's types say what arrives; a payload without its key fields is dropped, not applied.
      const d = conform(event, raw);
      if (d === null) return;
      for (const fn of handlers) {
        try {
          fn(d);
        } catch (err) {
          console.error(`strata: handling ${event} failed`, err);
        }
      }
    }),
  );
}

/** Every slice's handlers, grouped by event. */
function handlersByEvent(): Map<EventName, ((d: never) => void)[]> {
  const by = new Map<EventName, ((d: never) => void)[]>();
  for (const s of SLICES) {
    for (const [event, fn] of Object.entries(s.events ?? {}) as [EventName, (d: never) => void][]) {
      let list = by.get(event);
      if (!list) by.set(event, (list = []));
      list.push(fn);
    }
  }
  return by;
}

export function attach(c: Client): void {
  detach();
  setClient(c);
  for (const [event, handlers] of handlersByEvent()) listen(c, event, handlers as ((d: Events[typeof event]) => void)[]);
  set((s) => ({ epoch: s.epoch + 1, loading: true }));
  void loadSnapshots(c);
}

export function detach(): void {
  for (const u of unsubs) u();
  unsubs = [];
  setClient(null);
}

async function loadSnapshots(c: Client): Promise<void> {
  const current = (): boolean => isCurrent(c);
  const session = await settle(c.call('session.info', {}), 'session');
  if (!current()) return;
  if (!session) {
    set({ loading: false });
    return;
  }
  const prev = get().session;
  // A different engine run: drop what we knew about the old one.
  if (prev && prev.startedAt !== session.startedAt) for (const s of SLICES) s.reset?.();
  applySession(session);
  await Promise.all(SLICES.filter((s) => !s.late).map((s) => s.load?.(c, current)));
  if (!current()) return;
  await Promise.all(SLICES.filter((s) => s.late).map((s) => s.load?.(c, current)));
  if (current()) set({ loading: false });
}
