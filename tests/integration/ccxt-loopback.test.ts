import { afterEach, describe, expect, it } from 'vitest';
import type { VenueEvent } from '../../src/core/ports.ts';
import { createExchange } from '../../src/venues/ccxt/exchange-factory.ts';
import { VenueRequestError } from '../../src/venues/ccxt/port.ts';
import { reconcile } from '../../src/venues/ccxt/reconcile.ts';
import { gatherReconcileInput } from '../../src/venues/ccxt/reconcile-run.ts';
import { API_KEY, API_SECRET, eventOf, startLoopbackVenue, until } from '../fixtures/ccxt/loopback-venue.ts';
import type { LoopbackVenue } from '../fixtures/ccxt/loopback-venue.ts';

/**
 * The real ccxt client (binance) against the loopback exchange on 127.0.0.1: orders, partial and
 * full fills, cancels, and every row of the fault table of issue 13.
 */
const BTC = 'BTC/USDT';
// The still market: best bid 63999.99, best ask 64000.00, levels 1.00 apart.
const px = (p: string) => BigInt(Math.round(Number(p) * 100));
const qty = (q: string) => BigInt(Math.round(Number(q) * 1e5));

let t: LoopbackVenue | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function rejection(p: Promise<unknown>): Promise<VenueRequestError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VenueRequestError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

const ordersAt = (x: LoopbackVenue, cid: string) => x.lb.engine.orders().filter((o) => o.clientOrderId === cid);

