import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Vault } from '../../../src/host/vault/vault.ts';
import type { SafeStorageLike } from '../../../src/host/vault/vault.ts';
import type { ParentPortLike, PortLike } from '../../../main/engine-host.ts';
import { isVaultRequest } from '../../../main/messages.ts';
import type { FromEngine } from '../../../main/messages.ts';
import { splitParentPort } from '../../../main/vault-client.ts';
import { createVaultService } from '../../../main/vault-protector.ts';

// Both halves run without Electron: main's gets safeStorage handed in, the engine's never loads it.
vi.mock('electron', () => {
  throw new Error('the vault protector must not import electron');
});

/** safeStorage's stand-in: XOR under a per-instance key, with the backend the test picks. */
function fakeSafeStorage(backend: string, xorKey = 0x5a) {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ xorKey));
  const calls = { encrypt: 0, decrypt: 0 };
  const safe: SafeStorageLike & { backend: string } = {
    backend,
    isAsyncEncryptionAvailable: async () => true,
    encryptStringAsync: async (s) => {
      calls.encrypt++;
      return xor(Buffer.from(s, 'utf8'));
    },
    decryptStringAsync: async (b) => {
      calls.decrypt++;
      return { result: xor(b).toString('utf8'), shouldReEncrypt: false };
    },
    getSelectedStorageBackend() {
      return this.backend;
    },
  };
  return { safe, calls };
}

/** The utility process's parent port wired to main's vault service, as the supervisor wires them. */
function wired(safe: SafeStorageLike, platform: NodeJS.Platform = 'linux') {
  const service = createVaultService(safe, platform);
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
  return { ...splitParentPort(raw), toMain, deliver: (data: unknown) => listener?.({ data, ports: [] }) };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'strata-vault-protector-'));
  dirs.push(d);
  return d;
};

describe("the vault's safeStorage protector across main and the engine process", () => {
  it('when the engine creates and reopens a vault then main wraps and unwraps the data key and the secrets round-trip', async () => {
    const { safe, calls } = fakeSafeStorage('gnome_libsecret');
    const { protector, toMain } = wired(safe);
    const dir = dataDir();
    const v = new Vault(dir);
    await v.create(protector);
    v.set('binance', { apiKey: 'desk-key-8d2f', secret: 'desk-secret-61ab90' });
    v.lock();
    expect(calls.encrypt).toBe(1);
    const file = JSON.parse(readFileSync(join(dir, 'vault.json'), 'utf8')) as { key: { kind: string } };
    expect(file.key.kind).toBe('safeStorage');
    expect(readFileSync(join(dir, 'vault.json'), 'utf8')).not.toMatch(/desk-key|desk-secret/);

    const again = new Vault(dir);
    await again.unlock(protector);
    expect(again.get('binance')).toEqual({ apiKey: 'desk-key-8d2f', secret: 'desk-secret-61ab90' });
    expect(calls.decrypt).toBe(1);
    // What crossed to main: requests for the data key only, never an exchange's key or secret.
    expect(JSON.stringify(toMain)).not.toMatch(/desk-key|desk-secret/);
    expect(toMain.every((m) => m.type === 'strata:vault')).toBe(true);
  });

  it('when Linux safeStorage runs on basic_text then main refuses to wrap or unwrap and the engine gets the reason', async () => {
    const { safe } = fakeSafeStorage('gnome_libsecret');
    const { protector } = wired(safe);
    const dir = dataDir();
    await new Vault(dir).create(protector);

    safe.backend = 'basic_text';
    expect(await protector.unavailable()).toMatch(/basic_text/);
    await expect(new Vault(dataDir()).create(protector)).rejects.toMatchObject({ code: 'PROTECTOR_UNAVAILABLE' });
    await expect(new Vault(dir).unlock(protector)).rejects.toMatchObject({ code: 'SAFE_STORAGE_UNAVAILABLE', message: expect.stringMatching(/basic_text/) });
    // basic_text is a Linux backend: elsewhere the OS store answers.
    const mac = fakeSafeStorage('basic_text');
    expect(await wired(mac.safe, 'darwin').protector.unavailable()).toBeUndefined();
  });

  it('when asked for anything but a 32-byte data key then main refuses, so the engine cannot use it to decrypt other secrets', async () => {
    const { safe } = fakeSafeStorage('gnome_libsecret');
    const service = createVaultService(safe, 'linux');
    const bad = await service({ type: 'strata:vault', id: 1, op: 'wrap', key: Buffer.from('short').toString('base64') });
    expect(bad).toMatchObject({ id: 1, ok: false, code: 'BAD_KEY' });
    const other = (await safe.encryptStringAsync('an API secret of main/secrets.ts')).toString('base64');
    const oracle = await service({ type: 'strata:vault', id: 2, op: 'unwrap', wrapped: other });
    expect(oracle).toMatchObject({ id: 2, ok: false, code: 'VAULT_CORRUPT' });
    expect(JSON.stringify(oracle)).not.toContain('API secret');
  });

  it('when main never answers then the request fails with a typed error instead of hanging the engine', async () => {
    const raw: ParentPortLike = { on: () => raw, postMessage: () => undefined };
    const { protector } = splitParentPort(raw, { timeoutMs: 1 });
    await expect(protector.wrap(Buffer.alloc(32))).rejects.toMatchObject({ code: 'SAFE_STORAGE_UNAVAILABLE' });
  });

  it('when connect and stop arrive before the engine host listens then they wait for it, and vault replies never reach it', async () => {
    const { safe } = fakeSafeStorage('gnome_libsecret');
    const { parent, deliver, protector } = wired(safe);
    deliver({ type: 'strata:connect' });
    expect(await protector.unavailable()).toBeUndefined();
    const seen: unknown[] = [];
    parent.on('message', (e) => seen.push(e.data));
    deliver({ type: 'strata:stop' });
    expect(seen).toEqual([{ type: 'strata:connect' }, { type: 'strata:stop' }]);
  });
});
