import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/contract/api.ts';
import type { SignalDto } from '../../src/contract/l2-dto.ts';
import { ReplaySession } from '../../src/kernel/replay/session.ts';
import { loadMarketFile } from '../../src/marketdata/recording.ts';

const TAPE = join(import.meta.dirname, '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_trades_20191011-13.csv');
const market = loadMarketFile(readFileSync(TAPE, 'utf8'), TAPE);
const HOUR = 3_600_000;

/**
 * Quiet signal cycles (src/kernel/l2-quiet.ts): the replay's minute cycle, repeated instead of run
 * while its inputs stand still, must leave the engine exactly where running every cycle does. The
 * same tape and actions play both ways — flat, holding a position whose marks move, flat again, then
 * a policy on the replayed instrument that proposes (and lets proposals expire and come again) — and
 * every proposal, order, the alphas' last runs and the portfolio target must match; the journal
 * keeps a cycle only when its output changed.
 */
async function play(quietCycles: boolean) {
  const s = await ReplaySession.open({ market, file: TAPE, quietCycles });
  const h: Handlers = s.handlers();
  // The state at each stop: the alphas' last runs, the target (its contributions carry the signals'
  // times), the queue, the orders and the account.
  const stops: unknown[] = [];
  const stop = async (hours: number) => {
    await s.seek(market.start + hours * HOUR);
    const [queue, orders, signals, target, account] = await Promise.all([h['approvals.list']({ scope: 'all', limit: 1000 }), h['orders.list']({ scope: 'all', limit: 5000 }), h['signals.list']({ limit: 1000 }), h['portfolio.target']({}), h['account.get']({})]);
    stops.push({ proposals: queue.proposals, orders, alphas: signals.alphas, target: { ...target, cycleId: null }, account });
    return { queue, orders, recent: signals.recent };
  };
  try {
    await stop(1);
    await h['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '2000', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
    await stop(2);
    await h['orders.place']({ symbol: 'XRP/ETH', side: 'sell', qty: '2000', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
    await stop(3);
    // Undamped targets (no capacity cap: the replay account is large for XRP/ETH's volume), so they propose.
    await h['portfolio.configure']({ sizing: 'none' });
    await h['signals.set']({ name: 'strategic', key: 'targets', value: { 'XRP/ETH': 0.02, CASH: 0.98 } });
    const last = await stop(4);
    return { stops, proposals: last.queue.proposals, orders: last.orders, recent: last.recent };
  } finally {
    await s.close();
  }
}

/** A signal's content, without what names or stamps its cycle. */
const content = (x: SignalDto) => ({ ...x, id: null, cycleId: null, time: null, inputs: { ...x.inputs } });

describe('quiet signal cycles in a replay', () => {
  it('when cycles are repeated while nothing changes then proposals, orders, alphas and the target equal running every cycle, and the journal keeps only changed outputs', async () => {
    const [full, quiet] = await Promise.all([play(false), play(true)]);
    expect(quiet.proposals.length).toBeGreaterThan(0);
    expect(quiet.orders.filter((o) => o.source === 'manual').map((o) => o.status)).toEqual(['FILLED', 'FILLED']);
    expect(quiet.stops).toHaveLength(4);
    for (let i = 0; i < 4; i++) expect(quiet.stops[i]).toEqual(full.stops[i]);
    // Every signal journaled by the quiet run was journaled by the full run at the same time; each the
    // full run journaled besides restates the quiet run's last one for its alpha and instrument.
    const fullAt = new Map(full.recent.map((x) => [`${x.time}|${x.alpha}|${x.instrument}`, x]));
    for (const x of quiet.recent) expect(content(x)).toEqual(content(fullAt.get(`${x.time}|${x.alpha}|${x.instrument}`)!));
    const quietSorted = [...quiet.recent].sort((a, b) => a.time - b.time);
    for (const x of full.recent) {
      const last = quietSorted.filter((q) => q.time <= x.time && q.alpha === x.alpha && q.instrument === x.instrument).at(-1);
      expect(last && content(last)).toEqual(content(x));
    }
    // Two of the four hours are flat under a policy on instruments the tape lacks: quiet there.
    expect(quiet.recent.length).toBeLessThan(full.recent.length / 2);
  }, 120_000);
});
