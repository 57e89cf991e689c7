/**
 * The client side of bench/kernel.ts row (b): C WebSocket clients placing resting limit orders, a
 * fixed number in flight each, every reply timed from send. Runs in the bench's own thread or, as a
 * worker thread, beside it: there the clients' framing, JSON and promises take the machine's other
 * core instead of the engine's, as separate client programs would.
 */
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createClient } from '../src/contract/rpc.ts';
import type { Client } from '../src/contract/rpc.ts';
import { connectWs } from '../src/host/ws-endpoint.ts';

export interface BurstPlan {
  url: string;
  clients: number;
  /** Orders each client places. */
  per: number;
  /** Orders each client keeps in flight. */
  perInFlight: number;
  price: number;
  /** SPY and 1 unless given (bench/kernel.ts's in-process market). */
  symbol?: string;
  qty?: number | string;
}

export interface BurstRun {
  latencies: number[];
  elapsedMs: number;
  /** CPU time of the process that ran the clients, during the run, ms (process.cpuUsage: every thread of it). */
  cpuMs?: number;
}

export interface BurstClients {
  /** Places the orders; resolves with each one's acknowledgement time. */
  run(): Promise<BurstRun>;
  close(): void;
}

/** Connects the clients (not timed); `run` is the burst itself. */
export async function connectBurstClients(plan: BurstPlan): Promise<BurstClients> {
  const conns: Client[] = [];
  for (let c = 0; c < plan.clients; c++) conns.push(createClient(await connectWs(plan.url), { timeoutMs: 60_000 }));
  return {
    async run() {
      const latencies: number[] = [];
      const params = { symbol: plan.symbol ?? 'SPY', side: 'buy', qty: plan.qty ?? 1, type: 'limit', price: plan.price } as const;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(
        conns.map(async (client) => {
          let next = 0;
          const worker = async () => {
            while (next < plan.per) {
              next++;
              const s = performance.now();
              await client.call('orders.place', params);
              latencies.push(performance.now() - s);
            }
          };
          await Promise.all(Array.from({ length: plan.perInFlight }, worker));
        }),
      );
      const elapsedMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      return { latencies, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000 };
    },
    close() {
      for (const c of conns) c.close();
    },
  };
}

// As a worker: connect, say 'ready', run on 'go', post the run, close on 'close'.
if (!isMainThread && parentPort && (workerData as { burstPlan?: BurstPlan } | undefined)?.burstPlan) {
  const port = parentPort;
  const clients = await connectBurstClients((workerData as { burstPlan: BurstPlan }).burstPlan);
  port.on('message', (m: string) => {
    if (m === 'go') void clients.run().then((r) => port.postMessage(r));
    if (m === 'close') {
      clients.close();
      port.close();
    }
  });
  port.postMessage('ready');
}
