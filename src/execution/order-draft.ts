import type { OrderSource, OrderType, Side, TimeInForce } from '../core/enums.ts';
import type { Order } from '../core/order.ts';

/** The empty shape of a new order record (quantity and price are parsed once, by src/execution/amounts.ts). */

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
    approvedBy: null,
    proposalId: null,
    riskConfirmed: false,
    trigger: null,
    ocoGroup: null,
    replacesId: null,
    rootId: null,
  };
}
