/**
 * An instrument read from a recording's file name, in the contract so the engine (loading a tape)
 * and the UI (naming the replay account's cash currency before the file is loaded) read it alike.
 */

const QUOTES = ['USDT', 'USDC', 'BUSD', 'TUSD', 'BTC', 'ETH', 'BNB', 'EUR', 'USD', 'GBP', 'JPY'];

/** "binance_XRPETH_trades_20191011-13.csv" → "XRP/ETH", when the file name says so. */
export function symbolFromFileName(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? name;
  for (const part of base.split(/[_.\-\s]+/)) {
    const m = /^([A-Z0-9]{2,10})$/.exec(part);
    if (!m) continue;
    for (const q of QUOTES) if (part.endsWith(q) && part.length > q.length) return `${part.slice(0, -q.length)}/${q}`;
  }
  return undefined;
}

/** The quote currency of BASE/QUOTE ("XRP/ETH" → "ETH"); undefined for a name without one. */
export function quoteOf(symbol: string): string | undefined {
  const q = symbol.split('/')[1];
  return q === undefined || q === '' ? undefined : q;
}
