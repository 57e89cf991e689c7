import type { Assessment, Proposal, ProposedOrder, SentOrder } from '../approval/proposal.ts';
import type { ExpectedCostDto } from '../contract/l2-dto.ts';
import type { ImpactDto, VarBasisDto } from '../contract/risk-dto.ts';
import { DomainError } from '../core/errors.ts';
import { fromUnits } from '../core/precision.ts';
import type { ApprovalQueue } from '../approval/queue.ts';
import type { EngineCore } from './context.ts';
import type { Log } from './parts.ts';
import { requireInstrument } from './context.ts';
import { whatIf } from './what-if.ts';
import { parseAmounts, plannedUnits } from '../execution/amounts.ts';
import { historicalVaR } from '../pms/var.ts';
import type { AlphaView } from '../signals/view.ts';
import { alignedDailyCloses } from './l2-portfolio.ts';

/**
 * The approval queue's view of L1 and L3, built from the kernel: the verdict and what-if for an
 * order not placed (the same code as the ticket's what-if), the algorithm routing would pick, the
 * expected cost, and the one function that sends an approved proposal into the order intake.
 */

const num = (u: bigint | undefined, d: number): number | undefined => (u === undefined ? undefined : Number(fromUnits(u, d)));

/**
 * `daily` (L2's view of daily bars) lets the VaR fall back to daily history while the PMS has
 * fewer one-minute returns than its parametric VaR needs (the first half hour of a session), so an
 * early proposal still shows VaR before → after rather than "—".
 */
export function assessOrder(ctx: EngineCore, o: ProposedOrder, daily?: AlphaView): Assessment {
  const params = { symbol: o.symbol, side: o.side, qty: o.qty, type: 'market' as const, tif: 'gtc' as const, source: 'signal' as const, urgency: o.urgency, algo: o.algo };
  const w = whatIf(ctx, params);
  const i = requireInstrument(ctx, o.symbol);
  const { plan } = ctx.exec.plan(params, plannedUnits(parseAmounts(i, o.qty, undefined), o.qty, i.qtyDecimals));
  const horizonSec = plan.style === 'market' || plan.style === 'limit' ? 0 : Math.max(1, (plan.params.endAt - plan.params.startAt) / 1000);
  const { before, after } = withVar(ctx, o.symbol, w.before, w.after, daily);
  return { verdict: w.check, before, after, algo: plan.style, routing: plan.rationale, expectedCost: expectedCost(ctx, o, plan.style, horizonSec) };
}

/** Daily returns the fallback VaR replays: one year, as a desk's historical VaR usually does. */
export const DAILY_VAR_RETURNS = 250;
/** Fewer daily returns than this and the 99% quantile is no more than the worst day: no figure. */
export const MIN_DAILY_VAR_RETURNS = 100;

const PMS_BASIS: VarBasisDto = { method: 'parametric', source: 'pms-1m-returns', horizon: '1d', observations: null };

/**
 * The PMS's VaR when it has both figures; otherwise, with daily history, both before and after from
 * daily closes (never one of each: before → after must compare like with like).
 */
function withVar(ctx: EngineCore, symbol: string, before: ImpactDto, after: ImpactDto, daily: AlphaView | undefined): { before: ImpactDto; after: ImpactDto } {
  if (before.var99 !== null && after.var99 !== null) return { before: { ...before, varBasis: PMS_BASIS }, after: { ...after, varBasis: PMS_BASIS } };
  const d = daily ? dailyVar(ctx, daily, symbol, after.positionQty - before.positionQty) : null;
  if (!d) return { before, after };
  return { before: { ...before, var99: d.before, varBasis: d.basis }, after: { ...after, var99: d.after, varBasis: d.basis } };
}

/**
 * 1-day 99% historical VaR of the book before and after buying (selling, when negative) `deltaQty`
 * of `symbol` at its current price: the last `DAILY_VAR_RETURNS` simple returns between the daily
 * closes all the instruments involved share, replayed on the signed market values. Null without
 * a price or with fewer than `MIN_DAILY_VAR_RETURNS` common returns.
 */
export function dailyVar(ctx: EngineCore, daily: AlphaView, symbol: string, deltaQty: number): { before: number; after: number; basis: VarBasisDto } | null {
  const px = priceOf(ctx, symbol);
  if (px === undefined || !(px > 0) || !Number.isFinite(deltaQty)) return null;
  const values: Record<string, number> = {};
  for (const p of ctx.valuation.positions()) if (p.qty !== 0 && p.marketValue !== 0) values[p.symbol] = p.marketValue;
  const afterValues = { ...values, [symbol]: (values[symbol] ?? 0) + deltaQty * px };
  const symbols = [...new Set([...Object.keys(values), symbol])].sort();
  const { rows } = alignedDailyCloses(ctx, daily, symbols, DAILY_VAR_RETURNS + 1);
  const n = rows.length - 1;
  if (n < MIN_DAILY_VAR_RETURNS) return null;
  const returns = { symbols, times: rows.slice(1).map((_, k) => k), values: rows.slice(1).map((r, k) => r.map((c, j) => c / rows[k]![j]! - 1)) };
  const varOf = (v: Record<string, number>): number => (Object.values(v).every((x) => x === 0) ? 0 : historicalVaR(v, returns, 0.99).valueAtRisk);
  return { before: varOf(values), after: varOf(afterValues), basis: { method: 'historical', source: 'daily-closes', horizon: '1d', observations: n } };
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

/** Approvals a stopped engine left without an order: linked to the order the journal holds for them, or waiting again (the kernel starts L2 after the order journal is recovered). */
export function settleInterrupted(ctx: EngineCore, queue: ApprovalQueue, log: Log): void {
  const settled = queue.settleInterrupted((proposalId) => {
    const o = ctx.oms.list('all', Number.MAX_SAFE_INTEGER).find((x) => x.proposalId === proposalId && x.parentId === null);
    if (!o) return undefined;
    return { orderId: o.id, status: o.status, reason: o.status === 'DENIED' || o.status === 'REJECTED' ? `${o.reason?.code ?? o.status}: ${o.reason?.message ?? ''}` : null };
  });
  for (const p of settled) log('warn', `approval of ${p.id} was interrupted by a stop: ${p.orderId !== null ? `linked to order ${p.orderId}` : `no order was created; ${p.id} is ${p.status} again`}`);
}
