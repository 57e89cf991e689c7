import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useStore } from '../state/index.ts';

/**
 * Time for views: one shared ticker per period (instead of an interval per component).
 * `useEngineNow` is the engine's clock — the wall clock plus the offset measured from session.info's
 * serverTime — which is what order, schedule and risk timestamps are in; when the engine pushes its
 * clock (replay, backtest) only `engineNow` changes. `useWallNow` is for local timers (reconnect
 * countdowns), which are in the browser's own clock.
 */

interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setInterval> | null;
}

const tickers = new Map<number, Ticker>();

export function engineNow(): number {
  return Date.now() + useStore.getState().clockOffset;
}

function ticker(periodMs: number): Ticker {
  let t = tickers.get(periodMs);
  if (!t) tickers.set(periodMs, (t = { now: Date.now(), listeners: new Set(), timer: null }));
  return t;
}

function subscribe(periodMs: number, cb: () => void): () => void {
  const t = ticker(periodMs);
  t.listeners.add(cb);
  if (t.timer === null) {
    t.now = Date.now();
    t.timer = setInterval(() => {
      t.now = Date.now();
      for (const l of t.listeners) l();
    }, periodMs);
  }
  return () => {
    t.listeners.delete(cb);
    if (t.listeners.size === 0 && t.timer !== null) {
      clearInterval(t.timer);
      t.timer = null;
    }
  };
}

const idle = (): (() => void) => () => {};

/** The ticker's time; a stopped ticker catches up once a period has passed (stable within one, as React requires). */
function snapshot(periodMs: number): number {
  const t = ticker(periodMs);
  if (t.timer === null && Date.now() - t.now >= periodMs) t.now = Date.now();
  return t.now;
}

/** Wall-clock ms, re-rendering every `periodMs` while `active` (inactive: the time of the last render). */
export function useWallNow(periodMs: number, active = true): number {
  const last = useRef(0);
  // A stable subscribe: a new one each render would resubscribe and restart the interval every render.
  const sub = useCallback((cb: () => void) => (active ? subscribe(periodMs, cb) : idle()), [periodMs, active]);
  const now = useSyncExternalStore(sub, () => (active || last.current === 0 ? snapshot(periodMs) : last.current));
  last.current = now;
  return now;
}

/** Engine-clock ms, re-rendering every `periodMs` while `active`. */
export function useEngineNow(periodMs: number, active = true): number {
  const offset = useStore((s) => s.clockOffset);
  return useWallNow(periodMs, active) + offset;
}
