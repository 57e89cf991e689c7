import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ESCALATION,
  DEFAULT_FLAG_THRESHOLDS,
  escalationMatrix,
  evaluateFlags,
  flagMetrics,
  severityOf,
  strongestAction,
} from '../../../src/pms/flags.ts';
import type { FlagMetrics, FlagThresholds } from '../../../src/pms/flags.ts';
import { drawdownReport, portfolioMetrics } from '../../../src/pms/portfolio-metrics.ts';

const calm: FlagMetrics = {
  nav: 100_000,
  dailyPnlPct: 0.004,
  leverage: 0.8,
  grossExposure: 80_000,
  drawdown: { sinceInception: 0.01, day: 0, week: 0.005, month: 0.01 },
  concentration: [{ symbol: 'SPY', shareOfNav: 0.2 }],
  correlation: { current: 0.3, baseline: 0.25, change: 0.05 },
  volatility: [{ subject: 'SPY', percentile: 0.5 }],
  valueAtRisk: [{ confidence: 0.99, valueAtRisk: 2_000, label: 'historical 99%' }],
};

describe('severityOf', () => {
  it('when the value reaches a threshold then the highest severity reached is returned, boundaries included', () => {
    const levels = { info: 0.01, warning: 0.02, critical: 0.05 };
    expect(severityOf(0.0099, levels)).toBeUndefined();
    expect(severityOf(0.01, levels)).toEqual({ severity: 'info', threshold: 0.01 });
    expect(severityOf(0.049, levels)).toEqual({ severity: 'warning', threshold: 0.02 });
    expect(severityOf(0.05, levels)).toEqual({ severity: 'critical', threshold: 0.05 });
    expect(severityOf(0.3, { warning: 0.2 })).toEqual({ severity: 'warning', threshold: 0.2 });
  });
});

