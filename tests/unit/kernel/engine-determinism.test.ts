import { describe, expect, it } from 'vitest';
import { createMemoryPair } from '../../../src/contract/memory.ts';
import { createClient, serveEndpoint } from '../../../src/contract/rpc.ts';
import { SimClock, SimClockDriver } from '../../../src/core/clock.ts';
import { createEngine } from '../../../src/kernel/engine.ts';

/** The same engine on a simulated clock, as a backtest in memory (no filesystem): a run is a pure function of seed and inputs. */
async function run(seed: number) {
  const clock = new SimClock(Date.UTC(2026, 0, 5, 14, 30));
  const driver = new SimClockDriver(clock);
  const engine = createEngine({ mode: 'backtest', durability: 'memory', seed, clock, warmUpMinutes: 5, log: () => undefined });
  await engine.start();
  const [s, c] = createMemoryPair();
  serveEndpoint(s, engine.handlers, engine.feed);
  const client = createClient(c);
  const trades: string[] = [];
  client.on('trade', (t) => trades.push(`${t.ts}:${t.symbol}:${t.price}:${t.qty}`));
  driver.runToEnd(clock.now() + 2_000);
  const a = await client.call('orders.place', { symbol: 'ETH/USDT', side: 'buy', qty: 5, type: 'market' });
  driver.runToEnd(clock.now() + 1_000);
  const snap = await client.call('market.snapshot', { symbol: 'ETH/USDT' });
  const b = await client.call('orders.place', { symbol: 'ETH/USDT', side: 'sell', qty: 2, type: 'limit', price: snap.book.asks[0]!.price });
  driver.runToEnd(clock.now() + 60_000);
  const fills = await client.call('fills.list', { limit: 1000 });
  const account = await client.call('account.get');
  const orders = [await client.call('orders.get', { orderId: a.id }), await client.call('orders.get', { orderId: b.id })];
  client.close();
  await engine.stop();
  return {
    trades,
    fills: fills.map((f) => `${f.ts}:${f.price}:${f.qty}:${f.fee}:${f.liquidity}`),
    statuses: orders.map((o) => o.status),
    cash: account.cash,
  };
}

describe('engine on a simulated clock', () => {
  it('when run twice with the same seed then market, fills and cash are identical', async () => {
    const r1 = await run(99);
    const r2 = await run(99);
    expect(r1.trades.length).toBeGreaterThan(100);
    expect(r1.fills.length).toBeGreaterThan(0);
    expect(r2).toEqual(r1);
  });

  it('when the seed changes then the market differs', async () => {
    const r1 = await run(99);
    const r3 = await run(100);
    expect(r3.trades).not.toEqual(r1.trades);
  });
});
