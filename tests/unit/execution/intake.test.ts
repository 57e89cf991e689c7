import { afterEach, describe, expect, it } from 'vitest';
import { RpcError } from '../../../src/contract/errors.ts';
import { SimClock, SimClockDriver } from '../../../src/core/clock.ts';
import { DomainError } from '../../../src/core/errors.ts';
import type { Order } from '../../../src/core/order.ts';
import { createEngine } from '../../../src/kernel/engine.ts';
import type { Engine } from '../../../src/kernel/engine.ts';
import { OrderIntake } from '../../../src/execution/intake.ts';
import type { IntakeRequest, OrderTicket } from '../../../src/execution/intake.ts';
import type { PlaceRequest } from '../../../src/execution/oms.ts';
import { route } from '../../../src/execution/routing.ts';
import { Oms } from '../../../src/execution/oms.ts';
import { omsHarness } from '../../fixtures/engine/oms-harness.ts';

/**
 * OrderIntake: every order enters through submit() with its origin and approval as data; L1's
 * verdict (denial, soft breach to confirm) comes back as a value; quantity is parsed once.
 */

const T0 = Date.UTC(2026, 0, 5, 14, 30);
const engines: Engine[] = [];

afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
});

/** A backtest kernel in memory on the demo market with the default limits (BTC/USDT order qty: soft 2, hard 5). */
async function kernel(): Promise<{ engine: Engine; clock: SimClock }> {
  const clock = new SimClock(T0);
  const engine = createEngine({ mode: 'backtest', durability: 'memory', clock, seed: 5, warmUpMinutes: 1, log: () => undefined });
  await engine.start();
  engines.push(engine);
  new SimClockDriver(clock).runToEnd(clock.now() + 2_000);
  return { engine, clock };
}

