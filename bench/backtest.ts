/**
 * Backtest figures (issue 12), medians over repeated runs (41 of the ORCL run: its median over 7 moved by a
 * third between runs on a loaded machine), all through the full engine path (every order through L1, the OMS
 * and its memory journal, and the bar venue: src/kernel/backtest-bars.ts):
 *   - SMA cross 10/30 on ORCL 1995-2014 (5,036 daily bars) in classic bar mode, bars/s, against
 *     backtrader 1.9.78 measured on this machine: 0.22 s for the 5,036 bars (~22.9k bars/s, run only);
 *     target ≥ 100× that. "kernel path" is one run (kernel built, started and stopped included);
 *     "with report" adds the month/year breakdowns; "model only" is the same bar loop and execution
 *     model without the kernel, for how much the engine path costs.
 *   - a 1,000,000-bar synthetic random walk at L1: bars/s (target ≥ 2M) and the peak RSS (target
 *     ≤ 300 MB), each run in a fresh child process (this file with --synthetic-child); beside it the
 *     same run without the kernel (the bar loop and the execution model alone, also each in a fresh
 *     process: --synthetic-child model), so the figure splits into the bar side and the order path
 *     (engine CPU per order: the difference of the two runs' main-thread CPU over the fills);
 *   - a 100-point sweep (fast 5..14 × slow 20..65) on ORCL on worker_threads (2 workers), wall time
 *     including worker start-up (target ≤ 2 s on 2 cores). Workers load the engine through Node's
 *     compile cache (src/host/backtest-worker.ts): the first sweep after a source change fills it and
 *     pays ~0.75 s CPU per worker to compile, later ones ~0.2 s.
 * Run alone with `node bench/backtest.ts`; `npm run bench` runs it from bench/run.ts.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { runBars } from '../src/backtest/bar-runner.ts';
import { kernelBarEngine, runBarsOnKernel } from '../src/kernel/backtest-bars.ts';
import type { BarRunConfig } from '../src/backtest/bar-runner.ts';
import { parseSeries } from '../src/backtest/data/formats.ts';
import type { BarSeries } from '../src/backtest/data/series.ts';
import type { RunSpec } from '../src/backtest/run-spec.ts';
import { runSpec } from '../src/backtest/run-spec.ts';
import { smaCross } from '../src/backtest/strategies/sma-cross.ts';
import { gridPoints } from '../src/backtest/sweep.ts';
import { createRng } from '../src/core/rng.ts';
import { sweepOnWorkers } from '../src/host/backtest-sweep.ts';
import { fmt, median } from './stats.ts';

const BACKTRADER_BARS_PER_SECOND = 5036 / 0.22;

export interface BacktestBench {
  orcl: { runnerBarsPerSecond: number; runnerBarsPerCpuSecond: number; reportBarsPerSecond: number; vsBacktrader: number; modelOnlyBarsPerSecond: number; orders: number; engineCpuUsPerOrder: number };
  /** rssMb: the child's peak RSS (the engine loaded, the series built, the run); baseRssMb: before the run. */
  /**
   * barsPerMainThreadCpuSecond: per CPU second of the run's own thread. A fresh process also spends
   * ~0.4-0.5 s on V8's compiler and GC threads, which an idle 2-core machine runs beside the run (so
   * its wall time follows the main thread) and a loaded one charges to the process.
   */
  /**
   * modelOnly*: the same run without the kernel (fresh processes too); engineCpuUsPerOrder: the
   * kernel run's main-thread CPU less the model's, per fill (every L1 order fills once).
   */
  synthetic: { bars: number; barsPerSecond: number; barsPerCpuSecond: number; barsPerMainThreadCpuSecond: number; rssMb: number; baseRssMb: number; fills: number; modelOnlyBarsPerSecond: number; modelOnlyBarsPerMainThreadCpuSecond: number; engineCpuUsPerOrder: number };
  sweep: { points: number; workers: number; seconds: number; cpuSeconds: number };
}

const SYNTHETIC_BARS = 1_000_000;
const SYNTHETIC_L1: BarRunConfig = { instrument: 'SYN', fidelity: 'l1', cash: '1000000', commission: '0.0005', sizing: { kind: 'all-in' }, costs: { haircutBps: 1 } };

