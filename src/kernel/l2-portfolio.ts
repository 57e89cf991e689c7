import type { ProposalDraft } from '../approval/proposal.ts';
import type { BookRiskDto, FrontierDto, FrontierPointDto, GateDto, PortfolioTargetDto, RiskContributionsDto, SizingFactorDto, TargetRowDto } from '../contract/l2-dto.ts';
import { annualisedVolatility, calendarOf, DAY_MS, periodsPerYear } from '../marketdata/daily.ts';
import type { TradingCalendar } from '../marketdata/daily.ts';
import { DomainError } from '../core/errors.ts';
import { toDecimalString, toUnits } from '../core/precision.ts';
import { byTicker, dynamicSize, efficientFrontierPoints, frameFromRows, meanHistoricalReturnFromReturns, portfolioPerformance, PortfolioError, rebalance, returnsFromPrices, sampleCovFromReturns, volatilityContributions } from '../portfolio/index.ts';
import type { Cadence, RebalancePlan } from '../portfolio/index.ts';
import { CASH } from '../signals/signal.ts';
import type { Aggregate } from '../signals/aggregator.ts';
import type { AlphaView } from '../signals/view.ts';
import type { EngineCore } from './context.ts';
import { priceOf } from './l2-assess.ts';
import { whatIf } from './what-if.ts';

/**
 * L2 portfolio construction in the engine: the aggregator's combined targets → the gate (seed 001
 * "gate, not filter") → dynamic sizing of each risk-adding trade → the rebalancer → proposal drafts.
 * No limits live here: the gate only asks L1 whether it would refuse the instrument now, so that
 * nothing is sized into a proposal that can only be denied.
 */

export interface PortfolioOptions {
  /** |target − current| below which nothing trades. */
  driftThreshold: number;
  /** Fraction of NAV always kept in cash. */
  cashBuffer: number;
  /** Annual volatility at which full size is taken; above it risk-adding trades shrink. */
  referenceVolatility: number;
  /** Largest share of the volume expected over an order's horizon a trade may plan to take. */
  maxParticipation: number;
  /**
   * Largest trade per instrument per rebalance, fraction of NAV: a larger move is proposed in
   * tranches, the next once the previous one has been worked. 8% keeps each tranche inside the
   * default L1 order-size limits (max_order_notional soft 100,000 = 10% of the 1M demo NAV; SPY
   * max_order_qty soft 300 ≈ 15%) — a choice of pacing, not a limit: L1 stays the only gate.
   */
  maxTradeWeight: number;
}

/** The rebalancer's options the operator's settings add (portfolio.configure); absent: as before settings existed. */
export interface LiveRebalanceOptions {
  /** null: the instruments' largest minimum notional. */
  minTradeValue?: number | null;
  turnoverCap?: number | null;
  cadence?: Cadence;
  lastRebalanceAt?: number | null;
  groups?: { of: Readonly<Record<string, string>>; caps: Readonly<Record<string, number>> };
}

/** How computeTargets builds the wanted weights: the constructed ones (null: the aggregator's), and whether risk-adding trades are dynamically sized. */
export interface Construction {
  weights: ReadonlyMap<string, number> | null;
  /** false: the constructed targets as they are (the gate still holds a refused instrument at its weight). */
  dynamicSizing: boolean;
  /** Set when construction failed: every target stays at its current weight and the error is reported. */
  error?: { code: 'INFEASIBLE' | 'BAD_INPUT'; message: string };
}

export const DEFAULT_PORTFOLIO_OPTIONS: PortfolioOptions = { driftThreshold: 0.01, cashBuffer: 0.01, referenceVolatility: 0.8, maxParticipation: 0.1, maxTradeWeight: 0.08 };

/** L1 checks whose refusal gates a signal: concentration, exposure, leverage, loss/drawdown, trading state, a blocked instrument (the volatility regime acts by tightening these). */
const GATE_CHECKS = new Set(['position', 'exposure', 'leverage', 'loss', 'trading_state', 'instrument_block']);
const DAY_SEC = 86_400;

interface Book {
  nav: number;
  cash: number;
  weights: Record<string, number>;
  qty: Record<string, number>;
}

