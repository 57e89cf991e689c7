import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { BacktestProgressDto } from '../../src/contract/api.ts';
import type { Client } from '../../src/contract/rpc.ts';
import { createClient, serveEndpoint } from '../../src/contract/rpc.ts';
import { createMemoryPair } from '../../src/contract/memory.ts';
import { createEngine } from '../../src/kernel/engine.ts';
import type { Engine, EngineOptions } from '../../src/kernel/engine.ts';
import { startServer } from '../../src/host/server.ts';
import { connectWs } from '../../src/host/ws-endpoint.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export function tempDataDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `strata-${tag}-`));
}

/** What a `strata` command left: its exit code and output. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const execFileAsync = promisify(execFile);

/**
 * `strata --data-dir DIR …` as an operator runs it, for a suite whose data directory is made in
 * beforeAll (hence the getter). `cli` resolves with the exit code whatever it is, so a test asserts
 * refusals (codes 1-3) as plainly as successes; `json` adds `--json`, expects exit 0 and parses.
 */
export function strataCli(dataDir: () => string): { cli(...args: string[]): Promise<CliResult>; json<T>(...args: string[]): Promise<T> } {
  const cli = (...args: string[]): Promise<CliResult> =>
    execFileAsync(process.execPath, [join(ROOT, 'bin/strata.js'), '--data-dir', dataDir(), ...args]).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: CliResult) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await cli(...args, '--json');
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  return { cli, json };
}

export interface Connected {
  engine: Engine;
  client: Client;
  close(): Promise<void>;
}

/** A real engine on a real SQLite file, reached over one of the transports. */
export async function connect(transport: 'memory' | 'websocket', dataDir = tempDataDir(transport), options: Partial<EngineOptions> = {}): Promise<Connected> {
  const engine = createEngine({ dataDir, seed: 7, warmUpMinutes: 2, log: () => undefined, ...options });
  await engine.start();
  if (transport === 'memory') {
    const [server, clientEnd] = createMemoryPair();
    serveEndpoint(server, engine.handlers, engine.feed);
    const client = createClient(clientEnd);
    return { engine, client, close: async () => { client.close(); await engine.stop(); } };
  }
  const token = 'test-token-' + Math.random().toString(36).slice(2);
  const server = await startServer({ handlers: engine.handlers, feed: engine.feed, token, port: 0, staticDir: join(ROOT, 'dist', 'renderer') });
  const endpoint = await connectWs(`ws://127.0.0.1:${server.port}/ws?token=${token}`);
  const client = createClient(endpoint);
  return {
    engine,
    client,
    close: async () => {
      client.close();
      await server.close();
      await engine.stop();
    },
  };
}

export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The real host process (`strata serve`), for tests that kill it. */
export interface ServeProcess {
  child: ChildProcess;
  port: number;
  token: string;
  dataDir: string;
}

export async function spawnServe(dataDir: string, extra: string[] = [], env?: NodeJS.ProcessEnv, startTimeoutMs = 20_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'src/host/main.ts'), 'serve', '--port', '0', '--data-dir', dataDir, '--seed', '11', '--warm-up', '1', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env } : {}),
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const file = join(dataDir, 'connection.json');
  // Ready when serve says so on stdout (it prints its URL after writing connection.json): an event, not a poll.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out waiting for connection.json: ${out}`)), startTimeoutMs);
    const onData = () => {
      if (/Strata web UI: /.test(out)) done();
    };
    const onExit = () => done(new Error(`serve exited early: ${out}`));
    function done(err?: Error): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    onData();
  });
  const info = JSON.parse(readFileSync(file, 'utf8')) as { port: number; token: string; pid: number };
  if (info.pid !== child.pid) throw new Error(`connection.json names pid ${info.pid}, not the serve just started (${child.pid})`);
  return { child, port: info.port, token: info.token, dataDir };
}

export async function clientFor(p: ServeProcess): Promise<Client> {
  return createClient(await connectWs(`ws://127.0.0.1:${p.port}/ws?token=${p.token}`));
}

export function killHard(p: ServeProcess): Promise<void> {
  return new Promise((r) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return r();
    p.child.once('exit', () => r());
    p.child.kill('SIGKILL');
  });
}

/**
 * A backtest job's progress as the host publishes it, in order: `push` is what BacktestService takes
 * as its publish (or a client's `backtest.progress` listener), and a test waits on the events, never
 * on a timer. A wait is answered by an event already seen, too.
 */
export class ProgressLog {
  readonly events: BacktestProgressDto[] = [];
  private readonly waiters: { test: (p: BacktestProgressDto) => boolean; resolve: (p: BacktestProgressDto) => void }[] = [];

  readonly push = (p: BacktestProgressDto): void => {
    this.events.push(p);
    for (const w of [...this.waiters]) {
      if (!w.test(p)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(p);
    }
  };

  /** The first progress event (already seen or to come) that passes `test`. */
  when(test: (p: BacktestProgressDto) => boolean): Promise<BacktestProgressDto> {
    const seen = this.events.find(test);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** The job's end: its first progress that is no longer running (done, failed or cancelled). */
  ended(jobId: string): Promise<BacktestProgressDto> {
    return this.when((p) => p.jobId === jobId && p.status !== 'running');
  }
}