function ticket(over: Partial<OrderTicket> = {}): OrderTicket {
  return { symbol: 'BTC/USDT', side: 'buy', qty: 0.1, type: 'market', tif: 'gtc', urgency: 'immediate', ...over };
}

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('OrderIntake in the kernel', () => {
  it('when an approved signal order enters then its origin, approver and proposal are on the order and its DTO', async () => {
    const { engine } = await kernel();
    const r = engine.intake.submit({ order: ticket(), origin: 'signal', approvedBy: 'operator', proposalId: 'P-42', confirmSoft: false });
    expect(r.kind).toBe('admitted');
    if (r.kind === 'held') return;
    expect(r.order).toMatchObject({ source: 'signal', approvedBy: 'operator', proposalId: 'P-42', riskConfirmed: false });
    const dto = await engine.handlers['orders.get']({ orderId: r.order.id });
    expect(dto).toMatchObject({ origin: 'signal', source: 'signal', approvedBy: 'operator', proposalId: 'P-42' });
  });

  it('when a manual order breaches a soft limit then it is held as data, nothing is journaled, and confirmed it is admitted', async () => {
    const { engine } = await kernel();
    const before = await engine.handlers['orders.list']({ scope: 'all', limit: 100 });
    const held = engine.intake.submit({ order: ticket({ qty: 3 }), origin: 'manual', confirmSoft: false });
    expect(held).toMatchObject({ kind: 'held', code: 'MAX_ORDER_QTY' });
    if (held.kind !== 'held') return;
    expect(held.breaches.map((b) => b.code)).toContain('MAX_ORDER_QTY');
    expect(await engine.handlers['orders.list']({ scope: 'all', limit: 100 })).toHaveLength(before.length);

    const confirmed = engine.intake.submit({ order: ticket({ qty: 3 }), origin: 'manual', confirmSoft: true });
    expect(confirmed.kind).toBe('admitted');
    if (confirmed.kind === 'admitted') expect(confirmed.order.riskConfirmed).toBe(true);
  });

  it('when a signal order breaches a soft limit then it cannot confirm it: denied as data with the reason code', async () => {
    const { engine } = await kernel();
    const r = engine.intake.submit({ order: ticket({ qty: 3 }), origin: 'signal', approvedBy: 'operator', proposalId: 'P-1', confirmSoft: true });
    expect(r).toMatchObject({ kind: 'denied', code: 'MAX_ORDER_QTY' });
    if (r.kind !== 'denied') return;
    expect(r.message).toMatch(/cannot be confirmed for signal orders/);
    expect(r.order).toMatchObject({ status: 'DENIED', source: 'signal', riskConfirmed: false, approvedBy: 'operator' });
  });

  it('when trading is halted then the order is denied as data (no exception) with TRADING_HALTED', async () => {
    const { engine } = await kernel();
    await engine.handlers['risk.state.set']({ mode: 'HALTED', reason: 'test' });
    const r = engine.intake.submit({ order: ticket(), origin: 'api', confirmSoft: false });
    expect(r).toMatchObject({ kind: 'denied', code: 'TRADING_HALTED' });
  });

  it('when the quantity is not a number then a typed BAD_REQUEST, and nothing is journaled; a quantity off the lot is a journaled denial', async () => {
    const { engine } = await kernel();
    const before = await engine.handlers['orders.list']({ scope: 'all', limit: 100 });
    expect(thrown(() => engine.intake.submit({ order: ticket({ qty: 'abc' }), origin: 'api', confirmSoft: false })).code).toBe('BAD_REQUEST');
    expect(thrown(() => engine.intake.submit({ order: ticket({ qty: '0' }), origin: 'api', confirmSoft: false })).code).toBe('BAD_REQUEST');
    expect(await engine.handlers['orders.list']({ scope: 'all', limit: 100 })).toHaveLength(before.length);
    const offLot = engine.intake.submit({ order: ticket({ qty: '0.0000000001' }), origin: 'api', confirmSoft: false });
    expect(offLot).toMatchObject({ kind: 'denied', code: 'QTY_NOT_ON_LOT' });
  });

  it('when approval fields come on an order that is not a signal then BAD_REQUEST', async () => {
    const { engine } = await kernel();
    expect(thrown(() => engine.intake.submit({ order: ticket(), origin: 'manual', approvedBy: 'operator', confirmSoft: false })).code).toBe('BAD_REQUEST');
    expect(thrown(() => engine.intake.submit({ order: ticket(), origin: 'signal', proposalId: '', confirmSoft: false })).code).toBe('BAD_REQUEST');
  });

  it('when an algo parent is admitted from a signal then its children carry its origin and approval', async () => {
    const { engine, clock } = await kernel();
    const r = engine.intake.submit({ order: ticket({ qty: 0.5, urgency: 'high', algo: 'twap', algoParams: { durationSec: 60, slices: 3 } }), origin: 'signal', approvedBy: 'operator', proposalId: 'P-7', confirmSoft: false });
    expect(r.kind).toBe('admitted');
    if (r.kind !== 'admitted') return;
    new SimClockDriver(clock).runToEnd(clock.now() + 90_000);
    const children = await engine.handlers['orders.children']({ orderId: r.order.id });
    expect(children.length).toBeGreaterThan(0);
    for (const c of children) expect(c).toMatchObject({ origin: 'signal', approvedBy: 'operator', proposalId: 'P-7' });
  });

  it('when orders.place holds a manual order then the contract edge answers RISK_CONFIRM_REQUIRED with each breach', async () => {
    const { engine } = await kernel();
    const err = await Promise.resolve()
      .then(() => engine.handlers['orders.place']({ symbol: 'BTC/USDT', side: 'buy', qty: 3, type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe('RISK_CONFIRM_REQUIRED');
    expect((err as RpcError).issues?.map((i) => i.path)).toContain('MAX_ORDER_QTY');
  });
});

describe('OrderIntake on its own', () => {
  it('when an order enters then its quantity is parsed once: routing and the OMS get units, not text', () => {
    const h = omsHarness();
    const routed: bigint[] = [];
    const requests: PlaceRequest[] = [];
    const oms = {
      submit: (req: PlaceRequest) => {
        requests.push(req);
        return h.oms.submit(req);
      },
      submitParent: (req: Parameters<Oms['submitParent']>[0]) => h.oms.submitParent(req),
    };
    const intake = new OrderIntake({
      instruments: h.instruments,
      oms,
      route: (t, _inst, qtyUnits) => {
        routed.push(qtyUnits);
        return route({ urgency: t.urgency, qtyUnits, limitGiven: t.price !== undefined, override: 'limit' }, { now: 0, volumePerSec: undefined, seed: 1 });
      },
      startAlgo: () => undefined,
    });
    const r = intake.submit({ order: { symbol: 'BTC/USD', side: 'buy', qty: '2', price: '100', type: 'limit', tif: 'gtc', urgency: 'immediate' }, origin: 'api', confirmSoft: false });
    expect(r.kind).toBe('admitted');
    expect(routed).toEqual([2000n]);
    expect(requests[0]?.amounts).toEqual({ ok: true, qtyUnits: 2000n, priceUnits: 10_000n });
    expect(h.checked[0]).toMatchObject({ qtyUnits: 2000n, priceUnits: 10_000n, source: 'api' });
  });

  it('when the OMS restarts on the same journal then origin, approver, proposal and confirmation are recovered', async () => {
    const h = omsHarness();
    const intake = new OrderIntake({
      instruments: h.instruments,
      oms: h.oms,
      route: (t, _inst, qtyUnits) => route({ urgency: t.urgency, qtyUnits, limitGiven: true, override: 'limit' }, { now: 0, volumePerSec: undefined, seed: 1 }),
      startAlgo: () => undefined,
    });
    const req: IntakeRequest = { order: { symbol: 'BTC/USD', side: 'buy', qty: '1', price: '100', type: 'limit', tif: 'gtc', urgency: 'immediate' }, origin: 'signal', approvedBy: 'operator', proposalId: 'P-9', confirmSoft: false };
    const placed = intake.submit(req);
    const manual = intake.submit({ ...req, origin: 'manual', approvedBy: undefined, proposalId: undefined, confirmSoft: true });
    if (placed.kind !== 'admitted' || manual.kind !== 'admitted') throw new Error('expected both admitted');
    const again = new Oms({ clock: h.clock, journal: h.journal, venue: h.venue, instruments: h.instruments, ledger: h.ledger, listener: h.listener, idPrefix: 'T', check: () => ({ ok: true, reservePriceUnits: 0n }) });
    await again.recover();
    const a: Order | undefined = again.get(placed.order.id);
    const b: Order | undefined = again.get(manual.order.id);
    expect(a).toMatchObject({ source: 'signal', approvedBy: 'operator', proposalId: 'P-9', riskConfirmed: false });
    expect(b).toMatchObject({ source: 'manual', approvedBy: null, proposalId: null, riskConfirmed: true });
  });
});
