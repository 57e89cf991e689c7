import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BacktestService, DEMO_TAPE, DEMO_TAPE_FILE } from '../src/host/backtest-service.ts';
import { DataDirError, prepareDataDir } from '../src/host/data-dir.ts';
import { EngineSwitch } from '../src/host/engine-switch.ts';
import { loadDailyHistory } from '../src/host/history.ts';
import { loadRiskConfig } from '../src/host/risk-config.ts';
import { VenueEngines } from '../src/host/venue-engine.ts';
import type { VenueEngineOptions } from '../src/host/venue-engine.ts';
import type { Protector } from '../src/host/vault/vault.ts';
import type { Engine } from '../src/kernel/engine.ts';
import type { Log } from '../src/kernel/parts.ts';
import type { EngineOptions } from './engine-host.ts';

/**
 * The engine the utility process serves: built from the data directory's venue settings by the
 * same module as `strata serve` (src/host/venue-engine.ts: ccxt live, paper on live data, or the
 * demo venue) and rebuilt there on Settings → apply, behind the same EngineSwitch the web host
 * uses, so the desktop app loads, plays and stops replays on their own account and runs backtests
 * exactly as the browser does; the paper or live account keeps running underneath.
 * Throws (before any store opens) when the data directory cannot hold an account.
 */
export interface ProcessEngineDeps {
  /** Packaged: Electron's resources directory (assets/demo ships as resources/demo). */
  resources?: string;
  /** One line per event of the data directory check. */
  say: (line: string) => void;
  log?: Log;
  /** STRATA_API_KEY/SECRET, STRATA_VAULT_* (the process's own environment by default). */
  env?: NodeJS.ProcessEnv;
  /** The vault's safeStorage protector, answered by main (main/vault-client.ts). */
  protector?: Protector;
  /** After each Settings → apply (tests wait on it; the process logs it). */
  onRestart?: VenueEngineOptions['onRestart'];
}

export interface ProcessEngine {
  sw: EngineSwitch;
  venues: VenueEngines;
}

export async function buildProcessEngine(options: EngineOptions, deps: ProcessEngineDeps): Promise<ProcessEngine> {
  // The same checks as `strata serve` before any store opens (issue 8, D5/D7): no silent reset of
  // an account whose journal is gone, one clear line for a path that cannot hold data, 0600 files.
  prepareDataDir(options.dataDir, { say: deps.say });
  const cfg = loadRiskConfig(options.dataDir);
  const historyDir = deps.resources ? join(deps.resources, 'demo', 'history') : undefined;
  const demoTape = demoTapeOf(deps.resources);
  const log: Log = deps.log ?? (() => undefined);
  const seed = options.seed ?? 42;
  const venues = new VenueEngines({
    dataDir: options.dataDir,
    seed,
    env: deps.env ?? process.env,
    risk: cfg.risk,
    pms: cfg.pms,
    dailyHistory: () => loadDailyHistory(historyDir),
    log,
    say: deps.say,
    ...(deps.protector ? { protector: deps.protector } : {}),
    onRestart: (r) => {
      if (r.ok) log('info', `engine restarted on the configured venue (${r.venue})`);
      else log('error', `the configured venue could not start; back on the demo venue: ${r.error instanceof Error ? r.error.message : String(r.error)}`);
      deps.onRestart?.(r);
    },
  });
  let paper: Engine;
  try {
    paper = await venues.build();
  } catch (err) {
    if (err instanceof DataDirError) throw err;
    // Unlike `strata serve` (whose operator fixes the flags and starts again), the desktop app has
    // only its Settings view to fix a venue that cannot start (unreachable, keys locked): serve the
    // demo venue, said in the log, rather than a crash loop that never shows Settings. An account
    // whose journal is gone beside its history (DataDirError) still stops the start, as in serve.
    log('error', `the configured venue could not start; serving the demo venue: ${err instanceof Error ? err.message : String(err)}`);
    deps.say(`the configured venue could not start (${err instanceof Error ? err.message : String(err)}); serving the demo venue`);
    paper = venues.demo();
  }
  const sw = new EngineSwitch({
    paper,
    seed,
    risk: cfg.risk,
    pms: cfg.pms,
    ...(deps.log ? { log: deps.log } : {}),
    // Relative replay paths are the data directory's (the app's working directory is not the user's).
    cwd: options.dataDir,
    backtests: (publish) => new BacktestService(options.dataDir, publish, demoTape),
  });
  venues.attach(sw);
  return { sw, venues };
}

/**
 * The demo trade tape the Backtest screen offers to import ("Import demo tape"). Packaged, the
 * checkout path BacktestService defaults to (beside src/) does not exist: the tape ships in
 * resources/demo (electron-builder.yml extraResources). In development Electron's own resources
 * directory has no demo folder, so the checkout copy is used; neither there: no offer.
 */
export function demoTapeOf(resources: string | undefined): string | undefined {
  const packed = resources ? join(resources, 'demo', DEMO_TAPE_FILE) : undefined;
  if (packed !== undefined && existsSync(packed)) return packed;
  return existsSync(DEMO_TAPE) ? DEMO_TAPE : undefined;
}
