import { readFileSync } from 'node:fs';
import { cpuUsage } from 'node:process';
import { SimClock } from '../src/core/clock.ts';
import { ReplaySession } from '../src/kernel/replay/session.ts';
import { loadMarketFile } from '../src/marketdata/recording.ts';
import { median } from './stats.ts';

/**
 * Replay at full speed: the XRP/ETH tape through the replay session (the whole kernel, memory
 * account, market data conflated for clients), as a seek from the start plays it. Reports recorded
 * trades per wall second, simulated hours per wall second and the CPU time of the process during
 * the seek (on a loaded machine wall time overstates the cost; CPU time does not), medians over
 * runs. `HOURS` bounds the stretch of tape (default the whole 59 h). `LISTEN=1` attaches a client
 * (a listener on the session, as the UI is) so market data is built and conflated for it. `JUMPS=0`
 * steps the kernel's tick through every idle second (the jump's before/after). `HOLD=1` buys 2,000
 * XRP at the fifth trade, so the account holds a position whose marks move all through the tape.
 */
const file = new URL('../assets/demo/binance_XRPETH_trades_20191011-13.csv', import.meta.url);
const market = loadMarketFile(readFileSync(file, 'utf8'), file.pathname);

export interface ReplayBench {
  tradesPerSecond: number;
  simHoursPerSecond: number;
  seconds: number;
  cpuSeconds: number;
  /** Recorded events per CPU second (what an idle machine would approach). */
  tradesPerCpuSecond: number;
  trades: number;
  listening: boolean;
}

/** `HOLD=1`: a market buy at the start, so the seek plays with a position held (marks move the book). */
async function holdIfAsked(s: ReplaySession): Promise<void> {
  if (process.env.HOLD !== '1') return;
  s.step(5); // a market to buy in
  const o = await s.handlers()['orders.place']({ symbol: 'XRP/ETH', side: 'buy', qty: '2000', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
  if (o.status === 'DENIED') throw new Error(`HOLD=1: the buy was denied (${o.reason?.code ?? ''})`);
}

export async function benchReplay(runs = 3, hours = Number(process.env.HOURS ?? 59.4), listen = process.env.LISTEN === '1'): Promise<ReplayBench> {
  const out: ReplayBench[] = [];
  for (let r = 0; r < runs; r++) {
    const s = await ReplaySession.open({ market, file: 'bench', venueLatencyMs: 4, idleJumps: process.env.JUMPS !== '0', ...(process.env.PMS_MS ? { pms: { intervalMs: Number(process.env.PMS_MS) } } : {}) });
    await holdIfAsked(s);
    let seen = 0;
    const off = listen ? s.subscribe(() => void seen++) : undefined;
    const target = Math.min(market.end, market.start + hours * 3_600_000);
    const c0 = cpuUsage();
    const t0 = performance.now();
    const st = await s.seek(target);
    const seconds = (performance.now() - t0) / 1000;
    const c = cpuUsage(c0);
    const cpuSeconds = (c.user + c.system) / 1e6;
    off?.();
    await s.close();
    out.push({ tradesPerSecond: st.played / seconds, simHoursPerSecond: (target - market.start) / 3_600_000 / seconds, seconds, cpuSeconds, tradesPerCpuSecond: st.played / cpuSeconds, trades: st.played, listening: listen });
  }
  const m = median(out.map((o) => o.tradesPerSecond));
  return out.find((o) => o.tradesPerSecond === m) ?? out[0]!;
}

/**
 * `npm run bench` section: the recorded events (trades) of the tape per wall second at max speed,
 * median of `RUNS` (default 3) over `HOURS` of tape (default all 59 h). Target ≥ 500k events/s.
 */
export async function printReplayBench(json = process.argv.includes('--json')): Promise<void> {
  const r = await benchReplay(Number(process.env.RUNS ?? 3));
  console.log('');
  console.log(
    `replay: XRP/ETH tape at max speed through the replay session (whole engine, memory account${process.env.HOLD === '1' ? ' holding 2,000 XRP' : ''}${r.listening ? ', one client listening' : ', no client'}): ${Math.round(r.tradesPerSecond)} recorded events/s (target ≥ 500,000), ${r.simHoursPerSecond.toFixed(2)} simulated h/s, CPU ${r.cpuSeconds.toFixed(2)} s (${Math.round(r.tradesPerCpuSecond)} events per CPU s) (${r.trades} events in ${r.seconds.toFixed(2)} s, median)`,
  );
  if (json) console.log(JSON.stringify({ replay: r }));
}

/**
 * Where the time of a full-speed seek goes (`SPLIT=1`): every engine timer is wrapped and timed, and
 * filed under the code that scheduled it (the first frame outside the clock). Taking a stack per
 * schedule slows the run; the shares and the counts per simulated hour are what it is for.
 */
export async function replaySplit(hours = Number(process.env.HOURS ?? 59.4)): Promise<void> {
  const rows = new Map<string, { count: number; ms: number }>();
  const schedule = SimClock.prototype.schedule;
  // The stack taken in schedule is measured and taken out of the timer that scheduled (a periodic
  // timer schedules its next run inside its own callback).
  let probeMs = 0;
  SimClock.prototype.schedule = function (this: SimClock, at: number, fn: () => void): number {
    const p0 = performance.now();
    const frames = (new Error().stack ?? '').split('\n').slice(2);
    const site = frames.find((f) => !f.includes('core/clock.ts')) ?? '?';
    const where = /at (?:(\S+) \()?.*\/src\/([^:]+):(\d+)/.exec(site);
    const key = where ? `${where[2]}:${where[3]} ${where[1] ?? ''}` : site.trim();
    probeMs += performance.now() - p0;
    return schedule.call(this, at, () => {
      const probe0 = probeMs;
      const t = performance.now();
      fn();
      const row = rows.get(key) ?? { count: 0, ms: 0 };
      row.count++;
      row.ms += performance.now() - t - (probeMs - probe0);
      rows.set(key, row);
    });
  };
  try {
    const s = await ReplaySession.open({ market, file: 'bench', venueLatencyMs: 4, idleJumps: process.env.JUMPS !== '0' });
    await holdIfAsked(s);
    const target = Math.min(market.end, market.start + hours * 3_600_000);
    rows.clear();
    probeMs = 0;
    const c0 = cpuUsage();
    const t0 = performance.now();
    const st = await s.seek(target);
    const wall = performance.now() - t0 - probeMs;
    const c = cpuUsage(c0);
    await s.close();
    const simHours = (target - market.start) / 3_600_000;
    console.log(`replay split: ${st.played} events over ${simHours.toFixed(1)} simulated h, ${(wall / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU (a stack per schedule, ${(probeMs / 1000).toFixed(2)} s of it, taken out of the figures below)`);
    console.log('  timer (scheduled at)                                  per sim h     total ms   share   µs each');
    for (const [k, r] of [...rows].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(`  ${k.padEnd(52)} ${String(Math.round(r.count / simHours)).padStart(9)} ${r.ms.toFixed(0).padStart(12)} ${((100 * r.ms) / wall).toFixed(1).padStart(6)}% ${((1000 * r.ms) / r.count).toFixed(1).padStart(9)}`);
    }
  } finally {
    SimClock.prototype.schedule = schedule;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.env.SPLIT === '1') await replaySplit();
  else await printReplayBench();
}
