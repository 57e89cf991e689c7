/**
 * When is an instrument's volatility known? One rule for every reader, so they never disagree: L1's
 * volatility regime (the ticket's "vol high / normal / unknown" and the limit scaling it drives) and
 * the PMS's `volatility_regime_high` flag. Before, L1 called volatility known after five minutes of
 * samples while the PMS flag waited for two hours of one-minute returns, so the ticket said
 * "vol normal" where the Risk panel had no regime at all (and, with a shorter PMS rule, a flag fired
 * "critical" while the ticket said "unknown").
 *
 * A regime compares the current volatility (measured over `window` returns) with its own past: that
 * comparison means something once the past holds MIN_VOL_HISTORY earlier values (capped by how many
 * the reader ranks against, its lookback). Against n earlier values a new high reads as the top
 * percentile whatever n is, so right after a start any wiggle looked critical; a 99th-percentile
 * reading needs at least 100 to tell the 99th from the maximum.
 */
export const MIN_VOL_HISTORY = 100;

/** True when `returns` returns of an instrument make its volatility known (see the module comment). */
export function volatilityKnown(returns: number, window: number, lookback = Number.POSITIVE_INFINITY): boolean {
  return returns - window >= Math.max(1, Math.min(MIN_VOL_HISTORY, lookback));
}
