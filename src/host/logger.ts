import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured log to <data-dir>/logs/engine.log; warnings and errors also to stderr.
 * A log file that cannot be written (a read-only or full disk) is said once in one line, never an
 * unhandled 'error' event that takes the engine down with a stack.
 */
export function createLogger(dataDir: string, say: (line: string) => void = (l) => void process.stderr.write(l + '\n')): Logger {
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'engine.log');
  const dest = pino.destination({ dest: file, sync: false, mkdir: true });
  let told = false;
  dest.on('error', (err: NodeJS.ErrnoException) => {
    if (told) return;
    told = true;
    say(`strata: ${file}: cannot write the log (${err.code ?? err.message}); the engine goes on without it`);
  });
  return pino(
    { level: process.env.STRATA_LOG_LEVEL ?? 'info', base: { pid: process.pid } },
    pino.multistream([
      { level: 'info', stream: dest },
      { level: 'warn', stream: process.stderr },
    ]),
  );
}
