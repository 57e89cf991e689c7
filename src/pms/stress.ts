import { isoDate } from './periods.ts';
import { alignSeries } from './returns.ts';
import type { Series } from './returns.ts';
import type { Positions } from './var.ts';

/**
 * Stress tests of the current positions (signed market values, account currency):
 * historical (the worst h-period moves of the loaded history replayed), hypothetical shocks, and
 * reverse stress (which move would lose a given share of NAV). P&L is signed: a loss is negative.
 */

function held(positions: Positions): [string, number][] {
  const out: [string, number][] = [];
  for (const [s, v] of Object.entries(positions)) {
    if (!Number.isFinite(v)) throw new RangeError(`position ${s} is not a finite number: ${String(v)}`);
    if (v !== 0) out.push([s, v]);
  }
  return out;
}

/** One historical move: the simple return from the price at `from` to the price at `to` (epoch ms). */
export interface HistoricalMove {
  move: number;
  from: number;
  to: number;
}

export interface InstrumentStress {
  symbol: string;
  position: number;
  /** Largest fall and largest rise over `horizon` observations in the history. */
  worstFall: HistoricalMove;
  worstRise: HistoricalMove;
  /** The one that hurts this position: the fall for a long, the rise for a short. */
  applied: HistoricalMove;
  /** position × applied.move (≤ 0 unless the history never moved against the position). */
  pnl: number;
  /** `YYYY-MM-DD` (UTC) of `applied.to`, the day the move completed. */
  date: string;
}

export interface HistoricalStress {
  /** Observations per move: 1 = worst 1-day move on daily closes, 5 = worst 5-day. */
  horizon: number;
  instruments: InstrumentStress[];
  /** Σ of the per-instrument worst P&L; each may come from a different date (a conservative bound). */
  sumOfWorst: number;
  /**
   * The worst joint window: the h-period window of the instruments' common history whose moves,
   * replayed together on the positions, lose the most; null when there are fewer than h + 1 common
   * observations or no position.
   */
  joint: { from: number; to: number; date: string; pnl: number; moves: Record<string, number> } | null;
}

/** Largest fall and rise of `p[t]/p[t−h] − 1` over a price series; the earliest wins ties. */
export function extremeMoves(prices: Series, horizon: number): { worstFall: HistoricalMove; worstRise: HistoricalMove } {
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`horizon must be an integer ≥ 1, got ${horizon}`);
  if (prices.length < horizon + 1) throw new RangeError(`need at least ${horizon + 1} prices for a ${horizon}-period move, got ${prices.length}`);
  let fall: HistoricalMove | undefined;
  let rise: HistoricalMove | undefined;
  for (let t = horizon; t < prices.length; t++) {
    const a = prices[t - horizon]!;
    const b = prices[t]!;
    if (!(b.time > prices[t - 1]!.time)) throw new RangeError(`prices must be strictly increasing in time (index ${t})`);
    if (!(a.value > 0 && b.value > 0 && Number.isFinite(a.value) && Number.isFinite(b.value))) {
      throw new RangeError(`prices must be finite and > 0 (index ${t})`);
    }
    const move = b.value / a.value - 1;
    if (fall === undefined || move < fall.move) fall = { move, from: a.time, to: b.time };
    if (rise === undefined || move > rise.move) rise = { move, from: a.time, to: b.time };
  }
  return { worstFall: fall!, worstRise: rise! };
}

/**
 * Historical stress: for each horizon (default 1 and 5 observations: on daily closes, the worst 1-day
 * and 5-day moves) and each held instrument, the worst move in its loaded history is replayed on the
 * current position; plus the worst joint window of the common history. Every held instrument must
 * have a price series.
 */
export function historicalStress(positions: Positions, prices: Readonly<Record<string, Series>>, horizons: readonly number[] = [1, 5]): HistoricalStress[] {
  const pos = held(positions);
  for (const [s] of pos) if (prices[s] === undefined) throw new RangeError(`no price history for position ${s}`);
  const panel = alignSeries(Object.fromEntries(pos.map(([s]) => [s, prices[s]!])));
  return horizons.map((horizon) => {
    const instruments = pos.map(([symbol, position]): InstrumentStress => {
      const { worstFall, worstRise } = extremeMoves(prices[symbol]!, horizon);
      const applied = position > 0 ? worstFall : worstRise;
      return { symbol, position, worstFall, worstRise, applied, pnl: position * applied.move, date: isoDate(applied.to) };
    });
    let joint: HistoricalStress['joint'] = null;
    if (pos.length > 0 && panel.times.length > horizon) {
      for (let t = horizon; t < panel.times.length; t++) {
        const a = panel.values[t - horizon]!;
        const b = panel.values[t]!;
        let pnl = 0;
        const moves: Record<string, number> = {};
        pos.forEach(([s, v], j) => {
          const m = b[j]! / a[j]! - 1;
          moves[s] = m;
          pnl += v * m;
        });
        if (joint === null || pnl < joint.pnl) {
          const to = panel.times[t]!;
          joint = { from: panel.times[t - horizon]!, to, date: isoDate(to), pnl, moves };
        }
      }
    }
    return { horizon, instruments, sumOfWorst: instruments.reduce((s, i) => s + i.pnl, 0), joint };
  });
}

