import type { AccountDto, AlgoParamsDto, BookDto, BracketDto, ExecutionDto, FillDto, InstrumentDto, OrderDto, PositionDto, QuoteDto, TradeDto, TriggerDto } from '../contract/dto.ts';
import type { AlgoParams } from '../execution/algos/types.ts';
import { CASH_DECIMALS } from '../core/instrument.ts';
import type { Instrument } from '../core/instrument.ts';
import type { PositionState } from '../core/ledger.ts';
import { displayStatus, isOpen, orderKind } from '../core/order.ts';
import type { Order } from '../core/order.ts';
import type { FillRecord, MarketBook, MarketTrade } from '../core/ports.ts';
import { divRound, fromUnits, pow10 } from '../core/precision.ts';

/** Engine state (exact units) to contract DTOs (plain JSON numbers). The only place floats appear. */

const cash = (u: bigint): number => fromUnits(u, CASH_DECIMALS);

/** Average price = notional / qty, rounded to 4 digits beyond the tick's decimals. */
export function averagePrice(inst: Instrument, notionalCashUnits: bigint, qtyUnits: bigint): number | null {
  if (qtyUnits === 0n) return null;
  const outDecimals = inst.priceDecimals + 4;
  // price = notional / 10^CASH / (qty / 10^qd) -> units at outDecimals.
  const shift = outDecimals + inst.qtyDecimals - CASH_DECIMALS;
  const num = shift >= 0 ? notionalCashUnits * pow10(shift) : notionalCashUnits;
  const den = shift >= 0 ? qtyUnits : qtyUnits * pow10(-shift);
  const abs = divRound(num < 0n ? -num : num, den < 0n ? -den : den);
  return fromUnits(abs, outDecimals);
}

export function instrumentDto(i: Instrument): InstrumentDto {
  return {
    symbol: i.symbol,
    base: i.base,
    quote: i.quote,
    kind: i.kind,
    tickSize: Number(i.tickSize),
    lotSize: Number(i.lotSize),
    minNotional: Number(i.minNotional),
    priceDecimals: i.priceDecimals,
    qtyDecimals: i.qtyDecimals,
    makerFeeBps: i.makerFeeBps,
    takerFeeBps: i.takerFeeBps,
    tradable: i.tradable,
  };
}

/** What only the algo runner knows about a working parent. */
export interface ExecutionFacts {
  scheduledUnits: bigint | undefined;
  childCount: number;
  workingUnits: bigint;
}

/** How far filled + working may trail the schedule before a parent is "behind schedule": 10% of its quantity, at least a lot. */
export const BEHIND_SCHEDULE_TOLERANCE_PCT = 10n;

/**
 * A working, unpaused parent whose filled + working quantity trails what its schedule wants by now
 * by more than the tolerance (issue 8: a TWAP sat at 12% against a 39% schedule, unnoticed).
 */
function behindSchedule(o: Order, inst: Instrument | undefined, facts: ExecutionFacts | undefined): boolean {
  if (!facts || facts.scheduledUnits === undefined || o.paused || !isOpen(o.status)) return false;
  const tolerance = (o.qtyUnits * BEHIND_SCHEDULE_TOLERANCE_PCT) / 100n;
  const lot = inst?.lotUnits ?? 0n;
  return o.filledUnits + facts.workingUnits + (tolerance > lot ? tolerance : lot) < facts.scheduledUnits;
}

function executionDto(o: Order, inst: Instrument | undefined, facts: ExecutionFacts | undefined): ExecutionDto | null {
  if (o.algo === null) return null;
  const qd = inst?.qtyDecimals ?? 0;
  const p = JSON.parse(o.algoParams ?? '{}') as AlgoParams;
  const qty = (u: string | undefined) => (u === undefined ? undefined : fromUnits(BigInt(u), qd));
  const params: AlgoParamsDto = { startAt: p.startAt, endAt: p.endAt, durationSec: Math.round((p.endAt - p.startAt) / 1000) };
  if (p.slices !== undefined) params.slices = p.slices;
  if (p.jitterPct !== undefined) params.jitterPct = p.jitterPct;
  if (p.participation !== undefined) params.participation = p.participation;
  const minChild = qty(p.minChildUnits);
  if (minChild !== undefined) params.minChildQty = minChild;
  const maxChild = qty(p.maxChildUnits);
  if (maxChild !== undefined) params.maxChildQty = maxChild;
  const display = qty(p.displayUnits);
  if (display !== undefined) params.displayQty = display;
  if (p.displayJitterPct !== undefined) params.displayJitterPct = p.displayJitterPct;
  return {
    algo: o.algo,
    paused: o.paused,
    startAt: p.startAt,
    endAt: p.endAt,
    scheduledQty: facts?.scheduledUnits !== undefined ? fromUnits(facts.scheduledUnits, qd) : null,
    behindSchedule: behindSchedule(o, inst, facts),
    childCount: facts?.childCount ?? 0,
    workingQty: facts ? fromUnits(facts.workingUnits, qd) : 0,
    params,
  };
}

/**
 * The longest reason text an order carries on the wire. Messages are built from bounded fields,
 * but a journal written before they were bounded can hold a reason quoting a 900 KB quantity: the
 * orders list must stay loadable.
 */
export const MAX_REASON_TEXT = 500;

/** What only the OMS's indexes know: who replaced an order, and a bracket's members. */
export interface OrderLinks {
  replacedBy: string | null;
  bracket: BracketDto | null;
}

function triggerDto(o: Order, pd: number): TriggerDto | null {
  const t = o.trigger;
  if (t === null) return null;
  return {
    kind: t.kind,
    by: t.by,
    stopPrice: t.stopPriceUnits === null ? null : fromUnits(t.stopPriceUnits, pd),
    trailPercent: t.trailPercent,
    trailAmount: t.trailUnits === null ? null : fromUnits(t.trailUnits, pd),
    triggeredAt: t.triggeredAt,
  };
}

