import type { Balances, Market } from 'ccxt';
import { CASH_DECIMALS } from '../../core/instrument.ts';
import type { Instrument, InstrumentSpec } from '../../core/instrument.ts';
import { PrecisionError, divRound, pow10, toDecimalString, toUnits } from '../../core/precision.ts';

/** ccxt's precision modes (ccxt/js/src/base/functions/number.js). */
export const PRECISION_MODE = { DECIMAL_PLACES: 2, SIGNIFICANT_DIGITS: 3, TICK_SIZE: 4 } as const;

/** Plain decimal text of a number or numeric string ("1e-8" → "0.00000001"), trailing zeros trimmed. */
export function plainDecimal(v: number | string, maxDecimals = 18): string {
  return toDecimalString(toUnits(v, maxDecimals), maxDecimals);
}

/**
 * A decimal from the venue in units of 10^-decimals. Exact when it fits; a value with float noise
 * beyond the scale (0.30000000000000004) is rounded to the nearest unit rather than refused.
 */
export function venueUnits(v: number | string | undefined | null, decimals: number): bigint {
  if (v === undefined || v === null || v === '') return 0n;
  try {
    return toUnits(v, decimals);
  } catch (err) {
    if (!(err instanceof PrecisionError) || err.code !== 'TOO_MANY_DECIMALS') throw err;
    return divRound(toUnits(v, 18), pow10(18 - decimals));
  }
}

export interface SkippedMarket {
  symbol: string;
  reason: string;
}

/** A step from a market's precision, as decimal text, whatever the exchange's precision mode. */
function stepText(value: number | undefined, mode: number): string | undefined {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return undefined;
  if (mode === PRECISION_MODE.TICK_SIZE) return plainDecimal(value);
  if (mode === PRECISION_MODE.DECIMAL_PLACES && Number.isInteger(value) && value <= 18) return value === 0 ? '1' : toDecimalString(1n, value);
  return undefined;
}

function bps(fraction: number | undefined): number {
  return fraction === undefined || !Number.isFinite(fraction) ? 0 : Math.round(fraction * 1e4 * 1e6) / 1e6;
}

/**
 * ccxt markets → Strata instruments: tick and lot from the market's precision, minimum notional
 * from its cost limit, fees from its maker/taker rates. Spot markets only. A market whose tick and
 * lot need more decimals than the cash scale (notional would not be exact) is skipped with the
 * reason, as is one whose precision mode gives no step.
 */
export function instrumentsFromMarkets(markets: readonly Market[], precisionMode: number): { specs: InstrumentSpec[]; skipped: SkippedMarket[] } {
  const specs: InstrumentSpec[] = [];
  const skipped: SkippedMarket[] = [];
  for (const m of markets) {
    if (!m || !m.symbol) continue;
    if (m.spot !== true) {
      skipped.push({ symbol: m.symbol, reason: `not a spot market (${m.type ?? 'unknown'})` });
      continue;
    }
    const tick = stepText(m.precision?.price, precisionMode);
    const lot = stepText(m.precision?.amount, precisionMode);
    if (tick === undefined || lot === undefined) {
      skipped.push({ symbol: m.symbol, reason: 'no tick or lot size in the market data' });
      continue;
    }
    const dec = (t: string) => (t.includes('.') ? t.length - t.indexOf('.') - 1 : 0);
    if (dec(tick) + dec(lot) > CASH_DECIMALS) {
      skipped.push({ symbol: m.symbol, reason: `tick ${tick} and lot ${lot} need more than ${CASH_DECIMALS} decimals for an exact notional` });
      continue;
    }
    const minCost = m.limits?.cost?.min;
    let minNotional = '0';
    if (minCost !== undefined && Number.isFinite(minCost) && minCost > 0) {
      minNotional = toDecimalString(venueUnits(minCost, CASH_DECIMALS), CASH_DECIMALS);
    }
    specs.push({
      symbol: m.symbol,
      base: m.base,
      quote: m.quote,
      kind: 'crypto',
      tickSize: tick,
      lotSize: lot,
      minNotional,
      makerFeeBps: bps(m.maker),
      takerFeeBps: bps(m.taker),
      tradable: m.active !== false,
    });
  }
  return { specs, skipped };
}

export interface VenueHolding {
  symbol: string;
  /** Whole lots held (free + locked). */
  qtyUnits: bigint;
  /** Of which locked in open orders. */
  lockedUnits: bigint;
  /** What is held below one lot (fee dust), in units of 10^-18 of the base asset. */
  dust: string;
}

export interface VenueAccount {
  currency: string;
  /** Cash in cash units (10^-8): total, and what is free (not locked by open orders). */
  cashUnits: bigint;
  freeCashUnits: bigint;
  holdings: VenueHolding[];
  /** Assets that are neither the account currency nor the base of a known instrument. */
  otherAssets: { asset: string; total: string }[];
}

/**
 * ccxt balances → Strata's cash and positions. Cash is the account currency's total; a position is
 * the base asset's total of each instrument quoted in it, in whole lots (what is below a lot is
 * reported as dust, not dropped silently).
 */
export function accountFromBalances(balances: Balances, currency: string, instruments: readonly Instrument[]): VenueAccount {
  const total = (balances.total ?? {}) as unknown as Record<string, number | undefined>;
  const used = (balances.used ?? {}) as unknown as Record<string, number | undefined>;
  const free = (balances.free ?? {}) as unknown as Record<string, number | undefined>;
  const holdings: VenueHolding[] = [];
  const bases = new Set<string>();
  for (const inst of instruments) {
    if (inst.quote !== currency || bases.has(inst.base)) continue;
    bases.add(inst.base);
    const t = total[inst.base];
    if (t === undefined || t === 0) continue;
    const exact = venueUnits(t, 18);
    const perLot = pow10(18 - inst.qtyDecimals);
    const qty = exact / perLot;
    holdings.push({
      symbol: inst.symbol,
      qtyUnits: qty,
      lockedUnits: venueUnits(used[inst.base] ?? 0, 18) / perLot,
      dust: toDecimalString(exact - qty * perLot, 18),
    });
  }
  const otherAssets: { asset: string; total: string }[] = [];
  for (const [asset, t] of Object.entries(total)) {
    if (asset === currency || bases.has(asset) || t === undefined || t === 0) continue;
    otherAssets.push({ asset, total: plainDecimal(t) });
  }
  return {
    currency,
    cashUnits: venueUnits(total[currency] ?? 0, CASH_DECIMALS),
    freeCashUnits: venueUnits(free[currency] ?? 0, CASH_DECIMALS),
    holdings,
    otherAssets,
  };
}
