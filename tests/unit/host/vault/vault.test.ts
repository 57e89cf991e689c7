import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyringProtector, PassphraseProtector, SafeStorageProtector, Vault, VaultError, credentialsFromEnv } from '../../../../src/host/vault/vault.ts';
import type { SafeStorageLike } from '../../../../src/host/vault/vault.ts';
import { createRedactor } from '../../../../src/venues/ccxt/redact.ts';

// Low scrypt cost keeps unit tests fast; the parameters are stored per vault, so this is legitimate.
const FAST = { N: 2 ** 10, r: 8, p: 1 };
const dir = () => mkdtempSync(join(tmpdir(), 'strata-vault-'));
const CREDS = { apiKey: 'vault-api-key-AAAAAAAAAAAA', secret: 'vault-secret-BBBBBBBBBBBBBBBB' };

describe('Vault', () => {
  it('when a secret is stored then it reads back, and the file (mode 0600) holds neither key nor secret', async () => {
    const v = new Vault(dir());
    await v.create(new PassphraseProtector('correct horse battery', FAST));
    v.set('binance', CREDS);
    const text = readFileSync(v.file, 'utf8');
    expect(text).not.toContain(CREDS.apiKey);
    expect(text).not.toContain(CREDS.secret);
    expect(statSync(v.file).mode & 0o777).toBe(0o600);
    const again = new Vault(join(v.file, '..'));
    await again.unlock(new PassphraseProtector('correct horse battery', FAST));
    expect(again.get('binance')).toEqual(CREDS);
    expect(again.names()).toEqual(['binance']);
  });

  it('when the passphrase is wrong then unlocking fails with VAULT_LOCKED and reveals nothing', async () => {
    const d = dir();
    const v = new Vault(d);
    await v.create(new PassphraseProtector('correct horse battery', FAST));
    v.set('binance', CREDS);
    const other = new Vault(d);
    await expect(other.unlock(new PassphraseProtector('wrong horse battery', FAST))).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    expect(() => other.get('binance')).toThrow(VaultError);
  });

  it('when the protector is switched then only the data key is re-wrapped: the sealed secrets are byte for byte the same', async () => {
    const d = dir();
    const v = new Vault(d);
    const a = new PassphraseProtector('first passphrase', FAST);
    const b = new PassphraseProtector('second passphrase', FAST);
    await v.create(a);
    v.set('binance', CREDS);
    const before = JSON.parse(readFileSync(v.file, 'utf8')) as { key: { data: string }; secrets: Record<string, string> };
    await v.switchProtector(a, b);
    const after = JSON.parse(readFileSync(v.file, 'utf8')) as { key: { data: string }; secrets: Record<string, string> };
    expect(after.secrets).toEqual(before.secrets);
    expect(after.key.data).not.toBe(before.key.data);
    const reopened = new Vault(d);
    await expect(reopened.unlock(a)).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    await reopened.unlock(b);
    expect(reopened.get('binance')).toEqual(CREDS);
  });

  it('when a sealed entry is moved to another name then it does not decrypt (the name is authenticated)', async () => {
    const d = dir();
    const v = new Vault(d);
    await v.create(new PassphraseProtector('correct horse battery', FAST));
    v.set('binance', CREDS);
    v.set('kraken', { apiKey: 'kraken-key-CCCCCC', secret: 'kraken-secret-DDDDDD' });
    const doc = JSON.parse(readFileSync(v.file, 'utf8')) as { secrets: Record<string, string> };
    const tampered = new Vault(d);
    await tampered.unlock(new PassphraseProtector('correct horse battery', FAST));
    (tampered as unknown as { doc: { secrets: Record<string, string> } }).doc.secrets['kraken'] = doc.secrets['binance']!;
    expect(() => tampered.get('kraken')).toThrow(/cannot decrypt/);
  });

  it('when safeStorage runs on Linux basic_text then it is refused; with a real backend it wraps and unwraps', async () => {
    const fake = (backend: string): SafeStorageLike => ({
      isAsyncEncryptionAvailable: async () => true,
      // A reversible stand-in for the OS: the protector must hand back exactly what it was given.
      encryptStringAsync: async (s: string) => Buffer.from(s, 'utf8').reverse(),
      decryptStringAsync: async (b: Buffer) => ({ result: Buffer.from(b).reverse().toString('utf8') }),
      getSelectedStorageBackend: () => backend,
    });
    expect(await new SafeStorageProtector(fake('basic_text'), 'linux').unavailable()).toMatch(/basic_text/);
    const v = new Vault(dir());
    await expect(v.create(new SafeStorageProtector(fake('basic_text'), 'linux'))).rejects.toMatchObject({ code: 'PROTECTOR_UNAVAILABLE' });
    await v.create(new SafeStorageProtector(fake('gnome_libsecret'), 'linux'));
    v.set('binance', CREDS);
    const again = new Vault(join(v.file, '..'));
    await again.unlock(new SafeStorageProtector(fake('gnome_libsecret'), 'linux'));
    expect(again.get('binance')).toEqual(CREDS);
  });

  it('when the OS keyring (Secret Service) is reachable then it keeps the data key; where it is not, the reason says why', async () => {
    const keyring = new KeyringProtector({ account: `test-${process.pid}-${Date.now()}` });
    const why = await keyring.unavailable();
    if (why !== undefined) {
      // No Secret Service on this machine (no D-Bus session): the protector reports it instead of falling back.
      expect(why).toMatch(/OS keyring not usable/);
      return;
    }
    const v = new Vault(dir());
    await v.create(keyring);
    v.set('binance', CREDS);
    const again = new Vault(join(v.file, '..'));
    await again.unlock(keyring);
    expect(again.get('binance')).toEqual(CREDS);
    await keyring.discard();
  });

  it('when only one of STRATA_API_KEY / STRATA_API_SECRET is set then it is an error; both give credentials', () => {
    expect(credentialsFromEnv({})).toBeUndefined();
    expect(credentialsFromEnv({ STRATA_API_KEY: 'k', STRATA_API_SECRET: 's' })).toEqual({ apiKey: 'k', secret: 's' });
    expect(() => credentialsFromEnv({ STRATA_API_KEY: 'k' })).toThrow(/both/);
  });

  it('when text carries a key, a secret (plain or URL-encoded) or a signature then the redactor removes them', () => {
    const r = createRedactor([CREDS.apiKey, 'sec+ret/with=chars']);
    const out = r(`GET /api/v3/account?timestamp=1&signature=abcdef0123 X-MBX-APIKEY: ${CREDS.apiKey} ${encodeURIComponent('sec+ret/with=chars')} sec+ret/with=chars`);
    expect(out).not.toContain(CREDS.apiKey);
    expect(out).not.toContain('sec+ret');
    expect(out).not.toContain('sec%2Bret');
    expect(out).not.toContain('abcdef0123');
    expect(out).toContain('[REDACTED]');
  });
});
