import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Protector, WrappedKey } from './protectors.ts';
import { VaultError, open, seal } from './protectors.ts';

export { KeyringProtector, PassphraseProtector, SafeStorageProtector, VaultError } from './protectors.ts';
export type { Protector, SafeStorageLike, WrappedKey } from './protectors.ts';

/** API credentials of one exchange. */
export interface Credentials {
  apiKey: string;
  secret: string;
}

interface VaultFile {
  version: 1;
  key: WrappedKey;
  /** Secret name → sealed JSON of the credentials (AES-256-GCM under the data key, name as AAD). */
  secrets: Record<string, string>;
}

const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Venue API keys encrypted at rest in `<data dir>/vault.json` (mode 0600). One random 256-bit data
 * key encrypts every secret with AES-256-GCM; the data key itself is wrapped by a protector
 * (passphrase, OS keyring, Electron safeStorage). Nothing here logs or returns a secret except
 * `get`, whose caller hands it to the exchange and nowhere else (never the renderer).
 */
export class Vault {
  readonly file: string;
  private dataKey: Buffer | undefined;
  private doc: VaultFile | undefined;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'vault.json');
  }

  exists(): boolean {
    return existsSync(this.file);
  }

  protectorKind(): string | undefined {
    return this.read()?.key.kind;
  }

  /** Creates the vault with a fresh data key (refuses to overwrite one). */
  async create(protector: Protector): Promise<void> {
    if (this.exists()) throw new VaultError('VAULT_EXISTS', `${this.file} already exists`);
    const why = await protector.unavailable();
    if (why) throw new VaultError('PROTECTOR_UNAVAILABLE', `${protector.kind}: ${why}`);
    const key = randomBytes(32);
    this.doc = { version: 1, key: await protector.wrap(key), secrets: Object.create(null) as Record<string, string> };
    this.dataKey = key;
    this.write();
  }

  /** Unwraps the data key with the protector the vault was made with. */
  async unlock(protector: Protector): Promise<void> {
    const doc = this.read();
    if (!doc) throw new VaultError('NO_VAULT', `no vault at ${this.file}`);
    if (doc.key.kind !== protector.kind) throw new VaultError('WRONG_PROTECTOR', `the vault is protected by ${doc.key.kind}, not ${protector.kind}`);
    const key = await protector.unwrap(doc.key);
    if (key.length !== 32) throw new VaultError('VAULT_CORRUPT', 'the data key has the wrong length');
    this.dataKey = key;
    this.doc = doc;
  }

  lock(): void {
    this.dataKey?.fill(0);
    this.dataKey = undefined;
  }

  /** Re-wraps the data key with another protector; the secrets are not touched. */
  async switchProtector(from: Protector, to: Protector): Promise<void> {
    await this.unlock(from);
    const why = await to.unavailable();
    if (why) throw new VaultError('PROTECTOR_UNAVAILABLE', `${to.kind}: ${why}`);
    const old = this.doc!.key;
    this.doc!.key = await to.wrap(this.dataKey!);
    this.write();
    if (old.kind !== to.kind) await from.discard?.(old);
  }

  names(): string[] {
    return Object.keys(this.read()?.secrets ?? {}).sort();
  }

  set(name: string, creds: Credentials): void {
    const { key, doc } = this.unlocked();
    checkName(name);
    if (!creds.apiKey || !creds.secret) throw new VaultError('BAD_CREDENTIALS', 'both the API key and the secret are required');
    doc.secrets[name] = seal(key, Buffer.from(JSON.stringify(creds)), name);
    this.write();
  }

  get(name: string): Credentials | undefined {
    const { key, doc } = this.unlocked();
    // Own keys only: an exchange called `constructor` is not Object.prototype.constructor.
    const sealed = Object.hasOwn(doc.secrets, name) ? doc.secrets[name] : undefined;
    if (sealed === undefined) return undefined;
    const parsed = JSON.parse(open(key, sealed, name).toString('utf8')) as Partial<Credentials>;
    if (typeof parsed.apiKey !== 'string' || typeof parsed.secret !== 'string') throw new VaultError('VAULT_CORRUPT', `entry ${name} is malformed`);
    return { apiKey: parsed.apiKey, secret: parsed.secret };
  }

  delete(name: string): boolean {
    const { doc } = this.unlocked();
    if (!Object.hasOwn(doc.secrets, name)) return false;
    delete doc.secrets[name];
    this.write();
    return true;
  }

  private unlocked(): { key: Buffer; doc: VaultFile } {
    if (!this.dataKey || !this.doc) throw new VaultError('VAULT_LOCKED', 'the vault is locked: unlock it first');
    return { key: this.dataKey, doc: this.doc };
  }

  private read(): VaultFile | undefined {
    if (this.doc) return this.doc;
    if (!this.exists()) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      throw new VaultError('VAULT_CORRUPT', `${this.file} is not valid JSON`);
    }
    const d = raw as Partial<VaultFile> | null;
    if (!d || d.version !== 1 || !d.key || typeof d.key.kind !== 'string' || typeof d.secrets !== 'object' || d.secrets === null) {
      throw new VaultError('VAULT_CORRUPT', `${this.file} is not a Strata vault`);
    }
    // A null-prototype record: a name such as `__proto__` is then stored as an ordinary key.
    return { ...(d as VaultFile), secrets: Object.assign(Object.create(null) as Record<string, string>, d.secrets) };
  }

  private write(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.doc, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}

function checkName(name: string): void {
  if (!NAME_RE.test(name)) throw new VaultError('BAD_NAME', `"${name}" is not a valid exchange name (lower-case letters, digits, . _ -)`);
}

/** Headless use: STRATA_API_KEY / STRATA_API_SECRET, both or neither. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials | undefined {
  const apiKey = env['STRATA_API_KEY'];
  const secret = env['STRATA_API_SECRET'];
  if (!apiKey && !secret) return undefined;
  if (!apiKey || !secret) throw new VaultError('BAD_CREDENTIALS', 'set both STRATA_API_KEY and STRATA_API_SECRET, or neither');
  return { apiKey, secret };
}
