import { describe, expect, it } from 'vitest';
import { SimClock, SimClockDriver } from '../../../src/core/clock.ts';
import { createEngine, engineParts } from '../../../src/kernel/engine.ts';
import { MemoryOrderJournal } from '../../../src/store/memory/journal.ts';

const T0 = Date.UTC(2026, 0, 5, 14, 30);

describe('modes pick the parts; the kernel reports the declared mode', () => {
  it('when a backtest is built in memory then it needs no data directory, reports mode backtest and trades', async () => {
    const clock = new SimClock(T0);
    const engine = createEngine({ mode: 'backtest', durability: 'memory', clock, seed: 5, warmUpMinutes: 1, log: () => undefined });
    await engine.start();
    const info = await engine.handlers['session.info']({});
    expect(info.mode).toBe('backtest');
    new SimClockDriver(clock).runToEnd(clock.now() + 2_000);
    const o = await engine.handlers['orders.place']({ symbol: 'ETH/USDT', side: 'buy', qty: 1, type: 'market', tif: 'gtc', source: 'api', urgency: 'immediate', algo: 'market' });
    new SimClockDriver(clock).runToEnd(clock.now() + 2_000);
    expect((await engine.handlers['orders.get']({ orderId: o.id })).status).toBe('FILLED');
    await engine.stop();
  });

  it('when the parts are picked then backtest defaults to memory stores and a SimClock is required', () => {
    const parts = engineParts({ mode: 'backtest', clock: new SimClock(T0), idPrefix: 'BT', log: () => undefined });
    expect(parts.durability).toBe('memory');
    expect(parts.journal).toBeInstanceOf(MemoryOrderJournal);
    expect(parts.ids.prefix).toBe('BT');
    expect(parts.commits).toBeUndefined();
    expect(() => engineParts({ mode: 'backtest' })).toThrow(/SimClock/);
  });

  it('when full or fast durability has no data directory then it is refused with a clear message', () => {
    expect(() => engineParts({ mode: 'replay', clock: new SimClock(T0), durability: 'fast', market: { kind: 'demo' } })).toThrow(/needs a data directory/);
  });
});
