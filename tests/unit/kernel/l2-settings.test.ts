import { describe, expect, it } from 'vitest';
import { capWeights } from '../../../src/kernel/l2-construct.ts';
import { DEFAULT_PORTFOLIO_OPTIONS } from '../../../src/kernel/l2-portfolio.ts';
import { defaultSettings, loadSettings, mergeSettings, validateSettings } from '../../../src/kernel/l2-settings.ts';

const known = (s: string) => ['SPY', 'BTC/USDT', 'ETH/USDT'].includes(s);
const base = defaultSettings(DEFAULT_PORTFOLIO_OPTIONS);
const check = (change: Parameters<typeof mergeSettings>[1]) => () => validateSettings(mergeSettings(base, change), known);

describe('portfolio settings', () => {
  it('the defaults are the engine options: signal-weighted, dynamic sizing, no caps, on-drift', () => {
    expect(base).toEqual({
      method: 'signal-weighted',
      lookbackDays: 252,
      riskFreeRate: 0,
      constraints: { minWeight: 0, maxWeight: null, cashBuffer: 0.01, groups: {}, groupCaps: {}, stayClose: 0 },
      sizing: 'dynamic',
      rebalance: { minTradeValue: null, driftThreshold: 0.01, turnoverCap: null, maxTradeWeight: 0.08, cadence: 'on-drift' },
    });
    expect(check({})).not.toThrow();
  });
  it('a change keeps what it does not name', () => {
    const s = mergeSettings(base, { method: 'min-volatility', constraints: { maxWeight: 0.2 }, rebalance: { cadence: 'weekly' } });
    expect(s.constraints).toEqual({ ...base.constraints, maxWeight: 0.2 });
    expect(s.rebalance).toEqual({ ...base.rebalance, cadence: 'weekly' });
    expect(mergeSettings(s, { constraints: { maxWeight: null } }).constraints.maxWeight).toBeNull();
  });
  it('bounds no book can meet are INFEASIBLE, with a sentence', () => {
    expect(check({ method: 'equal', constraints: { minWeight: 0.3, maxWeight: 0.2 } })).toThrow(expect.objectContaining({ code: 'INFEASIBLE', message: expect.stringMatching(/min weight 0.3 is above max weight 0.2/) }));
    expect(check({ method: 'equal', constraints: { minWeight: 0.95, cashBuffer: 0.1 } })).toThrow(expect.objectContaining({ code: 'INFEASIBLE' }));
  });
  it('combinations that make no sense are BAD_PARAM, with a sentence', () => {
    expect(check({ constraints: { minWeight: 0.05 } })).toThrow(expect.objectContaining({ code: 'BAD_PARAM', message: expect.stringMatching(/signal-weighted/) }));
    expect(check({ method: 'hrp', constraints: { stayClose: 0.1 } })).toThrow(expect.objectContaining({ code: 'BAD_PARAM', message: expect.stringMatching(/min-volatility/) }));
    expect(check({ method: 'min-volatility', constraints: { stayClose: 0.1 } })).not.toThrow();
    expect(check({ constraints: { groups: { XYZ: 'tech' } } })).toThrow(expect.objectContaining({ code: 'BAD_PARAM', message: expect.stringMatching(/XYZ: no such instrument/) }));
    expect(check({ constraints: { groupCaps: { tech: 0.1 } } })).toThrow(expect.objectContaining({ code: 'BAD_PARAM', message: expect.stringMatching(/group tech/) }));
    expect(check({ constraints: { groups: { 'BTC/USDT': 'crypto', 'ETH/USDT': 'crypto' }, groupCaps: { crypto: 0.1 } } })).not.toThrow();
    expect(check({ rebalance: { turnoverCap: 0.005, driftThreshold: 0.01 } })).toThrow(expect.objectContaining({ code: 'BAD_PARAM' }));
  });
  it('saved settings are validated again on load; refused ones fall back to the defaults with the reason', () => {
    const saved = mergeSettings(base, { method: 'risk-parity', constraints: { maxWeight: 0.3 } });
    expect(loadSettings(JSON.parse(JSON.stringify(saved)), base, known)).toEqual({ settings: saved, refused: null });
    expect(loadSettings(undefined, base, known)).toEqual({ settings: base, refused: null });
    const bad = loadSettings({ ...saved, method: 'astrology' }, base, known);
    expect(bad.settings).toEqual(base);
    expect(bad.refused).toMatch(/method/);
    const gone = loadSettings({ ...saved, constraints: { ...saved.constraints, groups: { DELISTED: 'x' } } }, base, known);
    expect(gone.refused).toMatch(/DELISTED/);
  });
  it('caps move the excess to the uncapped in proportion; what cannot be placed stays out', () => {
    const w = capWeights([0.5, 0.3, 0.2], [0.4, 0.4, 0.4]);
    expect(w[0]).toBeCloseTo(0.4, 12);
    expect(w[1]! + w[2]!).toBeCloseTo(0.6, 12);
    expect(w[1]! / w[2]!).toBeCloseTo(1.5, 12);
    expect(capWeights([0.6, 0.4], [0.3, 0.3])).toEqual([0.3, 0.3]);
  });
});
