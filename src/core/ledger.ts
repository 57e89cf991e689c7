import { CASH_DECIMALS, notionalUnits } from './instrument.ts';
import type { Instrument } from './instrument.ts';
import { absBig, divRound } from './precision.ts';
import type { Side } from './enums.ts';

/**
 * Cash, positions and fees derived from fills only. Every amount is an exact bigint:
 * quantities in the instrument's qty units, money in cash units (10^-CASH_DECIMALS).
 */
export interface PositionState {
  symbol: string;
  qtyUnits: bigint;
  /** Cost of the open quantity (signed like qty), cash units. */
  costUnits: bigint;
  realizedUnits: bigint;
  feeUnits: bigint;
}

export interface LedgerFill {
  symbol: string;
  side: Side;
  priceUnits: bigint;
  qtyUnits: bigint;
  feeUnits: bigint;
}

export class Ledger {
  readonly initialCashUnits: bigint;
  cashUnits: bigint;
  feeUnits = 0n;
  realizedUnits = 0n;
  private readonly positions = new Map<string, PositionState>();
  private readonly instrumentOf: (symbol: string) => Instrument | undefined;

  constructor(initialCashUnits: bigint, instrumentOf: (symbol: string) => Instrument | undefined) {
    this.instrumentOf = instrumentOf;
    this.initialCashUnits = initialCashUnits;
    this.cashUnits = initialCashUnits;
  }

  /** Signed quantity held; does not create an entry for an instrument never traded. */
  qtyUnits(symbol: string): bigint {
    return this.positions.get(symbol)?.qtyUnits ?? 0n;
  }

  position(symbol: string): PositionState {
    let p = this.positions.get(symbol);
    if (!p) {
      p = { symbol, qtyUnits: 0n, costUnits: 0n, realizedUnits: 0n, feeUnits: 0n };
      this.positions.set(symbol, p);
    }
    return p;
  }

  allPositions(): PositionState[] {
    return [...this.positions.values()];
  }

  /**
   * Average-cost accounting. Opening or adding moves the fill's notional into cost; reducing
   * releases cost pro rata and books the difference as realized P&L; a flip does both.
   * Fees are charged to cash and to realized P&L at the fill.
   */
  apply(fill: LedgerFill): PositionState {
    const inst = this.instrumentOf(fill.symbol);
    if (!inst) throw new Error(`ledger: unknown instrument ${fill.symbol}`);
    const notional = notionalUnits(inst, fill.priceUnits, fill.qtyUnits);
    const signedQty = fill.side === 'buy' ? fill.qtyUnits : -fill.qtyUnits;
    const signedNotional = fill.side === 'buy' ? notional : -notional;
    const p = this.position(fill.symbol);

    this.cashUnits -= signedNotional + fill.feeUnits;
    this.feeUnits += fill.feeUnits;
    p.feeUnits += fill.feeUnits;
    p.realizedUnits -= fill.feeUnits;
    this.realizedUnits -= fill.feeUnits;

    const sameDirection = p.qtyUnits === 0n || (p.qtyUnits > 0n) === (signedQty > 0n);
    if (sameDirection) {
      p.qtyUnits += signedQty;
      p.costUnits += signedNotional;
      return p;
    }
    const closing = absBig(signedQty) <= absBig(p.qtyUnits) ? absBig(signedQty) : absBig(p.qtyUnits);
    // Cost released for the closed part; rounding stays inside cost so cost + realized stays exact.
    const releasedCost = divRound(p.costUnits * closing, absBig(p.qtyUnits));
    const closedNotional = divRound(signedNotional * closing, absBig(signedQty));
    // Closing a long: proceeds (-closedNotional) minus released cost. Closing a short: symmetric.
    const pnl = -closedNotional - releasedCost;
    p.realizedUnits += pnl;
    this.realizedUnits += pnl;
    p.costUnits -= releasedCost;
    p.qtyUnits += signedQty;
    if (absBig(signedQty) > closing) {
      // Flip: the rest opens a position on the other side at the fill price.
      p.costUnits = signedNotional - closedNotional;
    }
    if (p.qtyUnits === 0n) p.costUnits = 0n;
    return p;
  }

  /**
   * A position or cash that did not come from a fill (an exchange's holdings when Strata met it, a
   * deposit or withdrawal taken over by reconciliation): quantity and cost basis move (at the given
   * price, or at no cost), cash does not. Reducing releases cost pro rata and books no P&L: a
   * transfer out is not a trade. `symbol` null moves cash only (units of 10^-CASH_DECIMALS).
   */
  adjust(a: { symbol: string | null; qtyUnits: bigint; priceUnits: bigint | null }): PositionState | undefined {
    if (a.symbol === null) {
      this.cashUnits += a.qtyUnits;
      return undefined;
    }
    const inst = this.instrumentOf(a.symbol);
    if (!inst) throw new Error(`ledger: unknown instrument ${a.symbol}`);
    const p = this.position(a.symbol);
    const signedCost = a.priceUnits === null ? 0n : notionalUnits(inst, a.priceUnits, a.qtyUnits);
    if (a.qtyUnits === 0n) return p;
    if (p.qtyUnits === 0n || (p.qtyUnits > 0n) === (a.qtyUnits > 0n)) {
      p.qtyUnits += a.qtyUnits;
      p.costUnits += signedCost;
      return p;
    }
    const closing = absBig(a.qtyUnits) <= absBig(p.qtyUnits) ? absBig(a.qtyUnits) : absBig(p.qtyUnits);
    p.costUnits -= divRound(p.costUnits * closing, absBig(p.qtyUnits));
    p.qtyUnits += a.qtyUnits;
    if (absBig(a.qtyUnits) > closing) p.costUnits = divRound(signedCost * (absBig(a.qtyUnits) - closing), absBig(a.qtyUnits));
    if (p.qtyUnits === 0n) p.costUnits = 0n;
    return p;
  }

  /** Market value of a position at a mark price, cash units. */
  marketValue(p: PositionState, markUnits: bigint | undefined): bigint {
    if (markUnits === undefined || p.qtyUnits === 0n) return markUnits === undefined ? p.costUnits : 0n;
    const inst = this.instrumentOf(p.symbol);
    if (!inst) return 0n;
    return notionalUnits(inst, markUnits, p.qtyUnits);
  }

  equity(markOf: (symbol: string) => bigint | undefined): bigint {
    let e = this.cashUnits;
    for (const p of this.positions.values()) e += this.marketValue(p, markOf(p.symbol));
    return e;
  }
}

export { CASH_DECIMALS };
