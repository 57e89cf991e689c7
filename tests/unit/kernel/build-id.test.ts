import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIdAt, engineBuild, sourceHash } from '../../../src/kernel/build-id.ts';

describe('engine build id', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tree = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-build-'));
    dirs.push(dir);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };

  it('when the engine asks its build then it is 12 hex digits, the same on every call (kept for the process)', () => {
    const b = engineBuild();
    expect(b).toMatch(/^[0-9a-f]{12}$/);
    expect(engineBuild()).toBe(b);
  });

  it('when two trees hold the same files then they have one build; any edit, rename or new file gives another', () => {
    const base = { 'kernel/version.ts': "export const ENGINE_VERSION = '0.1.0';\n", 'core/a.ts': 'export const a = 1;\n' };
    const h = sourceHash(tree(base));
    expect(sourceHash(tree(base))).toBe(h);
    expect(sourceHash(tree({ ...base, 'core/a.ts': 'export const a = 2;\n' }))).not.toBe(h);
    expect(sourceHash(tree({ 'kernel/version.ts': base['kernel/version.ts'], 'core/b.ts': base['core/a.ts'] }))).not.toBe(h);
    expect(sourceHash(tree({ ...base, 'core/c.ts': '' }))).not.toBe(h);
  });

  it("when a checkout has CRLF line endings then its build is the LF checkout's (autocrlf gives Windows the same source)", () => {
    const lf = { 'kernel/version.ts': "export const ENGINE_VERSION = '0.1.0';\n", 'core/a.ts': 'export const a = 1;\nexport const b = 2;\n' };
    const crlf = Object.fromEntries(Object.entries(lf).map(([p, t]) => [p, t.replaceAll('\n', '\r\n')]));
    expect(sourceHash(tree(crlf))).toBe(sourceHash(tree(lf)));
    // A lone CR is content, not a line ending.
    expect(sourceHash(tree({ ...lf, 'core/a.ts': 'export const a = 1;\rexport const b = 2;\n' }))).not.toBe(sourceHash(tree(lf)));
  });

  it("when the module sits in a source tree then its build is that tree's hash", () => {
    const dir = tree({ 'kernel/version.ts': "export const ENGINE_VERSION = '0.1.0';\n", 'kernel/build-id.ts': 'export {};\n', 'core/a.ts': 'export const a = 1;\n' });
    expect(buildIdAt(join(dir, 'kernel', 'build-id.ts'))).toBe(sourceHash(dir));
  });

  it('when no src/ is beside the module (a packaged app) then its build is the hash of the bundle it runs from', () => {
    const bundle = 'const a = 1;\nexport { a };\n';
    const app = tree({ 'out/main/index.js': bundle, 'out/renderer/index.html': '<html></html>\n' });
    const id = buildIdAt(join(app, 'out', 'main', 'index.js'));
    expect(id).toBe(createHash('sha256').update(bundle).digest('hex').slice(0, 12));
    expect(buildIdAt(join(tree({ 'out/main/index.js': bundle.replaceAll('\n', '\r\n') }), 'out', 'main', 'index.js'))).toBe(id);
    expect(buildIdAt(join(tree({ 'out/main/index.js': 'const a = 2;\nexport { a };\n' }), 'out', 'main', 'index.js'))).not.toBe(id);
  });
});
