import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, createMemoryPair } from '../../../src/contract/index.ts';
import type { Endpoint } from '../../../src/contract/index.ts';
import type { ReplayStateDto } from '../../../src/contract/api/replay.ts';
import { buildProcessEngine, demoTapeOf } from '../../../main/engine-build.ts';
import { DEMO_TAPE, DEMO_TAPE_FILE } from '../../../src/host/backtest-service.ts';
import { runEngineHost } from '../../../main/engine-host.ts';
import type { ParentPortLike, PortLike } from '../../../main/engine-host.ts';
import type { FromEngine } from '../../../main/messages.ts';

// The utility process never loads Electron: a module that tried would fail this test.
vi.mock('electron', () => {
  throw new Error('the engine process must not import electron');
});

function portOver(endpoint: Endpoint): PortLike {
  const port: PortLike = {
    postMessage: (m: unknown) => endpoint.send(m as string),
    start: () => undefined,
    close: () => endpoint.close(),
    on: (event: 'message' | 'close', listener: ((e: { data: unknown }) => void) | (() => void)) => {
      if (event === 'message') endpoint.onMessage((frame) => (listener as (e: { data: unknown }) => void)({ data: frame }));
      else endpoint.onClose(listener as () => void);
      return port;
    },
  } as PortLike;
  return port;
}

class FakeParent implements ParentPortLike {
  posted: FromEngine[] = [];
  private listener: ((e: { data: unknown; ports: readonly PortLike[] }) => void) | null = null;
  on(_event: 'message', listener: (e: { data: unknown; ports: readonly PortLike[] }) => void): this {
    this.listener = listener;
    return this;
  }
  postMessage(message: FromEngine): void {
    this.posted.push(message);
  }
  deliver(data: unknown, ports: readonly PortLike[] = []): void {
    this.listener?.({ data, ports });
  }
}

const TAPE = join(import.meta.dirname, '..', '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_trades_20191011-13.csv');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the Electron engine process on the EngineSwitch', () => {
  it('when a replay is loaded over the port then requests and events go to the replay account, and stop returns to paper', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'strata-engine-build-'));
    dirs.push(dataDir);
    // A short recording (the first 300 trades) in the data directory: relative paths resolve there.
    writeFileSync(join(dataDir, 'binance_XRPETH_trades_short.csv'), readFileSync(TAPE, 'utf8').split('\n').slice(0, 301).join('\n') + '\n');
    const { sw } = await buildProcessEngine({ dataDir, seed: 7 }, { say: () => undefined, log: () => undefined });
    const parent = new FakeParent();
    const exit = vi.fn();
    const host = await runEngineHost({ parent, engine: sw.hosted(), pid: 1, exit, log: vi.fn() });
    try {
      expect(parent.posted).toEqual([{ type: 'strata:ready', pid: 1 }]);
      const [rendererEnd, engineEnd] = createMemoryPair();
      parent.deliver({ type: 'strata:connect' }, [portOver(engineEnd)]);
      const client = createClient(rendererEnd, { timeoutMs: 20_000 });

      expect((await client.call('session.info')).mode).toBe('paper');
      expect((await client.call('replay.status')).loaded).toBe(false);
      const states: ReplayStateDto[] = [];
      client.on('replay.state', (s) => states.push(s));

      const loaded = await client.call('replay.load', { path: 'binance_XRPETH_trades_short.csv' });
      expect(loaded.loaded).toBe(true);
      expect(loaded.symbols).toEqual(['XRP/ETH']);
      const info = await client.call('session.info');
      expect(info.mode).toBe('replay');
      expect(info.currency).toBe('ETH');

      // The market exists once the first recorded trades have played.
      await client.call('replay.step', { events: 20 });
      // An order placed in the desktop app during replay fills on the replay account, never paper's.
      const o = await client.call('orders.place', { symbol: 'XRP/ETH', side: 'buy', qty: '100', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
      expect(o.status, o.reason?.message).not.toBe('DENIED');
      const stepped = await client.call('replay.step', { events: 5 });
      expect(stepped.played).toBeGreaterThan(0);
      expect((await client.call('orders.get', { orderId: o.id })).status).toBe('FILLED');
      expect(states.some((s) => s.loaded)).toBe(true);

      const stopped = await client.call('replay.stop');
      expect(stopped.loaded).toBe(false);
      expect(stopped.generation).toBeGreaterThan(loaded.generation);
      expect((await client.call('session.info')).mode).toBe('paper');
      const paperOrders = await client.call('orders.list', { scope: 'all', limit: 100 });
      expect(paperOrders.some((p) => p.id === o.id)).toBe(false);
      rendererEnd.close();
    } finally {
      await host.shutdown(0);
    }
    expect(exit).toHaveBeenCalledWith(0);
  }, 120_000);

  it('when the replay file cannot be read then the load is refused with BAD_FILE and paper keeps serving', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'strata-engine-build-'));
    dirs.push(dataDir);
    const { sw } = await buildProcessEngine({ dataDir, seed: 7 }, { say: () => undefined, log: () => undefined });
    const parent = new FakeParent();
    const host = await runEngineHost({ parent, engine: sw.hosted(), pid: 1, exit: vi.fn(), log: vi.fn() });
    try {
      const [rendererEnd, engineEnd] = createMemoryPair();
      parent.deliver({ type: 'strata:connect' }, [portOver(engineEnd)]);
      const client = createClient(rendererEnd, { timeoutMs: 20_000 });
      await expect(client.call('replay.load', { path: 'missing.csv' })).rejects.toMatchObject({ code: 'BAD_FILE' });
      expect((await client.call('session.info')).mode).toBe('paper');
      rendererEnd.close();
    } finally {
      await host.shutdown(0);
    }
  }, 120_000);
});

