import type { OrderType, Side, TimeInForce } from '../../contract/dto.ts';
import { CASH_DECIMALS, notionalUnits } from '../../core/instrument.ts';
import type { Instrument } from '../../core/instrument.ts';
import type { VenueFill } from '../../core/ports.ts';
import { divRound, pow10, rescale, toUnits } from '../../core/precision.ts';

/** Every asset balance is kept at the cash scale (10^-8), like Binance's 8-decimal strings. */
export const ASSET_DECIMALS = CASH_DECIMALS;

export type BinanceStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

export interface LoopbackTrade {
  id: number;
  orderId: number;
  symbol: string;
  side: Side;
  priceUnits: bigint;
  qtyUnits: bigint;
  /** Commission in the quote asset, 10^-8. */
  commissionUnits: bigint;
  maker: boolean;
  time: number;
}

/** One order as the fake exchange keeps it for its account. */
export interface LoopbackOrder {
  account: string;
  clientOrderId: string;
  /** The id the matching engine (SimVenue) knows it by: account tag + client id. */
  simId: string;
  orderId: number;
  symbol: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  qtyUnits: bigint;
  priceUnits: bigint | null;
  executedUnits: bigint;
  /** Sum of price × qty of the fills, 10^-8 of the quote. */
  cumQuoteUnits: bigint;
  status: BinanceStatus;
  time: number;
  updateTime: number;
  trades: LoopbackTrade[];
  /** What this order locked: quote (10^-8) for buys, base (10^-8) for sells, still held. */
  lockedUnits: bigint;
}

interface Balance {
  free: bigint;
  locked: bigint;
}

/**
 * Balances per API key, moved by the orders the matching engine fills: an order locks what it may
 * spend (a buy its quote plus the taker fee at its limit or at an estimate for a market order, a
 * sell its base), each fill spends from the lock, and the order's end releases what is left.
 * Fees are charged in the quote asset.
 */
export class LoopbackAccounts {
  private readonly balances = new Map<string, Map<string, Balance>>();

  open(account: string, initial: Record<string, string>): void {
    const m = new Map<string, Balance>();
    for (const [asset, amount] of Object.entries(initial)) m.set(asset, { free: toUnits(amount, ASSET_DECIMALS), locked: 0n });
    this.balances.set(account, m);
  }

  has(account: string): boolean {
    return this.balances.has(account);
  }

  list(account: string): { asset: string; free: bigint; locked: bigint }[] {
    return [...(this.balances.get(account) ?? new Map<string, Balance>()).entries()].map(([asset, b]) => ({ asset, ...b }));
  }

  private bal(account: string, asset: string): Balance {
    let m = this.balances.get(account);
    if (!m) {
      m = new Map();
      this.balances.set(account, m);
    }
    let b = m.get(asset);
    if (!b) {
      b = { free: 0n, locked: 0n };
      m.set(asset, b);
    }
    return b;
  }

  /** A deposit (or, negative, a withdrawal) outside any order: what reconciliation must find. */
  deposit(account: string, asset: string, amount: string): void {
    const b = this.bal(account, asset);
    b.free += toUnits(amount, ASSET_DECIMALS);
    if (b.free < 0n) throw new RangeError(`${asset}: withdrawal of more than is free`);
  }

  /** What an order must lock, or undefined when the account cannot cover it. `estPriceUnits` prices a market buy. */
  lock(o: LoopbackOrder, inst: Instrument, estPriceUnits: bigint | undefined): boolean {
    if (o.side === 'sell') {
      const need = rescale(o.qtyUnits, inst.qtyDecimals, ASSET_DECIMALS);
      const b = this.bal(o.account, inst.base);
      if (b.free < need) return false;
      b.free -= need;
      b.locked += need;
      o.lockedUnits = need;
      return true;
    }
    const px = o.priceUnits ?? estPriceUnits;
    if (px === undefined) return false;
    const notional = notionalUnits(inst, px, o.qtyUnits);
    // A market buy's estimate gets 2% headroom for walking the book.
    const base = o.priceUnits === null ? divRound(notional * 102n, 100n) : notional;
    const need = base + feeOf(base, inst.takerFeeBps);
    const b = this.bal(o.account, inst.quote);
    if (b.free < need) return false;
    b.free -= need;
    b.locked += need;
    o.lockedUnits = need;
    return true;
  }

  /** Applies one fill to the account: spends from the order's lock, credits what it bought or sold. */
  fill(o: LoopbackOrder, inst: Instrument, f: VenueFill): void {
    const notional = notionalUnits(inst, f.priceUnits, f.qtyUnits);
    const quote = this.bal(o.account, inst.quote);
    const base = this.bal(o.account, inst.base);
    const qty = rescale(f.qtyUnits, inst.qtyDecimals, ASSET_DECIMALS);
    if (o.side === 'buy') {
      const cost = notional + f.feeUnits;
      const fromLock = cost < o.lockedUnits ? cost : o.lockedUnits;
      o.lockedUnits -= fromLock;
      quote.locked -= fromLock;
      quote.free -= cost - fromLock;
      base.free += qty;
    } else {
      const fromLock = qty < o.lockedUnits ? qty : o.lockedUnits;
      o.lockedUnits -= fromLock;
      base.locked -= fromLock;
      base.free -= qty - fromLock;
      quote.free += notional - f.feeUnits;
    }
  }

  /** The order ended: what it still locks goes back to free. */
  release(o: LoopbackOrder, inst: Instrument): void {
    if (o.lockedUnits <= 0n) return;
    const b = this.bal(o.account, o.side === 'buy' ? inst.quote : inst.base);
    b.locked -= o.lockedUnits;
    b.free += o.lockedUnits;
    o.lockedUnits = 0n;
  }
}

export function feeOf(notionalCashUnits: bigint, bps: number): bigint {
  return divRound(notionalCashUnits * BigInt(Math.round(bps * 100)), 1_000_000n);
}

/** Units to Binance's fixed 8-decimal text ("0.01000000"). */
export function fixed8(units: bigint, decimals: number): string {
  const v = rescale(units, decimals, 8);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const p = pow10(8);
  return `${neg ? '-' : ''}${a / p}.${(a % p).toString().padStart(8, '0')}`;
}
