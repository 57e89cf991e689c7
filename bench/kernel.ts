/**
 * Kernel figures (issue 9), run alone with `node bench/kernel.ts` or as part of `npm run bench`:
 *   a. in-process place → fill round trip at each durability (full, fast, memory): the engine's
 *      handlers called directly on a SimClock, the simulated venue with no latency; orders/s and
 *      p50 / p99 µs per order, with CPU time per order (process, and the engine's main thread
 *      alone), GC count and bytes allocated per order over the timed loop: on a loaded machine
 *      wall time is noisy, CPU time and allocation much less so. Anchor: `full` (synchronous=FULL,
 *      one commit per write). Issue 9's aim for `memory`: ≥ 100k orders/s. One more `memory` line
 *      with 500 limit bids resting on the symbol, far below the market: the per-order cost must
 *      not grow with what rests (L1 and the trigger book read running figures, not every order).
 *   b. WebSocket burst: 1,000 limit orders from 4 clients, 64 in flight, `full` durability, wall
 *      clock, with group commit and without (the anchor): acknowledged orders/s and p50 / p99 ms,
 *      CPU of the process and of the engine's thread. The clients follow their order events
 *      (`?events=`) and run in the engine's thread, or in a worker thread beside it (as separate
 *      programs would); one line has them take every event, as the UI does.
 *      Target with group commit: ≥ 3,000 orders/s, p99 ≤ 50 ms.
 *   c. kernel-only run of the recorded XRP/ETH tape as a backtest in memory: market events/s
 *      through venue, hub, runner and the event bus.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { SimClock, SimClockDriver } from '../src/core/clock.ts';
import type { Durability } from '../src/core/enums.ts';
import { startServer } from '../src/host/server.ts';
import { buildKernel, createEngine } from '../src/kernel/engine.ts';
import { simMarket } from '../src/kernel/modes/markets.ts';
import { openStores, resolveIds } from '../src/kernel/modes/stores.ts';
import { WallClock } from '../src/core/clock.ts';
import { parseTradesCsv } from '../src/marketdata/csv.ts';
import { inferTapeInstrument } from '../src/marketdata/tape-instrument.ts';
import { DEFAULT_BREAKERS } from '../src/risk/circuit-breakers.ts';
import { EMPTY_LIMIT_BOOK } from '../src/risk/limits.ts';
import { connectBurstClients } from './burst-clients.ts';
import type { BurstClients, BurstPlan, BurstRun } from './burst-clients.ts';
import { fmt, median, percentile } from './stats.ts';

const quiet = () => undefined;
/**
 * No limits and no order-rate breaker: thousands of orders in seconds would trip the runaway-loop
 * breaker (600/min) and halt trading; this measures the order path, bench/risk.ts times L1.
 */
const RISK = { limits: EMPTY_LIMIT_BOOK, breakers: { ...DEFAULT_BREAKERS, orderRate: { enabled: false, maxPerMinute: 600 } } };

export interface RoundTripBench {
  durability: Durability;
  ordersPerSecond: number;
  p50us: number;
  p99us: number;
  n: number;
  /** CPU time (user + system) per order over the timed loop, µs: steadier than wall time on a loaded machine. */
  cpuUsPerOrder: number;
  /** The same on the engine's (main) thread only, without V8's concurrent GC helpers. */
  mainCpuUsPerOrder: number;
  /** Garbage collections during the timed loop, and bytes allocated per order (heap growth plus what GC reclaimed). */
  gcCount: number;
  bytesPerOrder: number;
  /** Limit orders resting on the symbol (far from the market) during the run. */
  resting: number;
}

