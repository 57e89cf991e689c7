import type { AlgoKind } from '../contract/dto.ts';
import type { TcaDto } from '../contract/dto.ts';
import { DomainError } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import { CASH_DECIMALS, notionalUnits } from '../core/instrument.ts';
import type { Instrument, InstrumentRegistry } from '../core/instrument.ts';
import { isOpen, remainingUnits, transition } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import type { JournalPort } from '../core/ports.ts';
import { divRound, fromUnits, pow10 } from '../core/precision.ts';
import type { AlgoContext, AlgoParams, AlgoState, ChildView, DecisionReason, ExecAlgo, GuardVerdict } from './algos/types.ts';
import type { Oms } from './oms.ts';
import { scheduledAt, targetUnits } from './algos/schedule.ts';
import type { AlgoSchedule } from './algos/schedule.ts';
import { computeTca } from './tca.ts';

/** Market facts an algorithm may read, per symbol, in exact units. */
export interface RunnerMarket {
  bestBid(symbol: string): bigint | undefined;
  bestAsk(symbol: string): bigint | undefined;
  bestBidQty(symbol: string): bigint;
  bestAskQty(symbol: string): bigint;
  last(symbol: string): bigint | undefined;
  mid(symbol: string): bigint | undefined;
  shortTermVol(symbol: string): number;
}

export interface AlgoRunnerDeps {
  clock: Clock;
  oms: Oms;
  journal: JournalPort;
  instruments: InstrumentRegistry;
  market: RunnerMarket;
  createAlgo: (kind: AlgoKind) => ExecAlgo;
  /** Trading state and PMS flags, read before every child (the L1/PMS hooks). */
  guard: (parent: Order) => GuardVerdict;
  onTca?: (tca: TcaDto) => void;
  /** The pre-trade expected cost (bps) of a parent as it starts; kept in its algo state so a restart keeps the figure of the start. */
  estimateBps?: (parent: Order) => number | null;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

interface Running {
  parent: Order;
  inst: Instrument;
  algo: ExecAlgo;
  params: AlgoParams;
  state: AlgoState;
  timerId: number | undefined;
  timerAt: number | undefined;
  /** Tape volume and Σ price×qty (price units × qty units) since arrival, our prints included. */
  tapeVolume: bigint;
  tapeNotional: bigint;
  deciding: boolean;
  pending: boolean;
}

/** How often a running parent persists its market counters without another reason to. */
const END_GRACE_MS = 2_000;

/**
 * Runs execution algorithms: one ExecAlgo per working parent, woken by its timers, by market
 * updates (for market-driven algos) and by its children's updates. It owns a parent's life cycle
 * (start, pause, resume, modify, cancel, end time) and writes its TCA when it ends.
 */
export class AlgoRunner {
  private readonly running = new Map<string, Running>();
  private readonly deps: AlgoRunnerDeps;

  constructor(deps: AlgoRunnerDeps) {
    this.deps = deps;
  }

  isRunning(parentId: string): boolean {
    return this.running.has(parentId);
  }

  /** Starts a freshly placed parent (status NEW) or resumes one after a restart. */
  start(parent: Order): void {
    if (parent.algo === null || !isOpen(parent.status) || this.running.has(parent.id)) return;
    const inst = this.deps.instruments.get(parent.symbol);
    if (!inst) return;
    const params = JSON.parse(parent.algoParams ?? '{}') as AlgoParams;
    const state = JSON.parse(parent.algoState ?? '{}') as AlgoState;
    // Recorded once, at the first start: the TCA compares the realised shortfall with it.
    if (!('estimatedBps' in state) && this.deps.estimateBps) state.estimatedBps = this.deps.estimateBps(parent);
    const r: Running = {
      parent,
      inst,
      algo: this.deps.createAlgo(parent.algo),
      params,
      state,
      timerId: undefined,
      timerAt: undefined,
      tapeVolume: BigInt(String(state.tapeVolume ?? '0')),
      tapeNotional: BigInt(String(state.tapeNotional ?? '0')),
      deciding: false,
      pending: false,
    };
    this.running.set(parent.id, r);
    this.deps.oms.startParent(parent);
    this.schedule(r, 'start');
  }

  /** Resumes every open parent after the OMS has reconciled their children. */
  recover(): number {
    let n = 0;
    for (const o of this.deps.oms.openOrders()) {
      if (o.algo === null) continue;
      this.start(o);
      n++;
    }
    return n;
  }

