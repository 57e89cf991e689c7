import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engineBuild, sourceHash } from '../../../src/kernel/build-id.ts';

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
});
