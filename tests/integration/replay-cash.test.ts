import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaySchemas } from '../../src/contract/api/replay.ts';
import { SimClock } from '../../src/core/clock.ts';
import { EngineSwitch } from '../../src/host/engine-switch.ts';
import { createEngine } from '../../src/kernel/engine.ts';

/**
 * The replay account's cash: in the tape's quote currency, 100 ETH by default on the XRP/ETH tape
 * (not 1,000,000 ETH), `cash` when the load gives it, and the default limits sized to it so that
 * orders of an ordinary size pass L1 (the cash buffer of a 1,000,000 account would deny them all).
 */

const TAPE = join(import.meta.dirname, '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_trades_20191011-13.csv');
const HALF_HOUR = 1_800_000;

async function withSwitch(fn: (sw: EngineSwitch) => Promise<void>): Promise<void> {
  const paper = createEngine({ durability: 'memory', clock: new SimClock(Date.UTC(2026, 0, 5)), seed: 7, warmUpMinutes: 0, log: () => undefined });
  await paper.start();
  const sw = new EngineSwitch({ paper, seed: 7 });
  try {
    await fn(sw);
  } finally {
    await sw.close();
  }
}

describe('replay account cash', () => {
  it('when the XRP/ETH tape loads without cash then the replay account holds 100 ETH, an order fills, and paper keeps its own 1,000,000', async () => {
    await withSwitch(async (sw) => {
      const loaded = await sw.handlers['replay.load']({ path: TAPE, speed: '1' });
      const acct = await sw.handlers['account.get']({});
      expect(acct.initialCash).toBe(100);
      expect(acct.cash).toBe(100);
      await sw.handlers['replay.seek']({ time: loaded.start + HALF_HOUR });
      const o = await sw.handlers['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '1000', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
      expect(o.status).not.toBe('DENIED');
      await sw.handlers['replay.step']({ events: 3 });
      expect((await sw.handlers['orders.get']({ orderId: o.id })).status).toBe('FILLED');
      expect((await sw.handlers['account.get']({})).cash).toBeLessThan(100);
      await sw.handlers['replay.stop']({});
      expect((await sw.handlers['account.get']({})).cash).toBe(1_000_000);
    });
  });

  it('when the load gives cash then the account starts with it, and a seek backwards rebuilds it with the same cash', async () => {
    await withSwitch(async (sw) => {
      const loaded = await sw.handlers['replay.load']({ path: TAPE, speed: '1', cash: '2.5' });
      expect((await sw.handlers['account.get']({})).cash).toBe(2.5);
      await sw.handlers['replay.seek']({ time: loaded.start + HALF_HOUR });
      // 100 XRP (0.14 ETH): the default limits sized to 2.5 ETH ask a second look above 0.25 ETH.
      const o = await sw.handlers['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '100', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
      await sw.handlers['replay.step']({ events: 3 });
      expect((await sw.handlers['orders.get']({ orderId: o.id })).status).toBe('FILLED');
      await sw.handlers['replay.seek']({ time: loaded.start + 60_000 });
      expect((await sw.handlers['account.get']({})).cash).toBe(2.5);
    });
  });

  it('when the contract reads a load then cash is optional, positive decimal text with at most 8 decimals', () => {
    const load = replaySchemas['replay.load'];
    expect(load.parse({ path: 'x.csv', cash: '100' }).cash).toBe('100');
    expect(load.parse({ path: 'x.csv' }).cash).toBeUndefined();
    for (const bad of ['0', '-1', '1e6', '1.123456789', 'abc']) expect(load.safeParse({ path: 'x.csv', cash: bad }).success, bad).toBe(false);
  });
});
