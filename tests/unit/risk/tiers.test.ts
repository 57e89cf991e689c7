import { describe, expect, it } from 'vitest';
import { URGENCIES } from '../../../src/contract/dto.ts';
import { defaultLimitBook, getEntry } from '../../../src/risk/limits.ts';
import { DEFAULT_TIERS, effectiveLevels, effectiveLimitTable, strictnessFor, validateTierConfig, volRegime } from '../../../src/risk/tiers.ts';
import type { TierConfig } from '../../../src/risk/tiers.ts';
import { cash, lim } from './helpers.ts';

describe('urgency tiers', () => {
  it('when each urgency is mapped then immediate is the strictest price band and only parents of slower tiers defer checks', () => {
    const rows = URGENCIES.map((u) => {
      const s = strictnessFor(u, undefined);
      return [u, s.tier, s.factors.price_band_pct, s.deferred.join('+')];
    });
    expect(rows).toEqual([
      ['immediate', 'T1-immediate', 0.5, ''],
      ['high', 'T2-high', 0.75, ''],
      ['medium', 'T3-medium', 1, 'spread'],
      ['low', 'T4-low', 1, 'spread+price_band'],
    ]);
  });

  it('when a tier factor applies then a maximum is scaled down and the soft level with it', () => {
    const e = lim('price_band_pct', '5', '2');
    expect(effectiveLevels(e, strictnessFor('immediate', undefined))).toEqual({ hard: 25_000n, soft: 10_000n });
    expect(effectiveLevels(e, strictnessFor('medium', undefined))).toEqual({ hard: 50_000n, soft: 20_000n });
  });

  it('when the configuration is invalid then validation says why', () => {
    expect(validateTierConfig(DEFAULT_TIERS)).toEqual([]);
    const bad: TierConfig = {
      byUrgency: { ...DEFAULT_TIERS.byUrgency, low: { name: 'L', deferred: [], factors: { max_leverage: 0 }, description: '' } },
      volatility: { highRatio: 0.5, minFactor: 2, appliesTo: [] },
    };
    expect(validateTierConfig(bad)).toEqual(['L: factor for max_leverage must be in (0, 10]', 'volatility.highRatio must be at least 1', 'volatility.minFactor must be in (0, 1]']);
  });
});

describe('volatility regime', () => {
  const cfg = DEFAULT_TIERS.volatility; // high at 1.5x, floor 0.25

  it('when current volatility is below 1.5x the baseline then nothing is scaled', () => {
    expect(volRegime({ baseline: 2, current: 2.9 }, cfg)).toEqual({ regime: 'normal', ratio: 1.45, factor: 1 });
  });

  it('when it is high then the factor is baseline/current, floored', () => {
    expect(volRegime({ baseline: 1, current: 2 }, cfg)).toEqual({ regime: 'high', ratio: 2, factor: 0.5 });
    expect(volRegime({ baseline: 1, current: 10 }, cfg)).toEqual({ regime: 'high', ratio: 10, factor: 0.25 });
  });

  it('when volatility is unknown or nonsense then the regime is unknown and nothing is scaled', () => {
    expect(volRegime(undefined, cfg)).toEqual({ regime: 'unknown', ratio: null, factor: 1 });
    expect(volRegime({ baseline: 0, current: 1 }, cfg).regime).toBe('unknown');
    expect(volRegime({ baseline: 1, current: Number.NaN }, cfg).regime).toBe('unknown');
  });

  it('when high then only the listed limits tighten, multiplied with the tier factor', () => {
    const s = strictnessFor('immediate', { baseline: 1, current: 4 });
    expect(s.factors.max_order_notional).toBe(0.25);
    expect(s.factors.max_position_pct_nav).toBe(0.25);
    expect(s.factors.price_band_pct).toBe(0.5); // tier only: the band is not in appliesTo
    expect(s.factors.max_daily_loss).toBe(1);
  });
});

describe('effectiveLimitTable', () => {
  it('when asked for a symbol then every governing limit is listed with base, factor and effective levels', () => {
    const book = defaultLimitBook();
    const rows = effectiveLimitTable(book, 'BTC/USDT', strictnessFor('immediate', { baseline: 1, current: 2 }));
    const notional = rows.find((r) => r.name === 'max_order_notional')!;
    expect(notional).toEqual({ name: 'max_order_notional', scope: 'global', base: { hard: cash('250000'), soft: cash('100000') }, factor: 0.5, effective: { hard: cash('125000'), soft: cash('50000') } });
    expect(rows.find((r) => r.name === 'max_order_qty')!.scope).toBe('symbol:BTC/USDT');
    expect(rows.filter((r) => r.name === 'max_gross_exposure_pct_nav').map((r) => r.scope)).toEqual(['global', 'group:crypto']);
    expect(rows.some((r) => r.scope === 'group:equity')).toBe(false);
    expect(getEntry(book, 'min_cash_buffer', { kind: 'global' })).toBeDefined();
  });
});
