import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The engine's build id: the first 12 hex digits of a sha256 over the engine's source, every file
 * under src/ in path order (path, then content). ENGINE_VERSION (version.ts) is fixed per release, so
 * runs from two builds of one version could not be told apart; a kept run records both. Computed at
 * first use and kept for the process (~3 MB, ~20 ms CPU); a run that did not change the source gets
 * the same id on every machine with the same checkout (line endings count: a CRLF checkout differs).
 * Where src/ is not beside this file (a bundled build), the running bundle's own bytes are hashed.
 */
let cached: string | undefined;

export function engineBuild(): string {
  if (cached !== undefined) return cached;
  const here = fileURLToPath(import.meta.url);
  const src = join(dirname(here), '..');
  cached = existsSync(join(src, 'kernel', 'version.ts')) ? sourceHash(src) : createHash('sha256').update(readFileSync(here)).digest('hex').slice(0, 12);
  return cached;
}

/** The build id of the source tree at `dir` (exported for tests: any edit changes it). */
export function sourceHash(dir: string): string {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    // Paths with / on every platform, so one checkout gives one id.
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
  const h = createHash('sha256');
  for (const f of files) h.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  return h.digest('hex').slice(0, 12);
}
