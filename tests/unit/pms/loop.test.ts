import { describe, expect, it } from 'vitest';
import type { RiskFlagDto } from '../../../src/contract/risk-dto.ts';
import { SimClock } from '../../../src/core/clock.ts';
import type { Order } from '../../../src/core/order.ts';
import { PmsLoop } from '../../../src/pms/loop.ts';
import type { PmsLoopOptions } from '../../../src/pms/loop.ts';
import type { PmsPortfolio } from '../../../src/pms/monitor.ts';

const T0 = Date.UTC(2026, 10, 2, 12);

function loop(portfolio: () => PmsPortfolio, options: PmsLoopOptions = {}) {
  const clock = new SimClock(T0);
  const escalations: { action: string; code: string }[] = [];
  const published: RiskFlagDto[][] = [];
  const logs: string[] = [];
  const l = new PmsLoop({
    clock,
    symbols: () => ['BTC/USDT', 'SPY'],
    markOf: (s) => (s === 'SPY' ? 500 : 60_000),
    portfolio,
    seed: () => [],
    escalate: (action, f) => escalations.push({ action, code: f.code }),
    publish: { metrics: () => undefined, flags: (f) => published.push(f) },
    log: (_l, m) => logs.push(m),
    options,
  });
  return { l, clock, escalations, published, logs };
}

const parent = (symbol: string, side: 'buy' | 'sell'): Order => ({ symbol, side }) as Order;

/** 700k of BTC in a 1M book: concentration 70% of NAV, critical (60%), escalated to force_reduce. */
const concentrated = (): PmsPortfolio => ({ cash: 300_000, realizedPnl: 0, unrealizedPnl: 0, positions: [{ symbol: 'BTC/USDT', qty: 700_000 / 60_000, marketValue: 700_000, realizedPnl: 0, unrealizedPnl: 0 }] });

describe('PmsLoop', () => {
  it('when a cycle raises a force_reduce flag on one instrument then it is published, algos adding exposure in that symbol are paused, and the book is not escalated', () => {
    const { l, clock, escalations, published } = loop(concentrated);
    l.start();
    expect(escalations).toEqual([]);
    expect(published.at(-1)!.map((f) => [f.code, f.severity, f.symbol])).toContainEqual(['concentration', 'critical', 'BTC/USDT']);
    expect(l.guard(parent('BTC/USDT', 'buy'), false)).toMatchObject({ ok: false, action: 'pause' });
    // A reducing algo goes on; another instrument is not concerned by a per-instrument flag.
    expect(l.guard(parent('BTC/USDT', 'sell'), true)).toBeUndefined();
    expect(l.guard(parent('SPY', 'buy'), false)).toBeUndefined();
    clock.advanceBy(10_000);
    expect(escalations).toEqual([]);
  });

  it('when a flag about the whole book asks to force a reduction then the trading state is escalated once', () => {
    // 2.5M of BTC on 1M of NAV (1.5M borrowed): leverage 2.5, exposure_breach warning → force_reduce.
    const levered = (): PmsPortfolio => ({ cash: -1_500_000, realizedPnl: 0, unrealizedPnl: 0, positions: [{ symbol: 'BTC/USDT', qty: 2_500_000 / 60_000, marketValue: 2_500_000, realizedPnl: 0, unrealizedPnl: 0 }] });
    const { l, clock, escalations } = loop(levered);
    l.start();
    expect(escalations).toEqual([{ action: 'force_reduce', code: 'exposure_breach' }]);
    expect(l.guard(parent('SPY', 'buy'), false)).toMatchObject({ ok: false, action: 'pause' });
    // The same flag on later cycles is not escalated again.
    clock.advanceBy(10_000);
    expect(escalations).toHaveLength(1);
  });

  it('when escalation is off then flags are still published and read by algos but the trading state is left alone', () => {
    const levered = (): PmsPortfolio => ({ cash: -1_500_000, realizedPnl: 0, unrealizedPnl: 0, positions: [{ symbol: 'BTC/USDT', qty: 2_500_000 / 60_000, marketValue: 2_500_000, realizedPnl: 0, unrealizedPnl: 0 }] });
    const { l, escalations, published } = loop(levered, { escalate: false });
    l.start();
    expect(escalations).toEqual([]);
    expect(published).toHaveLength(1);
    expect(l.guard(parent('BTC/USDT', 'buy'), false)?.ok).toBe(false);
  });

  it('when slowOn is set then an alert at that severity slows adding algos instead of pausing them', () => {
    // 30% of NAV: concentration info (25%), an alert.
    const { l } = loop(() => ({ cash: 700_000, realizedPnl: 0, unrealizedPnl: 0, positions: [{ symbol: 'SPY', qty: 600, marketValue: 300_000, realizedPnl: 0, unrealizedPnl: 0 }] }), { slowOn: 'info' });
    l.start();
    expect(l.guard(parent('SPY', 'buy'), false)).toMatchObject({ ok: false, action: 'slow' });
    const quiet = loop(() => ({ cash: 700_000, realizedPnl: 0, unrealizedPnl: 0, positions: [{ symbol: 'SPY', qty: 600, marketValue: 300_000, realizedPnl: 0, unrealizedPnl: 0 }] }));
    quiet.l.start();
    expect(quiet.l.guard(parent('SPY', 'buy'), false)).toBeUndefined();
  });

  it('when the portfolio source throws then the cycle is logged and the loop keeps its schedule', () => {
    let fail = true;
    const { l, clock, logs } = loop(() => {
      if (fail) throw new Error('ledger unavailable');
      return concentrated();
    });
    l.start();
    expect(logs.some((m) => m.includes('PMS cycle failed') && m.includes('ledger unavailable'))).toBe(true);
    fail = false;
    clock.advanceBy(2_000);
    expect(l.currentFlags().length).toBeGreaterThan(0);
  });
});
