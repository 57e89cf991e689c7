import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSeries } from '../../../src/backtest/data/formats.ts';
import type { BarSeries } from '../../../src/backtest/data/series.ts';
import { ExactSum, crossOver, sma, smaCrossOver, windowScale } from '../../../src/backtest/indicators.ts';
import { lookaheadCheck } from '../../../src/backtest/lookahead.ts';
import type { RunSpec } from '../../../src/backtest/run-spec.ts';
import { configOf, runSpec } from '../../../src/backtest/run-spec.ts';
import { peekAhead } from '../../../src/backtest/strategies/peek-ahead.ts';
import { smaCross } from '../../../src/backtest/strategies/sma-cross.ts';
import { gridPoints, randomPoints, summarise, sweepInline } from '../../../src/backtest/sweep.ts';
import { walkForward } from '../../../src/backtest/walk-forward.ts';
import { kernelBarEngine } from '../../../src/kernel/backtest-bars.ts';

const orcl = parseSeries(readFileSync(new URL('../../fixtures/data/backtrader/orcl-1995-2014.txt', import.meta.url), 'utf8')) as BarSeries;
const spec: RunSpec = { strategy: 'sma-cross', params: { fast: 10, slow: 30 }, fidelity: 'bar', cash: '100000', commission: '0.001', sizing: { kind: 'all-in' }, haircutBps: 0, seed: 7, instrument: 'ORCL' };

describe('indicators', () => {
  it('when values are summed exactly then the result is the correctly rounded sum, where a naive sum is not', () => {
    const s = new ExactSum();
    for (const x of [1e16, 1, -1e16, 0.1, 0.2]) s.add(x);
    expect(s.value()).toBe(1.3);
    let naive = 0;
    for (const x of [1e16, 1, -1e16]) naive += x;
    expect(naive).not.toBe(1);
  });

  it("when a line touches the other and moves back then it is no cross (backtrader's CrossOver); moving through is", () => {
    expect([...crossOver([1, 2, 2, 1, 2, 3], [2, 2, 2, 2, 2, 2])]).toEqual([0, 0, 0, 0, 0, 1]);
    expect([...crossOver([1, 2, 3], [2, 2, 2])]).toEqual([0, 0, 1]);
    expect([...sma([1, 2, 3, 4], 2)].slice(1)).toEqual([1.5, 2.5, 3.5]);
  });

  it('property: smaCrossOver(x, fast, slow) is crossOver(sma(x, fast), sma(x, slow)) element for element', async () => {
    const fc = (await import('fast-check')).default;
    const same = (x: number[], fast: number, slow: number): void => {
      expect([...smaCrossOver(x, fast, slow)]).toEqual([...crossOver(sma(x, fast), sma(x, slow))]);
    };
    // Prices on a coarse grid make touches (equal averages) common; any doubles, NaN and infinities included, for the edges.
    const grid = fc.array(fc.integer({ min: 1, max: 6 }).map((k) => k * 0.25), { maxLength: 120 });
    fc.assert(fc.property(grid, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), (x, a, b) => {
      same(x, a, b);
    }), { numRuns: 1500 });
    fc.assert(fc.property(fc.array(fc.double(), { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (x, a, b) => {
      same(x, a, b);
    }), { numRuns: 800 });
    same([...orcl.close], 10, 30);
    same([...orcl.close], 1, 30);
  });

  it('property: sma and smaCrossOver on two plain sums (positive series within windowScale) equal the ExactSum (fsum) window, bit for bit', async () => {
    const fc = (await import('fast-check')).default;
    const runs = Number(process.env.PROPERTY_RUNS_X ?? 1);
    // The reference: fsum of each window over n, as backtrader's SMA and sma's ExactSum path compute it.
    const reference = (x: readonly number[], n: number): Float64Array => {
      const out = new Float64Array(x.length).fill(NaN);
      for (let i = n - 1; i < x.length; i++) {
        const s = new ExactSum();
        for (let j = i - n + 1; j <= i; j++) s.add(x[j]!);
        out[i] = s.value() / n;
      }
      return out;
    };
    const same = (x: number[], n: number, other: number): void => {
      const want = reference(x, n);
      expect([...sma(x, n)].map((v) => Object.is(v, NaN) ? 'NaN' : v)).toEqual([...want].map((v) => Object.is(v, NaN) ? 'NaN' : v));
      if (n !== other) expect([...smaCrossOver(x, Math.min(n, other), Math.max(n, other))]).toEqual([...crossOver(reference(x, Math.min(n, other)), reference(x, Math.max(n, other)))]);
    };
    // Random mantissas over a few binades (prices), over many (up to the 2c + E - e ≤ 53 edge and past
    // it, where ExactSum takes over), and decimal grids (ties between the averages).
    const price = fc.double({ min: 0.5, max: 4096, noNaN: true, noDefaultInfinity: true });
    fc.assert(fc.property(fc.array(price, { maxLength: 80 }), fc.integer({ min: 2, max: 40 }), fc.integer({ min: 2, max: 40 }), (x, n, o) => {
      same(x, n, o);
    }), { numRuns: 600 * runs });
    const wide = fc.tuple(fc.double({ min: 1, max: 2, noNaN: true }), fc.integer({ min: -30, max: 50 })).map(([m, e]) => m * 2 ** e);
    fc.assert(fc.property(fc.array(wide, { maxLength: 40 }), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 2, max: 9 }), (x, n, o) => {
      same(x, n, o);
    }), { numRuns: 600 * runs });
    const cents = fc.array(fc.integer({ min: 1, max: 400_000 }).map((k) => k / 100), { maxLength: 80 });
    fc.assert(fc.property(cents, fc.integer({ min: 2, max: 30 }), fc.integer({ min: 2, max: 30 }), (x, n, o) => {
      same(x, n, o);
    }), { numRuns: 400 * runs });
    // At the edge: values in [1, 2) and [2^s, 2^(s+1)) with n = 3 (c = 2) give e = -1, E = s + 1 (one
    // binade of slack each way), so 2c + E - e = s + 6: s = 47 takes the two sums, s = 48 does not.
    const edge = (span: number): number[] => Array.from({ length: 24 }, (_, i) => (1 + ((i * 0.3819660112501051) % 1)) * 2 ** ((i % 2) * span));
    expect(windowScale(edge(47), 3)).toBeGreaterThan(0);
    expect(windowScale(edge(48), 3)).toBe(0);
    for (const span of [40, 46, 47, 48]) same(edge(span), 3, 2);
    for (const n of [2, 10, 30, 200]) same([...orcl.close], n, 30);
  });
});

