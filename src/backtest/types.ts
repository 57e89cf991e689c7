/**
 * What a backtest produces, in plain numbers (JSON-safe). The runner keeps cash and positions in
 * exact integer units while it runs (src/core/precision.ts); these are the values it reports.
 */

/** l3 runs through the kernel (src/kernel/backtest-l3.ts): the simulated venue on a recorded tape. */
export type Fidelity = 'bar' | 'l1' | 'l2' | 'l3';

/** One execution. Costs are in cash (account currency), all ≥ 0. */
export interface BacktestFill {
  /** Bar (clock step) at which the fill happened. */
  bar: number;
  time: number;
  instrument: string;
  side: 'buy' | 'sell';
  qty: number;
  price: number;
  /** Commission: percentage of traded value. */
  fee: number;
  /** Half-spread or haircut paid against the reference price. */
  spreadCost: number;
  /** Market impact paid against the reference price (L2). */
  impactCost: number;
  /** Why the order was sent: 'entry', 'exit', 'rebalance'. */
  reason: string;
}

/** A closed (or, at the end, still open) round trip: from flat to flat. */
export interface RoundTrip {
  instrument: string;
  entryBar: number;
  entryTime: number;
  entryPrice: number;
  /** null while open at the end of the run. */
  exitBar: number | null;
  exitTime: number | null;
  exitPrice: number | null;
  size: number;
  /** Commissions of every fill of the trade. */
  commission: number;
  /** Net of commission; for an open trade, marked at the last close. */
  pnl: number;
  exitReason: string | null;
}

/** How fills were assumed to happen, printed next to every metric. */
export interface FillAssumptions {
  fidelity: Fidelity;
  fills: string;
  costs: string;
}
