import { z } from 'zod';
import { baseShape, defineAlpha, universeOf, universeSchema } from '../alpha.ts';
import type { Alpha } from '../alpha.ts';
import { smaLast } from '../indicators.ts';
import { clamp01 } from '../signal.ts';
import type { Signal } from '../signal.ts';
import type { AlphaView } from '../view.ts';

/**
 * SMA cross: a fast and a slow simple moving average of the close (fast = 1 is the close itself,
 * as in backtrader's CrossOver(close, SMA)). Crossings follow backtrader's CrossOver exactly (see
 * indicators.ts crossOver; lastCross below is the same rule evaluated at the newest bar only).
 *   event mode: a signal only on the bar of a crossing: up → target `targetWeight`, down → 0 (or
 *               −targetWeight with allowShort); it stands until the opposite crossing;
 *   state mode: every run, target `targetWeight` while fast > slow, else 0 (−targetWeight short).
 * Conviction is the spread: min(|fast − slow| / slow / spreadScale, 1), spreadScale = 5%.
 */
export const smaCrossSchema = z
  .strictObject({
    ...baseShape({ weight: 1, cadence: 'bar', urgency: 'medium' }),
    universe: universeSchema,
    fast: z.number().int().min(1).default(1),
    slow: z.number().int().min(2).default(15),
    mode: z.enum(['event', 'state']).default('event'),
    /** Weight of NAV per instrument while bullish; null: the alpha's sleeve split equally over its universe. */
    targetWeight: z.number().positive().max(1).nullable().default(null),
    allowShort: z.boolean().default(false),
    spreadScale: z.number().positive().default(0.05),
  })
  .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] });
export type SmaCrossParams = z.output<typeof smaCrossSchema>;

export interface CrossState {
  /** +1 up-cross, −1 down-cross, 0 none on the newest bar; null: not enough bars yet. */
  cross: number | null;
  fast: number;
  slow: number;
  /** The look-back for the last non-zero difference reached the first bar of `closes`. */
  exhausted: boolean;
}

function averages(closes: readonly number[], fast: number, slow: number, end: number): [number, number] {
  return [fast === 1 ? closes[end - 1]! : smaLast(closes, fast, end), smaLast(closes, slow, end)];
}

/** backtrader's CrossOver(SMA(fast) or close, SMA(slow)) at the newest bar. */
export function lastCross(closes: readonly number[], fast: number, slow: number): CrossState {
  const n = closes.length;
  if (n < slow) return { cross: null, fast: Number.NaN, slow: Number.NaN, exhausted: true };
  const [f, s] = averages(closes, fast, slow, n);
  // The seed of the non-zero difference is the first bar where both averages exist (index slow − 1).
  if (n === slow) return { cross: null, fast: f, slow: s, exhausted: true };
  const d = f - s;
  let nzd = 0;
  let end = n - 1;
  for (; end >= slow; end--) {
    const [pf, ps] = averages(closes, fast, slow, end);
    nzd = pf - ps;
    if (nzd !== 0) break;
  }
  const cross = nzd < 0 && d > 0 ? 1 : nzd > 0 && d < 0 ? -1 : 0;
  return { cross, fast: f, slow: s, exhausted: nzd === 0 };
}

export class SmaCrossAlpha implements Alpha<SmaCrossParams> {
  readonly kind = 'sma-cross';
  readonly name: string;
  readonly params: Readonly<SmaCrossParams>;
  constructor(name: string, params: SmaCrossParams) {
    this.name = name;
    this.params = params;
  }

  generate(view: AlphaView): Signal[] {
    const p = this.params;
    const universe = universeOf(p.universe, view);
    const weight = p.targetWeight ?? (universe.length > 0 ? 1 / universe.length : 0);
    const now = view.now();
    const out: Signal[] = [];
    // slow + 1 closes decide the newest cross; the whole history is read only when the difference
    // sat at exactly 0 all through that tail (a touch), so the seed of backtrader's rule is found.
    for (const instrument of universe) {
      let closes = view.closes(instrument, p.slow + 8);
      let st = lastCross(closes, p.fast, p.slow);
      if (st.exhausted && view.barCount(instrument) > closes.length) {
        closes = view.closes(instrument);
        st = lastCross(closes, p.fast, p.slow);
      }
      if (st.cross === null) continue;
      const bullish = st.fast > st.slow;
      const bearishValue = p.allowShort ? -weight : 0;
      let value: number;
      if (p.mode === 'event') {
        if (st.cross === 0) continue;
        value = st.cross > 0 ? weight : bearishValue;
      } else {
        value = bullish ? weight : bearishValue;
      }
      out.push({
        instrument,
        kind: 'target',
        value,
        urgency: p.mode === 'event' ? 'high' : p.urgency,
        horizonMs: null,
        alpha: this.name,
        conviction: clamp01(Math.abs(st.fast - st.slow) / st.slow / p.spreadScale),
        expectedReturn: null,
        time: now,
        inputs: { fast: st.fast, slow: st.slow, fastPeriod: p.fast, slowPeriod: p.slow, cross: st.cross, mode: p.mode, close: closes[closes.length - 1]! },
      });
    }
    return out;
  }
}

export const smaCross = defineAlpha(
  'sma-cross',
  'Fast/slow SMA crossover (backtrader CrossOver), event or state mode, conviction from the spread',
  smaCrossSchema,
  (name, params) => new SmaCrossAlpha(name, params),
);
