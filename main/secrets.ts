import type { SafeStorage } from 'electron';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Secrets (venue API keys later) encrypted with Electron's safeStorage (Keychain, DPAPI,
 * libsecret/kwallet) and kept as base64 in one JSON file under userData. Plain text never touches
 * the disk. Main process only: safeStorage does not exist in the utility process, so main
 * decrypts and hands a key to the engine when it needs one.
 */

export type SafeStorageLike = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>;

export type SecretStoreStatus = { ok: true; backend: string } | { ok: false; reason: string };

export interface SecretStore {
  status(): Promise<SecretStoreStatus>;
  set(name: string, value: string): Promise<void>;
  get(name: string): Promise<string | null>;
  delete(name: string): Promise<boolean>;
  names(): Promise<string[]>;
}

export interface SecretStoreOptions {
  safeStorage: SafeStorageLike;
  /** The JSON file, e.g. join(app.getPath('userData'), 'secrets.json'). */
  file: string;
  platform: NodeJS.Platform;
  /**
   * Linux's `basic_text` backend encrypts with a hard-coded key: equivalent to plain text. Refused
   * unless this is set.
   */
  allowWeakBackend?: boolean;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_SECRET_LENGTH = 16 * 1024;

interface SecretFile {
  version: 1;
  secrets: Record<string, string>;
}

export function isValidSecretName(name: unknown): name is string {
  return typeof name === 'string' && NAME_RE.test(name);
}

function parseSecretFile(text: string, file: string): SecretFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
  const shape = raw as Partial<SecretFile> | null;
  if (!shape || shape.version !== 1 || typeof shape.secrets !== 'object' || shape.secrets === null) throw new Error(`${file} is not a Strata secret file`);
  // No prototype: a secret named `constructor` is an ordinary key, never Object.prototype.constructor.
  const secrets = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(shape.secrets)) {
    if (isValidSecretName(name) && typeof value === 'string') secrets[name] = value;
  }
  return { version: 1, secrets };
}

/** The file operations writeFileDurably uses (node:fs/promises; tests record the order). */
export interface DurableFs {
  open(path: string, flags: string, mode?: number): Promise<{ writeFile(data: string): Promise<void>; sync(): Promise<void>; close(): Promise<void> }>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, opts: { force: boolean }): Promise<void>;
}

/**
 * Replaces `file` with `text` so that a crash or power cut leaves the old file or the new one,
 * never a truncated one: a temporary file written and fsynced, renamed over the old one, and the
 * folder fsynced so the rename itself is on disk (POSIX; Windows cannot open a folder for sync).
 */
export async function writeFileDurably(file: string, text: string, opts: { platform: NodeJS.Platform; fs?: DurableFs }): Promise<void> {
  const ops: DurableFs = opts.fs ?? fs;
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const h = await ops.open(tmp, 'wx', 0o600);
    try {
      await h.writeFile(text);
      await h.sync();
    } finally {
      await h.close();
    }
    await ops.rename(tmp, file);
  } catch (err) {
    await ops.rm(tmp, { force: true });
    throw err;
  }
  if (opts.platform !== 'win32') {
    const dir = await ops.open(path.dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

export function createSecretStore(opts: SecretStoreOptions): SecretStore {
  const { safeStorage, file } = opts;
  // One operation at a time, so concurrent set/delete never lose each other's writes.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const next = queue.then(op, op);
    queue = next.catch(() => undefined);
    return next;
  };

  const status = async (): Promise<SecretStoreStatus> => {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return { ok: false, reason: 'OS encryption (safeStorage) is not available' };
    if (opts.platform !== 'linux') return { ok: true, backend: opts.platform === 'darwin' ? 'keychain' : 'dpapi' };
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' && !opts.allowWeakBackend) {
      return { ok: false, reason: 'no system keyring (libsecret/kwallet) found: safeStorage would only obfuscate secrets' };
    }
    return { ok: true, backend };
  };

  const requireUsable = async (): Promise<void> => {
    const s = await status();
    if (!s.ok) throw new Error(`secret storage unavailable: ${s.reason}`);
  };

  const read = async (): Promise<SecretFile> => {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: Object.create(null) as Record<string, string> };
      throw err;
    }
    return parseSecretFile(text, file);
  };

  const write = async (data: SecretFile): Promise<void> => {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFileDurably(file, `${JSON.stringify(data, null, 2)}\n`, { platform: opts.platform });
  };

  const checkName = (name: string): void => {
    if (!isValidSecretName(name)) throw new TypeError('secret names are 1-64 characters of A-Z a-z 0-9 . _ - (not starting with . _ -)');
  };

  return {
    status,
    set: (name, value) =>
      serial(async () => {
        checkName(name);
        if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SECRET_LENGTH) throw new TypeError('a secret is a non-empty string of at most 16 KiB');
        await requireUsable();
        const data = await read();
        data.secrets[name] = (await safeStorage.encryptStringAsync(value)).toString('base64');
        await write(data);
      }),
    get: (name) =>
      serial(async () => {
        checkName(name);
        const data = await read();
        const stored = Object.hasOwn(data.secrets, name) ? data.secrets[name] : undefined;
        if (stored === undefined) return null;
        await requireUsable();
        const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(stored, 'base64'));
        if (shouldReEncrypt) {
          data.secrets[name] = (await safeStorage.encryptStringAsync(result)).toString('base64');
          await write(data);
        }
        return result;
      }),
    delete: (name) =>
      serial(async () => {
        checkName(name);
        const data = await read();
        if (!Object.hasOwn(data.secrets, name)) return false;
        delete data.secrets[name];
        await write(data);
        return true;
      }),
    names: () => serial(async () => Object.keys((await read()).secrets).sort()),
  };
}
