import { describe, expect, it } from 'vitest';
import type { RiskMetricsDto } from '../../../src/contract/risk-dto.ts';
import { SimClock, every } from '../../../src/core/clock.ts';
import { PmsLoop } from '../../../src/pms/loop.ts';
import type { PmsCycleDiagnostics } from '../../../src/pms/loop.ts';

const T0 = Date.UTC(2021, 2, 1);

/**
 * One scripted hour of a two-symbol book under the PMS loop on a simulated clock. `stopwatch` stands
 * for the wall clock: a different reading on every call, as performance.now gives from run to run.
 */
function run(stopwatch?: () => number) {
  const clock = new SimClock(T0);
  const marks: Record<string, number> = { 'BTC/USDT': 50_000, 'ETH/USDT': 2_000 };
  let step = 0;
  every(clock, 30_000, () => {
    step++;
    for (const s of Object.keys(marks)) marks[s] = marks[s]! * (1 + (((step * 7919) % 13) - 6) / 1_000);
  });
  const published: RiskMetricsDto[] = [];
  const diagnostics: PmsCycleDiagnostics[] = [];
  const loop = new PmsLoop({
    clock,
    symbols: () => Object.keys(marks),
    markOf: (s) => marks[s],
    portfolio: () => ({
      cash: 100_000,
      realizedPnl: 0,
      unrealizedPnl: 0,
      positions: [
        { symbol: 'BTC/USDT', qty: 1, marketValue: marks['BTC/USDT']!, realizedPnl: 0, unrealizedPnl: 0 },
        { symbol: 'ETH/USDT', qty: -10, marketValue: -10 * marks['ETH/USDT']!, realizedPnl: 0, unrealizedPnl: 0 },
      ],
    }),
    seed: () => [],
    escalate: () => undefined,
    publish: {
      metrics: (m, d) => {
        published.push(structuredClone(m));
        diagnostics.push(d);
      },
      flags: () => undefined,
    },
    log: () => undefined,
    ...(stopwatch ? { stopwatch } : {}),
  });
  every(clock, 1_000, () => loop.sample());
  loop.start();
  clock.advanceTo(T0 + 3_600_000);
  loop.stop();
  return { published, diagnostics, last: loop.metrics(), lastDiagnostics: loop.diagnostics() };
}

describe('PmsLoop output is repeatable', () => {
  it('when two identical runs are timed by different wall clocks then their published metrics are equal, and the wall time is only a diagnostic beside them', () => {
    // Arrange: two stopwatches that never agree (3.25 ms and 11.5 ms a reading).
    let a = 0;
    let b = 1_000;
    // Act
    const first = run(() => (a += 3.25));
    const second = run(() => (b += 11.5));
    const untimed = run();
    // Assert
    expect(first.published.length).toBeGreaterThan(1_000);
    expect(first.published).toEqual(second.published);
    expect(first.published).toEqual(untimed.published);
    expect(first.last).toEqual(second.last);
    expect(first.published.every((m) => m.cycleMs === 0)).toBe(true);
    expect(first.diagnostics.every((d) => d.cycleMs === 3.25)).toBe(true);
    expect(second.lastDiagnostics.cycleMs).toBe(11.5);
    expect(untimed.lastDiagnostics.cycleMs).toBe(0);
  });
});