describe('orders through ccxt on the loopback exchange', () => {
  it('when a market order is sent then it is accepted and filled once, under our client order id', async () => {
    t = await startLoopbackVenue();
    await t.venue.submit({ clientOrderId: 'S-000001', symbol: BTC, side: 'buy', type: 'market', tif: 'ioc', qtyUnits: qty('0.01'), priceUnits: null });
    const accepted = eventOf(t.events, 'accepted', 'S-000001');
    const fill = eventOf(t.events, 'fill', 'S-000001');
    expect(accepted?.venueOrderId).toBe(String(ordersAt(t, 'S-000001')[0]!.orderId));
    expect(fill?.fill.qtyUnits).toBe(qty('0.01'));
    expect(fill?.fill.priceUnits).toBe(px('64000'));
    // 10 bps of 640 USDT, in 1e-8 cash units.
    expect(fill?.fill.feeUnits).toBe(64_000_000n);
    const fills = await t.venue.fetchFills('S-000001', BTC);
    expect(fills.map((f) => f.fillId)).toEqual([fill!.fill.fillId]);
    const status = await t.venue.fetchOrder('S-000001', BTC);
    expect(status).toMatchObject({ state: 'filled', filledUnits: qty('0.01') });
  });

  it('when a resting order is hit in two parts then the partial is reported while ccxt still says open, then the fill', async () => {
    t = await startLoopbackVenue();
    // Between two crowd levels, so nobody is queued ahead.
    await t.venue.submit({ clientOrderId: 'S-000002', symbol: BTC, side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty('0.01'), priceUnits: px('63999.50') });
    expect(eventOf(t.events, 'accepted', 'S-000002')).toBeDefined();
    t.lb.engine.crowdTrade(BTC, 'sell', '0.004', '63999.50');
    const first = await until(() => eventOf(t!.events, 'fill', 'S-000002'), 'the partial fill');
    expect(first.fill.qtyUnits).toBe(qty('0.004'));
    expect(first.fill.liquidity).toBe('maker');
    expect(await t.venue.fetchOrder('S-000002', BTC)).toMatchObject({ state: 'open', filledUnits: qty('0.004') });
    t.lb.engine.crowdTrade(BTC, 'sell', '0.02', '63999.50');
    await until(() => (t!.events.filter((e) => e.type === 'fill' && e.fill.clientOrderId === 'S-000002').length === 2 ? true : undefined), 'the second fill');
    const fills = t.events.filter((e): e is Extract<VenueEvent, { type: 'fill' }> => e.type === 'fill' && e.fill.clientOrderId === 'S-000002');
    expect(fills.reduce((s, e) => s + e.fill.qtyUnits, 0n)).toBe(qty('0.01'));
    expect(new Set(fills.map((e) => e.fill.fillId)).size).toBe(2);
    expect(await t.venue.fetchOrder('S-000002', BTC)).toMatchObject({ state: 'filled' });
  });

  it('when a resting order is cancelled then one cancelled event comes, and a second cancel finds it finished', async () => {
    t = await startLoopbackVenue();
    await t.venue.submit({ clientOrderId: 'S-000003', symbol: BTC, side: 'sell', type: 'limit', tif: 'gtc', qtyUnits: qty('0.5'), priceUnits: px('70000') });
    await t.venue.cancel('S-000003', BTC);
    expect(eventOf(t.events, 'cancelled', 'S-000003')).toBeDefined();
    await t.venue.cancel('S-000003', BTC);
    expect(t.events.filter((e) => e.type === 'cancelled' || e.type === 'cancelRejected')).toHaveLength(1);
    expect(ordersAt(t, 'S-000003')[0]!.status).toBe('CANCELED');
  });

  it('when cancel-all runs then every open order of the symbol ends cancelled', async () => {
    t = await startLoopbackVenue();
    await t.venue.submit({ clientOrderId: 'S-000004', symbol: BTC, side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty('0.01'), priceUnits: px('60000') });
    await t.venue.submit({ clientOrderId: 'S-000005', symbol: BTC, side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty('0.01'), priceUnits: px('60001') });
    expect((await t.venue.cancelAll(BTC)).sort()).toEqual(['S-000004', 'S-000005']);
    expect(eventOf(t.events, 'cancelled', 'S-000004')).toBeDefined();
    expect(eventOf(t.events, 'cancelled', 'S-000005')).toBeDefined();
    expect(await t.venue.fetchOpenOrders()).toEqual([]);
    // Nothing left open: the exchange's "unknown order" means nothing to cancel, not a failure.
    expect(await t.venue.cancelAll(BTC)).toEqual([]);
  });

  it('when an IOC limit meets less than its size then the rest expires after the fill', async () => {
    t = await startLoopbackVenue();
    await t.venue.submit({ clientOrderId: 'S-000006', symbol: BTC, side: 'buy', type: 'limit', tif: 'ioc', qtyUnits: qty('1'), priceUnits: px('64000') });
    const kinds = t.events.filter((e) => (e.type === 'fill' ? e.fill.clientOrderId : 'clientOrderId' in e ? e.clientOrderId : '') === 'S-000006').map((e) => e.type);
    expect(kinds[0]).toBe('accepted');
    expect(kinds.at(-1)).toBe('expired');
    expect(kinds.filter((k) => k === 'fill').length).toBeGreaterThan(0);
  });
});

