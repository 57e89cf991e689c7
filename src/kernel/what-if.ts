import type { Params } from '../contract/api.ts';
import type { WhatIfDto } from '../contract/risk-dto.ts';
import { DomainError } from '../core/errors.ts';
import { fromUnits, toUnits } from '../core/precision.ts';
import { checkDto } from './risk-control.ts';
import { farTouch, requireInstrument } from './context.ts';
import { parseAmounts, plannedUnits } from '../execution/amounts.ts';
import type { EngineCore } from './context.ts';

const toNum = (u: bigint, d: number): number => Number(fromUnits(u, d));

/**
 * L1's verdict and the PMS's impact for an order not placed: the same checks, in the same order, as a
 * placement. The ticket's what-if and every approval proposal (made, modified, approved) ask it.
 */
export function whatIf(ctx: EngineCore, p: Params<'risk.whatIf'>): WhatIfDto {
  const { hub, risk, pms } = ctx;
  const i = requireInstrument(ctx, p.symbol);
  // Quantity parsed once: routing plans with it, the structural check below reads it.
  const parsed = parseAmounts(i, p.qty, undefined);
  const { plan, qtyUnits } = ctx.exec.plan(p, plannedUnits(parsed, p.qty, i.qtyDecimals));
  const style = plan.style;
  const direct = style === 'market' || style === 'limit';
  let priceUnits: bigint | null = null;
  if (p.price !== undefined) {
    try {
      priceUnits = toUnits(p.price, i.priceDecimals);
    } catch (err) {
      throw new DomainError('BAD_REQUEST', `price: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const touch = farTouch(ctx, p.symbol, p.side);
  const type = style === 'market' || (!direct && priceUnits === null) ? 'market' : 'limit';
  const qtyNum = Number(p.qty);
  const px = priceUnits ?? touch ?? hub.mark(p.symbol);
  const impact = pms.impact(i.symbol, p.side === 'buy' ? qtyNum : -qtyNum, px !== undefined ? toNum(px, i.priceDecimals) : NaN);
  const d = risk.evaluate({
    symbol: i.symbol,
    side: p.side,
    qtyUnits,
    type,
    limitPriceUnits: type === 'limit' ? priceUnits : null,
    estimatedPriceUnits: touch ?? hub.mark(p.symbol) ?? null,
    urgency: p.urgency,
    source: p.source,
    kind: direct ? 'direct' : 'parent',
    parentId: null,
    confirm: p.confirm ?? false,
  });
  const check = checkDto(d);
  // The same order of checks as a real placement: precision and structure first, then the limits.
  const exact = parsed.ok ? parsed.qtyUnits : undefined;
  const structuralDenial =
    exact === undefined
      ? { code: 'QTY_NOT_ON_LOT', message: `quantity ${String(p.qty)} has more decimals than the lot size ${i.lotSize} allows` }
      : (() => {
          const g = ctx.structuralCheck({ symbol: i.symbol, side: p.side, type, qtyUnits: exact, priceUnits: type === 'limit' ? priceUnits : null }, i, null);
          return g.ok ? undefined : { code: g.code, message: g.message };
        })();
  if (structuralDenial) {
    const b = { ...structuralDenial, level: 'hard' as const, check: 'structure', limit: null, scope: `symbol:${i.symbol}`, observed: null, threshold: null, factor: 1 };
    return { symbol: i.symbol, side: p.side, qty: qtyNum, check: { ...check, verdict: 'deny', code: b.code, message: b.message, breaches: [b], confirmable: false, confirmed: false }, ...impact };
  }
  return { symbol: i.symbol, side: p.side, qty: toNum(qtyUnits, i.qtyDecimals), check, ...impact };
}
