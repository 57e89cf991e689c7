import { describe, expect, it } from 'vitest';
import type { TcaDto } from '../../../src/contract/dto.ts';
import { DomainError } from '../../../src/core/errors.ts';
import { SimClock } from '../../../src/core/clock.ts';
import { CASH_DECIMALS } from '../../../src/core/instrument.ts';
import { Ledger } from '../../../src/core/ledger.ts';
import type { Order } from '../../../src/core/order.ts';
import type { OrderRecord, PreTradeDecision } from '../../../src/core/ports.ts';
import { toUnits } from '../../../src/core/precision.ts';
import { AlgoRunner } from '../../../src/execution/algo-runner.ts';
import type { AlgoContext, DecisionReason, ExecAlgo, GuardVerdict } from '../../../src/execution/algos/types.ts';
import { Oms } from '../../../src/execution/oms.ts';
import { FakeVenue } from '../../fixtures/engine/fake-venue.ts';
import { testRegistry } from '../../fixtures/engine/instruments.ts';
import { MemoryJournal } from '../../fixtures/engine/memory-journal.ts';
import { makeVenueFill } from '../../fixtures/engine/orders.ts';

const T0 = 1_767_600_000_000;
/** BTC/USD: tick 0.01 (price units of 1/100), lot 0.001 (qty units of 1/1000). */
const BID = 100_00n;
const ASK = 100_01n;

type Plan = (ctx: AlgoContext, reason: DecisionReason) => void;

/** Sends one GTC child of `childUnits` at the bid whenever nothing is working and something is left. */
function restingPlan(childUnits: bigint): Plan {
  return (ctx) => {
    if (ctx.workingUnits() > 0n) return;
    const left = ctx.qtyUnits - ctx.filledUnits;
    if (left <= 0n) return;
    ctx.placeChild({ qtyUnits: left < childUnits ? left : childUnits, type: 'limit', priceUnits: BID, tif: 'gtc' });
  };
}

class ScriptedAlgo implements ExecAlgo {
  readonly kind = 'twap' as const;
  readonly marketDriven: boolean;
  private readonly plan: Plan;
  private readonly seen: { t: number; reason: DecisionReason }[];

  constructor(plan: Plan, marketDriven: boolean, seen: { t: number; reason: DecisionReason }[]) {
    this.plan = plan;
    this.marketDriven = marketDriven;
    this.seen = seen;
  }

  decide(ctx: AlgoContext, reason: DecisionReason): void {
    this.seen.push({ t: ctx.now(), reason });
    this.plan(ctx, reason);
  }
}

interface Options {
  plan?: Plan;
  marketDriven?: boolean;
  guard?: () => GuardVerdict;
  denyChild?: (o: OrderRecord) => string | undefined;
  journal?: MemoryJournal;
  venue?: FakeVenue;
  clock?: SimClock;
  estimateBps?: (p: Order) => number | null;
}

