import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, EquityWatermarks, drawdownPct, watermarksToJson } from '../../../src/risk/drawdown.ts';
import { RiskService } from '../../../src/risk/risk-service.ts';
import { MemoryRiskStore, bookOf, cash, instrumentOf, lim } from './helpers.ts';

const T0 = Date.UTC(2026, 0, 7, 10, 0);

/** A store that counts the watermark writes (and keeps every text written). */
class CountingStore extends MemoryRiskStore {
  writes: string[] = [];
  override setMeta(key: string, value: string): void {
    if (key === 'equity_watermarks') this.writes.push(value);
    super.setMeta(key, value);
  }
}

function service(store: MemoryRiskStore, now = T0): RiskService {
  return new RiskService(
    {
      store,
      instrumentOf,
      exposure: { cashUnits: () => cash('1000000'), positions: () => [], workingOrders: () => [], algoParents: () => [] },
      market: { ref: () => undefined, bid: () => undefined, ask: () => undefined },
      defaults: bookOf([lim('max_order_notional', '2000', '1000')]),
    },
    now,
  );
}

describe('RiskService: watermark persistence', () => {
  it('when equity stays flat then the watermarks are written once, not every few seconds', () => {
    const store = new CountingStore();
    const svc = service(store);
    for (let s = 0; s < 600; s++) svc.onEquity(cash('1000000'), T0 + s * 1000);
    expect(store.writes).toHaveLength(1);
  });

  it('when equity moves then the change is written within the wait, with the text the snapshot serialises to', () => {
    const store = new CountingStore();
    const svc = service(store);
    svc.onEquity(cash('1000000'), T0);
    svc.onEquity(cash('1000500'), T0 + 1000); // held back: 1 s after the last write
    for (let s = 2; s < 20; s++) svc.onEquity(cash('1000500'), T0 + s * 1000);
    expect(store.writes).toHaveLength(2);
    const last = JSON.parse(store.writes[1]!) as { lastEquity: string; at: number; marks: { daily: { peakEquity: string } } };
    expect(last).toMatchObject({ lastEquity: cash('1000500').toString(), at: T0 + 5000, marks: { daily: { peakEquity: cash('1000500').toString() } } });
  });

  it('when a change was held back and then written then a restart restores it', () => {
    const store = new CountingStore();
    const svc = service(store);
    svc.onEquity(cash('1000000'), T0);
    svc.onEquity(cash('1020000'), T0 + 1000);
    svc.onEquity(cash('990000'), T0 + 2000);
    for (let s = 3; s <= 6; s++) svc.onEquity(cash('990000'), T0 + s * 1000);
    const again = service(store, T0 + 7000);
    again.onEquity(cash('990000'), T0 + 7000);
    expect(again.status().loss).toMatchObject({ dayStartEquityUnits: cash('1000000'), dailyLossUnits: cash('10000') });
    // The peak of 1,020,000 was held back then written: the drawdown is measured from it.
    expect(again.status().loss?.drawdownPct.daily).toBe(drawdownPct(cash('1020000'), cash('990000')));
    expect(drawdownPct(cash('1020000'), cash('990000'))).toBeGreaterThan(0n);
  });

  it('when equity is observed then the loss accessor is what status reports', () => {
    const svc = service(new MemoryRiskStore());
    expect(svc.loss).toBeUndefined();
    svc.onEquity(cash('1000000'), T0);
    svc.onEquity(cash('970000'), T0 + 1000);
    expect(svc.loss).toBe(svc.status().loss);
    expect(svc.loss?.drawdownPct.daily).toBe(drawdownPct(cash('1000000'), cash('970000')));
  });

  it('when a day rolls over then the new day is written at once', () => {
    const store = new CountingStore();
    const svc = service(store);
    svc.onEquity(cash('1000000'), T0);
    const midnight = Date.UTC(2026, 0, 8);
    svc.onEquity(cash('1000000'), midnight - 1000);
    svc.onEquity(cash('1000000'), midnight);
    expect(store.writes).toHaveLength(2);
    expect(JSON.parse(store.writes[1]!)).toMatchObject({ marks: { daily: { start: midnight } } });
  });
});

describe('EquityWatermarks: the same-day shortcut', () => {
  it('gives the snapshot and view a fresh instance gives when fed the same series', () => {
    // The reference never takes the shortcut: each step is a fresh instance restored from the
    // previous step's snapshot with its time set past `now`, which forces the full period computation.
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: DAY_MS / 3 }), eq: fc.bigInt({ min: 0n, max: 2_000_000n }) }), { minLength: 1, maxLength: 60 }),
        (steps) => {
          const fast = new EquityWatermarks();
          let t = T0;
          let ref: ReturnType<EquityWatermarks['snapshot']>;
          for (const s of steps) {
            t += s.dt;
            fast.observe(s.eq, t);
            const slow = new EquityWatermarks({ snapshot: ref ? { ...ref, at: Number.MAX_SAFE_INTEGER } : undefined });
            slow.observe(s.eq, t);
            ref = slow.snapshot();
            expect(watermarksToJson(fast.snapshot()!)).toBe(watermarksToJson(ref!));
            expect(fast.view()).toEqual(slow.view());
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
