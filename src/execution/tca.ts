import type { Side, TcaDto } from '../contract/dto.ts';

/**
 * Transaction cost analysis of a parent order: implementation shortfall against the decision
 * price, split (Perold) into delay (decision → arrival), impact (fill vs mid at the fill),
 * timing (mid drift while working), opportunity (the unfilled part at the end price) and fees.
 * The parts add up to the total by construction.
 */
export interface TcaFill {
  price: number;
  qty: number;
  fee: number;
  mid: number | null;
  ts: number;
}

export interface TcaInput {
  orderId: string;
  symbol: string;
  side: Side;
  algo: string;
  qty: number;
  /** Exact filled quantity when known (the sum of fills in floats may be 1.9999999999999998). */
  filledQty?: number;
  decisionPrice: number | null;
  arrivalPrice: number | null;
  arrivalTs: number | null;
  endPrice: number | null;
  endTs: number;
  fills: readonly TcaFill[];
  /** Others' volume and notional between arrival and the end. */
  marketVolume: number;
  marketNotional: number;
  final: boolean;
  /** The pre-trade expected cost recorded at the start (bps), when there was one. */
  estimatedBps?: number | null;
}

const bps = (x: number): number => Math.round(x * 1e4 * 100) / 100 || 0; // `|| 0`: no -0 in JSON

export function computeTca(i: TcaInput): TcaDto {
  const s = i.side === 'buy' ? 1 : -1;
  const filled = i.fills.reduce((a, f) => a + f.qty, 0);
  const notional = i.fills.reduce((a, f) => a + f.qty * f.price, 0);
  const fees = i.fills.reduce((a, f) => a + f.fee, 0);
  const avg = filled > 0 ? notional / filled : null;
  const arrival = i.arrivalPrice ?? i.fills[0]?.price ?? null;
  const decision = i.decisionPrice ?? arrival;
  const end = i.endPrice ?? arrival;
  const base = decision !== null && i.qty > 0 ? i.qty * decision : 0;
  let delay = 0;
  let impact = 0;
  let timing = 0;
  let opportunity = 0;
  if (base > 0 && decision !== null && arrival !== null) {
    delay = (s * (arrival - decision) * filled) / base;
    for (const f of i.fills) {
      const mid = f.mid ?? arrival;
      impact += (s * f.qty * (f.price - mid)) / base;
      timing += (s * f.qty * (mid - arrival)) / base;
    }
    if (end !== null) opportunity = (s * (i.qty - filled) * (end - decision)) / base;
  }
  const feesFrac = base > 0 ? fees / base : 0;
  const vwap = i.marketVolume > 0 ? i.marketNotional / i.marketVolume : null;
  return {
    orderId: i.orderId,
    symbol: i.symbol,
    side: i.side,
    algo: i.algo,
    qty: i.qty,
    filledQty: i.filledQty ?? filled,
    decisionPrice: decision,
    arrivalPrice: arrival,
    avgFillPrice: avg,
    endPrice: end,
    intervalVwap: vwap,
    shortfallBps: bps(delay + impact + timing + opportunity + feesFrac),
    delayBps: bps(delay),
    impactBps: bps(impact),
    timingBps: bps(timing),
    opportunityBps: bps(opportunity),
    feesBps: bps(feesFrac),
    slippageVsVwapBps: avg !== null && vwap !== null ? bps((s * (avg - vwap)) / vwap) : null,
    fillRate: i.qty > 0 ? filled / i.qty : 0,
    participation: filled + i.marketVolume > 0 ? filled / (filled + i.marketVolume) : null,
    marketVolume: i.marketVolume,
    arrivalTs: i.arrivalTs,
    endTs: i.endTs,
    durationMs: i.arrivalTs !== null ? i.endTs - i.arrivalTs : null,
    final: i.final,
    estimatedBps: i.estimatedBps === undefined || i.estimatedBps === null ? null : Math.round(i.estimatedBps * 100) / 100,
  };
}
