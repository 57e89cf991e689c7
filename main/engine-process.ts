/**
 * Entry of the engine utility process (utilityProcess.fork from main/index.ts). Runs the engine
 * off the UI thread and serves the contract on each MessagePort main hands over. Must not import
 * 'electron': it talks to main only through process.parentPort.
 */
import { buildProcessEngine } from './engine-build.ts';
import { engineOptionsFrom, runEngineHost } from './engine-host.ts';
import type { ParentPortLike } from './engine-host.ts';
import { splitParentPort } from './vault-client.ts';

function log(message: string, err?: unknown): void {
  const detail = err instanceof Error ? (err.stack ?? err.message) : err === undefined ? '' : String(err);
  process.stderr.write(`[strata engine] ${message}${detail ? `: ${detail}` : ''}\n`);
}

async function main(): Promise<void> {
  const port = Reflect.get(process, 'parentPort') as ParentPortLike | undefined;
  if (!port) {
    log('not started as an Electron utility process (process.parentPort is missing)');
    process.exit(2);
  }
  // The vault's safeStorage protector is answered by main over this port, during the build too.
  const { parent, protector } = splitParentPort(port);
  const options = engineOptionsFrom(process.argv.slice(2), process.env);
  if (!options) {
    const message = 'no data directory given (--data-dir or STRATA_DATA_DIR)';
    log(message);
    parent.postMessage({ type: 'strata:fatal', message });
    process.exit(2);
  }
  // Packaged, assets/demo ships as resources/demo (electron-builder extraResources); in development next to src/.
  const resources = Reflect.get(process, 'resourcesPath') as string | undefined;
  let engine;
  try {
    process.umask(0o077);
    // The venue.json engine (ccxt or the demo) behind the EngineSwitch: Settings → apply, replay.*
    // and backtest.* work as in web mode.
    const built = await buildProcessEngine(options, { ...(resources ? { resources } : {}), say: (line) => log(line), log: (level, msg) => log(`${level}: ${msg}`), protector });
    engine = built.sw.hosted();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log('cannot start the engine', err);
    parent.postMessage({ type: 'strata:fatal', message });
    process.exit(2);
  }
  const host = await runEngineHost({
    parent,
    engine,
    pid: process.pid,
    exit: (code) => process.exit(code),
    log,
  });
  // utilityProcess.kill() sends SIGTERM on POSIX: close the store cleanly before going.
  process.once('SIGTERM', () => void host.shutdown(0));
  process.once('SIGINT', () => void host.shutdown(0));
}

main().catch((err: unknown) => {
  log('engine process crashed', err);
  process.exit(1);
});
