/**
 * `npm start` -> `node scripts/start.ts [--web] [--port N] [--data-dir DIR] [--seed N]`
 *
 * With a usable Electron binary (and a display): `electron-vite build`, then the desktop app.
 * Without one: a single line saying so, then web mode (`node src/host/main.ts serve …` with this
 * same Node), after rebuilding dist/renderer if it is missing or older than its sources.
 * `--web` forces web mode. Other arguments pass through; SIGINT/SIGTERM are forwarded.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');

export type ElectronLookup = { ok: true; binary: string } | { ok: false; reason: string };

export interface ElectronProbe {
  /** Folder of the installed electron npm package, or null if it is not installed. */
  packageDir: string | null;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  readText(file: string): string | null;
  isFile(file: string): boolean;
}

/**
 * Where the electron package would run its binary from, without require('electron') (which tries
 * to download it when missing): dist/<path.txt>, or ELECTRON_OVERRIDE_DIST_PATH.
 */
export function findElectronBinary(p: ElectronProbe): ElectronLookup {
  if (!p.packageDir) return { ok: false, reason: 'the electron package is not installed' };
  const pathTxt = p.readText(path.join(p.packageDir, 'path.txt'))?.trim() || null;
  const override = p.env.ELECTRON_OVERRIDE_DIST_PATH;
  let binary: string;
  if (override) binary = path.join(override, pathTxt ?? (p.platform === 'win32' ? 'electron.exe' : 'electron'));
  else if (pathTxt) binary = path.join(p.packageDir, 'dist', pathTxt);
  else return { ok: false, reason: 'node_modules/electron/path.txt not found, the binary was never downloaded' };
  if (!p.isFile(binary)) return { ok: false, reason: `${path.relative(ROOT, binary) || binary} does not exist` };
  return { ok: true, binary };
}

/** Electron on Linux needs an X11 or Wayland display. */
export function hasDisplay(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): boolean {
  return platform !== 'linux' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** dist/renderer needs a build when it has no index.html or a source is newer than it. */
export function rendererIsStale(builtAt: number | null, newestSource: number): boolean {
  return builtAt === null || newestSource > builtAt;
}

export type StartStep =
  | { kind: 'build-renderer' }
  | { kind: 'build-electron' }
  | { kind: 'launch-electron'; binary: string; args: string[] }
  | { kind: 'serve-web'; args: string[] };

export interface StartPlan {
  mode: 'electron' | 'web';
  /** The one line printed before falling back to web mode; null otherwise. */
  notice: string | null;
  steps: StartStep[];
}

export interface StartInputs {
  args: readonly string[];
  electron: ElectronLookup;
  display: boolean;
  rendererStale: boolean;
}

/** What `npm start` does, from what it found. Pure. */
export function planStart(input: StartInputs): StartPlan {
  const forceWeb = input.args.includes('--web');
  const args = input.args.filter((a) => a !== '--web');
  if (!forceWeb && input.electron.ok && input.display) {
    return {
      mode: 'electron',
      notice: null,
      steps: [{ kind: 'build-electron' }, { kind: 'launch-electron', binary: input.electron.binary, args }],
    };
  }
  const why = forceWeb
    ? '--web given'
    : !input.electron.ok
      ? `Electron binary is missing (${input.electron.reason})`
      : 'no display for Electron (DISPLAY/WAYLAND_DISPLAY unset)';
  const steps: StartStep[] = input.rendererStale ? [{ kind: 'build-renderer' }] : [];
  steps.push({ kind: 'serve-web', args });
  return { mode: 'web', notice: `strata: ${why}; serving the web UI instead (node src/host/main.ts serve).`, steps };
}

function newestMtime(target: string): number {
  let newest = 0;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  // A folder's own mtime moves when a file in it is added or deleted.
  newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

function mtimeOrNull(file: string): number | null {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function electronPackageDir(): string | null {
  try {
    return path.dirname(createRequire(path.join(ROOT, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The real probe of this checkout. */
export function probeElectron(): ElectronLookup {
  return findElectronBinary({
    packageDir: electronPackageDir(),
    env: process.env,
    platform: process.platform,
    readText: (f) => {
      try {
        return fs.readFileSync(f, 'utf8');
      } catch {
        return null;
      }
    },
    isFile: (f) => {
      try {
        return fs.statSync(f).isFile();
      } catch {
        return false;
      }
    },
  });
}

let stopRequested = false;

/** Runs a child to completion with inherited output, forwarding SIGINT/SIGTERM exactly once. */
function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    // Own process group on POSIX, so a terminal's Ctrl-C reaches the child once (from us), not twice.
    const detached = process.platform !== 'win32';
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'], detached });
    const forward = (signal: NodeJS.Signals): void => {
      stopRequested = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const killOnExit = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    process.on('exit', killOnExit);
    const done = (code: number): void => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      process.off('exit', killOnExit);
      resolve(code);
    };
    child.on('error', (err) => {
      process.stderr.write(`strata: could not run ${command}: ${err.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => {
      if (code !== null) done(code);
      else done(signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 128 + (os.constants.signals[signal ?? 'SIGTERM'] ?? 15));
    });
  });
}

async function execute(step: StartStep): Promise<number> {
  const node = process.execPath;
  switch (step.kind) {
    case 'build-renderer':
      return runChild(node, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
    case 'build-electron':
      return runChild(node, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn']);
    case 'launch-electron': {
      const env = { ...process.env };
      delete env.ELECTRON_RUN_AS_NODE; // would make the binary behave as plain Node
      return runChild(step.binary, [ROOT, ...step.args], env);
    }
    case 'serve-web':
      return runChild(node, [path.join(ROOT, 'src/host/main.ts'), 'serve', ...step.args]);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const builtAt = mtimeOrNull(path.join(ROOT, 'dist/renderer/index.html'));
  const sources = ['renderer', 'src/contract'].map((d) => newestMtime(path.join(ROOT, d)));
  const plan = planStart({
    args: argv,
    electron: probeElectron(),
    display: hasDisplay(process.platform, process.env),
    rendererStale: rendererIsStale(builtAt, Math.max(...sources)),
  });
  if (plan.notice) console.log(plan.notice);
  for (const step of plan.steps) {
    const code = await execute(step);
    if (code !== 0 || stopRequested) return code;
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
