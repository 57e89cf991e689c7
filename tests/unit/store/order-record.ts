import type { FillRecord, OrderRecord } from '../../../src/core/ports.ts';

/** A journaled order with every field set, for store tests. */
export function orderRecord(id: string, seq: number, over: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id,
    seq,
    venueOrderId: null,
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'limit',
    tif: 'gtc',
    qtyUnits: 1000n,
    priceUnits: 50_000_00n,
    requestedQty: '0.001',
    requestedPrice: '50000.00',
    filledUnits: 0n,
    filledNotionalUnits: 0n,
    feeUnits: 0n,
    status: 'NEW',
    reason: null,
    cancelRequested: false,
    source: 'manual',
    createdAt: 1_000,
    updatedAt: 1_000,
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
    ...over,
  };
}

export function fillRecord(id: string, orderId: string, qtyUnits: bigint): FillRecord {
  return { id, orderId, symbol: 'BTC/USDT', side: 'buy', priceUnits: 50_000_00n, qtyUnits, feeUnits: 5n, liquidity: 'maker', ts: 2_000, midUnits: null };
}
