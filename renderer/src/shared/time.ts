import { useCallback, useRef, useSyncExternalStore } from 'react';
import { engineTickMs, engineTime, interpolateClock, useStore } from '../state/index.ts';

/**
 * Time for views: one shared ticker per period (instead of an interval per component).
 * `useEngineNow` is the engine's clock — interpolated from the last `clock` the engine pushed
 * (state/clock.ts: its time, speed and pause) — which is what order, schedule and risk timestamps
 * are in, so a replay or a backtest shows its own time. `useWallNow` is only for local timers
 * (reconnect countdowns), which are in the browser's own clock.
 */

interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setInterval> | null;
}

const tickers = new Map<number, Ticker>();

/** Engine time now, outside React. */
export function engineNow(): number {
  return engineTime();
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

/**
 * Engine-clock ms, re-rendering every `periodMs` of wall time while `active` and on every pushed
 * clock. A replay sped up shows its seconds pass at its own pace (engineTickMs); a paused one, or a
 * backtest running flat out, stands still between pushes.
 */
export function useEngineNow(periodMs: number, active = true): number {
  const clock = useStore((s) => s.clock);
  const clockAt = useStore((s) => s.clockAt);
  const period = engineTickMs(clock, periodMs);
  const wall = useWallNow(period ?? periodMs, active && period !== null);
  return interpolateClock(clock, clockAt, wall);
}
