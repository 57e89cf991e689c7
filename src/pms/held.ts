/** The book as the PMS sees it: one portfolio snapshot, and its held instruments in account currency. */

/** What a cycle needs of a position; `PositionDto` fits. `marketValue` is signed (short < 0). */
export interface PmsPosition {
  symbol: string;
  qty: number;
  marketValue: number;
  realizedPnl: number;
  unrealizedPnl: number;
}

/** One portfolio snapshot in account currency; `AccountDto` + `PositionDto[]` fit. */
export interface PmsPortfolio {
  cash: number;
  positions: readonly PmsPosition[];
  realizedPnl: number;
  unrealizedPnl: number;
}

/** The held book: a snapshot with bad numbers counted as 0 and flat instruments dropped. */
export interface Held {
  /** Signed market value per held instrument (non-zero), account currency. */
  values: Record<string, number>;
  qty: Record<string, number>;
  cash: number;
  /** Symbols held, sorted (the cache key order). */
  symbols: string[];
}

export function finiteOr0(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** Cash plus every held value. */
export function navOf(h: Held): number {
  return h.cash + Object.values(h.values).reduce((s, v) => s + v, 0);
}

/** The held book of a snapshot; what had to be counted as 0 is added to `problems`. */
export function heldOf(p: PmsPortfolio, problems: string[]): Held {
  const values: Record<string, number> = {};
  const qty: Record<string, number> = {};
  for (const pos of p.positions ?? []) {
    if (typeof pos?.symbol !== 'string') continue;
    if (!Number.isFinite(pos.marketValue)) problems.push(`market value of ${pos.symbol} is not a finite number: counted as 0`);
    const v = (values[pos.symbol] ?? 0) + finiteOr0(pos.marketValue);
    if (v !== 0) values[pos.symbol] = v;
    else delete values[pos.symbol];
    qty[pos.symbol] = (qty[pos.symbol] ?? 0) + finiteOr0(pos.qty);
  }
  if (!Number.isFinite(p.cash)) problems.push('cash is not a finite number: counted as 0');
  return { values, qty, cash: finiteOr0(p.cash), symbols: Object.keys(values).sort() };
}
