/**
 * `npm run bench`: engine figures reported as medians over repeated runs (never from unit tests).
 *   1. kernel event throughput (EventBus publish → handler), target ≥ 1M events/s
 *   2. in-process place → acknowledged → filled round trip over the in-memory transport, p50 / p99
 *   3. durable journal inserts/s with synchronous=FULL, target ≥ 3k orders/s
 *   4. simulated venue matching throughput (market events/s) on the demo model and the XRP/ETH tape
 *   5. algorithm decision cost per market event, and the cost of placing a child
 *   6. execution quality of each algorithm on the real XRP/ETH tape (shortfall, completion)
 *   7. L1 pre-trade check latency, RiskService.check on 100 positions with working orders, algo
 *      parents and 25 limit entries, p50 / p99 in µs, target p99 ≤ 20 µs (bench/risk.ts)
 *   8. PMS monitor cycle time, PmsMonitor.cycle on 100 held instruments with a day of one-minute
 *      returns, median / p99 in ms (bench/risk.ts)
 *   9. L4 ccxt on the loopback exchange: order round trip through CcxtVenue p50 / p99, the overhead
 *      it adds over a bare ccxt createOrder (target ≤ 1 ms p50), ccxt load time (bench/ccxt.ts)
 *  10. L2 signal cycle: 3 alphas over 100 instruments, median wall / CPU ms, target ≤ 5 ms (bench/signals.ts)
 *  11. kernel (issue 9): place → fill at each durability, the WebSocket burst with and without group
 *      commit, the XRP/ETH tape through the whole kernel in memory (bench/kernel.ts)
 *  12. orders (issue 10): `strata orders list` round trip against a running engine (spawned CLI), and
 *      a held stop's trigger → child at the venue, wall µs on a SimClock (bench/orders.ts)
 *  13. replay (issue 12): the XRP/ETH tape at max speed, recorded events/s (bench/replay.ts)
 * Pass --json to print the figures as JSON as well; --quick skips 6.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMemoryPair } from '../src/contract/memory.ts';
import { createClient, serveEndpoint } from '../src/contract/rpc.ts';
import { EventBus } from '../src/core/event-bus.ts';
import { EMPTY_LIMIT_BOOK } from '../src/risk/limits.ts';
import type { OrderRecord } from '../src/core/ports.ts';
import { createEngine } from '../src/kernel/engine.ts';
import { SqliteOrderJournal } from '../src/store/sqlite/order-journal.ts';
import { fmt, median, percentile } from './stats.ts';
import { benchVenue } from './venue.ts';
import { benchAlgoDecisions } from './algo.ts';
import { WINDOW_OFFSETS_H, benchExecutionWindows, summaryTable } from './exec.ts';
import { CHECK_MODES, benchPmsCycle, benchPreTradeCheck, riskReport } from './risk.ts';
import { benchCcxt, ccxtReport } from './ccxt.ts';
import { benchKernel, kernelReport } from './kernel.ts';

const RUNS = 5;

function benchEventBus(): number {
  const rates: number[] = [];
  const n = 2_000_000;
  for (let r = 0; r < RUNS; r++) {
    const bus = new EventBus<{ tick: { seq: number }; other: number }>();
    let sum = 0;
    bus.on('tick', (p) => {
      sum += p.seq;
      // A handler that publishes exercises the re-entrant queue path as well.
      if ((p.seq & 1023) === 0) bus.publish('other', p.seq);
    });
    bus.on('other', (v) => {
      sum -= v;
    });
    const payload = { seq: 0 };
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      payload.seq = i;
      bus.publish('tick', payload);
    }
    const dt = (performance.now() - t0) / 1000;
    if (sum === Number.MIN_SAFE_INTEGER) console.log(sum);
    rates.push(n / dt);
  }
  return median(rates);
}

async function benchRoundTrip(): Promise<{ p50: number; p99: number; n: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-rt-'));
  // No limits: 600 orders in a few seconds would pass the default 240/minute rate limit, and this
  // measures the order path, not L1's refusals (section 7 times L1 itself).
  const engine = createEngine({ dataDir: dir, seed: 1, warmUpMinutes: 1, venueLatencyMs: 0, initialCash: '100000000', risk: { limits: EMPTY_LIMIT_BOOK }, log: () => undefined });
  await engine.start();
  const [server, clientEnd] = createMemoryPair();
  serveEndpoint(server, engine.handlers, engine.feed);
  const client = createClient(clientEnd);
  const waiting = new Map<string, (t: number) => void>();
  const failed = new Map<string, (why: Error) => void>();
  client.on('order.updated', (o) => {
    if (o.status === 'FILLED') waiting.get(o.id)?.(performance.now());
    // An order that ends unfilled would leave the loop waiting for ever: fail the bench instead.
    else if (o.status === 'DENIED' || o.status === 'REJECTED' || o.status === 'CANCELLED' || o.status === 'EXPIRED') failed.get(o.id)?.(new Error(`round trip order ${o.id} ended ${o.status}: ${o.reason ?? ''}`));
  });
  const samples: number[] = [];
  const total = 600;
  for (let i = 0; i < total; i++) {
    const t0 = performance.now();
    let resolveFilled!: (t: number) => void;
    let rejectFilled!: (why: Error) => void;
    const filled = new Promise<number>((res, rej) => {
      resolveFilled = res;
      rejectFilled = rej;
    });
    const placed = await client.call('orders.place', { symbol: 'SPY', side: i % 2 === 0 ? 'buy' : 'sell', qty: 1, type: 'market' });
    waiting.set(placed.id, resolveFilled);
    failed.set(placed.id, rejectFilled);
    // The fill may already have arrived before the id was known.
    const already = await client.call('orders.get', { orderId: placed.id });
    if (already.status !== 'FILLED' && already.status !== 'NEW' && already.status !== 'PENDING' && already.status !== 'PARTIALLY_FILLED') {
      throw new Error(`round trip order ${placed.id} ended ${already.status}: ${already.reason ?? ''}`);
    }
    const t1 = already.status === 'FILLED' ? performance.now() : await filled;
    waiting.delete(placed.id);
    failed.delete(placed.id);
    if (i >= 50) samples.push(t1 - t0); // first 50 warm the JIT
  }
  client.close();
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), n: samples.length };
}

function benchJournal(): number {
  const rates: number[] = [];
  const n = 3_000;
  for (let r = 0; r < 3; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'strata-bench-journal-'));
    const journal = new SqliteOrderJournal(join(dir, 'journal.sqlite'));
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const seq = journal.nextOrderSeq();
      const o: OrderRecord = {
        id: `B-${seq}`, seq, venueOrderId: null, symbol: 'SPY', side: 'buy', type: 'limit', tif: 'gtc',
        qtyUnits: 10n, priceUnits: 51234n, requestedQty: '10', requestedPrice: '512.34', filledUnits: 0n,
        filledNotionalUnits: 0n, feeUnits: 0n, status: 'NEW', reason: null, cancelRequested: false, source: 'api',
        createdAt: i, updatedAt: i, parentId: null, urgency: 'immediate', algo: null, algoParams: null, algoState: null,
        paused: false, decisionPriceUnits: null, decisionTs: null, arrivalPriceUnits: null, arrivalTs: null,
        approvedBy: null, proposalId: null, riskConfirmed: false,
        trigger: null, ocoGroup: null, replacesId: null, rootId: null,
      };
      journal.insertOrder(o, 'created');
    }
    const dt = (performance.now() - t0) / 1000;
    journal.close();
    rmSync(dir, { recursive: true, force: true });
    rates.push(n / dt);
  }
  return median(rates);
}

const bus = benchEventBus();
const rt = await benchRoundTrip();
const journal = benchJournal();

const rows: [string, string, string, string][] = [
  ['kernel events/s (median of 5 × 2M)', fmt(bus), '≥ 1,000,000', bus >= 1e6 ? 'ok' : 'BELOW'],
  [`place→ack→filled p50 ms (n=${rt.n})`, fmt(rt.p50, 3), '', ''],
  [`place→ack→filled p99 ms (n=${rt.n})`, fmt(rt.p99, 3), '', ''],
  ['journal inserts/s, synchronous=FULL (median of 3 × 3k)', fmt(journal), '≥ 3,000', journal >= 3000 ? 'ok' : 'BELOW'],
];
const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['figure', 'median', 'target', ''][i]!.length));
console.log(['figure', 'median', 'target', ''].map((h, i) => h.padEnd(w[i]!)).join('  '));
for (const r of rows) console.log(r.map((c, i) => (i === 1 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  '));

const venue = benchVenue();
console.log('');
console.log(`venue matching, demo model (3 symbols, 30 min): ${fmt(venue.demo.eventsPerSecond)} market events/s median, ${fmt(venue.demo.speedup)}× real time`);
console.log(`venue matching, XRP/ETH tape (59 h):            ${fmt(venue.tape.eventsPerSecond)} market events/s median, ${fmt(venue.tape.speedup)}× real time`);

const algos = await benchAlgoDecisions();
console.log('');
console.log('algo decision cost per market event (median of 3 runs; child placement = L1 + journal FULL + submit):');
for (const a of algos) console.log(`  ${a.algo.padEnd(9)} ${fmt(a.nsPerDecision).padStart(7)} ns/decision   ${fmt(a.usPerChild).padStart(5)} µs/child`);

let exec: Awaited<ReturnType<typeof benchExecutionWindows>>['summary'] | undefined;
if (!process.argv.includes('--quick')) {
  const r = await benchExecutionWindows(WINDOW_OFFSETS_H);
  exec = r.summary;
  console.log('');
  console.log(`execution on the XRP/ETH tape: buy ~20% of an hour's volume, ${WINDOW_OFFSETS_H.length} one-hour windows`);
  for (const line of summaryTable(r.summary)) console.log(line);
}

const riskChecks = CHECK_MODES.map((mode) => benchPreTradeCheck({ mode }));
const pms = benchPmsCycle();
console.log('');
for (const line of riskReport(riskChecks, pms)) console.log(line);

const ccxt = await benchCcxt();
console.log('');
for (const line of ccxtReport(ccxt)) console.log(line);
await (await import('./backtest.ts')).printBacktestBench();
// 13. replay (issue 12): the XRP/ETH tape at max speed through the replay session (bench/replay.ts)
await (await import('./replay.ts')).printReplayBench();

await import('./portfolio.ts').then(async (p) => console.log(['', ...p.portfolioReport(await p.benchPortfolio())].join('\n')));

{ const sig = await import('./signals.ts'); console.log(''); for (const l of sig.signalsReport(sig.benchSignals())) console.log(l); } // 10. L2 signal cycle (bench/signals.ts)
const kernel = await benchKernel();
console.log('');
for (const line of kernelReport(kernel.rt, kernel.burst, kernel.tape)) console.log(line);
const ordersBench = await import('./orders.ts');
const cliRt = await ordersBench.benchCliRoundTrip();
const stopLatency = { memory: await ordersBench.benchStopTrigger('memory'), full: await ordersBench.benchStopTrigger('full') };
console.log('');
for (const line of ordersBench.ordersReport(cliRt, stopLatency)) console.log(line);

if (process.argv.includes('--json')) console.log(JSON.stringify({ kernel, eventsPerSecond: bus, roundTripMs: rt, journalInsertsPerSecond: journal, venue, algos, risk: { checks: riskChecks, pms }, exec, ccxt, orders: { cliRoundTripMs: cliRt, stopTriggerUs: stopLatency } }));
