import { createHash, type Hash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The engine's build id: the first 12 hex digits of a sha256 over the engine's source, every file
 * under src/ in path order (path, then content). ENGINE_VERSION (version.ts) is fixed per release, so
 * runs from two builds of one version could not be told apart; a kept run records both. Computed at
 * first use and kept for the process (~3 MB, ~20 ms CPU); a run that did not change the source gets
 * the same id on every machine with the same checkout. Line endings do not count: git's autocrlf
 * gives a Windows checkout CRLF files, which are the same source, so CRLF is hashed as LF.
 * Where src/ is not beside this file (a bundled build), the running bundle's own bytes are hashed.
 */
let cached: string | undefined;

export function engineBuild(): string {
  cached ??= buildIdAt(fileURLToPath(import.meta.url));
  return cached;
}

/**
 * The build id for the module file `here`: the source tree one level up when it is one (it holds
 * kernel/version.ts), else `here` itself, the bundle a packaged app runs (exported for tests).
 */
export function buildIdAt(here: string): string {
  const src = join(dirname(here), '..');
  if (existsSync(join(src, 'kernel', 'version.ts'))) return sourceHash(src);
  return hashText(createHash('sha256'), readFileSync(here)).digest('hex').slice(0, 12);
}

/** The build id of the source tree at `dir` (exported for tests: any edit changes it). */
export function sourceHash(dir: string): string {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    // Paths with / on every platform, so one checkout gives one id.
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
  const h = createHash('sha256');
  for (const f of files) hashText(h.update(f).update('\0'), readFileSync(join(dir, f))).update('\0');
  return h.digest('hex').slice(0, 12);
}

/**
 * Adds a file's bytes with CRLF as LF. latin1 maps each byte to one char and back, so an LF file's
 * bytes go in unchanged (the id of an LF checkout is what it was before line endings were ignored).
 */
function hashText(h: Hash, bytes: Buffer): Hash {
  return h.update(bytes.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
}
