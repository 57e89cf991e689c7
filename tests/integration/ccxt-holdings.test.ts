import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderDto } from '../../src/contract/dto.ts';
import { createMemoryPair } from '../../src/contract/memory.ts';
import type { Client } from '../../src/contract/rpc.ts';
import { createClient, serveEndpoint } from '../../src/contract/rpc.ts';
import { orderRows } from '../../src/host/cli-format.ts';
import { DataDirError } from '../../src/host/data-dir.ts';
import type { VenueSettings } from '../../src/host/venue-config.ts';
import { openExchangeSession } from '../../src/host/venue-host.ts';
import type { ExchangeSession } from '../../src/host/venue-host.ts';
import { buildKernel } from '../../src/kernel/engine.ts';
import type { Engine } from '../../src/kernel/engine.ts';
import { LoopbackExchange } from '../../src/venues/loopback/loopback-exchange.ts';
import { tempDataDir, waitFor } from './harness.ts';

/**
 * Issue 13 gaps on a live ccxt venue (the real ccxt client against the loopback Binance, the engine
 * in this process on a real SQLite journal): the exchange's holdings become opening positions that
 * L1 and the PMS see, balance differences are taken over as journaled adjustments, and an order
 * whose create timed out is UNRESOLVED until the exchange's answer settles it.
 */
const KEY = 'holdings-test-key-31c9aa';
const SECRET = 'holdings-test-secret-8e02d7b5';
const BTC = 'BTC/USDT';

let lb: LoopbackExchange | undefined;
const open: { engine: Engine; session: ExchangeSession; client: Client }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) await stop(o);
  await lb?.stop();
  lb = undefined;
});

async function stop(o: (typeof open)[number]): Promise<void> {
  o.client.close();
  await o.engine.stop();
  o.session.venue.session.throttle.close('test over');
}

function settings(url: string): VenueSettings {
  return {
    exchangeId: 'binance',
    mode: 'live',
    symbols: [BTC],
    rateLimitFactor: 0.8,
    apiUrl: url,
    tuning: { pollMs: { orders: 100, book: 300, trades: 300, heartbeat: 1_000 }, timeoutMs: 4_000, inFlightMs: 400, backoffMs: { base: 50, max: 400 }, reconcileEveryMs: 0 },
  };
}

/** The engine `strata serve` builds for a live exchange, reached over the in-memory transport. */
async function startEngine(dataDir: string, url: string) {
  const session = await openExchangeSession(settings(url), { dataDir, env: { STRATA_API_KEY: KEY, STRATA_API_SECRET: SECRET }, log: () => undefined, seed: 3 });
  const engine = buildKernel(session.parts, { seed: 3, warmUpMinutes: 0, reconcileEveryMs: 0, l2: { cycleEveryMs: 0 } });
  await engine.start();
  const [server, end] = createMemoryPair();
  serveEndpoint(server, engine.handlers, engine.feed);
  const o = { engine, session, client: createClient(end, { timeoutMs: 60_000 }) };
  open.push(o);
  // L1 prices orders from the exchange's book: the first poll must have arrived.
  await waitFor(async () => ((await o.client.call('market.snapshot', { symbol: BTC })).book.bids.length > 0 ? true : undefined), 60_000, "the exchange's book");
  return o;
}

const btcHeld = () => lb!.engine.accounts.list(KEY).filter((b) => b.asset === 'BTC').reduce((s, b) => s + b.free + b.locked, 0n);