export function orderDto(o: Order, inst: Instrument | undefined, facts?: ExecutionFacts, links?: OrderLinks): OrderDto {
  const qd = inst?.qtyDecimals ?? 0;
  const pd = inst?.priceDecimals ?? 0;
  const unparsedQty = o.status === 'DENIED' && o.qtyUnits === 0n;
  const dto: OrderDto = {
    id: o.id,
    venueOrderId: o.venueOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    tif: o.tif,
    // A quantity that could not be represented at the lot's precision is shown as requested.
    qty: unparsedQty ? Number(o.requestedQty) : fromUnits(o.qtyUnits, qd),
    price: o.priceUnits !== null ? fromUnits(o.priceUnits, pd) : o.requestedPrice !== null ? Number(o.requestedPrice) : null,
    filledQty: fromUnits(o.filledUnits, qd),
    avgPrice: inst ? averagePrice(inst, o.filledNotionalUnits, o.filledUnits) : null,
    fees: cash(o.feeUnits),
    status: o.status,
    reason: o.reason !== null && o.reason.message.length > MAX_REASON_TEXT ? { ...o.reason, message: `${o.reason.message.slice(0, MAX_REASON_TEXT)}… (cut from ${o.reason.message.length} characters)` } : o.reason,
    cancelRequested: o.cancelRequested,
    source: o.source,
    origin: o.source,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    urgency: o.urgency,
    parentId: o.parentId,
    execution: executionDto(o, inst, facts),
    orderKind: orderKind(o),
    displayStatus: displayStatus(o),
    trigger: triggerDto(o, pd),
    ocoGroup: o.ocoGroup,
    bracket: links?.bracket ?? null,
    lineage: { rootId: o.rootId ?? o.id, replaces: o.replacesId, replacedBy: links?.replacedBy ?? null },
  };
  if (o.approvedBy !== null) dto.approvedBy = o.approvedBy;
  if (o.proposalId !== null) dto.proposalId = o.proposalId;
  return dto;
}

export function fillDto(f: FillRecord, inst: Instrument): FillDto {
  return {
    id: f.id,
    orderId: f.orderId,
    symbol: f.symbol,
    side: f.side,
    qty: fromUnits(f.qtyUnits, inst.qtyDecimals),
    price: fromUnits(f.priceUnits, inst.priceDecimals),
    fee: cash(f.feeUnits),
    liquidity: f.liquidity,
    ts: f.ts,
  };
}

export function positionDto(p: PositionState, inst: Instrument, markUnits: bigint | undefined, marketValueUnits: bigint): PositionDto {
  return {
    symbol: p.symbol,
    qty: fromUnits(p.qtyUnits, inst.qtyDecimals),
    avgPrice: averagePrice(inst, p.costUnits, p.qtyUnits),
    costBasis: cash(p.costUnits),
    markPrice: markUnits !== undefined ? fromUnits(markUnits, inst.priceDecimals) : null,
    marketValue: cash(marketValueUnits),
    realizedPnl: cash(p.realizedUnits),
    unrealizedPnl: cash(p.qtyUnits === 0n ? 0n : marketValueUnits - p.costUnits),
    fees: cash(p.feeUnits),
  };
}

export interface AccountFigures {
  currency: string;
  initialCashUnits: bigint;
  cashUnits: bigint;
  reservedUnits: bigint;
  marketValueUnits: bigint;
  realizedUnits: bigint;
  unrealizedUnits: bigint;
  feeUnits: bigint;
  ts: number;
}

export function accountDto(a: AccountFigures): AccountDto {
  return {
    currency: a.currency,
    initialCash: cash(a.initialCashUnits),
    cash: cash(a.cashUnits),
    reservedCash: cash(a.reservedUnits),
    equity: cash(a.cashUnits + a.marketValueUnits),
    marketValue: cash(a.marketValueUnits),
    realizedPnl: cash(a.realizedUnits),
    unrealizedPnl: cash(a.unrealizedUnits),
    fees: cash(a.feeUnits),
    ts: a.ts,
  };
}

export function bookDto(b: MarketBook, inst: Instrument, depth = 20): BookDto {
  const lv = (l: { priceUnits: bigint; qtyUnits: bigint }) => ({ price: fromUnits(l.priceUnits, inst.priceDecimals), qty: fromUnits(l.qtyUnits, inst.qtyDecimals) });
  return { symbol: b.symbol, bids: b.bids.slice(0, depth).map(lv), asks: b.asks.slice(0, depth).map(lv), ts: b.ts };
}

export function quoteDto(b: MarketBook, inst: Instrument, lastUnits: bigint | undefined): QuoteDto {
  const bid = b.bids[0];
  const ask = b.asks[0];
  return {
    symbol: b.symbol,
    bid: bid ? fromUnits(bid.priceUnits, inst.priceDecimals) : null,
    ask: ask ? fromUnits(ask.priceUnits, inst.priceDecimals) : null,
    bidSize: bid ? fromUnits(bid.qtyUnits, inst.qtyDecimals) : 0,
    askSize: ask ? fromUnits(ask.qtyUnits, inst.qtyDecimals) : 0,
    last: lastUnits !== undefined ? fromUnits(lastUnits, inst.priceDecimals) : null,
    ts: b.ts,
  };
}

export function tradeDto(t: MarketTrade, inst: Instrument): TradeDto {
  return {
    symbol: t.symbol,
    id: t.id,
    price: fromUnits(t.priceUnits, inst.priceDecimals),
    qty: fromUnits(t.qtyUnits, inst.qtyDecimals),
    side: t.side,
    ts: t.ts,
  };
}
