import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestReport } from '../../src/backtest/run-spec.ts';
import { backtestSchemas } from '../../src/contract/api/backtest.ts';
import { BacktestService } from '../../src/host/backtest-service.ts';
import { ROOT, strataCli, tempDataDir } from './harness.ts';

/**
 * `backtest run --desk-guards`: the L3 run's desk guards (PMS escalation, circuit breakers) as a
 * switch, kept in the run's spec so a kept run says how it ran; refused where it would be ignored.
 * What the guards do inside a run is tests/integration/backtest-l3.test.ts (REDUCING mid-run).
 */

const TAPE = join(ROOT, 'tests/fixtures/data/crypto/binance_XRPETH_trades_20191011-13.csv');
const ORCL = join(ROOT, 'tests/fixtures/data/backtrader/orcl-1995-2014.txt');
const ARGS = ['--fidelity', 'l3', '--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--cash', '20', '--commission', '0.001', '--sizing', 'fixed:3000', '--to', '2019-10-11T01:00:00Z', '--seed', '3'];

describe('backtest run --desk-guards', () => {
  let dir: string;
  const { cli } = strataCli(() => dir);

  beforeAll(() => {
    dir = tempDataDir('backtest-desk-guards');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when an L3 run asks for the desk guards then its kept spec says so, show prints it, and a run without it keeps no such key', { timeout: 180_000 }, async () => {
    const on = await cli('backtest', 'run', '--data', TAPE, ...ARGS, '--desk-guards', '--json');
    expect(on.code, on.stderr).toBe(0);
    const a = JSON.parse(on.stdout) as BacktestReport & { runId: number };
    expect(a.spec.deskGuards).toBe(true);
    const shown = await cli('backtest', 'show', String(a.runId));
    expect(shown.stdout).toMatch(/desk guards +on/);
    const off = await cli('backtest', 'run', '--data', 'binance_XRPETH_trades_20191011-13.csv', ...ARGS, '--json');
    expect(off.code, off.stderr).toBe(0);
    const b = JSON.parse(off.stdout) as BacktestReport & { runId: number };
    // Old specs (and their result hashes) are unchanged: the key is only written when on.
    expect('deskGuards' in b.spec).toBe(false);
    // One quiet hour never reaches the PMS's loss levels: the same fills either way.
    expect(b.fills).toBe(a.fills);
    expect((await cli('backtest', 'show', String(b.runId))).stdout).toMatch(/desk guards +off/);
  });

  it('when --desk-guards is given at a bar level or to fidelities on bars then the command is refused with the reason, exit 2', { timeout: 60_000 }, async () => {
    const r = await cli('backtest', 'run', '--data', ORCL, '--fidelity', 'bar', '--desk-guards', '--no-save');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--desk-guards applies to --fidelity l3/);
    const f = await cli('backtest', 'fidelities', '--data', ORCL, '--desk-guards');
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--desk-guards applies to l3, which runs on a trade tape/);
  });

  it('when the host is asked for deskGuards where it would be ignored then it refuses BAD_REQUEST naming the field', () => {
    const svc = new BacktestService(dir, () => undefined);
    try {
      const p = backtestSchemas['backtest.run'].parse({ data: 'orcl', strategy: 'sma-cross', fidelity: 'l1', deskGuards: true });
      expect(() => svc.run(p)).toThrow(/deskGuards applies to fidelity l3/);
      const s = backtestSchemas['backtest.sweep'].parse({ data: 'orcl', strategy: 'sma-cross', grid: { fast: [5, 10] }, deskGuards: true });
      expect(() => svc.sweep(s)).toThrow(/a sweep runs at bar, l1 or l2/);
    } finally {
      svc.close();
    }
  });
});
