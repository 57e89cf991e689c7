import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Handlers } from '../contract/api.ts';
import { RpcError } from '../contract/errors.ts';
import type { EventFeed } from '../contract/rpc.ts';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BacktestService } from './backtest-service.ts';
import { EngineSwitch } from './engine-switch.ts';
import type { ReplayLoad } from './engine-switch.ts';
import { DataDirError, prepareDataDir, processAlive, readConnectionFile, removeConnectionFile, writeConnectionFile } from './data-dir.ts';
import { engineAnswers } from './engine-probe.ts';
import { loadDailyHistory } from './history.ts';
import { loadRiskConfig } from './risk-config.ts';
import { createLogger } from './logger.ts';
import type { Logger } from './logger.ts';
import { startServer } from './server.ts';
import { VENUE_FILE, readVenueSettings, writeVenueSettings } from './venue-config.ts';
import { VenueEngines } from './venue-engine.ts';

export interface ServeOptions {
  dataDir: string;
  port: number;
  seed: number;
  staticDir?: string;
  warmUpMinutes?: number;
  /** Start a new account although history lies beside a missing or empty journal (the old files are moved aside). */
  fresh?: boolean;
  /** Seconds between L2 signal cycles (default 60; 0: cycles and proposals only on request). */
  signalCycleSec?: number;
  /** One line for the operator; defaults to stderr. */
  say?: (line: string) => void;
  /**
   * The venue, from `--venue ccxt:ID [--venue-url URL] [--mode live|paper] [--symbols A,B]`: stored
   * in the data directory's venue.json (the Settings view edits the same file). `null` goes back to
   * the demo venue; absent, venue.json decides (no file: the demo venue).
   */
  venue?: VenueFlags | null;
  env?: NodeJS.ProcessEnv;
  /**
   * Load this recorded market at start (`strata serve --replay FILE`): the UI and the CLI then talk
   * to the replay's engine and account (in memory) until `replay.stop`; the paper account is untouched.
   */
  replay?: ReplayLoad;
}

export interface VenueFlags {
  exchangeId: string;
  mode?: 'live' | 'paper';
  apiUrl?: string;
  symbols?: string[];
  rateLimitFactor?: number;
}

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

/**
 * Runs the engine with the web UI until SIGINT/SIGTERM. One engine per data directory.
 * Everything that can refuse the start (the data directory, another engine, the port) is checked
 * before the engine opens its stores, so a failed start writes nothing.
 */
