import { z } from 'zod';
import { DAY_MS, baseShape, defineAlpha, universeOf, universeSchema } from '../alpha.ts';
import type { Alpha } from '../alpha.ts';
import { smaLast } from '../indicators.ts';
import { clamp01 } from '../signal.ts';
import type { Signal } from '../signal.ts';
import type { AlphaView } from '../view.ts';

/**
 * Tactical regime: time-series momentum with a trend filter, scaled down in a high-volatility regime.
 *   momentum   close[t − skip] / close[t − lookback] − 1 (12-1 months on daily bars: 252 and 21);
 *   trend      close[t] > SMA(trendPeriod);
 *   regime     the instrument's realised volatility over `volWindow` returns, ranked within its own
 *              last `volHistory` values (mid-rank); at or above `highVolPercentile` the regime is high and the
 *              instrument's exposure is multiplied by `highVolExposure`.
 * Instruments with positive momentum and an up trend are held (the best `topN` by momentum, all if
 * 0), equally within `grossExposure`; the rest get a target of 0. Conviction = min(|momentum| /
 * momentumScale, 1). Weekly by default; the intent stands for `horizonDays`.
 */
export const tacticalRegimeSchema = z
  .strictObject({
    ...baseShape({ weight: 1, cadence: 'weekly', urgency: 'medium' }),
    universe: universeSchema,
    lookback: z.number().int().min(2).default(252),
    skip: z.number().int().min(0).default(21),
    trendPeriod: z.number().int().min(2).default(200),
    volWindow: z.number().int().min(2).default(20),
    volHistory: z.number().int().min(2).default(252),
    highVolPercentile: z.number().gt(0).max(1).default(0.8),
    highVolExposure: z.number().min(0).max(1).default(0.5),
    topN: z.number().int().min(0).default(0),
    grossExposure: z.number().positive().max(1).default(1),
    momentumScale: z.number().positive().default(0.2),
    horizonDays: z.number().positive().default(14),
  })
  .refine((p) => p.skip < p.lookback, { message: 'skip must be shorter than lookback', path: ['skip'] });
export type TacticalRegimeParams = z.output<typeof tacticalRegimeSchema>;

export interface RegimeReading {
  momentum: number;
  trendUp: boolean;
  sma: number;
  /** Realised volatility of the last volWindow returns (per bar, population). */
  vol: number;
  /** Mid-rank of the current volatility among the last volHistory rolling ones (ties count half). */
  volPercentile: number;
  highVol: boolean;
}

/** Bars needed for one reading. */
export function barsNeeded(p: TacticalRegimeParams): number {
  return Math.max(p.lookback + 1, p.trendPeriod, p.volWindow + p.volHistory);
}

/** Reads momentum, trend and volatility regime from the closes (newest last); null if too short. */
export function readRegime(closes: readonly number[], p: TacticalRegimeParams): RegimeReading | null {
  const n = closes.length;
  if (n < barsNeeded(p)) return null;
  const last = closes[n - 1]!;
  const momentum = closes[n - 1 - p.skip]! / closes[n - 1 - p.lookback]! - 1;
  const sma = smaLast(closes, p.trendPeriod);
  // Rolling population volatility of simple returns, updated with running sums (one pass).
  const w = p.volWindow;
  const firstRet = n - (p.volHistory + w - 1); // index (in returns) of the first return used
  const ret = (i: number): number => closes[i + 1]! / closes[i]! - 1; // return i: closes[i] → closes[i+1]
  let sum = 0;
  let sq = 0;
  const vols: number[] = [];
  for (let i = firstRet - 1; i < n - 1; i++) {
    const r = ret(i);
    sum += r;
    sq += r * r;
    const out = i - w;
    if (out >= firstRet - 1) {
      const ro = ret(out);
      sum -= ro;
      sq -= ro * ro;
    }
    if (i - (firstRet - 1) >= w - 1) {
      const m = sum / w;
      vols.push(Math.sqrt(Math.max(0, sq / w - m * m)));
    }
  }
  const vol = vols[vols.length - 1]!;
  // Mid-rank: ties count half, so a volatility that never changes sits at 0.5, not at the top.
  let below = 0;
  for (const v of vols) below += v < vol ? 1 : v === vol ? 0.5 : 0;
  const volPercentile = below / vols.length;
  return { momentum, trendUp: last > sma, sma, vol, volPercentile, highVol: volPercentile >= p.highVolPercentile };
}

export class TacticalRegimeAlpha implements Alpha<TacticalRegimeParams> {
  readonly kind = 'tactical-regime';
  readonly name: string;
  readonly params: Readonly<TacticalRegimeParams>;
  constructor(name: string, params: TacticalRegimeParams) {
    this.name = name;
    this.params = params;
  }

  generate(view: AlphaView): Signal[] {
    const p = this.params;
    const need = barsNeeded(p);
    const readings: { instrument: string; r: RegimeReading }[] = [];
    for (const instrument of universeOf(p.universe, view)) {
      const r = readRegime(view.closes(instrument, need), p);
      if (r) readings.push({ instrument, r });
    }
    const eligible = readings.filter(({ r }) => r.momentum > 0 && r.trendUp).sort((a, b) => b.r.momentum - a.r.momentum);
    const held = new Set((p.topN > 0 ? eligible.slice(0, p.topN) : eligible).map((e) => e.instrument));
    const each = held.size > 0 ? p.grossExposure / held.size : 0;
    const now = view.now();
    return readings.map(({ instrument, r }) => {
      const exposure = r.highVol ? p.highVolExposure : 1;
      return {
        instrument,
        kind: 'target' as const,
        value: held.has(instrument) ? each * exposure : 0,
        urgency: p.urgency,
        horizonMs: p.horizonDays * DAY_MS,
        alpha: this.name,
        conviction: clamp01(Math.abs(r.momentum) / p.momentumScale),
        expectedReturn: null,
        time: now,
        inputs: { momentum: r.momentum, trendUp: r.trendUp, sma: r.sma, vol: r.vol, volPercentile: r.volPercentile, regime: r.highVol ? 'high' : 'normal', exposure, held: held.has(instrument) },
      };
    });
  }
}

export const tacticalRegime = defineAlpha(
  'tactical-regime',
  '12-1 momentum with a trend filter; exposure scaled down in a high-volatility regime',
  tacticalRegimeSchema,
  (name, params) => new TacticalRegimeAlpha(name, params),
);
