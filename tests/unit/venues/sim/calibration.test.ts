import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBacktraderMinuteBars, parseTradesCsv } from '../../../../src/marketdata/csv.ts';
import {
  calibrateCrypto,
  calibrateDemoFromTexts,
  calibrateEquity,
  EQUITY_SESSION_SECONDS,
} from '../../../../src/venues/sim/calibration.ts';
import type { CalibrationCandle, DemoCalibration, ProfileCalibration } from '../../../../src/venues/sim/calibration.ts';

const root = new URL('../../../../', import.meta.url);
const fixture = (rel: string) => readFileSync(new URL(`tests/fixtures/data/${rel}`, root), 'utf8');
const texts = {
  cryptoTradesCsv: fixture('crypto/binance_XRPETH_trades_20191011-13.csv'),
  cryptoCandlesCsv: fixture('crypto/binance_XRPETH_1m_20191011-13.csv'),
  equityDailyClosesCsv: fixture('pypfopt/spy_prices.csv'),
  equityMinuteBarsTxt: fixture('backtrader/2006-01-02-volume-min-001.txt'),
};
const computed = calibrateDemoFromTexts(texts);
// Line ends normalised, so a CRLF checkout (git autocrlf) does not count as drift.
const committedText = readFileSync(new URL('assets/demo/calibration.json', root), 'utf8').replace(/\r\n/g, '\n');

