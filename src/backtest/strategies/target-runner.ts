import { divFloor, pow10, toDecimalString, toUnits } from '../../core/precision.ts';
import { PortfolioError } from '../../portfolio/errors.ts';
import { rebalance } from '../../portfolio/rebalancer.ts';
import type { TargetWeight } from '../../portfolio/rebalancer.ts';
import { BarHistory } from '../../signals/bars.ts';
import { createAlphaView } from '../../signals/view.ts';
import { BacktestConfigError, costsOf, exactUnits, fixedUnits } from '../bar-runner.ts';
import type { BarRunConfig } from '../bar-runner.ts';
import type { CostParams, PricedFill } from '../costs.ts';
import { barFill, l1Fill, l2Fill, participationLimit } from '../costs.ts';
import { alignBars } from '../data/align.ts';
import type { BarSeries } from '../data/series.ts';
import { computeMetrics } from '../metrics/metrics.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { StrategyParams } from './strategy.ts';
import type { AlphaPart, TargetDecision, TargetStrategyDef } from './target.ts';
import { StrategyParamError } from './strategy.ts';
import type { BacktestFill, Fidelity, FillAssumptions, RoundTrip } from '../types.ts';

/**
 * The target runner: several instruments on one clock (src/backtest/data/align.ts), a target
 * strategy (the live alphas, cycle and aggregator: l2-alphas.ts) deciding weights at closes, and
 * the live rebalancer (src/portfolio/rebalancer.ts) turning them into orders (`--sizing target`).
 *
 * Per clock step s: (1) orders working from an earlier decision fill at the open of each
 * instrument's bar at s (fidelity bar: whole, no slippage; l2: at most the participation cap of the
 * bar's volume, at the open worse by half the spread and √-impact, the rest on later bars); (2)
 * the book is marked at each instrument's latest close; (3) the strategy decides at s's close; if
 * an alpha ran, the rebalancer plans from the book (holdings, free cash, last closes) and its
 * intents replace what was still working (l1: filled at once at the close plus the haircut).
 * An instrument without a bar at s is neither filled nor re-marked (its last close stands).
 *
 * Cash and positions are exact integers as in the bar runner: quantity in 10^-q units (q = the
 * lot's decimals: lot 1 = whole shares), prices in 10^-p (p = the most decimals of any instrument's
 * data + 2), cash in 10^-(q+p+8). A buy the cash cannot pay for at the fill price is cut to what
 * it pays for, in whole lots (counted as refused when nothing is left).
 *
 * Attribution rule (per-alpha P&L): an instrument's P&L between two decisions — marks, fill prices,
 * fees, spread and impact — goes to the alphas behind the target in force over that span, each by
 * its share |contribution| / Σ|contributions| of that instrument's combined target (the
 * aggregator's share × conviction × the alpha's own target; for a target of 0, by support, share ×
 * conviction: the exit is theirs). A holding no alpha targets any more keeps the attribution of the
 * last target it had; P&L no alpha ever stood behind is "unattributed". Per instrument the alphas'
 * parts add up to its P&L, and the instruments' to the run's (the run's is final − starting equity).
 */

export const UNATTRIBUTED = '(unattributed)';

/** The fidelity an order path models, with its fills and costs said in words. */
export interface TargetRunConfig {
  fidelity: Fidelity;
  cash: string;
  commission: string;
  costs?: BarRunConfig['costs'];
  periodsPerYear?: number;
  /**
   * Epoch ms before which the strategy does not decide (nothing trades): its alphas warm up on the
   * bars before it, as a walk-forward's out-of-sample window warms up on the in-sample bars.
   */
  tradeFromMs?: number;
  /** Called after each clock step (index, steps in all): the host turns it into a progress bar and ETA. */
  onStep?: (index: number, steps: number) => void;
}

export interface InstrumentSeries {
  name: string;
  bars: BarSeries;
}

/**
 * Where an order the model priced goes before it is booked. The default books it as priced; the
 * kernel's (src/kernel/backtest-targets.ts) sends it through OrderIntake, L1 and the OMS to the bar
 * venue at the model's price and answers the quantity the venue filled (0: refused).
 */
