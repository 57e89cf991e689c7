/**
 * L4 figures, on the loopback exchange (127.0.0.1, same process):
 *   - order round trip through CcxtVenue: submit → accepted → fill event, p50 / p99 (market orders);
 *   - the overhead CcxtVenue adds over a bare ccxt createOrder on the same fake (runs interleaved,
 *     so load on the machine hits both alike), target ≤ 1 ms p50;
 *   - ccxt load time in a fresh process (what a live venue costs at open, off the demo's start-up).
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { WallClock } from '../src/core/clock.ts';
import { createExchange } from '../src/venues/ccxt/exchange-factory.ts';
import { openCcxtVenue } from '../src/venues/ccxt/index.ts';
import { LoopbackExchange } from '../src/venues/loopback/loopback-exchange.ts';
import { median, percentile } from './stats.ts';

export interface CcxtBench {
  roundTrip: { p50: number; p99: number; n: number };
  bareCreate: { p50: number; p99: number; n: number };
  overheadP50Ms: number;
  loadMs: { median: number; runs: number[] };
  engineImportLoadsCcxt: boolean;
}

function ccxtLoadRuns(runs: number): number[] {
  const script = "const t0 = performance.now(); await import('ccxt'); console.log(performance.now() - t0);";
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8' });
    out.push(Number(r.stdout.trim()));
  }
  return out;
}

function engineImportLoadsCcxt(): boolean {
  const script = `import { registerHooks } from 'node:module'; let n = 0;
    registerHooks({ resolve(s, c, next) { if (s === 'ccxt') n++; return next(s, c); } });
    await import('./src/kernel/engine.ts'); await import('./src/host/serve.ts'); console.log(n);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8' });
  return Number(r.stdout.trim()) !== 0;
}

export async function benchCcxt(orders = 400, warm = 50): Promise<CcxtBench> {
  const key = 'bench-key-0123456789';
  const secret = 'bench-secret-0123456789abcdef';
  const lb = new LoopbackExchange({ accounts: [{ apiKey: key, secret, balances: { USDT: '10000000', BTC: '100' } }], weights: { limit: 1_000_000, windowMs: 60_000 } });
  const url = await lb.start();
  const clock = new WallClock();
  const venue = await openCcxtVenue({ exchangeId: 'binance', apiKey: key, secret, apiUrl: url, clock, symbols: ['BTC/USDT'], weightBudget: { limit: 1_000_000, windowMs: 60_000 }, pollMs: { orders: 60_000, book: 60_000, trades: 60_000, heartbeat: 60_000 } });
  const bare = await createExchange({ exchangeId: 'binance', apiKey: key, secret, apiUrl: url });
  // The bare client without ccxt's own limiter: what is left is ccxt and the fake itself.
  bare.enableRateLimit = false;
  await bare.loadMarkets();
  let filled: (() => void) | undefined;
  venue.onEvent((e) => {
    if (e.type === 'fill') filled?.();
  });
  const rt: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < orders + warm; i++) {
    const side = i % 2 === 0 ? 'buy' : 'sell';
    const t0 = performance.now();
    const got = new Promise<void>((r) => (filled = r));
    await venue.submit({ clientOrderId: `B-${i}`, symbol: 'BTC/USDT', side, type: 'market', tif: 'ioc', qtyUnits: 100n, priceUnits: null });
    await got;
    const t1 = performance.now();
    await bare.createOrder('BTC/USDT', 'market', side, 0.001, undefined, { clientOrderId: `R-${i}` });
    const t2 = performance.now();
    if (i >= warm) {
      rt.push(t1 - t0);
      raw.push(t2 - t1);
    }
  }
  venue.stop();
  venue.session.throttle.close('bench over');
  clock.dispose();
  await lb.stop();
  const loads = ccxtLoadRuns(5);
  return {
    roundTrip: { p50: percentile(rt, 50), p99: percentile(rt, 99), n: rt.length },
    bareCreate: { p50: percentile(raw, 50), p99: percentile(raw, 99), n: raw.length },
    overheadP50Ms: percentile(rt, 50) - percentile(raw, 50),
    loadMs: { median: median(loads), runs: loads },
    engineImportLoadsCcxt: engineImportLoadsCcxt(),
  };
}

export function ccxtReport(b: CcxtBench): string[] {
  const f = (x: number) => x.toFixed(3);
  return [
    `L4 ccxt on the loopback exchange (127.0.0.1, n=${b.roundTrip.n} market orders):`,
    `  order round trip through CcxtVenue (submit → accepted → fill)  p50 ${f(b.roundTrip.p50)} ms  p99 ${f(b.roundTrip.p99)} ms`,
    `  bare ccxt createOrder on the same fake                         p50 ${f(b.bareCreate.p50)} ms  p99 ${f(b.bareCreate.p99)} ms`,
    `  overhead CcxtVenue adds, p50                                   ${f(b.overheadP50Ms)} ms  (target ≤ 1 ms) ${b.overheadP50Ms <= 1 ? 'ok' : 'ABOVE'}`,
    `  ccxt load in a fresh process, median of ${b.loadMs.runs.length}                    ${b.loadMs.median.toFixed(0)} ms (runs ${b.loadMs.runs.map((r) => r.toFixed(0)).join(', ')})`,
    `  engine + serve import resolves ccxt                            ${b.engineImportLoadsCcxt ? 'YES (start-up pays for it)' : 'no (lazy: only a live venue loads it)'}`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of ccxtReport(await benchCcxt())) console.log(line);
}
