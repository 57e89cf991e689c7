import { describe, expect, it } from 'vitest';
import { barsFromRows } from '../../../../src/backtest/data/series.ts';
import { isTargetStrategy, strategyDef, TARGET_STRATEGIES } from '../../../../src/backtest/strategies/index.ts';
import { StrategyParamError } from '../../../../src/backtest/strategies/strategy.ts';
import type { TargetStrategyDef } from '../../../../src/backtest/strategies/target.ts';
import { targetLookahead } from '../../../../src/backtest/strategies/target-lookahead.ts';
import { runTargets, sharesOf, UNATTRIBUTED } from '../../../../src/backtest/strategies/target-runner.ts';
import { BarHistory } from '../../../../src/signals/bars.ts';
import { readRegime, tacticalRegimeSchema } from '../../../../src/signals/alphas/tactical-regime.ts';
import { createAlphaView } from '../../../../src/signals/view.ts';
import { stockBars } from '../../../fixtures/backtest/stocks.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2020-01-01T00:00:00Z');
const TICKERS = ['AAPL', 'GE', 'WMT', 'XOM'];
const stocks = stockBars(TICKERS, '2006-01-01', '2010-12-31');

/** A view of the stocks' bars at the close of the bar at `date` (the runner's convention: a bar closes a day after it opens). */
function viewAt(date: string) {
  const h = new BarHistory();
  for (const s of stocks) for (let i = 0; i < s.bars.time.length; i++) h.append(s.name, { time: s.bars.time[i]!, closeTime: s.bars.time[i]! + DAY, open: s.bars.open[i]!, high: s.bars.high[i]!, low: s.bars.low[i]!, close: s.bars.close[i]!, volume: 0 });
  return createAlphaView(h, { now: () => Date.parse(`${date}T00:00:00Z`) + DAY });
}

const sum = (w: Record<string, number>) => Object.values(w).reduce((a, x) => a + x, 0);

describe('target strategies: the live alphas as backtest weights', () => {
  it('when strategic runs with cash=0.1 on four instruments then each gets 0.225, all of it the strategic alpha\'s', async () => {
    const s = TARGET_STRATEGIES['strategic']!.create({ cash: 0.1 }, TICKERS, viewAt('2008-06-30'));
    const d = (await s.decide())!;
    expect(d.ran).toEqual(['strategic']);
    for (const t of TICKERS) {
      expect(d.weights[t]).toBeCloseTo(0.225, 12);
      expect(d.parts[t]).toEqual([{ alpha: 'strategic', contribution: d.weights[t], support: 1 }]);
    }
    expect(sum(d.weights)).toBeCloseTo(0.9, 12);
  });

  it('when tactical decides then it holds only instruments with positive 12-1 momentum and an up trend, equally, within gross exposure 1', async () => {
    const s = TARGET_STRATEGIES['tactical']!.create({}, TICKERS, viewAt('2010-06-30'));
    const v = viewAt('2010-06-30');
    const d = (await s.decide())!;
    const p = tacticalRegimeSchema.parse({});
    const held = TICKERS.filter((t) => d.weights[t]! > 0);
    for (const t of TICKERS) {
      const r = readRegime(v.closes(t), p)!;
      expect(d.weights[t]! > 0).toBe(r.momentum > 0 && r.trendUp);
      if (d.weights[t]! > 0) expect(d.weights[t]).toBeCloseTo((1 / held.length) * (r.highVol ? p.highVolExposure : 1) * Math.min(1, Math.abs(r.momentum) / p.momentumScale), 12);
    }
    expect(sum(d.weights)).toBeLessThanOrEqual(1 + 1e-12);
  });

  it('when stat-model decides then every weight is 0 or its equal share of the book (long only), scaled by conviction', async () => {
    const s = TARGET_STRATEGIES['stat-model']!.create({}, TICKERS, viewAt('2009-03-31'));
    const d = (await s.decide())!;
    for (const [t, w] of Object.entries(d.weights)) {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThanOrEqual(0.25 + 1e-12);
      const part = d.parts[t]![0]!;
      expect(part.alpha).toBe('model');
      expect(w).toBeCloseTo(part.contribution > 0 ? part.contribution : 0, 12);
    }
  });

  it('when l2 combines the three alphas then each weight is the sum of their contributions, each alpha a third of the book', async () => {
    const s = TARGET_STRATEGIES['l2']!.create({}, TICKERS, viewAt('2010-06-30'));
    expect(s.alphas).toEqual(['strategic', 'tactical', 'model']);
    const d = (await s.decide())!;
    for (const t of TICKERS) {
      const parts = d.parts[t]!;
      expect(Math.max(0, parts.reduce((a, p) => a + p.contribution, 0))).toBeCloseTo(d.weights[t]!, 12);
      expect(parts.find((p) => p.alpha === 'strategic')!.contribution).toBeCloseTo(0.25 / 3, 12);
    }
  });

  it('when a parameter is unknown or a value is refused by the alpha\'s schema then the strategy is refused with BAD_STRATEGY_PARAM', () => {
    expect(() => TARGET_STRATEGIES['tactical']!.create({ fast: 3 }, TICKERS, viewAt('2010-06-30'))).toThrow(StrategyParamError);
    expect(() => TARGET_STRATEGIES['tactical']!.create({ lookback: 10, skip: 20 }, TICKERS, viewAt('2010-06-30'))).toThrow(/skip/);
    expect(() => TARGET_STRATEGIES['l2']!.create({ strategic: 0, tactical: 0, model: 0 }, TICKERS, viewAt('2010-06-30'))).toThrow(/every alpha weight is 0/);
    expect(() => TARGET_STRATEGIES['strategic']!.rebalance({ lot: 0 })).toThrow(StrategyParamError);
    expect(isTargetStrategy('tactical')).toBe(true);
    expect(() => strategyDef('tactical')).toThrow(/--sizing target/);
  });

  it('when an exit is every alpha\'s (contributions 0) then attribution goes by support; with none, equally', () => {
    expect([...sharesOf([{ alpha: 'a', contribution: 0.3, support: 0.5 }, { alpha: 'b', contribution: -0.1, support: 0.5 }])].map(([k, v]) => [k, Number(v.toFixed(12))])).toEqual([['a', 0.75], ['b', 0.25]]);
    expect([...sharesOf([{ alpha: 'a', contribution: 0, support: 0.2 }, { alpha: 'b', contribution: 0, support: 0.6 }])].map(([k, v]) => [k, Number(v.toFixed(12))])).toEqual([['a', 0.25], ['b', 0.75]]);
    expect([...sharesOf([{ alpha: 'a', contribution: 0, support: 0 }])]).toEqual([['a', 1]]);
  });
});

