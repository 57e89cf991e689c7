import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../../src/contract/rpc.ts';
import { createExchange } from '../../src/venues/ccxt/exchange-factory.ts';
import { LoopbackExchange } from '../../src/venues/loopback/loopback-exchange.ts';
import type { ServeProcess } from './harness.ts';
import { clientFor, killHard, spawnServe, tempDataDir, waitFor } from './harness.ts';

/**
 * `strata serve --venue ccxt:binance` against the loopback exchange on 127.0.0.1, with the real ccxt
 * client in the engine process: orders through the contract, an external order adopted by
 * reconciliation, and kill -9 of the engine in the middle of creates.
 */
const KEY = 'serve-test-key-5d1e8a';
const SECRET = 'serve-test-secret-0c94f7e2';
const BTC = 'BTC/USDT';

const running: ServeProcess[] = [];
const clients: Client[] = [];
let lb: LoopbackExchange | undefined;
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const p of running.splice(0)) await killHard(p);
  await lb?.stop();
  lb = undefined;
});

async function startLoopback(): Promise<string> {
  lb = new LoopbackExchange({ accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '100000', BTC: '0.5' } }] });
  return lb.start();
}

/** A data dir whose venue.json carries fast polls (the defaults suit a real exchange, not a test). */
function dataDirFor(tag: string, url: string): string {
  const dir = tempDataDir(tag);
  const venue = {
    exchangeId: 'binance',
    mode: 'live',
    symbols: [BTC],
    rateLimitFactor: 0.8,
    apiUrl: url,
    tuning: { pollMs: { orders: 100, book: 500, trades: 500, heartbeat: 1_000 }, timeoutMs: 1_500, inFlightMs: 500, backoffMs: { base: 50, max: 400 }, reconcileEveryMs: 0 },
  };
  writeFileSync(join(dir, 'venue.json'), JSON.stringify(venue), { mode: 0o600 });
  return dir;
}

const env = () => ({ ...process.env, STRATA_API_KEY: KEY, STRATA_API_SECRET: SECRET });

async function serve(dir: string, url: string): Promise<{ p: ServeProcess; c: Client }> {
  const p = await spawnServe(dir, ['--venue', 'ccxt:binance', '--venue-url', url, '--mode', 'live', '--symbols', BTC], env(), 120_000);
  running.push(p);
  const c = await clientFor(p);
  clients.push(c);
  return { p, c };
}

const atExchange = (cid: string) => lb!.engine.orders().filter((o) => o.clientOrderId === cid);

