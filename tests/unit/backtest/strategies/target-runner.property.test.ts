import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barsFromRows } from '../../../../src/backtest/data/series.ts';
import { TARGET_STRATEGIES } from '../../../../src/backtest/strategies/index.ts';
import { runTargets } from '../../../../src/backtest/strategies/target-runner.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2021-01-04T00:00:00Z');
/** Small windows so the alphas decide within a short series. */
const PARAMS: Record<string, Record<string, number>> = {
  strategic: { policyDrift: 0.02 },
  tactical: { lookback: 20, skip: 2, trendPeriod: 10, volWindow: 5, volHistory: 20, horizonDays: 3 },
  'stat-model': { lags: 2, volWindow: 5, fitWindow: 30, minFitSamples: 10, refitEvery: 5, thresholdBps: 0, feeBps: 0 },
  l2: { tactical_lookback: 20, tactical_skip: 2, tactical_trendPeriod: 10, tactical_volWindow: 5, tactical_volHistory: 20, model_lags: 2, model_volWindow: 5, model_fitWindow: 30, model_minFitSamples: 10, model_refitEvery: 5, model_feeBps: 0 },
};

/** A random walk of 2-decimal prices from one of the given steps per bar; some bars missing (an instrument that does not trade that day). */
const instrument = fc.record({
  start: fc.integer({ min: 500, max: 20_000 }),
  steps: fc.array(fc.integer({ min: -300, max: 300 }), { minLength: 60, maxLength: 90 }),
  gaps: fc.array(fc.boolean(), { minLength: 90, maxLength: 90 }),
  volume: fc.integer({ min: 0, max: 100_000 }),
});

describe('target runner invariants (property)', () => {
  it('whatever the prices, strategy and fidelity: cash never negative, positions long and in whole lots, final value = cash + Σ position × last close, and the alphas\' P&L adds up to the run\'s', () => {
    let runs = 0;
    let traded = 0;
    fc.assert(
      fc.property(
        fc.array(instrument, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('strategic', 'tactical', 'stat-model', 'l2'),
        fc.constantFrom('bar' as const, 'l1' as const, 'l2' as const),
        fc.constantFrom('0', '0.001', '0.01'),
        fc.constantFrom(1, 0.5),
        (insts, strategy, fidelity, commission, lot) => {
          const series = insts.map((x, k) => {
            let cents = x.start;
            const rows = [];
            for (let i = 0; i < x.steps.length; i++) {
              cents = Math.max(1, cents + x.steps[i]!);
              // The first instrument trades every day, so the clock has every bar; the others may skip some.
              if (k > 0 && x.gaps[i]) continue;
              // Every price on the 2-decimal grid, as a file writes it.
              const open = Math.max(1, cents - 1) / 100;
              rows.push({ time: T0 + i * DAY, open, high: (cents + 2) / 100, low: Math.max(1, cents - 2) / 100, close: cents / 100, volume: fidelity === 'l2' ? x.volume + 1 : x.volume });
            }
            return { name: `S${k}`, bars: barsFromRows(rows, 2) };
          });
          const r = runTargets(series, TARGET_STRATEGIES[strategy]!, { ...PARAMS[strategy], lot }, { fidelity, cash: '10000', commission, costs: { haircutBps: 5 } });
          runs++;
          if (r.fills.length > 0) traded++;
          expect(Number(r.finalCash)).toBeGreaterThanOrEqual(0);
          let value = Number(r.finalCash);
          for (const s of series) {
            const q = Number(r.position[s.name]);
            expect(q).toBeGreaterThanOrEqual(0);
            expect((q / lot) % 1).toBe(0);
            if (s.bars.time.length > 0) value += q * s.bars.close[s.bars.time.length - 1]!;
          }
          // Relative to the book: a penny stock that rallies can make the run's figures huge.
          const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(10_000, Math.abs(b)));
          near(Number(r.finalValue), value);
          const pnl = Number(r.finalValue) - 10000;
          near(r.attribution.alphas.reduce((a, x) => a + x.pnl, 0), pnl);
          near(r.attribution.instruments.reduce((a, x) => a + x.pnl, 0), pnl);
          // The trades (FIFO lots: closed matches plus what is held, marked at the last close) add up
          // to the run's P&L, and per instrument the open trade holds exactly the position.
          near(r.trades.reduce((a, x) => a + x.pnl, 0), pnl);
          for (const s of series) {
            const open = r.trades.filter((x) => x.instrument === s.name && x.exitBar === null);
            expect(open.length).toBeLessThanOrEqual(1);
            expect(open[0]?.size ?? 0).toBeCloseTo(Number(r.position[s.name]), 9);
            for (const x of r.trades) expect(x.size).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: Number(process.env['TARGET_PROPERTY_RUNS'] ?? 40) },
    );
    // The property is about runs that trade: most of them do.
    expect(traded).toBeGreaterThan(runs / 2);
  });
});
