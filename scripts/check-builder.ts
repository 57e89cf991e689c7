/**
 * `npm run check:builder`: proves the packaging config works, offline.
 *
 * 1. Parses electron-builder.yml and checks what must hold on every platform (targets, asar,
 *    asarUnpack of native addons, no npm rebuild, files limited to the build output).
 * 2. Runs `electron-vite build`, then `electron-builder --linux dir` against a placeholder Electron
 *    distribution (no download: -c.electronDist=<temp folder>).
 * 3. Opens the unpacked result: app.asar holds the built main/preload/renderer and package.json,
 *    better-sqlite3's .node sits in app.asar.unpacked, every package the main bundles import is
 *    packaged, and no sources, source maps or stray binaries went in.
 *
 * Prints one line; exits 1 on any failure. Options: --skip-build (reuse out/), --keep (keep the
 * temp folder and print its path).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asar from '@electron/asar';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, '..');

export const REQUIRED_TARGETS: Readonly<Record<'linux' | 'mac' | 'win', readonly string[]>> = {
  linux: ['AppImage', 'deb'],
  mac: ['dmg'],
  win: ['nsis'],
};

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Target names of a platform section: strings or { target } objects, one or many. */
export function targetNames(section: unknown): string[] {
  if (!isRecord(section)) return [];
  const raw = section.target;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.flatMap((t) => (typeof t === 'string' ? [t] : isRecord(t) && typeof t.target === 'string' ? [t.target] : []));
}

function stringList(x: unknown): string[] {
  if (typeof x === 'string') return [x];
  return Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : [];
}

/** Electron fuses the packaged app must have, and their settings (the Electron security checklist). */
export const REQUIRED_FUSES: Readonly<Record<string, boolean>> = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
};

/** Problems with the parsed electron-builder.yml; empty when it is fine. */
export function validateBuilderConfig(cfg: unknown, exists: (relPath: string) => boolean = () => true): string[] {
  if (!isRecord(cfg)) return ['electron-builder.yml is not a mapping'];
  const problems: string[] = [];
  if (typeof cfg.appId !== 'string' || !/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/i.test(cfg.appId)) problems.push('appId must be a reverse-DNS id');
  if (cfg.productName !== 'Strata') problems.push('productName must be "Strata"');
  for (const [platform, required] of Object.entries(REQUIRED_TARGETS)) {
    const names = targetNames(cfg[platform]);
    for (const t of required) if (!names.includes(t)) problems.push(`${platform}.target lacks ${t}`);
  }
  const fuses = cfg.electronFuses;
  if (!isRecord(fuses)) problems.push('electronFuses is missing');
  else for (const [fuse, want] of Object.entries(REQUIRED_FUSES)) if (fuses[fuse] !== want) problems.push(`electronFuses.${fuse} must be ${want}`);
  if (cfg.npmRebuild !== false) problems.push('npmRebuild must be false (better-sqlite3 is N-API, prebuilt)');
  if (cfg.asar === false) problems.push('asar must be on');
  if (!stringList(cfg.asarUnpack).includes('**/*.node')) problems.push('asarUnpack must include "**/*.node"');
  const files = stringList(cfg.files);
  for (const f of ['out/**', 'package.json']) if (!files.includes(f)) problems.push(`files must include "${f}"`);
  const positive = files.filter((f) => !f.startsWith('!'));
  const extra = positive.filter((f) => f !== 'out/**' && f !== 'package.json');
  if (extra.length > 0) problems.push(`files must be limited to out/** and package.json (found ${extra.join(', ')})`);
  for (const platform of Object.keys(REQUIRED_TARGETS)) {
    const section = cfg[platform];
    if (isRecord(section) && 'files' in section) problems.push(`${platform}.files would replace the top-level files list`);
    const icon = isRecord(section) ? section.icon : undefined;
    if (typeof icon !== 'string') problems.push(`${platform}.icon is missing`);
    else if (!exists(icon)) problems.push(`${platform}.icon ${icon} does not exist`);
  }
  return problems;
}

