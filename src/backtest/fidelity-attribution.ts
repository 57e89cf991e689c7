/**
 * How much of a result each fidelity assumption explains: the same strategy run at successive
 * levels (bar → L1 → L2 → L3), and for each step the change in final value split into what the
 * extra costs paid explain (fees, spread or haircut, impact) and the rest, which is what the fill
 * price and timing explain (the deciding close vs the next open, participation caps, and the
 * different sizes and trades those lead to). The parts sum to the change exactly, so the table
 * never claims more than the runs show.
 */

export interface LevelOutcome<L extends string = string> {
  fidelity: L;
  finalValue: number;
  costs: { fees: number; spread: number; impact: number };
}

export interface AttributionStep<L extends string = string> {
  from: L;
  to: L;
  change: number;
  fees: number;
  spread: number;
  impact: number;
  rest: number;
}

/** One step per consecutive pair of levels, in the order given. */
export function attribute<L extends string>(levels: readonly LevelOutcome<L>[]): AttributionStep<L>[] {
  const steps: AttributionStep<L>[] = [];
  for (let i = 1; i < levels.length; i++) {
    const a = levels[i - 1]!;
    const b = levels[i]!;
    const change = b.finalValue - a.finalValue;
    // Paying more costs lowers the final value: a cost's effect is minus its increase.
    const fees = -(b.costs.fees - a.costs.fees);
    const spread = -(b.costs.spread - a.costs.spread);
    const impact = -(b.costs.impact - a.costs.impact);
    steps.push({ from: a.fidelity, to: b.fidelity, change, fees, spread, impact, rest: change - fees - spread - impact });
  }
  return steps;
}
