import type { PortfolioTargetDto, RebalanceDto } from '../contract/l2-dto.ts';
import type { SignalCycle } from '../signals/cycle.ts';
import type { EngineCore } from './context.ts';
import { bookOf } from './l2-portfolio.ts';

/** What a timer cycle built: its target and rebalance, null when no alpha ran (nothing built), undefined when it came asynchronously or an alpha failed. */
export type CycleBuilt = { target: PortfolioTargetDto; rebalance: RebalanceDto } | null | undefined;

/** What a cycle's outcome depends on besides the alphas' own state (SignalCycle.canRepeat answers for that). */
export interface QuietInputs {
  /** The alpha registry's version (parameters, enabled set). */
  registryVersion: number;
  /** Daily bars appended to the alphas' view so far. */
  dailyBars: number;
  /** Proposals waiting in the approval queue. */
  pending: number;
}

/**
 * Quiet signal cycles. The engine's cycle runs every minute of engine time; on a replay or a quiet
 * market most of them change nothing: the same alphas are triggered by the same weights, restate
 * the same targets and the rebalance finds nothing to propose — yet each one generated, froze,
 * aggregated and journaled a record, sized the target and planned a rebalance (a quarter of a
 * full-speed replay's time). A cycle whose inputs did not change since the last one, which
 * proposed nothing, is repeated instead (SignalCycle.repeat: the state a run would leave) and not
 * journaled: the journal holds a cycle only when its output changed.
 *
 * The inputs compared: the registry's version, the daily bars, the account (cash, reserved cash,
 * equity), the book's weights (positions and their marks), open orders, waiting proposals and the
 * daily drawdown. The last outcome must have had no target rows to size (marks of instruments it
 * would trade are then not read), no proposal, no due rebalance and no construction error, under the
 * on-drift cadence (a calendar cadence depends on time). Settings changes forget the last outcome.
 */
export class QuietCycles {
  readonly #ctx: EngineCore;
  readonly #enabled: boolean;
  readonly #inputs: () => QuietInputs;
  /** The inputs of the last cycle, when its outcome may be repeated; undefined otherwise. */
  #key: string | undefined;
  /** Cycles repeated instead of run (tests and the bench read it). */
  repeated = 0;

  constructor(ctx: EngineCore, enabled: boolean, inputs: () => QuietInputs) {
    this.#ctx = ctx;
    this.#enabled = enabled;
    this.#inputs = inputs;
  }

  /** After a cycle the timer ran: what it built (see CycleBuilt); `onDrift`: the rebalance cadence does not depend on time. */
  noteCycle(built: CycleBuilt, onDrift: boolean): void {
    this.#key = undefined;
    if (!this.#enabled) return;
    if (built === undefined || !onDrift) return;
    if (built !== null) {
      const { target: t, rebalance: r } = built;
      if (t.rows.length > 0 || t.constructionError !== undefined || r.due || r.proposals.length > 0 || r.batchId !== null || r.warnings.length > 0) return;
    }
    this.#key = this.#keyOf(this.#inputs());
  }

  /** Anything the key does not cover changed (portfolio settings): the next cycle runs. */
  forget(): void {
    this.#key = undefined;
  }

  /** Whether the cycle due now may be repeated (see the class comment); if not, it runs and is noted again. */
  quiet(cycle: SignalCycle): boolean {
    if (this.#key === undefined || this.#keyOf(this.#inputs()) !== this.#key || !cycle.canRepeat()) {
      this.#key = undefined;
      return false;
    }
    this.repeated++;
    return true;
  }

  #keyOf(i: QuietInputs): string {
    const ctx = this.#ctx;
    const a = ctx.valuation.account();
    const dd = ctx.risk.service.loss?.drawdownPct.daily;
    let weights = '';
    for (const [symbol, w] of Object.entries(bookOf(ctx).weights)) weights += `${symbol}=${w};`;
    return `${i.registryVersion}|${i.dailyBars}|${i.pending}|${ctx.oms.openOrders().length}|${a.cash}|${a.reservedCash}|${a.equity}|${String(dd)}|${weights}`;
  }
}
