import type { Side, Urgency } from '../contract/dto.ts';
import { fromUnits, roundDownToStep, toDecimalString, toUnits } from '../core/precision.ts';
import { badInput } from './errors.ts';

/**
 * The rebalancer (seed 002): holdings + target weights + prices → ordered order intents. Pure:
 * the caller supplies the clock, the book and the prices, and turns intents into proposals.
 * Long-only (it never sells more than is held). Quantities are exact decimal strings, whole lots.
 */

export type Cadence = 'daily' | 'weekly' | 'monthly' | 'on-drift';
export const CADENCES: readonly Cadence[] = ['daily', 'weekly', 'monthly', 'on-drift'];

export interface Holding {
  symbol: string;
  /** Quantity held, as a decimal string (never negative here). */
  qty: string;
}

export interface TargetWeight {
  symbol: string;
  /** Fraction of NAV, ≥ 0. */
  weight: number;
  /** From the signal; default 'medium'. */
  urgency?: Urgency;
}

export interface RebalanceOptions {
  /** Orders worth less than this (quote currency) are not sent. */
  minTradeValue?: number;
  /** |target − current| weight below which an instrument is left alone. */
  driftThreshold?: number;
  /** Fraction of NAV kept in cash; targets are scaled down to leave it. */
  cashBuffer?: number;
  /** Instrument → group, and group → max total weight; excess goes to cash. */
  groups?: { of: Readonly<Record<string, string>>; caps: Readonly<Record<string, number>> };
  /** Max two-sided turnover Σ|trade| / NAV per rebalance; trades are scaled down to fit. */
  turnoverCap?: number;
  /**
   * Largest trade in one instrument per rebalance, as a fraction of NAV: a bigger move is worked in
   * tranches — this one is cut to the cap (whole lots, towards zero) and later rebalances finish it.
   */
  maxTradeWeight?: number;
  /** Lot size per symbol as a decimal string (default "1"). */
  lotSizes?: Readonly<Record<string, string>>;
  /** Quantity decimals (default 8; must cover every lot size). */
  qtyDecimals?: number;
  cadence?: Cadence;
  /** When the last rebalance ran and now (engine clock, ms). */
  lastRebalanceAt?: number | null;
  now?: number;
}

export interface RebalanceInput {
  proposalId: string;
  holdings: readonly Holding[];
  /** Free cash, decimal string, quote currency: what buys may spend. */
  cash: string;
  /**
   * Cash held against working orders (decimal string, default 0): still the book's, so it counts in
   * NAV (every weight and trade is sized on equity), but buys cannot spend it.
   */
  reservedCash?: string;
  prices: Readonly<Record<string, number | undefined>>;
  targets: readonly TargetWeight[];
  options?: RebalanceOptions;
}

export interface OrderIntent {
  symbol: string;
  side: Side;
  qty: string;
  urgency: Urgency;
  source: 'signal';
  proposalId: string;
  /** Why: current → target weight. */
  currentWeight: number;
  targetWeight: number;
  estimatedValue: number;
}

export interface RebalancePlan {
  due: boolean;
  /** Why the plan is (not) due, and every adjustment made. */
  notes: string[];
  warnings: string[];
  nav: number;
  /** Sells first, then buys. */
  intents: OrderIntent[];
  /** Two-sided turnover of the intents, Σ|value| / NAV. */
  turnover: number;
  /** Targets after the cash buffer and group caps. */
  effectiveTargets: Record<string, number>;
}

const DAY = 86_400_000;

/** Whether a rebalance is due under the cadence (UTC calendar for daily/weekly/monthly). */
export function rebalanceDue(cadence: Cadence, lastAt: number | null | undefined, now: number, maxDrift: number, driftThreshold: number): boolean {
  if (cadence === 'on-drift') return maxDrift >= driftThreshold;
  if (lastAt === null || lastAt === undefined) return true;
  const a = new Date(lastAt);
  const b = new Date(now);
  if (cadence === 'daily') return Math.floor(lastAt / DAY) !== Math.floor(now / DAY);
  if (cadence === 'monthly') return a.getUTCFullYear() !== b.getUTCFullYear() || a.getUTCMonth() !== b.getUTCMonth();
  // Weekly: ISO weeks start on Monday; 1970-01-01 was a Thursday, so shift by 3 days.
  const week = (t: number) => Math.floor((Math.floor(t / DAY) + 3) / 7);
  return week(lastAt) !== week(now);
}

interface Line {
  symbol: string;
  heldUnits: bigint;
  price: number;
  current: number;
  target: number;
  urgency: Urgency;
  lotUnits: bigint;
  /** Signed trade in units (negative = sell). */
  tradeUnits: bigint;
}

