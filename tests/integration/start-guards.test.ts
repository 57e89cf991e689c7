import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, killHard, spawnServe, tempDataDir } from './harness.ts';
import type { ServeProcess } from './harness.ts';

/** Issue 8, D5-D7: `strata serve` refuses a start that would lose an account, and a failed start writes nothing. */

const live: ServeProcess[] = [];
afterEach(async () => {
  for (const p of live.splice(0)) await killHard(p);
});

/** Runs `strata serve` expecting it to refuse: resolves with its exit code and output. */
function serveRefused(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; out: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'src/host/main.ts'), 'serve', '--port', '0', '--warm-up', '1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not exit within ${timeoutMs} ms: ${out}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: Date.now() - t0 });
    });
  });
}

describe('strata serve start guards', () => {
  it('when the journal is zero bytes beside a venue store with history then the start is refused with the way forward and writes nothing; --fresh starts a new account', async () => {
    const dir = tempDataDir('d5');
    const first = await spawnServe(dir);
    await killHard(first);
    writeFileSync(join(dir, 'strata.sqlite'), '');
    for (const f of ['strata.sqlite-wal', 'strata.sqlite-shm']) writeFileSync(join(dir, f), '');
    const venue = join(dir, 'sim-venue.sqlite');
    const before = { size: statSync(venue).size, mtime: statSync(venue).mtimeMs, bytes: readFileSync(venue) };
    const r = await serveRefused(['--data-dir', dir]);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(`${join(dir, 'strata.sqlite')} is empty`);
    expect(r.out).toMatch(/--fresh/);
    expect(r.out).not.toMatch(/\n\s+at /); // one clear line, no stack
    expect(statSync(venue).mtimeMs).toBe(before.mtime);
    expect(readFileSync(venue).equals(before.bytes)).toBe(true);
    const fresh = await spawnServe(dir, ['--fresh']);
    live.push(fresh);
  });

  it('when connection.json names a live pid that is not a Strata engine then the start goes on', async () => {
    const dir = tempDataDir('d6');
    // An account that was killed (kill -9, a reboot): its connection file stays, and the pid is reused.
    await killHard(await spawnServe(dir));
    writeFileSync(join(dir, 'connection.json'), JSON.stringify({ port: 1, token: 'stale', url: 'http://127.0.0.1:1/?token=stale', pid: 1 }), { mode: 0o600 });
    const p = await spawnServe(dir);
    live.push(p);
    expect(JSON.parse(readFileSync(join(dir, 'connection.json'), 'utf8')).pid).toBe(p.child.pid);
  });

  it('when the data dir is under /proc then the start fails at once, naming the path', async () => {
    const r = await serveRefused(['--data-dir', '/proc/strata-x'], 15_000);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/\/proc\/strata-x: cannot hold a data directory/);
  });

  it('when the port is in use then the start is refused and the data directory is left untouched', async () => {
    const dir = tempDataDir('d7');
    const first = await spawnServe(dir);
    await killHard(first);
    const venue = join(dir, 'sim-venue.sqlite');
    const bytes = readFileSync(venue);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = await serveRefused(['--data-dir', dir, '--port', String(port)]);
      expect(r.code).not.toBe(0);
      expect(r.out).toContain(`port ${port} is in use`);
      expect(readFileSync(venue).equals(bytes)).toBe(true);
    } finally {
      blocker.close();
    }
  });
});