describe('target runner: the rebalancer\'s trades, checked by hand', () => {
  // A at 10 then opens at 11; B at 20 then opens at 19. Strategic, equal weights, no buffer, no drift
  // threshold, restated monthly only (policyDrift 0: no restatement on drift within the month).
  const two = [
    { name: 'A', bars: barsFromRows([0, 1, 2].map((i) => ({ time: T0 + i * DAY, open: [10, 11, 12][i]!, high: 13, low: 9, close: [10, 11.5, 12][i]!, volume: 1000 })), 2) },
    { name: 'B', bars: barsFromRows([0, 1, 2].map((i) => ({ time: T0 + i * DAY, open: [20, 19, 18][i]!, high: 21, low: 17, close: [20, 18.5, 18][i]!, volume: 1000 })), 2) },
  ];
  const params = { cashBuffer: 0, driftThreshold: 0, policyDrift: 0 };

  it('when the targets are 50/50 at fidelity bar then 500 A and 250 B are planned at the closes, A fills whole at 11 and B is cut to the 236 the cash pays at 19', () => {
    const r = runTargets(two, TARGET_STRATEGIES['strategic']!, params, { fidelity: 'bar', cash: '10000', commission: '0' });
    expect(r.fills.map((f) => [f.instrument, f.side, f.qty, f.price, f.bar])).toEqual([
      ['A', 'buy', 500, 11, 1],
      ['B', 'buy', 236, 19, 1],
    ]);
    // 10000 − 500·11 − 236·19 = 16; marked at the last closes 12 and 18.
    expect(r.finalCash).toBe('16');
    expect(r.position).toEqual({ A: '500', B: '236' });
    expect(Number(r.finalValue)).toBe(16 + 500 * 12 + 236 * 18);
    expect(r.attribution.alphas.map((a) => [a.alpha, Number(a.pnl.toFixed(9))])).toEqual([['strategic', 16 + 500 * 12 + 236 * 18 - 10000]]);
    const byInst = Object.fromEntries(r.attribution.instruments.map((x) => [x.instrument, Number(x.pnl.toFixed(9))]));
    expect(byInst).toEqual({ A: 500 * (12 - 11), B: 236 * (18 - 19) });
  });

  it('when the same targets run at l1 with a 10 bps haircut and 0.1% commission then they fill at once at the closes, worse by the haircut', () => {
    const r = runTargets(two, TARGET_STRATEGIES['strategic']!, params, { fidelity: 'l1', cash: '10000', commission: '0.001', costs: { haircutBps: 10 } });
    // A: 500 at 10.01 = 5005 + 5.005 fee; B planned 250 at 20.02 = 5005 > 4989.995 left: cut to floor(4989.995 / (20.02 · 1.001)) = 249.
    expect(r.fills.map((f) => [f.instrument, f.qty, f.price, f.bar])).toEqual([
      ['A', 500, 10.01, 0],
      ['B', 249, 20.02, 0],
    ]);
    expect(Number(r.finalCash)).toBeCloseTo(10000 - 5005 - 5.005 - 249 * 20.02 * 1.001, 9);
    expect(r.metrics.costs.spread).toBeCloseTo(500 * 0.01 + 249 * 0.02, 9);
  });

  it('when a lot of 0.5 is given then quantities are whole lots of 0.5', () => {
    const r = runTargets(two, TARGET_STRATEGIES['strategic']!, { ...params, lot: 0.5 }, { fidelity: 'l1', cash: '1001', commission: '0' });
    for (const f of r.fills) expect((f.qty * 2) % 1).toBe(0);
    expect(r.fills.map((f) => f.qty)).toEqual([50, 25]);
  });

  it('when the instruments have different bar lengths then the run is refused (a daily close would show at the first minute)', () => {
    const minute = { name: 'M', bars: barsFromRows([0, 1, 2].map((i) => ({ time: T0 + i * 60_000, open: 10, high: 10, low: 10, close: 10, volume: 1 })), 2) };
    expect(() => runTargets([two[0]!, minute], TARGET_STRATEGIES['strategic']!, params, { fidelity: 'bar', cash: '10000', commission: '0' })).toThrow(/different bar lengths/);
  });

  it('when fidelity l3 is asked then it is refused: L3 needs a recorded tape', () => {
    expect(() => runTargets(two, TARGET_STRATEGIES['strategic']!, params, { fidelity: 'l3', cash: '10000', commission: '0' })).toThrow(/L3_NEEDS_TAPE/);
  });
});

