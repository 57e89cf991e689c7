import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeProcess } from './harness.ts';
import { ROOT, killHard, spawnServe, strataCli, tempDataDir } from './harness.ts';

const run = promisify(execFile);

function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}

function wsOpen(url: string, headers: Record<string, string> = {}): Promise<{ ok: boolean; status?: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ok: true, ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ ok: false, status: res.statusCode }));
    ws.once('error', () => resolve({ ok: false }));
  });
}

describe('web host and CLI', () => {
  let p: ServeProcess;
  let dir: string;
  beforeAll(async () => {
    dir = tempDataDir('host');
    p = await spawnServe(dir);
  });
  afterAll(async () => {
    await killHard(p);
  });

  it('when the engine starts then the connection file is private to the user', () => {
    const mode = statSync(join(dir, 'connection.json')).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('when a WebSocket has no or a wrong token then it is refused', async () => {
    expect((await wsOpen(`ws://127.0.0.1:${p.port}/ws`)).status).toBe(401);
    expect((await wsOpen(`ws://127.0.0.1:${p.port}/ws?token=wrong`)).status).toBe(401);
    expect((await wsOpen(`ws://127.0.0.1:${p.port}/ws?token=${p.token}`, { Origin: 'http://evil.example' })).status).toBe(403);
    const good = await wsOpen(`ws://127.0.0.1:${p.port}/ws?token=${p.token}`);
    expect(good.ok).toBe(true);
    good.ws?.close();
  });

  it('when a request names a foreign host then it is refused (DNS rebinding)', async () => {
    expect((await get(p.port, '/healthz', 'attacker.example:80')).status).toBe(403);
    const ok = await get(p.port, '/healthz');
    expect(ok.status).toBe(200);
  });

  it('when garbage frames arrive then each gets BAD_FRAME and the connection keeps serving', async () => {
    const { ws } = await wsOpen(`ws://127.0.0.1:${p.port}/ws?token=${p.token}`);
    const replies: { t: string; id?: number; ok?: boolean; error?: { code: string } }[] = [];
    ws!.on('message', (d) => {
      const f = JSON.parse(d.toString()) as { t: string };
      if (f.t === 'res') replies.push(f);
    });
    ws!.send('not json at all');
    ws!.send('{"t":"req"}');
    ws!.send('[1,2,3]');
    ws!.send(Buffer.from([0xff, 0xfe, 0x00]));
    ws!.send(JSON.stringify({ t: 'req', id: 9, method: 'account.get', params: {} }));
    await new Promise((r) => setTimeout(r, 300));
    expect(replies.filter((r) => r.error?.code === 'BAD_FRAME')).toHaveLength(4);
    expect(replies.find((r) => r.id === 9)?.ok).toBe(true);
    ws!.close();
  });

  it('when the CLI runs against the engine then it places, lists and reports with exit codes', async () => {
    const { cli } = strataCli(() => dir);
    const placed = await cli('orders', 'place', '--symbol', 'SPY', '--side', 'buy', '--qty', '3', '--json');
    expect(placed.code).toBe(0);
    const order = JSON.parse(placed.stdout) as { id: string; symbol: string };
    expect(order.symbol).toBe('SPY');
    await new Promise((r) => setTimeout(r, 200));
    const fills = JSON.parse((await cli('fills', '--json')).stdout) as { orderId: string }[];
    expect(fills.some((f) => f.orderId === order.id)).toBe(true);
    const positions = await cli('positions');
    expect(positions.stdout).toMatch(/SPY\s+3/);
    expect((await cli('account', '--json')).code).toBe(0);
    const list = await cli('orders', 'list');
    expect(list.stdout).toContain(order.id);

    const denied = await cli('orders', 'place', '--symbol', 'SPY', '--side', 'sell', '--qty', '50');
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('INSUFFICIENT_POSITION');
    const badSymbol = await cli('orders', 'place', '--symbol', 'NOPE', '--side', 'buy', '--qty', '1');
    expect(badSymbol.code).toBe(1);
    expect(badSymbol.stderr).toContain('UNKNOWN_SYMBOL');
    const badQty = await cli('orders', 'place', '--symbol', 'SPY', '--side', 'buy', '--qty', '-4');
    expect(badQty.code).toBe(1);
    expect(badQty.stderr).toContain('BAD_REQUEST');
    const usage = await cli('orders', 'place', '--symbol', 'SPY');
    expect(usage.code).toBe(2);
    const unknown = await cli('orders', 'cancel', 'nope');
    expect(unknown.stderr).toContain('UNKNOWN_ORDER');
    const none = await strataCli(() => tempDataDir('none')).cli('account');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no running engine');
    const cancelAll = await cli('orders', 'cancel-all', '--json');
    expect(cancelAll.code).toBe(0);
  });

  it('when the CLI places an algo order then children, pause/resume and TCA are reachable', async () => {
    const { cli } = strataCli(() => dir);
    const placed = await cli('orders', 'place', '--symbol', 'ETH/USDT', '--side', 'buy', '--qty', '2', '--algo', 'twap', '--duration', '30s', '--slices', '3', '--json');
    expect(placed.code).toBe(0);
    const parent = JSON.parse(placed.stdout) as { id: string; execution: { algo: string } | null };
    expect(parent.execution?.algo).toBe('twap');
    const paused = JSON.parse((await cli('orders', 'pause', parent.id, '--json')).stdout) as { execution: { paused: boolean } };
    expect(paused.execution.paused).toBe(true);
    const resumed = JSON.parse((await cli('orders', 'resume', parent.id, '--json')).stdout) as { execution: { paused: boolean } };
    expect(resumed.execution.paused).toBe(false);
    // The TWAP lasts 30 s so that pause and resume reach it while it works even when each CLI call
    // takes seconds on a loaded machine; the wait below is a bound, not a sleep.
    const deadline = Date.now() + 120_000;
    let status = '';
    while (Date.now() < deadline) {
      status = (JSON.parse((await cli('orders', 'list', '--json')).stdout) as { id: string; status: string }[]).find((o) => o.id === parent.id)!.status;
      if (status === 'FILLED' || status === 'EXPIRED') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(['FILLED', 'EXPIRED']).toContain(status);
    const children = JSON.parse((await cli('orders', 'children', parent.id, '--json')).stdout) as { id: string }[];
    expect(children.length).toBeGreaterThan(0);
    expect(children.every((c, i) => c.id === `${parent.id}-C${i + 1}`)).toBe(true);
    const tca = await cli('orders', 'tca', parent.id);
    expect(tca.code).toBe(0);
    expect(tca.stdout).toMatch(/shortfall bps/);
    // Human output at the instrument's precision: no float tails such as 3173.1348555000004.
    expect(tca.stdout).not.toMatch(/\d\.\d{9,}/);
    expect(tca.stdout).toMatch(/participation\s+\d+\.\d{2}%/);
    // A parent's fills are its children's.
    const fills = JSON.parse((await cli('fills', '--order', parent.id, '--json')).stdout) as { orderId: string }[];
    expect(fills.length).toBeGreaterThan(0);
    expect(fills.every((f) => f.orderId.startsWith(`${parent.id}-C`))).toBe(true);
    const notAlgo = await cli('orders', 'pause', 'nope');
    expect(notAlgo.stderr).toContain('UNKNOWN_ORDER');
  });

  it('when exec simulate runs twice with the same seed then the results are identical', async () => {
    const sim = () =>
      run(process.execPath, [join(ROOT, 'bin/strata.js'), 'exec', 'simulate', '--data', join(ROOT, 'tests/fixtures/data/crypto/binance_XRPETH_trades_20191011-13.csv'), '--symbol', 'XRP/ETH', '--side', 'buy', '--qty', '3000', '--algo', 'pov', '--participation', '0.2', '--duration', '20m', '--start', '+1h', '--seed', '5', '--json']);
    const a = JSON.parse((await sim()).stdout) as { order: { status: string; filledQty: number }; children: unknown[]; fills: unknown[]; tca: { shortfallBps: number; participation: number } };
    const b = JSON.parse((await sim()).stdout) as typeof a;
    expect(b).toEqual(a);
    expect(a.children.length).toBeGreaterThan(0);
    expect(a.fills.length).toBeGreaterThan(0);
    expect(a.tca.participation).toBeGreaterThan(0.1);
    expect(a.tca.participation).toBeLessThan(0.3);
    const bad = await run(process.execPath, [join(ROOT, 'bin/strata.js'), 'exec', 'simulate', '--data', '/nonexistent.csv', '--symbol', 'X/Y', '--side', 'buy', '--qty', '1']).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toContain('cannot read');
  });

  it('when a second engine starts on the same data directory then it refuses', async () => {
    const r = await run(process.execPath, [join(ROOT, 'src/host/main.ts'), 'serve', '--data-dir', dir, '--port', '0']).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).not.toBe(0);
    expect((r as { stderr: string }).stderr).toContain('already running');
  });
});
