import { describe, expect, it } from 'vitest';
import { SimClock, SimClockDriver } from '../../../src/core/clock.ts';
import { createEngine } from '../../../src/kernel/engine.ts';
import { scheduledNow } from '../../../renderer/src/features/trading/exec.ts';

const T0 = Date.UTC(2026, 0, 5, 14, 30);

/**
 * One schedule: the blotter's progress marker, read between order updates from the schedule steps
 * the engine sends with the parent, equals what the engine itself reports as due at that time.
 */
describe('a working parent carries its own schedule on the contract', () => {
  it('when a jittered TWAP works then the renderer marker from its first update equals the engine figure at every later time', async () => {
    const clock = new SimClock(T0);
    const driver = new SimClockDriver(clock);
    const e = createEngine({ mode: 'backtest', durability: 'memory', clock, seed: 9, warmUpMinutes: 2, log: () => undefined });
    await e.start();
    driver.runToEnd(clock.now() + 2_000);
    // A cap far under the market: no child can fill, the schedule still runs (and says what is due).
    const bid = (await e.handlers['market.snapshot']({ symbol: 'ETH/USDT' })).book.bids[0]!.price;
    const placed = await e.handlers['orders.place']({
      symbol: 'ETH/USDT',
      side: 'buy',
      qty: 1,
      type: 'limit',
      tif: 'gtc',
      price: Number((bid * 0.9).toFixed(2)),
      source: 'api',
      urgency: 'medium',
      algo: 'twap',
      algoParams: { durationSec: 600, slices: 7, jitterPct: 0.3 },
    });
    const first = await e.handlers['orders.get']({ orderId: placed.id });
    const steps = first.execution?.schedule ?? [];
    expect(steps).toHaveLength(7);
    expect(steps.at(-1)!.cumulativeQty).toBe(1);
    // Jitter moves the slice times off the even grid: a straight line would disagree with the children.
    const even = steps.map((_, k) => first.execution!.startAt + (k * 600_000) / 7);
    expect(steps.map((s) => s.at)).not.toEqual(even);
    for (let t = clock.now(); t < first.execution!.endAt; t += 37_000) {
      driver.runToEnd(t);
      const now = await e.handlers['orders.get']({ orderId: placed.id });
      expect(scheduledNow(first, clock.now())).toBe(now.execution!.scheduledQty);
    }
    await e.stop();
  });

  it('when the parent is done then its DTO carries no schedule and the marker is the final figure', async () => {
    const clock = new SimClock(T0);
    const driver = new SimClockDriver(clock);
    const e = createEngine({ mode: 'backtest', durability: 'memory', clock, seed: 9, warmUpMinutes: 2, log: () => undefined });
    await e.start();
    driver.runToEnd(clock.now() + 2_000);
    const placed = await e.handlers['orders.place']({ symbol: 'ETH/USDT', side: 'buy', qty: 0.5, type: 'market', tif: 'gtc', source: 'api', urgency: 'high', algo: 'twap', algoParams: { durationSec: 60, slices: 3 } });
    driver.runToEnd(clock.now() + 90_000);
    const done = await e.handlers['orders.get']({ orderId: placed.id });
    expect(done.status).toBe('FILLED');
    expect(done.execution?.schedule ?? null).toBeNull();
    expect(scheduledNow(done, clock.now())).toBe(done.execution!.scheduledQty);
    await e.stop();
  });
});
