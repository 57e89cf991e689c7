import type { Handlers, MethodName } from '../../contract/api.ts';
import type { ReplaySpeed, ReplayStateDto } from '../../contract/api/replay.ts';
import { SimClock, SimClockDriver } from '../../core/clock.ts';
import { DomainError } from '../../core/errors.ts';
import type { LoadedMarket } from '../../marketdata/recording.ts';
import type { Engine } from '../engine.ts';
import { FULL_FLUSH, MAX_SPEED_FLUSH, MarketConflater } from './conflate.ts';
import { ActionLog, TapeTimes } from './action-log.ts';
import { SliceRunner } from './slices.ts';
import { createReplayEngine } from './replay-engine.ts';
import type { ReplaySessionOptions } from './replay-engine.ts';

export type { ReplaySessionOptions } from './replay-engine.ts';

/**
 * A replay: the live engine (L1, OMS, algos, PMS, the simulated venue) driven by a recorded market
 * on a SimClock, with VCR controls. The replay account lives in memory, apart from the paper
 * account (which keeps its own engine and files): a replay is a pure function of its file, its
 * seed and the operator's actions at their engine times.
 *
 * Seeking backwards rebuilds the account the way it stood at the target (as NinjaTrader's Market
 * Replay resets its playback account): a fresh engine plays the recording from the start to the
 * target at full speed, re-applying each state-changing request the operator made before it at
 * the engine time it was made; actions after the target are forgotten. Forwards, the current engine
 * plays on. Either way the state at a time depends only on the actions before it, so the same seek
 * gives the same state, and seeking to a time gives the state of playing to it.
 */

type Listener = (type: string, payload: unknown) => void;
type AnyHandler = (p: unknown) => unknown;

/** The most wall time one paced step plays (see advancePaced). */
const MAX_STEP_WALL_MS = 100;
/** How often conflated market data reaches clients while playing, wall ms. */
const FLUSH_EVERY_MS = 100;
/** How often a playing replay reports its position, wall ms. */
const STATE_EVERY_MS = 250;

export class ReplaySession {
  readonly file: string;
  readonly market: LoadedMarket;
  private readonly o: ReplaySessionOptions;
  private readonly times: TapeTimes;
  private engine!: Engine;
  private clock!: SimClock;
  private driver!: SimClockDriver;
  private unsubscribe: (() => void) | undefined;
  /** The current engine is built and positioned (not mid-rebuild): its feed may be followed. */
  private live = false;
  private readonly listeners = new Set<Listener>();
  private readonly conflater: MarketConflater;
  private readonly actions = new ActionLog();
  private speed: ReplaySpeed;
  private playing = false;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  /** Full-speed runs in slices of a few ms of work (max speed, seeks): requests get a turn between. */
  private readonly runner: SliceRunner;
  /** A seek is under way (sliced): stepping waits for it; play and pause set what follows it. */
  private seeking = false;
  private resumeAfterSeek = false;
  private lastWall = 0;
  private lastStateAt = 0;
  private lastFlush = 0;
  private carry = 0;
  private closed = false;
  /** Settles when no rebuild is under way; requests wait on it. */
  private idle: Promise<void> = Promise.resolve();
  private readonly wallNow: () => number;
  /** The host's clients behind (undefined: none): a max-speed play waits on it before a slice. */
  backpressure: (() => Promise<void> | undefined) | undefined;
  private loops = 0; // bumped when the play loop stops: a slice waiting on backpressure then does not run

  private constructor(o: ReplaySessionOptions) {
    this.o = o;
    this.file = o.file;
    this.market = o.market;
    this.speed = o.speed ?? '1';
    this.wallNow = o.wallNow ?? (() => performance.now());
    this.times = new TapeTimes(o.market.tapes, o.market.events);
    this.runner = new SliceRunner(() => this.clock, () => this.driver, this.wallNow);
    this.conflater = new MarketConflater((type, payload) => {
      for (const l of this.listeners) l(type, payload);
    });
  }

  /** Builds the replay engine and positions it at `from` (default the first recorded trade). */
  static async open(o: ReplaySessionOptions): Promise<ReplaySession> {
    const s = new ReplaySession(o);
    await s.build();
    const from = o.from ?? s.start;
    if (from < s.start || from > s.end) throw new DomainError('BAD_REQUEST', `--from ${new Date(from).toISOString()} is outside the recording (${new Date(s.start).toISOString()} .. ${new Date(s.end).toISOString()})`);
    s.attach();
    // Positioned just before the first trade: the first step, or play, prints it.
    if (from > s.start) await s.runner.runTo(from);
    return s;
  }

  get start(): number {
    return this.market.start;
  }

  get end(): number {
    return this.market.end;
  }