function sampleSd(xs: readonly number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

describe('assets/demo/calibration.json', () => {
  it('is exactly what the calibration computes from the fixtures (run scripts/calibrate-demo.ts after a change)', () => {
    expect(JSON.parse(committedText) as DemoCalibration).toEqual(computed);
    expect(committedText).toBe(`${JSON.stringify(computed, null, 2)}\n`);
  });

  it.each([
    ['crypto', computed.crypto, 24, 60],
    ['equity', computed.equity, 26, 30],
  ] as const)('%s: finite positive figures and a profile that sums to 1', (_name, p: ProfileCalibration, buckets, minutes) => {
    for (const v of [p.volPerSqrtSecond, p.tradesPerSecond, p.tradeSizeLogSd]) {
      expect(Number.isFinite(v) && v > 0).toBe(true);
    }
    expect(p.profileBucketMinutes).toBe(minutes);
    expect(p.intradayVolumeProfile).toHaveLength(buckets);
    expect(p.intradayVolumeProfile.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
    expect(p.intradayVolumeProfile.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p.source.length).toBeGreaterThan(100);
  });
});

describe('hand-checkable figures', () => {
  it('crypto: 12,477 trades over 3,560 minutes, σ of ln(amount), hour-0 share from the tape itself', () => {
    const { crypto } = computed;
    expect(crypto.tradesPerSecond).toBe(12_477 / (3_560 * 60)); // ≈ 0.0584 per second, 3.5 per minute
    const trades = parseTradesCsv(texts.cryptoTradesCsv);
    expect(crypto.tradeSizeLogSd).toBeCloseTo(sampleSd(trades.map((t) => Math.log(t.amount))), 12);
    // Volume per observed minute by UTC hour, from the trades (not the candles): hours 0-10 are seen
    // on 3 days (180 minutes), hour 11 for 140 minutes, hours 12-23 on 2 days (120 minutes).
    const perHour = new Array<number>(24).fill(0);
    for (const t of trades) {
      const h = new Date(t.timestampMs).getUTCHours();
      perHour[h] = (perHour[h] ?? 0) + t.amount;
    }
    const exposure = perHour.map((_, h) => (h < 11 ? 180 : h === 11 ? 140 : 120));
    const rates = perHour.map((v, h) => v / (exposure[h] as number));
    const total = rates.reduce((a, b) => a + b, 0);
    rates.forEach((r, h) => expect(crypto.intradayVolumeProfile[h]).toBeCloseTo(r / total, 12));
    // A plausible 1-minute σ for a crypto cross: between 0.05% and 0.5%.
    const sigma1m = crypto.volPerSqrtSecond * Math.sqrt(60);
    expect(sigma1m).toBeGreaterThan(0.0005);
    expect(sigma1m).toBeLessThan(0.005);
  });

  it('equity: SPY daily σ ≈ 1.14% (≈ 18% a year) over √23,400; 30,889 bars over 41 days of 13 h', () => {
    const { equity } = computed;
    const daily = equity.volPerSqrtSecond * Math.sqrt(EQUITY_SESSION_SECONDS);
    expect(daily).toBeCloseTo(0.011432, 5);
    expect(daily * Math.sqrt(252)).toBeCloseTo(0.1815, 3);
    expect(equity.tradesPerSecond).toBe(30_889 / (41 * 13 * 3600));
    const bars = parseBacktraderMinuteBars(texts.equityMinuteBarsTxt);
    expect(bars).toHaveLength(30_889);
    // First bucket 09:00-09:30 (bars stamped 09:01 .. 09:30) holds the opening surge: about 9.9%.
    const total = bars.reduce((a, b) => a + b.volume, 0);
    const first = bars.filter((b) => b.minuteOfDay >= 541 && b.minuteOfDay <= 570).reduce((a, b) => a + b.volume, 0);
    expect(equity.intradayVolumeProfile[0]).toBeCloseTo(first / total, 12);
    expect(equity.intradayVolumeProfile[0]).toBeCloseTo(0.0987, 3);
  });
});

describe('calibrateCrypto on synthetic data', () => {
  /** One day of flat 1-minute candles from 00:00 UTC, with the given minutes traded at the given closes. */
  function day(traded: Record<number, number>): CalibrationCandle[] {
    const out: CalibrationCandle[] = [];
    let close = 1;
    for (let m = 0; m < 1440; m++) {
      const c = traded[m];
      if (c !== undefined) close = c;
      out.push({ timestampMs: m * 60_000, close, volume: c !== undefined ? 10 : 0 });
    }
    return out;
  }

  it('scales a return across flat carries by its elapsed time and removes the drift', () => {
    // Traded closes at minutes 0, 1 and 5: returns a = 0.01 over 1 minute, b = 0.02 over 4 minutes.
    // μ = 0.03 / 5 = 0.006; σ² = (a − μ)² / 1 + (b − 4μ)² / 4 = 1.6e-5 + 4e-6 = 2e-5 (n − 1 = 1).
    const candles = day({ 0: 1, 1: Math.exp(0.01), 5: Math.exp(0.03) });
    const trades = [0, 30_000, 60_000, 300_000].map((timestampMs) => ({ timestampMs, amount: 10 }));
    const p = calibrateCrypto(trades, candles);
    expect(p.volPerSqrtSecond * Math.sqrt(60)).toBeCloseTo(Math.sqrt(2e-5), 12);
    expect(p.tradesPerSecond).toBe(4 / 86_400);
    expect(p.tradeSizeLogSd).toBe(0);
    expect(p.intradayVolumeProfile[0]).toBe(1);
    expect(p.intradayVolumeProfile.slice(1).every((s) => s === 0)).toBe(true);
  });

  it('ignores trades outside the candle window and requires every hour to be observed', () => {
    const candles = day({ 0: 1, 1: 1.01, 2: 1.0 });
    const trades = [-1, 0, 1, 86_400_000].map((timestampMs) => ({ timestampMs, amount: 5 }));
    expect(calibrateCrypto(trades, candles).tradesPerSecond).toBe(2 / 86_400);
    expect(() => calibrateCrypto(trades, candles.slice(0, 600))).toThrow(RangeError);
  });
});

describe('calibrateEquity on synthetic data', () => {
  it('takes the session from end-stamped bars and bucket means out of the size dispersion', () => {
    const closes = [100, 101, 100].map((value, i) => ({ date: `2020-01-0${i + 1}`, value }));
    const bars = [
      // 09:00-09:30 bucket: volumes 10 and 1000 (one empty minute omitted); 09:30-10:00 bucket: 100 and 100.
      { date: '2020-01-01', minuteOfDay: 541, volume: 10 },
      { date: '2020-01-01', minuteOfDay: 570, volume: 1000 },
      { date: '2020-01-01', minuteOfDay: 571, volume: 100 },
      { date: '2020-01-02', minuteOfDay: 600, volume: 100 },
    ];
    const p = calibrateEquity(closes, bars);
    const r = [Math.log(1.01), Math.log(100 / 101)];
    expect(p.volPerSqrtSecond).toBeCloseTo(sampleSd(r) / Math.sqrt(23_400), 15);
    expect(p.intradayVolumeProfile).toEqual([1010 / 1210, 200 / 1210]); // session 09:00-10:00
    expect(p.tradesPerSecond).toBe(4 / (2 * 3600));
    // Deviations from bucket mean log volume: ±ln(10) in bucket 0, 0 in bucket 1; ddof = 4 − 2.
    expect(p.tradeSizeLogSd).toBeCloseTo(Math.sqrt((2 * Math.log(10) ** 2) / 2), 12);
  });
});
