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

/**
 * The instrument a trade tape names, from its header (`price_eth`, `amount_xrp` → XRP/ETH) or a
 * `symbol` column's first value; undefined when the file does not say.
 */
export function tapeSymbol(text: string): string | undefined {
  const nl = text.indexOf('\n');
  const header = (nl < 0 ? text : text.slice(0, nl)).trim().toLowerCase().split(',').map((c) => c.trim());
  const iSymbol = header.indexOf('symbol');
  if (iSymbol >= 0) {
    const line = text.slice(nl + 1, text.indexOf('\n', nl + 1) < 0 ? undefined : text.indexOf('\n', nl + 1));
    const v = line.split(',')[iSymbol]?.trim();
    if (v) return v.toUpperCase();
  }
  const quote = header.find((c) => c.startsWith('price_'))?.slice('price_'.length);
  const base = header.find((c) => c.startsWith('amount_'))?.slice('amount_'.length);
  return quote && base ? `${base.toUpperCase()}/${quote.toUpperCase()}` : undefined;
}
