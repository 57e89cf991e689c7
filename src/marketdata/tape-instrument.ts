import type { InstrumentSpec } from '../core/instrument.ts';
import type { TradeRow } from './csv.ts';

/**
 * An instrument spec for a recorded tape, inferred from the tape itself: the tick and the lot are
 * the finest increments the recorded prices and amounts use (what the exchange allowed), and the
 * minimum notional is set low enough never to refuse a real print's size.
 */
export function inferTapeInstrument(symbol: string, rows: readonly TradeRow[], fees = { makerFeeBps: 1, takerFeeBps: 5 }): InstrumentSpec {
  if (rows.length === 0) throw new Error('the tape has no trades');
  const decimals = (t: string): number => {
    const s = t.replace(/0+$/, '');
    const i = s.indexOf('.');
    return i < 0 ? 0 : s.length - i - 1;
  };
  let pd = 0;
  let qd = 0;
  for (const r of rows) {
    pd = Math.max(pd, decimals(r.priceText));
    qd = Math.max(qd, decimals(r.amountText));
  }
  // Notional must be exact at 8 decimals: give precedence to the price's precision.
  qd = Math.min(qd, Math.max(0, 8 - pd));
  const step = (d: number): string => (d === 0 ? '1' : `0.${'0'.repeat(d - 1)}1`);
  const [base = symbol, quote = 'QUOTE'] = symbol.split('/');
  return {
    symbol,
    base,
    quote,
    kind: 'crypto',
    tickSize: step(pd),
    lotSize: step(qd),
    minNotional: step(Math.min(8, pd + qd)),
    makerFeeBps: fees.makerFeeBps,
    takerFeeBps: fees.takerFeeBps,
    tradable: true,
  };
}