  /** Pauses a parent (cancelling its working children); `reason` says who paused it when not the operator. */
  pause(parentId: string, reason?: { code: string; message: string }): Order {
    const r = this.require(parentId);
    if (!r.parent.paused) {
      r.parent.paused = true;
      if (reason) r.parent.reason = reason;
      this.cancelWorking(r);
      this.deps.oms.persist(r.parent, 'paused', reason?.message);
    }
    return r.parent;
  }

  /** Ids of the parents being worked (paused ones included). */
  /** The parents being worked now (paused ones included): what the guard chain sweeps. */
  workingParents(): Order[] {
    const out: Order[] = [];
    for (const r of this.running.values()) out.push(r.parent);
    return out;
  }

  runningIds(): string[] {
    return [...this.running.keys()];
  }

  resume(parentId: string): Order {
    const r = this.require(parentId);
    if (r.parent.paused) {
      r.parent.paused = false;
      r.parent.reason = null;
      this.deps.oms.persist(r.parent, 'resumed');
      this.schedule(r, 'start');
    }
    return r.parent;
  }

  /**
   * Cancels a parent. Its reason becomes why it was cancelled (`reason`, or none for the operator's
   * own cancel): a parent the guard had paused on the kill switch's HALT read "CANCELLED ·
   * GUARD_PAUSED algo paused", which contradicts itself.
   */
  cancel(parentId: string, reason?: { code: string; message: string }): Order {
    const r = this.require(parentId);
    if (!r.parent.cancelRequested) {
      r.parent.cancelRequested = true;
      r.parent.reason = reason ?? null;
      this.deps.oms.persist(r.parent, 'cancel_requested');
      this.cancelWorking(r);
    }
    this.settle(r);
    return r.parent;
  }

  cancelAll(symbol?: string, reason?: { code: string; message: string }): string[] {
    const ids: string[] = [];
    for (const r of [...this.running.values()]) {
      if (symbol !== undefined && r.parent.symbol !== symbol) continue;
      this.cancel(r.parent.id, reason);
      ids.push(r.parent.id);
    }
    return ids;
  }

  /** Changes the total quantity. It may not go below what is already filled. */
  modify(parentId: string, qtyUnits: bigint): Order {
    const r = this.require(parentId);
    const p = r.parent;
    if (qtyUnits <= 0n || qtyUnits % r.inst.lotUnits !== 0n) throw new DomainError('BAD_REQUEST', `quantity must be a positive multiple of the lot size ${r.inst.lotSize}`);
    if (qtyUnits < p.filledUnits) throw new DomainError('BAD_REQUEST', `quantity cannot go below the filled ${fromUnits(p.filledUnits, r.inst.qtyDecimals)}`);
    const working = this.workingUnits(r);
    if (qtyUnits < p.filledUnits + working) {
      // Children in flight may still fill before their cancels land: a fill the venue made must
      // never be refused, so the quantity is lowered once they are done (settle), not now.
      r.state.modifyTo = qtyUnits.toString();
      p.algoState = JSON.stringify(r.state);
      this.deps.oms.persist(p, 'modify_requested', `qty ${fromUnits(qtyUnits, r.inst.qtyDecimals)}`);
      this.cancelWorking(r);
      this.settle(r);
      return p;
    }
    p.qtyUnits = qtyUnits;
    p.requestedQty = fromUnits(qtyUnits, r.inst.qtyDecimals).toString();
    if (p.filledUnits === qtyUnits && p.filledUnits > 0n) {
      transition(p, 'FILLED', this.deps.clock.now());
    }
    this.deps.oms.persist(p, 'modified', `qty ${p.requestedQty}`);
    if (!isOpen(p.status)) this.finalize(r);
    else this.schedule(r, 'start');
    return p;
  }

  /** Child or parent changed (called for every order update). */
  onOrderUpdated(order: Order): void {
    const parentId = order.parentId ?? (order.algo !== null ? order.id : null);
    if (parentId === null) return;
    const r = this.running.get(parentId);
    if (!r) return;
    if (!isOpen(r.parent.status)) {
      // After this update has reached everyone (the parent's own FILLED comes next), not before.
      this.deps.clock.schedule(this.deps.clock.now(), () => this.finalize(r));
      return;
    }
    if (order.parentId !== null && !isOpen(order.status)) {
      if (order.status === 'DENIED') return; // handled where it was placed
      this.settle(r);
      this.schedule(r, 'child');
    }
  }

  /** A print on the tape (ours included; ours are subtracted when reported). */
  onTrade(symbol: string, priceUnits: bigint, qtyUnits: bigint): void {
    for (const r of this.running.values()) {
      if (r.parent.symbol !== symbol) continue;
      r.tapeVolume += qtyUnits;
      r.tapeNotional += priceUnits * qtyUnits;
    }
  }

