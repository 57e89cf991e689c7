import { describe, expect, it } from 'vitest';
import { CONSTRUCTION_METHODS } from '../../../../src/contract/api/portfolio.ts';
import { TARGET_STRATEGIES } from '../../../../src/backtest/strategies/index.ts';
import { targetLookahead } from '../../../../src/backtest/strategies/target-lookahead.ts';
import { runTargets, runTargetsAsync } from '../../../../src/backtest/strategies/target-runner.ts';
import { alignedCloses } from '../../../../src/portfolio/construction.ts';
import { meanHistoricalReturnFromReturns } from '../../../../src/portfolio/expected-returns.ts';
import { frameFromRows, returnsFromPrices } from '../../../../src/portfolio/frame.ts';
import { maxSharpe, minVolatility } from '../../../../src/portfolio/frontier.ts';
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
  it('when strategic runs with method inverse-vol then its weights are the live inverse-vol split of the invested 0.99 on the last 252 returns up to the decision', async () => {
    const date = '2008-06-30';
    const d = (await TARGET_STRATEGIES['strategic']!.create({ method: method('inverse-vol') }, TICKERS, viewAt(date)).decide())!;
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

  it('when strategic runs with method min-volatility or max-sharpe then its decision is the live QP solve of the same 252 returns, split of the invested 0.99', async () => {
    const date = '2008-06-30';
    const { rows } = alignedCloses(viewAt(date), TICKERS, 253, () => 'weekdays');
    const returns = returnsFromPrices(frameFromRows(TICKERS, rows));
    const cov = sampleCovFromReturns(returns, { frequency: 252 });
    // The live solvers (checked against PyPortfolioOpt's own cases in tests/unit/portfolio/frontier.test.ts) on the window the decision saw.
    const live = {
      'min-volatility': await minVolatility(cov, { bounds: [0, 1] }),
      'max-sharpe': await maxSharpe(meanHistoricalReturnFromReturns(returns, { compounding: false, frequency: 252 }), cov, 0, { bounds: [0, 1] }),
    };
    for (const m of ['min-volatility', 'max-sharpe'] as const) {
      const decided = TARGET_STRATEGIES['strategic']!.create({ method: method(m) }, TICKERS, viewAt(date)).decide();
      // The QP solves asynchronously: the decision is a promise the runner awaits.
      expect(decided).toBeInstanceOf(Promise);
      const d = (await decided)!;
      TICKERS.forEach((t, j) => expect(d.weights[t]).toBeCloseTo(0.99 * live[m][j]!, 10));
      expect(TICKERS.reduce((a, t) => a + d.weights[t]!, 0)).toBeCloseTo(0.99, 10);
    }
    // Not the same book: min-volatility and max-sharpe differ.
    expect(Math.max(...TICKERS.map((_, j) => Math.abs(live['min-volatility'][j]! - live['max-sharpe'][j]!)))).toBeGreaterThan(0.01);
  });

  it('when a QP method runs on the synchronous runner then it is refused with QP_ASYNC; the asynchronous runner runs it and books the solved weights', async () => {
    const short = stockBars(TICKERS, '2007-01-01', '2009-12-31');
    const config = { fidelity: 'bar', cash: '100000', commission: '0.001' } as const;
    const def = TARGET_STRATEGIES['strategic']!;
    expect(() => runTargets(short, def, { method: method('min-volatility') }, config)).toThrow(/QP_ASYNC/);
    const mv = await runTargetsAsync(short, def, { method: method('min-volatility') }, config);
    const ew = await runTargetsAsync(short, def, { method: method('equal') }, config);
    expect(mv.assumptions.fills).toContain('construction min-volatility');
    expect(mv.attribution.rebalances).toBeGreaterThan(0);
    expect(mv.fills.length).toBeGreaterThan(0);
    expect(mv.finalValue).not.toBe(ew.finalValue);
    // The asynchronous runner gives the synchronous one's result bit for bit where nothing solves asynchronously.
    const iv = runTargets(short, def, { method: method('inverse-vol') }, config);
    const ivAsync = await runTargetsAsync(short, def, { method: method('inverse-vol') }, config);
    expect(ivAsync.finalValue).toBe(iv.finalValue);
    expect([...ivAsync.equity]).toEqual([...iv.equity]);
  });

  it('when an unknown method or a short lookback is asked for then the run refuses it with a reason', () => {
    const view = viewAt('2008-06-30');
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
