import type { Assessment, Proposal, ProposedOrder, SentOrder } from '../approval/proposal.ts';
import type { ExpectedCostDto } from '../contract/l2-dto.ts';
import { DomainError } from '../core/errors.ts';
import { fromUnits } from '../core/precision.ts';
import type { EngineCore } from './context.ts';
import { requireInstrument } from './context.ts';
import { whatIf } from './what-if.ts';
import { parseAmounts, plannedUnits } from '../execution/amounts.ts';

/**
 * The approval queue's view of L1 and L3, built from the kernel: the verdict and what-if for an
 * order not placed (the same code as the ticket's what-if), the algorithm routing would pick, the
 * expected cost, and the one function that sends an approved proposal into the order intake.
 */

const num = (u: bigint | undefined, d: number): number | undefined => (u === undefined ? undefined : Number(fromUnits(u, d)));

export function assessOrder(ctx: EngineCore, o: ProposedOrder): Assessment {
  const params = { symbol: o.symbol, side: o.side, qty: o.qty, type: 'market' as const, tif: 'gtc' as const, source: 'signal' as const, urgency: o.urgency, algo: o.algo };
  const w = whatIf(ctx, params);
  const i = requireInstrument(ctx, o.symbol);
  const { plan } = ctx.exec.plan(params, plannedUnits(parseAmounts(i, o.qty, undefined), o.qty, i.qtyDecimals));
  const horizonSec = plan.style === 'market' || plan.style === 'limit' ? 0 : Math.max(1, (plan.params.endAt - plan.params.startAt) / 1000);
  return { verdict: w.check, before: w.before, after: w.after, algo: plan.style, routing: plan.rationale, expectedCost: expectedCost(ctx, o, plan.style, horizonSec) };
}

/**
 * Expected cost in bps of notional: the square-root impact law the simulated venue uses
 * (I = k·σ·√(Q/V), k = 1, σ per √s from 5-second returns, V the recent volume per second), half the
 * spread for styles that take liquidity, and the fee of the side of the book the style trades on.
 * Null when the market has no price.
 */
export function expectedCost(ctx: Pick<EngineCore, 'instruments' | 'market' | 'hub'>, o: ProposedOrder, style: string, horizonSec: number): ExpectedCostDto | null {
  const i = requireInstrument(ctx, o.symbol);
  const bid = num(ctx.market.bestBid(o.symbol), i.priceDecimals);
  const ask = num(ctx.market.bestAsk(o.symbol), i.priceDecimals);
  const mid = num(ctx.market.mid(o.symbol), i.priceDecimals);
  if (mid === undefined || !(mid > 0)) return null;
  const qty = Number(o.qty);
  const passive = style === 'passive' || style === 'iceberg' || style === 'limit';
  const spreadBps = !passive && bid !== undefined && ask !== undefined ? ((ask - bid) / 2 / mid) * 1e4 : 0;
  const feeBps = passive ? i.makerFeeBps : i.takerFeeBps;
  const vUnits = ctx.hub.volumePerSecond(o.symbol);
  const vPerSec = vUnits === undefined ? undefined : vUnits / 10 ** i.qtyDecimals;
  const sigma = ctx.hub.shortTermVol(o.symbol);
  const impactBps = vPerSec !== undefined && vPerSec > 0 && sigma > 0 && qty > 0 ? sigma * Math.sqrt(qty / vPerSec) * 1e4 : 0;
  const participation = vPerSec !== undefined && vPerSec > 0 && horizonSec > 0 ? qty / (vPerSec * horizonSec) : null;
  const bps = spreadBps + impactBps + feeBps;
  return { bps, amount: (bps / 1e4) * qty * mid, impactBps, spreadBps, feeBps, participation };
}

/**
 * Sends an approved proposal into the one order intake, as a signal order approved by the operator
 * (journaled with its approver and proposal id). Signal orders never confirm soft breaches: L1
 * denies them, and the proposal records the denial.
 */
export function sendProposal(ctx: EngineCore, p: Proposal, approvedBy = 'operator'): SentOrder {
  const r = ctx.intake.submit({
    order: {
      symbol: p.symbol,
      side: p.side,
      qty: p.qty,
      type: 'market',
      tif: 'gtc',
      urgency: p.urgency,
      algo: p.algoChosen ? p.algo : undefined,
      decisionPrice: p.decisionPrice > 0 ? p.decisionPrice : undefined,
      decisionTs: p.createdAt,
    },
    origin: 'signal',
    approvedBy,
    proposalId: p.id,
    confirmSoft: false,
  });
  // A signal order cannot confirm soft breaches, so L1 denies rather than holds; should it ever
  // hold, nothing was placed and the proposal waits again (the queue records the refusal).
  if (r.kind === 'held') throw new DomainError('RISK_DENIED', `${r.code}: ${r.message}`);
  const o = r.order;
  return { orderId: o.id, status: o.status, reason: o.status === 'DENIED' || o.status === 'REJECTED' ? `${o.reason?.code ?? o.status}: ${o.reason?.message ?? ''}` : null };
}

/** The reference price the queue measures its band with: the mid, else the mark. */
export function priceOf(ctx: EngineCore, symbol: string): number | undefined {
  const i = ctx.instruments.get(symbol);
  if (!i) return undefined;
  return num(ctx.market.mid(symbol) ?? ctx.hub.mark(symbol), i.priceDecimals);
}