  /** A book update: market-driven algorithms decide now. */
  onBook(symbol: string): void {
    for (const r of this.running.values()) {
      if (r.parent.symbol === symbol && r.algo.marketDriven) this.decide(r, 'market');
      else if (r.parent.symbol === symbol && r.params.endAt <= this.deps.clock.now()) this.decide(r, 'timer');
    }
  }

  /** Live or final TCA of a parent. */
  tca(parentId: string): TcaDto | undefined {
    const r = this.running.get(parentId);
    if (r) return this.computeTca(r, false);
    const saved = this.deps.journal.loadTca(parentId);
    return saved ? (JSON.parse(saved) as TcaDto) : undefined;
  }

  /**
   * Quantity the schedule wants done by now (for the blotter's progress bar): the algorithm's own
   * cumulative target at the current slice, jitter included, so the bar and the children agree.
   */
  scheduledUnits(parent: Order): bigint | undefined {
    const x = this.scheduleOf(parent);
    return x && scheduledAt(x.schedule, this.deps.clock.now(), parent.qtyUnits, x.lotUnits).dueUnits;
  }

  /**
   * Every step of the parent's schedule: from `at`, `dueUnits` is due (the same figure
   * scheduledUnits gives at that time). The blotter's progress marker steps through them between
   * order updates, so it moves when the children are sent, not along a line of its own.
   */
  scheduleSteps(parent: Order): { at: number; dueUnits: bigint }[] | undefined {
    const x = this.scheduleOf(parent);
    if (!x) return undefined;
    const { times, fractions } = x.schedule;
    return times.map((at, k) => ({ at, dueUnits: targetUnits(parent.qtyUnits, fractions[k] ?? 1, x.lotUnits) }));
  }

  private scheduleOf(parent: Order): { schedule: AlgoSchedule; lotUnits: bigint } | undefined {
    if (parent.algo === null || parent.algoParams === null) return undefined;
    const inst = this.deps.instruments.get(parent.symbol);
    if (!inst) return undefined;
    // The algorithm's own schedule, with the parent's own jitter: the marker the ticket shows is
    // what the children are sent against.
    const algo = this.running.get(parent.id)?.algo ?? this.deps.createAlgo(parent.algo);
    if (!algo.schedule) return undefined;
    const p = JSON.parse(parent.algoParams) as AlgoParams;
    return { schedule: algo.schedule(p, (k) => hashUnit(p.seed, parent.seq, k)), lotUnits: inst.lotUnits };
  }

  stop(): void {
    for (const r of this.running.values()) if (r.timerId !== undefined) this.deps.clock.cancel(r.timerId);
    this.running.clear();
  }

  // ---- internals ----

  private require(parentId: string): Running {
    const r = this.running.get(parentId);
    if (r) return r;
    const o = this.deps.oms.get(parentId);
    if (!o) throw new DomainError('UNKNOWN_ORDER', `unknown order "${parentId}"`);
    if (o.algo === null) throw new DomainError('BAD_REQUEST', `order ${parentId} is not worked by an algorithm`);
    throw new DomainError('ORDER_NOT_OPEN', `order ${parentId} is ${o.status}`);
  }

  private working(r: Running): Order[] {
    return this.deps.oms.openChildren(r.parent.id);
  }

  private workingUnits(r: Running): bigint {
    let s = 0n;
    for (const c of this.working(r)) s += remainingUnits(c);
    return s;
  }

  private cancelWorking(r: Running): void {
    for (const c of this.working(r)) {
      if (!c.cancelRequested) this.deps.oms.cancel(c.id);
    }
  }

  /** Ends a cancelled or expired parent, or applies a pending modify, once no child is working. */
  private settle(r: Running): void {
    const p = r.parent;
    if (!isOpen(p.status)) return this.finalize(r);
    if (this.working(r).length > 0) return;
    if (r.state.modifyTo !== undefined && r.state.modifyTo !== null) {
      const target = BigInt(String(r.state.modifyTo));
      delete r.state.modifyTo;
      p.qtyUnits = target > p.filledUnits ? target : p.filledUnits;
      p.requestedQty = fromUnits(p.qtyUnits, r.inst.qtyDecimals).toString();
      p.algoState = JSON.stringify(r.state);
      if (p.filledUnits === p.qtyUnits && p.filledUnits > 0n) transition(p, 'FILLED', this.deps.clock.now());
      this.deps.oms.persist(p, 'modified', `qty ${p.requestedQty}`);
      if (!isOpen(p.status)) return this.finalize(r);
      if (!p.cancelRequested) this.schedule(r, 'start');
    }
    if (p.cancelRequested) {
      this.deps.oms.finishParent(p, 'CANCELLED', 'cancelled');
      this.finalize(r);
    }
  }

