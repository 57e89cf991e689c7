import type { Side, Urgency } from '../../../../src/contract/dto.ts';
import type { AlgoContext, AlgoParams, AlgoState, ChildSpec, ChildView, DecisionReason, ExecAlgo, GuardVerdict } from '../../../../src/execution/algos/types.ts';

/**
 * A fake AlgoContext over a small scripted market, and a loop that drives an algorithm the way the
 * AlgoRunner does (deferred 'child' decisions, one timer re-armed after every decision at
 * min(wakeAt, endAt), 'market' decisions on every step for market-driven algorithms, nothing at
 * or after the end time). Children are filled by simple rules:
 *
 * - a marketable child (IOC, or a limit at or through the far touch) takes up to the far touch's
 *   quantity `latencyMs` after it was placed; an IOC's rest expires;
 * - a resting buy (sell) fills when a step moves the ask (bid) to its price, else a share of the
 *   step's volume when it is at or better than the bid (ask);
 * - a cancel lands `latencyMs` after it was asked for.
 *
 * Every placeChild is checked against the invariants the algorithms promise; breaches are collected
 * in `violations` (and a child that would overfill the parent is refused, like the runner does).
 */

export interface FakeStep {
  /** Move of the best bid, in ticks. */
  drift: number;
  /** Spread after the move, in ticks (≥ 1). */
  spread: number;
  /** Others' traded volume during the step, in lots. */
  volumeLots: number;
  /** Quantity at each touch, in lots (≥ 1). */
  touchLots: number;
  /** Short-term volatility reading, per √s. */
  vol: number;
}

export interface FakeOptions {
  side: Side;
  qtyUnits: bigint;
  limitUnits?: bigint | null;
  urgency?: Urgency;
  params: Partial<AlgoParams> & { startAt: number; endAt: number };
  /** Arrival (time zero of the run); defaults to params.startAt. */
  arrivalAt?: number;
  lotUnits?: bigint;
  tickUnits?: bigint;
  /** Venue minimum child, in lots, at any price (default 1). */
  minChildLots?: bigint;
  /** Best bid at arrival, in ticks. */
  startBidTicks?: bigint;
  steps: readonly FakeStep[];
  stepMs?: number;
  latencyMs?: number;
  /** Share of a step's volume a resting child at the touch receives (default 0.5). */
  queueShare?: number;
  /** The guard's verdict for call number n at time t (default: always ok). */
  guard?: (t: number, n: number) => GuardVerdict;
  /** Does the loop check the guard before deciding, like the runner (default true)? */
  runnerChecksGuard?: boolean;
  /** Make placeChild deny child number n (1-based), as the L1 gate would. */
  deny?: (n: number, spec: ChildSpec) => boolean;
  seed?: number;
  /** Called after every decision the algorithm made (to check what it left behind). */
  onDecided?: (h: FakeHarness, reason: DecisionReason) => void;
}

export interface FakeChild {
  id: string;
  n: number;
  qtyUnits: bigint;
  filledUnits: bigint;
  priceUnits: bigint | null;
  type: 'market' | 'limit';
  tif: 'gtc' | 'ioc';
  status: 'working' | 'filled' | 'cancelled' | 'expired';
  cancelRequested: boolean;
  cancelAt: number | undefined;
  createdAt: number;
  arrivesAt: number;
  arrived: boolean;
  doneAt: number | undefined;
  /** The book when it was placed. */
  bid: bigint | undefined;
  ask: bigint | undefined;
  /** Slice of the run's decision that placed it. */
  reason: DecisionReason;
  /** Working children (others) at the moment it was placed. */
  othersWorking: number;
}

export interface Sample {
  t: number;
  filled: bigint;
  working: bigint;
  others: bigint;
}

