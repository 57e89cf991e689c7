import { pow10, toUnits } from './precision.ts';

/** Cash is kept in one account currency at a fixed scale; 1e-8 covers crypto quote assets. */
export const CASH_DECIMALS = 8;

export type InstrumentKind = 'crypto' | 'equity';

export interface InstrumentSpec {
  symbol: string;
  base: string;
  quote: string;
  kind: InstrumentKind;
  /** Decimal text so that specs never carry float error ("0.01", "0.00001"). */
  tickSize: string;
  lotSize: string;
  minNotional: string;
  makerFeeBps: number;
  takerFeeBps: number;
  tradable: boolean;
}

/** An instrument with its precision resolved into integer units. */
export interface Instrument extends InstrumentSpec {
  priceDecimals: number;
  qtyDecimals: number;
  tickUnits: bigint;
  lotUnits: bigint;
  /** Minimum notional in cash units (10^-CASH_DECIMALS). */
  minNotionalUnits: bigint;
}

function decimalsOf(text: string): number {
  const i = text.indexOf('.');
  return i < 0 ? 0 : text.length - i - 1;
}

export function resolveInstrument(spec: InstrumentSpec): Instrument {
  const priceDecimals = decimalsOf(spec.tickSize);
  const qtyDecimals = decimalsOf(spec.lotSize);
  if (priceDecimals + qtyDecimals > CASH_DECIMALS) {
    // Notional = price x qty must be exact in cash units, or fills would round cash.
    throw new Error(`${spec.symbol}: tick and lot decimals exceed the cash scale`);
  }
  return {
    ...spec,
    priceDecimals,
    qtyDecimals,
    tickUnits: toUnits(spec.tickSize, priceDecimals),
    lotUnits: toUnits(spec.lotSize, qtyDecimals),
    minNotionalUnits: toUnits(spec.minNotional, CASH_DECIMALS),
  };
}

/** Exact notional of price x qty in cash units. */
export function notionalUnits(inst: Instrument, priceUnits: bigint, qtyUnits: bigint): bigint {
  return priceUnits * qtyUnits * pow10(CASH_DECIMALS - inst.priceDecimals - inst.qtyDecimals);
}

export class InstrumentRegistry {
  private readonly bySymbol = new Map<string, Instrument>();

  constructor(specs: readonly InstrumentSpec[]) {
    for (const s of specs) this.bySymbol.set(s.symbol, resolveInstrument(s));
  }

  get(symbol: string): Instrument | undefined {
    return this.bySymbol.get(symbol);
  }

  all(): Instrument[] {
    return [...this.bySymbol.values()];
  }
}
