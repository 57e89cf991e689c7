import { describe, expect, it } from 'vitest';
import { CONSTRUCTION_METHODS } from '../../../../src/contract/api/portfolio.ts';
import { TARGET_STRATEGIES } from '../../../../src/backtest/strategies/index.ts';
import { targetLookahead } from '../../../../src/backtest/strategies/target-lookahead.ts';
import { runTargets } from '../../../../src/backtest/strategies/target-runner.ts';
import { alignedCloses } from '../../../../src/portfolio/construction.ts';
import { frameFromRows, returnsFromPrices } from '../../../../src/portfolio/frame.ts';
import { sampleCovFromReturns } from '../../../../src/portfolio/risk-models.ts';
import { inverseVolatility } from '../../../../src/portfolio/simple.ts';
import { BarHistory } from '../../../../src/signals/bars.ts';
import { createAlphaView } from '../../../../src/signals/view.ts';
import { stockBars } from '../../../fixtures/backtest/stocks.ts';

const DAY = 86_400_000;
const TICKERS = ['AAPL', 'GE', 'WMT', 'XOM'];
const stocks = stockBars(TICKERS, '2006-01-01', '2010-12-31');
const method = (m: (typeof CONSTRUCTION_METHODS)[number]): number => CONSTRUCTION_METHODS.indexOf(m);

/** The stocks' bars as the runner's view shows them at the close of `date` (a bar closes a day after it opens). */
function viewAt(date: string) {
  const h = new BarHistory();
  for (const s of stocks) for (let i = 0; i < s.bars.time.length; i++) h.append(s.name, { time: s.bars.time[i]!, closeTime: s.bars.time[i]! + DAY, open: s.bars.open[i]!, high: s.bars.high[i]!, low: s.bars.low[i]!, close: s.bars.close[i]!, volume: 0 });
  return createAlphaView(h, { now: () => Date.parse(`${date}T00:00:00Z`) + DAY });
}

/** Sample standard deviation of the simple returns of a close series. */
function stdev(closes: readonly number[]): number {
  const r = closes.slice(1).map((c, i) => c / closes[i]! - 1);
  const m = r.reduce((a, x) => a + x, 0) / r.length;
  return Math.sqrt(r.reduce((a, x) => a + (x - m) ** 2, 0) / (r.length - 1));
}

describe('target backtests construct the book as live does', () => {
  it('when strategic runs with method inverse-vol then its weights are the live inverse-vol split of the invested 0.99 on the last 252 returns up to the decision', () => {
    const date = '2008-06-30';
    const d = TARGET_STRATEGIES['strategic']!.create({ method: method('inverse-vol') }, TICKERS, viewAt(date)).decide()!;
    expect(d.ran).toEqual(['strategic']);
    // The live primitives on the same closes: the aligned window, the sample covariance, 1/σ.
    const { rows } = alignedCloses(viewAt(date), TICKERS, 253, () => 'weekdays');
    expect(rows.length).toBe(253);
    const live = inverseVolatility(sampleCovFromReturns(returnsFromPrices(frameFromRows(TICKERS, rows)), { frequency: 252 }));
    // And by hand: weight ∝ 1/σ of each stock's own returns, the invested total 1 − cash buffer.
    const inv = TICKERS.map((_, j) => 1 / stdev(rows.map((r) => r[j]!)));
    const total = inv.reduce((a, x) => a + x, 0);
    TICKERS.forEach((t, j) => {
      expect(d.weights[t]).toBeCloseTo(0.99 * live[j]!, 12);
      expect(d.weights[t]).toBeCloseTo((0.99 * inv[j]!) / total, 10);
    });
    // Not the equal split signal-weighted gives: the method moved weight.
    expect(Math.max(...TICKERS.map((t) => Math.abs(d.weights[t]! - 0.2475)))).toBeGreaterThan(0.01);
    // Only closes up to the decision: the last aligned row is the close of that day.
    const aapl = stocks[0]!.bars;
    const last = aapl.time.findLastIndex((x) => x <= Date.parse(`${date}T00:00:00Z`));
    expect(rows[rows.length - 1]![0]).toBe(aapl.close[last]);
  });

  it('when the history is shorter than the method needs then the targets hold the current weights and the run says why', () => {
    const r = runTargets(stockBars(TICKERS, '2006-01-01', '2006-01-20'), TARGET_STRATEGIES['strategic']!, { method: method('inverse-vol') }, { fidelity: 'bar', cash: '100000', commission: '0' });
    expect(r.fills).toEqual([]);
    expect(r.notes.some((n) => n.startsWith('construction inverse-vol: BAD_INPUT'))).toBe(true);
  });

  it('when the method changes then the run changes, and the assumptions name it; signal-weighted is the default', () => {
    const run = (p: Record<string, number>) => runTargets(stocks, TARGET_STRATEGIES['strategic']!, p, { fidelity: 'bar', cash: '100000', commission: '0.001' });
    const base = run({});
    expect(run({ method: method('signal-weighted') }).finalValue).toBe(base.finalValue);
    const values = new Set([base.finalValue]);
    for (const m of ['inverse-vol', 'risk-parity', 'hrp'] as const) {
      const r = run({ method: method(m) });
      expect(r.assumptions.fills).toContain(`construction ${m}`);
      values.add(r.finalValue);
    }
    expect(values.size).toBe(4);
    const capped = run({ maxWeight: 0.2 });
    for (const x of capped.attribution.instruments) expect(x.finalWeight).toBeLessThan(0.25);
    expect(capped.notes.filter((n) => n.startsWith('max weight 0.2')).length).toBe(1);
  });

  it('when a QP method or an unknown method is asked for then the run refuses it with a reason', () => {
    const view = viewAt('2008-06-30');
    expect(() => TARGET_STRATEGIES['strategic']!.create({ method: method('min-volatility') }, TICKERS, view)).toThrow(/QP_ASYNC/);
    expect(() => TARGET_STRATEGIES['l2']!.create({ method: 9 }, TICKERS, view)).toThrow(/method must be one of/);
    expect(() => TARGET_STRATEGIES['tactical']!.create({ lookbackDays: 5 }, TICKERS, view)).toThrow(/lookbackDays/);
  });

  for (const name of ['strategic', 'l2']) {
    it(`when ${name} runs with inverse-vol then the look-ahead check passes`, async () => {
      const short = stockBars(['AAPL', 'GE', 'XOM'], '2007-01-01', '2009-12-31');
      const r = await targetLookahead(short, TARGET_STRATEGIES[name]!, { method: method('inverse-vol'), lookbackDays: 60 }, { fidelity: 'bar', cash: '100000', commission: '0.001' });
      expect(r.mismatches).toEqual([]);
      expect(r.decisionsCompared).toBeGreaterThan(0);
    });
  }
});