export function bookOf(ctx: EngineCore): Book {
  const a = ctx.valuation.account();
  const nav = a.equity;
  const weights: Record<string, number> = {};
  const qty: Record<string, number> = {};
  for (const p of ctx.valuation.positions()) {
    if (p.qty === 0) continue;
    qty[p.symbol] = p.qty;
    if (nav > 0) weights[p.symbol] = p.marketValue / nav;
  }
  return { nav, cash: a.cash, weights, qty };
}

/** Days of daily history an instrument's current volatility and its correlation with the book are measured over (a quarter). */
const RECENT_DAYS = 63;
/** Days of aligned daily history the frontier and the risk contributions use (two years). */
const RISK_DAYS = 504;

function calendarOfSymbol(ctx: EngineCore, symbol: string): TradingCalendar {
  return calendarOf(ctx.instruments.get(symbol)?.kind ?? 'equity');
}

/** Annualised volatility of the instrument's recent daily closes (by its calendar: 365 crypto, 252 equity), null without enough. */
function annualVol(ctx: EngineCore, view: AlphaView, symbol: string): number | null {
  return annualisedVolatility(view.closes(symbol, RECENT_DAYS + 1), DAY_MS, calendarOfSymbol(ctx, symbol));
}

/**
 * The last `maxRows` daily closes of `symbols` on the dates they all have (a crypto pair trades on
 * weekends, SPY does not: returns are taken between common dates, so a Friday→Monday return spans
 * the weekend for both), and the number of bars a year of that common calendar.
 */
export function alignedDailyCloses(ctx: EngineCore, view: AlphaView, symbols: readonly string[], maxRows: number): { rows: number[][]; periodsPerYear: number } {
  const maps = symbols.map((s) => {
    const m = new Map<number, number>();
    for (const b of view.bars(s)) m.set(b.closeTime, b.close);
    return m;
  });
  const first = maps[0];
  const times = first ? [...first.keys()].filter((t) => maps.every((m) => m.has(t))).sort((a, b) => a - b).slice(-maxRows) : [];
  const rows = times.map((t) => maps.map((m) => m.get(t)!));
  const calendar: TradingCalendar = symbols.every((s) => calendarOfSymbol(ctx, s) === 'every-day') ? 'every-day' : 'weekdays';
  return { rows, periodsPerYear: periodsPerYear(DAY_MS, calendar) };
}