  /** The current replay engine's requests; state-changing ones are kept for rebuilds. */
  handlers(): Handlers {
    const out: Partial<Record<MethodName, AnyHandler>> = {};
    for (const name of Object.keys(this.engine.handlers) as MethodName[]) {
      if (name.startsWith('replay.')) continue;
      out[name] = async (params: unknown) => {
        await this.idle;
        if (this.closed) throw new DomainError('REPLAY_NOT_LOADED', 'the replay was stopped');
        this.actions.record(this.clock.now(), name, params);
        return (this.engine.handlers[name] as AnyHandler)(params);
      };
    }
    return out as Handlers;
  }

  /** Events of whichever engine is current, plus `replay.state`. */
  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    this.follow();
    return () => {
      this.listeners.delete(l);
      // Nobody left to tell: stop following the engine, so it builds no DTOs for nobody.
      if (this.listeners.size === 0) this.unfollow();
    };
  }

  state(): ReplayStateDto {
    const now = this.clock.now();
    const position = Math.min(this.end, Math.max(this.start, now));
    return {
      loaded: !this.closed,
      file: this.file,
      format: this.market.format,
      symbols: this.market.tapes.map((t) => t.instrument.symbol),
      position,
      start: this.start,
      end: this.end,
      speed: this.speed,
      playing: this.playing,
      events: this.times.length,
      played: this.times.playedAt(now),
      generation: this.generation,
      ended: now >= this.end,
    };
  }

  /** The engine time now (for the clock event and tests). */
  now(): number {
    return this.clock.now();
  }

  /** Slices run so far at full speed (max-speed play, seeks); tests count them. */
  get slices(): number {
    return this.runner.slices;
  }

  play(): ReplayStateDto {
    if (this.seeking) {
      this.resumeAfterSeek = true;
      return this.publishState();
    }
    if (this.clock.now() >= this.end) return this.publishState();
    if (!this.playing) {
      this.playing = true;
      this.lastWall = this.wallNow();
      this.conflater.active = this.speed === 'max' || this.speed === '60';
      this.schedule();
    }
    return this.publishState();
  }

  pause(): ReplayStateDto {
    this.resumeAfterSeek = false;
    if (this.playing) {
      this.advancePaced();
      this.stopLoop();
    }
    return this.publishState();
  }

  setSpeed(speed: ReplaySpeed): ReplayStateDto {
    // Time played so far counts at the old speed.
    if (this.playing) this.advancePaced();
    this.speed = speed;
    this.conflater.active = this.playing && (speed === 'max' || speed === '60');
    if (this.playing) {
      this.stopLoop();
      this.playing = true;
      this.lastWall = this.wallNow();
      this.schedule();
    }
    return this.publishState();
  }

  /** Plays the next `n` recorded trades (and what the engine does meanwhile), then pauses. */
  step(n = 1): ReplayStateDto {
    if (this.seeking) throw new DomainError('BAD_REQUEST', 'a seek is under way: step after it');
    this.pause();
    const i = this.times.playedAt(this.clock.now());
    if (i >= this.times.length) return this.publishState();
    const target = this.times.at(Math.min(this.times.length - 1, i + n - 1));
    // A few steps show every print; a long run of them is a jump like a seek.
    if (n > 1_000) {
      this.conflater.active = true;
      this.runTo(target);
      this.conflater.flush();
      this.conflater.active = false;
    } else this.runTo(target);
    return this.publishState();
  }

  async seek(time: number): Promise<ReplayStateDto> {
    await this.idle;
    const target = Math.min(this.end, Math.max(this.start, time));
    const wasPlaying = this.playing;
    this.pause();
    this.resumeAfterSeek = wasPlaying;
    this.seeking = true;
    // Sliced (the event loop serves requests between slices); requests that change state wait for it.
    const work = target >= this.clock.now() ? this.seekForward(target) : this.rebuild(target);
    this.idle = work.catch(() => undefined);
    try {
      await work;
    } finally {
      this.seeking = false;
    }
    if (this.resumeAfterSeek && target < this.end) return this.play();
    this.resumeAfterSeek = false;
    return this.publishState();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.idle;
    this.stopLoop();
    this.closed = true;
    this.live = false;
    this.unfollow();
    await this.engine.stop();
    this.publishState();
    this.listeners.clear();
  }

  private async build(): Promise<void> {
    const o = this.o;
    this.clock = new SimClock(this.start - 1);
    this.driver = new SimClockDriver(this.clock);
    // Full-speed runs let the kernel's tick jump idle seconds (same state as stepping each).
    this.clock.jumps = o.idleJumps ?? true;
    this.engine = createReplayEngine(o, this.clock, this.market);
    await this.engine.start();
  }

  private attach(): void {
    this.live = true;
    this.follow();
  }

  /**
   * The engine's feed is followed only while someone listens to the session: a follower makes the
   * engine's bus want every event type, so each book, quote, trade, candle and account refresh
   * would be built as a DTO (most of a full-speed seek's time) for a conflater with nobody behind it.
   */
  private follow(): void {
    if (!this.live || this.unsubscribe !== undefined || this.listeners.size === 0) return;
    this.unsubscribe = this.engine.feed.subscribe((type, payload) => this.conflater.push(type, payload));
  }

  private unfollow(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private async rebuild(target: number): Promise<void> {
    this.live = false;
    this.unfollow();
    await this.engine.stop();
    this.generation++;
    const actions = this.actions.keepUntil(target);
    await this.build();
    const h = this.engine.handlers as unknown as Record<MethodName, AnyHandler>;
    for (const a of actions) {
      await this.runner.runTo(a.at, this.progress);
      try {
        await h[a.method](a.params);
      } catch {
        // It failed the first time too (a refusal is an answer, not a change): nothing to re-apply.
      }
    }
    await this.runner.runTo(target, this.progress);
    this.attach();
  }

  /**
   * Forwards, unfollowed as a rebuild is, and a new generation: clients load every snapshot again after it,
   * as a fresh client does. Followed, a seek across the demo tape pushed 106k frames (36 MB) and took 2x the CPU.
   */
  private async seekForward(target: number): Promise<void> {
    this.live = false;
    this.unfollow();
    this.generation++;
    await this.runner.runTo(target, this.progress).finally(() => this.attach());
  }

  /** Between a seek's slices: its position goes out as progress (a long seek takes seconds). */
  private readonly progress = (): void => {
    if (this.wallNow() - this.lastStateAt >= STATE_EVERY_MS) this.publishState();
  };

  private runTo(t: number): void {
    if (t > this.clock.now()) this.driver.runToEnd(t);
  }

  private schedule(): void {
    // Max speed: the next slice after pending I/O (requests are served between slices), once the clients caught up.
    if (this.speed !== 'max') this.timer = setTimeout(() => this.loopStep(), this.o.tickMs ?? 20);
    else {
      const loop = this.loops;
      const behind = this.backpressure?.();
      if (behind === undefined) this.immediate = setImmediate(() => this.loopStep());
      else void behind.then(() => loop === this.loops && this.playing && this.schedule());
    }
  }

  private stopLoop(): void {
    this.playing = false;
    this.loops++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    // What the last play step kept, bounded as each step's is (a pause must not burst hours of bars).
    this.conflater.flush(this.speed === 'max' ? MAX_SPEED_FLUSH : FULL_FLUSH);
    if (this.conflater.endRun()) this.generation++; // bars left out: clients load their snapshots again
  }

  /** Simulated time follows wall time × speed since the last step, never past the end. */
  private advancePaced(): void {
    const wall = this.wallNow();
    // A machine too slow for the speed falls behind instead of catching up in ever longer steps
    // (each blocking requests, such as Pause, for longer): one step covers at most MAX_STEP_WALL_MS.
    const elapsed = Math.min(wall - this.lastWall, MAX_STEP_WALL_MS);
    this.lastWall = wall;
    if (this.speed === 'max' || elapsed <= 0) return;
    // Engine time stays in whole ms (timestamps are integers on the wire): the fraction carries over.
    this.carry += elapsed * Number(this.speed);
    const whole = Math.floor(this.carry);
    this.carry -= whole;
    if (whole > 0) this.runTo(Math.min(this.end, this.clock.now() + whole));
  }

  private loopStep(): void {
    this.timer = undefined;
    this.immediate = undefined;
    if (!this.playing) return;
    try {
      if (this.speed === 'max') {
        // One slice (a few ms of work), not runToEnd(end), which would run to the end in one go.
        this.runner.slice(this.end);
        this.lastWall = this.wallNow();
      } else {
        this.advancePaced();
      }
    } catch (err) {
      this.o.log?.('error', `replay step failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      this.stopLoop();
      this.publishState();
      return;
    }
    // Conflated market data goes out at most every FLUSH_EVERY_MS: a screen needs no more, and a
    // browser on a busy machine drowns in more.
    const flushWall = this.wallNow();
    if (flushWall - this.lastFlush >= FLUSH_EVERY_MS) {
      this.lastFlush = flushWall;
      this.conflater.flush(this.speed === 'max' ? MAX_SPEED_FLUSH : FULL_FLUSH);
    }
    if (this.clock.now() >= this.end) {
      this.stopLoop();
      this.publishState();
      return;
    }
    const wall = this.wallNow();
    if (wall - this.lastStateAt >= STATE_EVERY_MS) this.publishState();
    this.schedule();
  }

  private publishState(): ReplayStateDto {
    this.lastStateAt = this.wallNow();
    const s = this.state();
    for (const l of this.listeners) l('replay.state', s);
    return s;
  }
}
