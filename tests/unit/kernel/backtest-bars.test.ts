import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/core/clock.ts';
import { runBars } from '../../../src/backtest/bar-runner.ts';
import type { BarRunConfig } from '../../../src/backtest/bar-runner.ts';
import { parseSeries } from '../../../src/backtest/data/formats.ts';
import type { BarSeries } from '../../../src/backtest/data/series.ts';
import { smaCross } from '../../../src/backtest/strategies/sma-cross.ts';
import { runBarsOnKernel } from '../../../src/kernel/backtest-bars.ts';
import { groupRecord, parseLimitValue } from '../../../src/risk/limits.ts';

const orcl = parseSeries(readFileSync(new URL('../../fixtures/data/backtrader/orcl-1995-2014.txt', import.meta.url), 'utf8'), 'orcl-1995-2014.txt') as BarSeries;
const base: BarRunConfig = { instrument: 'ORCL', fidelity: 'bar', cash: '100000', commission: '0.001', sizing: { kind: 'all-in' }, costs: { haircutBps: 2 } };
const strip = (r: ReturnType<typeof runBars>) => JSON.stringify({ ...r, equity: Array.from(r.equity), time: null, decisions: Array.from(r.decisions) });

describe('bar backtests through the kernel', () => {
  for (const fidelity of ['bar', 'l1', 'l2'] as const) {
    it(`when the SMA cross runs at ${fidelity} through L1, the OMS and the bar venue then every order is the engine's and the result is the execution model's, bit for bit`, async () => {
      const config = { ...base, fidelity };
      const k = await runBarsOnKernel(orcl, smaCross.create({ fast: 10, slow: 30 }), config);
      // The execution model alone (no kernel) gives the same fills, ledger and curve.
      const model = runBars(orcl, smaCross.create({ fast: 10, slow: 30 }), config);
      expect(strip(k.result)).toBe(strip(model));
      // Every fill was an order the OMS admitted and the venue filled; none was refused.
      expect(k.result.fills.length).toBeGreaterThan(100);
      expect(k.orders).toBe(k.result.fills.length);
      expect(k.denied).toBe(0);
      // The engine's own ledger (8-decimal cash, the venue's fees) agrees with the runner's exact one.
      expect(Math.abs(k.kernelCash - Number(k.result.finalCash))).toBeLessThan(1e-6);
      expect(k.kernelPosition).toBe(Number(k.result.position['ORCL']));
    }, 60_000);
  }

  it('when a fixed size has decimals then the kernel trades the same lot and agrees on cash', async () => {
    const k = await runBarsOnKernel(orcl, smaCross.create({}), { ...base, sizing: { kind: 'fixed', qty: '12.5' } });
    expect(k.denied).toBe(0);
    expect(k.kernelPosition).toBe(Number(k.result.position['ORCL']));
    expect(Math.abs(k.kernelCash - Number(k.result.finalCash))).toBeLessThan(1e-6);
  }, 60_000);

  it("when the run has its own L1 limit then entries above it are denied by L1, counted as refused, and never reach the venue", async () => {
    const hard = parseLimitValue('max_order_notional', '60000');
    if (!hard.ok) throw new Error('limit');
    const limits = { entries: [{ name: 'max_order_notional' as const, scope: { kind: 'global' as const }, soft: null, hard: hard.units }], groups: groupRecord() };
    const free = await runBarsOnKernel(orcl, smaCross.create({}), base);
    const capped = await runBarsOnKernel(orcl, smaCross.create({}), base, { limits });
    expect(capped.denied).toBeGreaterThan(0);
    expect(capped.result.refused).toBe(capped.denied);
    expect(capped.orders).toBe(capped.result.fills.length);
    expect(capped.result.fills.length).toBeLessThan(free.result.fills.length);
    for (const f of capped.result.fills) if (f.side === 'buy') expect(f.qty * f.price).toBeLessThanOrEqual(60000);
    expect(Math.abs(capped.kernelCash - Number(capped.result.finalCash))).toBeLessThan(1e-6);
  }, 60_000);

  it("when the run's L1 limits read the loss view then the engine keeps feeding its equity watermarks and a drawdown limit denies entries", async () => {
    // Without a loss limit the bar mode turns the once-a-second tick off (nothing reads it); a
    // drawdown limit reads the watermarks the tick writes, so such a run keeps it and is bounded by it.
    const hard = parseLimitValue('max_drawdown_monthly_pct', '0.5');
    if (!hard.ok) throw new Error('limit');
    const limits = { entries: [{ name: 'max_drawdown_monthly_pct' as const, scope: { kind: 'global' as const }, soft: null, hard: hard.units }], groups: groupRecord() };
    const free = await runBarsOnKernel(orcl, smaCross.create({}), base);
    const capped = await runBarsOnKernel(orcl, smaCross.create({}), base, { limits });
    expect(free.denied).toBe(0);
    expect(capped.denied).toBeGreaterThan(0);
    expect(capped.result.refused).toBe(capped.denied);
    expect(capped.orders).toBe(capped.result.fills.length);
    expect(Math.abs(capped.kernelCash - Number(capped.result.finalCash))).toBeLessThan(1e-6);
  }, 60_000);

  it('when the run is repeated then the kernel path gives the same result, bit for bit', async () => {
    const a = await runBarsOnKernel(orcl, smaCross.create({}), { ...base, fidelity: 'l2' });
    const b = await runBarsOnKernel(orcl, smaCross.create({}), { ...base, fidelity: 'l2' });
    expect(strip(b.result)).toBe(strip(a.result));
  }, 60_000);
});

describe('the bar clock (SimClock.jumpTo)', () => {
  it('when it jumps past several periods of a timer then the timer runs once, at the new time, and reschedules from there', () => {
    const c = new SimClock(0);
    const seen: number[] = [];
    const tick = (): void => {
      seen.push(c.now());
      c.schedule(c.now() + 1000, tick);
    };
    c.schedule(1000, tick);
    c.jumpTo(86_400_000);
    expect(seen).toEqual([86_400_000]);
    c.jumpTo(86_400_500);
    expect(seen).toEqual([86_400_000]);
    c.jumpTo(86_401_000);
    expect(seen).toEqual([86_400_000, 86_401_000]);
  });

  it('when timers are due at the same time then they run in scheduling order, and a cancelled one never runs', () => {
    const c = new SimClock(0);
    const seen: string[] = [];
    c.schedule(5, () => seen.push('a'));
    const id = c.schedule(5, () => seen.push('x'));
    c.schedule(5, () => seen.push('b'));
    c.cancel(id);
    c.jumpTo(3);
    expect(seen).toEqual([]);
    c.jumpTo(5);
    expect(seen).toEqual(['a', 'b']);
    // Never back in time.
    c.jumpTo(1);
    expect(c.now()).toBe(5);
  });
});
