import path from 'node:path';

/** What the shell reads from its command line: `electron . [--data-dir DIR] [--seed N]`. */
export interface AppArgs {
  dataDir?: string;
  seed?: number;
}

function optionValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === `--${name}`) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      }
    } else if (arg.startsWith(`--${name}=`)) {
      value = arg.slice(name.length + 3);
    }
  }
  return value;
}

export function parseSeed(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}

export function parseAppArgs(argv: readonly string[]): AppArgs {
  const args: AppArgs = {};
  const dataDir = optionValue(argv, 'data-dir');
  if (dataDir) args.dataDir = dataDir;
  const seed = parseSeed(optionValue(argv, 'seed'));
  if (seed !== undefined) args.seed = seed;
  return args;
}

/** --data-dir, else STRATA_DATA_DIR, else Electron's per-user folder. Always absolute. */
export function resolveDataDir(input: { argDir?: string; env: Readonly<Record<string, string | undefined>>; userData: string; cwd: string }): string {
  const chosen = input.argDir || input.env.STRATA_DATA_DIR || input.userData;
  return path.resolve(input.cwd, chosen);
}

/** The utility process's argv for a data dir and an optional seed. */
export function engineArgs(dataDir: string, seed?: number): string[] {
  return seed === undefined ? ['--data-dir', dataDir] : ['--data-dir', dataDir, '--seed', String(seed)];
}

/**
 * What the engine's utility process may inherit of main's environment: locale, time zone, home
 * and temp folders, the platform's per-user folders, and Strata's own settings. Nothing else, so
 * NODE_OPTIONS (--require of any file), NODE_*, ELECTRON_RUN_AS_NODE or LD_PRELOAD set in the
 * user's shell never reach the process that holds the journal and the venue keys.
 */
const ENGINE_ENV_KEYS = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TMP', 'TEMP', 'APPDATA', 'LOCALAPPDATA', 'USERPROFILE', 'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']);
const ENGINE_ENV_PREFIXES = ['LC_', 'XDG_', 'STRATA_'];

export function engineEnv(env: Readonly<Record<string, string | undefined>>, dataDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    const key = k.toUpperCase();
    if (ENGINE_ENV_KEYS.has(key) || ENGINE_ENV_PREFIXES.some((p) => key.startsWith(p))) out[k] = v;
  }
  out.STRATA_DATA_DIR = dataDir;
  return out;
}
