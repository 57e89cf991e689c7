import { divFloor, pow10, toDecimalString, toUnits } from '../core/precision.ts';
import type { CostParams } from './costs.ts';
import { DEFAULT_COSTS } from './costs.ts';
import type { BarSeries } from './data/series.ts';
import type { AccountView, ExecutionPort, ProposedFill } from './execution.ts';
import { ClassicBarExecution, ExecutionAwareExecution, SignalOnlyExecution } from './execution.ts';
import { FillColumns } from './fill-columns.ts';
import type { Metrics } from './metrics/metrics.ts';
import { computeMetrics } from './metrics/metrics.ts';
import type { Strategy } from './strategies/strategy.ts';
import type { BacktestFill, Fidelity, FillAssumptions, RoundTrip } from './types.ts';

/**
 * The bar runner: one instrument, long or flat, bar by bar.
 *
 * Per bar i: (1) the execution port fills what was working at bar i's open; (2) the strategy
 * decides at bar i's close and the intent goes to the port (L1 fills it at once); (3) the
 * portfolio is marked at the close. An open position at the end stays open (marked, not sold).
 *
 * Cash and the position are exact integers (src/core/precision.ts): quantity in 10^-q units
 * (q = 0 for all-in sizing: whole units), prices in 10^-p (p = the data's decimals + 2), cash in
 * 10^-(q+p+8) so that qty × price × commission (commission in 10^-8) is exact. The equity curve
 * the metrics read is float, derived from those integers after each fill.
 */

export type Sizing = { kind: 'all-in' } | { kind: 'fixed'; qty: string };

export interface BarRunConfig {
  instrument: string;
  fidelity: Fidelity;
  /** Starting cash, decimal text. */
  cash: string;
  /** Commission as a fraction of traded value, decimal text (at most 8 decimals). */
  commission: string;
  sizing: Sizing;
  costs?: Partial<Omit<CostParams, 'commission'>>;
  periodsPerYear?: number;
  /** No decision before this bar (walk-forward: the strategy warms up on data before its window). */
  tradeFrom?: number;
  /** Deflated Sharpe: the sweep this run belongs to. */
  trials?: { count: number; sharpeVariance: number };
}

export interface BarRunResult {
  instrument: string;
  fidelity: Fidelity;
  assumptions: FillAssumptions;
  bars: number;
  /** Exact decimal text. */
  finalValue: string;
  finalCash: string;
  /** Position per instrument, decimal text. */
  position: Record<string, string>;
  fills: BacktestFill[];
  trades: RoundTrip[];
  /** Orders the cash could not pay for (refused, as a broker would). */
  refused: number;
  metrics: Metrics;
  time: Float64Array;
  equity: Float64Array;
  /** Decision at each bar's close: 1 go long, -1 go flat, 0 nothing (for the look-ahead check). */
  decisions: Int8Array;
}

const RATE_DECIMALS = 8;

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** 10^d for d ≤ 22, each an exact double (written out, not computed). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
/** Below this |p × 10^d| the product's rounding error is under 2^-13: see fixedUnits. */
const FAST_MAX = 2 ** 40;
const HALF_GUARD = 2 ** -10;

/**
 * Units (10^-d) of `p.toFixed(d)`, exactly what toUnits of that text gives (toUnits' general parse
 * was ~3% of a daily-bar run: a few conversions per order).
 * Fast path: s = p × 10^d in doubles is within 2^-13 of the exact product when |s| < 2^40 and
 * 10^d is exact (d ≤ 22), so unless s's fraction is within 2^-10 of one half, rounding s gives the
 * integer toFixed's exact decimal expansion rounds to. Else: for |p| < 1e21 toFixed writes
 * [-]digits[.d digits] and the units are those digits without the dot; anything else (NaN,
 * infinities, exponent forms) goes to toUnits, which refuses or reads it as before.
 */
export function fixedUnits(p: number, d: number): bigint {
  if (d <= 22) {
    const s = p * POW10[d]!;
    if (Math.abs(s) < FAST_MAX && Math.abs(s - Math.floor(s) - 0.5) > HALF_GUARD) return BigInt(Math.round(s));
  }
  const t = p.toFixed(d);
  if (!(Math.abs(p) < 1e21)) return toUnits(t, d);
  if (d === 0) return BigInt(t);
  const dot = t.length - d - 1;
  return BigInt(t.slice(0, dot) + t.slice(dot + 1));
}