export function rebalance(input: RebalanceInput): RebalancePlan {
  const o = input.options ?? {};
  const dec = o.qtyDecimals ?? 8;
  const minTrade = o.minTradeValue ?? 0;
  const threshold = o.driftThreshold ?? 0;
  const buffer = o.cashBuffer ?? 0;
  if (!(buffer >= 0 && buffer < 1)) throw badInput(`cash buffer must be in [0, 1), got ${buffer}`);
  if (!(threshold >= 0)) throw badInput(`drift threshold must be ≥ 0, got ${threshold}`);
  if (!(minTrade >= 0)) throw badInput(`minimum trade must be ≥ 0, got ${minTrade}`);
  const notes: string[] = [];
  const warnings: string[] = [];
  const cashUnits = parseQty(input.cash, dec, 'cash');
  const cash = fromUnits(cashUnits, dec);
  const reservedUnits = parseQty(input.reservedCash ?? '0', dec, 'reserved cash');
  if (reservedUnits < 0n) throw badInput(`reserved cash must be ≥ 0, got ${input.reservedCash}`);
  const held = new Map<string, bigint>();
  for (const h of input.holdings) {
    const u = parseQty(h.qty, dec, `holding of ${h.symbol}`);
    if (u < 0n) throw badInput(`${h.symbol}: the rebalancer is long-only and cannot work from a short holding (${h.qty})`);
    held.set(h.symbol, (held.get(h.symbol) ?? 0n) + u);
  }
  const targets = new Map<string, TargetWeight>();
  for (const t of input.targets) {
    if (!Number.isFinite(t.weight) || t.weight < 0) throw badInput(`${t.symbol}: target weight ${t.weight} must be a number ≥ 0 (the rebalancer does not open shorts)`);
    if (targets.has(t.symbol)) throw badInput(`${t.symbol} has two targets`);
    targets.set(t.symbol, t);
  }
  const priced = (s: string) => {
    const p = input.prices[s];
    return p !== undefined && Number.isFinite(p) && p > 0 ? p : null;
  };
  const symbols = [...new Set([...held.keys(), ...targets.keys()])].sort();
  let nav = cash + fromUnits(reservedUnits, dec);
  for (const s of symbols) {
    const p = priced(s);
    if (p === null) {
      warnings.push(`${s} has no price: skipped${held.get(s) ? ', and its holding is left out of NAV' : ''}`);
      continue;
    }
    nav += fromUnits(held.get(s) ?? 0n, dec) * p;
  }
  if (!(nav > 0)) throw badInput(`net asset value is ${nav}: nothing to rebalance`);
  // Effective targets: the cash buffer first, then group caps (excess stays in cash).
  const eff = new Map<string, number>();
  for (const [s, t] of targets) if (priced(s) !== null) eff.set(s, t.weight);
  const total = [...eff.values()].reduce((a, x) => a + x, 0);
  if (total > 1 - buffer + 1e-12) {
    const k = (1 - buffer) / total;
    for (const [s, w] of eff) eff.set(s, w * k);
    notes.push(`targets sum to ${total.toFixed(4)}; scaled by ${k.toFixed(4)} to keep the ${buffer} cash buffer`);
  }
  if (o.groups) {
    for (const [g, cap] of Object.entries(o.groups.caps)) {
      const members = [...eff.keys()].filter((s) => o.groups!.of[s] === g);
      const sum = members.reduce((a, s) => a + eff.get(s)!, 0);
      if (sum > cap + 1e-12) {
        for (const s of members) eff.set(s, (eff.get(s)! * cap) / sum);
        notes.push(`group ${g} targets ${sum.toFixed(4)} exceed its cap ${cap}: scaled down, the rest stays in cash`);
      }
    }
  }
  const lines: Line[] = [];
  let maxDrift = 0;
  for (const s of symbols) {
    const p = priced(s);
    if (p === null) continue;
    const hu = held.get(s) ?? 0n;
    const current = (fromUnits(hu, dec) * p) / nav;
    const target = eff.get(s) ?? 0;
    maxDrift = Math.max(maxDrift, Math.abs(target - current));
    const lot = parseQty(o.lotSizes?.[s] ?? '1', dec, `lot size of ${s}`);
    if (lot <= 0n) throw badInput(`${s}: lot size must be positive`);
    lines.push({ symbol: s, heldUnits: hu, price: p, current, target, urgency: targets.get(s)?.urgency ?? 'medium', lotUnits: lot, tradeUnits: 0n });
  }
  const effectiveTargets = Object.fromEntries(lines.map((l) => [l.symbol, l.target]));
  const cadence = o.cadence ?? 'on-drift';
  const due = rebalanceDue(cadence, o.lastRebalanceAt, o.now ?? 0, maxDrift, threshold);
  if (!due) {
    notes.push(cadence === 'on-drift' ? `largest drift ${maxDrift.toFixed(4)} is below the threshold ${threshold}` : `not due: the ${cadence} rebalance already ran this period`);
    return { due, notes, warnings, nav, intents: [], turnover: 0, effectiveTargets };
  }
  const valueOf = (l: Line, units: bigint) => Math.abs(fromUnits(units, dec)) * l.price;
  const toLots = (l: Line, value: number): bigint => {
    // Round towards zero to whole lots; a sell never exceeds the holding.
    const units = roundDownToStep(qtyUnitsFor(Math.abs(value) / l.price, dec), l.lotUnits);
    if (value >= 0) return units;
    return -(units > l.heldUnits ? l.heldUnits : units);
  };
  for (const l of lines) {
    const drift = l.target - l.current;
    if (Math.abs(drift) < threshold || drift === 0) continue;
    // Selling a whole position to a zero target sells everything held, odd lot included.
    l.tradeUnits = l.target === 0 ? -l.heldUnits : toLots(l, drift * nav);
  }
  // Turnover cap: scale every trade by the same factor.
  let turnover = lines.reduce((a, l) => a + valueOf(l, l.tradeUnits), 0) / nav;
  if (o.turnoverCap !== undefined && turnover > o.turnoverCap) {
    const k = o.turnoverCap / turnover;
    for (const l of lines) if (l.tradeUnits !== 0n) l.tradeUnits = toLots(l, (l.tradeUnits < 0n ? -1 : 1) * valueOf(l, l.tradeUnits) * k);
    notes.push(`turnover ${turnover.toFixed(4)} above the cap ${o.turnoverCap}: trades scaled by ${k.toFixed(4)}`);
  }
  // Tranches: no single trade above the per-trade cap.
  if (o.maxTradeWeight !== undefined) {
    if (!(o.maxTradeWeight > 0)) throw badInput(`maximum trade weight must be > 0, got ${o.maxTradeWeight}`);
    const cap = o.maxTradeWeight * nav;
    for (const l of lines) {
      const v = valueOf(l, l.tradeUnits);
      if (l.tradeUnits === 0n || v <= cap) continue;
      l.tradeUnits = toLots(l, (l.tradeUnits < 0n ? -1 : 1) * cap);
      notes.push(`${l.symbol}: trade of ${v.toFixed(2)} above the per-trade cap ${o.maxTradeWeight} of NAV (${cap.toFixed(2)}): this tranche is cut to ${valueOf(l, l.tradeUnits).toFixed(2)}, the rest follows in later rebalances`);
    }
  }
  // Minimum trade size.
  for (const l of lines) {
    if (l.tradeUnits !== 0n && valueOf(l, l.tradeUnits) < minTrade) {
      notes.push(`${l.symbol}: trade of ${valueOf(l, l.tradeUnits).toFixed(2)} below the minimum ${minTrade}: skipped`);
      l.tradeUnits = 0n;
    }
  }
  // Cash: sells first raise it; buys get what is left above the buffer, scaled down if short.
  const proceeds = lines.reduce((a, l) => a + (l.tradeUnits < 0n ? valueOf(l, l.tradeUnits) : 0), 0);
  const available = cash + proceeds - buffer * nav;
  const buyCost = lines.reduce((a, l) => a + (l.tradeUnits > 0n ? valueOf(l, l.tradeUnits) : 0), 0);
  if (buyCost > available + 1e-9) {
    const k = Math.max(available, 0) / buyCost;
    for (const l of lines) if (l.tradeUnits > 0n) l.tradeUnits = toLots(l, valueOf(l, l.tradeUnits) * k);
    warnings.push(`cash short: buys of ${buyCost.toFixed(2)} need more than the ${Math.max(available, 0).toFixed(2)} available above the buffer; scaled by ${k.toFixed(4)}`);
    for (const l of lines) if (l.tradeUnits > 0n && valueOf(l, l.tradeUnits) < minTrade) l.tradeUnits = 0n;
  }
  const intent = (l: Line): OrderIntent => ({
    symbol: l.symbol,
    side: l.tradeUnits < 0n ? 'sell' : 'buy',
    qty: toDecimalString(l.tradeUnits < 0n ? -l.tradeUnits : l.tradeUnits, dec),
    urgency: l.urgency,
    source: 'signal',
    proposalId: input.proposalId,
    currentWeight: l.current,
    targetWeight: l.target,
    estimatedValue: valueOf(l, l.tradeUnits),
  });
  const sells = lines.filter((l) => l.tradeUnits < 0n).sort((a, b) => valueOf(b, b.tradeUnits) - valueOf(a, a.tradeUnits));
  const buys = lines.filter((l) => l.tradeUnits > 0n).sort((a, b) => valueOf(b, b.tradeUnits) - valueOf(a, a.tradeUnits));
  const intents = [...sells.map(intent), ...buys.map(intent)];
  turnover = intents.reduce((a, i) => a + i.estimatedValue, 0) / nav;
  return { due, notes, warnings, nav, intents, turnover, effectiveTargets };
}

function parseQty(v: string, dec: number, what: string): bigint {
  try {
    return toUnits(v, dec);
  } catch (e) {
    throw badInput(`${what}: ${(e as Error).message}`);
  }
}

/** A float quantity to units, rounded down (never buys or sells more than the value allows). */
function qtyUnitsFor(q: number, dec: number): bigint {
  // The 1e-6-unit nudge keeps 2499.9999999997 (float noise on an exact 2500) from losing a unit.
  const scaled = Math.floor(q * 10 ** dec + 1e-6);
  return BigInt(Math.max(scaled, 0));
}
