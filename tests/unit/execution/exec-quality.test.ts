import { describe, expect, it } from 'vitest';
import type { ExecQualityPointDto, TcaDto } from '../../../src/contract/dto.ts';
import { DEFAULT_EXEC_QUALITY, QualityTracker, groupBy, qualityAlerts, qualityPoint, summarise } from '../../../src/execution/exec-quality.ts';

let n = 0;
const pt = (algo: string, shortfallBps: number, over: Partial<ExecQualityPointDto> = {}): ExecQualityPointDto => {
  n++;
  return { orderId: `P${String(n).padStart(4, '0')}`, algo, symbol: 'BTC-USD', side: 'buy', endTs: 1_000 * n, shortfallBps, estimatedBps: null, qty: 1, notional: 100, ...over };
};
const cfg = { bandBps: 10, minCount: 4, window: 2 };

describe('execution quality summary', () => {
  it('mean, median, estimate mean, recent window and baseline of a group', () => {
    const g = summarise('twap', [pt('twap', 2, { estimatedBps: 4 }), pt('twap', 4), pt('twap', 6, { estimatedBps: 6 }), pt('twap', 20)], cfg);
    expect(g).toEqual({
      key: 'twap',
      parents: 4,
      meanShortfallBps: 8,
      medianShortfallBps: 5,
      meanEstimatedBps: 5,
      recentMeanBps: 13,
      recentMedianBps: 13,
      baselineMeanBps: 3,
      status: 'ok', // 13 − 3 = 10: on the band's edge is inside
    });
  });

  it('is insufficient below the minimum count and without a baseline', () => {
    expect(summarise('twap', [pt('twap', 1), pt('twap', 50), pt('twap', 60)], cfg).status).toBe('insufficient');
    expect(summarise('twap', [pt('twap', 1), pt('twap', 50)], { ...cfg, minCount: 2 }).status).toBe('insufficient');
    expect(summarise('twap', [], cfg)).toMatchObject({ parents: 0, meanShortfallBps: null, medianShortfallBps: null, status: 'insufficient' });
  });

  it('groups per algorithm and per instrument in end-time order whatever the input order', () => {
    const a = pt('twap', 1, { symbol: 'ETH-USD' });
    const b = pt('vwap', 3);
    const c = pt('twap', 5);
    const byAlgo = groupBy([c, b, a], 'algo', cfg);
    expect(byAlgo.map((g) => [g.key, g.parents, g.recentMeanBps])).toEqual([['twap', 2, 3], ['vwap', 1, 3]]);
    expect(groupBy([c, b, a], 'symbol', cfg).map((g) => [g.key, g.parents])).toEqual([['BTC-USD', 2], ['ETH-USD', 1]]);
  });

  it('takes a final TCA as a point with its recorded estimate', () => {
    const t = { orderId: 'X1', algo: 'twap', symbol: 'BTC-USD', side: 'sell', filledQty: 2, avgFillPrice: 50, shortfallBps: 7.5, endTs: 9, estimatedBps: 3.25 } as TcaDto;
    expect(qualityPoint(t)).toEqual({ orderId: 'X1', algo: 'twap', symbol: 'BTC-USD', side: 'sell', endTs: 9, shortfallBps: 7.5, estimatedBps: 3.25, qty: 2, notional: 100 });
    expect(qualityPoint({ ...t, estimatedBps: undefined, avgFillPrice: null }).estimatedBps).toBeNull();
  });
});