export interface TargetOrderRoute {
  /** `priceUnits` on the run's price grid (10^-priceDecimals), `qty` in 10^-qtyDecimals. */
  fill(o: { step: number; time: number; instrument: string; side: 'buy' | 'sell'; qty: bigint; priceUnits: bigint }): bigint;
}

export interface AlphaAttribution {
  alpha: string;
  pnl: number;
  /** pnl / starting equity. */
  returnContribution: number;
  byInstrument: Record<string, number>;
}

export interface InstrumentBreakdown {
  instrument: string;
  pnl: number;
  /** pnl / starting equity. */
  returnContribution: number;
  fees: number;
  spread: number;
  impact: number;
  fills: number;
  buys: number;
  sells: number;
  /** Traded value, account currency. */
  traded: number;
  finalQty: number;
  finalValue: number;
  finalWeight: number;
  /** Bars of the instrument's own series in the run. */
  bars: number;
}

export interface TargetAttribution {
  /** The rule, in words, kept with the run. */
  rule: string;
  alphas: AlphaAttribution[];
  instruments: InstrumentBreakdown[];
  /** Decisions (closes where an alpha ran and the rebalancer planned) and the orders they made. */
  rebalances: number;
  orders: number;
}

export interface TargetDecisionLog {
  step: number;
  time: number;
  weights: Record<string, number>;
}

export interface TargetRunResult {
  instrument: string;
  instruments: string[];
  fidelity: Fidelity;
  assumptions: FillAssumptions;
  bars: number;
  finalValue: string;
  finalCash: string;
  position: Record<string, string>;
  fills: BacktestFill[];
  trades: RoundTrip[];
  refused: number;
  metrics: Metrics;
  time: Float64Array;
  equity: Float64Array;
  /** 1 at a step where the strategy decided targets. */
  decisions: Int8Array;
  targetLog: TargetDecisionLog[];
  attribution: TargetAttribution;
  /** Alpha failures and rebalancer refusals, each once. */
  notes: string[];
}

const RATE_DECIMALS = 8;
const RULE =
  "an instrument's P&L between two decisions (marks, fill prices, fees, spread, impact) goes to the alphas behind its target in force over that span, each by |contribution| / Σ|contributions| of the combined target (share × conviction × the alpha's target; a target of 0 by share × conviction); a holding no alpha targets keeps its last attribution";

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function assumptionsOf(fidelity: Fidelity, c: CostParams, construction: string): FillAssumptions {
  const costs = [`commission ${c.commission * 100}% of value`];
  if (fidelity === 'l1') costs.push(`haircut ${c.haircutBps} bps`);
  if (fidelity === 'l2') costs.push(`spread ${c.spreadBps} bps (half paid)`, `impact ${c.impactK}·${c.urgencyScale[c.urgency]}(${c.urgency})·√(size/bar volume)`, `participation ≤ ${c.participationCap * 100}% of bar volume`);
  const fills =
    fidelity === 'bar'
      ? 'rebalancer orders decided on a close, filled at each instrument\'s next bar open, no slippage'
      : fidelity === 'l1'
        ? 'rebalancer orders filled at the deciding close plus a flat haircut'
        : 'rebalancer orders from each instrument\'s next bar open, capped by bar volume, with spread and square-root impact';
  return { fidelity, fills: `${fills}; targets from the live alphas and aggregator (construction ${construction}, dynamic sizing off)`, costs: costs.join('; ') };
}

/** The shortest step between two clock times: every bar closes within it (a daily clock: one day). */
function barLength(time: Float64Array): number {
  let best = Infinity;
  for (let i = 1; i < time.length; i++) best = Math.min(best, time[i]! - time[i - 1]!);
  return Number.isFinite(best) && best > 0 ? best : 86_400_000;
}

/**
 * Each alpha's share of an instrument's target: |contribution| / Σ|contributions|; for a target of
 * 0 (an exit every alpha wants) by support (share × conviction); with no support either, equally.
 */