/** Correlation of a symbol's daily returns with the held book's (weight-weighted), on common dates; 0 without history. */
function correlationWithBook(ctx: EngineCore, view: AlphaView, symbol: string, weights: Record<string, number>): number {
  const held = Object.entries(weights).filter(([s, w]) => s !== symbol && s !== CASH && w !== 0);
  if (held.length === 0) return 0;
  const { rows } = alignedDailyCloses(ctx, view, [symbol, ...held.map(([s]) => s)], RECENT_DAYS + 1);
  const n = rows.length - 1;
  if (n < 10) return 0;
  const xs: number[] = [];
  const book: number[] = [];
  for (let k = 1; k <= n; k++) {
    const r = rows[k]!.map((c, j) => Math.log(c / rows[k - 1]![j]!));
    xs.push(r[0]!);
    book.push(held.reduce((a, [, w], j) => a + w * r[j + 1]!, 0));
  }
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
  const mx = mean(xs);
  const mb = mean(book);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (book[i]! - mb);
    sxx += (xs[i]! - mx) ** 2;
    syy += (book[i]! - mb) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/**
 * Risk contributions of the current and target books (Euler, in volatility units: they sum to the
 * book's volatility), from the sample covariance of daily log returns on common dates, annualised
 * by the common calendar. Computed here so every client shows the same figures.
 */
export function bookRisk(ctx: EngineCore, view: AlphaView, current: Readonly<Record<string, number>>, target: Readonly<Record<string, number>>): RiskContributionsDto {
  const weighted = [...new Set([...Object.keys(current), ...Object.keys(target)])].filter((s) => s !== CASH && ((current[s] ?? 0) !== 0 || (target[s] ?? 0) !== 0)).sort();
  const symbols = weighted.filter((s) => view.barCount(s) >= 22);
  const missing = weighted.filter((s) => !symbols.includes(s));
  const none = (why: string | null): RiskContributionsDto => ({ symbols, observations: 0, barMs: DAY_MS, periodsPerYear: 0, current: null, target: null, missing, unavailable: why });
  if (symbols.length === 0) return none(weighted.length === 0 ? null : `no weighted instrument has 21 daily returns yet (${weighted.join(', ')})`);
  const { rows, periodsPerYear: ppy } = alignedDailyCloses(ctx, view, symbols, RISK_DAYS + 1);
  if (rows.length < 22) return none(`only ${Math.max(0, rows.length - 1)} daily returns on dates all of ${symbols.join(', ')} share; 21 needed`);
  let cov: number[][];
  try {
    cov = sampleCovFromReturns(returnsFromPrices(frameFromRows(symbols, rows)), { frequency: ppy });
  } catch (err) {
    if (err instanceof PortfolioError) return none(`${err.code}: ${err.message}`);
    throw err;
  }
  const book = (weights: Readonly<Record<string, number>>): BookRiskDto | null => {
    const w = symbols.map((s) => weights[s] ?? 0);
    if (w.every((x) => x === 0)) return null;
    const d = volatilityContributions(w, cov);
    return { volatility: d.volatility, rows: symbols.map((s, i) => ({ symbol: s, weight: w[i]!, volatility: Math.sqrt(Math.max(0, cov[i]![i]!)), contribution: d.contributions[i]!, share: d.shares[i]! })) };
  };
  return { symbols, observations: rows.length - 1, barMs: DAY_MS, periodsPerYear: ppy, current: book(current), target: book(target), missing, unavailable: null };
}

/**
 * Would L1 refuse any risk-adding trade in this instrument now, on gate grounds? Asked with the
 * smallest order the venue takes (one lot, at least the minimum notional): a refusal then comes
 * from the state of the book (exposure or concentration at its limit, a drawdown, the volatility
 * regime, the trading state, a blocked instrument), not from this trade's size — the full-size
 * verdict is shown on the proposal, where the operator can modify the quantity.
 */
function gate(ctx: EngineCore, symbol: string, price: number): GateDto {
  const i = ctx.instruments.get(symbol);
  if (!i || !(price > 0)) return { refused: false, codes: [], message: null };
  const lot = Number(i.lotSize);
  const lots = Math.max(1, Math.ceil(Number(i.minNotional) / price / lot));
  const qty = toDecimalString(i.lotUnits * BigInt(lots), i.qtyDecimals);
  try {
    const w = whatIf(ctx, { symbol, side: 'buy', qty, type: 'market', tif: 'gtc', source: 'signal', urgency: 'medium' });
    const hits = w.check.verdict === 'pass' ? [] : w.check.breaches.filter((b) => GATE_CHECKS.has(b.check));
    return { refused: hits.length > 0, codes: hits.map((b) => b.code), message: hits.length > 0 ? w.check.message : null };
  } catch (err) {
    return { refused: false, codes: [], message: err instanceof Error ? `gate not asked: ${err.message}` : null };
  }
}

/** Combined targets, gated and sized, per instrument (held instruments no alpha speaks of keep their weight). */
export function computeTargets(ctx: EngineCore, agg: Aggregate, view: AlphaView, drawdown: number, cycleId: string | null, o: PortfolioOptions, k: Construction = { weights: null, dynamicSizing: true }): PortfolioTargetDto {
  const book = bookOf(ctx);
  const rows: TargetRowDto[] = [];
  const seen = new Set<string>();
  for (const t of agg.targets) {
    if (t.instrument === CASH || !ctx.instruments.get(t.instrument)) continue;
    seen.add(t.instrument);
    const current = book.weights[t.instrument] ?? 0;
    // The rebalancer is long-only: a negative combined target is held at zero.
    const combined = t.target ?? current + t.delta;
    const wanted = k.error ? current : (k.weights?.get(t.instrument) ?? Math.max(0, combined));
    const delta = wanted - current;
    const price = priceOf(ctx, t.instrument);
    const adds = wanted > current;
    let g: GateDto = { refused: false, codes: [], message: null };
    let sizing: SizingFactorDto[] = [];
    let target = wanted;
    if (adds && price !== undefined && book.nav > 0 && !k.dynamicSizing) {
      g = gate(ctx, t.instrument, price);
      if (g.refused) target = current;
      sizing = [{ name: 'confidence', input: 1, effect: 1, note: g.refused ? 'L1 would refuse it now: held at the current weight' : 'sizing off: the constructed target as it is' }];
    } else if (adds && price !== undefined && book.nav > 0) {
      g = gate(ctx, t.instrument, price);
      const vol = annualVol(ctx, view, t.instrument);
      const vps = ctx.hub.volumePerSecond(t.instrument);
      const i = ctx.instruments.get(t.instrument)!;
      // Capacity over the signal's horizon (an intent that stands until replaced: a day of volume).
      const horizonSec = t.horizonMs !== null ? Math.min(t.horizonMs / 1000, DAY_SEC) : DAY_SEC;
      const capacity = vps !== undefined && vps > 0 ? (o.maxParticipation * (vps / 10 ** i.qtyDecimals) * horizonSec * price) / book.nav : Math.abs(delta);
      const s = dynamicSize({
        baseWeight: delta,
        // The aggregator already scaled each alpha's intent by its conviction: not applied twice.
        confidence: 1,
        volatility: vol !== null && vol > 0 ? vol : o.referenceVolatility,
        referenceVolatility: o.referenceVolatility,
        drawdown,
        correlationWithBook: correlationWithBook(ctx, view, t.instrument, book.weights),
        capacityWeight: capacity,
        gate: g,
      });
      sizing = s.factors;
      target = current + s.weight;
    } else if (!adds && delta !== 0) {
      sizing = [{ name: 'confidence', input: 1, effect: 1, note: 'reduces risk: not sized down' }];
    }
    rows.push({ symbol: t.instrument, currentWeight: current, combinedTarget: t.target, targetWeight: target, support: t.support, expectedReturn: t.expectedReturn, urgency: t.urgency, contributions: t.contributions, sizing, gate: g });
  }
  for (const [symbol, w] of Object.entries(book.weights)) {
    if (seen.has(symbol)) continue;
    rows.push({ symbol, currentWeight: w, combinedTarget: null, targetWeight: w, support: 0, expectedReturn: null, urgency: 'low', contributions: [], sizing: [], gate: { refused: false, codes: [], message: null } });
  }
  rows.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const invested = rows.reduce((a, r) => a + r.targetWeight, 0);
  const risk = bookRisk(ctx, view, Object.fromEntries(rows.map((r) => [r.symbol, r.currentWeight])), Object.fromEntries(rows.map((r) => [r.symbol, r.targetWeight])));
  return { at: ctx.clock.now(), nav: book.nav, currency: ctx.currency, cash: 1 - invested, currentCash: book.nav > 0 ? book.cash / book.nav : 1, rows, cycleId, risk, ...(k.error ? { constructionError: k.error } : {}) };
}

/** The rebalancer over the sized targets; intents for symbols in `skip` (already waiting or working) are dropped. */
export function planRebalance(ctx: EngineCore, target: PortfolioTargetDto, skip: ReadonlySet<string>, o: PortfolioOptions, live: LiveRebalanceOptions = {}): { plan: RebalancePlan; drafts: ProposalDraft[] } {
  const book = bookOf(ctx);
  const insts = ctx.instruments.all();
  const dec = Math.max(0, ...insts.map((i) => i.qtyDecimals));
  const prices: Record<string, number | undefined> = {};
  const lotSizes: Record<string, string> = {};
  for (const i of insts) {
    prices[i.symbol] = priceOf(ctx, i.symbol);
    lotSizes[i.symbol] = i.lotSize;
  }
  // NAV is equity (all cash + positions): the rebalancer adds the reserved cash back into NAV and
  // lets buys spend only the free cash (auditor's item 1: sizing on free cash understated NAV).
  const acct = ctx.valuation.account();
  const free = Math.max(0, acct.cash - acct.reservedCash);
  const reserved = Math.max(0, acct.cash - free);
  const holdings = Object.entries(book.qty)
    .filter(([, q]) => q > 0)
    .map(([symbol, q]) => ({ symbol, qty: toDecimalString(toUnits(String(q), dec), dec) }));
  const minTrade = live.minTradeValue ?? Math.max(0, ...insts.map((i) => Number(i.minNotional)));
  let plan: RebalancePlan;
  try {
    plan = rebalance({
      proposalId: 'batch',
      holdings,
      cash: free.toFixed(dec),
      reservedCash: reserved.toFixed(dec),
      prices,
      targets: target.rows.map((r) => ({ symbol: r.symbol, weight: r.targetWeight, urgency: r.urgency })),
      options: {
        driftThreshold: o.driftThreshold,
        cashBuffer: o.cashBuffer,
        maxTradeWeight: o.maxTradeWeight,
        lotSizes,
        qtyDecimals: dec,
        minTradeValue: minTrade,
        cadence: live.cadence ?? 'on-drift',
        ...(live.turnoverCap != null ? { turnoverCap: live.turnoverCap } : {}),
        ...(live.groups ? { groups: live.groups } : {}),
        lastRebalanceAt: live.lastRebalanceAt ?? null,
        now: ctx.clock.now(),
      },
    });
  } catch (err) {
    if (err instanceof PortfolioError) throw new DomainError(err.code === 'INFEASIBLE' ? 'INFEASIBLE' : 'BAD_INPUT', err.message);
    throw err;
  }
  const byRow = new Map(target.rows.map((r) => [r.symbol, r]));
  const drafts: ProposalDraft[] = [];
  for (const it of plan.intents) {
    if (skip.has(it.symbol)) {
      plan.notes.push(`${it.symbol}: a proposal or signal order is already waiting or working; not proposed again`);
      continue;
    }
    const r = byRow.get(it.symbol);
    drafts.push({
      symbol: it.symbol,
      side: it.side,
      qty: it.qty.includes('.') ? it.qty.replace(/0+$/, '').replace(/\.$/, '') : it.qty,
      urgency: it.urgency,
      currentWeight: it.currentWeight,
      targetWeight: it.targetWeight,
      conviction: r?.support ?? 0,
      contributions: r?.contributions ?? [],
      sizing: r?.sizing ?? [],
      estimatedValue: it.estimatedValue,
    });
  }
  return { plan, drafts };
}

/**
 * The long-only efficient frontier over the instruments' daily history (the last two years of
 * common dates), with the current and target books on it; annualised by the common calendar
 * (252 when an equity is in the set, 365 for crypto alone).
 */
export async function computeFrontier(ctx: EngineCore, view: AlphaView, symbols: readonly string[], current: Record<string, number>, target: Record<string, number>, points: number, riskFreeRate: number): Promise<FrontierDto> {
  const usable = symbols.filter((s) => view.barCount(s) >= 22);
  const empty = (why: string, n = 0): FrontierDto => ({ symbols: usable, observations: n, barMs: DAY_MS, riskFreeRate, points: [], current: null, target: null, unavailable: why });
  if (usable.length < 2) return empty(`the frontier needs at least two instruments with 21 daily returns; ${usable.length} have them`);
  const { rows, periodsPerYear: frequency } = alignedDailyCloses(ctx, view, usable, RISK_DAYS + 1);
  if (rows.length < 22) return empty(`only ${Math.max(0, rows.length - 1)} daily returns on dates all of ${usable.join(', ')} share; 21 needed`, rows.length);
  try {
    const returns = returnsFromPrices(frameFromRows(usable, rows));
    const mu = meanHistoricalReturnFromReturns(returns, { compounding: false, frequency });
    const cov = sampleCovFromReturns(returns, { frequency });
    const pts = await efficientFrontierPoints(mu, cov, points, { bounds: [0, 1] });
    const point = (w: number[]): FrontierPointDto => {
      const perf = portfolioPerformance(w, mu, cov, riskFreeRate);
      return { expectedReturn: perf.expectedReturn, volatility: perf.volatility, // A flat book sits at the origin, where the Sharpe ratio is 0/0: null, as JSON would send NaN.
      sharpe: Number.isFinite(perf.sharpe) ? perf.sharpe : null, weights: byTicker(usable, w) };
    };
    const book = (weights: Record<string, number>): FrontierPointDto | null => (Object.keys(weights).length === 0 ? null : point(usable.map((s) => weights[s] ?? 0)));
    return { symbols: usable, observations: rows.length - 1, barMs: DAY_MS, riskFreeRate, points: pts.map((p) => point(p.weights)), current: book(current), target: book(target), unavailable: null };
  } catch (err) {
    if (err instanceof PortfolioError) return empty(`${err.code}: ${err.message}`, rows.length - 1);
    throw err;
  }
}
