import { z } from 'zod';
import { baseShape, defineAlpha, universeOf, universeSchema } from '../alpha.ts';
import type { Alpha, AlphaDiagnostics } from '../alpha.ts';
import { fitLogistic, probabilityUp } from '../logistic.ts';
import { fitRidge, predict } from '../ridge.ts';
import { clamp01 } from '../signal.ts';
import type { Signal } from '../signal.ts';
import type { AlphaView } from '../view.ts';

/**
 * Statistical model wrapper: ridge regression (or logistic, on its sign) of the next `horizonBars` return on the last `lags`
 * one-bar returns and the realised volatility of the last `volWindow` returns, refitted walk-forward
 * every `refitEvery` bars on the latest `fitWindow` samples whose outcome was known at fit time.
 *
 * Every prediction is made by a model fitted before it, so the hit rate (sign of the prediction =
 * sign of the outcome) is out of sample. The alpha walks forward over history the first time it
 * sees an instrument, then one bar at a time, so the figures are there from the first cycle.
 *
 * It signals only when the edge clears costs: |EV| − fees > threshold, where EV is the predicted
 * return over the horizon and fees the round-trip cost. Long: target `targetWeight`; short side:
 * target 0 (exit), or −targetWeight with allowShort. Conviction = min(edge / convictionScale, 1).
 */
export const statisticalModelSchema = z.strictObject({
  ...baseShape({ weight: 1, cadence: 'bar', urgency: 'medium' }),
  universe: universeSchema,
  /** ridge: regress the return; logistic: P(up), EV = (2p − 1) × mean |return| of the fit sample. */
  model: z.enum(['ridge', 'logistic']).default('ridge'),
  lags: z.number().int().min(1).max(20).default(5),
  volWindow: z.number().int().min(2).default(20),
  fitWindow: z.number().int().min(10).default(252),
  minFitSamples: z.number().int().min(10).default(60),
  refitEvery: z.number().int().min(1).default(21),
  horizonBars: z.number().int().min(1).default(1),
  lambda: z.number().positive().default(1),
  /** Round-trip cost in basis points of notional. */
  feeBps: z.number().min(0).default(10),
  thresholdBps: z.number().min(0).default(5),
  convictionScaleBps: z.number().positive().default(50),
  targetWeight: z.number().positive().max(1).nullable().default(null),
  allowShort: z.boolean().default(false),
});
export type StatisticalModelParams = z.output<typeof statisticalModelSchema>;

/** A fitted model as the alpha uses it: coefficients to show, and the expected return it predicts. */
interface FittedModel {
  intercept: number;
  coefficients: number[];
  samples: number;
  /** In-sample R² (ridge) or null (logistic). */
  r2: number | null;
  expectedReturn(row: readonly number[]): number;
}

function fitModel(kind: 'ridge' | 'logistic', x: number[][], y: number[], lambda: number): FittedModel {
  if (kind === 'ridge') {
    const m = fitRidge(x, y, lambda);
    return { intercept: m.intercept, coefficients: m.coefficients, samples: m.samples, r2: m.r2, expectedReturn: (row) => predict(m, row) };
  }
  const m = fitLogistic(x, y.map((v) => (v > 0 ? 1 : 0)), lambda);
  const meanAbs = y.reduce((a, v) => a + Math.abs(v), 0) / y.length;
  return { intercept: m.intercept, coefficients: m.coefficients, samples: m.samples, r2: null, expectedReturn: (row) => (2 * probabilityUp(m, row) - 1) * meanAbs };
}

interface Pending {
  t: number;
  pred: number;
}

interface InstrumentModel {
  /** Bars processed so far (the next bar index to walk to). */
  processed: number;
  model: FittedModel | null;
  fitAt: number;
  fitFrom: number;
  fitTo: number;
  fitFromTime: number;
  fitToTime: number;
  pending: Pending[];
  hits: number;
  total: number;
  lastPrediction: number | null;
  lastFeatures: number[] | null;
}

function freshState(): InstrumentModel {
  return { processed: 0, model: null, fitAt: -1, fitFrom: -1, fitTo: -1, fitFromTime: 0, fitToTime: 0, pending: [], hits: 0, total: 0, lastPrediction: null, lastFeatures: null };
}

export function featureNames(p: StatisticalModelParams): string[] {
  return [...Array.from({ length: p.lags }, (_, i) => `ret_lag${i}`), `vol${p.volWindow}`];
}

export class StatisticalModelAlpha implements Alpha<StatisticalModelParams> {
  readonly kind = 'statistical-model';
  readonly name: string;
  readonly params: Readonly<StatisticalModelParams>;
  readonly #state = new Map<string, InstrumentModel>();

  constructor(name: string, params: StatisticalModelParams) {
    this.name = name;
    this.params = params;
  }

  generate(view: AlphaView): Signal[] {
    const p = this.params;
    const universe = universeOf(p.universe, view);
    const weight = p.targetWeight ?? (universe.length > 0 ? 1 / universe.length : 0);
    const now = view.now();
    const out: Signal[] = [];
    for (const instrument of universe) {
      const n = view.barCount(instrument);
      const st = this.#walk(instrument, view, n);
      if (!st.model || st.lastPrediction === null || st.processed !== n || n === 0) continue;
      const ev = st.lastPrediction;
      const fees = p.feeBps / 1e4;
      const edge = Math.abs(ev) - fees;
      if (!(edge > p.thresholdBps / 1e4)) continue;
      const last = view.lastBar(instrument)!;
      out.push({
        instrument,
        kind: 'target',
        value: ev > 0 ? weight : p.allowShort ? -weight : 0,
        urgency: p.urgency,
        horizonMs: p.horizonBars * (last.closeTime - last.time),
        alpha: this.name,
        conviction: clamp01(edge / (p.convictionScaleBps / 1e4)),
        expectedReturn: ev,
        time: now,
        inputs: {
          features: st.lastFeatures ?? [],
          coefficients: st.model.coefficients,
          intercept: st.model.intercept,
          fitFrom: st.fitFromTime,
          fitTo: st.fitToTime,
          fitSamples: st.model.samples,
          oosHitRate: st.total > 0 ? st.hits / st.total : null,
          fees,
        },
      });
    }
    return out;
  }

