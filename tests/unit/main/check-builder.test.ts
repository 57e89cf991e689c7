import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlAssets, importedPackages, inspectPackage, targetNames, validateBuilderConfig } from '../../../scripts/check-builder.ts';
import type { PackageView } from '../../../scripts/check-builder.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const config = () => yaml.load(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('when parsed then it passes every rule, with its icons present', () => {
    expect(validateBuilderConfig(config(), (rel) => fs.existsSync(path.join(ROOT, rel)))).toEqual([]);
  });

  it('when a target, asarUnpack or npmRebuild rule is broken then each is reported', () => {
    const cfg = config();
    cfg.mac = { ...(cfg.mac as object), target: ['zip'] };
    cfg.asarUnpack = [];
    cfg.npmRebuild = true;
    cfg.files = ['**/*'];
    const problems = validateBuilderConfig(cfg);
    expect(problems).toEqual(
      expect.arrayContaining([
        'mac.target lacks dmg',
        'asarUnpack must include "**/*.node"',
        'npmRebuild must be false (better-sqlite3 is N-API, prebuilt)',
        'files must include "out/**"',
      ]),
    );
  });

  it('when a security fuse is missing or flipped the wrong way then each is reported (issue 8, Electron)', () => {
    const cfg = config();
    expect(cfg.electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true });
    cfg.electronFuses = { ...(cfg.electronFuses as object), runAsNode: true, onlyLoadAppFromAsar: undefined };
    expect(validateBuilderConfig(cfg)).toEqual(expect.arrayContaining(['electronFuses.runAsNode must be false', 'electronFuses.onlyLoadAppFromAsar must be true']));
    delete cfg.electronFuses;
    expect(validateBuilderConfig(cfg)).toContain('electronFuses is missing');
  });

  it('when targets are objects or a single string then their names are read', () => {
    expect(targetNames({ target: [{ target: 'AppImage', arch: ['x64'] }, 'deb'] })).toEqual(['AppImage', 'deb']);
    expect(targetNames({ target: 'nsis' })).toEqual(['nsis']);
    expect(targetNames(undefined)).toEqual([]);
  });
});

describe('package inspection', () => {
  function view(entries: string[], files: Record<string, string> = {}, unpacked: string[] = []): PackageView {
    return {
      entries: new Set(entries),
      unpacked: new Set(unpacked),
      read: (e) => files[e] ?? '',
      unpackedFileExists: (e) => unpacked.includes(e),
      arch: 'x64',
    };
  }
  const good = [
    '/package.json',
    '/out/main/index.js',
    '/out/main/engine-process.js',
    '/out/preload/index.cjs',
    '/out/renderer/index.html',
    '/out/renderer/assets/index-1.js',
    '/node_modules/better-sqlite3/package.json',
    '/node_modules/better-sqlite3/prebuilds/linux-x64.node',
    '/node_modules/zod/package.json',
  ];
  const files = {
    '/package.json': '{"main":"out/main/index.js"}',
    '/out/main/engine-process.js': 'import Database from "better-sqlite3";\nimport { z } from "zod";\nimport { join } from "node:path";\nimport x from "./chunks/a.js";',
    '/out/renderer/index.html': '<script type="module" crossorigin src="./assets/index-1.js"></script>',
  };

  it('when the app is complete then there is nothing to report', () => {
    expect(inspectPackage(view(good, files, ['/node_modules/better-sqlite3/prebuilds/linux-x64.node']))).toEqual([]);
  });

  it('when the addon is packed, a dependency or an asset is missing, or sources slipped in then each is reported', () => {
    const entries = [...good.filter((e) => e !== '/node_modules/zod/package.json' && e !== '/out/renderer/assets/index-1.js'), '/src/kernel/engine.ts'];
    const problems = inspectPackage(view(entries, files, []));
    expect(problems.join('\n')).toMatch(/linux-x64\.node is not in app\.asar\.unpacked/);
    expect(problems.join('\n')).toMatch(/is packed inside app\.asar/);
    expect(problems.join('\n')).toMatch(/imports zod, which is not packaged/);
    expect(problems.join('\n')).toMatch(/refers to assets\/index-1\.js/);
    expect(problems.join('\n')).toMatch(/\/src\/kernel\/engine\.ts/);
  });

  it('when a bundle imports packages then bare names are found and builtins, electron and relative paths skipped', () => {
    expect(importedPackages('import a from "@scope/pkg/sub";\nconst b = require("fs");\nimport("electron");\nimport c from "pure-rand/distribution/x";\nimport "./x.js";')).toEqual([
      '@scope/pkg',
      'pure-rand',
    ]);
  });

  it('when a method or a contract key is named import then it is not read as an import', () => {
    // The engine bundle's contract has 'backtest.import' and bt.import(...): neither names a package.
    const code = "const h = { 'backtest.import': (p) => bt.import(p.path, p.name), x: 'y' };\nconst s = { import: z.strictObject({ path: 'a' }) };\nimport k from 'kept';";
    expect(importedPackages(code)).toEqual(['kept']);
  });

  it('when index.html links assets then their relative paths are listed', () => {
    expect(htmlAssets('<link rel="stylesheet" href="./assets/a.css"><script src="./assets/b.js?x"></script><a href="https://x.y/">')).toEqual([
      'assets/a.css',
      'assets/b.js',
    ]);
  });
});
