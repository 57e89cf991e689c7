import { describe, expect, it } from 'vitest';
import type { LimitsDto, RiskStatusDto, RiskUsageDto } from '../../../src/contract/risk-dto.ts';
import { SimClock } from '../../../src/core/clock.ts';
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
});