/** Bare package names imported by a built ESM/CJS file (node:*, electron and relative ones left out). */
export function importedPackages(code: string): string[] {
  const names = new Set<string>();
  // A keyword inside a name or a string ('backtest.import', obj.import(...)) is not an import, and
  // a module specifier has no whitespace: both keep a method named import from reading as one.
  const re = /(?<![\w$.'"`])(?:from\s*|import\s*\(?\s*|require\(\s*)["']([^"'\s]+)["']/g;
  for (const m of code.matchAll(re)) {
    const spec = m[1] ?? '';
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || spec === 'electron' || spec.startsWith('electron/')) continue;
    const parts = spec.split('/');
    const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
    if (!isBuiltin(name)) names.add(name);
  }
  return [...names].sort();
}

function isBuiltin(name: string): boolean {
  return builtinModules.includes(name);
}

/** Relative asset URLs of the built index.html (scripts, styles, icons). */
export function htmlAssets(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\b(?:src|href)="([^"]+)"/g)) {
    const url = m[1] ?? '';
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('#') || url.startsWith('data:')) continue;
    out.push(path.posix.normalize(url.replace(/^\.\//, '').split(/[?#]/)[0] ?? ''));
  }
  return out;
}

export interface PackageView {
  /** Every path in the asar header, '/'-rooted. */
  entries: ReadonlySet<string>;
  /** Entries whose header says unpacked. */
  unpacked: ReadonlySet<string>;
  read(entry: string): string;
  unpackedFileExists(entry: string): boolean;
  arch: string;
}

/** Problems with the unpacked linux app; empty when it is fine. */
export function inspectPackage(view: PackageView): string[] {
  const problems: string[] = [];
  const must = ['/package.json', '/out/main/index.js', '/out/main/engine-process.js', '/out/preload/index.cjs', '/out/renderer/index.html'];
  for (const e of must) if (!view.entries.has(e)) problems.push(`app.asar lacks ${e}`);

  const addon = `/node_modules/better-sqlite3/prebuilds/linux-${view.arch}.node`;
  if (!view.unpacked.has(addon) || !view.unpackedFileExists(addon)) problems.push(`${addon} is not in app.asar.unpacked`);
  for (const e of view.entries) if (e.endsWith('.node') && !view.unpacked.has(e)) problems.push(`${e} is packed inside app.asar`);

  const forbidden = [/^\/(src|main|renderer|tests|scripts|bench|assets)\//, /\.map$/, /\/node_modules\/node-linux-/, /\/better-sqlite3\/(deps|src)\//, /\/electron\/|\/electron-builder\//];
  const bad = [...view.entries].filter((e) => forbidden.some((re) => re.test(e)));
  if (bad.length > 0) problems.push(`app.asar holds files it should not: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}`);

  if (view.entries.has('/package.json')) {
    const pkg = JSON.parse(view.read('/package.json')) as { main?: unknown };
    if (typeof pkg.main !== 'string' || !view.entries.has(`/${path.posix.normalize(pkg.main)}`)) problems.push(`package.json main (${String(pkg.main)}) is not in app.asar`);
  }
  for (const bundle of ['/out/main/index.js', '/out/main/engine-process.js']) {
    if (!view.entries.has(bundle)) continue;
    for (const name of importedPackages(view.read(bundle))) {
      if (!view.entries.has(`/node_modules/${name}/package.json`)) problems.push(`${bundle} imports ${name}, which is not packaged`);
    }
  }
  if (view.entries.has('/out/renderer/index.html')) {
    for (const asset of htmlAssets(view.read('/out/renderer/index.html'))) {
      if (!view.entries.has(`/out/renderer/${asset}`)) problems.push(`index.html refers to ${asset}, which is not packaged`);
    }
  }
  return problems;
}

class CheckFailure extends Error {}

function run(label: string, args: string[], timeoutMs: number): void {
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false', ELECTRON_BUILDER_CACHE: path.join(os.tmpdir(), 'strata-eb-cache') },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    process.stderr.write(`${output}\n`);
    const why = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
    throw new CheckFailure(`${label} failed (${why})`);
  }
}

/** A folder electron-builder accepts as an Electron distribution: an `electron` stand-in and `version`. */
function placeholderElectron(dir: string, version: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'electron'), '#!/bin/sh\necho "placeholder Electron (check-builder)" >&2\nexit 1\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'version'), version);
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'placeholder\n');
}

function isUnpacked(archive: string, entry: string): boolean {
  try {
    const stat = asar.statFile(archive, entry.slice(1), false);
    return 'unpacked' in stat && stat.unpacked === true;
  } catch {
    return false;
  }
}

function loadYaml(file: string): unknown {
  const yaml = require('js-yaml') as { load(text: string, opts?: { filename?: string }): unknown };
  return yaml.load(fs.readFileSync(file, 'utf8'), { filename: file });
}

async function main(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  const skipBuild = argv.includes('--skip-build');
  const keep = argv.includes('--keep');
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-check-builder-'));
  try {
    const cfg = loadYaml(path.join(ROOT, 'electron-builder.yml'));
    const configProblems = validateBuilderConfig(cfg, (rel) => fs.existsSync(path.join(ROOT, rel)));
    if (configProblems.length > 0) throw new CheckFailure(`electron-builder.yml: ${configProblems.join('; ')}`);

    if (!skipBuild) run('electron-vite build', [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], 90_000);
    else if (!fs.existsSync(path.join(ROOT, 'out/main/index.js'))) throw new CheckFailure('--skip-build given but out/ is not built');

    const electronVersion = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
    placeholderElectron(path.join(tmp, 'electron-dist'), electronVersion);
    const output = path.join(tmp, 'release');
    // The placeholder binary has no fuse wire to flip: package it with the same config minus the
    // fuses (their settings are checked in the config above; electron-builder flips them on release).
    const placeholderConfig = path.join(tmp, 'builder-config.json');
    fs.writeFileSync(placeholderConfig, JSON.stringify({ ...(cfg as Record<string, unknown>), electronFuses: null }));
    run(
      'electron-builder --linux dir',
      [
        path.join(ROOT, 'node_modules/electron-builder/cli.js'),
        '--linux',
        'dir',
        `--${arch}`,
        '--publish',
        'never',
        '--config',
        placeholderConfig,
        `-c.electronDist=${path.join(tmp, 'electron-dist')}`,
        `-c.directories.output=${output}`,
      ],
      100_000,
    );

    const appDir = path.join(output, arch === 'x64' ? 'linux-unpacked' : `linux-${arch}-unpacked`);
    const resources = path.join(appDir, 'resources');
    const archive = path.join(resources, 'app.asar');
    if (!fs.existsSync(archive)) throw new CheckFailure(`no app.asar in ${path.relative(tmp, resources)}`);
    const entries = new Set(asar.listPackage(archive, { isPack: false }).map((e) => e.split(path.sep).join('/')));
    const unpacked = new Set([...entries].filter((e) => isUnpacked(archive, e)));
    const problems = inspectPackage({
      entries,
      unpacked,
      arch,
      read: (e) => asar.extractFile(archive, e.slice(1)).toString('utf8'),
      unpackedFileExists: (e) => fs.existsSync(path.join(`${archive}.unpacked`, e)),
    });
    if (!fs.existsSync(path.join(appDir, 'strata'))) problems.push('the executable was not renamed to strata');
    if (fs.existsSync(path.join(ROOT, 'assets/demo')) && !fs.existsSync(path.join(resources, 'demo'))) problems.push('assets/demo is not in resources/demo');
    if (problems.length > 0) throw new CheckFailure(problems.join('; '));

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const targets = Object.entries(REQUIRED_TARGETS)
      .map(([p, t]) => `${p}[${t.join(',')}]`)
      .join(' ');
    console.log(
      `check-builder: OK in ${seconds}s: ${targets} configured; linux dir (${arch}) packed ${entries.size} asar entries, better-sqlite3 linux-${arch}.node unpacked`,
    );
    return 0;
  } catch (err) {
    const message = err instanceof CheckFailure ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.log(`check-builder: FAIL: ${message}`);
    return 1;
  } finally {
    if (keep) process.stderr.write(`check-builder: kept ${tmp}\n`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
