import { describe, expect, it } from 'vitest';
import type { RiskFlagDto, RiskMetricsDto } from '../../../src/contract/risk-dto.ts';
import { SimClock, every } from '../../../src/core/clock.ts';
import { PmsLoop } from '../../../src/pms/loop.ts';
import { sameData } from '../../../src/pms/monitor.ts';
import type { PmsPortfolio } from '../../../src/pms/monitor.ts';

const T0 = Date.UTC(2019, 9, 11, 22);

/**
 * A scripted market and book, the same for every loop built on it: marks move every 37 s, the
 * book trades every 10 min (long, then short, then flat), across a UTC midnight, with a quiet hour.
 */
function world() {
  const marks: Record<string, number> = { 'BTC/USDT': 60_000, 'ETH/USDT': 3_000 };
  const book = { cash: 1_000_000, qty: { 'BTC/USDT': 0, 'ETH/USDT': 0 } as Record<string, number> };
  let seed = 7;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  let step = 0;
  const move = () => {
    step++;
    // An hour in which nothing trades: the marks stand still across many return buckets.
    if (step > 100 && step < 200) return;
    for (const s of Object.keys(marks)) marks[s] = Math.round(marks[s]! * (1 + (rnd() - 0.5) * 0.004) * 100) / 100;
    if (step % 16 === 0) {
      const s = step % 32 === 0 ? 'BTC/USDT' : 'ETH/USDT';
      const dq = [5, -12, 7][(step / 16) % 3]!;
      book.qty[s] = book.qty[s]! + dq;
      book.cash -= dq * marks[s]!;
    }
  };
  const portfolio = (): PmsPortfolio => ({
    cash: book.cash,
    realizedPnl: 0,
    unrealizedPnl: 0,
    positions: Object.entries(book.qty).map(([symbol, qty]) => ({ symbol, qty, marketValue: qty * marks[symbol]!, realizedPnl: 0, unrealizedPnl: 0 })),
  });
  return { marks, book, move, portfolio };
}

function run(withKey: boolean, plainSample = false, repeats = true, navSampleMs?: number) {
  const w = world();
  const clock = new SimClock(T0);
  const metrics: RiskMetricsDto[] = [];
  const flags: RiskFlagDto[][] = [];
  let snapshots = 0;
  const l = new PmsLoop({
    clock,
    symbols: () => Object.keys(w.marks),
    markOf: (s) => w.marks[s],
    portfolio: () => {
      snapshots++;
      return w.portfolio();
    },
    ...(withKey ? { portfolioKey: () => [w.book.cash, ...Object.values(w.book.qty)] } : {}),
    seed: () => [],
    escalate: () => undefined,
    publish: { metrics: (m) => metrics.push({ ...m, cycleMs: 0 }), flags: (f) => flags.push(f) },
    log: () => undefined,
    options: { config: { minReturnsForVar: 20, ...(navSampleMs !== undefined ? { navSampleMs } : {}) } },
  });
  l.monitor.reuseRepeats = repeats;
  every(clock, 37_000, w.move);
  // plainSample: every mark handed to the monitor each second, as the loop did before it skipped unchanged samples.
  every(clock, 1_000, () => (plainSample ? l.monitor.observePrices(clock.now(), { ...w.marks }) : l.sample()));
  l.start();
  clock.advanceTo(T0 + 4 * 3_600_000);
  l.stop();
  return { metrics, flags, snapshots, diagnostics: l.monitor.diagnostics(), chart: l.monitor.navChart(), repeated: l.monitor.repeatedCycles };
}

describe('PmsLoop snapshot reuse', () => {
  it('when the book and the marks stand still between cycles then the snapshot is reused, and every published metric and flag is that of a loop that rebuilt it each cycle', () => {
    // Act
    const rebuilt = run(false);
    const reused = run(true);
    // Assert
    expect(reused.metrics.length).toBe(rebuilt.metrics.length);
    expect(reused.metrics.some((m) => m.var.length > 0 && m.var.some((v) => v.var > 0))).toBe(true);
    expect(reused.metrics).toEqual(rebuilt.metrics);
    expect(reused.flags.some((f) => f.length > 0)).toBe(true);
    expect(reused.flags).toEqual(rebuilt.flags);
    expect(reused.diagnostics).toEqual(rebuilt.diagnostics);
    expect(reused.snapshots).toBeLessThan(rebuilt.snapshots / 5);
  });

  it('when the marks stand still within a return bucket then skipping the sample changes no metric or flag', () => {
    const plain = run(false, true);
    const skipping = run(false);
    expect(skipping.metrics).toEqual(plain.metrics);
    expect(skipping.flags).toEqual(plain.flags);
  });
});

describe('PmsMonitor repeated cycles', () => {
  it('when a cycle has the snapshot, sampled prices, NAV bucket and day of the last then answering it as a repeat gives every metric, flag, diagnostic and NAV point of a full cycle', () => {
    const full = run(true, false, false);
    const repeated = run(true);
    expect(full.repeated).toBe(0);
    // Most cycles of the scripted world repeat (marks move every 37 s, cycles run every 2 s).
    expect(repeated.repeated).toBeGreaterThan(repeated.metrics.length / 2);
    expect(repeated.metrics).toEqual(full.metrics);
    expect(repeated.flags).toEqual(full.flags);
    expect(repeated.diagnostics).toEqual(full.diagnostics);
    expect(repeated.chart).toEqual(full.chart);
  });

  it('when NAV buckets are shorter than return buckets then a cycle in a new NAV bucket is a full one, and the NAV path is that of full cycles', () => {
    const full = run(true, false, false, 10_000);
    const repeated = run(true, false, true, 10_000);
    expect(repeated.repeated).toBeGreaterThan(0);
    expect(repeated.metrics).toEqual(full.metrics);
    expect(repeated.chart).toEqual(full.chart);
  });
});

describe('sameData (the PMS memo key)', () => {
  it('when plain data is equal leaf by leaf then it is the same; -0 and 0, a missing and an undefined key, an array and a record are not', () => {
    expect(sameData({ a: [1, { b: null, c: 'x' }], d: Number.NaN }, { a: [1, { b: null, c: 'x' }], d: Number.NaN })).toBe(true);
    expect(sameData({ a: 0 }, { a: -0 })).toBe(false);
    expect(sameData({ a: undefined }, { b: undefined })).toBe(false);
    expect(sameData([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameData([1, 2], [1, 2, 3])).toBe(false);
    expect(sameData({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});