export function sharesOf(parts: readonly AlphaPart[]): Map<string, number> {
  const m = new Map<string, number>();
  if (parts.length === 0) return m;
  const by = (f: (p: AlphaPart) => number): boolean => {
    const total = parts.reduce((a, p) => a + Math.abs(f(p)), 0);
    if (!(total > 0)) return false;
    for (const p of parts) if (f(p) !== 0) m.set(p.alpha, (m.get(p.alpha) ?? 0) + Math.abs(f(p)) / total);
    return true;
  };
  if (!by((p) => p.contribution) && !by((p) => p.support)) by(() => 1);
  return m;
}

interface Working {
  k: number;
  side: 'buy' | 'sell';
  remaining: bigint;
  step: number;
}

/**
 * A buy still held: sells close the oldest first (FIFO), each match a closed trade of the matched
 * size. A rebalancing strategy is rarely flat, so closing a trade only when the position went flat
 * left every trade open (win rate, profit factor and holding time empty) with the sum of all buys
 * as its size.
 */
interface Lot {
  entryBar: number;
  entryTime: number;
  price: number;
  /** Quantity left, in quantity units (exact), and the buy's fee not yet charged to a closed trade. */
  qty: bigint;
  fee: number;
}

/**
 * A target run's steps as a generator: it yields only where a decision's construction solves
 * asynchronously (the QP methods, min-volatility and max-sharpe) and resumes with the decision.
 * The synchronous runner drives it without awaiting anything, so the other methods pay nothing
 * for the QP ones; the asynchronous runner awaits each yielded decision.
 */
type TargetSteps = Generator<Promise<TargetDecision | null>, TargetRunResult, TargetDecision | null>;

/** Runs a target strategy synchronously; a method that solves asynchronously is refused (QP_ASYNC): use runTargetsAsync. */
export function runTargets(series: readonly InstrumentSeries[], def: TargetStrategyDef, params: StrategyParams, config: TargetRunConfig, route?: TargetOrderRoute): TargetRunResult {
  const steps = targetSteps(series, def, params, config, route);
  const r = steps.next();
  if (!r.done) {
    // Nothing is left pending: the promise's rejection (if any) is not reported twice.
    r.value.catch(() => undefined);
    steps.return(undefined as unknown as TargetRunResult);
    throw new StrategyParamError(`${def.name}: QP_ASYNC: the construction method solves asynchronously; run it with runTargetsAsync (the kernel's target run does)`);
  }
  return r.value;
}

/** Runs a target strategy, awaiting the construction at each rebalance where it solves asynchronously (min-volatility, max-sharpe). */
export async function runTargetsAsync(series: readonly InstrumentSeries[], def: TargetStrategyDef, params: StrategyParams, config: TargetRunConfig, route?: TargetOrderRoute): Promise<TargetRunResult> {
  const steps = targetSteps(series, def, params, config, route);
  let r = steps.next();
  while (!r.done) {
    let d: TargetDecision | null;
    try {
      d = await r.value;
    } catch (err) {
      r = steps.throw(err);
      continue;
    }
    r = steps.next(d);
  }
  return r.value;
}

