import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';

/**
 * Protectors wrap the vault's one data key. The data key encrypts the secrets; a protector only
 * encrypts the data key, so switching protector re-wraps 32 bytes and never touches the secrets.
 */
export interface WrappedKey {
  /** Which protector wrapped it, and what it needs to unwrap (salt, cost parameters, entry name). */
  kind: string;
  params: Record<string, string | number>;
  /** base64 of the wrapped key (the protector's own format). */
  data: string;
}

export interface Protector {
  readonly kind: string;
  /** Why this protector cannot be used here, or undefined when it can. */
  unavailable(): Promise<string | undefined>;
  wrap(dataKey: Buffer): Promise<WrappedKey>;
  unwrap(w: WrappedKey): Promise<Buffer>;
  /** Removes anything kept outside the vault file (a keyring entry) after a switch away. */
  discard?(w: WrappedKey): Promise<void>;
}

export class VaultError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'VaultError';
    this.code = code;
  }
}

/** AES-256-GCM: iv (12) ‖ tag (16) ‖ ciphertext, base64. */
export function seal(key: Buffer, plain: Buffer, aad = ''): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
}

export function open(key: Buffer, sealed: string, aad = ''): Buffer {
  const b = Buffer.from(sealed, 'base64');
  if (b.length < 28) throw new VaultError('VAULT_CORRUPT', 'sealed value is too short');
  const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(b.subarray(12, 28));
  try {
    return Buffer.concat([d.update(b.subarray(28)), d.final()]);
  } catch {
    throw new VaultError('VAULT_LOCKED', 'cannot decrypt: wrong passphrase or key, or the vault was altered');
  }
}

function scryptKey(passphrase: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * A passphrase through scrypt (N = 2^17, r = 8, p = 1: ~0.3 s and 128 MiB per unlock by default),
 * for CI and headless boxes. The cost parameters are stored with the wrapped key, so raising them
 * later keeps old vaults readable.
 */
export class PassphraseProtector implements Protector {
  readonly kind = 'passphrase';
  private readonly passphrase: string;
  private readonly cost: { N: number; r: number; p: number };

  constructor(passphrase: string, cost: { N: number; r: number; p: number } = { N: 2 ** 17, r: 8, p: 1 }) {
    this.passphrase = passphrase;
    this.cost = cost;
  }

  async unavailable(): Promise<string | undefined> {
    return this.passphrase.length < 8 ? 'the passphrase must have at least 8 characters' : undefined;
  }

  async wrap(dataKey: Buffer): Promise<WrappedKey> {
    const why = await this.unavailable();
    if (why) throw new VaultError('WEAK_PASSPHRASE', why);
    const salt = randomBytes(16);
    const { N, r, p } = this.cost;
    const kek = await scryptKey(this.passphrase, salt, N, r, p);
    return { kind: this.kind, params: { salt: salt.toString('base64'), N, r, p }, data: seal(kek, dataKey, 'strata-vault-key') };
  }

  async unwrap(w: WrappedKey): Promise<Buffer> {
    const salt = Buffer.from(String(w.params['salt']), 'base64');
    const kek = await scryptKey(this.passphrase, salt, Number(w.params['N']), Number(w.params['r']), Number(w.params['p']));
    return open(kek, w.data, 'strata-vault-key');
  }
}

/** The slice of @napi-rs/keyring's AsyncEntry the keyring protector uses. */
interface KeyringEntry {
  setPassword(password: string): Promise<void>;
  getPassword(): Promise<string | undefined | null>;
  deletePassword(): Promise<unknown>;
}
type KeyringModule = { AsyncEntry: new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => KeyringEntry };

/**
 * The OS keyring (macOS Keychain, Windows Credential Manager, the Secret Service on Linux) keeps
 * the data key itself. Pinned to the Secret Service on Linux: the kernel keyring fallback does not
 * survive a reboot. @napi-rs/keyring is an optional dependency, loaded only when this is used.
 */
export class KeyringProtector implements Protector {
  readonly kind = 'keyring';
  private readonly service: string;
  private readonly account: string;
  private readonly load: () => Promise<KeyringModule>;

  constructor(opts: { service?: string; account: string; load?: () => Promise<KeyringModule> }) {
    this.service = opts.service ?? 'strata';
    this.account = opts.account;
    this.load = opts.load ?? (async () => (await import('@napi-rs/keyring')) as unknown as KeyringModule);
  }

  private async entry(): Promise<KeyringEntry> {
    let m: KeyringModule;
    try {
      m = await this.load();
    } catch {
      throw new VaultError('KEYRING_UNAVAILABLE', '@napi-rs/keyring is not installed for this platform');
    }
    return new m.AsyncEntry(this.service, this.account, { linux: { store: 'secret-service' } });
  }

  async unavailable(): Promise<string | undefined> {
    try {
      const e = await this.entry();
      // A read of our own entry tells whether the store answers at all.
      await e.getPassword();
      return undefined;
    } catch (err) {
      return `OS keyring not usable: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  async wrap(dataKey: Buffer): Promise<WrappedKey> {
    const e = await this.entry();
    await e.setPassword(dataKey.toString('base64'));
    return { kind: this.kind, params: { service: this.service, account: this.account }, data: '' };
  }

  async unwrap(): Promise<Buffer> {
    const v = await (await this.entry()).getPassword();
    if (!v) throw new VaultError('VAULT_LOCKED', `the OS keyring has no entry ${this.service}/${this.account}`);
    return Buffer.from(v, 'base64');
  }

  async discard(): Promise<void> {
    await (await this.entry()).deletePassword().catch(() => undefined);
  }
}

/**
 * Electron's safeStorage, through its async API (the sync one is deprecated). main/ implements
 * this interface; Linux's `basic_text` backend encrypts with a hard-coded key, so it is refused.
 */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plain: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string } | string>;
  getSelectedStorageBackend?(): string;
}

export class SafeStorageProtector implements Protector {
  readonly kind = 'safeStorage';
  private readonly safe: SafeStorageLike;
  private readonly platform: NodeJS.Platform;

  constructor(safe: SafeStorageLike, platform: NodeJS.Platform = process.platform) {
    this.safe = safe;
    this.platform = platform;
  }

  async unavailable(): Promise<string | undefined> {
    if (!(await this.safe.isAsyncEncryptionAvailable())) return 'OS encryption (safeStorage) is not available';
    if (this.platform === 'linux' && this.safe.getSelectedStorageBackend?.() === 'basic_text') {
      return 'no system keyring (libsecret/kwallet): safeStorage would only obfuscate the key (basic_text)';
    }
    return undefined;
  }

  async wrap(dataKey: Buffer): Promise<WrappedKey> {
    const why = await this.unavailable();
    if (why) throw new VaultError('SAFE_STORAGE_UNAVAILABLE', why);
    const enc = await this.safe.encryptStringAsync(dataKey.toString('base64'));
    return { kind: this.kind, params: {}, data: enc.toString('base64') };
  }

  async unwrap(w: WrappedKey): Promise<Buffer> {
    // basic_text is refused both ways: a key it could still read would invite storing more under it.
    const why = await this.unavailable();
    if (why) throw new VaultError('SAFE_STORAGE_UNAVAILABLE', why);
    let out: { result: string } | string;
    try {
      out = await this.safe.decryptStringAsync(Buffer.from(w.data, 'base64'));
    } catch (err) {
      throw new VaultError('VAULT_LOCKED', `safeStorage cannot decrypt the vault's data key (${err instanceof Error ? err.message : String(err)})`);
    }
    return Buffer.from(typeof out === 'string' ? out : out.result, 'base64');
  }
}
