import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../../../../src/backtest/run-spec.ts';
import { runTargetSpec } from '../../../../src/backtest/run-spec.ts';
import { runTargetSpecOnKernel } from '../../../../src/kernel/backtest-targets.ts';
import { stockBars } from '../../../fixtures/backtest/stocks.ts';

/** The target runner with every order through the kernel (intake, L1, OMS, bar venue) books what the plain runner books. */
const series = stockBars(['AAPL', 'GE', 'XOM'], '2007-01-01', '2009-12-31');
const spec = (strategy: string, fidelity: 'bar' | 'l1'): RunSpec => ({ strategy, params: {}, fidelity, cash: '100000', commission: '0.001', sizing: { kind: 'target' }, haircutBps: 5, seed: 1, instrument: 'AAPL+GE+XOM' });

describe('target runs through the kernel', () => {
  for (const [strategy, fidelity] of [['strategic', 'bar'], ['l2', 'l1']] as const) {
    it(`when ${strategy} runs at ${fidelity} with its orders through the kernel then L1 admits every one, the venue fills it, and the result is the plain runner's`, async () => {
      const plain = runTargetSpec(spec(strategy, fidelity), series).result;
      const k = await runTargetSpecOnKernel(spec(strategy, fidelity), series);
      expect(k.denied).toBe(0);
      expect(k.orders).toBe(plain.fills.length);
      expect(k.result.finalValue).toBe(plain.finalValue);
      expect(k.result.position).toEqual(plain.position);
      // The engine keeps cash to 1e-8 and rounds each fee down: at most 1e-8 apart per fill.
      expect(Math.abs(k.kernelCash - Number(plain.finalCash))).toBeLessThanOrEqual(1e-8 * (plain.fills.length + 1) + 1e-9);
    });
  }
});