describe('exchange holdings on a live ccxt venue', () => {
  it('when the account holds coins at connect then they are journaled opening positions L1 and the PMS see; a deposit is taken over after two runs; a restart does not count them twice', async () => {
    lb = new LoopbackExchange({ accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '100000', BTC: '2' } }] });
    const url = await lb.start();
    const dir = tempDataDir('ccxt-holdings');
    const { client: c } = await startEngine(dir, url);

    // Positions start where the exchange is, not at zero.
    const pos = await c.call('positions.list');
    expect(pos.find((p) => p.symbol === BTC)).toMatchObject({ qty: 2 });
    // Cost basis at the mark read at connect (the still market's last trade or mid, near 64000).
    expect(pos.find((p) => p.symbol === BTC)!.avgPrice).toBeGreaterThan(63_000);
    const account = await c.call('account.get');
    expect(account.cash).toBe(100_000);
    expect(account.equity).toBeGreaterThan(100_000 + 2 * 63_000);
    // The operator sees where they came from.
    const view = await c.call('venue.reconciliation', {});
    const opening = view.runs.flatMap((r) => r.items).filter((i) => i.kind === 'opening_position');
    expect(opening).toEqual([expect.objectContaining({ symbol: BTC, status: 'done', outcome: expect.stringContaining('source: opening') })]);
    // L1 sees the holding: selling part of it is not a short.
    const sell = await c.call('orders.place', { symbol: BTC, side: 'sell', qty: '0.5', type: 'market', source: 'manual', confirm: true });
    await waitFor(async () => ((await c.call('orders.get', { orderId: sell.id })).status === 'FILLED' ? true : undefined), 30_000, 'the sell filled');
    const after = (await c.call('positions.list')).find((p) => p.symbol === BTC)!;
    expect(after.qty).toBe(1.5);
    expect(BigInt(Math.round(after.qty * 1e8))).toBe(btcHeld());
    // Journal and exchange agree: no balance difference.
    const run1 = await c.call('venue.reconcile');
    expect(run1.items.filter((i) => i.kind === 'balance')).toEqual([]);

    // A deposit at the exchange: reported once, taken over (journaled) when the next run sees the same.
    lb.engine.accounts.deposit(KEY, 'BTC', '0.25');
    const run2 = await c.call('venue.reconcile');
    expect(run2.items.filter((i) => i.kind === 'balance')).toEqual([expect.objectContaining({ status: 'needs_operator', actions: ['adopt', 'dismiss'] })]);
    expect((await c.call('positions.list')).find((p) => p.symbol === BTC)!.qty).toBe(1.5);
    const run3 = await c.call('venue.reconcile');
    expect(run3.items.filter((i) => i.kind === 'balance')).toEqual([expect.objectContaining({ status: 'done', outcome: expect.stringContaining('source: reconciliation') })]);
    expect((await c.call('positions.list')).find((p) => p.symbol === BTC)!.qty).toBe(1.75);
    expect((await c.call('venue.reconcile')).items.filter((i) => i.kind === 'balance')).toEqual([]);

    // A restart replays the journaled adjustments once: nothing opens again, nothing differs.
    await stop(open.pop()!);
    const { client: c2 } = await startEngine(dir, url);
    expect((await c2.call('positions.list')).find((p) => p.symbol === BTC)!.qty).toBe(1.75);
    const again = await c2.call('venue.reconcile');
    expect(again.items.filter((i) => i.kind === 'balance' || i.kind === 'opening_position')).toEqual([]);
    expect((await c2.call('venue.reconciliation', {})).runs.flatMap((r) => r.items).filter((i) => i.kind === 'opening_position')).toEqual([]);

    // A zero-byte account journal beside the account's history refuses the start (issue 8's guard, per account).
    await stop(open.pop()!);
    const journal = join(dir, 'accounts', 'binance-live', 'strata.sqlite');
    for (const f of [journal, `${journal}-wal`, `${journal}-shm`]) writeFileSync(f, '');
    const refused = await openExchangeSession(settings(url), { dataDir: dir, env: { STRATA_API_KEY: KEY, STRATA_API_SECRET: SECRET }, log: () => undefined, seed: 3 }).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirError);
    expect((refused as Error).message).toMatch(/strata\.sqlite is empty .*--fresh/);
  });
});

describe('UNRESOLVED on a live ccxt venue', () => {
  it('when a create times out after the exchange made the order then the order is UNRESOLVED (shown, counted as working), never resent, and settled by client order id', async () => {
    lb = new LoopbackExchange({ accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '100000' } }] });
    const url = await lb.start();
    const { engine, client: c } = await startEngine(tempDataDir('ccxt-unresolved'), url);
    const seen: OrderDto[] = [];
    engine.feed.subscribe((type, payload) => {
      if (type === 'order.updated') seen.push(payload as OrderDto);
    });
    lb.addFault({ method: 'POST', path: '/api/v3/order', action: { kind: 'hang_after_process' } });
    const o = await c.call('orders.place', { symbol: BTC, side: 'buy', qty: '0.01', type: 'limit', price: '60000', source: 'manual', confirm: true });
    const unresolved = await waitFor(() => seen.find((x) => x.id === o.id && x.status === 'UNRESOLVED'), 30_000, 'the order UNRESOLVED');
    expect(unresolved).toMatchObject({ displayStatus: 'unresolved', reason: { code: expect.any(String) } });
    // The CLI's blotter prints it as such.
    expect(orderRows([unresolved], new Map())).toContain('UNRESOLVED');
    // Settled by client order id: the exchange has it, working.
    const settled = await waitFor(async () => {
      const x = await c.call('orders.get', { orderId: o.id });
      return x.status === 'PENDING' ? x : undefined;
    }, 30_000, 'the order settled');
    expect(settled.reason).toBeNull();
    expect(lb.engine.orders().filter((x) => x.clientOrderId === o.id)).toHaveLength(1);
    // Between the two, nothing else was guessed: no REJECTED, no second create.
    const statuses = seen.filter((x) => x.id === o.id).map((x) => x.status);
    expect(statuses).not.toContain('REJECTED');
    expect(statuses.indexOf('UNRESOLVED')).toBeLessThan(statuses.lastIndexOf('PENDING'));
  });

  it('when the connection drops before the exchange saw a create then the order is UNRESOLVED and ends REJECTED only once the exchange certainly has none', async () => {
    lb = new LoopbackExchange({ accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '100000' } }] });
    const url = await lb.start();
    const { engine, client: c } = await startEngine(tempDataDir('ccxt-unresolved-drop'), url);
    const seen: OrderDto[] = [];
    engine.feed.subscribe((type, payload) => {
      if (type === 'order.updated') seen.push(payload as OrderDto);
    });
    lb.addFault({ method: 'POST', path: '/api/v3/order', action: { kind: 'drop' } });
    const o = await c.call('orders.place', { symbol: BTC, side: 'buy', qty: '0.01', type: 'limit', price: '60000', source: 'manual', confirm: true });
    await waitFor(() => seen.find((x) => x.id === o.id && x.status === 'UNRESOLVED'), 30_000, 'the order UNRESOLVED');
    const ended = await waitFor(async () => {
      const x = await c.call('orders.get', { orderId: o.id });
      return x.status === 'REJECTED' ? x : undefined;
    }, 30_000, 'the order ended');
    expect(ended.reason?.code).toMatch(/UNKNOWN_AT_VENUE|NOT_ACKNOWLEDGED/);
    expect(lb.engine.orders()).toHaveLength(0);
  });
});