/**
 * A hypothetical shock: relative price moves per instrument (−0.3 = −30%), and/or `all` for every
 * held instrument not named in `shocks`. e.g. { name: 'crypto -30%', shocks: { 'BTC/USDT': -0.3,
 * 'ETH/USDT': -0.3 } } or { name: 'all -10%', all: -0.1 }. A move below −1 (−100%) is refused.
 */
export interface ShockScenario {
  name: string;
  shocks?: Readonly<Record<string, number>>;
  all?: number;
}

export interface ScenarioResult {
  name: string;
  /** Σ position × shock, signed (a loss is negative). */
  pnl: number;
  /** pnl / NAV when a NAV > 0 was given, else null. */
  pnlPctNav: number | null;
  instruments: { symbol: string; position: number; shock: number; pnl: number }[];
}

function checkShock(x: number, what: string): void {
  if (!Number.isFinite(x) || x < -1) throw new RangeError(`${what}: a shock must be a finite move ≥ −1, got ${x}`);
}

/** P&L of the held positions under one hypothetical shock. Held instruments the scenario does not touch move 0. */
export function applyScenario(positions: Positions, scenario: ShockScenario, nav?: number): ScenarioResult {
  if (scenario.all !== undefined) checkShock(scenario.all, `${scenario.name} (all)`);
  for (const [s, x] of Object.entries(scenario.shocks ?? {})) checkShock(x, `${scenario.name} (${s})`);
  const instruments = held(positions).map(([symbol, position]) => {
    const shock = scenario.shocks?.[symbol] ?? scenario.all ?? 0;
    return { symbol, position, shock, pnl: position * shock };
  });
  const pnl = instruments.reduce((s, i) => s + i.pnl, 0);
  return { name: scenario.name, pnl, pnlPctNav: nav !== undefined && nav > 0 ? pnl / nav : null, instruments };
}

/** `applyScenario` for each scenario, in order. */
export function runScenarios(positions: Positions, scenarios: readonly ShockScenario[], nav?: number): ScenarioResult[] {
  return scenarios.map((s) => applyScenario(positions, s, nav));
}

export interface ReverseMove {
  /** The relative price move that loses the target; null when no move can (zero exposure). */
  move: number | null;
  /** False when the move is a fall of more than 100% (a price cannot go below zero). */
  feasible: boolean;
}

export interface ReverseStress {
  lossFraction: number;
  /** The target loss, lossFraction × NAV, account currency (positive). */
  loss: number;
  /** The same move m applied to every position: m·Σv = −loss, so m = −loss / net exposure. */
  uniform: ReverseMove;
  /** Per held instrument, that instrument alone moving: m_i = −loss / v_i. */
  instruments: ({ symbol: string; position: number } & ReverseMove)[];
}

function reverseMove(loss: number, exposure: number): ReverseMove {
  if (exposure === 0) return { move: null, feasible: false };
  const move = -loss / exposure;
  return { move, feasible: move >= -1 };
}

/**
 * Reverse stress: which move loses `lossFraction` of NAV (0.1 = 10%). Uniformly across all positions
 * the move is −lossFraction·NAV / net exposure (a fall for a net long book, a rise for a net short one,
 * none for a flat one); for one instrument alone, −lossFraction·NAV / its position. A fall beyond
 * −100% is reported with `feasible: false`: no price path loses that much through that route.
 */
export function reverseStress(positions: Positions, nav: number, lossFraction: number): ReverseStress {
  if (!(nav > 0 && Number.isFinite(nav))) throw new RangeError(`reverse stress needs NAV > 0, got ${nav}`);
  if (!(lossFraction > 0 && Number.isFinite(lossFraction))) throw new RangeError(`lossFraction must be > 0, got ${lossFraction}`);
  const pos = held(positions);
  const loss = lossFraction * nav;
  const net = pos.reduce((s, [, v]) => s + v, 0);
  return {
    lossFraction,
    loss,
    uniform: reverseMove(loss, net),
    instruments: pos.map(([symbol, position]) => ({ symbol, position, ...reverseMove(loss, position) })),
  };
}
