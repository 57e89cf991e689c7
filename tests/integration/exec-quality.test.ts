import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/kernel/engine.ts';
import type { Engine } from '../../src/kernel/engine.ts';
import { tempDataDir, waitFor } from './harness.ts';

/**
 * Execution quality over time with the real engine and its SQLite journal: finished algo parents
 * appear in `exec.quality` grouped per algorithm and instrument, each with the pre-trade estimate
 * recorded at its start, and the trend survives a restart (it is read back from the `tca` table).
 */

const running: Engine[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});

async function start(dir: string): Promise<Engine> {
  const e = createEngine({ dataDir: dir, seed: 5, warmUpMinutes: 5, log: () => undefined });
  await e.start();
  running.push(e);
  return e;
}

describe('exec.quality', () => {
  it('when three short algo parents fill then exec.quality groups them per algo and symbol with their shortfall and estimate, and a restart keeps them', async () => {
    const dir = tempDataDir('exec-quality');
    const e1 = await start(dir);
    const h = e1.handlers;
    const place = (symbol: string, algo: 'twap' | 'adaptive') =>
      h['orders.place']({ symbol, side: 'buy', qty: 0.05, type: 'market', tif: 'gtc', source: 'api', urgency: 'high', algo, algoParams: { durationSec: 2, slices: 2 } });
    const parents = await Promise.all([place('ETH/USDT', 'twap'), place('BTC/USDT', 'twap'), place('ETH/USDT', 'adaptive')]);
    for (const p of parents) expect(p.status).not.toBe('DENIED');

    const q = await waitFor(async () => {
      const r = await h['exec.quality']({});
      return r.points.length === 3 ? r : undefined;
    }, 30_000, 'three finished parents');
    expect(new Set(q.points.map((p) => p.orderId))).toEqual(new Set(parents.map((p) => p.id)));
    expect(q.byAlgo.map((g) => [g.key, g.parents])).toEqual([['adaptive', 1], ['twap', 2]]);
    expect(q.bySymbol.map((g) => [g.key, g.parents])).toEqual([['BTC/USDT', 1], ['ETH/USDT', 2]]);
    for (const p of q.points) {
      const tca = await h['orders.tca']({ orderId: p.orderId });
      expect(tca.final).toBe(true);
      expect(p.shortfallBps).toBe(tca.shortfallBps);
      // The expected cost at the start: spread, impact and fees on a market with a book, so > 0.
      expect(p.estimatedBps).toBe(tca.estimatedBps);
      expect(p.estimatedBps).toBeGreaterThan(0);
      expect(p.qty).toBeCloseTo(0.05, 10);
    }
    // Too few parents for the band.
    expect(q.byAlgo.every((g) => g.status === 'insufficient')).toBe(true);

    const twap = await h['exec.quality']({ algo: 'twap', symbol: 'ETH/USDT' });
    expect(twap.points.map((p) => p.orderId)).toEqual([parents[0]?.id]);
    await expect(Promise.resolve().then(() => h['exec.quality']({ symbol: 'NOPE/USDT' }))).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });

    running.splice(running.indexOf(e1), 1);
    await e1.stop();
    const e2 = await start(dir);
    const after = await e2.handlers['exec.quality']({});
    expect(after.points).toEqual(q.points);
    expect(after.byAlgo).toEqual(q.byAlgo);
  }, 60_000);
});