export async function serve(opts: ServeOptions): Promise<void> {
  const say = opts.say ?? ((line: string) => void process.stderr.write(line + '\n'));
  // Files the engine creates (journal, WAL, logs) are for this user only.
  process.umask(0o077);
  const existing = readConnectionFile(opts.dataDir);
  if (existing && existing.pid !== process.pid && processAlive(existing.pid)) {
    if (await engineAnswers(existing)) throw new DataDirError(`an engine is already running on this data directory (pid ${existing.pid}): ${existing.url}`);
    say(`strata: ${opts.dataDir}: connection.json names pid ${existing.pid}, which is not a Strata engine answering on port ${existing.port}; treating the file as stale`);
  }
  // On an exchange, --fresh is about that exchange account's journal (under accounts/), not the demo's.
  const onExchange = opts.venue !== undefined ? opts.venue !== null : existsSync(join(opts.dataDir, VENUE_FILE));
  prepareDataDir(opts.dataDir, { fresh: opts.fresh === true && !onExchange, say });
  const freshAccount = opts.fresh === true && onExchange;
  const cfg = loadRiskConfig(opts.dataDir);
  const env = opts.env ?? process.env;
  if (opts.venue === null) rmSync(join(opts.dataDir, VENUE_FILE), { force: true });
  else if (opts.venue) {
    const old = readVenueSettings(opts.dataDir);
    const same = old?.exchangeId === opts.venue.exchangeId;
    writeVenueSettings(opts.dataDir, {
      exchangeId: opts.venue.exchangeId,
      mode: opts.venue.mode ?? (same ? old.mode : 'paper'),
      symbols: opts.venue.symbols ?? (same ? old.symbols : ['BTC/USDT']),
      rateLimitFactor: opts.venue.rateLimitFactor ?? (same ? old.rateLimitFactor : 0.8),
      apiUrl: opts.venue.apiUrl ?? (same ? old.apiUrl : null),
      ...(old?.tuning ? { tuning: old.tuning } : {}),
    });
  }

  // The port first, with the engine bound late: a port in use refuses the start before any store is opened.
  let engine: EngineSwitch | undefined;
  const handlers = new Proxy({} as Handlers, {
    get(_t, method: string) {
      return (params: unknown) => {
        if (!engine) throw new RpcError('NOT_CONNECTED', 'the engine is starting');
        return (engine.handlers[method as keyof Handlers] as (p: unknown) => unknown)(params);
      };
    },
  });
  const listeners = new Set<Parameters<EventFeed['subscribe']>[0]>();
  const feed: EventFeed = {
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const token = randomBytes(24).toString('base64url');
  // The log opens once the port is ours: a refused start leaves no log file behind.
  const logger: { current?: Logger } = {};
  const server = await startServer({
    handlers,
    feed,
    token,
    port: opts.port,
    staticDir: opts.staticDir ?? DEFAULT_STATIC_DIR,
    onInternalError: (err, method) => logger.current?.error({ err, method }, 'internal error'),
  }).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataDirError(code === 'EADDRINUSE' ? `port ${opts.port} is in use; choose another --port (0 picks a free one)` : `cannot listen on 127.0.0.1:${opts.port}: ${err instanceof Error ? err.message : String(err)}`);
  });
  const log = (logger.current = createLogger(opts.dataDir, say));
  if (cfg.path) log.info({ path: cfg.path }, 'risk configuration loaded');
  const engineLog = (level: 'info' | 'warn' | 'error', msg: string) => log[level](msg);
  // The engine venue.json asks for, rebuilt on Settings → apply (the same module as the desktop app's).
  const venues = new VenueEngines({
    dataDir: opts.dataDir,
    seed: opts.seed,
    env,
    risk: cfg.risk,
    pms: cfg.pms,
    dailyHistory: () => loadDailyHistory(),
    warmUpMinutes: opts.warmUpMinutes,
    cycleEveryMs: (opts.signalCycleSec ?? 60) * 1000,
    log: engineLog,
    say,
    // --fresh applies to the first start only, never to a later switch from Settings.
    fresh: freshAccount,
    onRestart: (r) => {
      if (r.ok) {
        log.info({ venue: r.venue }, 'engine restarted on the configured venue');
        return;
      }
      log.error({ err: r.error }, 'the configured venue could not start; back on the demo venue');
      say(`strata: the configured venue could not start (${r.error instanceof Error ? r.error.message : String(r.error)}); serving the demo venue`);
    },
  });
  try {
    const paper = await venues.build();
    await paper.start();
    const sw = new EngineSwitch({
      paper,
      seed: opts.seed,
      risk: cfg.risk,
      pms: cfg.pms,
      log: engineLog,
      backtests: (publish) => new BacktestService(opts.dataDir, publish),
      // A max-speed replay produces no faster than the browsers drain their sockets.
      backpressure: () => server.backpressure(),
    });
    venues.attach(sw);
    sw.feed.subscribe((event, data) => {
      for (const l of listeners) l(event, data);
    });
    if (opts.replay) {
      try {
        await sw.load(opts.replay);
      } catch (err) {
        await sw.close();
        throw err;
      }
    }
    engine = sw;
  } catch (err) {
    await server.close();
    throw err;
  }
  const running = engine;
  const recovery = running.paper.recovery;
  writeConnectionFile(opts.dataDir, { port: server.port, token, url: server.url, pid: process.pid });
  log.info({ port: server.port, dataDir: opts.dataDir, recovery }, 'engine serving');
  process.stdout.write(`Strata web UI: ${server.url}\n`);
  process.stdout.write(`data: ${opts.dataDir}  (Ctrl+C to stop)\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await server.close();
    await running.close();
    removeConnectionFile(opts.dataDir, process.pid);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
