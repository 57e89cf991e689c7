import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretStore, isValidSecretName, writeFileDurably } from '../../../main/secrets.ts';
import type { DurableFs, SafeStorageLike } from '../../../main/secrets.ts';

/** A stand-in for safeStorage: XOR with a key, so the file never shows the plain text. */
function fakeSafeStorage(opts: { available?: boolean; backend?: ReturnType<SafeStorageLike['getSelectedStorageBackend']> } = {}) {
  const state = { key: 0x5a, reEncrypt: false, encryptions: 0 };
  const xor = (b: Buffer, k: number) => Buffer.from(b.map((x) => x ^ k));
  const storage: SafeStorageLike = {
    isAsyncEncryptionAvailable: async () => opts.available ?? true,
    encryptStringAsync: async (s) => {
      state.encryptions++;
      return Buffer.concat([Buffer.from([state.key]), xor(Buffer.from(s, 'utf8'), state.key)]);
    },
    decryptStringAsync: async (b) => ({ result: xor(b.subarray(1), b[0] ?? 0).toString('utf8'), shouldReEncrypt: state.reEncrypt }),
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
  };
  return { storage, state };
}

describe('secret store', () => {
  let dir = '';
  let file = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-secrets-'));
    file = path.join(dir, 'nested', 'secrets.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when a secret is stored then it reads back, and the file holds no plain text and is private', async () => {
    const { storage } = fakeSafeStorage();
    const store = createSecretStore({ safeStorage: storage, file, platform: 'linux' });
    await store.set('binance.apiSecret', 'hunter2-very-secret');
    expect(await store.get('binance.apiSecret')).toBe('hunter2-very-secret');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toMatchObject({ version: 1, secrets: { 'binance.apiSecret': expect.any(String) } });
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secrets.json']);
  });

  it('when secrets are listed, missing or deleted then names and results follow', async () => {
    const store = createSecretStore({ safeStorage: fakeSafeStorage().storage, file, platform: 'darwin' });
    expect(await store.get('nope')).toBeNull();
    await Promise.all([store.set('b', '2'), store.set('a', '1'), store.set('c', '3')]);
    expect(await store.names()).toEqual(['a', 'b', 'c']);
    expect(await store.delete('b')).toBe(true);
    expect(await store.delete('b')).toBe(false);
    expect(await store.names()).toEqual(['a', 'c']);
  });

  it('when OS encryption is unavailable then writing and reading refuse with the reason', async () => {
    const store = createSecretStore({ safeStorage: fakeSafeStorage({ available: false }).storage, file, platform: 'win32' });
    expect(await store.status()).toEqual({ ok: false, reason: 'OS encryption (safeStorage) is not available' });
    await expect(store.set('k', 'v')).rejects.toThrow(/unavailable/);
  });

  it('when Linux has no keyring (basic_text) then it is refused unless explicitly allowed', async () => {
    const weak = fakeSafeStorage({ backend: 'basic_text' }).storage;
    const store = createSecretStore({ safeStorage: weak, file, platform: 'linux' });
    expect((await store.status()).ok).toBe(false);
    await expect(store.set('k', 'v')).rejects.toThrow(/keyring/);
    const allowed = createSecretStore({ safeStorage: weak, file, platform: 'linux', allowWeakBackend: true });
    expect(await allowed.status()).toEqual({ ok: true, backend: 'basic_text' });
  });

  it('when safeStorage asks for re-encryption then the value is rewritten with the new key', async () => {
    const { storage, state } = fakeSafeStorage();
    const store = createSecretStore({ safeStorage: storage, file, platform: 'linux' });
    await store.set('k', 'value');
    const before = fs.readFileSync(file, 'utf8');
    state.reEncrypt = true;
    state.key = 0x33;
    expect(await store.get('k')).toBe('value');
    expect(fs.readFileSync(file, 'utf8')).not.toBe(before);
    state.reEncrypt = false;
    expect(await store.get('k')).toBe('value');
  });

  it('when names or values are invalid then they are rejected', async () => {
    const store = createSecretStore({ safeStorage: fakeSafeStorage().storage, file, platform: 'linux' });
    for (const bad of ['', '../x', '.hidden', 'a/b', 'x'.repeat(65), 'with space']) expect(isValidSecretName(bad)).toBe(false);
    await expect(store.set('../etc', 'v')).rejects.toThrow(TypeError);
    await expect(store.set('k', '')).rejects.toThrow(TypeError);
  });

  it('when the file is not ours then reads fail loudly instead of losing secrets', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"something":"else"}');
    const store = createSecretStore({ safeStorage: fakeSafeStorage().storage, file, platform: 'linux' });
    await expect(store.names()).rejects.toThrow(/not a Strata secret file/);
    await expect(store.set('k', 'v')).rejects.toThrow(/not a Strata secret file/);
  });
});

describe('durable writes and prototype names (issue 8, Electron)', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-secrets-durable-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when a file is written then its data is fsynced before the rename, and the folder after it', async () => {
    const steps: string[] = [];
    const real = fs.promises;
    const recording: DurableFs = {
      async open(p, flags, mode) {
        const h = await real.open(p, flags, mode);
        const what = p === dir ? 'dir' : 'tmp';
        steps.push(`open ${what}`);
        return {
          writeFile: async (d: string) => {
            steps.push(`write ${what}`);
            await h.writeFile(d);
          },
          sync: async () => {
            steps.push(`sync ${what}`);
            await h.sync();
          },
          close: async () => {
            steps.push(`close ${what}`);
            await h.close();
          },
        };
      },
      rename: async (a, b) => {
        steps.push('rename');
        await real.rename(a, b);
      },
      rm: (p, o) => real.rm(p, o),
    };
    const file = path.join(dir, 'secrets.json');
    await writeFileDurably(file, '{"version":1}\n', { platform: 'linux', fs: recording });
    expect(steps).toEqual(['open tmp', 'write tmp', 'sync tmp', 'close tmp', 'rename', 'open dir', 'sync dir', 'close dir']);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"version":1}\n');
    expect(fs.readdirSync(dir)).toEqual(['secrets.json']);
  });

  it('when secrets are named constructor or toString then they are ordinary entries', async () => {
    const { storage } = fakeSafeStorage();
    const store = createSecretStore({ safeStorage: storage, file: path.join(dir, 'secrets.json'), platform: 'linux' });
    expect(await store.get('constructor')).toBeNull();
    expect(await store.delete('toString')).toBe(false);
    await store.set('constructor', 'k1');
    expect(await store.get('constructor')).toBe('k1');
    expect(await store.names()).toEqual(['constructor']);
  });
});