describe('the fault table, against the real ccxt client', () => {
  it('when a create times out after the exchange made the order then it is UNRESOLVED, never resent, and settled by client order id', async () => {
    t = await startLoopbackVenue();
    t.lb.addFault({ method: 'POST', path: '/api/v3/order', action: { kind: 'hang_after_process' } });
    const err = await rejection(t.venue.submit({ clientOrderId: 'F-000001', symbol: BTC, side: 'buy', type: 'market', tif: 'ioc', qtyUnits: qty('0.01'), priceUnits: null }));
    expect(err).toMatchObject({ outcome: 'unresolved', code: 'VENUE_TIMEOUT' });
    // The venue's own poll settles it: accepted, then its fill, from the order found by client id.
    await until(() => eventOf(t!.events, 'fill', 'F-000001'), 'the settled fill');
    expect(eventOf(t.events, 'accepted', 'F-000001')).toBeDefined();
    expect(ordersAt(t, 'F-000001')).toHaveLength(1);
    expect(t.lb.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order')).toHaveLength(1);
    expect(await t.venue.fetchOrder('F-000001', BTC)).toMatchObject({ state: 'filled', filledUnits: qty('0.01') });
  });

  it('when the connection drops before the exchange saw a create then it is UNRESOLVED until several not-founds declare it never made', async () => {
    t = await startLoopbackVenue();
    t.lb.addFault({ method: 'POST', path: '/api/v3/order', action: { kind: 'drop' } });
    const err = await rejection(t.venue.submit({ clientOrderId: 'F-000002', symbol: BTC, side: 'buy', type: 'market', tif: 'ioc', qtyUnits: qty('0.01'), priceUnits: null }));
    expect(err.outcome).toBe('unresolved');
    // While the create could still be in flight, "not found" is no answer.
    const early = await rejection(t.venue.fetchOrder('F-000002', BTC));
    expect(early).toMatchObject({ code: 'ORDER_NOT_YET_VISIBLE', outcome: 'retry' });
    const rejected = await until(() => eventOf(t!.events, 'rejected', 'F-000002'), 'the never-made verdict');
    expect(rejected.code).toBe('UNKNOWN_AT_VENUE');
    expect(t.lb.requests.filter((r) => r.method === 'GET' && r.path === '/api/v3/order').length).toBeGreaterThanOrEqual(3);
    expect(ordersAt(t, 'F-000002')).toHaveLength(0);
  });

  it('when the exchange answers 429 with Retry-After then every caller waits it out and the read succeeds', async () => {
    t = await startLoopbackVenue();
    t.lb.addFault({ method: 'GET', path: '/api/v3/openOrders', action: { kind: 'status', status: 429, retryAfterSec: 1 } });
    const t0 = Date.now();
    expect(await t.venue.fetchOpenOrders()).toEqual([]);
    const hits = t.lb.requests.filter((r) => r.path === '/api/v3/openOrders');
    expect(hits.map((h) => h.status)).toEqual([429, 200]);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(990);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
  });

  it('when the exchange is slow then a read within the timeout succeeds, and one past it is retried', async () => {
    t = await startLoopbackVenue();
    t.lb.addFault({ method: 'GET', path: '/api/v3/openOrders', action: { kind: 'latency', ms: 300 } });
    expect(await t.venue.fetchOpenOrders()).toEqual([]);
    t.lb.addFault({ method: 'GET', path: '/api/v3/openOrders', action: { kind: 'latency', ms: 3_000 } });
    const t1 = Date.now();
    expect(await t.venue.fetchOpenOrders()).toEqual([]);
    // The slow one timed out at the client (1 s) and the retry was answered well before the fake's late answer.
    const took = Date.now() - t1;
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThan(3_000);
    expect(t.lb.requests.filter((r) => r.path === '/api/v3/openOrders' && r.status === 200)).toHaveLength(2);
    expect(t.venue.connection()).toBe('connected');
  });

  it('when a create gets 429 then nothing was made and the outcome is retry', async () => {
    t = await startLoopbackVenue();
    t.lb.addFault({ method: 'POST', path: '/api/v3/order', action: { kind: 'status', status: 429, retryAfterSec: 1 } });
    const err = await rejection(t.venue.submit({ clientOrderId: 'F-000003', symbol: BTC, side: 'buy', type: 'market', tif: 'ioc', qtyUnits: qty('0.01'), priceUnits: null }));
    expect(err).toMatchObject({ outcome: 'retry', code: 'VENUE_RATE_LIMITED' });
    expect(ordersAt(t, 'F-000003')).toHaveLength(0);
  });

  it('when the exchange answers 418 then all requests pause for its Retry-After and the operator is told', async () => {
    t = await startLoopbackVenue();
    t.lb.addFault({ method: 'GET', path: '/api/v3/openOrders', action: { kind: 'status', status: 418, retryAfterSec: 2 } });
    const read = t.venue.fetchOpenOrders();
    const alert = await until(() => t!.alerts.find((a) => a.code === 'VENUE_IP_BANNED'), 'the ban alert');
    expect(alert.level).toBe('error');
    expect(t.venue.session.throttle.pausedUntil()).toBeDefined();
    // Another caller during the ban waits too: nothing reaches the exchange until the pause ends.
    const other = t.venue.fetchAccount();
    await Promise.all([read, other]);
    const banAt = t.lb.requests.find((r) => r.status === 418)!.at;
    const after = t.lb.requests.filter((r) => r.at > banAt);
    expect(after.length).toBeGreaterThan(0);
    expect(Math.min(...after.map((r) => r.at)) - banAt).toBeGreaterThanOrEqual(1_990);
  });

  it('when a read meets 503 then it is retried with backoff; a create meeting 503 is unresolved, not resent', async () => {
    t = await startLoopbackVenue();
    t.lb.addFault({ method: 'GET', path: '/api/v3/openOrders', action: { kind: 'status', status: 503 } });
    expect(await t.venue.fetchOpenOrders()).toEqual([]);
    expect(t.lb.requests.filter((r) => r.path === '/api/v3/openOrders').map((r) => r.status)).toEqual([503, 200]);
    t.lb.addFault({ method: 'POST', path: '/api/v3/order', action: { kind: 'status', status: 503 } });
    const err = await rejection(t.venue.submit({ clientOrderId: 'F-000004', symbol: BTC, side: 'buy', type: 'market', tif: 'ioc', qtyUnits: qty('0.01'), priceUnits: null }));
    expect(err).toMatchObject({ outcome: 'unresolved', code: 'VENUE_UNAVAILABLE' });
    await until(() => eventOf(t!.events, 'rejected', 'F-000004'), 'the settle verdict');
    expect(t.lb.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order')).toHaveLength(1);
  });

  it('when funds are short or a filter fails then the order is REJECTED with the exchange reason and not retried', async () => {
    t = await startLoopbackVenue();
    await t.venue.submit({ clientOrderId: 'F-000005', symbol: BTC, side: 'buy', type: 'market', tif: 'ioc', qtyUnits: qty('5'), priceUnits: null });
    expect(eventOf(t.events, 'rejected', 'F-000005')).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(eventOf(t.events, 'rejected', 'F-000005')!.message).toMatch(/insufficient balance/);
    await t.venue.submit({ clientOrderId: 'F-000006', symbol: BTC, side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty('0.00001'), priceUnits: px('60000') });
    const r = eventOf(t.events, 'rejected', 'F-000006');
    expect(r?.message).toMatch(/NOTIONAL/);
    expect(t.lb.requests.filter((q) => q.method === 'POST')).toHaveLength(2);
  });

  it('when a client order id already exists at the exchange then it is adopted, not created again', async () => {
    t = await startLoopbackVenue();
    await t.venue.submit({ clientOrderId: 'F-000007', symbol: BTC, side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty('0.01'), priceUnits: px('60000') });
    // A restarted Strata that journaled the order but never heard back sends it again.
    const restarted = await t.another();
    const seen: VenueEvent[] = [];
    restarted.onEvent((e) => seen.push(e));
    await restarted.submit({ clientOrderId: 'F-000007', symbol: BTC, side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty('0.01'), priceUnits: px('60000') });
    expect(seen.map((e) => e.type)).toEqual(['accepted']);
    expect(ordersAt(t, 'F-000007')).toHaveLength(1);
  });

  it('when the timestamp is outside recvWindow then the clock offset is resynced and the create sent once more', async () => {
    t = await startLoopbackVenue();
    t.lb.setClockSkew(-30_000);
    await t.venue.submit({ clientOrderId: 'F-000008', symbol: BTC, side: 'buy', type: 'market', tif: 'ioc', qtyUnits: qty('0.01'), priceUnits: null });
    expect(eventOf(t.events, 'fill', 'F-000008')).toBeDefined();
    expect(ordersAt(t, 'F-000008')).toHaveLength(1);
    const posts = t.lb.requests.filter((r) => r.method === 'POST');
    expect(posts.map((p) => p.status)).toEqual([400, 200]);
    expect(t.lb.requests.some((r) => r.path === '/api/v3/time')).toBe(true);
  });

  it('when the key or signature is refused then trading stops on that venue, the operator is told, the book is kept, and no secret leaks', async () => {
    t = await startLoopbackVenue();
    await t.venue.submit({ clientOrderId: 'F-000009', symbol: BTC, side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty('0.01'), priceUnits: px('60000') });
    const bad = await t.another({ secret: 'a-wrong-secret-value-123' });
    const alerts: string[] = [];
    bad.onAlert((a) => alerts.push(`${a.code} ${a.message}`));
    const err = await rejection(bad.submit({ clientOrderId: 'F-000010', symbol: BTC, side: 'buy', type: 'market', tif: 'ioc', qtyUnits: qty('0.01'), priceUnits: null }));
    expect(err).toMatchObject({ outcome: 'rejected', code: 'VENUE_AUTH_FAILED' });
    expect(alerts.join('\n')).toMatch(/trading stopped/);
    const posts = t.lb.requests.filter((r) => r.method === 'POST').length;
    const again = await rejection(bad.submit({ clientOrderId: 'F-000011', symbol: BTC, side: 'buy', type: 'market', tif: 'ioc', qtyUnits: qty('0.01'), priceUnits: null }));
    expect(again.code).toBe('VENUE_AUTH_FAILED');
    expect(t.lb.requests.filter((r) => r.method === 'POST').length).toBe(posts);
    for (const text of [err.message, again.message, ...alerts]) {
      expect(text).not.toContain('a-wrong-secret-value-123');
      expect(text).not.toContain(API_KEY);
    }
    expect(t.lb.engine.openOrders(API_KEY)).toHaveLength(1);
  });

  it('when a cancel finds no order then it is checked again and declared lost only after several not-founds', async () => {
    t = await startLoopbackVenue();
    await t.venue.cancel('F-NOPE-1', BTC);
    const r = eventOf(t.events, 'cancelRejected', 'F-NOPE-1');
    expect(r?.code).toBe('ORDER_LOST');
    expect(t.lb.requests.filter((q) => q.method === 'DELETE').length).toBe(3);
    expect(t.alerts.some((a) => a.code === 'ORDER_LOST')).toBe(true);
  });

  it('when a cancel finds the order already filled then the fill is reported, not a loss', async () => {
    t = await startLoopbackVenue();
    await t.venue.submit({ clientOrderId: 'F-000012', symbol: BTC, side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty('0.01'), priceUnits: px('63999.50') });
    t.lb.engine.crowdTrade(BTC, 'sell', '0.01', '63999.50');
    const other = await t.another();
    const seen: VenueEvent[] = [];
    other.onEvent((e) => seen.push(e));
    await other.cancel('F-000012', BTC);
    expect(seen.map((e) => e.type)).toEqual(['fill']);
  });

  it('when the exchange goes away then the connection is disconnected, and after its restart the resting book is still there', async () => {
    t = await startLoopbackVenue({ venue: { pollMs: { orders: 100, book: 60_000, trades: 60_000, heartbeat: 100 } } });
    await t.venue.submit({ clientOrderId: 'F-000013', symbol: BTC, side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty('0.01'), priceUnits: px('60000') });
    expect(t.venue.connection()).toBe('connected');
    const states: string[] = [];
    t.venue.onConnection((c) => states.push(c));
    const restart = t.lb.restart(600);
    await until(() => (t!.venue.connection() === 'disconnected' ? true : undefined), 'disconnected');
    await restart;
    await until(() => (t!.venue.connection() === 'connected' ? true : undefined), 'connected again');
    expect(states).toEqual(['disconnected', 'connected']);
    expect(await t.venue.fetchOrder('F-000013', BTC)).toMatchObject({ state: 'open' });
  });
});

describe('rate budget and reconciliation', () => {
  it('when many callers read at once then no window is over budget: none of the exchange\'s windows refuses, and our admissions stay within it', async () => {
    // 90% of the exchange's 120 per second: the rest absorbs the network's jitter between our admission and the exchange's count.
    t = await startLoopbackVenue({ lb: { weights: { limit: 120, windowMs: 1_000 } }, venue: { weightBudget: { limit: 120, windowMs: 1_000 }, rateLimitFactor: 0.9 } });
    const reads: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) reads.push(t.venue.fetchOrder(`R-${i}`, BTC).catch(() => undefined));
    for (let i = 0; i < 8; i++) reads.push(t.venue.fetchAccount());
    await Promise.all(reads);
    // The exchange counted every request in its own windows and never had to refuse one.
    expect(t.lb.weights.refused).toEqual([]);
    const total = t.lb.weights.admitted.reduce((s, a) => s + a.weight, 0);
    expect(total).toBeGreaterThan(2 * 120);
    const perWindow = new Map<number, number>();
    for (const a of t.lb.weights.admitted) perWindow.set(Math.floor(a.at / 1_000), (perWindow.get(Math.floor(a.at / 1_000)) ?? 0) + a.weight);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(120);
    // Our side: what the throttle admitted in any sliding window (plus its guard) never passed its limit.
    expect(t.venue.session.throttle.peak).toBeLessThanOrEqual(108);
  });

  it('when an order was placed outside Strata and a fill was missed then reconcile adopts the order and applies the fill once', async () => {
    t = await startLoopbackVenue();
    await t.venue.submit({ clientOrderId: 'J-000001', symbol: BTC, side: 'buy', type: 'limit', tif: 'gtc', qtyUnits: qty('0.01'), priceUnits: px('63999.50') });
    t.lb.engine.crowdTrade(BTC, 'sell', '0.003', '63999.50');
    // The operator's phone app places an order on the same account.
    const phone = await createExchange({ exchangeId: 'binance', apiKey: API_KEY, secret: API_SECRET, apiUrl: t.lb.url });
    await phone.createOrder(BTC, 'limit', 'sell', 0.02, 71000, { clientOrderId: 'phone-app-1' });
    const input = await gatherReconcileInput(t.venue, {
      open: [{ clientOrderId: 'J-000001', symbol: BTC, side: 'buy', qtyUnits: qty('0.01'), filledUnits: 0n, venueOrderId: null }],
      knownClientIds: new Set(['J-000001']),
      knownFillIds: new Set(),
    });
    const { actions, differences } = reconcile(input);
    const applied = actions.filter((a) => a.kind === 'apply_fill');
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ fill: { clientOrderId: 'J-000001', qtyUnits: qty('0.003') } });
    const adopted = actions.filter((a) => a.kind === 'adopt_external');
    expect(adopted).toHaveLength(1);
    expect(adopted[0]).toMatchObject({ order: { clientOrderId: 'phone-app-1', side: 'sell', qtyUnits: qty('0.02'), priceUnits: px('71000') } });
    expect(differences.every((d) => !d.needsOperator)).toBe(true);
    // Run again with the fill recorded: nothing is applied twice.
    const again = reconcile({ ...input, knownFillIds: new Set(applied.map((a) => (a.kind === 'apply_fill' ? a.fill.fillId : ''))), knownClientIds: new Set(['J-000001', 'phone-app-1']) });
    expect(again.actions.filter((a) => a.kind === 'apply_fill' || a.kind === 'adopt_external')).toEqual([]);
  });
});
