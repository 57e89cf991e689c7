import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApprovalQueue } from '../../../src/approval/queue.ts';
import { createMemoryPair } from '../../../src/contract/memory.ts';
import type { ProposalDto } from '../../../src/contract/l2-dto.ts';
import { createClient, serveEndpoint } from '../../../src/contract/rpc.ts';
import { SimClock } from '../../../src/core/clock.ts';
import { createEngine } from '../../../src/kernel/engine.ts';

/**
 * The approval expiry sweep runs on its grid (start + k·sweepMs) only while proposals wait: an idle
 * queue costs no sweep, and a proposal still expires at the first grid time past its TTL, the
 * engine time a sweep every sweepMs would have expired it at.
 */
const SWEEP_MS = 200;
const TTL_MS = 1500;

async function session() {
  const clock = new SimClock(Date.UTC(2026, 0, 5, 14, 30));
  const engine = createEngine({
    mode: 'backtest',
    durability: 'memory',
    seed: 5,
    clock,
    warmUpMinutes: 60,
    log: () => undefined,
    // A wide band: only the TTL expires a proposal here.
    l2: { cycleEveryMs: 0, autoPropose: false, sweepEveryMs: SWEEP_MS, queue: { ttlMs: TTL_MS, priceBand: 0.9 } },
  });
  await engine.start();
  const origin = clock.now();
  const [s, c] = createMemoryPair();
  serveEndpoint(s, engine.handlers, engine.feed);
  const client = createClient(c);
  return { clock, origin, client, close: async () => (client.close(), await engine.stop()) };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await close?.();
  close = undefined;
});

describe('the approval expiry sweep', () => {
  it('when no proposal waits then it does not sweep; a proposal made off the grid expires at the first grid time past its TTL; then it idles again', async () => {
    const sweeps = vi.spyOn(ApprovalQueue.prototype, 'sweep');
    const t = await session();
    close = t.close;
    const updated: ProposalDto[] = [];
    t.client.on('proposal.updated', (p) => updated.push(p));

    // Ten idle seconds: the first sweep (it checks what a restart left) and nothing after it.
    t.clock.advanceTo(t.origin + 10_000);
    expect(sweeps.mock.calls.length).toBe(1);

    t.clock.advanceTo(t.origin + 10_333);
    await t.client.call('signals.set', { name: 'strategic', key: 'targets', value: { SPY: 0.03, 'BTC/USDT': 0.02, CASH: 0.95 } });
    const batch = await t.client.call('portfolio.rebalance', { dryRun: false });
    expect(batch.proposals.length).toBeGreaterThan(0);
    const made = t.clock.now();
    for (const p of batch.proposals) expect(p.expiresAt).toBe(made + TTL_MS);

    const before = sweeps.mock.calls.length;
    for (let at = made; at <= made + 4000; at += 50) t.clock.advanceTo(at);
    await vi.waitFor(() => expect(updated.filter((p) => p.status === 'EXPIRED')).toHaveLength(batch.proposals.length));
    const grid = t.origin + Math.ceil((made + TTL_MS - t.origin) / SWEEP_MS) * SWEEP_MS;
    for (const p of updated.filter((x) => x.status === 'EXPIRED')) {
      expect(p.reason).toMatch(/^TTL/);
      expect(p.decidedAt).toBe(grid);
    }
    // It swept once per grid time while they waited (made..grid), and stopped once none waited.
    const during = sweeps.mock.calls.length - before;
    expect(during).toBe(Math.round((grid - (t.origin + Math.ceil((made - t.origin) / SWEEP_MS) * SWEEP_MS)) / SWEEP_MS) + 1);
    t.clock.advanceTo(made + 20_000);
    expect(sweeps.mock.calls.length - before).toBe(during);
  });
});
