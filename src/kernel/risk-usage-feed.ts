import type { LimitsDto, RiskStatusDto, RiskUsageDto } from '../contract/risk-dto.ts';
import type { Clock } from '../core/clock.ts';

/** At most one usage push per this much engine time, however fast marks and fills move it. */
export const USAGE_PUSH_MS = 5_000;

export interface RiskUsageFeedDeps {
  clock: Clock;
  /** Whether anyone listens for `risk.usage`: with no one, nothing is built. */
  wants: () => boolean;
  limits: () => LimitsDto;
  status: () => RiskStatusDto;
  publish: (u: RiskUsageDto) => void;
  minIntervalMs?: number;
}

/**
 * Limit usage and the loss view change with every mark and fill, and no event said so: the risk
 * screen re-asked risk.status and risk.limits.get every few seconds while a position was held.
 * Asked once a tick, this reads them at most once per `minIntervalMs` of engine time and pushes them
 * when what they say changed since the last push (engine time, so a replay pushes the same readings
 * on every run, and a fast replay reads them once per interval of its own time, not per tick).
 */
export class RiskUsageFeed {
  private readonly d: RiskUsageFeedDeps;
  private lastKey: string | undefined;
  private lastReadAt = Number.NEGATIVE_INFINITY;

  constructor(deps: RiskUsageFeedDeps) {
    this.d = deps;
  }

  tick(): void {
    if (!this.d.wants()) {
      // The next listener gets a reading at once, not only after the next change.
      this.lastKey = undefined;
      this.lastReadAt = Number.NEGATIVE_INFINITY;
      return;
    }
    const at = this.d.clock.now();
    if (at - this.lastReadAt < (this.d.minIntervalMs ?? USAGE_PUSH_MS)) return;
    this.lastReadAt = at;
    const limits = this.d.limits();
    const status = this.d.status();
    const key = JSON.stringify([limits.limits, status]);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.d.publish({ at, limits, status });
  }
}