describe('target runner on the fixture stocks', () => {
  for (const name of Object.keys(TARGET_STRATEGIES)) {
    it(`when ${name} runs then the alphas' P&L adds up to each instrument's, and the instruments' to final − starting equity`, () => {
      const r = runTargets(stocks, TARGET_STRATEGIES[name]!, {}, { fidelity: 'bar', cash: '100000', commission: '0.001' });
      expect(r.attribution.rebalances).toBeGreaterThan(0);
      expect(r.fills.length).toBeGreaterThan(0);
      const total = Number(r.finalValue) - 100000;
      const inst = r.attribution.instruments.reduce((a, x) => a + x.pnl, 0);
      expect(inst).toBeCloseTo(total, 5);
      const alphas = r.attribution.alphas.reduce((a, x) => a + x.pnl, 0);
      expect(alphas).toBeCloseTo(total, 5);
      for (const x of r.attribution.instruments) {
        const parts = r.attribution.alphas.reduce((a, al) => a + (al.byInstrument[x.instrument] ?? 0), 0);
        expect(parts).toBeCloseTo(x.pnl, 5);
      }
      expect(r.attribution.alphas.some((a) => a.alpha === UNATTRIBUTED)).toBe(false);
      // Long only, never more cash spent than held.
      expect(Number(r.finalCash)).toBeGreaterThanOrEqual(0);
      for (const q of Object.values(r.position)) expect(Number(q)).toBeGreaterThanOrEqual(0);
      expect(r.equity[r.equity.length - 1]).toBeCloseTo(Number(r.finalValue), 6);
    });
  }

  it('when the same run is repeated then the result is identical, bit for bit', () => {
    const a = runTargets(stocks, TARGET_STRATEGIES['l2']!, {}, { fidelity: 'bar', cash: '100000', commission: '0.001' });
    const b = runTargets(stocks, TARGET_STRATEGIES['l2']!, {}, { fidelity: 'bar', cash: '100000', commission: '0.001' });
    expect(b.finalValue).toBe(a.finalValue);
    expect(Buffer.from(b.equity.buffer).equals(Buffer.from(a.equity.buffer))).toBe(true);
  });
});

describe('target look-ahead check', () => {
  const short = stockBars(['AAPL', 'GE', 'XOM'], '2007-01-01', '2009-12-31');
  for (const name of Object.keys(TARGET_STRATEGIES)) {
    it(`when ${name} is checked then no target decided before a cut changes`, async () => {
      const r = await targetLookahead(short, TARGET_STRATEGIES[name]!, {}, { fidelity: 'bar', cash: '100000', commission: '0.001' });
      expect(r.mismatches).toEqual([]);
      expect(r.decisionsCompared).toBeGreaterThan(0);
    });
  }

  it('when a strategy reads the next close then the check catches it', async () => {
    // Holds A for the bar ahead when A's NEXT close is higher: read off the series, not the view.
    let a = short[0]!.bars;
    let step = 0;
    const peek: TargetStrategyDef = {
      kind: 'target',
      name: 'peek',
      description: 'reads the future',
      defaults: {},
      rebalance: () => ({ driftThreshold: 0, cashBuffer: 0, minTrade: 0, lot: 1 }),
      create: () => {
        step = 0;
        return {
          name: 'peek',
          alphas: ['peek'],
          decide() {
            const i = step++;
            const up = i + 1 < a.time.length && a.close[i + 1]! > a.close[i]!;
            return { weights: { AAPL: up ? 1 : 0 }, parts: { AAPL: [{ alpha: 'peek', contribution: up ? 1 : 0, support: 1 }] }, ran: ['peek'], failed: [] };
          },
        };
      },
    };
    // The engine hands the strategy the series it runs on, as a vectorised backtest would.
    const engine: Parameters<typeof targetLookahead>[4] = (series, def, params, config) => {
      a = series[0]!.bars;
      return runTargets(series, def, params, config);
    };
    const r = await targetLookahead([short[0]!], peek, {}, { fidelity: 'bar', cash: '100000', commission: '0' }, engine);
    expect(r.biased).toBe(true);
  });
});
