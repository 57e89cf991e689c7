import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../kernel/engine.ts';
import { processAlive, readConnectionFile, removeConnectionFile, writeConnectionFile } from './data-dir.ts';
import { loadDailyHistory } from './history.ts';
import { loadRiskConfig } from './risk-config.ts';
import { createLogger } from './logger.ts';
import { startServer } from './server.ts';

export interface ServeOptions {
  dataDir: string;
  port: number;
  seed: number;
  staticDir?: string;
  warmUpMinutes?: number;
}

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

/** Runs the engine with the web UI until SIGINT/SIGTERM. One engine per data directory. */
export async function serve(opts: ServeOptions): Promise<void> {
  const existing = readConnectionFile(opts.dataDir);
  if (existing && existing.pid !== process.pid && processAlive(existing.pid)) {
    throw new Error(`an engine is already running on this data directory (pid ${existing.pid}): ${existing.url}`);
  }
  const logger = createLogger(opts.dataDir);
  const cfg = loadRiskConfig(opts.dataDir);
  if (cfg.path) logger.info({ path: cfg.path }, 'risk configuration loaded');
  const engine = createEngine({
    dataDir: opts.dataDir,
    seed: opts.seed,
    warmUpMinutes: opts.warmUpMinutes,
    risk: cfg.risk,
    pms: { ...cfg.pms, dailyHistory: loadDailyHistory() },
    log: (level, msg) => logger[level](msg),
  });
  await engine.start();
  const token = randomBytes(24).toString('base64url');
  const server = await startServer({
    handlers: engine.handlers,
    feed: engine.feed,
    token,
    port: opts.port,
    staticDir: opts.staticDir ?? DEFAULT_STATIC_DIR,
    onInternalError: (err, method) => logger.error({ err, method }, 'internal error'),
  });
  writeConnectionFile(opts.dataDir, { port: server.port, token, url: server.url, pid: process.pid });
  logger.info({ port: server.port, dataDir: opts.dataDir, recovery: engine.recovery }, 'engine serving');
  process.stdout.write(`Strata web UI: ${server.url}\n`);
  process.stdout.write(`data: ${opts.dataDir}  (Ctrl+C to stop)\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await server.close();
    await engine.stop();
    removeConnectionFile(opts.dataDir, process.pid);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