  /** Decisions are deferred to the clock so they never run inside an OMS callback. */
  private schedule(r: Running, reason: DecisionReason): void {
    if (r.pending) return;
    r.pending = true;
    this.deps.clock.schedule(this.deps.clock.now(), () => {
      r.pending = false;
      this.decide(r, reason);
    });
  }

  private decide(r: Running, reason: DecisionReason): void {
    const p = r.parent;
    if (!this.running.has(p.id) || r.deciding) return;
    if (!isOpen(p.status)) return this.finalize(r);
    if (p.cancelRequested || r.state.modifyTo !== undefined) return this.settle(r);
    const now = this.deps.clock.now();
    if (p.paused && now < r.params.endAt) {
      // Paused: no decisions, but the end time still stands (a paused order expires on time).
      this.arm(r, r.params.endAt);
      return this.settle(r);
    }
    if (now >= r.params.endAt) {
      // Out of time: stop working; what is left expires once the children are done.
      this.cancelWorking(r);
      if (this.working(r).length === 0) {
        this.deps.oms.finishParent(p, 'EXPIRED', 'expired', { code: 'END_TIME', message: 'end time reached with quantity left' });
        this.finalize(r);
      } else this.arm(r, now + END_GRACE_MS);
      return;
    }
    const verdict = this.deps.guard(p);
    if (!verdict.ok) {
      if (verdict.action === 'pause') {
        p.paused = true;
        p.reason = { code: 'GUARD_PAUSED', message: verdict.reason };
        this.cancelWorking(r);
        this.deps.oms.persist(p, 'paused', verdict.reason);
      } else this.arm(r, now + 5_000);
      return;
    }
    r.deciding = true;
    let wake: number | undefined;
    const before = JSON.stringify(r.state);
    try {
      r.algo.decide(this.context(r, (t) => (wake = wake === undefined ? t : Math.min(wake, t))), reason);
    } catch (err) {
      this.deps.log('error', `algo ${p.algo} on ${p.id} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      p.paused = true;
      p.reason = { code: 'ALGO_ERROR', message: err instanceof Error ? err.message : String(err) };
      this.deps.oms.persist(p, 'paused', 'algo error');
    } finally {
      r.deciding = false;
    }
    r.state.tapeVolume = r.tapeVolume.toString();
    r.state.tapeNotional = r.tapeNotional.toString();
    const after = JSON.stringify(r.state);
    if (after !== before && reason !== 'market') {
      p.algoState = after;
      this.deps.oms.persist(p, 'algo_state');
    } else p.algoState = after;
    this.arm(r, Math.min(wake ?? r.params.endAt, r.params.endAt));
  }

  private arm(r: Running, at: number): void {
    if (r.timerId !== undefined && r.timerAt === at) return;
    if (r.timerId !== undefined) this.deps.clock.cancel(r.timerId);
    r.timerAt = at;
    r.timerId = this.deps.clock.schedule(at, () => {
      r.timerId = undefined;
      r.timerAt = undefined;
      this.decide(r, 'timer');
    });
  }

  private context(r: Running, wakeAt: (t: number) => void): AlgoContext {
    const p = r.parent;
    const m = this.deps.market;
    const sym = p.symbol;
    const inst = r.inst;
    return {
      parentId: p.id,
      symbol: sym,
      side: p.side,
      urgency: p.urgency,
      qtyUnits: p.qtyUnits,
      filledUnits: p.filledUnits,
      limitUnits: p.priceUnits,
      params: r.params,
      state: r.state,
      lotUnits: inst.lotUnits,
      tickUnits: inst.tickUnits,
      minChildUnits(priceUnits: bigint): bigint {
        if (priceUnits <= 0n) return inst.lotUnits;
        // Smallest multiple of the lot whose notional reaches the minimum.
        const perLot = notionalUnits(inst, priceUnits, inst.lotUnits);
        const lots = perLot > 0n ? (inst.minNotionalUnits + perLot - 1n) / perLot : 1n;
        return (lots < 1n ? 1n : lots) * inst.lotUnits;
      },
      now: () => this.deps.clock.now(),
      market: {
        bestBid: () => m.bestBid(sym),
        bestAsk: () => m.bestAsk(sym),
        bestBidQty: () => m.bestBidQty(sym),
        bestAskQty: () => m.bestAskQty(sym),
        last: () => m.last(sym),
        volumeSinceArrival: () => {
          const others = r.tapeVolume - p.filledUnits;
          return others > 0n ? others : 0n;
        },
        shortTermVol: () => m.shortTermVol(sym),
      },
      working: (): ChildView[] =>
        this.working(r).map((c) => ({
          id: c.id,
          qtyUnits: c.qtyUnits,
          filledUnits: c.filledUnits,
          priceUnits: c.priceUnits,
          type: c.type,
          tif: c.tif,
          cancelRequested: c.cancelRequested,
          createdAt: c.createdAt,
        })),
      workingUnits: () => this.workingUnits(r),
      placeChild: (spec) => {
        const remaining = p.qtyUnits - p.filledUnits - this.workingUnits(r);
        if (spec.qtyUnits <= 0n || spec.qtyUnits > remaining) {
          // Never more in flight than the parent has left: filled + working ≤ quantity.
          return { ok: false, code: 'CHILD_EXCEEDS_PARENT', message: `child ${spec.qtyUnits} > remaining ${remaining}` };
        }
        const child = this.deps.oms.placeChild(p, { qtyUnits: spec.qtyUnits, type: spec.type, priceUnits: spec.priceUnits ?? null, tif: spec.tif });
        if (child.status === 'DENIED') {
          p.paused = true;
          p.reason = child.reason ?? { code: 'CHILD_DENIED', message: 'a child order was denied' };
          this.deps.oms.persist(p, 'paused', `child ${child.id} denied: ${child.reason?.code ?? ''}`);
          return { ok: false, code: child.reason?.code ?? 'DENIED', message: child.reason?.message ?? 'denied' };
        }
        return { ok: true, id: child.id };
      },
      cancelChild: (id: string) => {
        const c = this.deps.oms.get(id);
        if (c && c.parentId === p.id && isOpen(c.status) && !c.cancelRequested) this.deps.oms.cancel(id);
      },
      wakeAt,
      guard: () => this.deps.guard(p),
      random: (n: number) => hashUnit(r.params.seed, p.seq, n),
    };
  }

  private finalize(r: Running): void {
    if (!this.running.has(r.parent.id)) return;
    if (r.timerId !== undefined) this.deps.clock.cancel(r.timerId);
    this.running.delete(r.parent.id);
    const tca = this.computeTca(r, true);
    this.deps.journal.saveTca(r.parent.id, JSON.stringify(tca), this.deps.clock.now());
    this.deps.onTca?.(tca);
  }

  private computeTca(r: Running, final: boolean): TcaDto {
    const p = r.parent;
    const inst = r.inst;
    const price = (u: bigint | null | undefined) => (u === null || u === undefined ? null : fromUnits(u, inst.priceDecimals));
    const fills = this.deps.oms.children(p.id).flatMap((c) => this.deps.oms.fillsOf(c.id));
    const ourNotional = fills.reduce((a, f) => a + f.priceUnits * f.qtyUnits, 0n);
    const ourQty = fills.reduce((a, f) => a + f.qtyUnits, 0n);
    const mktQty = r.tapeVolume - ourQty;
    const mktNotional = r.tapeNotional - ourNotional;
    const scale = pow10(inst.priceDecimals + inst.qtyDecimals);
    return computeTca({
      orderId: p.id,
      symbol: p.symbol,
      side: p.side,
      algo: p.algo ?? 'direct',
      qty: fromUnits(p.qtyUnits, inst.qtyDecimals),
      filledQty: fromUnits(p.filledUnits, inst.qtyDecimals),
      decisionPrice: price(p.decisionPriceUnits),
      arrivalPrice: price(p.arrivalPriceUnits),
      arrivalTs: p.arrivalTs,
      endPrice: price(this.deps.market.mid(p.symbol)),
      endTs: this.deps.clock.now(),
      fills: fills.map((f) => ({
        price: fromUnits(f.priceUnits, inst.priceDecimals),
        qty: fromUnits(f.qtyUnits, inst.qtyDecimals),
        fee: fromUnits(f.feeUnits, CASH_DECIMALS),
        mid: price(f.midUnits),
        ts: f.ts,
      })),
      marketVolume: mktQty > 0n ? fromUnits(mktQty, inst.qtyDecimals) : 0,
      marketNotional: mktNotional > 0n ? Number(divRound(mktNotional * 100n, scale)) / 100 : 0,
      final,
      estimatedBps: typeof r.state.estimatedBps === 'number' ? r.state.estimatedBps : null,
    });
  }
}

/** Deterministic uniform in [0, 1) from (seed, parent seq, decision n). */
function hashUnit(seed: number, seq: number, n: number): number {
  let h = (seed ^ Math.imul(seq, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
