import { readFileSync } from 'node:fs';
import { cpuUsage } from 'node:process';
import { ReplaySession } from '../src/kernel/replay/session.ts';
import { loadMarketFile } from '../src/marketdata/recording.ts';
import { median } from './stats.ts';

/**
 * Replay at full speed: the XRP/ETH tape through the replay session (the whole kernel, memory
 * account, market data conflated for clients), as a seek from the start plays it. Reports recorded
 * trades per wall second, simulated hours per wall second and the CPU time of the process during
 * the seek (on a loaded machine wall time overstates the cost; CPU time does not), medians over
 * runs. `HOURS` bounds the stretch of tape (default the whole 59 h). `LISTEN=1` attaches a client
 * (a listener on the session, as the UI is) so market data is built and conflated for it.
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

export async function benchReplay(runs = 3, hours = Number(process.env.HOURS ?? 59.4), listen = process.env.LISTEN === '1'): Promise<ReplayBench> {
  const out: ReplayBench[] = [];
  for (let r = 0; r < runs; r++) {
    const s = await ReplaySession.open({ market, file: 'bench', venueLatencyMs: 4, ...(process.env.PMS_MS ? { pms: { intervalMs: Number(process.env.PMS_MS) } } : {}) });
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
    `replay: XRP/ETH tape at max speed through the replay session (whole engine, memory account${r.listening ? ', one client listening' : ', no client'}): ${Math.round(r.tradesPerSecond)} recorded events/s (target ≥ 500,000), ${r.simHoursPerSecond.toFixed(2)} simulated h/s, CPU ${r.cpuSeconds.toFixed(2)} s (${Math.round(r.tradesPerCpuSecond)} events per CPU s) (${r.trades} events in ${r.seconds.toFixed(2)} s, median)`,
  );
  if (json) console.log(JSON.stringify({ replay: r }));
}

if (import.meta.url === `file://${process.argv[1]}`) await printReplayBench();
