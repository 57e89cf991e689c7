import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';

/** --data-dir, else STRATA_DATA_DIR, else the platform's per-user data folder. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (flag) return flag;
  if (env.STRATA_DATA_DIR) return env.STRATA_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Strata');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Strata');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'strata');
}

export interface ConnectionInfo {
  port: number;
  token: string;
  url: string;
  pid: number;
}

export const CONNECTION_FILE = 'connection.json';

/** Written atomically with mode 0600: the token in it is the key to the engine. */
export function writeConnectionFile(dataDir: string, info: ConnectionInfo): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, CONNECTION_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return path;
}

export function readConnectionFile(dataDir: string): ConnectionInfo | undefined {
  const path = join(dataDir, CONNECTION_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<ConnectionInfo>;
    if (typeof v.port !== 'number' || typeof v.token !== 'string' || typeof v.pid !== 'number') return undefined;
    return { port: v.port, token: v.token, pid: v.pid, url: v.url ?? `http://127.0.0.1:${v.port}/?token=${v.token}` };
  } catch {
    return undefined;
  }
}

export function removeConnectionFile(dataDir: string, pid: number): void {
  const info = readConnectionFile(dataDir);
  if (info && info.pid === pid) rmSync(join(dataDir, CONNECTION_FILE), { force: true });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------
// Before a start: is this a place for an account, and does it hold one we must not reset?

/** A start refused before anything was written; the message is the one line the operator reads. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

/** Kernel file systems: mkdir and SQLite there fail slowly or hang (`--data-dir /proc/x` did). */
const PSEUDO_FS = ['/proc', '/sys', '/dev'];

/** The engine journal: orders, fills, limits. Without it the account starts from nothing. */
export const JOURNAL_FILE = 'strata.sqlite';

/** Files that show an account has lived in a data directory (besides the journal itself). */
const HISTORY_SIGNS = ['sim-venue.sqlite', 'sim-venue.sqlite-wal', CONNECTION_FILE, join('logs', 'engine.log')];

export interface PrepareOptions {
  /** Start a new account although history exists beside a missing or empty journal: the old files are moved aside. */
  fresh?: boolean;
  /** One line for the operator (stderr). */
  say: (line: string) => void;
  platform?: NodeJS.Platform;
  now?: () => number;
}

export interface PreparedDataDir {
  path: string;
  /** The directory did not exist, or held nothing: a new account starts there. */
  created: boolean;
  /** With --fresh: where the old files went. */
  movedAsideTo?: string;
}

const sizeOf = (path: string): number => {
  try {
    const s = lstatSync(path);
    return s.isFile() ? s.size : s.isDirectory() ? 1 : 0;
  } catch {
    return -1;
  }
};

/**
 * Checks and prepares a data directory before the engine touches it, so that a start that fails
 * here writes nothing: a path that cannot hold one fails fast, a read-only one ends in one line, a
 * new one is announced once in words, and a missing or empty journal beside the history of an
 * account refuses the start unless the operator asks for a fresh account (D5 of issue 8: a
 * zero-byte strata.sqlite silently reset the account while sim-venue.sqlite held its filled orders).
 * Creates the directory 0700 and tightens known files to 0600.
 */
export function prepareDataDir(dir: string, opts: PrepareOptions): PreparedDataDir {
  const path = resolve(dir);
  const platform = opts.platform ?? process.platform;
  if (platform !== 'win32') {
    const pseudo = PSEUDO_FS.find((p) => path === p || path.startsWith(p + sep));
    if (pseudo) throw new DataDirError(`${path}: cannot hold a data directory (${pseudo} is a kernel file system, not storage); choose another --data-dir`);
  }
  let created = false;
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new DataDirError(`${path}: cannot read the data directory (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (st && !st.isDirectory()) throw new DataDirError(`${path}: exists and is not a directory; choose another --data-dir`);
  if (!st) {
    let parent = dirname(path);
    while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
    if (!statSync(parent).isDirectory()) throw new DataDirError(`${path}: cannot create a data directory under ${parent} (not a directory)`);
    opts.say(`strata: ${path} does not exist; creating it for a new, empty account (if you meant an existing account, stop and check --data-dir)`);
    try {
      mkdirSync(path, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new DataDirError(`${path}: cannot create the data directory (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose another --data-dir`);
    }
    created = true;
  } else if (readdirSync(path).length === 0) {
    opts.say(`strata: ${path} is empty; a new, empty account starts there`);
    created = true;
  }
  // Writable? One probe now beats a logger 'error' event or a half-written journal later.
  const probe = join(path, `.strata-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '', { flag: 'wx', mode: 0o600 });
    rmSync(probe, { force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new DataDirError(`${path}: the data directory is not writable (${code}); fix its permissions or choose another --data-dir`);
  }

  // Exchange accounts keep their journals under accounts/: the host's connection file and logs
  // then say nothing about the demo account, whose own sign is its sim-venue books.
  const exchangeAccounts = existsSync(join(path, 'accounts'));
  const movedAsideTo = guardJournal(path, HISTORY_SIGNS.filter((f) => !exchangeAccounts || f.startsWith('sim-venue')), opts, 'choose another --data-dir for a new account');
  tightenPermissions(path);
  return { path, created, ...(movedAsideTo !== undefined ? { movedAsideTo } : {}) };
}

/**
 * A missing or empty journal beside the history of an account (any of `signs` non-empty) refuses
 * the start; with `fresh` the old files are moved aside into before-fresh-<time>/ and a new account
 * starts. `fresh` beside a journal that holds an account is refused too. Returns where files went.
 */
function guardJournal(path: string, signs: readonly string[], opts: Pick<PrepareOptions, 'fresh' | 'say' | 'now'>, otherwise: string): string | undefined {
  const journal = join(path, JOURNAL_FILE);
  const journalSize = Math.max(sizeOf(journal), 0) + Math.max(sizeOf(`${journal}-wal`), 0);
  if (journalSize > 0) {
    if (opts.fresh) throw new DataDirError(`${path}: --fresh starts over only when ${JOURNAL_FILE} is missing or empty, and this one holds an account; ${otherwise}`);
    return undefined;
  }
  const found = signs.filter((f) => sizeOf(join(path, f)) > 0);
  if (found.length === 0) return undefined;
  if (!opts.fresh) {
    const state = existsSync(journal) ? 'is empty' : 'is missing';
    throw new DataDirError(
      `${journal} ${state} but ${path} holds the history of an account (${found.join(', ')}): starting would silently reset its orders, fills and positions. ` +
        `Restore ${JOURNAL_FILE} from a backup, or start a new account here with --fresh (the old files are moved aside, not deleted).`,
    );
  }
  const stamp = new Date((opts.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
  const movedAsideTo = join(path, `before-fresh-${stamp}`);
  mkdirSync(movedAsideTo, { mode: 0o700 });
  for (const name of readdirSync(path)) {
    if (name.startsWith('before-fresh-') || name === 'risk-config.json') continue;
    renameSync(join(path, name), join(movedAsideTo, name));
  }
  opts.say(`strata: --fresh: a new account starts in ${path}; the old files are in ${movedAsideTo}`);
  return movedAsideTo;
}

/** Written beside an exchange account's journal when it is created: the sign that an account lived there. */
export const ACCOUNT_MARKER = 'account.json';

/**
 * The same guard for an exchange account's journal under accounts/ (issue 13): a missing or
 * zero-byte strata.sqlite beside the account's marker or its paper venue books refuses the start
 * (the exchange's orders and fills would be forgotten and the account re-opened from its balances),
 * unless `fresh`. Creates the directory 0700; returns where old files went with `fresh`.
 */
export function prepareAccountDir(dir: string, opts: Pick<PrepareOptions, 'fresh' | 'say' | 'now'>): string | undefined {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const moved = guardJournal(dir, [ACCOUNT_MARKER, 'sim-venue.sqlite', 'sim-venue.sqlite-wal'], opts, 'move the account directory away for a new account');
  tightenPermissions(dir);
  return moved;
}

/** Marks an account directory once its journal exists (see prepareAccountDir). */
export function markAccountDir(dir: string, about: Record<string, string>, now: number = Date.now()): void {
  const file = join(dir, ACCOUNT_MARKER);
  if (existsSync(file)) return;
  writeFileSync(file, JSON.stringify({ ...about, createdAt: new Date(now).toISOString() }, null, 2) + '\n', { mode: 0o600 });
}

/** The data directory 0700 and what the engine keeps in it 0600 (journal, WAL, logs), as the connection file already is. */
export function tightenPermissions(path: string): void {
  const chmod = (p: string, mode: number) => {
    try {
      chmodSync(p, mode);
    } catch {
      /* not ours to change (another owner, a read-only mount): the start goes on */
    }
  };
  chmod(path, 0o700);
  for (const name of readdirSync(path)) {
    const p = join(path, name);
    const s = lstatSync(p);
    if (s.isFile() && (name.includes('.sqlite') || name.endsWith('.json') || name.endsWith('.log'))) chmod(p, 0o600);
    if (s.isDirectory() && name === 'logs') {
      chmod(p, 0o700);
      for (const f of readdirSync(p)) if (lstatSync(join(p, f)).isFile()) chmod(join(p, f), 0o600);
    }
  }
}
