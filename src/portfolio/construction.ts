import type { PortfolioSettingsDto } from '../contract/api/portfolio.ts';
import { periodsPerYear, DAY_MS } from '../marketdata/daily.ts';
import type { TradingCalendar } from '../marketdata/daily.ts';
import type { AlphaView } from '../signals/view.ts';
import { PortfolioError } from './errors.ts';
import { frameFromRows, returnsFromPrices } from './frame.ts';
import { hrp } from './hrp.ts';
import { meanHistoricalReturnFromReturns } from './expected-returns.ts';
import { maxSharpe, minVolatility } from './frontier.ts';
import { sampleCovFromReturns } from './risk-models.ts';
import { equalWeight, inverseVolatility, riskParity } from './simple.ts';

/**
 * Portfolio construction, live (src/kernel/l2-construct.ts) and in target backtests. The aggregator says which instruments to hold and how
 * much of the book to invest (Σ of the long combined targets, at most 1 − cash buffer); the
 * configured method decides how that total is split between them, on L2's daily bars. Caps: a max
 * single weight and group caps move the excess to cash (a cap is never broken, and a book that
 * cannot be filled stays partly in cash rather than getting weights outside its bounds). The QP
 * methods take the group caps as constraints; the others are capped after they split.
 *
 * Returns null for `signal-weighted` without caps: the targets are then exactly the aggregator's,
 * as before settings existed. The QP methods (min-volatility, max-sharpe) solve asynchronously.
 */
export interface Constructed {
  /** Instrument → constructed weight (fraction of NAV) for every instrument the signals target. */
  weights: Map<string, number>;
  notes: string[];
}

export type ConstructResult = Constructed | null | Promise<Constructed>;

const EPS = 1e-12;

function bad(code: 'INFEASIBLE' | 'BAD_INPUT', message: string): PortfolioError {
  return new PortfolioError(code, message);
}

/** Clips weights at their caps and hands the excess to the uncapped in proportion (water-filling); what cannot be placed stays in cash. */
export function capWeights(w: readonly number[], caps: readonly number[]): number[] {
  const out = [...w];
  for (let pass = 0; pass < out.length + 1; pass++) {
    let excess = 0;
    const free: number[] = [];
    out.forEach((x, i) => {
      if (x > caps[i]! + EPS) {
        excess += x - caps[i]!;
        out[i] = caps[i]!;
      } else if (x < caps[i]! - EPS) free.push(i);
    });
    if (excess <= EPS) break;
    const room = free.reduce((a, i) => a + out[i]!, 0);
    if (free.length === 0) break;
    for (const i of free) out[i]! += room > 0 ? (excess * out[i]!) / room : excess / free.length;
  }
  return out.map((x, i) => Math.min(x, caps[i]!));
}

/** Group caps (fraction of NAV): a group above its cap is scaled down to it, the rest goes to cash. */
function applyGroupCaps(symbols: readonly string[], w: number[], s: PortfolioSettingsDto, notes: string[]): void {
  for (const [g, cap] of Object.entries(s.constraints.groupCaps)) {
    const members = symbols.map((x, i) => (s.constraints.groups[x] === g ? i : -1)).filter((i) => i >= 0);
    const sum = members.reduce((a, i) => a + w[i]!, 0);
    if (sum > cap + EPS) {
      for (const i of members) w[i] = (w[i]! * cap) / sum;
      notes.push(`group ${g} at ${sum.toFixed(4)} is above its cap ${cap}: scaled down, the rest stays in cash`);
    }
  }
}

/**
 * The construction step without the engine: the signals' long-only wanted weights (as construct
 * reads them off the aggregate), the view the daily closes come from, and each symbol's calendar.
 * The backtest's target strategies call it on their own view, so a run builds its book with the
 * code live builds it with.
 */