/** Place a market order and run the simulated clock until it fills, `n` times, with `resting` limit orders working beside them. */
export async function benchRoundTripAt(durability: Durability, n = 3_000, warm = 300, resting = 0): Promise<RoundTripBench> {
  const dir = durability === 'memory' ? undefined : mkdtempSync(join(tmpdir(), `strata-bench-${durability}-`));
  const clock = new SimClock(Date.UTC(2026, 0, 5, 14, 30));
  const driver = new SimClockDriver(clock);
  const engine = createEngine({
    mode: 'backtest',
    durability,
    dataDir: dir,
    clock,
    seed: 1,
    warmUpMinutes: 1,
    venueLatencyMs: 0,
    initialCash: '100000000',
    risk: RISK,
    pms: { intervalMs: 3_600_000 },
    log: quiet,
  });
  await engine.start();
  const h = engine.handlers;
  // Bids at 1 to 10 (SPY trades near 400; an offer would need a position to sell): they never fill
  // while the market orders come and go.
  for (let i = 0; i < resting; i++) {
    const o = await h['orders.place']({ symbol: 'SPY', side: 'buy', qty: 1, price: 1 + (i % 10), type: 'limit', tif: 'gtc', source: 'api', urgency: 'immediate', algo: 'limit' });
    if (o.status === 'DENIED' || o.status === 'REJECTED') throw new Error(`resting order ${o.id} ended ${o.status}: ${o.reason?.message ?? ''}`);
  }
  driver.runToEnd(clock.now());
  const samples: number[] = [];
  let timed = 0;
  let cpu0 = process.cpuUsage();
  let main0 = process.threadCpuUsage();
  const gc = new GcMeter();
  for (let i = 0; i < n + warm; i++) {
    if (i === warm) {
      timed = performance.now();
      cpu0 = process.cpuUsage();
      main0 = process.threadCpuUsage();
      gc.start();
    }
    const s = performance.now();
    const placed = await h['orders.place']({ symbol: 'SPY', side: i % 2 === 0 ? 'buy' : 'sell', qty: 1, type: 'market', tif: 'gtc', source: 'api', urgency: 'immediate', algo: 'market' });
    driver.runToEnd(clock.now());
    let o = await h['orders.get']({ orderId: placed.id });
    for (let k = 0; o.status !== 'FILLED' && k < 100; k++) {
      driver.runToEnd(clock.now() + 1);
      o = await h['orders.get']({ orderId: placed.id });
    }
    if (o.status !== 'FILLED') throw new Error(`order ${o.id} ended ${o.status}: ${o.reason?.message ?? ''}`);
    if (i >= warm) {
      samples.push((performance.now() - s) * 1000);
      // Every 16th order: often enough to see each GC's drop (there are a few per thousand orders).
      if ((i & 15) === 0) gc.sample();
    }
  }
  const elapsed = (performance.now() - timed) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const mainCpu = process.threadCpuUsage(main0);
  const { count: gcCount, bytes } = await gc.stop();
  await engine.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  return {
    durability,
    ordersPerSecond: n / elapsed,
    p50us: percentile(samples, 50),
    p99us: percentile(samples, 99),
    n,
    cpuUsPerOrder: (cpu.user + cpu.system) / n,
    mainCpuUsPerOrder: (mainCpu.user + mainCpu.system) / n,
    gcCount,
    bytesPerOrder: bytes / n,
    resting,
  };
}

/**
 * Counts GCs (a PerformanceObserver on 'gc') and estimates bytes allocated: the heap's growth over
 * the window plus what GC reclaimed. V8 exposes no allocation counter, so the reclaimed part is the
 * drop in used heap seen between two samples (every 16 orders); what was allocated and collected
 * between two samples is missed, so the figure is a lower bound (close, as 16 orders allocate far
 * less than a young-generation collection frees).
 */
class GcMeter {
  private obs: PerformanceObserver | undefined;
  private count = 0;
  private heap0 = 0;
  private lastHeap = 0;
  private reclaimed = 0;

  start(): void {
    this.count = 0;
    this.reclaimed = 0;
    this.heap0 = getHeapStatistics().used_heap_size;
    this.lastHeap = this.heap0;
    this.obs = new PerformanceObserver((list) => {
      this.count += list.getEntries().length;
    });
    this.obs.observe({ entryTypes: ['gc'] });
  }

  /** Called every few orders (a heap statistics read, no syscall) to see the drops a GC left. */
  sample(): void {
    const h = getHeapStatistics().used_heap_size;
    if (h < this.lastHeap) this.reclaimed += this.lastHeap - h;
    this.lastHeap = h;
  }

