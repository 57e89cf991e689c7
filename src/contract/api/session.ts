import type { EngineMode, SessionDto } from '../dto.ts';
import { empty } from './common.ts';

/** The session: what engine this is, in which mode, on which venue, and its clock. */
export const sessionSchemas = {
  'session.info': empty,
} as const;

/**
 * The engine's clock as the UI shows it: wall time in paper and live sessions, the simulated time
 * of a replay or a backtest. Pushed as `clock` once a second of engine time and whenever the speed
 * or the pause changes; between two, a client interpolates (serverTime + elapsed wall time × speed,
 * frozen while paused), so a replay at 10× shows its own time, not the browser's.
 */
export interface ClockDto {
  /** Engine time when this was sent, epoch ms. */
  serverTime: number;
  /** The session's mode: paper and live run on the wall clock, replay and backtest on a simulated one. */
  mode: EngineMode;
  /** Engine ms per wall ms while running (1 on the wall clock); null: as fast as it can (a backtest), nothing to interpolate. */
  speed: number | null;
  /** Engine time stands still (a paused replay). */
  paused: boolean;
}

/** session.info: the session and its clock at the moment of the reply. */
export interface SessionInfoDto extends SessionDto {
  clock: ClockDto;
}

export interface SessionResults {
  'session.info': SessionInfoDto;
}

export interface SessionEvents {
  clock: ClockDto;
}
