import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSeries } from '../../../src/backtest/data/formats.ts';
import type { BarSeries } from '../../../src/backtest/data/series.ts';
import { attribute } from '../../../src/backtest/fidelity-attribution.ts';
import type { RunSpec } from '../../../src/backtest/run-spec.ts';
import { runSpec } from '../../../src/backtest/run-spec.ts';
import { kernelBarEngine } from '../../../src/kernel/backtest-bars.ts';

const ORCL = join(import.meta.dirname, '../../fixtures/data/backtrader/orcl-1995-2014.txt');

describe('fidelity attribution', () => {
  it('when two levels differ only by costs then the costs explain the whole change and the rest is zero', () => {
    const [s] = attribute([
      { fidelity: 'l1', finalValue: 1000, costs: { fees: 10, spread: 5, impact: 0 } },
      { fidelity: 'l2', finalValue: 980, costs: { fees: 12, spread: 15, impact: 8 } },
    ]);
    expect(s).toEqual({ from: 'l1', to: 'l2', change: -20, fees: -2, spread: -10, impact: -8, rest: 0 });
  });

  it('when the SMA cross runs on ORCL at bar, L1 and L2 then each step’s parts sum to its change and L2 pays impact that L1 does not', async () => {
    const bars = parseSeries(readFileSync(ORCL, 'utf8')) as BarSeries;
    const base: RunSpec = { strategy: 'sma-cross', params: { fast: 10, slow: 30 }, fidelity: 'bar', cash: '100000', commission: '0.001', sizing: { kind: 'all-in' }, haircutBps: 5, seed: 1, instrument: 'ORCL' };
    const levels = await Promise.all(
      (['bar', 'l1', 'l2'] as const).map(async (fidelity) => {
        const r = (await runSpec({ ...base, fidelity }, bars, kernelBarEngine)).report;
        return { fidelity, finalValue: r.finalValue, costs: r.metrics.costs };
      }),
    );
    const steps = attribute(levels);
    expect(steps.map((x) => `${x.from}>${x.to}`)).toEqual(['bar>l1', 'l1>l2']);
    for (const x of steps) expect(x.fees + x.spread + x.impact + x.rest).toBeCloseTo(x.change, 6);
    // L1's haircut is spread cost the textbook bar mode does not pay; L2 adds impact.
    expect(steps[0]!.spread).toBeLessThan(0);
    expect(steps[1]!.impact).toBeLessThan(0);
    expect(levels[2]!.costs.impact).toBeGreaterThan(levels[1]!.costs.impact);
  });
});
