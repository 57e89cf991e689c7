import type { ClockDto } from '../contract/api/session.ts';
import { WallClock, fixedPace } from '../core/clock.ts';
import type { Clock, ClockPace } from '../core/clock.ts';
import type { EngineMode } from '../core/enums.ts';

/**
 * The engine's clock on the contract: `clock` is pushed once a second of engine time (by the
 * kernel's periodic tick) and at once whenever the pace changes (a replay's play, pause, speed),
 * and session.info carries the same DTO. Without a pace from the mode, the wall clock runs at 1×
 * and a SimClock as fast as it is driven (speed null: clients show serverTime as it comes).
 */
export class ClockFeed {
  private readonly mode: EngineMode;
  private readonly clock: Clock;
  private readonly pace: ClockPace;
  private readonly publish: (c: ClockDto) => void;
  private unsubscribe: (() => void) | undefined;

  constructor(d: { mode: EngineMode; clock: Clock; pace?: ClockPace; publish: (c: ClockDto) => void }) {
    this.mode = d.mode;
    this.clock = d.clock;
    this.pace = d.pace ?? fixedPace(d.clock instanceof WallClock ? 1 : null);
    this.publish = d.publish;
  }

  dto(): ClockDto {
    return { serverTime: this.clock.now(), mode: this.mode, speed: this.pace.speed, paused: this.pace.paused };
  }

  start(): void {
    this.unsubscribe ??= this.pace.onChange(() => this.tick());
    this.tick();
  }

  tick(): void {
    this.publish(this.dto());
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