describe('deterioration check', () => {
  it('fires once past the band after the minimum count, stays quiet while outside, clears once back inside', () => {
    const q = new QualityTracker(cfg);
    const kinds = (p: ExecQualityPointDto) => q.add(p).map((t) => `${t.kind}:${t.dimension}:${t.key}`);
    // Three parents far apart: below minCount, no alert however bad.
    expect(kinds(pt('twap', 0))).toEqual([]);
    expect(kinds(pt('twap', 0))).toEqual([]);
    expect(kinds(pt('twap', 40))).toEqual([]);
    // The fourth: recent (40, 40) vs baseline (0, 0) = +40 bps > 10.
    expect(kinds(pt('twap', 40))).toEqual(['raised:algo:twap', 'raised:symbol:BTC-USD']);
    // Still outside: no second alert.
    expect(kinds(pt('twap', 45))).toEqual([]);
    // Back inside: recent (45, 5) = 25 vs baseline (0, 0, 40, 40) = 20 → +5.
    expect(kinds(pt('twap', 5))).toEqual(['cleared:algo:twap', 'cleared:symbol:BTC-USD']);
    expect(kinds(pt('twap', 5))).toEqual([]);
  });

  it('the band and the minimum count are configurable', () => {
    const wide = new QualityTracker({ ...cfg, bandBps: 50 });
    for (const s of [0, 0, 40]) wide.add(pt('pov', s));
    expect(wide.add(pt('pov', 40))).toEqual([]);
    const patient = new QualityTracker({ ...cfg, minCount: 6 });
    for (const s of [0, 0, 40]) patient.add(pt('pov', s));
    expect(patient.add(pt('pov', 40))).toEqual([]);
    expect(patient.add(pt('pov', 40))).toEqual([]);
    expect(patient.add(pt('pov', 40)).map((t) => t.kind)).toEqual(['raised', 'raised']);
  });

  it('per algorithm: one algo deteriorating does not raise another', () => {
    const q = new QualityTracker(cfg);
    for (const s of [1, 1, 1, 1]) q.add(pt('vwap', s, { symbol: 'ETH-USD' }));
    for (const s of [0, 0, 30]) q.add(pt('twap', s, { symbol: 'SOL-USD' }));
    const t = q.add(pt('twap', 30, { symbol: 'SOL-USD' }));
    expect(t.map((x) => `${x.dimension}:${x.key}`)).toEqual(['algo:twap', 'symbol:SOL-USD']);
    expect(q.query({}).byAlgo.map((g) => [g.key, g.status])).toEqual([['twap', 'deteriorated'], ['vwap', 'ok']]);
  });

  it('history loaded at start does not alert, but clearing later does', () => {
    const q = new QualityTracker(cfg);
    q.load([pt('twap', 0), pt('twap', 0), pt('twap', 40), pt('twap', 40)]);
    expect(q.query({ algo: 'twap' }).byAlgo[0]?.status).toBe('deteriorated');
    expect(q.add(pt('twap', 0)).map((t) => t.kind)).toEqual(['cleared', 'cleared']);
  });

  it('query filters by algo and symbol and keeps the newest points up to the limit', () => {
    const q = new QualityTracker(cfg);
    const ps = [pt('twap', 1), pt('vwap', 2), pt('twap', 3, { symbol: 'ETH-USD' }), pt('twap', 4)];
    q.load(ps);
    const r = q.query({ algo: 'twap', limit: 2 });
    expect(r.points.map((p) => p.shortfallBps)).toEqual([3, 4]);
    expect(r.byAlgo).toHaveLength(1);
    expect(r.byAlgo[0]?.parents).toBe(3);
    expect(q.query({ symbol: 'ETH-USD' }).points.map((p) => p.orderId)).toEqual([ps[2]?.orderId]);
    expect(r.config).toEqual(cfg);
  });

  it('refuses a config that could never or always fire', () => {
    expect(() => new QualityTracker({ ...DEFAULT_EXEC_QUALITY, bandBps: -1 })).toThrow(RangeError);
    expect(() => new QualityTracker({ ...DEFAULT_EXEC_QUALITY, minCount: 1 })).toThrow(RangeError);
    expect(() => new QualityTracker({ ...DEFAULT_EXEC_QUALITY, window: 0 })).toThrow(RangeError);
  });
});

describe('engine alerts from final TCAs', () => {
  const tca = (id: string, shortfallBps: number, final = true) => ({ orderId: id, algo: 'twap', symbol: 'ETH/USDT', side: 'buy', filledQty: 1, avgFillPrice: 10, shortfallBps, endTs: Number(id.slice(1)), final }) as TcaDto;

  it('a live TCA is not a point; a final one past the band is one EXEC_QUALITY_DETERIORATED alert per group, then one RECOVERED', () => {
    const q = new QualityTracker(cfg);
    expect(qualityAlerts(q, tca('T9', 500, false), 1)).toEqual([]);
    expect(q.all()).toHaveLength(0);
    for (const [id, s] of [['T1', 0], ['T2', 0], ['T3', 30]] as const) expect(qualityAlerts(q, tca(id, s), 1)).toEqual([]);
    const raised = qualityAlerts(q, tca('T4', 30), 7);
    expect(raised.map((a) => [a.code, a.severity, a.orderId, a.at])).toEqual([
      ['EXEC_QUALITY_DETERIORATED', 'warn', 'T4', 7],
      ['EXEC_QUALITY_DETERIORATED', 'warn', 'T4', 7],
    ]);
    expect(raised[0]?.message).toMatch(/algorithm twap deteriorated: mean shortfall of the last 2 parents 30 bps vs baseline 0 bps \(band 10 bps\)/);
    expect(raised[1]?.message).toMatch(/instrument ETH\/USDT/);
    expect(qualityAlerts(q, tca('T5', 31), 8)).toEqual([]);
    expect(qualityAlerts(q, tca('T6', 0), 9).map((a) => a.code)).toEqual(['EXEC_QUALITY_RECOVERED', 'EXEC_QUALITY_RECOVERED']);
  });
});
