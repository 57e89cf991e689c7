import type { AlgoContext } from './types.ts';

/**
 * Child prices. A "marketable" child is an IOC limit a few ticks through the touch rather than a
 * market order, so a thin book cannot fill it at any price; the parent's cap always wins.
 */
const COLLAR_BPS = 20n;

export function capPrice(ctx: AlgoContext, price: bigint): bigint {
  if (ctx.limitUnits === null) return price;
  return ctx.side === 'buy' ? (price > ctx.limitUnits ? ctx.limitUnits : price) : price < ctx.limitUnits ? ctx.limitUnits : price;
}

/** How far through the far touch a marketable child may go (COLLAR_BPS of it), price units. */
export function collarUnits(far: bigint): bigint {
  return (far * COLLAR_BPS) / 10_000n;
}

function onTick(price: bigint, tick: bigint, up: boolean): bigint {
  const r = price % tick;
  if (r === 0n) return price;
  return up ? price - r + tick : price - r;
}

/** Aggressive price: through the far touch by a collar, capped. Undefined if the far side is empty. */
export function aggressivePrice(ctx: AlgoContext): bigint | undefined {
  const far = ctx.side === 'buy' ? ctx.market.bestAsk() : ctx.market.bestBid();
  if (far === undefined) return undefined;
  const collar = collarUnits(far);
  const raw = ctx.side === 'buy' ? far + collar : far - collar;
  return capPrice(ctx, onTick(raw, ctx.tickUnits, ctx.side === 'sell'));
}

/** Passive price: the near touch (best bid for a buy), capped; never crosses the spread. */
export function passivePrice(ctx: AlgoContext): bigint | undefined {
  const near = ctx.side === 'buy' ? ctx.market.bestBid() : ctx.market.bestAsk();
  const far = ctx.side === 'buy' ? ctx.market.bestAsk() : ctx.market.bestBid();
  if (near === undefined) return undefined;
  let p = capPrice(ctx, near);
  if (far !== undefined && (ctx.side === 'buy' ? p >= far : p <= far)) p = ctx.side === 'buy' ? far - ctx.tickUnits : far + ctx.tickUnits;
  return p > 0n ? p : undefined;
}

/** Is the price within the cap? */
export function withinCap(ctx: AlgoContext, price: bigint): boolean {
  if (ctx.limitUnits === null) return true;
  return ctx.side === 'buy' ? price <= ctx.limitUnits : price >= ctx.limitUnits;
}