/**
 * Units (10^-d) of String(p), as toUnits(String(p), d) gives them.
 * Fast path: k = round(p × 10^d) with k / 10^d === p means the decimal k·10^-d reads back as p;
 * below 2^40 units no other decimal with d places does (they are 10^-d apart, p's ulp is far
 * smaller), so the shortest text of p is that decimal with its trailing zeros dropped. Else the
 * text: without an exponent its decimals follow the one dot.
 */
export function exactUnits(p: number, d: number): bigint {
  if (d <= 22) {
    const k = Math.round(p * POW10[d]!);
    if (Math.abs(k) < FAST_MAX && k / POW10[d]! === p) return BigInt(k);
  }
  const t = String(p);
  if (!Number.isFinite(p) || t.includes('e')) return toUnits(t, d);
  const dot = t.indexOf('.');
  if (dot < 0) return BigInt(t) * pow10(d);
  const frac = t.length - dot - 1;
  // More decimals than the grid: toUnits says so (String(p) has no trailing zeros to drop).
  if (frac > d) return toUnits(t, d);
  return BigInt(t.slice(0, dot) + t.slice(dot + 1)) * pow10(d - frac);
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Number(toDecimalString(u, d)) without the text: when u and 10^d are exact doubles (|u| ≤ 2^53 - 1,
 * d ≤ 22), their IEEE quotient is the correctly rounded value of u / 10^d, which is what parsing
 * the exact decimal text gives. Otherwise the text, as before.
 */
export function unitsToNumber(u: bigint, d: number): number {
  if (d <= 22 && u <= SAFE && u >= -SAFE) return Number(u) / 10 ** d;
  return Number(toDecimalString(u, d));
}

export class BacktestConfigError extends Error {
  readonly code = 'BAD_BACKTEST_CONFIG';
}

export function executionFor(fidelity: Fidelity, bars: BarSeries, costs: CostParams): ExecutionPort {
  switch (fidelity) {
    case 'bar':
      return new ClassicBarExecution(bars, costs);
    case 'l1':
      return new SignalOnlyExecution(costs);
    case 'l2':
      if (!bars.volume.some((v) => v > 0)) throw new BacktestConfigError('fidelity l2 needs bar volume, and this series has none');
      return new ExecutionAwareExecution(bars, costs);
    case 'l3':
      // The simulated venue on a recorded tape lives in the kernel: its port is passed to runBars (src/kernel/backtest-l3.ts).
      throw new BacktestConfigError('fidelity l3 runs through the kernel on a recorded trade tape (runL3 in src/kernel/backtest-l3.ts)');
  }
}

/** The cost parameters of a run: the defaults, the run's own, and its commission. */
export function costsOf(config: BarRunConfig): CostParams {
  return { ...DEFAULT_COSTS, ...config.costs, commission: Number(config.commission) };
}

/**
 * What runs a bar backtest to its result. The product's is the kernel's (src/kernel/backtest-bars.ts:
 * orders through L1, the OMS and the bar venue); research code (sweeps, walk-forward, the look-ahead
 * check) takes one as a parameter, since this level does not import the kernel.
 */
export type BarEngine = (bars: BarSeries, strategy: Strategy, config: BarRunConfig) => Promise<BarRunResult>;

/** What quietBars reads and writes of a run; `target` is the decision it stopped at. */
interface QuietRun {
  readonly strategy: Strategy;
  readonly firstDecision: number;
  readonly close: Float64Array;
  readonly equity: Float64Array;
  readonly exposure: Uint8Array;
  target: 1 | 0;
}

/**
 * Bars from `from` on with nothing working at the open (the port is idle): each is marked at its
 * close as the runner's loop marks it, and the strategy asked once per bar from the first decision,
 * until it answers (that bar is returned, unmarked, its answer in q.target) or the series ends (n).
 * Most bars of a run are these: its own small loop compiles on its own, and the runner's loop (the
 * fills, the port, the ledger) runs once per decision instead of once per bar.
 */
function quietBars(q: QuietRun, from: number, n: number, long: boolean, markCash: number, markPos: number): number {
  const { strategy, firstDecision, close, equity, exposure } = q;
  for (let i = from; i < n; i++) {
    if (i >= firstDecision) {
      const target = strategy.decide(i, long);
      if (target !== null) {
        q.target = target;
        return i;
      }
    }
    const held = markPos * close[i]!;
    equity[i] = markCash + held;
    exposure[i] = Math.abs(held) > 0 ? 1 : 0;
  }
  return n;
}

export function runBars(bars: BarSeries, strategy: Strategy, config: BarRunConfig, port?: ExecutionPort): BarRunResult {
  const n = bars.time.length;
  const commissionRate = Number(config.commission);
  if (!(commissionRate >= 0 && commissionRate < 1)) throw new BacktestConfigError(`commission must be in [0, 1), got ${config.commission}`);
  let rateUnits: bigint;
  let cash: bigint;
  let fixedQty = 0n;
  const qd = config.sizing.kind === 'fixed' ? decimalsOf(config.sizing.qty) : 0;
  const pd = bars.priceDecimals + 2;
  const cd = qd + pd + RATE_DECIMALS;
  try {
    rateUnits = toUnits(config.commission, RATE_DECIMALS);
    cash = toUnits(config.cash, cd);
    if (config.sizing.kind === 'fixed') fixedQty = toUnits(config.sizing.qty, qd);
  } catch (err) {
    throw new BacktestConfigError(err instanceof Error ? err.message : String(err));
  }
  if (cash <= 0n) throw new BacktestConfigError(`cash must be positive, got ${config.cash}`);
  if (config.sizing.kind === 'fixed' && fixedQty <= 0n) throw new BacktestConfigError(`fixed size must be positive, got ${config.sizing.qty}`);
  const exec = port ?? executionFor(config.fidelity, bars, costsOf(config));

  const rateScale = pow10(RATE_DECIMALS);
  const cashScale = 10 ** cd;
  const qtyScaleF = 10 ** qd;
  const initialCash = cash;
  let position = 0n;
  let cashF = Number(cash) / cashScale;
  let posF = 0;
  let refused = 0;

  const priceUnits = (p: number, exact: boolean) => (exact ? exactUnits(p, pd) : fixedUnits(p, pd));
  // qty(units 10^-qd) × price(10^-pd) × 10^8 → cash units (10^-cd).
  const grossUnits = (qty: bigint, price: bigint) => qty * price * rateScale;
  const ratePlusOne = rateScale + rateUnits;
  // maxBuy's last answer: an all-in entry asks it twice at one price and cash (the size, then
  // whether the cash pays for it), each a few bigint products and a division.
  let maxBuyPrice = Number.NaN;
  let maxBuyCash = -1n;
  let maxBuyQty = 0n;
  const account: AccountView = {
    qtyScale: qd,
    position: () => position,
    maxBuy(price: number): bigint {
      if (!(price > 0)) return 0n;
      if (price === maxBuyPrice && cash === maxBuyCash) return maxBuyQty;
      const pu = priceUnits(price, false);
      const perUnit = pu * ratePlusOne; // cash units per qty unit
      const q = divFloor(cash, perUnit);
      // Whole units when all-in; a fixed size keeps its own decimals.
      maxBuyPrice = price;
      maxBuyCash = cash;
      maxBuyQty = q > 0n ? q : 0n;
      return maxBuyQty;
    },
    entrySize(price: number): bigint {
      return config.sizing.kind === 'fixed' ? fixedQty : this.maxBuy(price);
    },
    refuse() {
      refused++;
    },
  };

  // Average prices on the price grid: one fill's price comes back as written, not as cost/qty noise.
  // Number(x.toFixed(pd)) without the text for a non-negative x below 1e21 (an average of positive
  // prices always is): fixedUnits gives toFixed's digits as units and unitsToNumber parses them as
  // Number does (both property-tested against the text); toFixed was 1.5% of a daily-bar run.
  const vwap = (value: number, qty: number): number => {
    const x = value / qty;
    return x >= 0 && x < 1e21 ? unitsToNumber(fixedUnits(x, pd), pd) : Number(x.toFixed(pd));
  };
  const fillColumns = new FillColumns(config.instrument);
  const trades: RoundTrip[] = [];
  let open: { entryBar: number; entryTime: number; bought: number; cost: number; sold: number; proceeds: number; fees: number } | null = null;
  const equity = new Float64Array(n);
  // Metrics read only whether a bar held a position (exposure time): one byte per bar, not eight.
  const exposure = new Uint8Array(n);
  const decisions = new Int8Array(n);

  const book = (i: number, f: ProposedFill, exact: boolean) => {
    const pu = priceUnits(f.priced.price, exact);
    const notional = f.qty * pu;
    const gross = notional * rateScale;
    const fee = notional * rateUnits;
    if (f.side === 'buy') {
      cash -= gross + fee;
      position += f.qty;
    } else {
      cash += gross - fee;
      position -= f.qty;
    }
    cashF = Number(cash) / cashScale;
    posF = Number(position) / qtyScaleF;
    const qty = Number(f.qty) / qtyScaleF;
    const price = unitsToNumber(pu, pd);
    const feeF = Number(fee) / cashScale;
    fillColumns.push(i, bars.time[i]!, f.side, qty, price, feeF, qty * f.priced.spreadPerUnit, qty * f.priced.impactPerUnit, f.reason);
    if (f.side === 'buy') {
      open ??= { entryBar: i, entryTime: bars.time[i]!, bought: 0, cost: 0, sold: 0, proceeds: 0, fees: 0 };
      open.bought += qty;
      open.cost += qty * price;
      open.fees += feeF;
    } else if (open) {
      open.sold += qty;
      open.proceeds += qty * price;
      open.fees += feeF;
      if (position === 0n) {
        trades.push({ instrument: config.instrument, entryBar: open.entryBar, entryTime: open.entryTime, entryPrice: vwap(open.cost, open.bought), exitBar: i, exitTime: bars.time[i]!, exitPrice: vwap(open.proceeds, open.sold), size: open.bought, commission: open.fees, pnl: open.proceeds - open.cost - open.fees, exitReason: f.reason });
        open = null;
      }
    }
  };

  strategy.prepare(bars);
  const exactPrices = config.fidelity === 'bar';
  const firstDecision = Math.max(strategy.warmup, config.tradeFrom ?? 0);
  // What each bar reads of the account, in loop locals refreshed after a fill: cash, position and
  // their doubles are the closures' (context slots; a bigint compare per bar for `long`), and most
  // bars fill nothing.
  let markCash = cashF;
  let markPos = posF;
  let long = false;
  const quiet: QuietRun = { strategy, firstDecision, close: bars.close, equity, exposure, target: 0 };
  let i = 0;
  while (i < n) {
    let target: 1 | 0 | null = null;
    if (exec.idle?.() === true) {
      // Nothing working: the bars up to the strategy's next decision are marked in one tight loop.
      i = quietBars(quiet, i, n, long, markCash, markPos);
      if (i >= n) break;
      target = quiet.target;
    } else {
      const atOpen = exec.atOpen(i, account);
      if (atOpen.length > 0) {
        for (let k = 0; k < atOpen.length; k++) book(i, atOpen[k]!, exactPrices);
        markCash = cashF;
        markPos = posF;
        long = position > 0n;
      }
      if (i >= firstDecision) target = strategy.decide(i, long);
    }
    if (target !== null) {
      decisions[i] = target === 1 ? 1 : -1;
      const side = target === 1 ? 'buy' : 'sell';
      const now = exec.submit({ bar: i, side, reason: target === 1 ? 'entry' : 'exit', reference: bars.close[i]! }, account);
      if (now.length > 0) {
        for (let k = 0; k < now.length; k++) book(i, now[k]!, false);
        markCash = cashF;
        markPos = posF;
        long = position > 0n;
      }
    }
    const held = markPos * bars.close[i]!;
    equity[i] = markCash + held;
    exposure[i] = Math.abs(held) > 0 ? 1 : 0;
    i++;
  }

  if (open) {
    const o = open as { entryBar: number; entryTime: number; bought: number; cost: number; sold: number; proceeds: number; fees: number };
    const last = bars.close[n - 1]!;
    const held = o.bought - o.sold;
    trades.push({ instrument: config.instrument, entryBar: o.entryBar, entryTime: o.entryTime, entryPrice: vwap(o.cost, o.bought), exitBar: null, exitTime: null, exitPrice: null, size: o.bought, commission: o.fees, pnl: o.proceeds + held * last - o.cost - o.fees, exitReason: null });
  }

  const fills = fillColumns.toArray();
  const lastClose = n > 0 ? toUnits(String(bars.close[n - 1]!), pd) : 0n;
  const finalValueUnits = cash + grossUnits(position, lastClose);
  const assumptions = exec.assumptions;
  const metrics = computeMetrics({
    time: bars.time,
    equity,
    initialEquity: Number(initialCash) / cashScale,
    exposure,
    fills,
    trades,
    assumptions,
    ...(config.periodsPerYear !== undefined ? { periodsPerYear: config.periodsPerYear } : {}),
    ...(config.trials ? { trials: config.trials } : {}),
  });
  return {
    instrument: config.instrument,
    fidelity: config.fidelity,
    assumptions,
    bars: n,
    finalValue: toDecimalString(finalValueUnits, cd),
    finalCash: toDecimalString(cash, cd),
    position: { [config.instrument]: toDecimalString(position, qd) },
    fills,
    trades,
    refused,
    metrics,
    time: bars.time,
    equity,
    decisions,
  };
}

