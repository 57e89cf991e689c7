import { describe, expect, it } from 'vitest';
import { formOf, inputOf } from '../../../../renderer/src/features/portfolio/construction-form.ts';
import { DEFAULT_PORTFOLIO_OPTIONS } from '../../../../src/kernel/l2-portfolio.ts';
import { defaultSettings, mergeSettings } from '../../../../src/kernel/l2-settings.ts';

describe('the construction settings form', () => {
  it('shows percent as percent and sends fractions back; an empty optional field is none', () => {
    const s = mergeSettings(defaultSettings(DEFAULT_PORTFOLIO_OPTIONS), { method: 'min-volatility', constraints: { maxWeight: 0.035 }, rebalance: { turnoverCap: 0.5 } });
    const f = formOf(s);
    expect(f).toMatchObject({ method: 'min-volatility', maxWeight: '3.5', cashBuffer: '1', driftThreshold: '1', turnoverCap: '50', maxTradeWeight: '8', minTradeValue: '' });
    const back = inputOf(f);
    expect(typeof back).toBe('object');
    expect(mergeSettings(s, back as Exclude<typeof back, string>)).toEqual(s);
    expect(inputOf({ ...f, maxWeight: '' })).toMatchObject({ constraints: { maxWeight: null } });
    expect(inputOf({ ...f, cashBuffer: 'lots' })).toBe('Cash buffer: lots is not a number');
    expect(inputOf({ ...f, driftThreshold: ' ' })).toBe('Drift threshold is required');
  });
});
