import type { Instrument } from '../core/instrument.ts';
import type { Ledger } from '../core/ledger.ts';
import { fromUnits } from '../core/precision.ts';

/**
 * The PMS loop's mark reader: asked every second per symbol, while a mark moves only on a print,
 * and the decimal round trip is not free; so the last conversion per symbol is kept.
 */
export function memoMarkOf(inst: (s: string) => Instrument | undefined, markUnits: (s: string) => bigint | undefined): (s: string) => number | undefined {
  const last = new Map<string, { units: bigint; value: number }>();
  return (s) => {
    const i = inst(s);
    const m = markUnits(s);
    if (!i || m === undefined) return undefined;
    const seen = last.get(s);
    if (seen !== undefined && seen.units === m) return seen.value;
    const value = Number(fromUnits(m, i.priceDecimals));
    last.set(s, { units: m, value });
    return value;
  };
}

/**
 * What `PortfolioValuation.pmsPortfolio` reads of the ledger: the loop reuses its last snapshot while
 * none of it (nor a mark) moved. If pmsPortfolio starts reading anything else, this key must grow.
 */
export function ledgerKey(ledger: Ledger): unknown[] {
  return [ledger.cashUnits, ledger.realizedUnits, ledger.feeUnits, ...ledger.allPositions().flatMap((p) => [p.symbol, p.qtyUnits, p.costUnits, p.realizedUnits, p.feeUnits])];
}