interface SyntheticRun {
  barsPerSecond: number;
  barsPerCpuSecond: number;
  barsPerMainThreadCpuSecond: number;
  fills: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

/**
 * One 1M-bar L1 run in this (fresh) process, through the kernel or (modelOnly) the bar loop and its
 * execution model alone; the child side of syntheticInChild.
 */
async function syntheticRun(modelOnly: boolean): Promise<SyntheticRun> {
  const big = synthetic(SYNTHETIC_BARS, 7);
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const t = performance.now();
  const c = process.cpuUsage();
  const m = process.threadCpuUsage();
  const strategy = smaCross.create({ fast: 10, slow: 30 });
  const res = modelOnly ? runBars(big, strategy, SYNTHETIC_L1) : (await runBarsOnKernel(big, strategy, SYNTHETIC_L1)).result;
  const wall = (performance.now() - t) / 1000;
  const mu = process.threadCpuUsage(m);
  const cu = process.cpuUsage(c);
  // maxRSS is the process's peak (KiB), so a run cannot hide a peak that fell back before it ended.
  return { barsPerSecond: big.time.length / wall, barsPerCpuSecond: big.time.length / ((cu.user + cu.system) / 1e6), barsPerMainThreadCpuSecond: big.time.length / ((mu.user + mu.system) / 1e6), fills: res.fills.length, rssBeforeMb, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function syntheticInChild(modelOnly = false): Promise<SyntheticRun> {
  return new Promise((resolve, reject) => {
    // With a compile cache, as `strata backtest run` starts (bin/strata.js turns one on): the first
    // child fills it, and the engine's modules are then loaded without type-stripping them again.
    const env = { ...process.env, NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'strata-bench-compile-cache') };
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), SYNTHETIC_CHILD, ...(modelOnly ? [MODEL_ONLY] : [])], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`synthetic child exited ${code}: ${out}`));
      else resolve(JSON.parse(line) as SyntheticRun);
    });
  });
}

const SYNTHETIC_CHILD = '--synthetic-child';
const MODEL_ONLY = 'model';

function synthetic(n: number, seed: number): BarSeries {
  const rng = createRng(seed);
  const s = { kind: 'bars' as const, time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n), priceDecimals: 4 };
  let p = 100;
  const t0 = Date.UTC(2020, 0, 1);
  for (let i = 0; i < n; i++) {
    const o = p;
    p = Math.max(1, Math.round(p * Math.exp(0.002 * rng.normal()) * 1e4) / 1e4);
    s.time[i] = t0 + i * 60_000;
    s.open[i] = o;
    s.close[i] = p;
    s.high[i] = Math.max(o, p);
    s.low[i] = Math.min(o, p);
    s.volume[i] = 1000 + rng.int(1000);
  }
  return s;
}

export async function benchBacktest(runs = 41): Promise<BacktestBench> {
  const orcl = parseSeries(readFileSync(new URL('../tests/fixtures/data/backtrader/orcl-1995-2014.txt', import.meta.url), 'utf8')) as BarSeries;
  const config: BarRunConfig = { instrument: 'ORCL', fidelity: 'bar', cash: '100000', commission: '0.001', sizing: { kind: 'all-in' } };
  const spec: RunSpec = { strategy: 'sma-cross', params: { fast: 10, slow: 30 }, fidelity: 'bar', cash: '100000', commission: '0.001', sizing: { kind: 'all-in' }, haircutBps: 0, seed: 1, instrument: 'ORCL' };
  const n = orcl.time.length;
  for (let i = 0; i < 20; i++) await runSpec(spec, orcl, kernelBarEngine); // warm the JIT, as backtrader's figure excludes start-up too
  const runner: number[] = [];
  const report: number[] = [];
  const modelOnly: number[] = [];
  // On a loaded machine wall time counts other processes' turns; CPU time is what this run costs.
  const runnerCpu: number[] = [];
  // CPU ms per run of the kernel path and of the model alone: their difference over the orders is
  // what the engine path costs per order (its build, start and stop spread over them).
  const runnerCpuMs: number[] = [];
  const modelCpuMs: number[] = [];
  let orders = 0;
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    const c = process.cpuUsage();
    orders = (await runBarsOnKernel(orcl, smaCross.create({ fast: 10, slow: 30 }), config)).orders;
    runner.push(n / ((performance.now() - t) / 1000));
    const cu = process.cpuUsage(c);
    runnerCpu.push(n / ((cu.user + cu.system) / 1e6));
    runnerCpuMs.push((cu.user + cu.system) / 1000);
    t = performance.now();
    await runSpec(spec, orcl, kernelBarEngine);
    report.push(n / ((performance.now() - t) / 1000));
    t = performance.now();
    const mc = process.cpuUsage();
    runBars(orcl, smaCross.create({ fast: 10, slow: 30 }), config);
    modelOnly.push(n / ((performance.now() - t) / 1000));
    const mcu = process.cpuUsage(mc);
    modelCpuMs.push((mcu.user + mcu.system) / 1000);
  }

  // Each 1M-bar run in a fresh process: the RSS is that run's own peak, not what earlier runs left.
  const children = [];
  for (let r = 0; r < 3; r++) children.push(await syntheticInChild());
  const bigRates = children.map((c) => c.barsPerSecond);
  const bigCpu = children.map((c) => c.barsPerCpuSecond);
  const bigMain = children.map((c) => c.barsPerMainThreadCpuSecond);
  const fills = children[0]!.fills;
  const rssMb = median(children.map((c) => c.peakRssMb));
  const baseRssMb = median(children.map((c) => c.rssBeforeMb));
  const models = [];
  for (let r = 0; r < 3; r++) models.push(await syntheticInChild(true));
  const modelMain = median(models.map((c) => c.barsPerMainThreadCpuSecond));
  // Main-thread CPU µs of each run: bars / (bars per CPU second) s.
  const engineCpuUsPerOrder = fills > 0 ? ((SYNTHETIC_BARS / median(bigMain) - SYNTHETIC_BARS / modelMain) * 1e6) / fills : 0;

  const points = gridPoints({ fast: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14], slow: [20, 25, 30, 35, 40, 45, 50, 55, 60, 65] });
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const sw = await sweepOnWorkers(spec, orcl, points, { workers: 2 });
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  const runnerMedian = median(runner);
  return {
    orcl: { runnerBarsPerSecond: runnerMedian, runnerBarsPerCpuSecond: median(runnerCpu), reportBarsPerSecond: median(report), vsBacktrader: runnerMedian / BACKTRADER_BARS_PER_SECOND, modelOnlyBarsPerSecond: median(modelOnly), orders, engineCpuUsPerOrder: orders > 0 ? ((median(runnerCpuMs) - median(modelCpuMs)) * 1000) / orders : 0 },
    synthetic: { bars: SYNTHETIC_BARS, barsPerSecond: median(bigRates), barsPerCpuSecond: median(bigCpu), barsPerMainThreadCpuSecond: median(bigMain), rssMb, baseRssMb, fills, modelOnlyBarsPerSecond: median(models.map((c) => c.barsPerSecond)), modelOnlyBarsPerMainThreadCpuSecond: modelMain, engineCpuUsPerOrder },
    sweep: { points: sw.rows.length, workers: sw.workers, seconds, cpuSeconds },
  };
}

