/**
 * Calibration of the demo market model's parameters from real data (pure: text / rows in, numbers out).
 *
 * `scripts/calibrate-demo.ts` runs `calibrateDemoFromTexts` on the fixtures in tests/fixtures/data and
 * writes assets/demo/calibration.json; a unit test recomputes it from the same fixtures and requires
 * equality, so the committed file cannot drift from the code or the data.
 *
 * Conventions used throughout: log returns; sample standard deviations with ddof = 1; times in seconds.
 */
import type { CandleRow, DailyCloseRow, MinuteBarRow, TradeRow } from '../../marketdata/csv.ts';
import {
  parseBacktraderMinuteBars,
  parseCandlesCsv,
  parseDailyClosesCsv,
  parseTradesCsv,
} from '../../marketdata/csv.ts';

export interface ProfileCalibration {
  /** σ of log returns per √second. */
  volPerSqrtSecond: number;
  /** Poisson rate of background trades (per second of trading time). */
  tradesPerSecond: number;
  /** Dispersion (σ of ln size) of individual trade sizes. */
  tradeSizeLogSd: number;
  /**
   * Share of a session's volume in each bucket (sums to 1). The profile covers one whole session of
   * `intradayVolumeProfile.length × profileBucketMinutes` minutes, bucket 0 at the session open; a model
   * whose session has another length should pick the bucket by the fraction of the session elapsed.
   */
  intradayVolumeProfile: number[];
  profileBucketMinutes: number;
  /** Which file(s), which window, how computed. */
  source: string;
}

export interface DemoCalibration {
  version: 1;
  crypto: ProfileCalibration;
  equity: ProfileCalibration;
}

/** What the crypto calibration reads of a trade. */
export type CalibrationTrade = Pick<TradeRow, 'timestampMs' | 'amount'>;
/** What the crypto calibration reads of a 1-minute candle. */
export type CalibrationCandle = Pick<CandleRow, 'timestampMs' | 'close' | 'volume'>;
/** What the equity calibration reads of a daily close. */
export type CalibrationDailyClose = Pick<DailyCloseRow, 'date' | 'value'>;
/** What the equity calibration reads of a minute bar. */
export type CalibrationMinuteBar = Pick<MinuteBarRow, 'date' | 'minuteOfDay' | 'volume'>;

const MINUTE_MS = 60_000;
/** A US cash-equity session, 09:30-16:00: 6.5 h. */
export const EQUITY_SESSION_SECONDS = 23_400;
const CRYPTO_BUCKET_MINUTES = 60;
const EQUITY_BUCKET_MINUTES = 30;

function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) throw new RangeError('need at least two observations for a standard deviation');
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

function normalise(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('no volume to build a profile from');
  return weights.map((w) => w / total);
}

function fmt(x: number, digits = 6): string {
  return Number(x.toPrecision(digits)).toString();
}

/**
 * Crypto profile from a trade tape and its 1-minute candles (the Binance XRP/ETH fixtures).
 *
 * - Window: from the first candle's open to the last candle's close (the candles have no gaps; they are
 *   the exchange's own account of which minutes existed). Trades outside the window are ignored.
 * - Volatility: only minutes with volume > 0 have a traded close; a flat carry repeats the previous
 *   close and says nothing about the price. So returns are taken between consecutive traded closes,
 *   r_i = ln(C_i / C_{i-1}), each over its elapsed Δt_i minutes (1 when the minutes are adjacent). Under
 *   a Brownian log price r_i ~ N(μΔt_i, σ²Δt_i), so the 1-minute variance is estimated as
 *   σ₁² = Σ (r_i − μ̂Δt_i)² / Δt_i / (n − 1) with μ̂ = Σr_i / ΣΔt_i, and volPerSqrtSecond = σ₁ / √60.
 *   (Averaging in the zero returns of flat minutes would bias σ down; dropping the gaps' elapsed time
 *   would bias it up.) No microstructure correction is applied: on the XRP/ETH tape the returns' lag-1
 *   autocorrelation is about −0.24 (bid-ask bounce); `source` reports it with the corrected figure.
 * - Arrivals: number of trades in the window / window seconds (24/7 market: all seconds count). Trades
 *   sharing a timestamp (one taker order sweeping levels) count separately.
 * - Sizes: sample σ of ln(amount) over all trades in the window.
 * - Profile: 24 hour-of-day (UTC) buckets. The window is not a whole number of days (hours 00-10 occur
 *   three times, 12-23 twice, 11 for 80 minutes), so each bucket's volume is divided by the number of
 *   candle minutes observed in that hour of day (volume per minute), and those rates normalised to 1.
 */