function* targetSteps(series: readonly InstrumentSeries[], def: TargetStrategyDef, params: StrategyParams, config: TargetRunConfig, route?: TargetOrderRoute): TargetSteps {
  if (series.length === 0) throw new BacktestConfigError('a target run needs at least one instrument');
  const names = series.map((s) => s.name);
  if (new Set(names).size !== names.length) throw new BacktestConfigError(`two instruments share a name: ${names.join(', ')}`);
  if (config.fidelity === 'l3') throw new BacktestConfigError('L3_NEEDS_TAPE: fidelity l3 drives the simulated venue from a recorded trade tape of one instrument; target strategies run at bar, l1 or l2');
  const costs = costsOf({ ...config, instrument: names.join('+'), sizing: { kind: 'all-in' } });
  if (config.fidelity === 'l2') {
    const dry = series.filter((s) => !s.bars.volume.some((v) => v > 0)).map((s) => s.name);
    if (dry.length > 0) throw new BacktestConfigError(`fidelity l2 needs bar volume, and ${dry.join(', ')} has none`);
  }
  const commissionRate = Number(config.commission);
  if (!(commissionRate >= 0 && commissionRate < 1)) throw new BacktestConfigError(`commission must be in [0, 1), got ${config.commission}`);
  const rb = def.rebalance(params);
  const lotText = String(rb.lot);
  const qd = decimalsOf(lotText);
  const pd = Math.max(...series.map((s) => s.bars.priceDecimals)) + 2;
  const cd = qd + pd + RATE_DECIMALS;
  let rateUnits: bigint;
  let cash: bigint;
  let lotUnits: bigint;
  try {
    rateUnits = toUnits(config.commission, RATE_DECIMALS);
    cash = toUnits(config.cash, cd);
    lotUnits = toUnits(lotText, qd);
  } catch (err) {
    throw new BacktestConfigError(err instanceof Error ? err.message : String(err));
  }
  if (cash <= 0n) throw new BacktestConfigError(`cash must be positive, got ${config.cash}`);

  // One bar length for all: a daily bar stamped at its open and marked at a one-minute clock step
  // would show its close to the alphas (and the book's weights) a day early.
  const lengths = series.filter((s) => s.bars.time.length > 1).map((s) => ({ name: s.name, ms: barLength(s.bars.time) }));
  if (lengths.some((x) => x.ms !== lengths[0]!.ms)) throw new BacktestConfigError(`the instruments have different bar lengths (${lengths.map((x) => `${x.name} ${x.ms / 1000} s`).join(', ')}); give them all on one bar length`);
  const clock = alignBars(series.map((s) => ({ name: s.name, bars: s.bars })));
  const n = clock.time.length;
  const k = series.length;
  const barMs = barLength(clock.time);
  // The whole history up front, each bar closing barMs after it opens: the view shows an alpha only
  // the bars closed at the clock's time (src/signals/view.ts), so nothing after a decision leaks.
  const history = new BarHistory();
  for (const s of series) {
    const b = s.bars;
    for (let i = 0; i < b.time.length; i++) history.append(s.name, { time: b.time[i]!, closeTime: b.time[i]! + barMs, open: b.open[i]!, high: b.high[i]!, low: b.low[i]!, close: b.close[i]!, volume: b.volume[i]! });
  }

  const rateScale = pow10(RATE_DECIMALS);
  const cashScale = 10 ** cd;
  const qtyScale = 10 ** qd;
  const initialCash = cash;
  const startEquity = Number(initialCash) / cashScale;
  const pos = new Array<bigint>(k).fill(0n);
  const lastClose = new Float64Array(k).fill(Number.NaN);
  let now = clock.time[0]! - 1;

  const value = (j: number): number => (Number.isNaN(lastClose[j]!) ? 0 : (Number(pos[j]!) / qtyScale) * lastClose[j]!);
  const nav = (): number => {
    let v = Number(cash) / cashScale;
    for (let j = 0; j < k; j++) v += value(j);
    return v;
  };
  // The book's weights as the live view reports them (bookOf): held instruments, and CASH.
  const weightsNow = (): Record<string, number> => {
    const total = nav();
    if (!(total > 0)) return {};
    const w: Record<string, number> = { CASH: Number(cash) / cashScale / total };
    for (let j = 0; j < k; j++) if (pos[j] !== 0n) w[names[j]!] = value(j) / total;
    return w;
  };
  const view = createAlphaView(history, { now: () => now }, weightsNow);
  const strategy = def.create(params, names, view);

  // Attribution state, per instrument.
  const alphaKeys = [...strategy.alphas, UNATTRIBUTED];
  const byAlpha = new Map<string, Float64Array>(alphaKeys.map((a) => [a, new Float64Array(k)]));
  const shares: Map<string, number>[] = names.map(() => new Map());
  const flushedValue = new Float64Array(k);
  const flow = new Float64Array(k);
  const flush = (j: number): void => {
    const v = value(j);
    const pnl = v + flow[j]! - flushedValue[j]!;
    flushedValue[j] = v;
    flow[j] = 0;
    if (pnl === 0) return;
    const s = shares[j]!;
    if (s.size === 0) byAlpha.get(UNATTRIBUTED)![j]! += pnl;
    else for (const [a, w] of s) byAlpha.get(a)![j]! += pnl * w;
  };

  const stats = names.map(() => ({ fees: 0, spread: 0, impact: 0, fills: 0, buys: 0, sells: 0, traded: 0 }));
  const fills: BacktestFill[] = [];
  const trades: RoundTrip[] = [];
  const lots: Lot[][] = names.map(() => []);
  const equity = new Float64Array(n);
  const exposure = new Uint8Array(n);
  const instrumentValues = names.map(() => new Float64Array(n));
  const decisions = new Int8Array(n);
  const targetLog: TargetDecisionLog[] = [];
  const notes = new Set<string>();
  let refused = 0;
  let rebalances = 0;
  let orders = 0;
  let working: Working[] = [];
  const exactOpen = config.fidelity === 'bar';

  const vwap = (v: number, q: number) => Number((v / q).toFixed(pd));
  const affordable = (pu: bigint): bigint => {
    const perUnit = pu * (rateScale + rateUnits);
    const q = perUnit > 0n ? divFloor(cash, perUnit) : 0n;
    return q > 0n ? q - (q % lotUnits) : 0n;
  };

  /** Books a fill the model priced (after the route admitted it); returns the quantity booked. */
  const book = (step: number, j: number, side: 'buy' | 'sell', want: bigint, priced: PricedFill, exact: boolean, reason: string): bigint => {
    const pu = exact ? exactUnits(priced.price, pd) : fixedUnits(priced.price, pd);
    let qty = want;
    if (side === 'sell' && qty > pos[j]!) qty = pos[j]!;
    if (side === 'buy') {
      const can = affordable(pu);
      if (qty > can) qty = can;
      if (qty <= 0n) {
        refused++;
        return 0n;
      }
    }
    if (qty <= 0n) return 0n;
    const t = clock.time[step]!;
    if (route) {
      const got = route.fill({ step, time: t, instrument: names[j]!, side, qty, priceUnits: pu });
      if (got <= 0n) {
        if (side === 'buy') refused++;
        return 0n;
      }
      qty = got < qty ? got : qty;
    }
    const gross = qty * pu * rateScale;
    const fee = qty * pu * rateUnits;
    if (side === 'buy') {
      cash -= gross + fee;
      pos[j]! += qty;
    } else {
      cash += gross - fee;
      pos[j]! -= qty;
    }
    orders++;
    const q = Number(qty) / qtyScale;
    const price = Number(pu) / 10 ** pd;
    const feeF = Number(fee) / cashScale;
    const grossF = Number(gross) / cashScale;
    flow[j]! += side === 'buy' ? -(grossF + feeF) : grossF - feeF;
    const st = stats[j]!;
    st.fees += feeF;
    st.spread += q * priced.spreadPerUnit;
    st.impact += q * priced.impactPerUnit;
    st.fills++;
    st.traded += grossF;
    if (side === 'buy') st.buys++;
    else st.sells++;
    fills.push({ bar: step, time: t, instrument: names[j]!, side, qty: q, price, fee: feeF, spreadCost: q * priced.spreadPerUnit, impactCost: q * priced.impactPerUnit, reason });
    const held = lots[j]!;
    if (side === 'buy') held.push({ entryBar: step, entryTime: t, price, qty, fee: feeF });
    else {
      // FIFO: the sell's quantity and fee split over the lots it closes, pro rata to quantity.
      let left = qty;
      while (left > 0n && held.length > 0) {
        const lot = held[0]!;
        const m = lot.qty < left ? lot.qty : left;
        const mq = Number(m) / qtyScale;
        const buyFee = m === lot.qty ? lot.fee : (lot.fee * Number(m)) / Number(lot.qty);
        const sellFee = (feeF * Number(m)) / Number(qty);
        trades.push({ instrument: names[j]!, entryBar: lot.entryBar, entryTime: lot.entryTime, entryPrice: lot.price, exitBar: step, exitTime: t, exitPrice: price, size: mq, commission: buyFee + sellFee, pnl: (price - lot.price) * mq - buyFee - sellFee, exitReason: reason });
        lot.qty -= m;
        lot.fee -= buyFee;
        left -= m;
        if (lot.qty === 0n) held.shift();
      }
    }
    return qty;
  };

  /** Working orders at step s's opens (bar, l2). */
  const atOpen = (s: number): void => {
    if (working.length === 0) return;
    const still: Working[] = [];
    for (const w of working) {
      const i = clock.index[w.k]![s]!;
      if (i < 0 || s <= w.step) {
        still.push(w);
        continue;
      }
      const b = series[w.k]!.bars;
      const openPx = b.open[i]!;
      if (config.fidelity === 'bar') {
        book(s, w.k, w.side, w.remaining, barFill(openPx), exactOpen, 'rebalance');
        continue;
      }
      // l2: the bar's participation cap, in whole lots.
      const capRaw = BigInt(Math.floor(participationLimit(b.volume[i]!, costs.participationCap) * qtyScale));
      const cap = capRaw - (capRaw % lotUnits);
      let qty = w.remaining < cap ? w.remaining : cap;
      if (qty > 0n) {
        let priced = l2Fill(openPx, w.side, Number(qty) / qtyScale, b.volume[i]!, costs);
        if (w.side === 'buy') {
          // Impact rises with size: shrink to what the cash pays at the impacted price.
          const can = affordable(fixedUnits(priced.price, pd));
          if (can < qty) {
            qty = can;
            priced = l2Fill(openPx, 'buy', Number(qty) / qtyScale, b.volume[i]!, costs);
          }
        }
        const got = qty > 0n ? book(s, w.k, w.side, qty, priced, false, 'rebalance') : 0n;
        if (w.side === 'buy' && got <= 0n) {
          if (qty <= 0n) refused++;
          continue;
        }
        w.remaining -= got;
      }
      if (w.remaining > 0n && !(w.side === 'sell' && pos[w.k] === 0n)) still.push(w);
    }
    working = still;
  };

  /** Applies the decision taken at step s's close (null: no alpha was due). */
  const apply = (s: number, d: TargetDecision | null): void => {
    if (!d) return;
    for (const f of d.failed) notes.add(`alpha ${f}`);
    for (const x of d.notes ?? []) notes.add(x);
    if (d.ran.length === 0) return;
    decisions[s] = 1;
    // The P&L so far belongs to the targets in force until now.
    for (let j = 0; j < k; j++) flush(j);
    const current = weightsNow();
    const targets: TargetWeight[] = [];
    const logged: Record<string, number> = {};
    for (let j = 0; j < k; j++) {
      const sym = names[j]!;
      const w = d.weights[sym];
      if (w !== undefined) {
        shares[j] = sharesOf(d.parts[sym] ?? []);
        targets.push({ symbol: sym, weight: w });
        logged[sym] = w;
      } else if (pos[j] !== 0n) {
        // As live (computeTargets): a holding no alpha targets keeps its current weight, and its
        // attribution (it is what the alphas' last targets left).
        targets.push({ symbol: sym, weight: current[sym] ?? 0 });
      }
    }
    targetLog.push({ step: s, time: clock.time[s]!, weights: logged });
    const prices: Record<string, number> = {};
    for (let j = 0; j < k; j++) if (!Number.isNaN(lastClose[j]!)) prices[names[j]!] = lastClose[j]!;
    const holdings = names.flatMap((sym, j) => (pos[j]! > 0n ? [{ symbol: sym, qty: toDecimalString(pos[j]!, qd) }] : []));
    let plan;
    try {
      plan = rebalance({
        proposalId: `BT-${s}`,
        holdings,
        cash: toDecimalString(divFloor(cash, pow10(cd - 8)), 8),
        prices,
        targets: targets.filter((t) => prices[t.symbol] !== undefined),
        options: { minTradeValue: rb.minTrade, driftThreshold: rb.driftThreshold, cashBuffer: rb.cashBuffer, lotSizes: Object.fromEntries(names.map((x) => [x, lotText])), qtyDecimals: 8 },
      });
    } catch (err) {
      if (!(err instanceof PortfolioError)) throw err;
      notes.add(`rebalancer: ${err.message}`);
      return;
    }
    rebalances++;
    // The new plan replaces whatever the last one left working.
    working = [];
    for (const it of plan.intents) {
      const j = names.indexOf(it.symbol);
      const qty = toUnits(it.qty, 8) / pow10(8 - qd);
      if (qty <= 0n) continue;
      if (config.fidelity === 'l1') book(s, j, it.side, qty, l1Fill(lastClose[j]!, it.side, costs.haircutBps), false, 'rebalance');
      else working.push({ k: j, side: it.side, remaining: qty, step: s });
    }
  };

  const tradeFrom = config.tradeFromMs;
  const onStep = config.onStep;
  for (let s = 0; s < n; s++) {
    atOpen(s);
    for (let j = 0; j < k; j++) {
      const i = clock.index[j]![s]!;
      if (i >= 0) lastClose[j] = series[j]!.bars.close[i]!;
    }
    if (tradeFrom === undefined || clock.time[s]! >= tradeFrom) {
      now = clock.time[s]! + barMs;
      const decided = strategy.decide();
      apply(s, decided instanceof Promise ? yield decided : decided);
    }
    let held = 0;
    let total = Number(cash) / cashScale;
    for (let j = 0; j < k; j++) {
      const v = value(j);
      instrumentValues[j]![s] = Math.abs(v);
      held += Math.abs(v);
      total += v;
    }
    equity[s] = total;
    exposure[s] = held > 0 ? 1 : 0;
    onStep?.(s, n);
  }
  for (let j = 0; j < k; j++) flush(j);

  // What is still held: one open trade per instrument (its lots at their average price), marked at the last close.
  for (let j = 0; j < k; j++) {
    const held = lots[j]!;
    if (held.length === 0) continue;
    let units = 0n;
    let cost = 0;
    let fees = 0;
    for (const lot of held) {
      units += lot.qty;
      cost += (Number(lot.qty) / qtyScale) * lot.price;
      fees += lot.fee;
    }
    const size = Number(units) / qtyScale;
    const last = lastClose[j]!;
    trades.push({ instrument: names[j]!, entryBar: held[0]!.entryBar, entryTime: held[0]!.entryTime, entryPrice: vwap(cost, size), exitBar: null, exitTime: null, exitPrice: null, size, commission: fees, pnl: size * last - cost - fees, exitReason: null });
  }

  let finalUnits = cash;
  for (let j = 0; j < k; j++) if (pos[j] !== 0n) finalUnits += pos[j]! * toUnits(String(lastClose[j]!), pd) * rateScale;
  const assumptions = assumptionsOf(config.fidelity, costs, strategy.construction ?? 'signal-weighted');
  const metrics = computeMetrics({
    time: clock.time,
    equity,
    initialEquity: startEquity,
    exposure,
    fills,
    trades,
    assumptions,
    ...(k > 1 ? { instrumentValues } : {}),
    ...(config.periodsPerYear !== undefined ? { periodsPerYear: config.periodsPerYear } : {}),
  });
  const finalNav = nav();
  const instruments: InstrumentBreakdown[] = names.map((sym, j) => {
    let pnl = 0;
    for (const a of alphaKeys) pnl += byAlpha.get(a)![j]!;
    const st = stats[j]!;
    return {
      instrument: sym,
      pnl,
      returnContribution: pnl / startEquity,
      ...st,
      finalQty: Number(pos[j]!) / qtyScale,
      finalValue: value(j),
      finalWeight: finalNav > 0 ? value(j) / finalNav : 0,
      bars: series[j]!.bars.time.length,
    };
  });
  const alphas: AlphaAttribution[] = alphaKeys
    .map((a) => {
      const v = byAlpha.get(a)!;
      let pnl = 0;
      const per: Record<string, number> = {};
      names.forEach((sym, j) => {
        pnl += v[j]!;
        if (v[j] !== 0) per[sym] = v[j]!;
      });
      return { alpha: a, pnl, returnContribution: pnl / startEquity, byInstrument: per };
    })
    .filter((a) => a.alpha !== UNATTRIBUTED || Object.keys(a.byInstrument).length > 0);
  return {
    instrument: names.join('+'),
    instruments: names,
    fidelity: config.fidelity,
    assumptions,
    bars: n,
    finalValue: toDecimalString(finalUnits, cd),
    finalCash: toDecimalString(cash, cd),
    position: Object.fromEntries(names.map((sym, j) => [sym, toDecimalString(pos[j]!, qd)])),
    fills,
    trades,
    refused,
    metrics,
    time: clock.time,
    equity,
    decisions,
    targetLog,
    attribution: { rule: RULE, alphas, instruments, rebalances, orders },
    notes: [...notes],
  };
}
