import type { ImpactDto } from '../contract/risk-dto.ts';
import type { Held } from './held.ts';

/**
 * The ticket's what-if on the book: before and after a hypothetical fill of `deltaQty` (signed: a
 * sell is negative) of `symbol` at `price`, fees ignored: cash pays Δ·price and the position gains
 * Δ·price of value, so NAV is unchanged and only exposure moves. `var99` values a book (the 1-day
 * 99% parametric VaR on the current sample covariance; null until every instrument involved has
 * enough aligned returns). A bad quantity or price leaves the book unchanged.
 */
export function bookImpact(held: Held, symbol: string, deltaQty: number, price: number, var99: (h: Held) => number | null): { before: ImpactDto; after: ImpactDto } {
  const before = impactOf(held, symbol, var99);
  const ok = Number.isFinite(deltaQty) && Number.isFinite(price) && price > 0;
  if (!ok || deltaQty === 0) return { before, after: { ...before } };
  const notional = deltaQty * price;
  const values = { ...held.values };
  const mv = (values[symbol] ?? 0) + notional;
  if (mv === 0) delete values[symbol];
  else values[symbol] = mv;
  const after: Held = {
    values,
    qty: { ...held.qty, [symbol]: (held.qty[symbol] ?? 0) + deltaQty },
    cash: held.cash - notional,
    symbols: Object.keys(values).sort(),
  };
  return { before, after: impactOf(after, symbol, var99) };
}

function impactOf(h: Held, symbol: string, var99: (h: Held) => number | null): ImpactDto {
  let gross = 0;
  let net = 0;
  for (const v of Object.values(h.values)) {
    gross += Math.abs(v);
    net += v;
  }
  const nav = h.cash + net;
  const positive = nav > 0;
  return {
    positionQty: h.qty[symbol] ?? 0,
    positionPctNav: positive ? Math.abs(h.values[symbol] ?? 0) / nav : null,
    grossExposure: gross,
    leverage: positive ? gross / nav : null,
    var99: h.symbols.length === 0 ? 0 : var99(h),
  };
}