export function constructWeights(wanted: readonly { symbol: string; w: number }[], view: AlphaView, current: Readonly<Record<string, number>>, s: PortfolioSettingsDto, calendarOfSymbol: (symbol: string) => TradingCalendar): ConstructResult {
  const c = s.constraints;
  const capped = c.maxWeight !== null || Object.keys(c.groupCaps).length > 0;
  if (s.method === 'signal-weighted' && !capped) return null;
  const notes: string[] = [];
  const finish = (symbols: readonly string[], w: number[]): Constructed => {
    if (c.maxWeight !== null) {
      const before = w.reduce((a, x) => a + x, 0);
      w = capWeights(w, symbols.map(() => c.maxWeight!));
      const after = w.reduce((a, x) => a + x, 0);
      if (after < before - 1e-9) notes.push(`max weight ${c.maxWeight}: ${(before - after).toFixed(4)} of NAV stays in cash`);
    }
    applyGroupCaps(symbols, w, s, notes);
    const weights = new Map(wanted.map((x) => [x.symbol, 0]));
    symbols.forEach((x, i) => weights.set(x, w[i]!));
    return { weights, notes };
  };
  if (s.method === 'signal-weighted') return finish(wanted.map((x) => x.symbol), wanted.map((x) => x.w));
  // The optimisers split the invested total between the instruments the signals want to hold.
  const held = wanted.filter((x) => x.w > 0);
  const symbols = held.map((x) => x.symbol);
  const n = symbols.length;
  const budget = Math.min(
    held.reduce((a, x) => a + x.w, 0),
    1 - c.cashBuffer,
  );
  if (n === 0 || !(budget > 0)) return finish(symbols, []);
  if (n * c.minWeight > budget + 1e-9) throw bad('INFEASIBLE', `${n} instruments at the min weight ${c.minWeight} need ${(n * c.minWeight).toFixed(4)} of NAV; the signals invest ${budget.toFixed(4)}`);
  // Bounds on the split u (Σu = 1), from the weight bounds on w = budget·u; with a max weight the
  // total the caps allow may be below the budget: the optimiser then fills to the caps.
  const invest = c.maxWeight !== null ? Math.min(budget, n * c.maxWeight) : budget;
  if (invest < budget - 1e-9) notes.push(`${n} instruments at the max weight ${c.maxWeight} hold at most ${invest.toFixed(4)} of NAV: the rest of the ${budget.toFixed(4)} the signals invest stays in cash`);
  const lo = Math.min(1, c.minWeight / invest);
  const scale = (u: readonly number[]): Constructed => finish(symbols, u.map((x) => x * invest));
  // The heuristic methods take no bounds: the min weight is met by mixing with the floor (Σ stays 1, the order is kept).
  const floored = (u: readonly number[]): Constructed => scale(lo > 0 ? u.map((x) => lo + (1 - n * lo) * x) : u);
  if (n === 1) return scale([1]);
  if (s.method === 'equal') return scale(equalWeight(n));
  const { rows, periodsPerYear: frequency } = alignedCloses(view, symbols, s.lookbackDays + 1, calendarOfSymbol);
  const need = Math.max(21, n + 1);
  if (rows.length - 1 < need) throw bad('BAD_INPUT', `${s.method} needs ${need} daily returns on dates all of ${symbols.join(', ')} share; ${Math.max(0, rows.length - 1)} are held`);
  const returns = returnsFromPrices(frameFromRows(symbols, rows));
  if (s.method === 'hrp') return floored(hrp(returns).weights);
  const cov = sampleCovFromReturns(returns, { frequency });
  if (s.method === 'inverse-vol') return floored(inverseVolatility(cov));
  if (s.method === 'risk-parity') return floored(riskParity(cov));
  // The QP methods take the group caps as constraints on the split (cap / invested total): they find
  // the best portfolio inside the caps instead of having it scaled down afterwards. The total is
  // then what the caps can hold (each group at most its cap, each instrument at most the max weight).
  const split = groupedSplit(symbols, c.groups, c.groupCaps, c.maxWeight ?? Infinity);
  const qpInvest = Math.min(invest, split.room);
  if (qpInvest < invest - 1e-9) notes.push(`the group caps hold at most ${qpInvest.toFixed(4)} of NAV: the rest of the ${invest.toFixed(4)} stays in cash`);
  if (!(qpInvest > 0)) return finish(symbols, symbols.map(() => 0));
  const bounds: readonly [number, number] = [Math.min(1, c.minWeight / qpInvest), c.maxWeight !== null ? Math.min(1, c.maxWeight / qpInvest) : 1];
  const groups = split.of ? { of: split.of, limits: Object.fromEntries(Object.entries(split.caps).map(([g, cap]) => [g, [0, Math.min(1, cap / qpInvest)] as const])) } : undefined;
  const scaleQp = (u: readonly number[]): Constructed => finish(symbols, u.map((x) => x * qpInvest));
  if (s.method === 'min-volatility') {
    const base = symbols.map((x) => (current[x] ?? 0) / qpInvest);
    return minVolatility(cov, { bounds, ...(groups ? { groups } : {}), ...(c.stayClose > 0 ? { stayClose: { base, k: c.stayClose, kind: 'l1' as const } } : {}) }).then(scaleQp);
  }
  // max-sharpe
  const mu = meanHistoricalReturnFromReturns(returns, { compounding: false, frequency });
  return maxSharpe(mu, cov, s.riskFreeRate, { bounds, ...(groups ? { groups } : {}) }).then(scaleQp);
}

/** The group of each symbol with a capped group (null otherwise), those caps, and the total the caps can hold. */
function groupedSplit(symbols: readonly string[], groupOf: Readonly<Record<string, string>>, groupCaps: Readonly<Record<string, number>>, perName: number): { of: (string | null)[] | null; caps: Record<string, number>; room: number } {
  const of = symbols.map((x) => {
    const g = groupOf[x];
    return g !== undefined && groupCaps[g] !== undefined ? g : null;
  });
  const caps: Record<string, number> = {};
  const count = new Map<string, number>();
  let room = 0;
  for (const g of of) {
    if (g === null) room += perName;
    else count.set(g, (count.get(g) ?? 0) + 1);
  }
  for (const [g, k] of count) {
    caps[g] = groupCaps[g]!;
    room += Math.min(groupCaps[g]!, k * perName);
  }
  return { of: count.size > 0 ? of : null, caps, room };
}

/**
 * The last `maxRows` daily closes of `symbols` on the dates they all have (a crypto pair trades on
 * weekends, SPY does not: returns are taken between common dates), and the number of bars a year of
 * that common calendar, each symbol's calendar told (the engine's alignedDailyCloses tells it from
 * the instrument's kind; the backtest from its data).
 */
export function alignedCloses(view: AlphaView, symbols: readonly string[], maxRows: number, calendarOfSymbol: (symbol: string) => TradingCalendar): { rows: number[][]; periodsPerYear: number } {
  const maps = symbols.map((s) => {
    const m = new Map<number, number>();
    for (const b of view.bars(s)) m.set(b.closeTime, b.close);
    return m;
  });
  const first = maps[0];
  const times = first ? [...first.keys()].filter((t) => maps.every((m) => m.has(t))).sort((a, b) => a - b).slice(-maxRows) : [];
  const rows = times.map((t) => maps.map((m) => m.get(t)!));
  const calendar: TradingCalendar = symbols.every((s) => calendarOfSymbol(s) === 'every-day') ? 'every-day' : 'weekdays';
  return { rows, periodsPerYear: periodsPerYear(DAY_MS, calendar) };
}

