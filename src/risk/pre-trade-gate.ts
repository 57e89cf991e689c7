import type { DenialCode, OrderType, Side } from '../contract/dto.ts';
import { CASH_DECIMALS, notionalUnits } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import { divRound, isMultipleOf, toDecimalString } from '../core/precision.ts';
import type { BookLevel } from '../core/ports.ts';

/**
 * L1 pre-trade gate. Answers "is this order safe?" from hard limits and the projected state;
 * it holds no view on whether the trade is good. A refusal is returned as data, never thrown.
 */

export interface RiskLimits {
  /** Largest notional a single order may carry, cash units. */
  maxOrderNotionalUnits: bigint;
  /** Largest projected position (position + working orders on the same side), cash units. */
  maxPositionNotionalUnits: bigint;
}

export interface GateOrder {
  symbol: string;
  side: Side;
  type: OrderType;
  qtyUnits: bigint;
  priceUnits: bigint | null;
}

/** What the gate needs to know about the account, all in exact units. */
export interface GateStateView {
  positionUnits(symbol: string): bigint;
  /** Remaining quantity of working orders on one side of an instrument. */
  workingUnits(symbol: string, side: Side): bigint;
  /** Cash not already reserved for working buy orders. */
  availableCashUnits(): bigint;
  /** The side of the book a market order would take: asks for a buy, bids for a sell. */
  oppositeLevels(symbol: string, side: Side): readonly BookLevel[];
  referencePriceUnits(symbol: string): bigint | undefined;
}

export type GateDecision =
  | { ok: true; estimatedPriceUnits: bigint; estimatedNotionalUnits: bigint }
  | { ok: false; code: DenialCode; message: string };

/** Market orders may walk past the visible book; reserve this much extra (basis points). */
const MARKET_SLIPPAGE_BUFFER_BPS = 100n;

function deny(code: DenialCode, message: string): GateDecision {
  return { ok: false, code, message };
}

function money(units: bigint, decimals = 2): string {
  return toDecimalString(divRound(units, 10n ** BigInt(CASH_DECIMALS - decimals)), decimals);
}

/** The fewest decimals (2 to the cash scale) at which two amounts read differently: "needs 9.82 but only 9.82" said nothing. */
function distinctDecimals(a: bigint, b: bigint): number {
  let d = 2;
  while (d < CASH_DECIMALS && money(a, d) === money(b, d)) d++;
  return d;
}

/** Average price of walking `levels` for qty; undefined if the book is empty. */
export function estimateFillPrice(levels: readonly BookLevel[], qtyUnits: bigint, side: Side): bigint | undefined {
  if (levels.length === 0) return undefined;
  let left = qtyUnits;
  let cost = 0n;
  let last = levels[0]!.priceUnits;
  for (const l of levels) {
    if (left <= 0n) break;
    const take = l.qtyUnits < left ? l.qtyUnits : left;
    cost += take * l.priceUnits;
    left -= take;
    last = l.priceUnits;
  }
  if (left > 0n) {
    // Beyond the visible book: assume the rest fills at the last level plus the buffer.
    const worse = side === 'buy' ? last + divRound(last * MARKET_SLIPPAGE_BUFFER_BPS, 10_000n) : last - divRound(last * MARKET_SLIPPAGE_BUFFER_BPS, 10_000n);
    cost += left * worse;
  }
  return divRound(cost, qtyUnits);
}

export function checkOrder(order: GateOrder, inst: Instrument, limits: RiskLimits, state: GateStateView, takerFeeBps: number): GateDecision {
  if (!inst.tradable) return deny('INSTRUMENT_NOT_TRADABLE', `${inst.symbol} is not tradable now`);
  if (order.qtyUnits <= 0n || !isMultipleOf(order.qtyUnits, inst.lotUnits)) {
    return deny('QTY_NOT_ON_LOT', `quantity must be a positive multiple of the lot size ${inst.lotSize}`);
  }
  if (order.type === 'limit') {
    if (order.priceUnits === null) return deny('PRICE_REQUIRED', 'a limit order needs a price');
    if (order.priceUnits <= 0n || !isMultipleOf(order.priceUnits, inst.tickUnits)) {
      return deny('PRICE_NOT_ON_TICK', `price must be a positive multiple of the tick size ${inst.tickSize}`);
    }
  } else if (order.priceUnits !== null) {
    return deny('PRICE_NOT_ALLOWED', 'a market order takes no price');
  }

  let priceUnits: bigint;
  if (order.type === 'limit' && order.priceUnits !== null) {
    priceUnits = order.priceUnits;
  } else {
    const est = estimateFillPrice(state.oppositeLevels(order.symbol, order.side), order.qtyUnits, order.side);
    if (est === undefined) return deny('NO_MARKET', `no ${order.side === 'buy' ? 'offers' : 'bids'} in ${inst.symbol} to price a market order`);
    priceUnits = est;
  }
  const notional = notionalUnits(inst, priceUnits, order.qtyUnits);

  if (notional < inst.minNotionalUnits) {
    return deny('BELOW_MIN_NOTIONAL', `order notional ${money(notional)} is below the minimum ${inst.minNotional}`);
  }
  if (notional > limits.maxOrderNotionalUnits) {
    return deny('MAX_ORDER_NOTIONAL', `order notional ${money(notional)} exceeds the limit ${money(limits.maxOrderNotionalUnits)}`);
  }

  const signed = order.side === 'buy' ? order.qtyUnits : -order.qtyUnits;
  const working = state.workingUnits(order.symbol, order.side);
  const projected = state.positionUnits(order.symbol) + signed + (order.side === 'buy' ? working : -working);
  const ref = state.referencePriceUnits(order.symbol) ?? priceUnits;
  const projectedAbs = projected < 0n ? -projected : projected;
  const projectedNotional = notionalUnits(inst, ref, projectedAbs);
  const increases = projectedAbs > (state.positionUnits(order.symbol) < 0n ? -state.positionUnits(order.symbol) : state.positionUnits(order.symbol));
  if (increases && projectedNotional > limits.maxPositionNotionalUnits) {
    return deny('MAX_POSITION', `projected position ${money(projectedNotional)} exceeds the limit ${money(limits.maxPositionNotionalUnits)}`);
  }

  if (order.side === 'buy') {
    const fee = divRound(notional * BigInt(Math.round(takerFeeBps * 100)), 1_000_000n);
    const need = notional + fee;
    const available = state.availableCashUnits();
    if (need > available) {
      const d = distinctDecimals(need, available);
      return deny('INSUFFICIENT_CASH', `order needs ${money(need, d)} but only ${money(available, d)} is available`);
    }
  } else {
    // Cash account: no short selling; working sells already claim part of the position.
    const sellable = state.positionUnits(order.symbol) - working;
    if (order.qtyUnits > sellable) {
      return deny('INSUFFICIENT_POSITION', `sell of ${toDecimalString(order.qtyUnits, inst.qtyDecimals)} exceeds the sellable position ${toDecimalString(sellable < 0n ? 0n : sellable, inst.qtyDecimals)}`);
    }
  }
  return { ok: true, estimatedPriceUnits: priceUnits, estimatedNotionalUnits: notional };
}