export function backtestReport(b: BacktestBench): string[] {
  return [
    `backtest: SMA cross on ORCL (5,036 bars, bar mode, ${b.orcl.orders} orders through L1 + OMS): kernel path ${fmt(b.orcl.runnerBarsPerSecond)} bars/s wall (${fmt(b.orcl.vsBacktrader, 1)}x backtrader's 22.9k; target 100x), ${fmt(b.orcl.runnerBarsPerCpuSecond)} bars per CPU second; with report ${fmt(b.orcl.reportBarsPerSecond)} bars/s; model only (no kernel) ${fmt(b.orcl.modelOnlyBarsPerSecond)} bars/s; engine path ${fmt(b.orcl.engineCpuUsPerOrder, 1)} µs CPU per order (kernel build/start/stop included)`,
    `backtest: 1M synthetic bars at L1 through the kernel: ${fmt(b.synthetic.barsPerSecond)} bars/s wall (target 2M), ${fmt(b.synthetic.barsPerCpuSecond)} per CPU second (${fmt(b.synthetic.barsPerMainThreadCpuSecond)} per CPU second of the run's thread), ${fmt(b.synthetic.fills)} fills, peak RSS of a fresh process ${fmt(b.synthetic.rssMb)} MB (target ≤ 300; ${fmt(b.synthetic.baseRssMb)} MB of it before the run: engine loaded, series built); model only (no kernel, fresh process) ${fmt(b.synthetic.modelOnlyBarsPerSecond)} bars/s wall, ${fmt(b.synthetic.modelOnlyBarsPerMainThreadCpuSecond)} per CPU second of its thread; engine path ${fmt(b.synthetic.engineCpuUsPerOrder, 1)} µs main-thread CPU per order`,
    `backtest: ${b.sweep.points}-point sweep on ORCL, ${b.sweep.workers} workers: ${fmt(b.sweep.seconds, 2)} s wall (target ≤ 2 s), ${fmt(b.sweep.cpuSeconds, 2)} s CPU over all threads`,
  ];
}

/** The one call bench/run.ts makes. */
export async function printBacktestBench(json = process.argv.includes('--json')): Promise<BacktestBench> {
  const b = await benchBacktest();
  for (const line of backtestReport(b)) console.log(line);
  if (json) console.log(JSON.stringify({ backtest: b }));
  return b;
}

if (import.meta.main) {
  if (process.argv.includes(SYNTHETIC_CHILD)) console.log(JSON.stringify(await syntheticRun(process.argv.includes(MODEL_ONLY))));
  else await printBacktestBench();
}
