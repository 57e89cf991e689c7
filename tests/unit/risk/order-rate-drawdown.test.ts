import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, EquityWatermarks, drawdownPct, periodStart, watermarksFromJson, watermarksToJson } from '../../../src/risk/drawdown.ts';
import { HOUR_MS, MINUTE_MS, OrderRateWindow } from '../../../src/risk/order-rate.ts';
import { cash } from './helpers.ts';

const T0 = Date.UTC(2026, 0, 7, 10, 0); // a Wednesday

describe('OrderRateWindow', () => {
  it('when orders are recorded then counts cover (now - window, now], overall and per symbol', () => {
    const w = new OrderRateWindow();
    w.record(T0, 'A');
    w.record(T0 + 10_000, 'B');
    w.record(T0 + 30_000, 'A');
    expect(w.rates(T0 + 30_000, 'A')).toEqual({ minute: 3, hour: 3, symbolMinute: 2, symbolHour: 2 });
    expect(w.rates(T0 + MINUTE_MS, 'A')).toEqual({ minute: 2, hour: 3, symbolMinute: 1, symbolHour: 2 });
    expect(w.rates(T0 + HOUR_MS + 30_000, 'A')).toEqual({ minute: 0, hour: 0, symbolMinute: 0, symbolHour: 0 });
    expect(w.count(T0 + 30_000, MINUTE_MS, 'C')).toBe(0);
  });

  it('when thousands of orders pass then old ones are pruned and counts stay exact', () => {
    const w = new OrderRateWindow();
    for (let k = 0; k < 10_000; k++) w.record(T0 + k * 1000, 'A');
    const now = T0 + 9_999 * 1000;
    expect(w.count(now, MINUTE_MS)).toBe(60);
    expect(w.count(now, HOUR_MS, 'A')).toBe(3600);
  });
});

describe('EquityWatermarks', () => {
  it('when equity rises then falls then the drawdown is from the peak and the loss from the day start', () => {
    const w = new EquityWatermarks();
    w.observe(cash('1000000'), T0);
    w.observe(cash('1100000'), T0 + 1000);
    const v = w.observe(cash('1045000'), T0 + 2000);
    expect(v.dayStartEquityUnits).toBe(cash('1000000'));
    expect(v.dayPnlUnits).toBe(cash('45000'));
    expect(v.dailyLossUnits).toBe(0n);
    expect(v.drawdownPct.daily).toBe(50_000n); // 55,000 / 1,100,000 = 5%
  });

  it('when a new day starts then the day restarts from the last equity, the week and month carry on', () => {
    const w = new EquityWatermarks();
    w.observe(cash('1000000'), T0);
    w.observe(cash('900000'), T0 + 1000);
    const next = w.observe(cash('890000'), T0 + DAY_MS);
    expect(next.dayStartEquityUnits).toBe(cash('900000'));
    expect(next.dailyLossUnits).toBe(cash('10000'));
    expect(next.drawdownPct.weekly).toBe(110_000n); // 110,000 / 1,000,000 = 11%
    expect(next.drawdownPct.daily).toBe(11_112n); // 10,000 / 900,000 = 1.1111...% rounded up
  });

  it('when restored from its snapshot then the same marks continue', () => {
    const w = new EquityWatermarks();
    w.observe(cash('1000000'), T0);
    w.observe(cash('950000'), T0 + 1000);
    const json = watermarksToJson(w.snapshot()!);
    const again = new EquityWatermarks({ snapshot: watermarksFromJson(json) });
    expect(again.view()).toEqual(w.view());
    expect(again.observe(cash('940000'), T0 + 2000).dailyLossUnits).toBe(cash('60000'));
    expect(watermarksFromJson('{oops')).toBeUndefined();
  });

  it('when periods are computed then days, Monday weeks and months start where expected, with an offset', () => {
    expect(periodStart('daily', T0)).toBe(Date.UTC(2026, 0, 7));
    expect(periodStart('weekly', T0)).toBe(Date.UTC(2026, 0, 5));
    expect(periodStart('monthly', T0)).toBe(Date.UTC(2026, 0, 1));
    // A New York day (UTC-5) starting at 05:00 UTC: 03:00 UTC on the 7th belongs to the 6th.
    expect(periodStart('daily', Date.UTC(2026, 0, 7, 3), 5 * 3_600_000)).toBe(Date.UTC(2026, 0, 6, 5));
  });

  it('when the peak is not positive then a further fall is a 100% drawdown', () => {
    expect(drawdownPct(0n, -1n)).toBe(1_000_000n);
    expect(drawdownPct(0n, 0n)).toBe(0n);
    expect(drawdownPct(100n, 100n)).toBe(0n);
  });
});

describe('OrderRateWindow against a plain list', () => {
  it('when orders arrive at any pace (the ring buffer wrapping and growing) then every count equals counting a plain list', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.constantFrom('A', 'B', 'C')), { minLength: 1, maxLength: 400 }), fc.integer({ min: 1_000, max: 120_000 }), (steps, retainMs) => {
        const w = new OrderRateWindow(retainMs);
        const all: { t: number; s: string }[] = [];
        let now = 1_000_000;
        for (const [dt, s] of steps) {
          now += dt;
          w.record(now, s);
          all.push({ t: now, s });
          for (const win of [1_000, 30_000, retainMs].filter((x) => x <= retainMs)) {
            const expected = all.filter((x) => x.t > now - win).length;
            const expectedSym = all.filter((x) => x.s === s && x.t > now - win).length;
            expect(w.count(now, win)).toBe(expected);
            expect(w.count(now, win, s)).toBe(expectedSym);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
