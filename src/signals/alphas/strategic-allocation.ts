import { z } from 'zod';
import { baseShape, defineAlpha } from '../alpha.ts';
import type { Alpha } from '../alpha.ts';
import { CASH } from '../signal.ts';
import type { Signal } from '../signal.ts';
import type { AlphaView } from '../view.ts';

/**
 * Strategic allocation: fixed target weights, CASH included, restated on its cadence (monthly by
 * default) or as soon as any holding drifts from its target by more than `driftThreshold`. It is
 * the policy portfolio, so conviction is 1 and the intent stands until the next restatement.
 */
/** The demo policy: a quarter in SPY, a tenth in the two crypto pairs, the rest in cash. */
export const DEFAULT_POLICY: Readonly<Record<string, number>> = Object.freeze({ SPY: 0.25, 'BTC/USDT': 0.05, 'ETH/USDT': 0.05, CASH: 0.65 });

export const strategicAllocationSchema = z
  .strictObject({
    ...baseShape({ weight: 1, cadence: 'monthly', urgency: 'low' }),
    /**
     * Weight of NAV per instrument, CASH included; they must sum to 1. The default policy sits inside
     * the default L1 limits of the demo account (src/risk/limits.ts: position soft 30% / hard 50% of
     * NAV, crypto group gross soft 50%, equity soft 60%, gross soft 80%), so a fresh start proposes
     * trades the operator can approve; a desk sets its policy and its limits together.
     */
    targets: z.record(z.string().min(1), z.number().min(-1).max(1)).default(DEFAULT_POLICY),
    /** Absolute drift of any weight from its target that triggers a restatement off-cadence; null: cadence only. */
    driftThreshold: z.number().positive().max(1).nullable().default(0.05),
  })
  .refine((p) => Math.abs(Object.values(p.targets).reduce((a, b) => a + b, 0) - 1) <= 1e-9, {
    message: 'targets (CASH included) must sum to 1',
    path: ['targets'],
  });
export type StrategicAllocationParams = z.output<typeof strategicAllocationSchema>;

function maxDrift(targets: Readonly<Record<string, number>>, current: Readonly<Record<string, number>>): number {
  let worst = 0;
  for (const [sym, w] of Object.entries(targets)) worst = Math.max(worst, Math.abs((current[sym] ?? 0) - w));
  // A holding the policy does not mention drifts from a target of 0.
  for (const [sym, w] of Object.entries(current)) if (!(sym in targets)) worst = Math.max(worst, Math.abs(w));
  return worst;
}

export class StrategicAllocationAlpha implements Alpha<StrategicAllocationParams> {
  readonly kind = 'strategic-allocation';
  /** Its drift test and targets read only the view's weights; `now` only stamps the signals. */
  readonly repeatable = true;
  readonly name: string;
  readonly params: Readonly<StrategicAllocationParams>;
  constructor(name: string, params: StrategicAllocationParams) {
    this.name = name;
    this.params = params;
  }

  triggered(view: AlphaView): boolean {
    const t = this.params.driftThreshold;
    if (t === null) return false;
    const current = view.weights();
    // No holdings reported yet: nothing to drift from (the cadence states the first allocation).
    return Object.keys(current).length > 0 && maxDrift(this.params.targets, current) > t;
  }

  generate(view: AlphaView): Signal[] {
    const now = view.now();
    const current = view.weights();
    const drift = maxDrift(this.params.targets, current);
    return Object.entries(this.params.targets).map(([instrument, target]) => ({
      instrument,
      kind: 'target',
      value: target,
      urgency: this.params.urgency,
      horizonMs: null,
      alpha: this.name,
      conviction: 1,
      expectedReturn: null,
      time: now,
      inputs: { policyWeight: target, currentWeight: current[instrument] ?? 0, maxDrift: drift, driftThreshold: this.params.driftThreshold, isCash: instrument === CASH },
    }));
  }
}

export const strategicAllocation = defineAlpha(
  'strategic-allocation',
  'Fixed policy weights incl. CASH, restated monthly or when a weight drifts past the threshold',
  strategicAllocationSchema,
  (name, params) => new StrategicAllocationAlpha(name, params),
);
