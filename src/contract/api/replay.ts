import { z } from 'zod';
import { empty, MAX_EPOCH_MS, symbol } from './common.ts';

/**
 * Replay: a recorded market (a trade tape or a Strata recording) driving the live engine and the
 * whole UI on a simulated clock, on a replay account of its own. While a replay is loaded every
 * other method (orders, risk, market data) talks to the replay's engine; `replay.stop` goes back
 * to the paper account, which was never touched.
 */

/** Speeds the VCR offers: multiples of real time, or as fast as the machine goes. */
export const REPLAY_SPEEDS = ['1', '2', '5', '10', '60', 'max'] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

const speed = z.enum(REPLAY_SPEEDS);
const time = z.number().int().nonnegative().max(MAX_EPOCH_MS);

export interface ReplayStateDto {
  loaded: boolean;
  /** The file replayed (as given), or null. */
  file: string | null;
  /** 'candles': a candle file, each bar replayed as four prints (open, nearer extreme, other extreme, close). */
  format: 'trades-csv' | 'recording' | 'candles' | null;
  symbols: string[];
  /** Engine time of the replay (epoch ms); start ≤ position ≤ end. */
  position: number;
  start: number;
  end: number;
  speed: ReplaySpeed;
  playing: boolean;
  /** Recorded trades in the file, and how many have played. */
  events: number;
  played: number;
  /**
   * Bumped each time the replay account is rebuilt (a load, a seek backwards): what a client knew
   * of orders, fills and positions before is void and must be loaded again.
   */
  generation: number;
  /** True once the position reached the end of the recording. */
  ended: boolean;
}

export const replaySchemas = {
  'replay.load': z.strictObject({
    path: z.string().min(1).max(4096),
    /** The instrument of a single-instrument trade tape or candle file; default read from the file name. */
    symbol: symbol.optional(),
    speed: speed.default('1'),
    /** Where to start (epoch ms); default the first recorded trade. */
    from: time.optional(),
    /**
     * The replay account's starting cash, in the recording's quote currency (decimal text, > 0).
     * Default: 1,000,000 on a fiat or stablecoin quote, otherwise 1,000 × the recording's median
     * trade notional to one significant digit (100 ETH on the XRP/ETH tape); see
     * src/kernel/replay/replay-cash.ts, which also scales the default limits' money levels to it.
     */
    cash: z
      .string()
      .regex(/^\d{1,15}(\.\d{1,8})?$/, 'cash must be a plain decimal with at most 8 decimals')
      .refine((c) => Number(c) > 0, 'cash must be positive')
      .optional(),
  }),
  'replay.play': empty,
  'replay.pause': empty,
  /** Plays up to the next `events` recorded trades (default one), then pauses. */
  'replay.step': z.strictObject({ events: z.number().int().min(1).max(100_000).default(1) }),
  'replay.speed': z.strictObject({ speed }),
  /**
   * Moves to `time`. Forwards plays through to it at full speed; backwards rebuilds the replay
   * account from the start, re-applying the operator's actions made before `time`, so the same
   * seek always gives the same state.
   */
  'replay.seek': z.strictObject({ time }),
  'replay.status': empty,
  'replay.stop': empty,
} as const;

export interface ReplayResults {
  'replay.load': ReplayStateDto;
  'replay.play': ReplayStateDto;
  'replay.pause': ReplayStateDto;
  'replay.step': ReplayStateDto;
  'replay.speed': ReplayStateDto;
  'replay.seek': ReplayStateDto;
  'replay.status': ReplayStateDto;
  'replay.stop': ReplayStateDto;
}

export interface ReplayEvents {
  'replay.state': ReplayStateDto;
}