export function calibrateCrypto(
  trades: readonly CalibrationTrade[],
  candles: readonly CalibrationCandle[],
): ProfileCalibration {
  const first = candles[0];
  const last = candles[candles.length - 1];
  if (!first || !last) throw new RangeError('no candles');
  const windowStart = first.timestampMs;
  const windowEnd = last.timestampMs + MINUTE_MS;
  const windowSeconds = (windowEnd - windowStart) / 1000;

  // Volatility from traded minutes, with the time each return spans.
  const returns: number[] = [];
  const spans: number[] = [];
  let prev: CalibrationCandle | null = null;
  for (const c of candles) {
    if (c.volume <= 0) continue;
    if (prev !== null) {
      returns.push(Math.log(c.close / prev.close));
      spans.push((c.timestampMs - prev.timestampMs) / MINUTE_MS);
    }
    prev = c;
  }
  if (returns.length < 2) throw new RangeError('need at least three traded minutes');
  const mu = returns.reduce((a, b) => a + b, 0) / spans.reduce((a, b) => a + b, 0);
  let ss = 0;
  returns.forEach((r, i) => {
    const dt = spans[i] as number;
    ss += (r - mu * dt) ** 2 / dt;
  });
  const sigmaMinute = Math.sqrt(ss / (returns.length - 1));
  // Diagnostic only (reported in `source`, not applied): lag-1 autocorrelation of the standardised
  // returns. A clearly negative value is bid-ask bounce, which inflates a 1-minute σ of trade prices.
  const z = returns.map((r, i) => (r - mu * (spans[i] as number)) / Math.sqrt(spans[i] as number));
  let zz = 0;
  let zlag = 0;
  z.forEach((v, i) => {
    zz += v * v;
    if (i > 0) zlag += v * (z[i - 1] as number);
  });
  const rho1 = zlag / zz;

  // Arrivals and sizes.
  const inWindow = trades.filter((t) => t.timestampMs >= windowStart && t.timestampMs < windowEnd);
  if (inWindow.length < 2) throw new RangeError('need at least two trades in the window');
  const tradeSizeLogSd = sampleSd(inWindow.map((t) => Math.log(t.amount)));

  // Hour-of-day profile, exposure-weighted.
  const buckets = (24 * 60) / CRYPTO_BUCKET_MINUTES;
  const volume = new Array<number>(buckets).fill(0);
  const minutes = new Array<number>(buckets).fill(0);
  for (const c of candles) {
    const b = Math.floor((((c.timestampMs % 86_400_000) + 86_400_000) % 86_400_000) / (CRYPTO_BUCKET_MINUTES * MINUTE_MS));
    volume[b] = (volume[b] ?? 0) + c.volume;
    minutes[b] = (minutes[b] ?? 0) + 1;
  }
  if (minutes.some((m) => m === 0)) throw new RangeError('the candles do not cover every hour of the day');
  const profile = normalise(volume.map((v, i) => v / (minutes[i] as number)));

  const tradedMinutes = returns.length + 1;
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  return {
    volPerSqrtSecond: sigmaMinute / Math.sqrt(60),
    tradesPerSecond: inWindow.length / windowSeconds,
    tradeSizeLogSd,
    intradayVolumeProfile: profile,
    profileBucketMinutes: CRYPTO_BUCKET_MINUTES,
    source:
      `Binance XRP/ETH, ${iso(windowStart)} .. ${iso(windowEnd)} (${windowSeconds} s, ${candles.length} one-minute candles, ` +
      `${inWindow.length} trades); files binance_XRPETH_1m_20191011-13.csv and binance_XRPETH_trades_20191011-13.csv ` +
      `(freqtrade test data). volPerSqrtSecond: σ of 1-minute log returns between consecutive traded closes ` +
      `(${tradedMinutes} traded minutes, ${returns.length} returns; a return spanning Δt minutes of flat carries is ` +
      `scaled by 1/√Δt, drift removed), σ1m = ${fmt(sigmaMinute)}, divided by √60. Not corrected for bid-ask bounce: ` +
      `the lag-1 autocorrelation of these returns is ${fmt(rho1, 3)}, so this is the volatility of traded prices at ` +
      `a 1-minute scale, above that of the underlying mid (σ1m·√(1+2ρ1) = ${fmt(sigmaMinute * Math.sqrt(Math.max(0, 1 + 2 * rho1)))} ` +
      `would remove first-order noise). tradesPerSecond: trades / window seconds (trades printed at one timestamp, ` +
      `e.g. one taker order filling several price levels, count separately). tradeSizeLogSd: sample σ of ln(amount in XRP) over all trades. intradayVolumeProfile: 24 UTC ` +
      `hour-of-day buckets of candle volume per observed minute (${Math.min(...minutes)} to ${Math.max(...minutes)} ` +
      `minutes observed per hour of day), normalised to sum 1.`,
  };
}

