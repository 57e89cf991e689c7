import type { ClockDto, SessionDto } from '../../../src/contract/index.ts';
import type { SliceDef } from './slice.ts';
import { get, set } from './store.ts';

/**
 * The engine's clock: the last ClockDto the engine pushed (or session.info carried), and the wall
 * time it arrived. Views show engine time — a replay at 10× or a paused one shows its own time —
 * by interpolating from it (shared/time.ts: engineNow, useEngineNow); nothing in a view reads the
 * browser's clock for a time it displays.
 */
export interface ClockSlice {
  clock: ClockDto | null;
  /** Wall-clock ms (this browser's) when `clock` arrived. */
  clockAt: number;
}

export function clockInitial(): ClockSlice {
  return { clock: null, clockAt: 0 };
}

/**
 * Engine time at wall time `wallNow`: the last clock plus the wall time since it arrived times its
 * speed; frozen while paused or when the engine runs as fast as it can (speed null). Before any
 * clock, the wall clock itself (nothing better is known).
 */
export function interpolateClock(clock: ClockDto | null, clockAt: number, wallNow: number): number {
  if (!clock) return wallNow;
  if (clock.paused || clock.speed === null) return clock.serverTime;
  return clock.serverTime + Math.max(0, wallNow - clockAt) * clock.speed;
}

/**
 * How often (wall ms) a view showing engine time to `periodMs` should re-render: faster as a replay
 * speeds up (a 1 s display at 10× every 100 ms, never below 100 ms); null while the engine time
 * stands still (paused, or a backtest whose time only moves by pushes). Before any clock: periodMs.
 */
export function engineTickMs(clock: ClockDto | null, periodMs: number): number | null {
  if (!clock) return periodMs;
  if (clock.paused || clock.speed === null) return null;
  return Math.max(100, Math.round(periodMs / Math.max(1, clock.speed)));
}

/**
 * How far (engine ms) a pushed time may be from the interpolated one before the base is replaced.
 * A push that agrees (same pace, within this) keeps the stored object, so views reading the clock do
 * not re-render once a second for nothing; their own ticker moves the time they show.
 */
export const CLOCK_DRIFT_MS = 250;

export function applyClock(clock: ClockDto, wallNow: number = Date.now()): void {
  if (typeof clock.serverTime !== 'number' || !Number.isFinite(clock.serverTime)) return;
  const cur = get().clock;
  if (cur && cur.mode === clock.mode && cur.speed === clock.speed && cur.paused === clock.paused && cur.speed !== null && !cur.paused) {
    if (Math.abs(interpolateClock(cur, get().clockAt, wallNow) - clock.serverTime) <= CLOCK_DRIFT_MS) return;
  }
  set({ clock, clockAt: wallNow });
}

/** session.info's clock; an engine too old to send one is taken as a wall clock at its serverTime. */
export function applySessionClock(session: SessionDto & { clock?: ClockDto }, wallNow: number = Date.now()): void {
  const c = session.clock ?? (typeof session.serverTime === 'number' ? { serverTime: session.serverTime, mode: session.mode, speed: 1, paused: false } : null);
  if (c) applyClock(c, wallNow);
}

/** Engine time now, outside React (timestamps a request carries, e.g. the ticket's decision time). */
export function engineTime(wallNow: number = Date.now()): number {
  const s = get();
  return interpolateClock(s.clock, s.clockAt, wallNow);
}

export const clockSlice: SliceDef = {
  name: 'clock',
  events: { clock: (c) => applyClock(c) },
  reset: () => set(clockInitial()),
};
