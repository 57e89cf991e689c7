/**
 * Time for the whole engine. Nothing else reads the wall clock: live and paper run on WallClock,
 * replay and backtest on SimClock, and the code above cannot tell which.
 */
export interface Clock {
  now(): number;
  /** Runs fn once at time `at` (epoch ms). Timers due at the same time run in scheduling order. */
  schedule(at: number, fn: () => void): number;
  cancel(id: number): void;
}

/**
 * How engine time moves against wall time, for the clock the engine pushes to its clients: `speed`
 * engine ms per wall ms (null: as fast as it can, a backtest), `paused` while it stands still. A
 * replay's driver reports its play/pause/speed here; the wall clock is speed 1, never paused.
 */
export interface ClockPace {
  readonly speed: number | null;
  readonly paused: boolean;
  /** Called on every change of speed or pause; returns the unsubscribe. */
  onChange(fn: () => void): () => void;
}

/** The pace of a clock nobody drives interactively: the wall clock at 1×, a SimClock as fast as it runs. */
export function fixedPace(speed: number | null): ClockPace {
  return { speed, paused: false, onChange: () => () => undefined };
}

export function every(clock: Clock, periodMs: number, fn: () => void): () => void {
  let id = 0;
  let stopped = false;
  const tick = (at: number): void => {
    id = clock.schedule(at, () => {
      if (stopped) return;
      fn();
      tick(at + periodMs);
    });
  };
  tick(clock.now() + periodMs);
  return () => {
    stopped = true;
    clock.cancel(id);
  };
}

interface Timer {
  at: number;
  seq: number;
  id: number;
  fn: () => void;
}

/** Binary heap on (at, seq): deterministic order for simultaneous timers. */
class TimerHeap {
  private readonly items: Timer[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Timer | undefined {
    return this.items[0];
  }
  push(t: Timer): void {
    const a = this.items;
    a.push(t);
    // Sift up by moving parents down into the hole (no swap pairs: a replay pushes a timer for every
    // simulated second).
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p]!;
      if (!less(t, parent)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = t;
  }
  pop(): Timer | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      // Sift `last` down from the root, moving the smaller child up into the hole.
      const n = a.length;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && less(a[r]!, a[l]!) ? r : l;
        if (!less(a[c]!, last)) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

function less(x: Timer, y: Timer): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}

/**
 * Simulated time: advances only when told to. `advanceTo` runs every timer due up to the target in
 * (at, seq) order, so a replay or backtest is a pure function of its inputs.
 */
export class SimClock implements Clock {
  private t: number;
  private seq = 0;
  private nextId = 1;
  private readonly heap = new TimerHeap();
  private readonly cancelled = new Set<number>();
  /**
   * Idle jumps (off unless the driver turns them on: the replay at full speed). While on, a timer
   * run by `runSteps` without a step limit may ask `jumpHorizon()` how far nothing else can happen,
   * and cover the idle periods up to there at once (the kernel's once-a-second tick).
   */
  jumps = false;
  /** The `until` of the runSteps call running now without a step limit; -Infinity otherwise. */
  private runUntil = Number.NEGATIVE_INFINITY;

  constructor(startMs: number) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  schedule(at: number, fn: () => void): number {
    const id = this.nextId++;
    this.heap.push({ at: Math.max(at, this.t), seq: this.seq++, id, fn });
    return id;
  }

  cancel(id: number): void {
    this.cancelled.add(id);
  }

  /** Time of the next pending timer, if any. */
  nextAt(): number | undefined {
    this.dropCancelled();
    return this.heap.peek()?.at;
  }

  advanceTo(target: number): void {
    // Timers it runs never jump, even when called from a timer of a run that allows it.
    const outer = this.runUntil;
    this.runUntil = Number.NEGATIVE_INFINITY;
    try {
      for (;;) {
        this.dropCancelled();
        const next = this.heap.peek();
        if (!next || next.at > target) break;
        this.heap.pop();
        this.t = next.at;
        next.fn();
      }
    } finally {
      this.runUntil = outer;
    }
    if (target > this.t) this.t = target;
  }

  /**
   * Runs up to `maxSteps` steps of simulated time, none past `until`: a step moves to the earliest
   * pending timer and runs every timer due at that time (those its timers schedule for it too), as
   * `advanceTo(nextAt())` would. One loop instead of the pair: a full-speed replay runs a few hundred
   * thousand steps, each with one heap peek fewer. Returns the steps run.
   */
  runSteps(until: number, maxSteps = Number.POSITIVE_INFINITY): number {
    const outer = this.runUntil;
    // Only a run without a step limit surely runs every timer up to `until` before anyone else
    // (a request) gets a turn: only there may a timer jump.
    this.runUntil = maxSteps === Number.POSITIVE_INFINITY ? until : Number.NEGATIVE_INFINITY;
    try {
      return this.runStepsIn(until, maxSteps);
    } finally {
      this.runUntil = outer;
    }
  }

  /**
   * For the timer running now: the latest time it may schedule its next run at while treating the
   * periods in between as idle, i.e. no other timer is due before it (one due AT it runs first, as
   * it would have), the running loop will surely run it, and no request can come in between.
   * `now()` when jumps are off or the timer does not run under `runSteps` without a step limit.
   */
  jumpHorizon(past: readonly number[] = []): number {
    if (!this.jumps || this.runUntil === Number.NEGATIVE_INFINITY) return this.t;
    this.dropCancelled();
    // Timers the caller covers itself (`past`: it answers for what they would do in the idle
    // periods) are looked past: taken off the top and put back, the same entries (at, seq), so the
    // order timers run in does not change.
    const held: Timer[] = [];
    let next = this.heap.peek();
    while (next !== undefined && past.includes(next.id)) {
      held.push(this.heap.pop()!);
      this.dropCancelled();
      next = this.heap.peek();
    }
    for (const t of held) this.heap.push(t);
    return Math.min(this.runUntil, next === undefined ? Number.POSITIVE_INFINITY : next.at);
  }

