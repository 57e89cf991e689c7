import type { OrderSource, OrderType, Side, TimeInForce } from '../core/enums.ts';
import type { Order } from '../core/order.ts';
import { PrecisionError, toUnits } from '../core/precision.ts';

/** Building a new order record: the empty shape, and quantity and price parsed at the instrument's precision. */

/** SQLite INTEGER is 64-bit; anything larger cannot be journaled and is certainly not a real order. */
const MAX_UNITS = 2n ** 63n - 1n;

export function blankOrder(symbol: string, side: Side, type: OrderType, tif: TimeInForce, source: OrderSource, now: number): Order {
  return {
    id: '',
    seq: 0,
    venueOrderId: null,
    symbol,
    side,
    type,
    tif,
    qtyUnits: 0n,
    priceUnits: null,
    requestedQty: '',
    requestedPrice: null,
    filledUnits: 0n,
    filledNotionalUnits: 0n,
    feeUnits: 0n,
    status: 'NEW',
    reason: null,
    cancelRequested: false,
    source,
    createdAt: now,
    updatedAt: now,
    parentId: null,
    urgency: 'immediate',
    algo: null,
    algoParams: null,
    algoState: null,
    paused: false,
    decisionPriceUnits: null,
    decisionTs: null,
    arrivalPriceUnits: null,
    arrivalTs: null,
    trigger: null,
    ocoGroup: null,
    replacesId: null,
    rootId: null,
  };
}

/** Quantity and price at the instrument's precision; a failure is the denial's code and message. */
export function parsePrecision(order: Order, req: { qty: number | string; price?: number | string | undefined }, qtyDecimals: number, priceDecimals: number): { code: string; message: string } | undefined {
  try {
    order.qtyUnits = toUnits(req.qty, qtyDecimals);
  } catch (err) {
    if (err instanceof PrecisionError) return { code: 'QTY_NOT_ON_LOT', message: `quantity ${String(req.qty)}: ${err.message}` };
    throw err;
  }
  if (order.qtyUnits > MAX_UNITS) {
    order.qtyUnits = 0n;
    return { code: 'VALUE_OUT_OF_RANGE', message: `quantity ${String(req.qty)} is out of range` };
  }
  if (req.price !== undefined) {
    try {
      order.priceUnits = toUnits(req.price, priceDecimals);
      if (order.priceUnits > MAX_UNITS) {
        order.priceUnits = null;
        return { code: 'VALUE_OUT_OF_RANGE', message: `price ${String(req.price)} is out of range` };
      }
    } catch (err) {
      if (err instanceof PrecisionError) return { code: 'PRICE_NOT_ON_TICK', message: `price ${String(req.price)}: ${err.message}` };
      throw err;
    }
  }
  return undefined;
}

