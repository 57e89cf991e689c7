import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect } from '@playwright/test';
import WebSocket from 'ws';
import { createClient } from '../../src/contract/index.ts';
import type { Client, Endpoint } from '../../src/contract/index.ts';
import { TerminalPage } from './pages/terminal-page.ts';

/**
 * Every test gets its own real engine (`strata serve` on a fresh temp data dir, seed 42) and a
 * terminal page opened on it. The engine is stopped and its data dir removed afterwards; its output
 * is attached to the report when a test fails.
 */

const root = resolve(import.meta.dirname, '..', '..');
const START_TIMEOUT_MS = 30_000;

export interface Engine {
  url: string;
  port: number;
  token: string;
  pid: number;
  dataDir: string;
  /** Everything the engine printed so far. */
  output(): string;
  /** Stops the engine now (the fixture would otherwise stop it after the test). */
  stop(): Promise<void>;
}

interface ConnectionFile {
  port: number;
  token: string;
  url: string;
  pid: number;
}

async function readConnection(path: string): Promise<ConnectionFile | null> {
  try {
    const c = JSON.parse(await readFile(path, 'utf8')) as Partial<ConnectionFile>;
    if (typeof c.port === 'number' && typeof c.token === 'string' && typeof c.url === 'string') return c as ConnectionFile;
  } catch {
    // Not written yet, or written halfway.
  }
  return null;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stop(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const killed = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
  if (!killed && !exited(child)) {
    child.kill('SIGKILL');
    await done;
  }
}

export async function startEngine(extraArgs: string[] = [], opts: { dataDir?: string; startTimeoutMs?: number } = {}): Promise<{ engine: Engine; stop: () => Promise<void> }> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'strata-e2e-')));
  let output = '';
  const child = spawn(process.execPath, ['src/host/main.ts', 'serve', '--port', '0', '--data-dir', dataDir, '--seed', '42', ...extraArgs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const cleanup = async (): Promise<void> => {
    await stop(child);
    // A data dir the caller gave is the caller's (a restart on the same account).
    if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? START_TIMEOUT_MS);
  let conn: ConnectionFile | null = null;
  while (!conn) {
    if (exited(child)) {
      await cleanup();
      throw new Error(`engine exited (code ${child.exitCode ?? child.signalCode}) before writing connection.json:\n${output}`);
    }
    if (Date.now() > deadline) {
      await cleanup();
      throw new Error(`engine wrote no connection.json within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    conn = await readConnection(join(dataDir, 'connection.json'));
    if (!conn) await new Promise((r) => setTimeout(r, 100));
  }
  const engine: Engine = {
    url: conn.url,
    port: conn.port,
    token: conn.token,
    pid: conn.pid,
    dataDir,
    output: () => output,
    stop: () => stop(child),
  };
  return { engine, stop: cleanup };
}

/**
 * A second, programmatic connection to the same engine (as an API user would have), for setting up
 * state the UI should then show, e.g. hundreds of orders.
 */
export async function apiClient(engine: Engine): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${engine.port}/ws?token=${encodeURIComponent(engine.token)}`);
  await new Promise<void>((resolveOpen, rejectOpen) => {
    ws.once('open', () => resolveOpen());
    ws.once('error', rejectOpen);
  });
  const endpoint: Endpoint = {
    send: (frame) => ws.send(frame),
    onMessage(listener) {
      const h = (data: WebSocket.RawData): void => listener(data.toString());
      ws.on('message', h);
      return () => ws.off('message', h);
    },
    onClose(listener) {
      ws.on('close', listener);
      return () => ws.off('close', listener);
    },
    close: () => ws.close(),
  };
  return createClient(endpoint);
}

export const test = base.extend<{ engine: Engine; terminal: TerminalPage }>({
  engine: async ({}, use, testInfo) => {
    const { engine, stop: stopEngine } = await startEngine();
    try {
      await use(engine);
    } finally {
      await stopEngine();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('engine-output.txt', { body: engine.output(), contentType: 'text/plain' });
      }
    }
  },
  terminal: async ({ page, engine }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const terminal = new TerminalPage(page);
    await terminal.open(engine.url);
    await use(terminal);
    // The UI must never crash: an uncaught page error fails the test.
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };
