import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, createMemoryPair } from '../../../src/contract/index.ts';
import type { Client, Endpoint } from '../../../src/contract/index.ts';
import { storeCredentials } from '../../../src/host/venue-host.ts';
import type { VenueEngineOptions } from '../../../src/host/venue-engine.ts';
import type { SafeStorageLike } from '../../../src/host/vault/vault.ts';
import { LoopbackExchange } from '../../../src/venues/loopback/loopback-exchange.ts';
import { buildProcessEngine } from '../../../main/engine-build.ts';
import { runEngineHost } from '../../../main/engine-host.ts';
import type { EngineHost, ParentPortLike, PortLike } from '../../../main/engine-host.ts';
import { isVaultRequest } from '../../../main/messages.ts';
import type { FromEngine } from '../../../main/messages.ts';
import { splitParentPort } from '../../../main/vault-client.ts';
import { createVaultService } from '../../../main/vault-protector.ts';

/**
 * The Electron engine process on a ccxt exchange (the loopback Binance on 127.0.0.1, the real ccxt
 * client): it builds the engine venue.json asks for, with the API keys in a vault whose data key
 * main wraps with safeStorage, and Settings → apply restarts it on the new venue.
 */
vi.mock('electron', () => {
  throw new Error('the engine process must not import electron');
});

const KEY = 'desk-test-key-3a7c11';
const SECRET = 'desk-test-secret-9e02b4d5';
const BTC = 'BTC/USDT';

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

/** process.parentPort with main behind it: vault requests answered by main's service on a stand-in safeStorage. */
function mainBehindParentPort() {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x33));
  const safe: SafeStorageLike = {
    isAsyncEncryptionAvailable: async () => true,
    encryptStringAsync: async (s) => xor(Buffer.from(s, 'utf8')),
    decryptStringAsync: async (b) => ({ result: xor(b).toString('utf8'), shouldReEncrypt: false }),
    getSelectedStorageBackend: () => 'gnome_libsecret',
  };
  const service = createVaultService(safe, 'linux');
  const toMain: FromEngine[] = [];
  let listener: ((e: { data: unknown; ports: readonly PortLike[] }) => void) | undefined;
  const raw: ParentPortLike = {
    on(_e, l) {
      listener = l;
      return raw;
    },
    postMessage(m) {
      toMain.push(m);
      if (isVaultRequest(m)) void service(m).then((reply) => listener?.({ data: reply, ports: [] }));
    },
  };
  const split = splitParentPort(raw);
  return { ...split, toMain, deliver: (data: unknown, ports: readonly PortLike[] = []) => listener?.({ data, ports }) };
}

type Restart = Parameters<NonNullable<VenueEngineOptions['onRestart']>>[0];

/** Settings → apply's outcomes, in order, as promises the test awaits (no sleeps). */
function restarts() {
  const waiting: ((r: Restart) => void)[] = [];
  const done: Restart[] = [];
  return {
    on: (r: Restart) => {
      const w = waiting.shift();
      if (w) w(r);
      else done.push(r);
    },
    next: () => new Promise<Restart>((resolve) => (done.length ? resolve(done.shift()!) : waiting.push(resolve))),
  };
}

const tuning = { pollMs: { orders: 100, book: 500, trades: 500, heartbeat: 1_000 }, timeoutMs: 1_500, inFlightMs: 500, backoffMs: { base: 50, max: 400 }, reconcileEveryMs: 0 };

let lb: LoopbackExchange | undefined;
const hosts: EngineHost[] = [];
const clients: Client[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const h of hosts.splice(0)) await h.shutdown(0);
  await lb?.stop();
  lb = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function startLoopback(): Promise<string> {
  lb = new LoopbackExchange({ accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '100000', BTC: '0.5' } }] });
  return lb.start();
}

async function serveProcess(dataDir: string, onRestart: (r: Restart) => void) {
  const main = mainBehindParentPort();
  // No STRATA_API_KEY: the keys come from the vault, unwrapped through main.
  const built = await buildProcessEngine({ dataDir, seed: 7 }, { say: () => undefined, log: () => undefined, env: {}, protector: main.protector, onRestart });
  const host = await runEngineHost({ parent: main.parent, engine: built.sw.hosted(), pid: 1, exit: vi.fn(), log: vi.fn() });
  hosts.push(host);
  const [rendererEnd, engineEnd] = createMemoryPair();
  main.deliver({ type: 'strata:connect' }, [portOver(engineEnd)]);
  const client = createClient(rendererEnd, { timeoutMs: 30_000 });
  clients.push(client);
  return { ...built, ...main, client };
}

