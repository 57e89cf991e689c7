import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Builds the renderer once per e2e run (the engine serves dist/renderer/). Skipped when the build
 * is newer than every renderer and contract source file; STRATA_E2E_REBUILD=1 forces it.
 */
const root = resolve(import.meta.dirname, '..', '..');
const builtIndex = join(root, 'dist', 'renderer', 'index.html');
const sources = [join(root, 'renderer'), join(root, 'src', 'contract')];

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

export function rendererIsFresh(): boolean {
  if (!existsSync(builtIndex)) return false;
  const built = statSync(builtIndex).mtimeMs;
  return sources.every((s) => !existsSync(s) || newestMtime(s) <= built);
}

export default function globalSetup(): void {
  if (process.env.STRATA_E2E_REBUILD !== '1' && rendererIsFresh()) return;
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const res = spawnSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  });
  if (res.status !== 0) throw new Error(`renderer build failed (exit ${res.status ?? res.signal})`);
}
