import type { BarSeries } from './data/series.ts';
import type { CostParams, PricedFill } from './costs.ts';
import { barFill, l1Fill, l2Fill, participationLimit } from './costs.ts';
import type { FillAssumptions } from './types.ts';

/**
 * The order path of the bar runner, as a port. The runner decides at a bar's close and hands an
 * intent to the port; the port says what fills and at what price (each fidelity is one
 * implementation). The runner's ledger books the fills exactly. Today the ports below are the
 * whole path; the kernel's L1 gate and OMS will sit behind this same interface (an adapter that
 * submits the intent through OrderIntake and returns the venue's fills), so the strategy and the
 * ledger do not change when they do.
 */
export interface OrderIntent {
  /** Bar at whose close the decision was made. */
  bar: number;
  side: 'buy' | 'sell';
  /** 'entry' buys by the run's sizing; 'exit' sells the whole position. */
  reason: 'entry' | 'exit';
  /** The price the signal saw: the deciding bar's close. */
  reference: number;
}

/** What the port may ask of the account (exact units behind it). */
export interface AccountView {
  /** Position in quantity units (10^-qtyDecimals). */
  position(): bigint;
  /** Largest quantity (units) whose value at `price` plus commission fits in cash. */
  maxBuy(price: number): bigint;
  /** Quantity (units) the run's sizing asks for on an entry at `price`. */
  entrySize(price: number): bigint;
  /** An entry the cash cannot pay for was refused (as a broker would: backtrader's Margin status). */
  refuse(): void;
  readonly qtyScale: number;
}

/** Most bars fill nothing: one shared empty answer instead of an allocation per bar. */
const NONE: readonly ProposedFill[] = Object.freeze([]);

export interface ProposedFill {
  side: 'buy' | 'sell';
  qty: bigint;
  priced: PricedFill;
  reason: 'entry' | 'exit';
}

export interface ExecutionPort {
  readonly assumptions: FillAssumptions;
  /** A new decision (replaces whatever is still working). Returns fills that happen at once (L1). */
  submit(intent: OrderIntent, account: AccountView): readonly ProposedFill[];
  /** Fills of the working order at bar i's open. */
  atOpen(i: number, account: AccountView): readonly ProposedFill[];
  /**
   * Nothing is working: atOpen answers no fill, and changes nothing, until the next submit. The
   * runner then marks bars in a tight loop without asking atOpen at each (most bars of a run). A
   * port without it is asked at every bar.
   */
  idle?(): boolean;
}

function costsText(c: CostParams, fidelity: 'bar' | 'l1' | 'l2'): string {
  const parts = [`commission ${c.commission * 100}% of value`];
  if (fidelity === 'l1') parts.push(`haircut ${c.haircutBps} bps`);
  if (fidelity === 'l2') parts.push(`spread ${c.spreadBps} bps (half paid)`, `impact ${c.impactK}·${c.urgencyScale[c.urgency]}(${c.urgency})·√(size/bar volume)`, `participation ≤ ${c.participationCap * 100}% of bar volume`);
  return parts.join('; ');
}

/** Classic bar mode: decided on a close, filled whole at the next bar's open, no slippage. */
export class ClassicBarExecution implements ExecutionPort {
  readonly assumptions: FillAssumptions;
  private pending: OrderIntent | null = null;
  private readonly bars: BarSeries;

  constructor(bars: BarSeries, costs: CostParams) {
    this.bars = bars;
    this.assumptions = { fidelity: 'bar', fills: 'market order on close, filled at next bar open, no slippage', costs: costsText(costs, 'bar') };
  }

  submit(intent: OrderIntent): readonly ProposedFill[] {
    this.pending = intent;
    return NONE;
  }

  atOpen(i: number, account: AccountView): readonly ProposedFill[] {
    const p = this.pending;
    if (!p || i <= p.bar) return NONE;
    this.pending = null;
    const open = this.bars.open[i]!;
    if (p.side === 'sell') {
      const qty = account.position();
      return qty > 0n ? [{ side: 'sell', qty, priced: barFill(open), reason: p.reason }] : [];
    }
    const qty = account.entrySize(open);
    if (qty <= 0n || qty > account.maxBuy(open)) {
      account.refuse();
      return NONE;
    }
    return [{ side: 'buy', qty, priced: barFill(open), reason: p.reason }];
  }

