import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateDaily, annualisedVolatility, DAY_MS, periodsPerYear } from '../../../src/marketdata/daily.ts';
import { demoDailyBars } from '../../../src/venues/sim/demo-daily.ts';
import calibration from '../../../assets/demo/calibration.json' with { type: 'json' };
import type { DemoCalibration } from '../../../src/venues/sim/calibration.ts';

/** SPY adjusted closes 1993–2019 (PyPortfolioOpt's test data, MIT), the real daily series L2 reads for SPY. */
function spyCloses(): { time: number; close: number }[] {
  return readFileSync(new URL('../../fixtures/pypfopt/spy_prices.csv', import.meta.url), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(','))
    .map(([d, c]) => ({ time: Date.parse(`${d}T00:00:00Z`), close: Number(c) }));
}

/** Independent: sample σ of daily log returns × √252, written out by hand. */
function handVol(closes: number[]): number {
  let sum = 0;
  const r: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    r.push(Math.log(closes[i]! / closes[i - 1]!));
    sum += r[r.length - 1]!;
  }
  const m = sum / r.length;
  let ss = 0;
  for (const x of r) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (r.length - 1)) * Math.sqrt(252);
}

describe('daily bars and annualisation', () => {
  it('annualisation follows the bar interval and calendar: 252 a year for daily equity bars, 365 for crypto, never minutes treated as days', () => {
    expect(periodsPerYear(DAY_MS, 'weekdays')).toBe(252);
    expect(periodsPerYear(DAY_MS, 'every-day')).toBe(365);
    expect(periodsPerYear(7 * DAY_MS, 'weekdays')).toBeCloseTo(36, 12);
    expect(periodsPerYear(60_000, 'every-day')).toBe(365 * 1440);
    expect(periodsPerYear(60_000, 'weekdays')).toBe(252 * 390);
  });

  it('when SPY real daily closes are annualised then the volatility is ~18% and equals an independent computation', () => {
    const closes = spyCloses().map((p) => p.close);
    const v = annualisedVolatility(closes, DAY_MS, 'weekdays')!;
    expect(v).toBeGreaterThan(0.1);
    expect(v).toBeLessThan(0.35);
    expect(v).toBeCloseTo(handVol(closes), 12);
    // The calibration file states the same figure from the same data (σ 0.0114323 a day, 0.181483 a year).
    expect(v).toBeCloseTo(0.181483, 5);
  });

  it('when 1m candles span days then each closed UTC day becomes one bar (first open, high, low, last close, summed volume) and today stays out', () => {
    const day0 = Date.UTC(2026, 0, 5);
    const candles = [
      { time: day0 + 10 * 60_000, open: 10, high: 11, low: 9.5, close: 10.5, volume: 2 },
      { time: day0 + 20 * 60_000, open: 10.5, high: 12, low: 10, close: 11, volume: 3 },
      { time: day0 + DAY_MS + 5 * 60_000, open: 11, high: 11.2, low: 8, close: 9, volume: 1 },
      { time: day0 + 2 * DAY_MS + 1, open: 9, high: 9, low: 9, close: 9, volume: 1 },
    ];
    const bars = aggregateDaily(candles, day0 + 2 * DAY_MS + 3_600_000);
    expect(bars).toEqual([
      { time: day0, closeTime: day0 + DAY_MS, open: 10, high: 12, low: 9.5, close: 11, volume: 5 },
      { time: day0 + DAY_MS, closeTime: day0 + 2 * DAY_MS, open: 11, high: 11.2, low: 8, close: 9, volume: 1 },
    ]);
    // Days already held are not rebuilt.
    expect(aggregateDaily(candles, day0 + 2 * DAY_MS + 3_600_000, day0 + DAY_MS).map((b) => b.time)).toEqual([day0 + DAY_MS]);
  });

  it('the demo market lays real SPY returns on the weekdays before the session, ending at the opening price; crypto is a labelled synthetic path at the calibrated volatility', () => {
    const spy = spyCloses();
    const end = Date.UTC(2026, 0, 5, 14, 30);
    const h = demoDailyBars(calibration as DemoCalibration, { endTime: end, seed: 3, real: { SPY: { series: spy, source: 'spy_prices.csv' } }, endPrice: (s) => (s === 'SPY' ? 500 : undefined) });
    const s = h.SPY!;
    expect(s.bars).toHaveLength(1260);
    // 2026-01-05 is a Monday: SPY's last day before it is Friday the 2nd (final at Saturday 00:00 UTC).
    expect(s.bars.at(-1)!.time).toBe(Date.UTC(2026, 0, 2));
    expect(s.bars.at(-1)!.close).toBeCloseTo(500, 9);
    expect(s.bars.every((b) => ![0, 6].includes(new Date(b.time).getUTCDay()))).toBe(true);
    // The returns are the real ones: same volatility as the last 1,261 real closes.
    const real = spy.slice(-1261).map((p) => p.close);
    expect(annualisedVolatility(s.bars.map((b) => b.close), DAY_MS, 'weekdays')).toBeCloseTo(handVol(real.slice(1)), 9);
    expect(s.source).toMatch(/^real daily returns/);
    const btc = h['BTC/USDT']!;
    expect(btc.source).toMatch(/^synthetic/);
    expect(btc.bars.at(-1)!.closeTime).toBe(Date.UTC(2026, 0, 5));
    const cal = calibration as DemoCalibration;
    const expected = cal.crypto.volPerSqrtSecond * Math.sqrt(86_400) * Math.sqrt(365);
    const vol = annualisedVolatility(btc.bars.map((b) => b.close), DAY_MS, 'every-day')!;
    expect(vol).toBeGreaterThan(0.2);
    expect(vol).toBeLessThan(1.5);
    // 1,259 returns: the sample σ is within ~4 standard errors of the calibrated one.
    expect(Math.abs(vol / expected - 1)).toBeLessThan(4 / Math.sqrt(2 * 1259));
  });
});
