import { describe, expect, it } from 'vitest';
import { CONSTRUCTION_METHODS } from '../../../src/contract/api/portfolio.ts';
import type { RunSpec } from '../../../src/backtest/run-spec.ts';
import { runTargetSpecAsync } from '../../../src/backtest/run-spec.ts';
import { TARGET_STRATEGIES } from '../../../src/backtest/strategies/index.ts';
import { runTargetsAsync } from '../../../src/backtest/strategies/target-runner.ts';
import { runTargetPoint, summariseTargets } from '../../../src/backtest/sweep.ts';
import type { TargetSpecEngine } from '../../../src/backtest/sweep.ts';
import { walkForwardTargets } from '../../../src/backtest/walk-forward.ts';
import type { TargetWindowEngine } from '../../../src/backtest/walk-forward.ts';
import { stockBars } from '../../fixtures/backtest/stocks.ts';

const TICKERS = ['AAPL', 'GE', 'XOM'];
const stocks = stockBars(TICKERS, '2007-01-01', '2009-12-31');
const method = (m: (typeof CONSTRUCTION_METHODS)[number]): number => CONSTRUCTION_METHODS.indexOf(m);
const base: RunSpec = { strategy: 'strategic', params: {}, fidelity: 'bar', cash: '100000', commission: '0.001', sizing: { kind: 'target' }, haircutBps: 0, seed: 42, instrument: TICKERS.join('+'), instruments: TICKERS };
const plain: TargetSpecEngine = async (spec, series) => (await runTargetSpecAsync(spec, series)).result;
const windowed: TargetWindowEngine = async (spec, series, tradeFromMs) => (await runTargetSpecAsync(spec, series, undefined, tradeFromMs !== undefined ? { tradeFromMs } : {})).result;

describe('sweeps and walk-forward of target strategies', () => {
  it('when a target point is swept then its row is the run of the base spec with the point\'s params; a bad point is a row with its error', async () => {
    const row = await runTargetPoint(base, stocks, 3, { method: method('inverse-vol'), driftThreshold: 0.05 }, plain);
    const run = await runTargetsAsync(stocks, TARGET_STRATEGIES['strategic']!, { method: method('inverse-vol'), driftThreshold: 0.05 }, { fidelity: 'bar', cash: '100000', commission: '0.001' });
    expect(row).toMatchObject({ index: 3, error: null, finalValue: Number(run.finalValue), sharpe: run.metrics.sharpe, trades: run.metrics.trades });
    const bad = await runTargetPoint(base, stocks, 4, { method: 99 }, plain);
    expect(bad.error).toMatch(/method must be one of/);
    const s = await summariseTargets([bad, row], stocks, base, plain);
    expect(s.best?.index).toBe(3);
    expect(s.deflatedSharpe).not.toBeNull();
    expect(s.rows.map((r) => r.index)).toEqual([3, 4]);
  });

  it('when a run trades only from a time then nothing fills before it and its equity stays at the cash until then', async () => {
    const from = Date.parse('2008-06-02T00:00:00Z');
    const steps: number[] = [];
    const r = await runTargetsAsync(stocks, TARGET_STRATEGIES['strategic']!, {}, { fidelity: 'bar', cash: '100000', commission: '0.001', tradeFromMs: from, onStep: (i, n) => steps.push(i / n) });
    // Progress after every clock step (the host's progress bar and ETA for a target run).
    expect(steps).toHaveLength(r.time.length);
    expect(steps[steps.length - 1]).toBeCloseTo(1 - 1 / r.time.length, 12);
    expect(r.fills.length).toBeGreaterThan(0);
    expect(Math.min(...r.fills.map((f) => f.time))).toBeGreaterThan(from);
    const before = r.time.findIndex((t) => t >= from);
    for (let i = 0; i < before; i++) expect(r.equity[i]).toBe(100000);
    expect(r.targetLog.every((d) => d.time >= from)).toBe(true);
  });

  it('when a target strategy is walked forward then the out-of-sample windows follow each other, each trades its window\'s best point, and their returns chain', async () => {
    const grid = { method: [method('equal'), method('inverse-vol')], driftThreshold: [0.01, 0.05] };
    const r = await walkForwardTargets(base, stocks, grid, 250, 125, windowed);
    expect(r.windows.length).toBeGreaterThanOrEqual(3);
    let chained = 1;
    r.windows.forEach((w, i) => {
      expect(w.best).not.toBeNull();
      expect(grid.method).toContain(w.best!['method']);
      expect(w.inSample.to).toBeLessThan(w.outOfSample.from);
      if (i > 0) expect(w.outOfSample.from).toBeGreaterThan(r.windows[i - 1]!.outOfSample.to);
      chained *= 1 + w.outOfSampleReturn;
    });
    expect(r.outOfSampleReturn).toBeCloseTo(chained - 1, 12);
    // The first window's out-of-sample figure is the best point's run warmed up on the in-sample bars, measured from the window's start.
    const w = r.windows[0]!;
    const run = await windowed({ ...base, params: w.best!, fromMs: w.inSample.from, toMs: w.outOfSample.to }, stocks, w.outOfSample.from);
    const i0 = run.time.findIndex((t) => t >= w.outOfSample.from);
    expect(w.outOfSampleReturn).toBeCloseTo(run.equity[run.equity.length - 1]! / run.equity[i0 - 1]! - 1, 12);
  });
});