  diagnostics(): AlphaDiagnostics {
    const byInstrument: Record<string, unknown> = {};
    for (const [sym, st] of this.#state) {
      byInstrument[sym] = {
        coefficients: st.model?.coefficients ?? null,
        intercept: st.model?.intercept ?? null,
        r2: st.model?.r2 ?? null,
        fitWindow: st.model ? { from: st.fitFromTime, to: st.fitToTime, samples: st.model.samples } : null,
        oosHitRate: st.total > 0 ? st.hits / st.total : null,
        oosPredictions: st.total,
        lastPrediction: st.lastPrediction,
      };
    }
    return { model: this.params.model, features: featureNames(this.params), instruments: byInstrument };
  }

  /**
   * Walks the model forward over bars not yet seen; resets if the history got shorter (a seek back).
   * Only the tail that the new bars' features, outcomes and a refit can reach is read, so a cycle
   * costs O(fitWindow), not O(history).
   */
  #walk(instrument: string, view: AlphaView, n: number): InstrumentModel {
    const p = this.params;
    let st = this.#state.get(instrument);
    if (!st || n < st.processed) {
      st = freshState();
      this.#state.set(instrument, st);
    }
    if (st.processed >= n) return st;
    const h = p.horizonBars;
    const w = p.volWindow;
    // Local index i is global index start + i. A refit at T reads samples down to
    // T − h − fitWindow + 1, whose features reach back max(lags, volWindow) + 1 more bars.
    const reach = p.fitWindow + h + Math.max(p.lags, w) + 2;
    const start = Math.max(0, st.processed - reach);
    const bars = view.bars(instrument, n - start);
    const m = bars.length;
    const closes = new Float64Array(m);
    for (let i = 0; i < m; i++) closes[i] = bars[i]!.close;
    // ret[i] = return into local bar i (i ≥ 1); vol[i] = population std of ret over (i − volWindow, i].
    const ret = new Float64Array(m);
    for (let i = 1; i < m; i++) ret[i] = closes[i]! / closes[i - 1]! - 1;
    // Each window is summed afresh (not rolled): a feature must not depend on where the tail
    // starts, or a bar-by-bar run and one walk over the history would fit different models.
    const vol = new Float64Array(m).fill(Number.NaN);
    for (let i = w; i < m; i++) {
      let s = 0;
      for (let k = i - w + 1; k <= i; k++) s += ret[k]!;
      const mean = s / w;
      let q = 0;
      for (let k = i - w + 1; k <= i; k++) q += (ret[k]! - mean) ** 2;
      vol[i] = Math.sqrt(q / w);
    }
    // The first global index with full features; locally the tail must also hold them.
    const tMin = Math.max(p.lags, w);
    const local = (g: number): number => g - start;
    const usable = (g: number): boolean => g >= tMin && local(g) >= tMin;
    const features = (g: number): number[] => {
      const i = local(g);
      const row = new Array<number>(p.lags + 1);
      for (let k = 0; k < p.lags; k++) row[k] = ret[i - k]!;
      row[p.lags] = vol[i]!;
      return row;
    };
    const outcome = (g: number): number => closes[local(g) + h]! / closes[local(g)]! - 1;
    for (let T = st.processed; T < n; T++) {
      // 1. Predictions whose outcome bar has now closed are scored (out of sample).
      while (st.pending.length > 0 && st.pending[0]!.t + h <= T) {
        const { t, pred } = st.pending.shift()!;
        const y = outcome(t);
        st.total++;
        if (pred * y > 0) st.hits++;
      }
      // 2. Refit on the latest fitWindow samples whose outcome is known at T.
      if (!st.model || T - st.fitAt >= p.refitEvery) {
        const to = T - h;
        let from = Math.max(tMin, to - p.fitWindow + 1);
        while (from <= to && !usable(from)) from++;
        if (to - from + 1 >= p.minFitSamples) {
          const x: number[][] = [];
          const y: number[] = [];
          for (let t = from; t <= to; t++) {
            x.push(features(t));
            y.push(outcome(t));
          }
          st.model = fitModel(p.model, x, y, p.lambda);
          st.fitAt = T;
          st.fitFrom = from;
          st.fitTo = to;
          st.fitFromTime = bars[local(from)]!.closeTime;
          st.fitToTime = bars[local(to)]!.closeTime;
        }
      }
      // 3. Predict from bar T with the model fitted so far.
      if (st.model && usable(T)) {
        const row = features(T);
        const pred = st.model.expectedReturn(row);
        st.pending.push({ t: T, pred });
        st.lastPrediction = pred;
        st.lastFeatures = row;
      }
    }
    st.processed = n;
    return st;
  }
}

export const statisticalModel = defineAlpha(
  'statistical-model',
  'Ridge regression on lagged returns and volatility, walk-forward refit; signals when EV − fees > threshold',
  statisticalModelSchema,
  (name, params) => new StatisticalModelAlpha(name, params),
);
