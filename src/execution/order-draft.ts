import type { OrderSource, OrderType, Side, TimeInForce } from '../core/enums.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import { toDecimalString } from '../core/precision.ts';

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

/** An order the venue has open that Strata did not place, as reconciliation found it. */
export interface ExternalOrderSpec {
  clientOrderId: string;
  venueOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  qtyUnits: bigint;
  priceUnits: bigint | null;
  createdAt: number;
}

/** The journal record of an adopted external order: working (PENDING) under the venue's client id, marked EXTERNAL. */
export function externalOrder(o: ExternalOrderSpec, inst: Instrument, seq: number, now: number): Order {
  return {
    ...blankOrder(o.symbol, o.side, o.type, o.tif, 'api', o.createdAt > 0 ? o.createdAt : now),
    id: o.clientOrderId,
    seq,
    venueOrderId: o.venueOrderId,
    qtyUnits: o.qtyUnits,
    priceUnits: o.priceUnits,
    requestedQty: toDecimalString(o.qtyUnits, inst.qtyDecimals),
    requestedPrice: o.priceUnits === null ? null : toDecimalString(o.priceUnits, inst.priceDecimals),
    status: 'PENDING',
    reason: { code: 'EXTERNAL', message: 'placed outside Strata; adopted by reconciliation' },
    updatedAt: now,
  };
}