/**
 * Equity profile from SPY daily adjusted closes and, as a proxy for intraday activity, the backtrader
 * 1-minute bars with volume (there is no SPY tick or minute data among the sources).
 *
 * - Volatility: sample σ of daily log returns of the adjusted close over the whole history, divided by
 *   √23,400 (one 6.5 h US session per trading day; overnight variance is folded into the session).
 * - Session of the minute file: backtrader stamps bars with their end time, so the bar stamped m covers
 *   minute [m−1, m). The session is taken as the bars' span rounded out to whole buckets (the sample
 *   file: 09:00-22:00 local, 780 minutes: a European index future, not a US stock).
 * - Arrivals (proxy): the file has no trade counts, so each bar with volume > 0 counts as one print:
 *   tradesPerSecond = bars with volume / (trading days × session seconds). This is a lower bound on the
 *   true trade rate (at most 1/60 per second by construction).
 * - Sizes (proxy): the "print" size is the bar's volume; its dispersion is the pooled within-bucket σ of
 *   ln(volume) (each 30-minute bucket's mean log volume removed, ddof = bars − buckets), so the intraday
 *   seasonality that the profile already models is not counted twice.
 * - Profile: total volume per 30-minute bucket of the session across all days, normalised to sum 1.
 */
export function calibrateEquity(
  dailyCloses: readonly CalibrationDailyClose[],
  minuteBars: readonly CalibrationMinuteBar[],
): ProfileCalibration {
  // Daily volatility.
  const logReturns: number[] = [];
  for (let i = 1; i < dailyCloses.length; i++) {
    const a = dailyCloses[i - 1] as CalibrationDailyClose;
    const b = dailyCloses[i] as CalibrationDailyClose;
    logReturns.push(Math.log(b.value / a.value));
  }
  const sigmaDaily = sampleSd(logReturns);
  const firstDay = dailyCloses[0]?.date ?? '';
  const lastDay = dailyCloses[dailyCloses.length - 1]?.date ?? '';

  // Session from the minute bars (end-stamped).
  if (minuteBars.length === 0) throw new RangeError('no minute bars');
  let openMinute = Infinity;
  let closeMinute = -Infinity;
  for (const bar of minuteBars) {
    openMinute = Math.min(openMinute, bar.minuteOfDay - 1);
    closeMinute = Math.max(closeMinute, bar.minuteOfDay);
  }
  const sessionOpen = Math.floor(openMinute / EQUITY_BUCKET_MINUTES) * EQUITY_BUCKET_MINUTES;
  const sessionClose = Math.ceil(closeMinute / EQUITY_BUCKET_MINUTES) * EQUITY_BUCKET_MINUTES;
  const buckets = (sessionClose - sessionOpen) / EQUITY_BUCKET_MINUTES;
  const bucketOf = (bar: CalibrationMinuteBar) => Math.floor((bar.minuteOfDay - 1 - sessionOpen) / EQUITY_BUCKET_MINUTES);
  const days = new Set(minuteBars.map((b) => b.date)).size;

  // Profile and proxies.
  const volume = new Array<number>(buckets).fill(0);
  const logSum = new Array<number>(buckets).fill(0);
  const logCount = new Array<number>(buckets).fill(0);
  let prints = 0;
  for (const bar of minuteBars) {
    const b = bucketOf(bar);
    volume[b] = (volume[b] ?? 0) + bar.volume;
    if (bar.volume > 0) {
      prints++;
      logSum[b] = (logSum[b] ?? 0) + Math.log(bar.volume);
      logCount[b] = (logCount[b] ?? 0) + 1;
    }
  }
  const profile = normalise(volume);
  const usedBuckets = logCount.filter((n) => n > 0).length;
  let ss = 0;
  for (const bar of minuteBars) {
    if (bar.volume <= 0) continue;
    const b = bucketOf(bar);
    ss += (Math.log(bar.volume) - (logSum[b] as number) / (logCount[b] as number)) ** 2;
  }
  if (prints - usedBuckets < 1) throw new RangeError('too few minute bars with volume');
  const tradeSizeLogSd = Math.sqrt(ss / (prints - usedBuckets));
  const sessionSeconds = (sessionClose - sessionOpen) * 60;
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

  return {
    volPerSqrtSecond: sigmaDaily / Math.sqrt(EQUITY_SESSION_SECONDS),
    tradesPerSecond: prints / (days * sessionSeconds),
    tradeSizeLogSd,
    intradayVolumeProfile: profile,
    profileBucketMinutes: EQUITY_BUCKET_MINUTES,
    source:
      `volPerSqrtSecond: SPY daily adjusted closes ${firstDay} .. ${lastDay} (pypfopt spy_prices.csv, ` +
      `${logReturns.length} daily log returns), sample σ = ${fmt(sigmaDaily)} per day (${fmt(sigmaDaily * Math.sqrt(252))} ` +
      `annualised with 252), divided by √${EQUITY_SESSION_SECONDS} (one 6.5 h US session per day). The rest is a ` +
      `documented proxy, since there is no SPY intraday data: backtrader 2006-01-02-volume-min-001.txt, 1-minute bars ` +
      `(end-stamped) of a European index future, ${minuteBars[0]?.date} .. ${minuteBars[minuteBars.length - 1]?.date}, ` +
      `${days} trading days, session ${hhmm(sessionOpen)}-${hhmm(sessionClose)} local (${sessionSeconds} s), ` +
      `${minuteBars.length} bars. tradesPerSecond: each bar with volume counts as one print (${prints} prints / ` +
      `(${days} days × ${sessionSeconds} s)); a lower bound on the true trade rate. tradeSizeLogSd: pooled ` +
      `within-bucket σ of ln(bar volume) (30-minute bucket means removed, so the intraday seasonality of the ` +
      `profile is not counted twice). intradayVolumeProfile: total volume per 30-minute bucket of the ${buckets}-bucket ` +
      `session over all days, normalised to sum 1 (it spans ${(sessionClose - sessionOpen) / 60} h, not the 6.5 h ` +
      `used for volatility: map it by the fraction of the session elapsed).`,
  };
}

/** Raw texts of the four fixture files the demo calibration reads. */
export interface DemoCalibrationInputs {
  cryptoTradesCsv: string;
  cryptoCandlesCsv: string;
  equityDailyClosesCsv: string;
  equityMinuteBarsTxt: string;
}

/** The whole demo calibration, from the fixtures' texts (what scripts/calibrate-demo.ts writes). */
export function calibrateDemoFromTexts(inputs: DemoCalibrationInputs): DemoCalibration {
  return {
    version: 1,
    crypto: calibrateCrypto(parseTradesCsv(inputs.cryptoTradesCsv), parseCandlesCsv(inputs.cryptoCandlesCsv)),
    equity: calibrateEquity(
      parseDailyClosesCsv(inputs.equityDailyClosesCsv, 'SPY'),
      parseBacktraderMinuteBars(inputs.equityMinuteBarsTxt),
    ),
  };
}