describe('the Electron engine process on a ccxt exchange', () => {
  it('when venue.json names an exchange then it serves a live ccxt engine with keys from the safeStorage vault, and Settings → apply restarts it on paper', async () => {
    const url = await startLoopback();
    const dataDir = mkdtempSync(join(tmpdir(), 'strata-engine-venue-'));
    dirs.push(dataDir);
    writeFileSync(join(dataDir, 'venue.json'), JSON.stringify({ exchangeId: 'binance', mode: 'live', symbols: [BTC], rateLimitFactor: 0.8, apiUrl: url, tuning }), { mode: 0o600 });
    // Keys stored earlier by the desktop app: its vault's data key wrapped by main's safeStorage.
    const keysBy = mainBehindParentPort();
    await storeCredentials(dataDir, 'binance', { apiKey: KEY, secret: SECRET }, {}, keysBy.protector);
    expect(JSON.parse(readFileSync(join(dataDir, 'vault.json'), 'utf8'))).toMatchObject({ key: { kind: 'safeStorage' } });

    const done = restarts();
    const p = await serveProcess(dataDir, done.on);
    expect(await p.client.call('session.info')).toMatchObject({ mode: 'live', venue: 'ccxt:binance', venueMode: 'live' });
    expect(p.venues.session?.settings.mode).toBe('live');
    // The exchange's holdings, read with the vault's keys, are the opening position.
    expect((await p.client.call('positions.list')).find((x) => x.symbol === BTC)?.qty).toBe(0.5);
    // Main was asked for the data key only.
    expect(p.toMain.filter((m) => m.type === 'strata:vault').map((m) => (m as { op: string }).op)).toEqual(['unwrap']);
    expect(JSON.stringify(p.toMain)).not.toContain(SECRET);

    const cfg = await p.client.call('venue.config.set', { exchangeId: 'binance', mode: 'paper', symbols: [BTC], rateLimitFactor: 0.8, apiUrl: url, apply: true });
    expect(cfg).toMatchObject({ mode: 'paper', keysStored: true });
    expect(await done.next()).toEqual({ ok: true, venue: 'binance' });
    expect(await p.client.call('session.info')).toMatchObject({ venue: 'paper:binance', venueMode: 'paper' });
    expect(p.venues.session?.settings.mode).toBe('paper');
    expect(await p.client.call('venue.config.get')).toMatchObject({ mode: 'paper', pending: false });
  }, 120_000);

  it('when the desktop app starts on the demo venue then keys entered in Settings go to a safeStorage vault and apply connects the exchange', async () => {
    const url = await startLoopback();
    const dataDir = mkdtempSync(join(tmpdir(), 'strata-engine-venue-'));
    dirs.push(dataDir);
    const done = restarts();
    const p = await serveProcess(dataDir, done.on);
    expect(await p.client.call('session.info')).toMatchObject({ mode: 'paper', venue: 'sim' });
    expect(p.venues.session).toBeUndefined();

    // Settings → Keys: no passphrase in the desktop app; main's safeStorage protects the new vault.
    const stored = await p.client.call('venue.keys.set', { exchangeId: 'binance', apiKey: KEY, secret: SECRET });
    expect(stored).toEqual({ exchangeId: 'binance', stored: true });
    const vault = readFileSync(join(dataDir, 'vault.json'), 'utf8');
    expect(JSON.parse(vault)).toMatchObject({ key: { kind: 'safeStorage' } });
    expect(vault).not.toContain(SECRET);
    expect(p.toMain.filter((m) => m.type === 'strata:vault').map((m) => (m as { op: string }).op)).toEqual(['status', 'status', 'wrap']);

    const cfg = await p.client.call('venue.config.set', { exchangeId: 'binance', mode: 'live', symbols: [BTC], rateLimitFactor: 0.8, apiUrl: url, confirmLive: true, apply: true });
    expect(cfg).toMatchObject({ exchangeId: 'binance', mode: 'live', keysStored: true });
    expect(JSON.stringify(cfg)).not.toContain(SECRET);
    expect(await done.next()).toEqual({ ok: true, venue: 'binance' });
    expect(await p.client.call('session.info')).toMatchObject({ mode: 'live', venue: 'ccxt:binance', venueMode: 'live' });
    expect((await p.client.call('positions.list')).find((x) => x.symbol === BTC)?.qty).toBe(0.5);
  }, 120_000);
});
