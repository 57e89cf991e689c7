import type { MethodName } from '../../contract/api.ts';

/** Requests that only read: never re-applied on a rebuild. Everything else changes state and is. */
const READ_ONLY = /\.(list|get|snapshot|candles|info|status|log|audit|preview|whatIf|stress|children|tca|metrics|routing)$/;

export interface Action {
  at: number;
  method: MethodName;
  params: unknown;
}

/**
 * The operator's state-changing requests at the engine time each was made: a backwards seek
 * rebuilds the account by re-applying those made before the target (later ones are forgotten).
 */
export class ActionLog {
  private actions: Action[] = [];

  /** Keeps a copy of the request if it can change state (read-only requests are not replayed). */
  record(at: number, method: MethodName, params: unknown): void {
    if (!READ_ONLY.test(method)) this.actions.push({ at, method, params: structuredClone(params) });
  }

  /** Forgets the actions made after `target`; returns those kept, in the order they were made. */
  keepUntil(target: number): readonly Action[] {
    this.actions = this.actions.filter((a) => a.at <= target);
    return this.actions;
  }
}

/** Every recorded trade's time, sorted: how many of them a time has played. */
export class TapeTimes {
  private readonly times: Float64Array;

  constructor(tapes: readonly { trades: readonly { timestampMs: number }[] }[], events: number) {
    const times = new Float64Array(events);
    let k = 0;
    for (const t of tapes) for (const tr of t.trades) times[k++] = tr.timestampMs;
    this.times = times.sort();
  }

  get length(): number {
    return this.times.length;
  }

  /** The time of the i-th recorded trade (0-based). */
  at(i: number): number {
    return this.times[i]!;
  }

  /** How many recorded trades are at or before `now`. */
  playedAt(now: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! <= now) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
