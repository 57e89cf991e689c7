import { CASH_DECIMALS } from '../../core/instrument.ts';
import { toUnits } from '../../core/precision.ts';
import type { LoadedMarket } from '../../marketdata/recording.ts';
import { LIMIT_DEFS, defaultLimitBook } from '../../risk/limits.ts';
import type { LimitBook } from '../../risk/limits.ts';

/**
 * The replay account's starting cash, in the recording's quote currency.
 *
 * Until now every replay account started with 1,000,000 of the quote: sensible in USD, absurd on
 * XRP/ETH (1,000,000 ETH). What 10,000 USD is worth in ETH is not knowable offline, so the default is
 * read from the recording itself:
 * - a fiat or stablecoin quote (USD, USDT, EUR, …) keeps 1,000,000, the demo account's size;
 * - any other quote gets 1,000 × the median trade notional (price × amount) of the recording, to one
 *   significant digit: on binance_XRPETH_trades_20191011-13.csv the median trade is 0.1006 ETH, so the
 *   account holds 100 ETH; an order of 1,000 XRP (1.4 ETH) is then 1.4% of it, as 14,000 USD is of a
 *   1,000,000 USD account. On a candle file (candle-tape.ts) the trades are the bars' synthetic ones.
 * `replay load --cash N` (the contract's `cash`) overrides it.
 *
 * L1's default limit book is sized for a 1,000,000 account (max order notional 250,000, a minimum
 * cash buffer of 50,000, a daily loss of 30,000, all in the account's currency): on a 100 ETH account
 * the cash buffer alone would deny every buy. So its money levels are scaled by cash / 1,000,000 when
 * the replay runs on the default book; levels in %, bps, quantities and counts are left as they are.
 */

/** The demo account's size, and the account the default limit book is sized for. */
export const DEMO_ACCOUNT_CASH = '1000000';

/** Quotes whose unit is (about) a unit of fiat money: their accounts keep the demo's size. */
const FIAT_QUOTES = new Set(['USD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'DAI', 'FDUSD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD']);

/** How many median trades the account holds, for a quote of unknown fiat value. */
const MEDIAN_TRADES = 1_000;

/** `x` to one significant digit (nearest), as plain decimal text: 100.6 → "100", 0.0347 → "0.03". */
export function oneSignificant(x: number): string {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`need a positive amount, got ${x}`);
  const e = Math.floor(Math.log10(x));
  let d = Math.round(x / 10 ** e);
  let exp = e;
  if (d === 10) {
    d = 1;
    exp++;
  }
  if (exp >= 0) return String(d) + '0'.repeat(exp);
  // Below 1: the digit after -exp-1 zeros; never finer than the ledger's cash units.
  const places = Math.min(-exp, CASH_DECIMALS);
  return exp < -CASH_DECIMALS ? (10 ** -CASH_DECIMALS).toFixed(CASH_DECIMALS) : `0.${'0'.repeat(places - 1)}${d}`;
}

/** The median price × amount over every recorded trade of the market (exact enough for a default). */
export function medianTradeNotional(market: LoadedMarket): number {
  const n: number[] = [];
  for (const tape of market.tapes) for (const t of tape.trades) n.push(Number(t.priceText) * Number(t.amountText));
  if (n.length === 0) return 0;
  n.sort((a, b) => a - b);
  const mid = n.length >> 1;
  return n.length % 2 === 1 ? n[mid]! : (n[mid - 1]! + n[mid]!) / 2;
}

/** The replay account's default starting cash for `market` (see above). */
export function defaultReplayCash(market: LoadedMarket): string {
  if (FIAT_QUOTES.has(market.currency.toUpperCase())) return DEMO_ACCOUNT_CASH;
  const median = medianTradeNotional(market);
  return median > 0 ? oneSignificant(MEDIAN_TRADES * median) : DEMO_ACCOUNT_CASH;
}

/**
 * The default limit book with its money levels scaled to an account of `cash` (the book is sized for
 * DEMO_ACCOUNT_CASH). Exact in the limit's units, rounded down: a scaled cap never exceeds the ratio.
 */
export function limitsForCash(cash: string, book: LimitBook = defaultLimitBook()): LimitBook {
  const num = toUnits(cash, CASH_DECIMALS);
  const den = toUnits(DEMO_ACCOUNT_CASH, CASH_DECIMALS);
  if (num === den) return book;
  // A level the book refuses at zero (allowZero false) keeps one unit on a very small account.
  const scale = (v: bigint, allowZero: boolean) => {
    const x = (v * num) / den;
    return x === 0n && v !== 0n && !allowZero ? 1n : x;
  };
  const entries = book.entries.map((e) => {
    const d = LIMIT_DEFS[e.name];
    return d.unit === 'money' ? { ...e, hard: scale(e.hard, d.allowZero), soft: e.soft === null ? null : scale(e.soft, d.allowZero) } : e;
  });
  return { ...book, entries };
}
