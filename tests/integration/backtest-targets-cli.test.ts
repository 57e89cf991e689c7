import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockCsv } from '../fixtures/backtest/stocks.ts';
import { ROOT, strataCli, tempDataDir } from './harness.ts';

/**
 * `strata backtest run|show|lookahead` with the target strategies (the live L2 alphas and the
 * rebalancer) on the fixture stocks, as the real command in a temporary data directory.
 */

const ORCL = join(ROOT, 'tests/fixtures/data/backtrader/orcl-1995-2014.txt');
const TICKERS = ['AAPL', 'GE', 'XOM', 'WMT'];

interface Attribution {
  rule: string;
  alphas: { alpha: string; pnl: number; byInstrument: Record<string, number> }[];
  instruments: { instrument: string; pnl: number; fills: number; fees: number; finalQty: number }[];
  rebalances: number;
}

interface RunOut {
  runId: number;
  dataName: string;
  finalValue: number;
  position: Record<string, number>;
  fills: number;
  barsPerSecond: number;
  spec: { strategy: string; sizing: { kind: string }; instruments: string[] };
  metrics: { assumptions: { fidelity: string; fills: string } };
  attribution: Attribution;
}

describe('strata backtest with target strategies', () => {
  let dir: string;
  let stocks: string;
  const { cli, json } = strataCli(() => dir);

  beforeAll(() => {
    dir = tempDataDir('backtest-targets');
    stocks = join(dir, 'stocks');
    mkdirSync(stocks);
    for (const t of TICKERS) writeFileSync(join(stocks, `${t}.csv`), stockCsv(t, '2006-01-01', '2010-12-31'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const strategy of ['strategic', 'tactical', 'stat-model', 'l2']) {
    it(`when ${strategy} runs on a directory of four stocks then its orders, per-alpha and per-instrument attribution are printed and kept`, async () => {
      const out = await json<RunOut & { kernel: { orders: number; denied: number; cash: number } }>('backtest', 'run', '--data', stocks, '--strategy', strategy, '--commission', '0.001');
      // Every order went through the kernel (intake, L1, OMS, bar venue) and was filled there.
      expect(out.kernel.denied).toBe(0);
      expect(out.kernel.orders).toBe(out.fills);
      expect(out.spec).toMatchObject({ strategy, sizing: { kind: 'target' }, instruments: TICKERS.slice().sort() });
      expect(out.dataName).toBe('AAPL+GE+WMT+XOM');
      expect(out.fills).toBeGreaterThan(0);
      expect(Object.keys(out.position).sort()).toEqual(TICKERS.slice().sort());
      const a = out.attribution;
      expect(a.instruments.map((x) => x.instrument)).toEqual(TICKERS.slice().sort());
      const total = out.finalValue - 100000;
      expect(a.instruments.reduce((s, x) => s + x.pnl, 0)).toBeCloseTo(total, 4);
      expect(a.alphas.reduce((s, x) => s + x.pnl, 0)).toBeCloseTo(total, 4);
      if (strategy === 'l2') expect(a.alphas.map((x) => x.alpha)).toEqual(['strategic', 'tactical', 'model']);
      // Kept with the run: `backtest show` gives the same attribution back, and prints its tables.
      const shown = await json<{ attribution: Attribution }>('backtest', 'show', String(out.runId));
      expect(shown.attribution).toEqual(a);
      const text = await cli('backtest', 'show', String(out.runId));
      expect(text.stdout).toMatch(/ALPHA\s+PNL/);
      expect(text.stdout).toMatch(/INSTRUMENT\s+PNL/);
    });
  }

  it('when the same target run is repeated then the kept results are identical, bit for bit', async () => {
    const a = await json<RunOut & { resultHash: string }>('backtest', 'run', '--data', join(stocks, 'AAPL.csv'), '--data', join(stocks, 'GE.csv'), '--strategy', 'tactical', '--param', 'lookback=126', '--param', 'skip=5', '--param', 'trendPeriod=50', '--param', 'volHistory=126');
    const b = await json<RunOut & { resultHash: string }>('backtest', 'run', '--data', join(stocks, 'AAPL.csv'), '--data', join(stocks, 'GE.csv'), '--strategy', 'tactical', '--param', 'lookback=126', '--param', 'skip=5', '--param', 'trendPeriod=50', '--param', 'volHistory=126');
    expect(b.resultHash).toBe(a.resultHash);
    const c = await cli('backtest', 'compare', String(a.runId), String(b.runId));
    expect(c.stdout).toContain('identical results');
  });

  it('when stat-model runs at fidelity l2 on ORCL (which has volume) then impact and spread are paid', async () => {
    const out = await json<RunOut & { metrics: { costs: { spread: number; impact: number } } }>('backtest', 'run', '--data', ORCL, '--strategy', 'stat-model', '--fidelity', 'l2', '--to', '2004-12-31');
    expect(out.metrics.assumptions.fidelity).toBe('l2');
    expect(out.metrics.costs.spread).toBeGreaterThan(0);
    expect(out.metrics.costs.impact).toBeGreaterThan(0);
  });

  it('when tactical runs at the three fidelities on ORCL then each is labelled, l1 pays the haircut and only l2 pays impact; l3 is listed as not run', async () => {
    const out = await json<{ fidelity: string; denied: number; metrics: { costs: { impact: number; spread: number }; assumptions: { fidelity: string } } }[]>('backtest', 'fidelities', '--data', ORCL, '--strategy', 'tactical', '--to', '2003-12-31', '--commission', '0.001', '--haircut-bps', '5');
    expect(out.map((x) => x.fidelity)).toEqual(['bar', 'l1', 'l2']);
    expect(out.map((x) => x.metrics.assumptions.fidelity)).toEqual(['bar', 'l1', 'l2']);
    expect(out.map((x) => x.denied)).toEqual([0, 0, 0]);
    expect(out[0]!.metrics.costs.spread).toBe(0);
    expect(out[1]!.metrics.costs.spread).toBeGreaterThan(0);
    expect(out[1]!.metrics.costs.impact).toBe(0);
    expect(out[2]!.metrics.costs.impact).toBeGreaterThan(0);
    const text = await cli('backtest', 'fidelities', '--data', ORCL, '--strategy', 'tactical', '--to', '2003-12-31');
    expect(text.stdout).toContain('l3 not run (NO_TAPE)');
  });

  it('when each target strategy is checked for look-ahead then it passes', async () => {
    for (const strategy of ['strategic', 'tactical', 'stat-model', 'l2']) {
      const r = await cli('backtest', 'lookahead', '--data', join(stocks, 'AAPL.csv'), '--data', join(stocks, 'XOM.csv'), '--strategy', strategy, '--from', '2007-01-01', '--to', '2009-12-31');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^no look-ahead: \d+ target decisions identical/);
    }
  });

  it('when a target run takes --param method=inverse-vol then the live construction builds its book: a different run, named in its assumptions; a QP method runs; an unknown name is refused', async () => {
    const base = await json<RunOut>('backtest', 'run', '--data', stocks, '--strategy', 'strategic', '--commission', '0.001');
    const iv = await json<RunOut>('backtest', 'run', '--data', stocks, '--strategy', 'strategic', '--commission', '0.001', '--param', 'method=inverse-vol');
    expect(base.metrics.assumptions.fills).toContain('construction signal-weighted');
    expect(iv.metrics.assumptions.fills).toContain('construction inverse-vol, 252 bars of history');
    expect(iv.finalValue).not.toBe(base.finalValue);
    // The kept run prints its method by name (params keep its index), and a bare index is refused.
    const shown = await cli('backtest', 'show', String(iv.runId));
    expect(shown.stdout).toMatch(/strategy\s+strategic\b.*method=inverse-vol/);
    const index = await cli('backtest', 'run', '--data', stocks, '--strategy', 'strategic', '--param', 'method=2');
    expect(index.code).not.toBe(0);
    expect(index.stderr).toContain('--param method takes a name');
    // The QP methods run too: the kernel's target run awaits the solver at each rebalance.
    const qp = await json<RunOut>('backtest', 'run', '--data', stocks, '--strategy', 'strategic', '--commission', '0.001', '--param', 'method=min-volatility');
    expect(qp.metrics.assumptions.fills).toContain('construction min-volatility, 252 bars of history');
    expect(qp.finalValue).not.toBe(iv.finalValue);
    const unknown = await cli('backtest', 'run', '--data', stocks, '--strategy', 'strategic', '--param', 'method=magic');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('--param method must be one of');
  });

  it('when a target strategy is swept over methods and drift thresholds then the table is the same on 1 and 2 workers, each row is the run of its point, and the best has a deflated Sharpe', async () => {
    interface Row { index: number; params: Record<string, number>; finalValue: number; sharpe: number | null; error: string | null }
    interface SweepOut { points: number; workers: number; rows: Row[]; best: Row | null; deflatedSharpe: number | null }
    const args = ['backtest', 'sweep', '--data', stocks, '--strategy', 'strategic', '--commission', '0.001', '--from', '2007-01-01', '--to', '2009-12-31', '--grid', 'method=equal,inverse-vol,min-volatility', '--grid', 'driftThreshold=0.01,0.05', '--sort', 'index'];
    const one = await json<SweepOut>(...args, '--workers', '1');
    const two = await json<SweepOut>(...args, '--workers', '2');
    expect(one.points).toBe(6);
    expect(two.workers).toBe(2);
    expect(two.rows).toEqual(one.rows);
    expect(one.rows.every((r) => r.error === null)).toBe(true);
    expect(new Set(one.rows.map((r) => r.finalValue)).size).toBe(6);
    expect(one.deflatedSharpe).not.toBeNull();
    // A row is the run of its point (min-volatility: the QP solved at each rebalance).
    const mv = one.rows.find((r) => r.params['driftThreshold'] === 0.05 && r.params['method'] === 5)!;
    const run = await json<RunOut>('backtest', 'run', '--data', stocks, '--strategy', 'strategic', '--commission', '0.001', '--from', '2007-01-01', '--to', '2009-12-31', '--param', 'method=min-volatility', '--param', 'driftThreshold=0.05');
    expect(mv.finalValue).toBe(run.finalValue);
    // The text table names the methods.
    const text = await cli(...args, '--workers', '2');
    expect(text.stdout).toMatch(/min-volatility\s+0\.05/);
    const bad = await cli('backtest', 'sweep', '--data', stocks, '--strategy', 'strategic', '--grid', 'method=magic');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--grid method takes names');
  });

  it('when a target strategy is walked forward then each window names its best method and the out-of-sample returns chain', async () => {
    interface Wf { windows: { best: Record<string, number> | null; outOfSampleReturn: number }[]; outOfSampleReturn: number }
    const r = await json<Wf>('backtest', 'walkforward', '--data', stocks, '--strategy', 'tactical', '--commission', '0.001', '--grid', 'method=equal,inverse-vol', '--in-sample', '500', '--out-of-sample', '250');
    expect(r.windows.length).toBeGreaterThanOrEqual(3);
    expect(r.windows.every((w) => w.best !== null && [1, 2].includes(w.best['method']!))).toBe(true);
    expect(r.outOfSampleReturn).toBeCloseTo(r.windows.reduce((a, w) => a * (1 + w.outOfSampleReturn), 1) - 1, 10);
    const text = await cli('backtest', 'walkforward', '--data', stocks, '--strategy', 'tactical', '--grid', 'method=equal,inverse-vol', '--in-sample', '500', '--out-of-sample', '250');
    expect(text.stdout).toMatch(/method=(equal|inverse-vol)/);
  });

  it('when the run is impossible then it exits non-zero with the reason: l3 without a tape, a bar sizing, a target sizing for sma-cross, an unknown parameter', async () => {
    const l3 = await cli('backtest', 'run', '--data', stocks, '--strategy', 'l2', '--fidelity', 'l3');
    expect(l3.code).not.toBe(0);
    expect(l3.stderr).toContain('L3_NEEDS_TAPE');
    const allIn = await cli('backtest', 'run', '--data', stocks, '--strategy', 'tactical', '--sizing', 'all-in');
    expect(allIn.code).not.toBe(0);
    expect(allIn.stderr).toMatch(/its sizing is target/);
    // Dynamic sizing is refused by name, with its code, not run unsized.
    for (const sizing of ['dynamic', 'kelly', 'vol-target']) {
      const dyn = await cli('backtest', 'run', '--data', stocks, '--strategy', 'strategic', '--sizing', sizing);
      expect(dyn.code).not.toBe(0);
      expect(dyn.stderr).toContain('DYNAMIC_SIZING_OFF');
    }
    const sma = await cli('backtest', 'run', '--data', ORCL, '--strategy', 'sma-cross', '--sizing', 'target');
    expect(sma.code).not.toBe(0);
    expect(sma.stderr).toMatch(/bar strategy/);
    const bad = await cli('backtest', 'run', '--data', stocks, '--strategy', 'strategic', '--param', 'fast=3');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('BAD_STRATEGY_PARAM');
    const sweep = await cli('backtest', 'sweep', '--data', ORCL, '--data', join(stocks, 'GE.csv'), '--strategy', 'sma-cross', '--grid', 'fast=5,10');
    expect(sweep.code).not.toBe(0);
    expect(sweep.stderr).toMatch(/one instrument/);
    const two = await cli('backtest', 'run', '--data', ORCL, '--data', join(stocks, 'GE.csv'), '--strategy', 'sma-cross');
    expect(two.code).not.toBe(0);
    expect(two.stderr).toMatch(/one instrument/);
    const dirForSma = await cli('backtest', 'run', '--data', stocks, '--strategy', 'sma-cross');
    expect(dirForSma.code).toBe(2);
    expect(dirForSma.stderr).toMatch(/is a directory: a directory of CSVs is for the target strategies/);
    const guards = await cli('backtest', 'fidelities', '--data', stocks, '--strategy', 'l2', '--desk-guards');
    expect(guards.code).toBe(2);
    expect(guards.stderr).toMatch(/--desk-guards applies to l3 on a trade tape/);
  });
});
