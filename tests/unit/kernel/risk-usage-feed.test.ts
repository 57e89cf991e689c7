import { describe, expect, it } from 'vitest';
import type { LimitsDto, RiskStatusDto, RiskUsageDto } from '../../../src/contract/risk-dto.ts';
import { SimClock, SimClockDriver } from '../../../src/core/clock.ts';
import { TICK_MS, nextTickAt } from '../../../src/kernel/periodic-tick.ts';
import type { IdleTicker } from '../../../src/kernel/periodic-tick.ts';
import { RiskUsageFeed, USAGE_HEARTBEAT_MS, USAGE_PUSH_MS } from '../../../src/kernel/risk-usage-feed.ts';

const T0 = Date.UTC(2025, 0, 6);

function rig() {
  const clock = new SimClock(T0);
  let used = 0;
  let listening = true;
  let reads = 0;
  // Held by default (marks move the readings); flat() makes the feed read only on a change or the heartbeat.
  let exposed = true;
  const pushed: RiskUsageDto[] = [];
  const feed = new RiskUsageFeed({
    clock,
    wants: () => listening,
    limits: () => {
      reads++;
      return { limits: [{ name: 'max_gross_exposure', scope: 'global', used, usage: used / 1000 }], groups: {}, catalogue: [] } as unknown as LimitsDto;
    },
    status: () => ({ loss: { dayPnl: -used } }) as unknown as RiskStatusDto,
    publish: (u) => pushed.push(u),
    exposed: () => exposed,
  });
  const second = () => {
    clock.advanceTo(clock.now() + 1_000);
    feed.tick();
  };
  return { feed, pushed, second, set: (u: number) => (used = u), listen: (on: boolean) => (listening = on), reads: () => reads, flat: () => (exposed = false) };
}

describe('RiskUsageFeed (limit usage pushed, not polled)', () => {
  it('when usage changes every second then it is pushed at most once per interval of engine time, with the latest reading', () => {
    const r = rig();
    for (let s = 1; s <= 20; s++) {
      r.set(s * 10);
      r.second();
    }
    expect(r.pushed.map((p) => p.at - T0)).toEqual([1_000, 6_000, 11_000, 16_000]);
    expect(r.pushed.map((p) => p.limits.limits[0]!.used)).toEqual([10, 60, 110, 160]);
    expect(r.pushed[1]!.at - r.pushed[0]!.at).toBe(USAGE_PUSH_MS);
  });

  it('when usage stands still then nothing more is pushed, and it is read once per interval, not every tick', () => {
    const r = rig();
    r.set(5);
    for (let s = 0; s < 30; s++) r.second();
    expect(r.pushed).toHaveLength(1);
    expect(r.reads()).toBe(6);
  });

  it('when no one listens then nothing is read; a new listener gets the current reading at once', () => {
    const r = rig();
    r.listen(false);
    for (let s = 0; s < 10; s++) r.second();
    expect(r.reads()).toBe(0);
    r.set(7);
    r.listen(true);
    r.second();
    expect(r.pushed.map((p) => p.limits.limits[0]!.used)).toEqual([7]);
  });

  it('when flat and nothing happens then it reads only at the heartbeat; an order, fill or state event makes the next interval read', () => {
    const r = rig();
    r.flat();
    r.second();
    expect(r.reads()).toBe(1);
    const ticks = USAGE_HEARTBEAT_MS / 1000;
    for (let s = 1; s < ticks; s++) r.second();
    expect(r.reads()).toBe(1);
    r.second();
    expect(r.reads()).toBe(2);
    // A change (the kernel calls invalidate on its domain events): read at the next interval, pushed if it differs.
    r.set(42);
    r.feed.invalidate();
    for (let s = 0; s < USAGE_PUSH_MS / 1000; s++) r.second();
    expect(r.reads()).toBe(3);
    expect(r.pushed.at(-1)!.limits.limits[0]!.used).toBe(42);
  });

  /**
   * The kernel's tick on a SimClock that jumps idle seconds (a replay or backtest with nothing else
   * pending): a symbol block that ends at `blockUntil` (the breakers' reset calls invalidate, as the
   * kernel does on BreakerTripped), the feed and the tick loop of kernel.ts with both as idle parts.
   */
  function jumpingKernel(blockUntil: number) {
    const clock = new SimClock(T0);
    clock.jumps = true;
    let blocked = ['BTC/USDT'];
    let reads = 0;
    let realTicks = 0;
    const pushed: { at: number; blocked: string[] }[] = [];
    const feed = new RiskUsageFeed({
      clock,
      wants: () => true,
      limits: () => {
        reads++;
        return { limits: [], groups: {}, catalogue: [] } as unknown as LimitsDto;
      },
      status: () => ({ blocked: blocked.map((symbol) => ({ symbol, cause: 'moved' })) }) as unknown as RiskStatusDto,
      publish: (u) => pushed.push({ at: u.at - T0, blocked: u.status.blocked.map((b) => b.symbol) }),
      exposed: () => false,
    });
    const breakers: IdleTicker & { tick(): void } = {
      quietUntil: () => (blocked.length > 0 ? blockUntil : Number.POSITIVE_INFINITY),
      idle: () => undefined,
      tick: () => {
        if (blocked.length > 0 && clock.now() >= blockUntil) {
          blocked = [];
          feed.invalidate();
        }
      },
    };
    const tick = (): void => {
      realTicks++;
      breakers.tick();
      feed.tick();
      clock.schedule(nextTickAt(clock, [breakers, feed]), tick);
    };
    clock.schedule(T0 + TICK_MS, tick);
    return { pushed, reads: () => reads, realTicks: () => realTicks, runFor: (ms: number) => new SimClockDriver(clock).runToEnd(T0 + ms) };
  }

  it('when a block ends within the push interval of the last read, flat and with nothing else pending, then it is read and cleared at the interval, not a jump of a day later', () => {
    const k = jumpingKernel(T0 + 3_000);
    k.runFor(86_400_000);
    expect(k.pushed).toEqual([
      { at: 1_000, blocked: ['BTC/USDT'] },
      { at: 1_000 + USAGE_PUSH_MS, blocked: [] },
    ]);
  });

  it('when a block ends after the push interval then it is read at the tick it ends', () => {
    const k = jumpingKernel(T0 + 600_000);
    k.runFor(3_600_000);
    expect(k.pushed).toEqual([
      { at: 1_000, blocked: ['BTC/USDT'] },
      { at: 600_000, blocked: [] },
    ]);
  });

  it('when flat and nothing changes on a jumping clock then it reads at each heartbeat and the hour costs a handful of real ticks', () => {
    const k = jumpingKernel(Number.POSITIVE_INFINITY);
    k.runFor(3_600_000);
    // 1 s, then 1 s + 15, 30, 45 min.
    expect(k.reads()).toBe(4);
    expect(k.realTicks()).toBeLessThanOrEqual(6);
  });
});
