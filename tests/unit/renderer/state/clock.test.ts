import { afterEach, describe, expect, it } from 'vitest';
import type { ClockDto } from '../../../../src/contract/index.ts';
import { SLICES, applyClock, applySessionClock, engineTickMs, engineTime, interpolateClock, useStore } from '../../../../renderer/src/state/index.ts';
import { initialState } from '../../../../renderer/src/state/store.ts';

const T = Date.UTC(2019, 9, 11, 9, 0);
const clock = (over: Partial<ClockDto> = {}): ClockDto => ({ serverTime: T, mode: 'replay', speed: 1, paused: false, ...over });

afterEach(() => useStore.setState(initialState(), true));

describe('engine time in the renderer (useEngineNow interpolates the pushed clock)', () => {
  it('when the engine runs at 1× then engine time moves with the wall time since the clock arrived', () => {
    expect(interpolateClock(clock(), 1_000, 1_000)).toBe(T);
    expect(interpolateClock(clock(), 1_000, 3_500)).toBe(T + 2_500);
  });

  it('when a replay runs at 10× then 1 s of wall time is 10 s of engine time', () => {
    expect(interpolateClock(clock({ speed: 10 }), 1_000, 2_000)).toBe(T + 10_000);
  });

  it('when the replay is paused or a backtest runs flat out then engine time stands at the pushed time', () => {
    expect(interpolateClock(clock({ speed: 10, paused: true }), 1_000, 60_000)).toBe(T);
    expect(interpolateClock(clock({ mode: 'backtest', speed: null }), 1_000, 60_000)).toBe(T);
  });

  it('when the wall clock reads earlier than the arrival (a ticker not yet refreshed) then engine time never goes back', () => {
    expect(interpolateClock(clock(), 5_000, 4_000)).toBe(T);
  });

  it('when no clock has arrived then the wall clock is all there is', () => {
    expect(interpolateClock(null, 0, 1234)).toBe(1234);
  });

  it('when a clock is pushed then engineTime interpolates from it, and a newer push replaces it', () => {
    applyClock(clock({ speed: 2 }), 10_000);
    expect(engineTime(10_500)).toBe(T + 1_000);
    applyClock(clock({ serverTime: T + 5_000, speed: 2, paused: true }), 11_000);
    expect(engineTime(20_000)).toBe(T + 5_000);
  });

  it('when a push agrees with the interpolated time then the stored clock is kept (views do not re-render), and a jump replaces it', () => {
    applyClock(clock(), 1_000);
    const first = useStore.getState().clock;
    applyClock(clock({ serverTime: T + 1_030 }), 2_000);
    expect(useStore.getState().clock).toBe(first);
    expect(engineTime(2_000)).toBe(T + 1_000);
    // A seek (or a stalled engine catching up) moves the base.
    applyClock(clock({ serverTime: T + 60_000 }), 3_000);
    expect(useStore.getState().clock?.serverTime).toBe(T + 60_000);
    expect(engineTime(3_500)).toBe(T + 60_500);
  });

  it('when a paused replay pushes the same time again then nothing changes; a backtest push always moves the time', () => {
    applyClock(clock({ paused: true }), 1_000);
    applyClock(clock({ paused: true, serverTime: T + 5 }), 2_000);
    expect(engineTime(9_000)).toBe(T + 5);
    applyClock(clock({ mode: 'backtest', speed: null, serverTime: T + 3_600_000 }), 3_000);
    expect(engineTime(9_000)).toBe(T + 3_600_000);
  });

  it('when the `clock` event reaches the registered slice then the store holds it', () => {
    const slice = SLICES.find((s) => s.name === 'clock');
    expect(slice?.events?.clock).toBeDefined();
    slice!.events!.clock!(clock({ serverTime: T + 42 }));
    expect(useStore.getState().clock?.serverTime).toBe(T + 42);
  });

  it('when session.info comes from an engine without a clock then its serverTime is taken at 1×', () => {
    applySessionClock({ version: 't', mode: 'paper', venue: 'sim', startedAt: 0, serverTime: T, currency: 'USD', instruments: [] }, 1_000);
    expect(engineTime(2_000)).toBe(T + 1_000);
  });

  it('when a view shows seconds then it re-renders faster as the replay speeds up, and not at all while time stands still', () => {
    expect(engineTickMs(null, 1_000)).toBe(1_000);
    expect(engineTickMs(clock(), 1_000)).toBe(1_000);
    expect(engineTickMs(clock({ speed: 5 }), 1_000)).toBe(200);
    expect(engineTickMs(clock({ speed: 60 }), 1_000)).toBe(100);
    expect(engineTickMs(clock({ speed: 0.5 }), 1_000)).toBe(1_000);
    expect(engineTickMs(clock({ paused: true }), 1_000)).toBeNull();
    expect(engineTickMs(clock({ speed: null }), 1_000)).toBeNull();
  });
});