function harness(opts: Options = {}) {
  const clock = opts.clock ?? new SimClock(T0);
  const journal = opts.journal ?? new MemoryJournal();
  const venue = opts.venue ?? new FakeVenue();
  const instruments = testRegistry();
  const ledger = new Ledger(toUnits('1000000', CASH_DECIMALS), (s) => instruments.get(s));
  const decisions: { t: number; reason: DecisionReason }[] = [];
  const tcas: TcaDto[] = [];
  const anomalies: string[] = [];
  const hooks: { runner: AlgoRunner | undefined } = { runner: undefined };
  const oms = new Oms({
    clock,
    journal,
    venue,
    instruments,
    ledger,
    idPrefix: 'T',
    check: (o): PreTradeDecision => {
      const code = o.parentId !== null ? opts.denyChild?.(o) : undefined;
      return code ? { ok: false, code, message: `denied: ${code}` } : { ok: true, reservePriceUnits: o.priceUnits ?? ASK };
    },
    listener: {
      orderUpdated: (o) => hooks.runner?.onOrderUpdated(o),
      orderDenied: () => undefined,
      fillApplied: () => undefined,
      anomaly: (m) => anomalies.push(m),
    },
  });
  oms.attach();
  const runner = new AlgoRunner({
    clock,
    oms,
    journal,
    instruments,
    market: {
      bestBid: () => BID,
      bestAsk: () => ASK,
      bestBidQty: () => 1_000n,
      bestAskQty: () => 1_000n,
      last: () => BID,
      mid: () => (BID + ASK) / 2n,
      shortTermVol: () => 0,
    },
    createAlgo: () => new ScriptedAlgo(opts.plan ?? restingPlan(1_000n), opts.marketDriven ?? false, decisions),
    guard: () => opts.guard?.() ?? { ok: true },
    onTca: (t) => tcas.push(t),
    ...(opts.estimateBps ? { estimateBps: opts.estimateBps } : {}),
    log: () => undefined,
  });
  hooks.runner = runner;
  const h = {
    clock,
    journal,
    venue,
    oms,
    runner,
    decisions,
    tcas,
    anomalies,
    /** Places and starts a parent: 4 BTC over [now, now + 60 s]. */
    place(qty = '4', over: { endInMs?: number; price?: string } = {}): Order {
      const params = { startAt: clock.now(), endAt: clock.now() + (over.endInMs ?? 60_000), seed: 1 };
      const p = oms.placeParent({ symbol: 'BTC/USD', side: 'buy', qty, price: over.price, source: 'api', urgency: 'medium', algo: 'twap', algoParams: JSON.stringify(params) });
      runner.start(p);
      h.settle();
      return p;
    },
    /** Runs what is due now (decisions are deferred onto the clock). */
    settle(): void {
      clock.advanceBy(0);
    },
    children(parentId: string): Order[] {
      return oms.children(parentId);
    },
    working(parentId: string): Order[] {
      return oms.children(parentId).filter((c) => c.status === 'NEW' || c.status === 'PENDING' || c.status === 'PARTIALLY_FILLED');
    },
    ack(id: string): void {
      venue.emit({ type: 'accepted', clientOrderId: id, venueOrderId: `V-${id}`, ts: clock.now() });
      h.settle();
    },
    fill(id: string, qtyUnits: bigint, priceUnits = BID): void {
      venue.emit({ type: 'fill', fill: makeVenueFill({ fillId: `F${journal.fills.length + 1}`, clientOrderId: id, venueOrderId: `V-${id}`, qtyUnits, priceUnits, ts: clock.now() }) });
      h.settle();
    },
    confirmCancel(id: string): void {
      venue.emit({ type: 'cancelled', clientOrderId: id, ts: clock.now() });
      h.settle();
    },
    events(id: string): string[] {
      return journal.events.filter((e) => e.orderId === id).map((e) => e.event);
    },
  };
  return h;
}

function rpcCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('AlgoRunner', () => {
  it('when a parent starts then it goes PENDING, the algorithm decides once and its child is journaled and sent', () => {
    const h = harness();
    const p = h.place();
    expect(p.status).toBe('PENDING');
    expect(h.decisions).toEqual([{ t: T0, reason: 'start' }]);
    expect(h.children(p.id).map((c) => [c.id, c.qtyUnits, c.priceUnits, c.status])).toEqual([[`${p.id}-C1`, 1_000n, BID, 'NEW']]);
    expect(h.venue.submitted.map((s) => s.clientOrderId)).toEqual([`${p.id}-C1`]);
    expect(h.journal.order(`${p.id}-C1`).parentId).toBe(p.id);
  });

  it('when a child fills then the algorithm decides again (child) and the parent accumulates the fill', () => {
    const h = harness();
    const p = h.place();
    h.fill(`${p.id}-C1`, 1_000n);
    expect(p.filledUnits).toBe(1_000n);
    expect(p.status).toBe('PARTIALLY_FILLED');
    expect(h.decisions.map((d) => d.reason)).toEqual(['start', 'child']);
    expect(h.children(p.id)).toHaveLength(2);
  });

  it('when every child has filled then the parent is FILLED, stops running and its TCA is saved and published', () => {
    const h = harness();
    const p = h.place('2');
    h.fill(`${p.id}-C1`, 1_000n);
    h.fill(`${p.id}-C2`, 1_000n);
    expect(p.status).toBe('FILLED');
    expect(h.runner.isRunning(p.id)).toBe(false);
    expect(h.tcas.map((t) => [t.orderId, t.final, t.filledQty])).toEqual([[p.id, true, 2]]);
    expect(JSON.parse(h.journal.loadTca(p.id)!)).toMatchObject({ orderId: p.id, final: true });
  });

  it('when a parent starts then its pre-trade estimate is recorded once, kept in its algo state, and carried in its TCA; a resumed parent keeps the first figure', () => {
    const asked: string[] = [];
    const h = harness({ estimateBps: (p) => (asked.push(p.id), 6.125) });
    const p = h.place('2');
    expect(asked).toEqual([p.id]);
    h.fill(`${p.id}-C1`, 1_000n);
    expect(JSON.parse(h.journal.order(p.id).algoState!)).toMatchObject({ estimatedBps: 6.125 });
    h.fill(`${p.id}-C2`, 1_000n);
    expect(h.tcas.map((t) => [t.orderId, t.estimatedBps])).toEqual([[p.id, 6.13]]);
    // As after a restart: the state already holds the start's estimate, so the market now is not asked.
    const q = h.oms.placeParent({ symbol: 'BTC/USD', side: 'buy', qty: '1', source: 'api', urgency: 'medium', algo: 'twap', algoParams: JSON.stringify({ startAt: h.clock.now(), endAt: h.clock.now() + 60_000, seed: 1 }) });
    q.algoState = JSON.stringify({ estimatedBps: 3.5 });
    h.runner.start(q);
    h.settle();
    expect(asked).toEqual([p.id]);
    expect(h.runner.tca(q.id)?.estimatedBps).toBe(3.5);
  });

  describe('pause and resume', () => {
    it('when paused then working children are cancelled and no decision is made on timers, market updates or child updates', () => {
      const h = harness({ marketDriven: true });
      const p = h.place();
      h.ack(`${p.id}-C1`);
      const before = h.decisions.length;
      h.runner.pause(p.id);
      expect(p.paused).toBe(true);
      expect(h.venue.cancelled).toEqual([`${p.id}-C1`]);
      expect(h.events(p.id)).toContain('paused');
      expect(h.journal.order(p.id).paused).toBe(true);
      h.confirmCancel(`${p.id}-C1`);
      h.runner.onBook('BTC/USD');
      h.clock.advanceBy(120_000);
      expect(h.decisions.length).toBe(before);
      expect(h.children(p.id)).toHaveLength(1);
      // Paused orders make no decisions, but their end time stands: past it they expire.
      expect(p.status).toBe('EXPIRED');
    });

    it('when resumed then it decides again at once and sends a new child', () => {
      const h = harness();
      const p = h.place();
      h.runner.pause(p.id);
      h.confirmCancel(`${p.id}-C1`);
      h.runner.resume(p.id);
      h.settle();
      expect(p.paused).toBe(false);
      expect(p.reason).toBeNull();
      expect(h.events(p.id)).toContain('resumed');
      expect(h.decisions.at(-1)!.reason).toBe('start');
      expect(h.children(p.id).map((c) => c.status)).toEqual(['CANCELLED', 'NEW']);
    });

    it('when the guard says pause then the parent pauses with GUARD_PAUSED and its children are cancelled', () => {
      let halted = false;
      const plan: Plan = (ctx, reason) => {
        restingPlan(1_000n)(ctx, reason);
        ctx.wakeAt(ctx.now() + 5_000);
      };
      const h = harness({ plan, guard: () => (halted ? { ok: false, action: 'pause', reason: 'trading halted' } : { ok: true }) });
      const p = h.place();
      halted = true;
      h.clock.advanceBy(5_000);
      expect(p.paused).toBe(true);
      expect(p.reason).toEqual({ code: 'GUARD_PAUSED', message: 'trading halted' });
      expect(h.venue.cancelled).toEqual([`${p.id}-C1`]);
      expect(h.decisions).toHaveLength(1);
    });

    it('when the guard says slow then no decision is made and it looks again five seconds later', () => {
      let slow = true;
      const h = harness({ guard: () => (slow ? { ok: false, action: 'slow', reason: 'busy' } : { ok: true }) });
      const p = h.place();
      expect(h.decisions).toEqual([]);
      h.clock.advanceBy(4_999);
      expect(h.decisions).toEqual([]);
      slow = false;
      h.clock.advanceBy(1);
      expect(h.decisions).toEqual([{ t: T0 + 5_000, reason: 'timer' }]);
      expect(p.paused).toBe(false);
    });
  });

  describe('modify', () => {
    it('when the quantity goes below filled + working then working children are cancelled and the new quantity is kept', () => {
      const h = harness({ plan: restingPlan(2_000n) });
      const p = h.place();
      h.fill(`${p.id}-C1`, 2_000n); // C2 (2 BTC) now works
      h.runner.modify(p.id, 3_000n);
      // C2 may still fill before its cancel lands: the quantity comes down once it is done.
      expect(h.venue.cancelled).toEqual([`${p.id}-C2`]);
      expect(h.events(p.id)).toContain('modify_requested');
      h.confirmCancel(`${p.id}-C2`);
      expect(p.qtyUnits).toBe(3_000n);
      expect(h.events(p.id)).toContain('modified');
      expect(h.journal.order(p.id).qtyUnits).toBe(3_000n);
    });

    it('when a working child fills before its cancel lands after a modify down then the fill stands and the parent keeps it', () => {
      const h = harness({ plan: restingPlan(2_000n) });
      const p = h.place();
      h.fill(`${p.id}-C1`, 2_000n); // C2 (2 BTC) now works
      h.runner.modify(p.id, 3_000n);
      h.fill(`${p.id}-C2`, 2_000n); // the venue filled it before the cancel
      expect(p.filledUnits).toBe(4_000n);
      expect(p.qtyUnits).toBeGreaterThanOrEqual(p.filledUnits);
      expect(p.status).toBe('FILLED');
    });

    it('when the quantity still covers filled + working then nothing is cancelled', () => {
      const h = harness({ plan: restingPlan(2_000n) });
      const p = h.place();
      h.runner.modify(p.id, 2_000n);
      expect(h.venue.cancelled).toEqual([]);
      h.runner.modify(p.id, 8_000n);
      expect(h.venue.cancelled).toEqual([]);
      expect(p.qtyUnits).toBe(8_000n);
    });

    it('when the quantity is below the filled quantity or off the lot then it is refused and nothing changes', () => {
      const h = harness();
      const p = h.place();
      h.fill(`${p.id}-C1`, 1_000n);
      expect(rpcCode(() => h.runner.modify(p.id, 999n))).toBe('BAD_REQUEST');
      expect(rpcCode(() => h.runner.modify(p.id, 0n))).toBe('BAD_REQUEST');
      expect(h.runner.modify(p.id, 4_000n).qtyUnits).toBe(4_000n);
      expect(h.venue.cancelled).toEqual([]);
    });

    it('when the quantity comes down to what is filled then the parent is FILLED and finalized', () => {
      const h = harness();
      const p = h.place();
      h.fill(`${p.id}-C1`, 1_000n);
      h.runner.modify(p.id, 1_000n);
      expect(h.venue.cancelled).toEqual([`${p.id}-C2`]);
      h.confirmCancel(`${p.id}-C2`);
      h.settle();
      expect(p.status).toBe('FILLED');
      expect(h.runner.isRunning(p.id)).toBe(false);
      expect(h.tcas).toHaveLength(1);
    });
  });

  describe('cancel', () => {
    it('when cancelled with a child working then it stays open until the child is done, then ends CANCELLED', () => {
      const h = harness();
      const p = h.place();
      h.fill(`${p.id}-C1`, 1_000n);
      h.runner.cancel(p.id);
      expect(p.cancelRequested).toBe(true);
      expect(p.status).toBe('PARTIALLY_FILLED');
      expect(h.venue.cancelled).toEqual([`${p.id}-C2`]);
      const before = h.decisions.length;
      h.confirmCancel(`${p.id}-C2`);
      expect(p.status).toBe('CANCELLED');
      expect(h.decisions.length).toBe(before);
      expect(h.runner.isRunning(p.id)).toBe(false);
      expect(h.tcas.map((t) => [t.filledQty, t.final])).toEqual([[1, true]]);
      expect(h.journal.order(p.id).status).toBe('CANCELLED');
    });

    it('when cancelled with nothing working then it ends CANCELLED at once', () => {
      const h = harness({ plan: () => undefined });
      const p = h.place();
      h.runner.cancel(p.id);
      expect(p.status).toBe('CANCELLED');
      expect(h.runner.isRunning(p.id)).toBe(false);
    });

    it('when a parent has ended then controls answer ORDER_NOT_OPEN', () => {
      const h = harness({ plan: () => undefined });
      const p = h.place();
      h.runner.cancel(p.id);
      expect(rpcCode(() => h.runner.pause(p.id))).toBe('ORDER_NOT_OPEN');
      expect(rpcCode(() => h.runner.resume('T-nope'))).toBe('UNKNOWN_ORDER');
    });
  });

  describe('end time', () => {
    it('when the end time comes with nothing working then the parent is EXPIRED (END_TIME)', () => {
      const h = harness({ plan: () => undefined });
      const p = h.place('4', { endInMs: 10_000 });
      h.clock.advanceBy(9_999);
      expect(p.status).toBe('PENDING');
      h.clock.advanceBy(1);
      expect(p.status).toBe('EXPIRED');
      expect(p.reason?.code).toBe('END_TIME');
      expect(h.runner.isRunning(p.id)).toBe(false);
      expect(h.tcas).toHaveLength(1);
    });

    it('when the end time comes with a child working then the child is cancelled and the parent expires once it is done', () => {
      const h = harness();
      const p = h.place('4', { endInMs: 10_000 });
      h.fill(`${p.id}-C1`, 500n);
      h.clock.advanceBy(10_000);
      expect(h.venue.cancelled).toEqual([`${p.id}-C1`]);
      expect(p.status).toBe('PARTIALLY_FILLED');
      const before = h.decisions.length;
      h.confirmCancel(`${p.id}-C1`);
      expect(p.status).toBe('EXPIRED');
      expect(p.filledUnits).toBe(500n);
      expect(h.decisions.length).toBe(before); // no algorithm decision after the end time
    });
  });

  describe('children', () => {
    it('when the gate denies a child then the parent pauses with the denial reason and decides no more', () => {
      const h = harness({ denyChild: () => 'MAX_ORDER_NOTIONAL' });
      const p = h.place();
      expect(h.children(p.id).map((c) => c.status)).toEqual(['DENIED']);
      expect(p.paused).toBe(true);
      expect(p.reason).toEqual({ code: 'MAX_ORDER_NOTIONAL', message: 'denied: MAX_ORDER_NOTIONAL' });
      expect(h.journal.order(p.id).paused).toBe(true);
      h.clock.advanceBy(120_000);
      expect(h.decisions).toHaveLength(1);
      expect(h.venue.submitted).toEqual([]);
    });

    it('when an algorithm asks for more than the parent has left then the child is refused and nothing is sent', () => {
      const results: string[] = [];
      const h = harness({
        plan: (ctx) => {
          const a = ctx.placeChild({ qtyUnits: 3_000n, type: 'limit', priceUnits: BID, tif: 'gtc' });
          const b = ctx.placeChild({ qtyUnits: 1_001n, type: 'limit', priceUnits: BID, tif: 'gtc' });
          results.push(a.ok ? 'ok' : a.code, b.ok ? 'ok' : b.code);
        },
      });
      const p = h.place();
      expect(results).toEqual(['ok', 'CHILD_EXCEEDS_PARENT']);
      expect(h.children(p.id)).toHaveLength(1);
      expect(p.paused).toBe(false);
    });

    it('when the algorithm throws then the parent pauses with ALGO_ERROR', () => {
      const h = harness({
        plan: () => {
          throw new Error('boom');
        },
      });
      const p = h.place();
      expect(p.paused).toBe(true);
      expect(p.reason).toEqual({ code: 'ALGO_ERROR', message: 'boom' });
    });

    it('when the book changes then only market-driven algorithms decide', () => {
      const a = harness({ marketDriven: true });
      const pa = a.place();
      a.runner.onBook('BTC/USD');
      a.runner.onBook('ETH/USD');
      expect(a.decisions.map((d) => d.reason)).toEqual(['start', 'market']);
      expect(pa.status).toBe('PENDING');
      const b = harness({ marketDriven: false });
      b.place();
      b.runner.onBook('BTC/USD');
      expect(b.decisions.map((d) => d.reason)).toEqual(['start']);
    });

    it('when the algorithm asks to be woken then it is, and otherwise at the end time', () => {
      const h = harness({ plan: (ctx) => (ctx.now() === T0 ? ctx.wakeAt(T0 + 7_000) : undefined) });
      h.place('4', { endInMs: 30_000 });
      h.clock.advanceBy(30_000);
      expect(h.decisions.map((d) => [d.t - T0, d.reason])).toEqual([
        [0, 'start'],
        [7_000, 'timer'],
      ]);
    });

    it('when the algorithm changes its state then the state is persisted with the parent', () => {
      const h = harness({ plan: (ctx) => void (ctx.state.n = (typeof ctx.state.n === 'number' ? ctx.state.n : 0) + 1) });
      const p = h.place();
      expect(JSON.parse(h.journal.order(p.id).algoState!)).toMatchObject({ n: 1 });
    });
  });

  describe('restart', () => {
    it('when the engine restarts then a working parent resumes from the journal with its state and child numbering', async () => {
      const journal = new MemoryJournal();
      const venue = new FakeVenue();
      const clock = new SimClock(T0);
      const plan: Plan = (ctx) => {
        ctx.state.decisions = (typeof ctx.state.decisions === 'number' ? ctx.state.decisions : 0) + 1;
        restingPlan(1_000n)(ctx, 'start');
      };
      const first = harness({ journal, venue, clock, plan });
      const p = first.place();
      first.fill(`${p.id}-C1`, 1_000n);
      first.runner.stop(); // the process dies
      first.oms.detach();
      // The venue still knows C2 as working; C1 is done.
      venue.known.set(`${p.id}-C2`, { status: { clientOrderId: `${p.id}-C2`, venueOrderId: 'V2', state: 'open', filledUnits: 0n }, fills: [] });

      const second = harness({ journal, venue, clock, plan });
      await second.oms.recover();
      expect(second.runner.recover()).toBe(1);
      second.settle();
      const q = second.oms.get(p.id)!;
      expect(second.runner.isRunning(p.id)).toBe(true);
      expect(q.filledUnits).toBe(1_000n);
      expect(JSON.parse(q.algoState!)).toMatchObject({ decisions: 3 });
      second.fill(`${p.id}-C2`, 1_000n);
      expect(second.children(p.id).map((c) => c.id)).toEqual([1, 2, 3].map((n) => `${p.id}-C${n}`));
    });

    it('when the engine restarts then a paused parent stays paused and decides nothing', async () => {
      const journal = new MemoryJournal();
      const venue = new FakeVenue();
      const clock = new SimClock(T0);
      const first = harness({ journal, venue, clock });
      const p = first.place();
      first.runner.pause(p.id);
      first.confirmCancel(`${p.id}-C1`);
      first.runner.stop();
      first.oms.detach();

      const second = harness({ journal, venue, clock });
      await second.oms.recover();
      second.runner.recover();
      second.settle();
      clock.advanceBy(10_000);
      const q = second.oms.get(p.id)!;
      expect(q.paused).toBe(true);
      expect(q.status).toBe('PENDING');
      expect(second.decisions).toEqual([]);
      expect(second.children(p.id)).toHaveLength(1);
      // Still paused at its end time: it expires on time, having traded nothing more.
      clock.advanceBy(120_000);
      expect(q.status).toBe('EXPIRED');
      expect(second.decisions).toEqual([]);
      expect(second.children(p.id)).toHaveLength(1);
    });
  });
});
