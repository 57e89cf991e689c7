/**
 * A fresh `strata serve` in a child process on a temporary data directory, bound to 127.0.0.1:
 * the tools in this folder that need the real host (hostile frames, bursts) measure it from outside.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';

export const ROOT = resolve(import.meta.dirname, '..');

export interface ServeChild {
  child: ChildProcess;
  port: number;
  token: string;
  dataDir: string;
  url: string;
  /** Resident set size of the engine process in MB (Linux /proc), or NaN elsewhere. */
  rssMb(): number;
  /**
   * V8 heap in use after a full garbage collection, in MB, asked through the inspector (only when
   * started with `{ inspect: true }`). RSS alone cannot tell a leak from a heap V8 keeps after a
   * peak; the live heap after a forced collection can.
   */
  heapAfterGcMb(): Promise<number>;
  /**
   * CPU time the engine process has used so far, ms (Linux /proc, 10 ms ticks): `process` is every
   * thread (the WAL syncs on libuv's pool, V8's GC helpers), `main` the event loop's thread alone.
   */
  cpuMs(): { process: number; main: number };
  /** CPU time so far per thread name (libuv's pool, V8's workers, ...), ms, summed over threads of one name. */
  threadCpuMs(): Map<string, number>;
  /**
   * Runs `during` under V8's sampling profiler in the engine (only with `{ inspect: true }`) and
   * returns the profile (the `.cpuprofile` JSON): the server's own cost, without its clients'.
   */
  cpuProfile<T>(during: () => Promise<T>): Promise<{ result: T; profile: unknown }>;
  stop(): Promise<void>;
}