  private runStepsIn(until: number, maxSteps: number): number {
    let n = 0;
    let stepAt = Number.NaN;
    for (;;) {
      this.dropCancelled();
      const next = this.heap.peek();
      if (!next) break;
      if (next.at !== stepAt) {
        if (next.at > until || n >= maxSteps) break;
        stepAt = next.at;
        n++;
      }
      this.heap.pop();
      this.t = next.at;
      next.fn();
    }
    return n;
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.t + ms);
  }

  /**
   * Moves straight to `target` (never back) and runs every timer due by then, in (at, seq) order,
   * at the new time: a periodic timer that fell due several times in the jump runs once and
   * reschedules from there. A bar backtest moves only when a decision produces an order; stepping
   * through every second in between (advanceTo) would run 600 million one-second ticks over 20 years
   * of daily bars.
   */
  jumpTo(target: number): void {
    if (target > this.t) this.t = target;
    const outer = this.runUntil;
    this.runUntil = Number.NEGATIVE_INFINITY;
    try {
      for (;;) {
        this.dropCancelled();
        const next = this.heap.peek();
        if (!next || next.at > this.t) break;
        this.heap.pop();
        next.fn();
      }
    } finally {
      this.runUntil = outer;
    }
  }

  private dropCancelled(): void {
    let top = this.heap.peek();
    while (top && this.cancelled.has(top.id)) {
      this.cancelled.delete(top.id);
      this.heap.pop();
      top = this.heap.peek();
    }
  }
}

/**
 * Wall time. Timers go through setTimeout; same-time timers keep their order via one queue.
 *
 * A timer never runs before `now() >= at`: setTimeout counts on a monotonic clock of its own and
 * can fire a little before Date.now() reaches the target (seen 11 times in 500 after 5 ms of busy
 * work), and code that drains "what is due" would then find nothing due and wait for an unrelated
 * timer. So an early wake-up re-arms for the rest instead of running the callback.
 */
export class WallClock implements Clock {
  private readonly handles = new Map<number, ReturnType<typeof setTimeout>>();
  private nextId = 1;
  private readonly wallNow: () => number;

  /** `wallNow` is for tests that need a wall clock lagging behind the timer source. */
  constructor(wallNow: () => number = Date.now) {
    this.wallNow = wallNow;
  }

  now(): number {
    return this.wallNow();
  }

  schedule(at: number, fn: () => void): number {
    const id = this.nextId++;
    this.arm(id, at, fn);
    return id;
  }

  private arm(id: number, at: number, fn: () => void): void {
    const h = setTimeout(() => {
      if (this.wallNow() < at) {
        this.arm(id, at, fn);
        return;
      }
      this.handles.delete(id);
      fn();
    }, Math.max(0, at - this.wallNow()));
    this.handles.set(id, h);
  }

  cancel(id: number): void {
    const h = this.handles.get(id);
    if (h !== undefined) clearTimeout(h);
    this.handles.delete(id);
  }

  /** Stops every pending timer (engine shutdown). */
  dispose(): void {
    for (const h of this.handles.values()) clearTimeout(h);
    this.handles.clear();
  }
}

/**
 * Drives a SimClock. `runToEnd` is the backtest mode (as fast as possible: jump from timer to
 * timer); `pace` is the replay mode (simulated time follows wall time times a speed factor, with
 * pause, resume and speed changes). The code running on the SimClock cannot tell the difference.
 */
export class SimClockDriver implements ClockPace {
  private readonly clock: SimClock;
  private handle: ReturnType<typeof setInterval> | undefined;
  private factor = 1;
  private lastWall = 0;
  private readonly wallNow: () => number;
  private readonly listeners = new Set<() => void>();

  constructor(clock: SimClock, wallNow: () => number = () => performance.now()) {
    this.clock = clock;
    this.wallNow = wallNow;
  }

  /** Runs every timer up to `until` (or until none is left), as fast as possible. Returns the count. */
  runToEnd(until = Number.POSITIVE_INFINITY, maxTimers = Number.POSITIVE_INFINITY): number {
    const n = this.clock.runSteps(until, maxTimers);
    if (Number.isFinite(until) && until > this.clock.now()) this.clock.advanceTo(until);
    return n;
  }

  get paced(): boolean {
    return this.handle !== undefined;
  }

  /** The pacing factor (ClockPace): engine ms per wall ms while paced. */
  get speed(): number {
    return this.factor;
  }

  /** Not pacing (ClockPace): engine time moves only when someone runs it. */
  get paused(): boolean {
    return this.handle === undefined;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Starts pacing at `speed` × wall time, checking every `tickMs` of wall time. */
  pace(speed: number, tickMs = 10): void {
    this.setSpeed(speed);
    if (this.handle) return;
    this.lastWall = this.wallNow();
    this.handle = setInterval(() => this.tick(), tickMs);
    this.changed();
  }

  setSpeed(speed: number): void {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
    this.tick();
    if (speed === this.factor) return;
    this.factor = speed;
    this.changed();
  }

  pause(): void {
    if (!this.handle) return;
    this.tick();
    clearInterval(this.handle);
    this.handle = undefined;
    this.changed();
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }

  /** Advances simulated time by the wall time elapsed since the last tick, times the speed. */
  tick(): void {
    if (!this.handle) return;
    const wall = this.wallNow();
    const elapsed = wall - this.lastWall;
    this.lastWall = wall;
    if (elapsed > 0) this.clock.advanceTo(this.clock.now() + elapsed * this.factor);
  }
}
