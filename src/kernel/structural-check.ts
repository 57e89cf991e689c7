import type { Instrument } from '../core/instrument.ts';
import type { Ledger } from '../core/ledger.ts';
import type { Oms } from '../execution/oms.ts';
import type { MarketBook } from '../core/ports.ts';
import { checkOrder } from '../risk/pre-trade-gate.ts';
import type { GateDecision, GateOrder, GateStateView, RiskLimits } from '../risk/pre-trade-gate.ts';

/** Structural checks only (lot, tick, min notional, cash, no shorting): sizes and exposure are L1's limits. */
const NO_LIMIT = 10n ** 40n;
const STRUCTURAL: RiskLimits = { maxOrderNotionalUnits: NO_LIMIT, maxPositionNotionalUnits: NO_LIMIT };

export interface StructuralDeps {
  ledger: Ledger;
  book(symbol: string): MarketBook | undefined;
  mark(symbol: string): bigint | undefined;
  /** What is already working and the cash it holds back: the OMS's running figures, read per check. */
  orders: Pick<Oms, 'workingUnits' | 'reservedCashUnits'>;
}

/** Lot, tick, minimum notional, cash and no-short checks for one order (a child may use its parent's share). */
export function structuralChecker(d: StructuralDeps): (order: GateOrder, i: Instrument, parentId: string | null) => GateDecision {
  // One state view for every check, reading the parent of the order being checked (set just before
  // the synchronous check), rather than five closures built per order.
  let parentId: string | null = null;
  const state: GateStateView = {
    positionUnits: (s) => d.ledger.qtyUnits(s),
    workingUnits: (s, side) => d.orders.workingUnits(s, side, parentId),
    availableCashUnits: () => d.ledger.cashUnits - d.orders.reservedCashUnits(parentId),
    oppositeLevels: (s, side) => {
      const b = d.book(s);
      return b ? (side === 'buy' ? b.asks : b.bids) : [];
    },
    referencePriceUnits: (s) => d.mark(s),
  };
  return (order, i, pid) => {
    parentId = pid;
    return checkOrder(order, i, STRUCTURAL, state, i.takerFeeBps);
  };
}
