import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCredentials, storeCredentials } from '../../../src/host/venue-host.ts';
import { VaultError } from '../../../src/host/vault/vault.ts';
import type { Protector, WrappedKey } from '../../../src/host/vault/vault.ts';

/** A host protector (the desktop's safeStorage, through main) that the test can make unusable. */
class HostProtector implements Protector {
  readonly kind = 'safeStorage';
  why: string | undefined;
  async unavailable(): Promise<string | undefined> {
    return this.why;
  }
  async wrap(k: Buffer): Promise<WrappedKey> {
    if (this.why) throw new VaultError('SAFE_STORAGE_UNAVAILABLE', this.why);
    return { kind: this.kind, params: {}, data: Buffer.from(k.map((x) => x ^ 0x77)).toString('base64') };
  }
  async unwrap(w: WrappedKey): Promise<Buffer> {
    if (this.why) throw new VaultError('SAFE_STORAGE_UNAVAILABLE', this.why);
    return Buffer.from(Buffer.from(w.data, 'base64').map((x) => x ^ 0x77));
  }
}

const CREDS = { apiKey: 'host-key-51c2', secret: 'host-secret-8b7e0f' };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'strata-venue-creds-'));
  dirs.push(d);
  return d;
};

describe("the venue host's choice of vault protector", () => {
  it("when the host has its own protector then a new vault uses it without a passphrase, and only that host opens it", async () => {
    const dir = dataDir();
    const host = new HostProtector();
    await storeCredentials(dir, 'binance', CREDS, {}, host);
    expect(await loadCredentials(dir, 'binance', {}, host)).toEqual(CREDS);
    // `strata serve` on the same data directory has no safeStorage: a clear, typed refusal.
    await expect(loadCredentials(dir, 'binance', { STRATA_VAULT_PASSPHRASE: 'a long passphrase' })).rejects.toMatchObject({
      code: 'VENUE_REJECTED',
      message: expect.stringMatching(/protected by safeStorage.*desktop app/),
    });
    // A host whose safeStorage stopped being usable (basic_text) reports it with the vault's code.
    host.why = 'basic_text';
    await expect(loadCredentials(dir, 'binance', {}, host)).rejects.toMatchObject({ code: 'VENUE_REJECTED', issues: [{ path: 'SAFE_STORAGE_UNAVAILABLE' }] });
  });

  it("when the host's protector is unusable then a new vault takes the passphrase, or the refusal names both", async () => {
    const host = new HostProtector();
    host.why = 'no system keyring (basic_text)';
    await expect(storeCredentials(dataDir(), 'binance', CREDS, {}, host)).rejects.toMatchObject({ code: 'VENUE_REJECTED', message: expect.stringMatching(/safeStorage cannot protect it \(no system keyring.*STRATA_VAULT_PASSPHRASE/) });
    const dir = dataDir();
    const env = { STRATA_VAULT_PASSPHRASE: 'correct horse battery' };
    await storeCredentials(dir, 'binance', CREDS, env, host);
    expect(await loadCredentials(dir, 'binance', env)).toEqual(CREDS);
  });
});