describe('the packaged app offers the demo tape from its resources (issue 12)', () => {
  const root = join(import.meta.dirname, '..', '..', '..');

  it('when electron-builder packs assets/demo as resources/demo then the tape is in what it packs', () => {
    const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
    const cfg = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as { extraResources?: { from: string; to: string; filter?: string[] }[] };
    const demo = (cfg.extraResources ?? []).find((r) => r.from === 'assets/demo');
    expect(demo?.to).toBe('demo');
    // Everything under assets/demo (the tape sits at its top level) goes in.
    expect(demo?.filter ?? ['**/*']).toContain('**/*');
    expect(readFileSync(join(root, 'assets', 'demo', DEMO_TAPE_FILE), 'utf8').length).toBeGreaterThan(0);
  });

  it('when resources/demo holds the tape then the engine offers that copy; without it the checkout copy', () => {
    const resources = mkdtempSync(join(tmpdir(), 'strata-resources-'));
    dirs.push(resources);
    // Development: Electron's own resources directory has no demo folder.
    expect(demoTapeOf(resources)).toBe(DEMO_TAPE);
    expect(demoTapeOf(undefined)).toBe(DEMO_TAPE);
    mkdirSync(join(resources, 'demo'));
    copyFileSync(TAPE, join(resources, 'demo', DEMO_TAPE_FILE));
    expect(demoTapeOf(resources)).toBe(join(resources, 'demo', DEMO_TAPE_FILE));
  });

  it('when the utility process is built with the resources directory then backtest.data names the packed tape and it imports', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'strata-engine-build-'));
    const resources = mkdtempSync(join(tmpdir(), 'strata-resources-'));
    dirs.push(dataDir, resources);
    mkdirSync(join(resources, 'demo'));
    copyFileSync(TAPE, join(resources, 'demo', DEMO_TAPE_FILE));
    const { sw } = await buildProcessEngine({ dataDir, seed: 7 }, { resources, say: () => undefined, log: () => undefined });
    const engine = sw.hosted();
    try {
      const packed = join(resources, 'demo', DEMO_TAPE_FILE);
      expect((await engine.handlers['backtest.data']({})).demoTape).toBe(packed);
      // What "Import demo tape" sends: the path backtest.data offered.
      const imported = await engine.handlers['backtest.import']({ path: packed });
      expect(imported.series).toMatchObject({ name: DEMO_TAPE_FILE, kind: 'trades', rows: 12_477 });
    } finally {
      await engine.stop();
    }
  }, 120_000);
});
