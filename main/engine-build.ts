import { join } from 'node:path';
import { BacktestService } from '../src/host/backtest-service.ts';
import { prepareDataDir } from '../src/host/data-dir.ts';
import { EngineSwitch } from '../src/host/engine-switch.ts';
import { loadDailyHistory } from '../src/host/history.ts';
import { loadRiskConfig } from '../src/host/risk-config.ts';
import { createEngine } from '../src/kernel/engine.ts';
import type { Log } from '../src/kernel/parts.ts';
import type { EngineOptions } from './engine-host.ts';

/**
 * The engine the utility process serves: the paper engine behind the same EngineSwitch the web host
 * (src/host/serve.ts) uses, so the desktop app loads, plays and stops replays on their own account
 * and runs backtests exactly as the browser does; the paper account keeps running underneath.
 * Throws (before any store opens) when the data directory cannot hold an account.
 */
export interface ProcessEngineDeps {
  /** Packaged: Electron's resources directory (assets/demo ships as resources/demo). */
  resources?: string;
  /** One line per event of the data directory check. */
  say: (line: string) => void;
  log?: Log;
}

export function buildProcessEngine(options: EngineOptions, deps: ProcessEngineDeps): EngineSwitch {
  // The same checks as `strata serve` before any store opens (issue 8, D5/D7): no silent reset of
  // an account whose journal is gone, one clear line for a path that cannot hold data, 0600 files.
  prepareDataDir(options.dataDir, { say: deps.say });
  const cfg = loadRiskConfig(options.dataDir);
  const history = loadDailyHistory(deps.resources ? join(deps.resources, 'demo', 'history') : undefined);
  const paper = createEngine({ ...options, risk: cfg.risk, pms: { ...cfg.pms, dailyHistory: history }, ...(deps.log ? { log: deps.log } : {}) });
  return new EngineSwitch({
    paper,
    seed: options.seed ?? 42,
    risk: cfg.risk,
    pms: cfg.pms,
    ...(deps.log ? { log: deps.log } : {}),
    // Relative replay paths are the data directory's (the app's working directory is not the user's).
    cwd: options.dataDir,
    backtests: (publish) => new BacktestService(options.dataDir, publish),
  });
}