describe('evaluateFlags', () => {
  it('when every metric is within limits then nothing is raised', () => {
    expect(evaluateFlags(calm)).toEqual([]);
    expect(strongestAction([])).toBeNull();
  });

  it('when the day has lost 3% then pnl_breach is raised as a warning whose action is force_reduce', () => {
    // Act
    const flags = evaluateFlags({ ...calm, dailyPnlPct: -0.03 });
    // Assert
    expect(flags).toEqual([
      {
        code: 'pnl_breach',
        severity: 'warning',
        subject: null,
        value: 0.03,
        threshold: 0.02,
        action: 'force_reduce',
        message: 'daily loss 3.00% of start-of-day NAV reached 2.00% (warning: force_reduce)',
      },
    ]);
  });

  it('when a gain of 3% is made then no pnl_breach is raised (only losses count)', () => {
    expect(evaluateFlags({ ...calm, dailyPnlPct: 0.03 })).toEqual([]);
  });

  it('when leverage is 3.2× then exposure_breach is critical and halts', () => {
    const [f] = evaluateFlags({ ...calm, leverage: 3.2 });
    expect(f).toMatchObject({ code: 'exposure_breach', severity: 'critical', action: 'halt', value: 3.2, threshold: 3 });
    expect(f?.message).toBe('leverage 3.20× (gross / NAV) reached 3.00× (critical: halt)');
  });

  it('when NAV is ≤ 0 with exposure then exposure_breach is critical at infinite leverage', () => {
    const [f] = evaluateFlags({ nav: -5_000, leverage: null, grossExposure: 20_000 });
    expect(f).toMatchObject({ code: 'exposure_breach', severity: 'critical', action: 'halt', value: Number.POSITIVE_INFINITY });
    expect(f?.message).toContain('NAV is -5000.00 (≤ 0)');
    expect(evaluateFlags({ nav: -5_000, leverage: null, grossExposure: 0 })).toEqual([]);
  });

  it('when several drawdown spans breach then one drawdown_warning per span is raised', () => {
    const flags = evaluateFlags({ ...calm, drawdown: { sinceInception: 0.12, day: 0.06, week: 0.01, month: null } });
    expect(flags.map((f) => [f.code, f.subject, f.severity, f.action])).toEqual([
      ['drawdown_warning', 'day', 'critical', 'halt'],
      ['drawdown_warning', 'sinceInception', 'warning', 'force_reduce'],
    ]);
    expect(flags[0]?.message).toBe("drawdown 6.00% from this day's peak reached 5.00% (critical: halt)");
  });

  it('when one instrument is 45% of NAV then concentration is a warning on that symbol, an alert by default', () => {
    const flags = evaluateFlags({ ...calm, concentration: [{ symbol: 'BTC/USDT', shareOfNav: 0.45 }, { symbol: 'SPY', shareOfNav: 0.1 }, { symbol: 'X', shareOfNav: null }] });
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ code: 'concentration', subject: 'BTC/USDT', severity: 'warning', action: 'alert', message: 'BTC/USDT is 45.00% of NAV, reached 40.00% (warning: alert)' });
  });

  it('when correlation jumps 0.4 above baseline and volatility is at its 99.5th percentile then both are critical: the correlation spike forces a reduction, the volatility regime alerts', () => {
    const flags = evaluateFlags({ ...calm, correlation: { current: 0.8, baseline: 0.4, change: 0.4 }, volatility: [{ subject: 'BTC/USDT', percentile: 0.995 }] });
    expect(flags.map((f) => [f.code, f.subject, f.severity, f.action])).toEqual([
      ['correlation_spike', null, 'critical', 'force_reduce'],
      ['volatility_regime_high', 'BTC/USDT', 'critical', 'alert'],
    ]);
    expect(flags[0]?.message).toBe('average pairwise correlation 0.80 is 0.40 above its baseline 0.40, reached 0.35 (critical: force_reduce)');
  });

  it('when 99% VaR is 6% of NAV then var_breach is a warning on that estimate', () => {
    const [f] = evaluateFlags({ ...calm, valueAtRisk: [{ confidence: 0.99, valueAtRisk: 6_000, label: 'historical 99%' }] });
    expect(f).toMatchObject({ code: 'var_breach', subject: 'historical 99%', severity: 'warning', action: 'alert' });
    expect(f?.value).toBeCloseTo(0.06, 15);
  });

  it('when the escalation matrix is overridden then the configured action is used', () => {
    const overrides = { concentration: { warning: 'halt' as const } };
    const [f] = evaluateFlags({ ...calm, concentration: [{ symbol: 'A', shareOfNav: 0.5 }] }, DEFAULT_FLAG_THRESHOLDS, overrides);
    expect(f?.action).toBe('halt');
    expect(escalationMatrix(overrides).concentration).toEqual({ info: 'alert', warning: 'halt', critical: 'force_reduce' });
    expect(escalationMatrix().pnl_breach).toEqual(DEFAULT_ESCALATION.pnl_breach);
  });

  it('when a flag has no thresholds then it is off; custom thresholds replace the defaults', () => {
    const thresholds: FlagThresholds = { leverage: { info: 0.5 } };
    expect(evaluateFlags({ ...calm, dailyPnlPct: -0.5 }, thresholds).map((f) => [f.code, f.severity])).toEqual([['exposure_breach', 'info']]);
  });

  it('when thresholds decrease with severity then it throws', () => {
    expect(() => evaluateFlags(calm, { dailyLoss: { warning: 0.05, critical: 0.02 } })).toThrow(/critical threshold 0.02 is below/);
    expect(() => evaluateFlags(calm, { drawdown: { week: { info: 0.1, warning: 0.05 } } })).toThrow(/drawdown.week/);
  });

  it('when several flags are raised then the strongest action comes first and strongestAction reports it', () => {
    const flags = evaluateFlags({ ...calm, dailyPnlPct: -0.012, leverage: 3.5, concentration: [{ symbol: 'A', shareOfNav: 0.3 }] });
    expect(flags.map((f) => [f.code, f.action])).toEqual([
      ['exposure_breach', 'halt'],
      ['pnl_breach', 'alert'],
      ['concentration', 'alert'],
    ]);
    expect(strongestAction(flags)).toBe('halt');
  });

  it('when a mild severity escalates harder than a worse one then the action decides the order', () => {
    // concentration at info is configured to halt; the 3% loss is a warning (force_reduce).
    const flags = evaluateFlags({ ...calm, dailyPnlPct: -0.03, concentration: [{ symbol: 'A', shareOfNav: 0.3 }] }, DEFAULT_FLAG_THRESHOLDS, { concentration: { info: 'halt' } });
    expect(flags.map((f) => [f.code, f.severity, f.action])).toEqual([
      ['concentration', 'info', 'halt'],
      ['pnl_breach', 'warning', 'force_reduce'],
    ]);
  });
});

describe('flagMetrics', () => {
  it('when built from portfolio metrics and drawdowns then the flags see the same numbers', () => {
    // Arrange: NAV 90k after a 100k start of day (−10%), BTC is a third of NAV.
    const portfolio = portfolioMetrics({ cash: 50_000, positions: [{ symbol: 'BTC/USDT', marketValue: 30_000 }, { symbol: 'SPY', marketValue: 10_000 }], startOfDayNav: 100_000 });
    const drawdowns = drawdownReport([
      { time: Date.UTC(2024, 2, 6, 8), value: 100_000 },
      { time: Date.UTC(2024, 2, 6, 16), value: 90_000 },
    ]);
    // Act
    const metrics = flagMetrics({ portfolio, drawdowns, valueAtRisk: [{ confidence: 0.99, valueAtRisk: 6_300, expectedShortfall: 8_000, method: 'historical' }] });
    const flags = evaluateFlags(metrics);
    // Assert
    expect(metrics.drawdown).toEqual({ sinceInception: 0.1, day: 0.1, week: 0.1, month: 0.1 });
    expect(flags.map((f) => [f.code, f.subject, f.severity])).toEqual([
      ['pnl_breach', null, 'critical'],
      ['drawdown_warning', 'day', 'critical'],
      ['drawdown_warning', 'week', 'critical'],
      ['drawdown_warning', 'month', 'warning'],
      ['drawdown_warning', 'sinceInception', 'warning'],
      ['var_breach', 'historical 99%', 'warning'],
      ['concentration', 'BTC/USDT', 'info'],
    ]);
  });
});