/** `files`: written into the new data directory before the start (risk-config.json, say). */
export async function startServeChild(tag: string, extra: string[] = [], files: Record<string, string> = {}, opts: { inspect?: boolean } = {}): Promise<ServeChild> {
  const dataDir = mkdtempSync(join(tmpdir(), `strata-${tag}-`));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dataDir, name), text, { mode: 0o600 });
  // Port 0: the inspector picks a free loopback port and prints its URL on stderr.
  const nodeFlags = opts.inspect ? ['--inspect=127.0.0.1:0'] : [];
  const child = spawn(process.execPath, [...nodeFlags, join(ROOT, 'src/host/main.ts'), 'serve', '--port', '0', '--data-dir', dataDir, '--warm-up', '5', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const file = join(dataDir, 'connection.json');
  const end = Date.now() + 60_000;
  let info: { port: number; token: string; pid: number } | undefined;
  while (!info) {
    if (child.exitCode !== null) throw new Error(`serve exited: ${out}`);
    if (Date.now() > end) throw new Error(`serve did not start: ${out}`);
    if (existsSync(file)) {
      const v = JSON.parse(readFileSync(file, 'utf8')) as { port: number; token: string; pid: number };
      if (v.pid === child.pid) info = v;
    }
    if (!info) await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  return {
    child,
    port: info.port,
    token: info.token,
    dataDir,
    url: `ws://127.0.0.1:${info.port}/ws?token=${encodeURIComponent(info.token)}`,
    rssMb() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : Number.NaN;
      } catch {
        return Number.NaN;
      }
    },
    async heapAfterGcMb() {
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(out);
      if (!m) throw new Error('heapAfterGcMb needs startServeChild(..., { inspect: true })');
      return inspectHeapAfterGc(m[1]!);
    },
    cpuMs: () => ({ process: statCpuMs(`/proc/${pid}/stat`), main: statCpuMs(`/proc/${pid}/task/${pid}/stat`) }),
    threadCpuMs() {
      const out = new Map<string, number>();
      try {
        for (const tid of readdirSync(`/proc/${pid}/task`)) {
          const name = tid === String(pid) ? 'main' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
          out.set(name, (out.get(name) ?? 0) + statCpuMs(`/proc/${pid}/task/${tid}/stat`));
        }
      } catch {
        /* a thread ended between the listing and its read, or no /proc */
      }
      return out;
    },
    async cpuProfile(during) {
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(out);
      if (!m) throw new Error('cpuProfile needs startServeChild(..., { inspect: true })');
      const s = await inspectorSession(m[1]!);
      try {
        await s.call('Profiler.enable');
        // 250 us between samples (V8's default is 1 ms): a 1,000-order burst lasts well under a second.
        await s.call('Profiler.setSamplingInterval', { interval: 250 });
        await s.call('Profiler.start');
        const result = await during();
        const { profile } = (await s.call('Profiler.stop')) as { profile: unknown };
        return { result, profile };
      } finally {
        s.close();
      }
    },
    stop: () =>
      new Promise<void>((r) => {
        child.once('exit', () => {
          rmSync(dataDir, { recursive: true, force: true });
          r();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** A raw WebSocket to the engine: send text frames, await the reply to each request id. */
export interface RawConn {
  ws: WebSocket;
  /** Sends a frame and resolves with the next response frame (t: 'res'), or 'closed'. */
  request(frame: string, timeoutMs?: number): Promise<{ id?: number; ok?: boolean; result?: unknown; error?: { code: string; message: string } } | 'closed' | 'timeout'>;
  onEvent(l: (event: string, data: unknown) => void): void;
  close(): void;
}

type Reply = Awaited<ReturnType<RawConn['request']>>;

export function rawConnect(url: string): Promise<RawConn> {
  return new Promise((resolveConn, reject) => {
    const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
    const waiting: ((f: Reply) => void)[] = [];
    const listeners: ((event: string, data: unknown) => void)[] = [];
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as { t: string; event?: string; data?: unknown };
      if (f.t === 'evt') {
        for (const l of listeners) l(f.event!, f.data);
        return;
      }
      waiting.shift()?.(f as never);
    });
    ws.on('close', () => {
      for (const w of waiting.splice(0)) w('closed');
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolveConn({
        ws,
        request(frame, timeoutMs = 10_000) {
          if (ws.readyState !== WebSocket.OPEN) return Promise.resolve('closed');
          return new Promise((r) => {
            const timer = setTimeout(() => {
              const i = waiting.indexOf(done);
              if (i >= 0) waiting.splice(i, 1);
              r('timeout');
            }, timeoutMs);
            const done = (f: Reply) => {
              clearTimeout(timer);
              r(f);
            };
            waiting.push(done);
            ws.send(frame);
          });
        },
        onEvent: (l) => listeners.push(l),
        close: () => ws.close(),
      }),
    );
  });
}

/** utime + stime of a /proc stat file, ms (ticks of 10 ms); NaN where there is no /proc. */
function statCpuMs(file: string): number {
  try {
    const stat = readFileSync(file, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) of proc(5); f starts at field 3.
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Collects garbage in the inspected process, then reads its `process.memoryUsage().heapUsed`. */
async function inspectHeapAfterGc(inspectorUrl: string): Promise<number> {
  const s = await inspectorSession(inspectorUrl);
  try {
    // Twice: the first pass can leave objects whose finalizers free more on the second.
    await s.call('HeapProfiler.collectGarbage');
    await s.call('HeapProfiler.collectGarbage');
    const r = (await s.call('Runtime.evaluate', { expression: 'process.memoryUsage().heapUsed', returnByValue: true })) as { result: { value: number } };
    return r.result.value / 1024 / 1024;
  } finally {
    s.close();
  }
}

/** A DevTools protocol session with the inspected engine. */
async function inspectorSession(inspectorUrl: string): Promise<{ call(method: string, params?: Record<string, unknown>): Promise<unknown>; close(): void }> {
  const ws = new WebSocket(inspectorUrl, { maxPayload: 512 * 1024 * 1024 });
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res());
    ws.once('error', rej);
  });
  let next = 1;
  const call = (method: string, params: Record<string, unknown> = {}): Promise<unknown> =>
    new Promise((res, rej) => {
      const id = next++;
      const onMsg = (d: WebSocket.RawData) => {
        const msg = JSON.parse(d.toString()) as { id?: number; result?: unknown; error?: { message: string } };
        if (msg.id !== id) return;
        ws.off('message', onMsg);
        if (msg.error) rej(new Error(msg.error.message));
        else res(msg.result);
      };
      ws.on('message', onMsg);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { call, close: () => ws.close() };
}
