import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/contract/api.ts';
import { ReplaySession } from '../../src/kernel/replay/session.ts';
import { loadMarketFile } from '../../src/marketdata/recording.ts';

const TAPE = join(import.meta.dirname, '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_trades_20191011-13.csv');
const market = loadMarketFile(readFileSync(TAPE, 'utf8'), TAPE);
const MIN = 60_000;
const SYMBOL = 'XRP/ETH';

/**
 * Everything the engine shows of its state: orders (the TWAP's children too), fills, positions,
 * account and equity, candles of every interval, the trading state and its log, breakers and their
 * log, limits, PMS metrics and flags, L2 signals and proposals. The PMS cycle's own wall time is
 * the only field left out (it is measured, not computed).
 */
async function fullState(s: ReplaySession, h: Handlers) {
  const orders = await h['orders.list']({ scope: 'all', limit: 5000 });
  const children = await Promise.all(orders.filter((o) => o.execution?.algo).map((o) => h['orders.children']({ orderId: o.id })));
  const candles = await Promise.all((['1s', '5s', '1m', '5m'] as const).map((interval) => h['market.candles']({ symbol: SYMBOL, interval, limit: 2000 })));
  const { cycleMs: _wall, ...metrics } = await h['risk.metrics']({});
  return {
    now: s.now(),
    orders,
    children,
    fills: await h['fills.list']({ limit: 10_000 }),
    positions: await h['positions.list']({}),
    account: await h['account.get']({}),
    candles,
    riskStatus: await h['risk.status']({}),
    stateLog: await h['risk.state.log']({ limit: 1000 }),
    breakerLog: await h['risk.breakers.log']({ limit: 1000 }),
    limits: await h['risk.limits.get']({}),
    metrics,
    flags: await h['risk.flags']({}),
    signals: await h['signals.list']({ limit: 1000 }),
    approvals: await h['approvals.list']({ scope: 'all', limit: 1000 }),
    // L1's answer to one order: limits scaled by the volatility regime (current over the baseline).
    whatIf: await h['risk.whatIf']({ symbol: SYMBOL, side: 'buy', qty: '50', type: 'market', tif: 'gtc', source: 'manual', urgency: 'high' }),
  };
}

/** One scenario, the kernel's tick jumping idle seconds or stepping each; the state at every stop. */
async function run(idleJumps: boolean): Promise<unknown[]> {
  const s = await ReplaySession.open({ market, file: TAPE, idleJumps });
  const h = s.handlers();
  const out: unknown[] = [];
  try {
    await s.seek(market.start + 20 * MIN);
    out.push(await fullState(s, h));
    // A position first (spot: sells need one), then resting limits at the touch and a TWAP over half
    // an hour: children due on the algo's clock.
    await h['orders.place']({ symbol: SYMBOL, side: 'buy', qty: '1000', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
    s.step(2);
    const q = (await h['market.snapshot']({ symbol: SYMBOL })).quote;
    const buy = await h['orders.place']({ symbol: SYMBOL, side: 'buy', qty: '300', type: 'limit', price: String(q.bid), tif: 'gtc', source: 'manual', urgency: 'immediate' });
    const sell = await h['orders.place']({ symbol: SYMBOL, side: 'sell', qty: '100', type: 'limit', price: String(q.ask), tif: 'gtc', source: 'manual', urgency: 'immediate' });
    const twap = await h['orders.place']({ symbol: SYMBOL, side: 'buy', qty: '600', type: 'market', tif: 'gtc', source: 'manual', urgency: 'medium', algo: 'twap', algoParams: { durationSec: 1800, slices: 6 } });
    for (const o of [buy, sell, twap]) expect(o.status, JSON.stringify(o)).not.toBe('DENIED');
    await s.seek(market.start + 45 * MIN);
    out.push(await fullState(s, h));
    await h['orders.place']({ symbol: SYMBOL, side: 'sell', qty: '200', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
    s.step(3);
    out.push(await fullState(s, h));
    await s.seek(market.start + 150 * MIN);
    out.push(await fullState(s, h));
    // Backwards: a rebuild from the start, re-applying the orders.
    await s.seek(market.start + 70 * MIN);
    out.push(await fullState(s, h));
    await s.seek(market.start + 180 * MIN);
    out.push(await fullState(s, h));
  } finally {
    await s.close();
  }
  return out;
}

describe('replay at full speed: the kernel tick jumps idle seconds', () => {
  it('when the tick jumps idle seconds then every seek point has the state of stepping each second (orders, TWAP, fills, candles, risk, PMS, L2)', async () => {
    const stepped = await run(false);
    const jumped = await run(true);
    expect(jumped.length).toBe(6);
    for (let i = 0; i < stepped.length; i++) expect(jumped[i], `stop ${i}`).toEqual(stepped[i]);
    // The scenario means something: orders filled on the way.
    const last = stepped.at(-1) as { fills: unknown[] };
    expect(last.fills.length).toBeGreaterThan(3);
  });
});
