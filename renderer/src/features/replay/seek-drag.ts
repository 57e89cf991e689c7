/** Wall ms a dragged slider waits for the hand to rest before it seeks (each seek back rebuilds the account). */
export const SEEK_SETTLE_MS = 200;

interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const WALL_TIMERS: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * The replay slider's dragged position and the seek it sends. The slider shows the dragged value
 * from the first move until the engine answers the seek: while the seek runs (seconds on a long
 * tape) the engine's pushed position is its progress, not where the operator put the slider. It
 * was reset as soon as the request settled, so a seek reported as failed showed the position from
 * before it while the engine ended at the target.
 */
export class SeekDrag {
  /** The value the slider shows instead of the engine's position; null: the engine's. */
  private dragged: number | null = null;
  private flight: { target: number; from: number } | null = null;
  private timer: unknown = null;
  /** Bumped at each move: only the latest move's seek may hand the slider back to the engine. */
  private seq = 0;
  private readonly seek: (time: number) => Promise<boolean>;
  private readonly changed: () => void;
  private readonly timers: Timers;
  private readonly settleMs: number;

  /** `seek` resolves true once the engine is at the time (its state applied), false if it refused. */
  constructor(seek: (time: number) => Promise<boolean>, changed: () => void, opts: { settleMs?: number; timers?: Timers } = {}) {
    this.seek = seek;
    this.changed = changed;
    this.settleMs = opts.settleMs ?? SEEK_SETTLE_MS;
    this.timers = opts.timers ?? WALL_TIMERS;
  }

  /** The operator moved the slider to `time`; `position` is the engine's now (where a seek starts from). */
  slide(time: number, position: number): void {
    const seq = ++this.seq;
    this.dragged = time;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.flight = { target: time, from: this.flight?.from ?? position };
      this.changed();
      void this.seek(time).then(
        () => this.settle(seq),
        () => this.settle(seq),
      );
    }, this.settleMs);
    this.changed();
  }

  /** What the slider and the time display show, given the engine's position. */
  shown(position: number): number {
    return this.dragged ?? position;
  }

  /** A seek is under way in the engine. */
  get seeking(): boolean {
    return this.flight !== null;
  }

  /**
   * How far the running seek is, 0..1, from the engine's pushed position: forwards it plays on from
   * where it was; backwards it rebuilds from the recording's start.
   */
  progress(position: number, start: number): number | null {
    const f = this.flight;
    if (f === null) return null;
    const base = f.target >= f.from ? f.from : start;
    const span = f.target - base;
    if (span <= 0) return 1;
    return Math.min(1, Math.max(0, (position - base) / span));
  }

  dispose(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  /**
   * The seek answered: the engine's state (applied before this) now says where it is, at the target
   * on success. A later move keeps its own value and its own seek.
   */
  private settle(seq: number): void {
    if (seq !== this.seq) return;
    this.dragged = null;
    this.flight = null;
    this.changed();
  }
}
