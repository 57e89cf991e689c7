import { describe, expect, it } from 'vitest';
import type { ClockDto } from '../../../src/contract/index.ts';
import { SimClock, SimClockDriver } from '../../../src/core/clock.ts';
import { createEngine } from '../../../src/kernel/engine.ts';

const T0 = Date.UTC(2026, 0, 5, 14, 30);

function rig(withPace: boolean) {
  const clock = new SimClock(T0);
  let wall = 0;
  const driver = new SimClockDriver(clock, () => wall);
  const engine = createEngine({ mode: withPace ? 'replay' : 'backtest', durability: 'memory', clock, seed: 3, warmUpMinutes: 0, log: () => undefined, pace: withPace ? driver : undefined });
  const pushed: ClockDto[] = [];
  engine.feed.subscribe((type, payload) => {
    if (type === 'clock') pushed.push(payload as ClockDto);
  });
  return { clock, driver, engine, pushed, setWall: (ms: number) => (wall = ms) };
}

describe('the engine pushes its clock', () => {
  it('when engine time passes then `clock` is pushed once a second with the engine time, and session.info carries it', async () => {
    const { clock, driver, engine, pushed } = rig(false);
    await engine.start();
    expect(pushed).toEqual([{ serverTime: T0, mode: 'backtest', speed: null, paused: false }]);
    driver.runToEnd(T0 + 3_000);
    expect(pushed.map((c) => c.serverTime)).toEqual([T0, T0 + 1_000, T0 + 2_000, T0 + 3_000]);
    clock.advanceBy(400);
    const info = await engine.handlers['session.info']({});
    expect(info.clock).toEqual({ serverTime: T0 + 3_400, mode: 'backtest', speed: null, paused: false });
    expect(info.serverTime).toBe(T0 + 3_400);
    await engine.stop();
  });

  it('when a replay is played, sped up and paused then each change is pushed at once with its speed and pause', async () => {
    const { driver, engine, pushed, setWall } = rig(true);
    await engine.start();
    expect(pushed.at(-1)).toMatchObject({ mode: 'replay', paused: true });
    driver.pace(10, 1_000_000);
    expect(pushed.at(-1)).toMatchObject({ serverTime: T0, speed: 10, paused: false });
    // 50 ms of wall time at 10× is 500 ms of engine time, reported as of the change.
    setWall(50);
    driver.setSpeed(60);
    expect(pushed.at(-1)).toMatchObject({ serverTime: T0 + 500, speed: 60, paused: false });
    setWall(60);
    driver.pause();
    expect(pushed.at(-1)).toMatchObject({ serverTime: T0 + 1_100, speed: 60, paused: true });
    await engine.stop();
    // After stop, a change of pace is not pushed any more.
    const n = pushed.length;
    driver.setSpeed(2);
    expect(pushed).toHaveLength(n);
  });
});

describe('DTOs only for a subscriber', () => {
  it('when no client subscribes then orders still fill (no DTO built); once one subscribes, every update reaches it', async () => {
    const clock = new SimClock(T0);
    const driver = new SimClockDriver(clock);
    const e = createEngine({ mode: 'backtest', durability: 'memory', clock, seed: 3, warmUpMinutes: 1, log: () => undefined });
    await e.start();
    driver.runToEnd(clock.now() + 2_000);
    const a = await e.handlers['orders.place']({ symbol: 'ETH/USDT', side: 'buy', qty: 1, type: 'market', tif: 'gtc', source: 'api', urgency: 'immediate', algo: 'market' });
    driver.runToEnd(clock.now() + 2_000);
    expect((await e.handlers['orders.get']({ orderId: a.id })).status).toBe('FILLED');
    const seen: string[] = [];
    const off = e.feed.subscribe((type, payload) => {
      if (type === 'order.updated') seen.push((payload as { status: string }).status);
    });
    const b = await e.handlers['orders.place']({ symbol: 'ETH/USDT', side: 'buy', qty: 1, type: 'market', tif: 'gtc', source: 'api', urgency: 'immediate', algo: 'market' });
    driver.runToEnd(clock.now() + 2_000);
    off();
    expect((await e.handlers['orders.get']({ orderId: b.id })).status).toBe('FILLED');
    expect(seen.at(-1)).toBe('FILLED');
    await e.stop();
  });
});