describe('look-ahead check', () => {
  const config = configOf(spec);
  it('when the SMA cross is checked then no decision changes with the future cut off', async () => {
    const r = await lookaheadCheck(orcl, smaCross, { fast: 10, slow: 30 }, config, kernelBarEngine);
    expect(r.biased).toBe(false);
    expect(r.decisionsCompared).toBeGreaterThan(100);
  });

  it('when a strategy reads the next close then it is caught', async () => {
    const r = await lookaheadCheck(orcl, peekAhead, { lead: 1 }, config, kernelBarEngine);
    expect(r.biased).toBe(true);
    expect(r.mismatches[0]!.bar).toBe(r.mismatches[0]!.cut - 1);
  });
});

describe('sweeps', () => {
  it('when a grid is expanded then every combination appears once, the first key slowest', async () => {
    expect(gridPoints({ a: [1, 2], b: [3, 4, 5] })).toEqual([
      { a: 1, b: 3 }, { a: 1, b: 4 }, { a: 1, b: 5 }, { a: 2, b: 3 }, { a: 2, b: 4 }, { a: 2, b: 5 },
    ]);
  });

  it('when random points are drawn with a seed then the same seed draws the same distinct points', async () => {
    const grid = { a: [1, 2, 3, 4], b: [5, 6, 7] };
    const x = randomPoints(grid, 5, 11);
    expect(randomPoints(grid, 5, 11)).toEqual(x);
    expect(new Set(x.map((p) => JSON.stringify(p))).size).toBe(5);
    expect(randomPoints(grid, 5, 12)).not.toEqual(x);
  });

  it('when a point is invalid (fast ≥ slow) then its row carries the reason and the rest run', async () => {
    const rows = await sweepInline(spec, orcl, [{ fast: 30, slow: 20 }, { fast: 5, slow: 20 }], kernelBarEngine);
    expect(rows[0]!.error).toContain('fast');
    expect(rows[1]!.error).toBeNull();
    expect(rows[1]!.finalValue).toBe(Number((await runSpec({ ...spec, params: { fast: 5, slow: 20 } }, orcl, kernelBarEngine)).report.finalValueExact));
  });

  it('when the best of many points is deflated then its deflated Sharpe is below its probabilistic Sharpe', async () => {
    const rows = await sweepInline(spec, orcl, gridPoints({ fast: [5, 10, 15], slow: [30, 40, 50] }), kernelBarEngine);
    const s = await summarise(rows, orcl, spec, kernelBarEngine);
    expect(s.best).not.toBeNull();
    expect(s.deflatedSharpe!).toBeLessThan(s.probabilisticSharpe!);
  });

});

describe('walk-forward', () => {
  it('when windows roll then out-of-sample windows follow each other without overlap and the best point is chosen in sample', async () => {
    const r = await walkForward(spec, orcl, { fast: [5, 10], slow: [30, 50] }, 1000, 500, kernelBarEngine);
    expect(r.windows.length).toBeGreaterThan(5);
    for (let i = 1; i < r.windows.length; i++) expect(r.windows[i]!.outOfSample.from).toBeGreaterThan(r.windows[i - 1]!.outOfSample.to);
    for (const w of r.windows) expect(w.outOfSample.from).toBeGreaterThan(w.inSample.to);
    const chained = r.windows.reduce((a, w) => a * (1 + w.outOfSampleReturn), 1) - 1;
    expect(r.outOfSampleReturn).toBeCloseTo(chained, 12);
  });

  it('when tradeFrom is set then no fill happens before it', async () => {
    const r = await kernelBarEngine(orcl, smaCross.create({}), { ...configOf(spec), tradeFrom: 2000 });
    expect(r.fills.length).toBeGreaterThan(0);
    expect(Math.min(...r.fills.map((f) => f.bar))).toBeGreaterThan(2000);
  });
});