describe('strata serve on a ccxt exchange (loopback Binance, real ccxt)', () => {
  it('when orders are placed, filled and cancelled through the contract then the exchange and the journal agree', async () => {
    const url = await startLoopback();
    const dir = dataDirFor('ccxt-serve', url);
    const { c } = await serve(dir, url);
    const info = await c.call('session.info');
    expect(info).toMatchObject({ mode: 'live', venue: 'ccxt:binance', venueMode: 'live' });
    expect(info.account).toContain('binance');
    expect(info.account).not.toContain(KEY);
    // A live session keeps no simulated-venue books.
    expect(existsSync(join(dir, 'sim-venue.sqlite'))).toBe(false);
    const vinfo = await waitFor(async () => {
      const v = await c.call('venue.info');
      return v.connection === 'connected' && v.lastReconciledAt !== null ? v : undefined;
    }, 20_000, 'a connected venue, reconciled at start');
    expect(vinfo).toMatchObject({ kind: 'ccxt', exchangeId: 'binance', venueMode: 'live', apiUrl: url });
    // The exchange's holdings are the opening position (issue 13): L1 and the PMS count them. With
    // 2 BTC (56% of NAV) the default 50% position limit rightly denied the buy below.
    expect((await c.call('positions.list')).find((p) => p.symbol === BTC)?.qty).toBe(0.5);

    const buy = await c.call('orders.place', { symbol: BTC, side: 'buy', qty: '0.01', type: 'market', source: 'manual', confirm: true });
    const filled = await waitFor(async () => {
      const o = await c.call('orders.get', { orderId: buy.id });
      return o.status === 'FILLED' ? o : undefined;
    }, 20_000, 'the market order filled');
    expect(filled.filledQty).toBe(0.01);
    expect(atExchange(buy.id)).toHaveLength(1);
    expect(atExchange(buy.id)[0]!.status).toBe('FILLED');
    const fills = await c.call('fills.list', { limit: 100 });
    expect(fills.filter((f) => f.orderId === buy.id)).toHaveLength(1);

    const rest = await c.call('orders.place', { symbol: BTC, side: 'buy', qty: '0.01', type: 'limit', price: '63000', source: 'manual', confirm: true });
    await waitFor(async () => ((await c.call('orders.get', { orderId: rest.id })).status === 'PENDING' ? true : undefined), 20_000, 'the limit order acknowledged');
    await c.call('orders.cancel', { orderId: rest.id });
    await waitFor(async () => ((await c.call('orders.get', { orderId: rest.id })).status === 'CANCELLED' ? true : undefined), 20_000, 'the cancel confirmed');
    expect(atExchange(rest.id)[0]!.status).toBe('CANCELED');

    // Write-only keys: accepted, never echoed; the config says they are stored.
    const kept = await c.call('venue.keys.set', { exchangeId: 'binance', apiKey: KEY, secret: SECRET }).catch((e: unknown) => e);
    // Without a vault passphrase the engine cannot protect keys and says so (typed, not a crash).
    expect(JSON.stringify(kept)).not.toContain(SECRET);
    const cfg = await c.call('venue.config.get');
    expect(cfg).toMatchObject({ exchangeId: 'binance', mode: 'live', symbols: [BTC], apiUrl: url, keysStored: true, pending: false });
    expect(JSON.stringify(cfg)).not.toContain(SECRET);
    await expect(c.call('venue.config.set', { exchangeId: 'binance', mode: 'live', symbols: [BTC], apiUrl: url })).rejects.toMatchObject({ code: 'VENUE_REJECTED' });
  });

  it('when an order was placed at the exchange outside Strata then reconciliation adopts it as EXTERNAL and the operator can cancel it', async () => {
    const url = await startLoopback();
    const { c } = await serve(dataDirFor('ccxt-ext', url), url);
    const other = await createExchange({ exchangeId: 'binance', apiKey: KEY, secret: SECRET, apiUrl: url });
    await other.loadMarkets();
    await other.createOrder(BTC, 'limit', 'buy', 0.02, 62000, { clientOrderId: 'phone-app-1' });
    const run = await c.call('venue.reconcile');
    expect(run.ok).toBe(true);
    const item = run.items.find((i) => i.kind === 'external_order' && i.clientOrderId === 'phone-app-1');
    expect(item).toMatchObject({ status: 'needs_operator', actions: ['cancel', 'dismiss'] });
    const adopted = await c.call('orders.get', { orderId: 'phone-app-1' });
    expect(adopted).toMatchObject({ status: 'PENDING', symbol: BTC, side: 'buy', qty: 0.02 });
    expect(adopted.reason?.code).toBe('EXTERNAL');
    // Counted in exposure: the account reserves cash for it like any working buy.
    const account = await c.call('account.get');
    expect(account.reservedCash).toBeGreaterThan(0);
    const view = await c.call('venue.reconciliation', {});
    expect(view.open.map((i) => i.id)).toContain(item!.id);
    const done = await c.call('venue.reconciliation.act', { itemId: item!.id, action: 'cancel' });
    expect(done.status).toBe('resolved');
    await waitFor(async () => ((await c.call('orders.get', { orderId: 'phone-app-1' })).status === 'CANCELLED' ? true : undefined), 20_000, 'the external order cancelled');
    expect(atExchange('phone-app-1')[0]!.status).toBe('CANCELED');
    // A second run finds nothing new to adopt.
    const again = await c.call('venue.reconcile');
    expect(again.items.filter((i) => i.kind === 'external_order')).toHaveLength(0);
  });

  it('when the mode is paper then orders fill against the live book in the simulated venue and never reach the exchange', async () => {
    const url = await startLoopback();
    const dir = dataDirFor('ccxt-paper', url);
    const p = await spawnServe(dir, ['--venue', 'ccxt:binance', '--venue-url', url, '--mode', 'paper', '--symbols', BTC], { ...process.env, STRATA_API_KEY: '', STRATA_API_SECRET: '' }, 120_000);
    running.push(p);
    const c = await clientFor(p);
    clients.push(c);
    expect(await c.call('session.info')).toMatchObject({ mode: 'paper', venue: 'paper:binance', venueMode: 'paper', account: 'paper on binance' });
    // The live book reaches the paper venue (its crowd), then a market buy walks it.
    await waitFor(async () => ((await c.call('market.snapshot', { symbol: BTC })).book.asks[0]?.price === 64000 ? true : undefined), 60_000, 'the live book in the paper venue');
    const buy = await c.call('orders.place', { symbol: BTC, side: 'buy', qty: '0.01', type: 'market', source: 'manual', confirm: true });
    const o = await waitFor(async () => {
      const x = await c.call('orders.get', { orderId: buy.id });
      return x.status === 'FILLED' ? x : undefined;
    }, 30_000, 'the paper fill');
    expect(o.avgPrice).toBe(64000);
    expect(lb!.engine.orders()).toHaveLength(0);
    await expect(c.call('venue.reconcile')).rejects.toMatchObject({ code: 'VENUE_REJECTED' });
  });
});