  async stop(): Promise<{ count: number; bytes: number }> {
    this.sample();
    // GC entries are delivered on a later turn of the event loop (a setImmediate is too early):
    // give the observer a timer tick before reading the count.
    await new Promise((r) => setTimeout(r, 20));
    this.obs?.disconnect();
    return { count: this.count, bytes: this.lastHeap - this.heap0 + this.reclaimed };
  }
}

export interface BurstBench {
  groupCommit: boolean;
  /** The events each client asked the server for (`?events=`); null: all of them. */
  events: string | null;
  ordersPerSecond: number;
  p50ms: number;
  p99ms: number;
  commits: number | undefined;
  /** WAL syncs (group commit only: the COMMITs themselves do not fsync). */
  syncs: number | undefined;
  /** CPU time of this process (server and clients) during the burst, ms: the figure that a loaded machine distorts least. */
  cpuMs: number;
  /** CPU time of the engine's thread alone during the burst, ms (Linux; 10 ms ticks). */
  engineThreadMs: number;
  /** Where the clients ran: the engine's thread, or a worker thread beside it (as separate programs would). */
  clientsIn: 'process' | 'worker';
}

/**
 * What an order-entry client follows: its orders' updates, denials and fills (not market data, the
 * account or risk metrics, which a screen subscribes to and a bursting API client does not).
 */
export const ORDER_ENTRY_EVENTS = 'order.updated,order.denied,fill';

/**
 * 1,000 resting limit orders from 4 WebSocket clients, 64 in flight in total, `full` durability on
 * the wall clock. `events`: what each client subscribes to (null: every event, as the UI does).
 */
export async function benchWsBurst(
  groupCommit: boolean,
  total = 1_000,
  clients = 4,
  inFlight = 64,
  events: string | null = ORDER_ENTRY_EVENTS,
  clientsIn: 'process' | 'worker' = 'process',
): Promise<BurstBench> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-burst-'));
  const clock = new WallClock();
  const stores = openStores('full', dir, groupCommit);
  const ids = resolveIds(stores.journal, { initialCash: '1000000000' });
  const { venue, marketData } = simMarket({ kind: 'demo' }, { clock, store: stores.venueStore, seed: 3, latencyMs: 0 });
  const engine = buildKernel({ mode: 'paper', clock, venue, marketData, ...stores, ids, log: quiet, durability: 'full' }, { seed: 3, warmUpMinutes: 1, risk: RISK, pms: { intervalMs: 3_600_000 } });
  await engine.start();
  const token = 'bench-token';
  const server = await startServer({ handlers: engine.handlers, feed: engine.feed, token, port: 0, staticDir: join(dir, 'none') });
  const filter = events === null ? '' : `&events=${encodeURIComponent(events)}`;
  const url = `ws://127.0.0.1:${server.port}/ws?token=${token}${filter}`;
  const snap = await engine.handlers['market.snapshot']({ symbol: 'SPY' });
  // Far below the market: every order rests, so the figure is acknowledgement, not matching.
  const plan: BurstPlan = { url, clients, per: Math.ceil(total / clients), perInFlight: Math.max(1, Math.floor(inFlight / clients)), price: Math.round(snap.book.bids[0]!.price * 0.8) };
  const side = clientsIn === 'worker' ? await workerClients(plan) : await connectBurstClients(plan);
  const counters = stores.journal as Partial<Record<'commits' | 'syncs', number>>;
  const commitsBefore = counters.commits;
  const syncsBefore = counters.syncs;
  const cpu0 = process.cpuUsage();
  const thread0 = threadCpuMs();
  const { latencies, elapsedMs } = await side.run();
  const elapsed = elapsedMs / 1000;
  const cpu = process.cpuUsage(cpu0);
  const engineThreadMs = threadCpuMs() - thread0;
  side.close();
  const commitsAfter = counters.commits;
  const syncsAfter = counters.syncs;
  await server.close();
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
  return {
    groupCommit,
    events,
    ordersPerSecond: latencies.length / elapsed,
    p50ms: percentile(latencies, 50),
    p99ms: percentile(latencies, 99),
    commits: commitsAfter !== undefined && commitsBefore !== undefined ? commitsAfter - commitsBefore : undefined,
    syncs: groupCommit && syncsAfter !== undefined && syncsBefore !== undefined ? syncsAfter - syncsBefore : undefined,
    cpuMs: (cpu.user + cpu.system) / 1000,
    engineThreadMs,
    clientsIn,
  };
}

