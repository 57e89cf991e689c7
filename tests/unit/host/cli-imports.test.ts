import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/**
 * A CLI call is typed many times a minute and is nearly all start-up, so the client commands must
 * not load the engine: only the launcher, the CLI's own host files, the contract's plain modules and
 * two packages (commander, ws). Each command runs as a trader runs it (`node bin/strata.js …`) in a
 * fresh Node whose load hook records every module it loads, against a stand-in engine on 127.0.0.1
 * that answers each request with an empty result of its shape, so the whole command runs: argument
 * parsing, connection, the calls and the output.
 */

/** Files of src/ a client command may load (paths from the repository root). */
const ALLOWED_SRC = [
  /^src\/host\/(main|cli|cli-common|cli-format|cli-risk|data-dir|ws-client|ws-endpoint)\.ts$/,
  // The contract's plain modules; its zod schemas would show up as the zod package below.
  /^src\/contract\/[a-z-]+\.ts$/,
  /^src\/core\/enums\.ts$/,
  /^src\/kernel\/version\.ts$/,
];
/** Packages a client command may load: the parser and the WebSocket (with ws's optional native helpers). */
const ALLOWED_PACKAGES = new Set(['commander', 'ws', 'bufferutil', 'utf-8-validate', 'node-gyp-build']);

/** What the stand-in engine answers per method (anything else: an empty object). */
const RESULTS: Record<string, unknown> = {
  'orders.list': [],
  'fills.list': [],
  'positions.list': [],
  'session.info': { instruments: [] },
  'orders.place': { id: 'O1', symbol: 'BTC/USDT', side: 'buy', qty: 1, filledQty: 0, status: 'NEW', orderKind: 'limit', execution: null, reason: null },
};

const HOOK = `
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = [];
registerHooks({ load(url, ctx, next) { seen.push(url); return next(url, ctx); } });
process.on('exit', () => writeFileSync(process.env.STRATA_TEST_MODULES, JSON.stringify(seen)));
`;

let dir: string;
let wss: WebSocketServer;
const methods: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-cli-imports-'));
  writeFileSync(join(dir, 'hook.mjs'), HOOK);
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) =>
    ws.on('message', (data) => {
      const req = JSON.parse(data.toString()) as { id: number; method: string };
      methods.push(req.method);
      ws.send(JSON.stringify({ t: 'res', id: req.id, ok: true, result: RESULTS[req.method] ?? {} }));
    }),
  );
  // The CLI finds an engine through connection.json and checks that its pid is alive: this process.
  const { port } = wss.address() as AddressInfo;
  writeFileSync(join(dir, 'connection.json'), JSON.stringify({ port, token: 't', pid: process.pid }), { mode: 0o600 });
});

afterAll(async () => {
  await new Promise<void>((r) => wss.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `node bin/strata.js --data-dir DIR …args` and returns its exit code, stderr and the modules it loaded. */
function run(args: string[]): Promise<{ code: number | null; err: string; modules: string[] }> {
  const list = join(dir, `modules-${methods.length}-${args.join('_').replace(/\W/g, '')}.json`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(join(dir, 'hook.mjs')).href, join(ROOT, 'bin', 'strata.js'), '--data-dir', dir, ...args], {
      cwd: ROOT,
      // The compile cache in the test's folder, not the user's.
      env: { ...process.env, STRATA_TEST_MODULES: list, NODE_COMPILE_CACHE: join(dir, 'compile-cache') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      done({ code, err, modules: JSON.parse(readFileSync(list, 'utf8')) as string[] });
    });
  });
}

/** A loaded module as a path from the repository root or a package name; built-ins are left out. */
function describeModule(url: string): { src?: string; pkg?: string; other?: string } | undefined {
  if (url.startsWith('node:')) return undefined;
  const path = url.startsWith('file:') ? decodeURIComponent(new URL(url).pathname) : url;
  const inPkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (inPkg) return { pkg: inPkg[1]! };
  if (path.startsWith(ROOT + '/')) return { src: path.slice(ROOT.length + 1) };
  return { other: path };
}

function offPath(modules: string[]): string[] {
  const bad: string[] = [];
  for (const url of modules) {
    const m = describeModule(url);
    if (!m) continue;
    if (m.pkg !== undefined && !ALLOWED_PACKAGES.has(m.pkg)) bad.push(`package ${m.pkg}`);
    if (m.src !== undefined && m.src !== 'bin/strata.js' && !ALLOWED_SRC.some((re) => re.test(m.src!))) bad.push(m.src);
    if (m.other !== undefined && !m.other.startsWith(dir)) bad.push(m.other);
  }
  return bad;
}

describe('client commands keep the engine off the CLI import path', () => {
  it.each([
    [['orders', 'list'], 'orders.list'],
    [['orders', 'place', '--symbol', 'BTC/USDT', '--side', 'buy', '--qty', '1', '--type', 'limit', '--price', '1', '--json'], 'orders.place'],
    [['positions'], 'positions.list'],
    [['fills', '--json'], 'fills.list'],
    [['account', '--json'], 'account.get'],
    [['risk', 'state', '--json'], 'risk.status'],
  ])('when `strata %j` runs against an engine then it loads no engine module, no zod and no other package', async (args, method) => {
    const before = methods.length;
    const r = await run(args);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // The command really ran its call (so the modules of its whole path were recorded).
    expect(methods.slice(before)).toContain(method);
    expect(r.modules.some((u) => u.endsWith('/src/host/cli.ts'))).toBe(true);
    expect(offPath(r.modules)).toEqual([]);
  }, 60_000);

  it('when an offline command (`backtest list`, SQLite in the CLI process) runs then the same check reports what it loads', async () => {
    // A control: the check must be able to fail, or the cases above would pass on a broken hook.
    const r = await run(['backtest', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(offPath(r.modules).length).toBeGreaterThan(0);
  }, 60_000);
});
