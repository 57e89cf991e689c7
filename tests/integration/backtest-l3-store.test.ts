import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeries } from '../../src/backtest/data/formats.ts';
import type { TradeTape } from '../../src/backtest/data/series.ts';
import type { BacktestReport } from '../../src/backtest/run-spec.ts';
import { strategyDef } from '../../src/backtest/strategies/index.ts';
import { BacktestService } from '../../src/host/backtest-service.ts';
import { runL3 } from '../../src/kernel/backtest-l3.ts';
import { parseTradesCsv } from '../../src/marketdata/csv.ts';
import { SqliteBacktestRunStore } from '../../src/store/sqlite/backtest-run-store.ts';
import { ROOT, strataCli, tempDataDir } from './harness.ts';

/**
 * L3 runs are kept like the other fidelities: `strata backtest run --fidelity l3` stores the tape in
 * series.db and the run in backtests.db (config with bar length, latency, urgency and seed; the
 * tape's content hash; the engine version), and list, show and compare read it back, on real SQLite
 * files in a temporary data directory.
 */

const TAPE = join(ROOT, 'tests/fixtures/data/crypto/binance_XRPETH_trades_20191011-13.csv');
const TO = '2019-10-11T02:00:00Z';
const ARGS = ['--fidelity', 'l3', '--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--cash', '20', '--commission', '0.001', '--sizing', 'fixed:3000', '--to', TO, '--seed', '3'];

interface L3Out extends BacktestReport {
  runId: number;
  dataName: string;
  dataHash: string;
  resultHash: string;
  engineVersion: string;
}

describe('kept L3 backtest runs', () => {
  let dir: string;
  const { cli, json } = strataCli(() => dir);

  beforeAll(() => {
    dir = tempDataDir('backtest-l3-store');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when an L3 run is made from the tape file and again by the stored name then both are kept with config, tape hash, seed and engine version, and compare says identical', { timeout: 180_000 }, async () => {
    const a = await json<L3Out>('backtest', 'run', '--data', TAPE, ...ARGS);
    expect(a.runId).toBeGreaterThan(0);
    expect(a.metrics.assumptions.fidelity).toBe('l3');
    expect(a.l3!.venueFills).toBe(a.fills);
    expect(a.l3!.tapeTrades).toBeGreaterThan(100);
    expect(Math.abs(a.l3!.kernelCash - a.finalCash)).toBeLessThan(1e-6);
    const b = await json<L3Out>('backtest', 'run', '--data', 'binance_XRPETH_trades_20191011-13.csv', ...ARGS);
    expect(b.runId).toBe(a.runId + 1);
    expect(b.dataHash).toBe(a.dataHash);
    expect(b.resultHash).toBe(a.resultHash);

    // What the store holds: the tape's content hash, the spec that decides the result, the engine version.
    const store = new SqliteBacktestRunStore(join(dir, 'backtests.db'));
    const kept = store.get(a.runId)!;
    store.close();
    const tape = parseSeries(readFileSync(TAPE, 'utf8'), TAPE) as TradeTape;
    expect(tape.kind).toBe('trades');
    expect(kept.dataName).toBe('binance_XRPETH_trades_20191011-13.csv');
    expect(kept.dataHash).toBe(a.dataHash);
    expect(kept.engineVersion).toBe(a.engineVersion);
    expect(kept.spec).toMatchObject({ fidelity: 'l3', instrument: 'XRP/ETH', barMs: 60_000, latencyMs: 4, urgency: 'immediate', seed: 3, toMs: Date.parse(TO) });
    expect(kept.report.l3).toEqual(a.l3);
    expect(kept.equity.length).toBe(a.bars);

    const list = await json<{ id: number; fidelity: string; dataName: string; resultHash: string }[]>('backtest', 'list');
    expect(list.map((r) => [r.id, r.fidelity])).toEqual([[b.runId, 'l3'], [a.runId, 'l3']]);
    const shown = await json<L3Out>('backtest', 'show', String(a.runId));
    expect(shown.l3).toEqual(a.l3);
    expect(shown.finalValueExact).toBe(a.finalValueExact);
    const cmp = await json<{ sameResult: boolean; a: { spec: { fidelity: string } } }>('backtest', 'compare', String(a.runId), String(b.runId));
    expect(cmp).toMatchObject({ sameResult: true, a: { spec: { fidelity: 'l3' } } });
    const text = await cli('backtest', 'show', String(a.runId));
    expect(text.stdout).toMatch(/venue +\d+ fills/);
  });

  it('when the stored tape runs at L3 then its fills are those of the tape file read directly (the stored copy loses nothing the venue reads)', { timeout: 180_000 }, async () => {
    const rows = parseTradesCsv(readFileSync(TAPE, 'utf8')).filter((r) => r.timestampMs <= Date.parse(TO));
    const direct = await runL3(strategyDef('sma-cross').create({ fast: 5, slow: 20 }), { instrument: 'XRP/ETH', cash: '20', commission: '0.001', sizing: { kind: 'fixed', qty: '3000' } }, { rows, symbol: 'XRP/ETH', barMs: 60_000, seed: 3 });
    const kept = new SqliteBacktestRunStore(join(dir, 'backtests.db'));
    const r = kept.get(1)!;
    kept.close();
    expect(r.report.finalValueExact).toBe(direct.result.finalValue);
    expect(r.report.fills).toBe(direct.result.fills.length);
    expect(r.report.trades.map((t) => t.entryPrice)).toEqual(direct.result.trades.map((t) => t.entryPrice));
  });

  it('when the host shows a kept L3 run then it has the bars the strategy decided on and the trades on them', async () => {
    const svc = new BacktestService(dir, () => undefined);
    try {
      const shown = svc.show(1);
      expect(shown.summary.fidelity).toBe('l3');
      expect(shown.prices).not.toBeNull();
      expect(shown.prices).toHaveLength(shown.bars);
      const times = new Set(shown.prices!.map((p) => p.time));
      for (const t of shown.trades) expect(times.has(t.entryTime)).toBe(true);
    } finally {
      svc.close();
    }
  });

  it('when --fidelity l3 is given a bar series then it is refused with the reason', { timeout: 60_000 }, async () => {
    const r = await cli('backtest', 'run', '--data', join(ROOT, 'tests/fixtures/data/backtrader/orcl-1995-2014.txt'), '--fidelity', 'l3');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/NO_TAPE: --fidelity l3 needs a recorded trade tape/);
  });
  it('when the CLI compares fidelities on the tape then bar, L1 and L2 run on its bars and L3 through the engine, the L3 level is the L3 run, and L1 cost ≤ L2 cost', { timeout: 180_000 }, async () => {
    const same = ARGS.slice(2);
    const out = await json<{ fidelity: string; finalValue: number; fills: number; metrics: { costs: { total: number }; assumptions: { fidelity: string } }; l3?: { venueFills: number; tapeTrades: number } }[]>('backtest', 'fidelities', '--data', TAPE, ...same);
    expect(out.map((x) => x.metrics.assumptions.fidelity)).toEqual(['bar', 'l1', 'l2', 'l3']);
    const [, l1, l2, l3] = out;
    expect(l1!.metrics.costs.total).toBeLessThanOrEqual(l2!.metrics.costs.total);
    expect(l3!.l3!.venueFills).toBe(l3!.fills);
    const run = await json<L3Out>('backtest', 'run', '--data', TAPE, ...ARGS, '--no-save');
    expect(l3!.finalValue).toBe(run.finalValue);
    expect(l3!.l3).toEqual(run.l3);
    // A bar level on the tape through backtest run: the comparison's column, on the same bars.
    const l2run = await json<L3Out>('backtest', 'run', '--data', TAPE, ...same, '--fidelity', 'l2', '--no-save');
    expect(l2run.metrics.assumptions.fidelity).toBe('l2');
    expect(l2run.finalValue).toBe(l2!.finalValue);
    expect(l2run.spec).toMatchObject({ instrument: 'XRP/ETH', barMs: 60_000, urgency: 'immediate' });
    expect(l2run.l3).toBeUndefined();
  });

  it('when --from falls inside a bar then an l3 run starts at that bar, as the bar levels do: the same run as from the boundary, its kept spec says the boundary, and --help says so (issue 12)', { timeout: 180_000 }, async () => {
    // 01:00:30 is inside the 01:00 bar, and the tape has trades in 01:00:00..01:00:30 (an unrounded
    // start would leave them out of L3's first bar while the bar levels keep the whole bar).
    const win = ARGS.filter((_, i, a) => a[i] !== '--to' && a[i - 1] !== '--to');
    const inside = await json<L3Out>('backtest', 'run', '--data', TAPE, ...win, '--from', '2019-10-11T01:00:30Z', '--to', TO, '--no-save');
    const boundary = await json<L3Out>('backtest', 'run', '--data', TAPE, ...win, '--from', '2019-10-11T01:00:00Z', '--to', TO, '--no-save');
    expect(inside.spec.fromMs).toBe(Date.parse('2019-10-11T01:00:00Z'));
    expect(inside.l3!.tapeTrades).toBe(boundary.l3!.tapeTrades);
    expect(inside.resultHash).toBe(boundary.resultHash);
    // The bar fidelity on the same tape and window decides on the same bars.
    const bar = await json<L3Out>('backtest', 'run', '--data', TAPE, ...win.slice(2), '--from', '2019-10-11T01:00:30Z', '--to', TO, '--fidelity', 'bar', '--no-save');
    expect(bar.spec.fromMs).toBe(inside.spec.fromMs);
    expect([bar.bars, bar.firstBar, bar.lastBar]).toEqual([inside.bars, inside.firstBar, inside.lastBar]);
    const help = await cli('backtest', 'run', '--help');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('on a trade tape rounded down to the start of its --bar bar, at every fidelity (l3 too)');
  });
});
