import calibration from '../../../assets/demo/calibration.json' with { type: 'json' };
import type { Clock } from '../../core/clock.ts';
import { InstrumentRegistry } from '../../core/instrument.ts';
import type { InstrumentSpec } from '../../core/instrument.ts';
import type { DemoCalibration } from '../../venues/sim/calibration.ts';
import { DEMO_INSTRUMENTS, demoModels } from '../../venues/sim/demo-market.ts';
import { demoDailyBars } from '../../venues/sim/demo-daily.ts';
import { SimVenue } from '../../venues/sim/sim-venue.ts';
import type { SimVenueStore } from '../../venues/sim/sim-store.ts';
import { tapeSource } from '../../venues/sim/tape-source.ts';
import type { TapeTrade } from '../../venues/sim/tape-source.ts';
import type { MarketDataPart } from '../parts.ts';

/**
 * Depth of the book synthesised around a recorded tape. A recorded market had far more resting
 * depth than the dozen levels a screen shows; with 12 a large market order would run out of book
 * and expire part-filled, which no real venue with that tape's volume would do.
 */
const TAPE_BOOK_LEVELS = 60;

/** One instrument's recorded trades. */
export interface RecordedTape {
  instrument: InstrumentSpec;
  trades: readonly TapeTrade[];
}

/**
 * What drives a simulated venue: the demo market, a recorded trade tape for one instrument, or
 * several recorded tapes on one clock (a recording of the demo market, src/marketdata/recording.ts).
 */
export type SimMarket =
  | { kind: 'demo' }
  | { kind: 'tape'; instrument: InstrumentSpec; trades: readonly TapeTrade[]; currency?: string }
  | { kind: 'tapes'; tapes: readonly RecordedTape[]; currency: string };

export interface SimMarketOptions {
  clock: Clock;
  store: SimVenueStore;
  seed: number;
  /** Median venue message latency in ms (default 4; 0 for benchmarks of the engine alone). */
  latencyMs?: number;
}

const demoCalibration = calibration as DemoCalibration;

/** The intraday volume profile VWAP schedules follow: the demo calibration's, per asset class. */
export function volumeProfile(kind: 'crypto' | 'equity'): { profile: number[]; bucketMinutes: number } {
  const cal = demoCalibration[kind];
  return { profile: cal.intradayVolumeProfile, bucketMinutes: cal.profileBucketMinutes };
}

/** The simulated venue for a market and the market-data part that goes with it. */
export function simMarket(market: SimMarket, o: SimMarketOptions): { venue: SimVenue; marketData: MarketDataPart } {
  const tapes: readonly RecordedTape[] = market.kind === 'tape' ? [market] : market.kind === 'tapes' ? market.tapes : [];
  const instruments = new InstrumentRegistry(market.kind === 'demo' ? DEMO_INSTRUMENTS : tapes.map((t) => t.instrument));
  const venue =
    market.kind === 'demo'
      ? new SimVenue({ clock: o.clock, instruments, models: demoModels(demoCalibration), store: o.store, seed: o.seed, latencyMs: o.latencyMs })
      : new SimVenue({ clock: o.clock, instruments, sources: Object.fromEntries(tapes.map((t) => [t.instrument.symbol, tapeSource(t.trades, { levels: TAPE_BOOK_LEVELS })])), store: o.store, seed: o.seed, latencyMs: o.latencyMs });
  return {
    venue,
    marketData: {
      instruments,
      currency: market.kind === 'tape' ? (market.currency ?? market.instrument.quote) : market.kind === 'tapes' ? market.currency : 'USD',
      volumeProfile: (i) => volumeProfile(i.kind === 'crypto' ? 'crypto' : 'equity'),
      warmUp: (ms) => venue.warmUp(ms),
      ...(market.kind === 'demo' ? { dailyHistory: (r) => demoDailyBars(demoCalibration, { endTime: r.endTime, endPrice: r.endPrice, real: r.real, seed: o.seed }) } : {}),
    },
  };
}
