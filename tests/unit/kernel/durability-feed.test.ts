import { describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../../src/contract/api.ts';
import type { EventFeed } from '../../../src/contract/rpc.ts';
import { gateFeed } from '../../../src/kernel/durability.ts';
import type { CommitBarrier } from '../../../src/kernel/parts.ts';

/** A commit barrier the test drives: `pending` while a batch is open, `durable()` releases it. */
class TestBarrier implements CommitBarrier {
  pending = false;
  private waiting: (() => void)[] = [];
  afterCommit(fn: () => void): void {
    if (this.pending) this.waiting.push(fn);
    else fn();
  }
  committed(): Promise<void> | undefined {
    return undefined;
  }
  flush(): void {}
  durable(): void {
    this.pending = false;
    for (const fn of this.waiting.splice(0)) fn();
  }
}

/** A feed the test publishes on by hand. */
function manualFeed() {
  const listeners = new Set<(event: EventName, data: unknown) => void>();
  const feed: EventFeed = {
    subscribe(l) {
      const f = l as (event: EventName, data: unknown) => void;
      listeners.add(f);
      return () => listeners.delete(f);
    },
  };
  const publish = <E extends EventName>(event: E, data: Events[E]) => {
    for (const l of listeners) l(event, data);
  };
  return { feed, publish };
}

const clock = (ts: number) => ({ ts }) as unknown as Events['clock'];

describe('gateFeed: events wait for the durable commit of what they report', () => {
  it('when nothing is pending then an event goes at once; while a batch is pending it waits, and leaves in order when the batch is durable', () => {
    const barrier = new TestBarrier();
    const { feed, publish } = manualFeed();
    const got: number[] = [];
    gateFeed(feed, barrier).subscribe((_e, d) => got.push((d as { ts: number }).ts));
    publish('clock', clock(1));
    expect(got).toEqual([1]);
    barrier.pending = true;
    publish('clock', clock(2));
    publish('clock', clock(3));
    expect(got).toEqual([1]);
    barrier.durable();
    expect(got).toEqual([1, 2, 3]);
  });

  it('when a subscriber left before the batch was durable then its held events are dropped, and one that throws does not stop the others', () => {
    const barrier = new TestBarrier();
    const { feed, publish } = manualFeed();
    const logged: string[] = [];
    const gated = gateFeed(feed, barrier, (_level, msg) => logged.push(msg));
    const left: number[] = [];
    const stayed: number[] = [];
    const off = gated.subscribe((_e, d) => left.push((d as { ts: number }).ts));
    gated.subscribe(() => {
      throw new Error('boom');
    });
    gated.subscribe((_e, d) => stayed.push((d as { ts: number }).ts));
    barrier.pending = true;
    publish('clock', clock(1));
    off();
    barrier.durable();
    expect(left).toEqual([]);
    expect(stayed).toEqual([1]);
    expect(logged).toEqual(['event clock subscriber failed: boom']);
  });
});