  idle(): boolean {
    return this.pending === null;
  }
}

/** L1 signal-only: filled whole at the signal's reference price (the close) worse by a flat haircut. */
export class SignalOnlyExecution implements ExecutionPort {
  readonly assumptions: FillAssumptions;
  private readonly costs: CostParams;

  constructor(costs: CostParams) {
    this.costs = costs;
    this.assumptions = { fidelity: 'l1', fills: 'filled at the signal close plus a flat haircut', costs: costsText(costs, 'l1') };
  }

  submit(intent: OrderIntent, account: AccountView): readonly ProposedFill[] {
    const priced = l1Fill(intent.reference, intent.side, this.costs.haircutBps);
    if (intent.side === 'sell') {
      const qty = account.position();
      return qty > 0n ? [{ side: 'sell', qty, priced, reason: intent.reason }] : [];
    }
    const qty = account.entrySize(priced.price);
    if (qty <= 0n || qty > account.maxBuy(priced.price)) {
      account.refuse();
      return NONE;
    }
    return [{ side: 'buy', qty, priced, reason: intent.reason }];
  }

  atOpen(): readonly ProposedFill[] {
    return NONE;
  }

  idle(): boolean {
    return true;
  }
}

/**
 * L2 execution-aware: from the next bar's open, each bar fills at most `participationCap` of its
 * volume at the open worse by half the spread and by √-impact on the size filled in that bar; the
 * rest works on the following bars until done or replaced by the next decision.
 */
export class ExecutionAwareExecution implements ExecutionPort {
  readonly assumptions: FillAssumptions;
  private readonly bars: BarSeries;
  private readonly costs: CostParams;
  private working: { intent: OrderIntent; remaining: bigint | null } | null = null;

  constructor(bars: BarSeries, costs: CostParams) {
    this.bars = bars;
    this.costs = costs;
    this.assumptions = { fidelity: 'l2', fills: 'from next bar open, capped by bar volume, with spread and square-root impact', costs: costsText(costs, 'l2') };
  }

  submit(intent: OrderIntent): readonly ProposedFill[] {
    this.working = { intent, remaining: null };
    return NONE;
  }

  atOpen(i: number, account: AccountView): readonly ProposedFill[] {
    const w = this.working;
    if (!w || i <= w.intent.bar) return NONE;
    const open = this.bars.open[i]!;
    const volume = this.bars.volume[i]!;
    const scale = 10 ** account.qtyScale;
    const capUnits = BigInt(Math.floor(participationLimit(volume, this.costs.participationCap) * scale));
    if (w.remaining === null) {
      w.remaining = w.intent.side === 'sell' ? account.position() : account.entrySize(l2Fill(open, 'buy', 0, volume, this.costs).price);
    }
    let qty = w.remaining < capUnits ? w.remaining : capUnits;
    if (qty <= 0n) {
      if (w.remaining <= 0n) this.working = null;
      return NONE;
    }
    let priced = l2Fill(open, w.intent.side, Number(qty) / scale, volume, this.costs);
    if (w.intent.side === 'buy') {
      // Impact raises the price with size: shrink to what the cash pays at the impacted price (the
      // smaller size has less impact, so it stays affordable).
      const afford = account.maxBuy(priced.price);
      if (afford < qty) {
        qty = afford;
        w.remaining = qty;
        priced = l2Fill(open, 'buy', Number(qty) / scale, volume, this.costs);
      }
      if (qty <= 0n) {
        this.working = null;
        account.refuse();
        return NONE;
      }
    }
    w.remaining -= qty;
    if (w.remaining <= 0n) this.working = null;
    return [{ side: w.intent.side, qty, priced, reason: w.intent.reason }];
  }

  idle(): boolean {
    return this.working === null;
  }
}