/** CPU time of the calling thread, ms, from /proc (Linux); NaN elsewhere. Ticks of 10 ms. */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) of stat(5); f starts at field 3.
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The burst's clients in a worker thread (bench/burst-clients.ts). */
async function workerClients(plan: BurstPlan): Promise<BurstClients> {
  const w = new Worker(new URL('./burst-clients.ts', import.meta.url), { workerData: { burstPlan: plan } });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  await next();
  return {
    async run() {
      const r = next();
      w.postMessage('go');
      return (await r) as BurstRun;
    },
    close() {
      w.postMessage('close');
    },
  };
}

export interface TapeBench {
  eventsPerSecond: number;
  events: number;
  seconds: number;
  /** CPU time of the process during the run (a loaded machine stretches wall time, not this). */
  cpuSeconds: number;
}

/** The XRP/ETH tape through the whole kernel as a backtest in memory, no orders: market events/s. */
export async function benchKernelTape(runs = 1): Promise<TapeBench> {
  const rows = parseTradesCsv(readFileSync(new URL('../assets/demo/binance_XRPETH_trades_20191011-13.csv', import.meta.url), 'utf8'));
  const first = rows[0]!.timestampMs;
  const last = rows[rows.length - 1]!.timestampMs;
  const out: TapeBench[] = [];
  for (let r = 0; r < runs; r++) {
    const clock = new SimClock(first - 1_000);
    const driver = new SimClockDriver(clock);
    const engine = createEngine({ mode: 'backtest', clock, seed: r + 1, warmUpMinutes: 0, market: { kind: 'tape', instrument: inferTapeInstrument('XRP/ETH', rows), trades: rows }, risk: RISK, pms: { intervalMs: 300_000 }, log: quiet });
    let events = 0;
    const off = engine.feed.subscribe((type) => {
      if (type === 'trade' || type === 'book') events++;
    });
    await engine.start();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    driver.runToEnd(last + 1_000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    off();
    await engine.stop();
    out.push({ eventsPerSecond: events / seconds, events, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  }
  const m = median(out.map((o) => o.eventsPerSecond));
  return out.find((o) => o.eventsPerSecond === m) ?? out[0]!;
}

export function kernelReport(rt: RoundTripBench[], burst: BurstBench[], tape: TapeBench | undefined): string[] {
  const anchor = rt.find((r) => r.durability === 'full');
  const lines = ['kernel: in-process place → fill round trip on a SimClock (handlers called directly, venue latency 0):'];
  for (const r of rt) {
    const ratio = anchor ? ` (${fmt(r.ordersPerSecond / anchor.ordersPerSecond, 1)}× full)` : '';
    lines.push(
      `  ${(r.resting > 0 ? `${r.durability}, ${fmt(r.resting)} resting` : r.durability).padEnd(6)} ${fmt(r.ordersPerSecond).padStart(8)} orders/s${ratio.padEnd(14)} p50 ${fmt(r.p50us, 1)} µs  p99 ${fmt(r.p99us, 1)} µs  ` +
        `CPU ${fmt(r.cpuUsPerOrder, 1)} µs/order (main thread ${fmt(r.mainCpuUsPerOrder, 1)})  ${fmt(r.gcCount)} GCs  ${fmt(r.bytesPerOrder / 1024, 1)} KiB/order  (n=${r.n})`,
    );
  }
  lines.push('kernel: WebSocket burst, 1,000 limit orders from 4 clients, 64 in flight, full durability (target ≥ 3,000/s, p99 ≤ 50 ms):');
  for (const b of burst) {
    const what = `${b.groupCommit ? 'group commit' : 'one commit per write'}, ${b.events === null ? 'all events' : 'order events'}${b.clientsIn === 'worker' ? ', clients in a worker' : ''}`;
    const counts = b.groupCommit && b.commits !== undefined ? `  ${fmt(b.commits)} commits${b.syncs !== undefined ? `, ${fmt(b.syncs)} WAL syncs` : ''}` : '';
    lines.push(`  ${what.padEnd(58)} ${fmt(b.ordersPerSecond).padStart(6)} orders/s  p50 ${fmt(b.p50ms, 1)} ms  p99 ${fmt(b.p99ms, 1)} ms  CPU ${fmt(b.cpuMs)} ms (engine thread ${fmt(b.engineThreadMs)} ms)${counts}`);
  }
  if (tape) lines.push(`kernel: XRP/ETH tape (59 h) as a backtest in memory, PMS every 5 min: ${fmt(tape.eventsPerSecond)} market events/s (${fmt(tape.events)} events in ${fmt(tape.seconds, 2)} s, CPU ${fmt(tape.cpuSeconds, 2)} s)`);
  return lines;
}

/** Which rows to run: `--only=a`, `--only=b,c` (default all); a row left out is reported empty. */
export type KernelRow = 'a' | 'b' | 'c';

export async function benchKernel(rows: readonly KernelRow[] = ['a', 'b', 'c']): Promise<{ rt: RoundTripBench[]; burst: BurstBench[]; tape: TapeBench | undefined }> {
  const rt: RoundTripBench[] = [];
  const progress = (x: unknown) => process.stderr.write(`[bench kernel] ${JSON.stringify(x)}\n`);
  for (const d of rows.includes('a') ? (['full', 'fast', 'memory'] as const) : []) {
    // `memory` takes a fraction of a second a run: the median of three (by orders/s) is reported.
    const runs: RoundTripBench[] = [];
    for (let r = 0; r < (d === 'memory' ? 3 : 1); r++) runs.push(await benchRoundTripAt(d, d === 'full' ? 1_000 : 3_000));
    const m = median(runs.map((x) => x.ordersPerSecond));
    rt.push(runs.find((x) => x.ordersPerSecond === m) ?? runs[0]!);
    progress(rt[rt.length - 1]);
  }
  if (rows.includes('a')) {
    const runs: RoundTripBench[] = [];
    for (let r = 0; r < 3; r++) runs.push(await benchRoundTripAt('memory', 3_000, 300, 500));
    const m = median(runs.map((x) => x.ordersPerSecond));
    rt.push(runs.find((x) => x.ordersPerSecond === m) ?? runs[0]!);
    progress(rt[rt.length - 1]);
  }
  const burst: BurstBench[] = [];
  // The anchor (one commit per write), then group commit with clients that follow their order
  // events (the target rows, median of 3 by orders/s), with the clients in the engine's thread and
  // in a worker beside it, and with clients that take every event, as the UI does.
  const cases: [boolean, string | null, 'process' | 'worker', number][] = [
    [false, ORDER_ENTRY_EVENTS, 'process', 1],
    [true, ORDER_ENTRY_EVENTS, 'process', 3],
    [true, ORDER_ENTRY_EVENTS, 'worker', 3],
    [true, null, 'process', 1],
  ];
  for (const [g, events, clientsIn, runs] of rows.includes('b') ? cases : []) {
    const rs: BurstBench[] = [];
    for (let r = 0; r < runs; r++) rs.push(await benchWsBurst(g, 1_000, 4, 64, events, clientsIn));
    const m = median(rs.map((r) => r.ordersPerSecond));
    burst.push(rs.find((r) => r.ordersPerSecond === m) ?? rs[0]!);
    progress(burst[burst.length - 1]);
  }
  const tape = rows.includes('c') ? await benchKernelTape() : undefined;
  if (tape) progress(tape);
  return { rt, burst, tape };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const r = await benchKernel(only?.filter((x): x is KernelRow => x === 'a' || x === 'b' || x === 'c'));
  for (const line of kernelReport(r.rt, r.burst, r.tape)) console.log(line);
  if (process.argv.includes('--json')) console.log(JSON.stringify({ kernel: r }));
}