/** Deterministic uniform in [0, 1) from (seed, n). */
export function unitHash(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 1, 0x85ebca6b)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export class FakeHarness {
  readonly opts: FakeOptions;
  readonly params: AlgoParams;
  readonly lot: bigint;
  readonly tick: bigint;
  readonly children: FakeChild[] = [];
  readonly violations: string[] = [];
  readonly decisions: { t: number; reason: DecisionReason }[] = [];
  readonly samples: Sample[] = [];
  /** Every wakeAt an algorithm asked for, with the time it asked. */
  readonly wakes: { at: number; t: number }[] = [];
  state: AlgoState = {};
  now: number;
  filled = 0n;
  qtyUnits: bigint;
  others = 0n;
  bid: bigint | undefined;
  ask: bigint | undefined;
  bidQty = 0n;
  askQty = 0n;
  vol = 0;
  paused = false;
  stepIndex = 0;
  private guardCalls = 0;
  private readonly live: FakeChild[] = [];
  private timerAt: number | undefined;
  private readonly childQueue: number[] = [];
  private algo: ExecAlgo;
  private readonly make: () => ExecAlgo;

  constructor(make: () => ExecAlgo, opts: FakeOptions) {
    this.make = make;
    this.algo = make();
    this.opts = opts;
    this.params = { seed: opts.seed ?? 1, ...opts.params };
    this.lot = opts.lotUnits ?? 1n;
    this.tick = opts.tickUnits ?? 1n;
    this.qtyUnits = opts.qtyUnits;
    this.now = opts.arrivalAt ?? opts.params.startAt;
    const bidTicks = opts.startBidTicks ?? 10_000n;
    this.bid = bidTicks * this.tick;
    const first = opts.steps[0];
    this.ask = this.bid + BigInt(Math.max(1, first?.spread ?? 1)) * this.tick;
    this.bidQty = BigInt(Math.max(1, first?.touchLots ?? 10)) * this.lot;
    this.askQty = this.bidQty;
  }

  get limitUnits(): bigint | null {
    return this.opts.limitUnits ?? null;
  }

  /** Children still working, oldest first. */
  working(): FakeChild[] {
    return [...this.live];
  }

  workingUnits(): bigint {
    return this.working().reduce((a, c) => a + c.qtyUnits - c.filledUnits, 0n);
  }

  guardNow(): GuardVerdict {
    this.guardCalls++;
    return this.opts.guard ? this.opts.guard(this.now, this.guardCalls) : { ok: true };
  }

  /** Simulates a crash and restart: a new algorithm instance and the state as persisted (JSON). */
  restart(): void {
    this.algo = this.make();
    this.state = JSON.parse(JSON.stringify(this.state)) as AlgoState;
    this.timerAt = undefined;
    this.childQueue.length = 0;
    this.decide('start');
  }

  ctx(wake: (t: number) => void): AlgoContext {
    const o = this.opts;
    return {
      parentId: 'P1',
      symbol: 'TEST',
      side: o.side,
      urgency: o.urgency ?? 'medium',
      qtyUnits: this.qtyUnits,
      filledUnits: this.filled,
      limitUnits: this.limitUnits,
      params: this.params,
      state: this.state,
      lotUnits: this.lot,
      tickUnits: this.tick,
      minChildUnits: () => (o.minChildLots ?? 1n) * this.lot,
      now: () => this.now,
      market: {
        bestBid: () => this.bid,
        bestAsk: () => this.ask,
        bestBidQty: () => this.bidQty,
        bestAskQty: () => this.askQty,
        last: () => this.bid,
        volumeSinceArrival: () => this.others,
        shortTermVol: () => this.vol,
      },
      working: (): ChildView[] =>
        this.working().map((c) => ({
          id: c.id,
          qtyUnits: c.qtyUnits,
          filledUnits: c.filledUnits,
          priceUnits: c.priceUnits,
          type: c.type,
          tif: c.tif,
          cancelRequested: c.cancelRequested,
          createdAt: c.createdAt,
        })),
      workingUnits: () => this.workingUnits(),
      placeChild: (spec) => this.place(spec),
      cancelChild: (id) => {
        const c = this.children.find((x) => x.id === id);
        if (!c || c.status !== 'working' || c.cancelRequested) return;
        c.cancelRequested = true;
        c.cancelAt = this.now + (o.latencyMs ?? 5);
      },
      wakeAt: (t) => {
        this.wakes.push({ at: t, t: this.now });
        wake(t);
      },
      guard: () => this.guardNow(),
      random: (n) => unitHash(this.params.seed, n),
    };
  }

  private reasonNow: DecisionReason = 'start';

  private place(spec: ChildSpec): { ok: true; id: string } | { ok: false; code: string; message: string } {
    const v = (m: string) => this.violations.push(`t=${this.now} ${m}`);
    // The guard as it stands now (not counted as a call: this is the referee's look).
    const verdict = this.opts.guard ? this.opts.guard(this.now, this.guardCalls) : { ok: true };
    if (!verdict.ok) v('child placed while the guard says no');
    if (this.paused) v('child placed while paused');
    if (this.now < this.params.startAt) v('child placed before startAt');
    if (this.now >= this.params.endAt) v('child placed at or after endAt');
    if (spec.qtyUnits <= 0n) v(`child quantity ${spec.qtyUnits} not positive`);
    if (spec.qtyUnits % this.lot !== 0n) v(`child quantity ${spec.qtyUnits} not on the lot`);
    const price = spec.priceUnits ?? null;
    if (spec.type === 'limit' && price === null) v('limit child without a price');
    if (price !== null && price % this.tick !== 0n) v(`price ${price} not on the tick`);
    if (price !== null && price <= 0n) v(`price ${price} not positive`);
    const cap = this.limitUnits;
    if (cap !== null) {
      if (spec.type === 'market') v('market child under a price cap');
      if (price !== null && (this.opts.side === 'buy' ? price > cap : price < cap)) v(`price ${price} beyond the cap ${cap}`);
    }
    const remaining = this.qtyUnits - this.filled - this.workingUnits();
    if (spec.qtyUnits > remaining) {
      v(`child ${spec.qtyUnits} > remaining ${remaining}`);
      return { ok: false, code: 'CHILD_EXCEEDS_PARENT', message: 'too big' };
    }
    const n = this.children.length + 1;
    if (this.opts.deny?.(n, spec)) {
      this.paused = true;
      return { ok: false, code: 'DENIED', message: 'denied by the fake gate' };
    }
    const othersWorking = this.live.length;
    const child: FakeChild = {
      id: `P1-C${n}`,
      n,
      qtyUnits: spec.qtyUnits,
      filledUnits: 0n,
      priceUnits: price,
      type: spec.type,
      tif: spec.tif,
      status: 'working',
      cancelRequested: false,
      cancelAt: undefined,
      createdAt: this.now,
      arrivesAt: this.now + (this.opts.latencyMs ?? 5),
      arrived: false,
      doneAt: undefined,
      bid: this.bid,
      ask: this.ask,
      reason: this.reasonNow,
      othersWorking,
    };
    this.children.push(child);
    this.live.push(child);
    return { ok: true, id: `P1-C${n}` };
  }

  /** One decision, as the runner makes it. */
  decide(reason: DecisionReason): void {
    if (this.paused || this.filled >= this.qtyUnits || this.now >= this.params.endAt) return;
    if (this.opts.runnerChecksGuard !== false) {
      const g = this.guardNow();
      if (!g.ok) {
        if (g.action === 'pause') this.paused = true;
        else this.timerAt = Math.min(this.now + 5_000, this.params.endAt);
        return;
      }
    }
    let wake: number | undefined;
    this.reasonNow = reason;
    this.decisions.push({ t: this.now, reason });
    this.algo.decide(
      this.ctx((t) => (wake = wake === undefined ? t : Math.min(wake, t))),
      reason,
    );
    // JSON-safe state only (it is persisted as JSON).
    for (const [k, val] of Object.entries(this.state)) {
      if (typeof val === 'number' && !Number.isFinite(val)) this.violations.push(`state ${k} is not finite`);
    }
    this.timerAt = Math.min(wake ?? this.params.endAt, this.params.endAt);
    this.opts.onDecided?.(this, reason);
  }

  private fill(c: FakeChild, qty: bigint): void {
    const q = qty > c.qtyUnits - c.filledUnits ? c.qtyUnits - c.filledUnits : qty;
    if (q <= 0n) return;
    c.filledUnits += q;
    this.filled += q;
    if (this.filled > this.qtyUnits) this.violations.push(`t=${this.now} parent overfilled ${this.filled} > ${this.qtyUnits}`);
    if (c.filledUnits === c.qtyUnits) this.finish(c, 'filled');
  }

  private finish(c: FakeChild, to: FakeChild['status']): void {
    if (c.status !== 'working') return;
    c.status = to;
    c.doneAt = this.now;
    this.live.splice(this.live.indexOf(c), 1);
    this.childQueue.push(c.n);
  }

  private marketable(c: FakeChild): boolean {
    if (c.type === 'market') return true;
    if (c.priceUnits === null) return false;
    if (this.opts.side === 'buy') return this.ask !== undefined && c.priceUnits >= this.ask;
    return this.bid !== undefined && c.priceUnits <= this.bid;
  }

  private touchQty(): bigint {
    return this.opts.side === 'buy' ? this.askQty : this.bidQty;
  }

  private arrive(c: FakeChild): void {
    c.arrived = true;
    if (c.status !== 'working') return;
    if (this.marketable(c)) this.fill(c, this.touchQty());
    if (c.status === 'working' && (c.tif === 'ioc' || c.type === 'market')) this.finish(c, 'expired');
  }

  private step(): void {
    const s = this.opts.steps[this.stepIndex % this.opts.steps.length]!;
    this.stepIndex++;
    const tick = this.tick;
    let bid = (this.bid ?? 10_000n * tick) + BigInt(Math.trunc(s.drift)) * tick;
    if (bid < 100n * tick) bid = 100n * tick;
    this.bid = bid;
    this.ask = bid + BigInt(Math.max(1, Math.trunc(s.spread))) * tick;
    this.bidQty = BigInt(Math.max(1, Math.trunc(s.touchLots))) * this.lot;
    this.askQty = this.bidQty;
    this.vol = s.vol;
    const volume = BigInt(Math.max(0, Math.trunc(s.volumeLots))) * this.lot;
    this.others += volume;
    for (const c of this.working()) {
      if (!c.arrived || c.priceUnits === null) continue;
      if (this.marketable(c)) this.fill(c, this.touchQty());
      else {
        const atTouch = this.opts.side === 'buy' ? c.priceUnits >= this.bid : this.ask !== undefined && c.priceUnits <= this.ask;
        if (atTouch) {
          const share = BigInt(Math.floor(Number(volume) * (this.opts.queueShare ?? 0.5)));
          this.fill(c, share - (share % this.lot));
        }
      }
    }
  }

  private sample(): void {
    const w = this.workingUnits();
    this.samples.push({ t: this.now, filled: this.filled, working: w, others: this.others });
    if (this.filled + w > this.qtyUnits) this.violations.push(`t=${this.now} filled ${this.filled} + working ${w} > ${this.qtyUnits}`);
  }

  /** Runs until the end time (or `until`), the parent is done, or it is paused. */
  run(until = this.params.endAt, hooks: { at?: number; fn?: (h: FakeHarness) => void } = {}): this {
    const stepMs = this.opts.stepMs ?? 250;
    const t0 = this.opts.arrivalAt ?? this.params.startAt;
    let nextStep = t0 + stepMs;
    let hookDone = hooks.at === undefined;
    if (this.decisions.length === 0) {
      this.decide('start');
      this.sample();
    }
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (this.filled >= this.qtyUnits && this.working().length === 0) break;
      // Children's arrivals and cancels first, then 'child' decisions, then the market, then the timer.
      let nextChild = Infinity;
      for (const c of this.live) {
        if (!c.arrived) nextChild = Math.min(nextChild, c.arrivesAt);
        if (c.cancelAt !== undefined) nextChild = Math.min(nextChild, c.cancelAt);
      }
      const nextTimer = this.timerAt ?? Infinity;
      const hookAt = !hookDone ? hooks.at! : Infinity;
      const t = Math.min(nextChild, nextStep, nextTimer, hookAt);
      if (t > until || !Number.isFinite(t)) break;
      this.now = t;
      if (t === hookAt) {
        hookDone = true;
        hooks.fn?.(this);
      } else if (t === nextChild) {
        for (const c of this.working()) {
          if (!c.arrived && c.arrivesAt === t) this.arrive(c);
          if (c.status === 'working' && c.cancelAt === t) this.finish(c, 'cancelled');
        }
      } else if (t === nextStep) {
        nextStep += stepMs;
        this.step();
        if (this.algo.marketDriven) this.decide('market');
      } else {
        this.timerAt = undefined;
        this.decide('timer');
      }
      while (this.childQueue.length > 0) {
        this.childQueue.length = 0;
        this.decide('child');
      }
      this.sample();
    }
    this.now = Math.max(this.now, Math.min(until, this.params.endAt));
    return this;
  }

  /** Times at which a child was placed. */
  placements(): number[] {
    return this.children.map((c) => c.createdAt);
  }
}

/** A market that stays put: spread 1 tick, deep touch, steady volume. */
export function flatMarket(volumeLots = 10, touchLots = 1_000): FakeStep[] {
  return [{ drift: 0, spread: 1, volumeLots, touchLots, vol: 0 }];
}
