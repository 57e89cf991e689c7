/**
 * Decimals of money shown without a precision of its own: the account currency's. 2 for USD and
 * the dollar stablecoins, a fiat currency's minor units (JPY 0), 8 for BTC and 6 for any other
 * crypto: a replay account in ETH made 0.0004 ETH, which two decimals showed as "−0.00". The UI and
 * the CLI's human output both print by it.
 */
const STABLE = new Set(['USDT', 'USDC', 'BUSD', 'DAI', 'TUSD', 'FDUSD', 'USDP']);

export function currencyDecimals(currency: string): number {
  const c = currency.trim().toUpperCase();
  if (c === '' || STABLE.has(c)) return 2;
  if (c === 'BTC') return 8;
  const fiat = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency').includes(c) : /^(USD|EUR|GBP|CHF|JPY|CAD|AUD)$/.test(c);
  if (!fiat) return 6;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: c }).resolvedOptions().maximumFractionDigits ?? 2;
}
