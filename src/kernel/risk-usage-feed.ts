import type { LimitsDto, RiskStatusDto, RiskUsageDto } from '../contract/risk-dto.ts';
import type { Clock } from '../core/clock.ts';
import type { IdleTicker } from './periodic-tick.ts';

/** At most one usage push per this much engine time, however fast marks and fills move it. */
export const USAGE_PUSH_MS = 5_000;

export interface RiskUsageFeedDeps {
  clock: Clock;
  /** Whether anyone listens for `risk.usage`: with no one, nothing is built. */
  wants: () => boolean;
  limits: () => LimitsDto;
  status: () => RiskStatusDto;
  publish: (u: RiskUsageDto) => void;
  /** Whether a position is held or an order works: only then do marks move the readings. */
  exposed: () => boolean;
  minIntervalMs?: number;
}

/**
 * Flat and with nothing changed, the readings are read again only this often: a safety net, since
 * what changes them comes with an event the kernel passes to invalidate() (a symbol block that
 * expires too: the breaker's reset). Reading them every 5 s of engine time cost a replay with a
 * screen attached ~40% of its speed (the XRP/ETH tape in bench/kernel.ts: ~19k → ~12k events/s).
 */
export const USAGE_HEARTBEAT_MS = 900_000;

/**
 * Limit usage and the loss view change with every mark and fill, and no event said so: the risk
 * screen re-asked risk.status and risk.limits.get every few seconds while a position was held.
 * Asked once a tick, this reads them at most once per `minIntervalMs` of engine time and pushes them
 * when what they say changed since the last push (engine time, so a replay pushes the same readings
 * on every run, and a fast replay reads them once per interval of its own time, not per tick).
 */
export class RiskUsageFeed implements IdleTicker {
  private readonly d: RiskUsageFeedDeps;
  private lastKey: string | undefined;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  /** An order, fill, state, breaker, limit or flag event since the last reading. */
  private stale = true;

  constructor(deps: RiskUsageFeedDeps) {
    this.d = deps;
  }

  /** Something the readings depend on changed (the kernel calls this on its domain events). */
  invalidate(): void {
    this.stale = true;
  }

  tick(): void {
    if (!this.d.wants()) {
      // The next listener gets a reading at once, not only after the next change.
      this.lastKey = undefined;
      this.lastReadAt = Number.NEGATIVE_INFINITY;
      this.stale = true;
      return;
    }
    const at = this.d.clock.now();
    const since = at - this.lastReadAt;
    if (since < (this.d.minIntervalMs ?? USAGE_PUSH_MS)) return;
    if (!this.stale && since < USAGE_HEARTBEAT_MS && !this.d.exposed()) return;
    this.lastReadAt = at;
    this.stale = false;
    const limits = this.d.limits();
    const status = this.d.status();
    const key = JSON.stringify([limits.limits, status]);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.d.publish({ at, limits, status });
  }

  /**
   * The kernel's idle jump (periodic-tick.ts) must not pass a read that is due: a change that came
   * within `minIntervalMs` of the last read (a block that ends 3 s after the screen was told of it)
   * is read at the first tick past the interval, and on a SimClock with nothing else pending that
   * tick could be a day of engine time later, the ended block still on the screen until then.
   * Marks move only with prices, timers the jump stops at anyway, so being exposed does not bound it.
   */
  quietUntil(): number {
    if (!this.d.wants()) return Number.POSITIVE_INFINITY;
    return this.lastReadAt + (this.stale ? (this.d.minIntervalMs ?? USAGE_PUSH_MS) : USAGE_HEARTBEAT_MS);
  }

  /** Idle seconds read nothing: reads happen at real ticks, which quietUntil places. */
  idle(): void {}
}
