import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

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
  mkdirSync(dataDir, { recursive: true });
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
